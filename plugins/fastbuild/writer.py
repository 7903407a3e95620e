"""The build's writer: atomic, incremental and parallel.

* **Atomic**: every page is written to a temporary file and renamed into place, so an
  interrupted build leaves the old page or the new one, never half of one; a page whose
  bytes did not change is not rewritten (its mtime stays).
* **Incremental**: every ``write_file`` call gets a fingerprint of everything it renders
  from: the code, theme and settings; the briefings, terms and lists passed to it (their
  text, metadata, related links, neighbours); and every variable of the build's context its
  template reads. Those are not listed by hand: :meth:`FastWriter.template_reads` derives
  them from the template's source and the templates it extends, includes and imports
  (``jinja2.meta``), so a variable a plugin adds and a template starts to read is part of
  the fingerprint at once. When the fingerprint equals the last build's and its files are
  still there, the page (and its pagination) is neither rendered nor written.
* **Parallel**: the pages that must be rendered are queued and, when there are enough of
  them, rendered by worker processes forked from the build (copy-on-write: nothing is
  pickled), one per core.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import os
from typing import NamedTuple

import jinja2.meta
from pelican import signals


from briefing.core import fileio, parallel
from briefing.core.facets import FACETS
from briefing.site.buildstate import plain

from .seam import WriterSeam

logger = logging.getLogger(__name__)

MANIFEST = "render-manifest.json"
PARALLEL_MIN_JOBS = 40



class _PageFile(fileio.AtomicFile):
    """A page or derived file, written with the project's one atomic writer; the writer
    learns which files were written and which of them changed."""

    def __init__(self, filename, written):
        super().__init__(filename)
        self._written = written

    def __exit__(self, exc_type, exc, tb):
        result = super().__exit__(exc_type, exc, tb)
        if exc_type is None:
            self._written.append((self.path, self.changed))
        return result


# --- fingerprints ---------------------------------------------------------------------------
def own_digest(content) -> str:
    """A briefing's own text and metadata, as read (the fastbuild plugin computes it once,
    when the briefing is read, and Pelican's content cache keeps it with the briefing)."""
    meta = {k: plain(v) for k, v in getattr(content, "metadata", {}).items()}
    return Fingerprints._hash(getattr(content, "_content", ""), meta)


#: what a briefing's page may show that its own text and metadata give (with the settings,
#: which every fingerprint holds): Pelican's properties over them
FROM_OWN = frozenset({"content", "summary", "locale_date", "locale_modified", "url", "save_as",
                      "slug", "template"})
#: what the build sets on a briefing after reading it, each part of :meth:`Fingerprints.full`
#: (the facets' term objects, by ``article[facet]``, too)
SET_AFTER_READING = ("related", "prev_article", "next_article") + tuple(FACETS)


class Fingerprints:
    """Fingerprints of the objects pages are rendered from, each computed once."""

    def __init__(self, base: str):
        self.base = base
        self._memo: dict[int, str] = {}
        self._keep: list = []  # keeps memoised objects alive, so their id() stays theirs

    def _remember(self, obj, digest):
        self._memo[id(obj)] = digest
        self._keep.append(obj)
        return digest

    _hash = staticmethod(fileio.digest)

    def display(self, content) -> str:
        """What a list shows of a briefing or page."""
        key = ("display", id(content))
        cached = self._memo.get(key)
        if cached:
            return cached
        source = getattr(content, "source", None)
        digest = self._hash(
            type(content).__name__, content.url, str(content.title),
            content.date.isoformat() if getattr(content, "date", None) else None,
            str(getattr(content, "summary", "") or ""),
            plain(source) if isinstance(source, dict) else str(source or ""),
            str(getattr(content, "author", "") or ""), getattr(content, "status", None))
        self._memo[key] = digest
        self._keep.append(content)
        return digest

    def full(self, content) -> str:
        """Everything a briefing's own page shows: its own text and metadata (and what is
        computed from them alone, :data:`FROM_OWN`), and what the build sets on it after
        reading (:data:`SET_AFTER_READING`). A test holds the theme's templates to these:
        an attribute a template reads that neither covers fails it."""
        cached = self._memo.get(id(content))
        if cached:
            return cached
        own = getattr(content, "_briefing_own_digest", None) or own_digest(content)
        related = [(self.display(link.article), getattr(link, "reason", ""))
                   for link in getattr(content, "related", []) or []]
        neighbours = [self.display(n) if n is not None else None
                      for n in (getattr(content, "prev_article", None),
                                getattr(content, "next_article", None))]
        facets = {f: [(str(t), getattr(t, "url", None)) for t in getattr(content, f, []) or []]
                  for f in FACETS}
        digest = self._hash(self.display(content), content.save_as, own, related, neighbours,
                            facets, getattr(content, "template", None))
        return self._remember(content, digest)

    def value(self, value, depth=0):
        if depth > 4:
            return type(value).__name__
        if hasattr(value, "_content") and hasattr(value, "metadata"):
            return ("content", self.full(value) if depth == 0 else self.display(value))
        inputs = getattr(value, "page_inputs", None)
        if callable(inputs):  # an object that says what a page shows of it (a facet term)
            cached = self._memo.get(id(value))
            if cached:
                return cached
            return self._remember(value, self._hash(type(value).__name__, inputs(self.display)))
        if isinstance(value, (list, tuple)):
            cached = self._memo.get(id(value))
            if cached:
                return cached
            digest = self._hash([self.value(v, depth + 1) for v in value])
            return self._remember(value, digest)
        if isinstance(value, dict):
            cached = self._memo.get(id(value))
            if cached:
                return cached
            digest = self._hash([(str(k), self.value(v, depth + 1))
                                 for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))])
            return self._remember(value, digest)
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return type(value).__name__ + ":" + str(value)[:200]


# --- the writer -----------------------------------------------------------------------------
class FastWriter(WriterSeam):
    """Pelican's writer, made atomic, incremental and parallel (see the module docstring)."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._jobs: list[tuple[str, tuple, dict]] = []
        self._written: list[tuple[str, bool]] = []
        self.reused = 0
        self.rendered = 0
        self.changed_files = 0
        self.changed_paths: list[str] = []
        cache = settings.get("CACHE_PATH") or os.path.join(output_path, ".cache")
        self._manifest_path = os.path.join(cache, MANIFEST)
        self._old = self._load_manifest()
        self._new: dict[str, dict] = {}
        self._prints: Fingerprints | None = None
        self._checked: set[str] = set()
        self._context: dict | None = None
        self._reads: dict[tuple[int, str], tuple[str, ...]] = {}

    # manifest --------------------------------------------------------------------------
    def _load_manifest(self) -> dict:
        try:
            with open(self._manifest_path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        if data.get("output") != os.path.abspath(self.output_path):
            return {}
        return data.get("pages", {})

    def _save_manifest(self):
        fileio.write_atomic(self._manifest_path, json.dumps(
            {"output": os.path.abspath(self.output_path), "pages": self._new}, sort_keys=True))

    def made_files(self) -> set[str]:
        """Every file of OUTPUTDIR this build made (written now or kept from the last
        build as it was), relative to OUTPUTDIR: the pages and derived files of the
        manifest, the static files, and the theme's static files."""
        made = {f for entry in self._new.values() for f in entry["files"]}
        context = self._context or {}
        made.update(os.path.normpath(sc.save_as) for sc in context.get("staticfiles", [])
                    if getattr(sc, "save_as", None))
        made.update(theme_static_files(self.settings))
        return made

    def _site_fingerprint(self, context) -> str:
        from briefing.site.buildstate import code_and_theme_fingerprint

        return Fingerprints._hash(code_and_theme_fingerprint(self.settings),
                                  plain(self.settings))

    def template_reads(self, template) -> tuple[str, ...]:
        """The context variables a template may read: the names its source and every
        template it extends, includes or imports use without setting them. Computed once
        per template and build."""
        env = getattr(template, "environment", None)
        key = (id(env), getattr(template, "name", None) or "")
        if key in self._reads:
            return self._reads[key]
        if env is None or not template.name:  # not from a loader: it may read anything
            self._reads[key] = ("*",)
            return self._reads[key]
        names: set[str] = set()
        pending, seen = [template.name], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                source = env.loader.get_source(env, current)[0]
            except jinja2.TemplateNotFound:
                continue
            tree = env.parse(source)
            names.update(jinja2.meta.find_undeclared_variables(tree))
            pending.extend(ref for ref in jinja2.meta.find_referenced_templates(tree) if ref)
        reads = tuple(sorted(names))
        self._reads[key] = reads
        logger.debug("fastbuild: %s reads %s", template.name, ", ".join(reads) or "nothing")
        return reads

    def _context_read(self, template, context, kwargs) -> list:
        """The values of the context variables the template reads (those passed to this
        page are fingerprinted with it, the settings are fingerprinted whole)."""
        reads = self.template_reads(template)
        if reads == ("*",):
            reads = tuple(sorted(context))
        return [(n, self._prints.value(context[n], 1)) for n in reads
                if n in context and n not in kwargs and n not in self.settings]

    # writing ---------------------------------------------------------------------------
    def open_page(self, filename, encoding):
        folder = os.path.dirname(filename)
        if folder not in self._checked:  # no symbolic link leads out of OUTPUTDIR
            fileio.check_inside(filename, self.output_path)
            self._checked.add(folder)
        return _PageFile(filename, self._written)

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if not name:
            return None
        self._context = context
        if self._prints is None:
            self._prints = Fingerprints(self._site_fingerprint(context))
        fp = Fingerprints._hash(
            self._prints.base, name, getattr(template, "name", str(template)), template_name,
            relative_urls, url, override_output,
            [(k, self._prints.value(v)) for k, v in sorted(kwargs.items())],
            self._prints.value(paginated) if paginated else None,
            self._context_read(template, context, kwargs))
        old = self._old.get(name)
        if old and old.get("fp") == fp and all(
                os.path.exists(os.path.join(self.output_path, f)) for f in old["files"]):
            self._new[name] = old
            self.reused += 1
            self._announce(old["files"], context, kwargs)
            return None
        self._jobs.append((name, (template, context, relative_urls, paginated, template_name,
                                  override_output, url), kwargs, fp))
        return None

    def _announce(self, files, context, kwargs):
        """``content_written`` for pages this process did not write itself (unchanged, or
        rendered by a worker), so that a plugin listening to it hears of every page, as in a
        stock build (its ``context``: the page's context, without Pelican's per-page
        additions such as ``output_file``)."""
        if not signals.content_written.receivers:
            return
        local = dict(context, **kwargs)
        for rel in files:
            signals.content_written.send(os.path.join(self.output_path, rel), context=local)

    def write_derived(self, name, context, inputs, produce) -> None:
        """Write ``OUTPUTDIR/name`` with the text ``produce()`` returns (a feed, say; or an
        iterable of pieces of text, written as they come), unless
        the fingerprint of ``inputs`` (briefings, terms, plain values) and of the site
        equals the last build's and the file is still there. Queued like pages."""
        if not name:
            return
        if self._prints is None:
            self._prints = Fingerprints(self._site_fingerprint(context))
        fp = Fingerprints._hash(self._prints.base, "derived", name, self._prints.value(inputs))
        old = self._old.get(name)
        if old and old.get("fp") == fp and all(
                os.path.exists(os.path.join(self.output_path, f)) for f in old["files"]):
            self._new[name] = old
            self.reused += 1
            return
        self._jobs.append((name, None, produce, fp))

    def _render(self, job) -> list[tuple[str, bool]]:
        start = len(self._written)
        if job[1] is None:  # a derived file: its text from the job's function
            name, _none, produce, _fp = job
            path = os.path.join(self.output_path, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with self._open_w(path, "utf-8") as handle:
                made = produce()
                for piece in ([made] if isinstance(made, str) else made):
                    handle.write(piece)
            return self._written[start:]
        name, (template, context, relative_urls, paginated, template_name, override_output,
               url), kwargs, _fp = job
        super().write_file(name, template, context, relative_urls=relative_urls,
                           paginated=paginated, template_name=template_name,
                           override_output=override_output, url=url, **kwargs)
        return self._written[start:]

    def flush(self, processes: int | None = None) -> None:
        """Render the queued pages (in parallel when it pays), then save the manifest."""
        jobs, self._jobs = self._jobs, []
        workers = min(processes or parallel.cores(), len(jobs) // PARALLEL_MIN_JOBS or 1)
        if not parallel.can_fork():
            workers = 1
        # forked workers report the files they wrote (nothing is left in OUTPUTDIR if one is
        # killed); the pages they render are announced here, below
        results = parallel.fork_map(self._render, jobs, workers, what="rendering")
        for job, written in zip(jobs, results):
            name, fp = job[0], job[3]
            if workers > 1 and job[1] is not None:  # Pelican announced it in the worker
                self._announce([os.path.relpath(f, self.output_path) for f, _ in written],
                               job[1][1], job[2])
            self._new[name] = {"fp": fp, "files": sorted(
                os.path.relpath(f, self.output_path) for f, _ in written)}
            self.changed_files += sum(1 for _, changed in written if changed)
            self.changed_paths += [os.path.relpath(f, self.output_path)
                                   for f, changed in written if changed]
        self.rendered += len(jobs)
        self._save_manifest()
        logger.info("pages: %d rendered (%d files changed), %d unchanged and not rendered",
                    self.rendered, self.changed_files, self.reused)


def theme_static_files(settings) -> list[str]:
    """The files Pelican's static generator copies from the theme (``THEME_STATIC_PATHS``
    into ``THEME_STATIC_DIR``, skipping ``IGNORE_FILES``), relative to OUTPUTDIR: what
    ``pelican.utils.copy`` does, listed instead of done."""
    theme = settings.get("THEME", "")
    target = settings.get("THEME_STATIC_DIR", "theme")
    ignores = settings.get("IGNORE_FILES") or []

    def ignored(name):
        return any(fnmatch.fnmatch(name, pattern) for pattern in ignores)

    files = []
    for path in settings.get("THEME_STATIC_PATHS", []):
        source = os.path.join(theme, path)
        if ignored(os.path.basename(source)):
            continue
        if os.path.isfile(source):
            files.append(os.path.normpath(os.path.join(target, os.path.basename(path))))
            continue
        files.extend(os.path.normpath(os.path.join(target, rel))
                     for rel, entry in fileio.walk(source, follow_links=True,
                                                   prune=lambda r: ignored(os.path.basename(r)))
                     if not ignored(entry.name) and os.path.isfile(entry.path))
    return files


class Flushed(NamedTuple):
    rendered: int  # pages and files rendered
    reused: int  # unchanged, neither rendered nor written
    changed: int  # files whose bytes changed
    changed_paths: list[str]  # those files, relative to OUTPUTDIR
    made: set[str]  # every file of OUTPUTDIR the build made (FastWriter.made_files)
    previous: set[str]  # the files the last build's manifest lists


def flush_writers(writers: list[FastWriter], processes: int | None = None) -> Flushed:
    """Flush the writers of one build (Pelican makes one per run)."""
    rendered = reused = changed = 0
    changed_paths: list[str] = []
    made: set[str] = set()
    previous: set[str] = set()
    for writer in writers:
        writer.flush(processes)
        rendered += writer.rendered
        reused += writer.reused
        changed += writer.changed_files
        changed_paths += writer.changed_paths
        made |= writer.made_files()
        previous |= {f for entry in writer._old.values() for f in entry.get("files", [])}
    return Flushed(rendered, reused, changed, changed_paths, made, previous)

"""Pelican reader for Markdown briefings that open with YAML front matter.

A thin adapter over :mod:`briefing.core.frontmatter`: the YAML is read with the safe
(C) loader and validated there; this module renders the body with
Python-Markdown and hands Pelican its metadata.  Files without a ``---`` first
line are read by Pelican's own Markdown reader (``Key: value`` metadata).  Both render
with :mod:`briefing.site.mdsafe` (added when a site's ``MARKDOWN`` settings leave it out), and
no other reader is enabled: Pelican's HTML and reStructuredText readers pass raw HTML
through, so an ``.html`` or ``.rst`` file in the content is reported, not published.

A file that cannot be read is reported as ``file:line: what is wrong`` (kept in
the reader's ``errors``) and the build goes on reading the others; once every
file has been read, the ``integrity`` plugin fails the build with the list of
every bad file (never a silent skip, never only the first error).  Whatever goes wrong
while rendering a body (a runaway input :mod:`briefing.site.mdsafe` refuses, or any exception
from Python-Markdown) is such a message too, with the reason; what mdsafe changed to keep
a body safe to render (flattened nesting, paragraphs shown as text) is a warning.
"""

from __future__ import annotations

import logging
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup, escape
from pelican import signals
from pelican.readers import MarkdownReader

from briefing.core import fileio, frontmatter, parallel
from briefing.site import mdsafe, settings as site_settings
from briefing.core.slug import slugify

logger = logging.getLogger(__name__)

META_EXTENSION = "markdown.extensions.meta"
SAFE_EXTENSION = "briefing.site.mdsafe"


def _with_mdsafe(md_settings: dict) -> dict:
    """A copy of Pelican's MARKDOWN settings whose extensions include briefing.site.mdsafe."""
    out = dict(md_settings)
    extensions = list(out.get("extensions", []))
    if not any(isinstance(e, mdsafe.SafeExtension) or
               (isinstance(e, str) and e.split(":")[0] == SAFE_EXTENSION) for e in extensions):
        extensions.append(SAFE_EXTENSION)
    out["extensions"] = extensions
    return out


def _notes(md) -> list[tuple[int | None, str]]:
    """What briefing.site.mdsafe changed in the body last converted (body line, what)."""
    for ext in getattr(md, "registeredExtensions", []):
        if isinstance(ext, mdsafe.SafeExtension):
            return list(ext.notes)
    return []


def _render_error(path: str, body_line: int, exc: Exception) -> frontmatter.FrontMatterError:
    """The file:line message for a body that could not be rendered."""
    if isinstance(exc, mdsafe.RunawayMarkdown):
        line = body_line + exc.line - 1 if exc.line else body_line
        return frontmatter.FrontMatterError(path, [(line, str(exc))])
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return frontmatter.FrontMatterError(path, [(
        body_line, f"the body (from this line) could not be rendered as Markdown ({reason})")])


def _pelican_body_line(text: str) -> int:
    """The line a Pelican-style body starts on: after the ``Key: value`` lines (and the
    blank line ending them) that Python-Markdown's meta extension takes off first."""
    from markdown.extensions.meta import BEGIN_RE, END_RE, META_MORE_RE, META_RE

    lines = text.lstrip("\ufeff").split("\n")
    i = 1 if lines and BEGIN_RE.match(lines[0]) else 0
    key = False
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or END_RE.match(line):
            break
        if META_RE.match(line):
            key = True
        elif not (key and META_MORE_RE.match(line)):
            i -= 1  # not metadata: the body starts here
            break
    return i + 1


class FrontMatterReader(MarkdownReader):
    """Markdown with YAML front matter; falls back to Pelican's reader otherwise."""

    def __init__(self, settings):
        super().__init__(settings)
        self.errors: list[str] = []
        # Pelican's own reader (files without front matter) renders with these too; a copy:
        # the shared settings are never written
        self.settings = {**self.settings, "MARKDOWN": _with_mdsafe(self.settings["MARKDOWN"])}
        md_settings = dict(self.settings["MARKDOWN"])
        md_settings["extensions"] = [
            e for e in md_settings.get("extensions", []) if e != META_EXTENSION
        ]
        md_settings["extension_configs"] = {
            k: v for k, v in md_settings.get("extension_configs", {}).items()
            if k != META_EXTENSION
        }
        self._body_md_settings = md_settings
        self._body_md = None
        self._prepared = None  # briefings parsed and rendered ahead, by parallel workers
        try:
            self._site_tz = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self._site_tz = ZoneInfo("UTC")

    def _display_path(self, source_path: str) -> str:
        rel = os.path.relpath(source_path)
        return source_path if rel.startswith("..") else rel

    def _is_article(self, source_path: str) -> bool:
        rel = os.path.relpath(os.path.abspath(source_path), os.path.abspath(self.settings["PATH"]))
        return frontmatter.is_article(rel, self.settings.get("ARTICLE_PATHS", [""]),
                                      self.settings.get("PAGE_PATHS", []))

    def render(self, body: str) -> tuple[str, list[tuple[int | None, str]]]:
        """Render a Markdown body to HTML with the site's Markdown settings; also what
        briefing.site.mdsafe changed in it (body line, what)."""
        from markdown import Markdown

        if self._body_md is None:
            self._body_md = Markdown(**self._body_md_settings)
        else:
            self._body_md.reset()
        return self._body_md.convert(body), _notes(self._body_md)

    def parse_and_render(self, source_path: str, text: str):
        """(html, metadata, warnings) of a front-matter briefing; FrontMatterError if it is
        bad, or if its body cannot be rendered (whatever the reason)."""
        display = self._display_path(source_path)
        doc = frontmatter.parse(text, display, require_date=self._is_article(source_path),
                                timezone=self.settings.get("TIMEZONE"))
        try:
            html, notes = self.render(doc.body)
        except Exception as exc:  # noqa: BLE001 - every reason becomes the file's message
            self._body_md = None  # a Markdown instance left half-way is not reused
            raise _render_error(display, doc.body_line, exc) from exc
        warnings = [f"{display}:{doc.body_line + line - 1 if line else doc.body_line}: {what}"
                    for line, what in notes]
        return html, doc.meta, warnings

    def read(self, source_path):
        display = self._display_path(source_path)
        try:
            with open(source_path, encoding="utf-8") as handle:
                text = handle.read()
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            return self._fail(frontmatter.FrontMatterError(
                display, [(line, "the file is not UTF-8 text; save it as UTF-8")]))
        if not frontmatter.has_front_matter(text):
            return self._read_pelican_style(source_path, display, text)
        if self._prepared is None:
            self._prepared = prepare_in_parallel(self, source_path)
        found = self._prepared.pop((os.path.abspath(source_path), hash(text)), None)
        try:
            html, meta, warnings = (found if found is not None
                                    else self.parse_and_render(source_path, text))
        except frontmatter.FrontMatterError as exc:
            return self._fail(exc)
        for warning in warnings:
            logger.warning("%s", warning)
        return html, self._pelican_metadata(meta)

    def _read_pelican_style(self, source_path: str, display: str, text: str):
        """A file without front matter: Pelican's own Markdown reader (with mdsafe)."""
        try:
            html, meta = super().read(source_path)
        except Exception as exc:  # noqa: BLE001 - every reason becomes the file's message
            return self._fail(_render_error(display, _pelican_body_line(text), exc))
        # the notes of the last text Pelican converted: the body, or a Summary after it
        for _, what in _notes(self._md):
            logger.warning("%s: %s", display, what)
        return html, meta

    def _fail(self, exc: frontmatter.FrontMatterError):
        for line in str(exc).splitlines():
            self.errors.append(line)
            logger.error("%s", line)
        raise exc

    def _pelican_metadata(self, meta: dict) -> dict:
        out = dict(meta)
        if "slug" not in out and slugify(meta["title"]):
            # ours, not Pelican's: ASCII, at most about 80 characters
            out["slug"] = slugify(meta["title"])
        if "date" in meta:
            # the same instant, in the site's timezone: archives group briefings by the
            # date's own year and month, which must all be in one timezone
            out["date"] = meta["date"].astimezone(self._site_tz)
        if "author" in meta:
            out["author"] = self.process_metadata("author", meta["author"])
        if "summary" in meta:
            # Pelican treats a summary as HTML; ours is plain text, so escape it once
            out["summary"] = Markup(escape(meta["summary"]))
        return out


PARALLEL_MIN_FILES = 64


def _candidates(settings) -> list[str]:
    """The Markdown files of the content folders (what the generators will read)."""
    base = settings["PATH"]
    folders = list(settings.get("ARTICLE_PATHS", [])) + list(settings.get("PAGE_PATHS", []))
    def hidden(rel: str) -> bool:
        return os.path.basename(rel).startswith(".")

    found = []
    for folder in folders or [""]:
        root = os.path.join(base, folder)
        found += [os.path.join(root, rel) for rel, entry in fileio.walk(root, prune=hidden)
                  if not hidden(rel) and not fileio.is_folder(entry)
                  and entry.name.rsplit(".", 1)[-1] in FrontMatterReader.file_extensions]
    return sorted(set(found))


def prepare_in_parallel(reader: "FrontMatterReader", first_path: str) -> dict:
    """Parse and render every briefing of the site with one worker per core, before
    Pelican reads them one by one (only when there are enough to be worth it). Files the
    content cache already holds are never asked for, so only what changed is prepared."""
    processes = reader.settings.get("BUILD_PROCESSES") or parallel.cores()
    if processes < 2 or not parallel.can_fork():
        return {}
    paths = _candidates(reader.settings)
    # Pelican's content cache, when warm, answers before the reader is asked: a first read
    # means that this file (at least) changed; prepare everything only on a cold start
    if len(paths) < PARALLEL_MIN_FILES:
        return {}
    cache_dir = reader.settings.get("CACHE_PATH")
    warm = reader.settings.get("LOAD_CONTENT_CACHE") and cache_dir and os.path.exists(
        os.path.join(cache_dir, "ArticlesGenerator"))
    if warm:
        return {}

    def prepare(path):
        """In a worker: parse and render one briefing. Any failure is left to the build's
        own read of the file, which reports it with the file's name and line."""
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            if not frontmatter.has_front_matter(text):
                return None
            return (os.path.abspath(path), hash(text)), reader.parse_and_render(path, text)
        except Exception:  # noqa: BLE001 - see the docstring
            return None

    results = parallel.fork_map(prepare, paths, processes, what="reading the briefings")
    return dict(r for r in results if r is not None)


def add_reader(readers):
    """Ours for Markdown; none for anything else (Pelican's HTML and reStructuredText
    readers publish raw HTML), so the integrity plugin reports such files."""
    for ext in list(readers.reader_classes):
        readers.reader_classes[ext] = None
    for ext in FrontMatterReader.file_extensions:
        readers.reader_classes[ext] = FrontMatterReader


def needs_facets(pelican):
    """The theme shows a briefing's tags from what the facets plugin gives it."""
    if site_settings.missing_plugins(pelican.settings, "facets"):
        logger.warning("frontmatter: the facets plugin is not loaded, so briefings show no "
                       "tags and there are no term pages, facet indexes, feeds per term or "
                       "data export; add \"facets\" to PLUGINS")


def register():
    signals.initialized.connect(needs_facets)
    signals.readers_init.connect(add_reader)

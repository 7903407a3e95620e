"""Integrity: nothing lost, nothing overwritten, nothing half-written.

* Once every source file has been read, the build fails (exit 1) with one report listing:
  every file that could not be read (with the reader's ``file:line`` messages); any two
  outputs that would be written to the same place, from a registry of every file the build
  plans (briefings, pages and drafts; term pages, term feeds, facet indexes; the home,
  archives, search and 404 pages; period archives; the site feed, sitemap, robots.txt and
  ``api/`` export; the search index's folder; each page of a paginated one), naming both
  owners ("content/pages/region.md: its page region/index.html is also the Region
  index"); any output path that would leave OUTPUTDIR or is too long, and any address
  that is not a plain path of the site; a template that is not one of the theme's; a
  facet given as one text with commas (in Pelican's own ``Key: value`` files too, where a
  single name is one tag); and any file in a content folder that no reader takes (so it
  would silently not appear).  A published briefing whose ``duplicate_of`` (written by
  ingest) names another published briefing is warned about.  Files Pelican ignores (``IGNORE_FILES``: hidden files,
  ingest's ``*.bak`` backups) are not reported.
* Every page is written atomically by the ``fastbuild`` plugin's writer (a temporary file,
  then a rename), and a page whose bytes did not change is not rewritten.
* The output folder is claimed (``briefing.site.outputdir``) so ``make clean`` only removes what
  builds made.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from jinja2 import TemplateError
from pelican import signals
from pelican.generators import PelicanTemplateNotFound
from pelican.paginator import Paginator

from briefing.core import fileio, frontmatter, safeyaml, vocabulary
from briefing.core.facets import FACETS
from briefing.site import outputdir, settings as site_settings
from briefing.core.errors import Report

logger = logging.getLogger(__name__)

MAX_NAME_BYTES = 200  # one path component; file systems allow 255


class BuildFailed(Report, RuntimeError):
    """The build stopped on a report for the user, not a crash (no traceback)."""


def _source(content) -> str:
    return content.get_relative_source_path() if content is not None else "?"


def _unsafe(save_as: str) -> str | None:
    if not save_as:
        return None
    if "\x00" in save_as:
        return "contains a NUL character"
    if os.path.isabs(save_as) or save_as.startswith(("/", "\\")):
        return "is an absolute path"
    parts = save_as.replace("\\", "/").split("/")
    if ".." in parts:
        return "walks out of the output folder ('..')"
    if any(len(p.encode("utf-8")) > MAX_NAME_BYTES for p in parts):
        return f"has a name longer than {MAX_NAME_BYTES} bytes"
    return None


def _unsafe_url(url: str) -> str | None:
    """Why an address is not a plain path inside the site (a scheme, a host, control
    characters), or None."""
    if safeyaml.CONTROL_RE.search(url) or any(c.isspace() for c in url):
        return "holds spaces or control characters"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "\\")):
        return "is not a path inside the site"
    if ".." in url.replace("\\", "/").split("/"):
        return "walks out of the site ('..')"
    return None


def _contents(generators):
    """(generator, content) of every briefing, page and draft, translations too."""
    for gen in generators:
        for attr in ("articles", "translations", "drafts", "drafts_translations",
                     "hidden_articles", "hidden_translations", "pages", "hidden_pages",
                     "draft_pages"):
            for content in getattr(gen, attr, []) or []:
                yield gen, content


@dataclass(frozen=True)
class Owner:
    """What a planned output file is: ``subject`` reads before its path ("its page"), and
    ``source`` is the file to change, if any."""

    subject: str
    source: str | None = None
    remedy: str = "change one of the two settings"
    content: object = None
    note: str = ""  # how the source relates to it, when named as the other owner


def _pages(settings, template_name, save_as, url, objects):
    """(number, file) of each page of one template written over ``objects``: one file, or
    one per page when the template is paginated (as Pelican's Writer.write_file does it,
    with its Paginator and PAGINATION_PATTERNS)."""
    paginated = settings.get("PAGINATED_TEMPLATES") or {}
    if template_name not in paginated:
        return [(1, save_as)]
    per_page = paginated[template_name] or settings.get("DEFAULT_PAGINATION")
    paginator = Paginator(save_as, url, objects, settings, per_page)
    return [(n, paginator.page(n).save_as) for n in paginator.page_range] or [(1, save_as)]


def _numbered(number: int, subject: str) -> str:
    return subject if number == 1 else f"page {number} of {subject}"


def _planned(generators, settings, context):
    """(path, Owner) of every file the build will write, in a stable order: the site's own
    files first, then facet pages, then briefings and pages."""
    opts = site_settings.read(settings)
    fixed = {"index": "the home page", "archives": "the archives page",
             "search": "the search page", "404": "the page for addresses not found"}
    for template in settings.get("DIRECT_TEMPLATES", []):
        # the same rule as Pelican's ArticlesGenerator.generate_direct_templates
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        url = settings.get(f"{template.upper()}_URL", f"{template}.html")
        if save_as:
            subject = fixed.get(template, f"the {template} page")
            for number, path in _pages(settings, template, save_as, url,
                                       context.get("articles", [])):
                yield path, Owner(_numbered(number, subject))
    for granularity in context.get("period_archives", {}).values():
        for period in granularity:
            name = " ".join(str(p) for p in period["period"])
            for number, path in _pages(settings, "period_archives", period["save_as"],
                                       period["url"], period["articles"]):
                yield path, Owner(_numbered(number, f"the archive of {name}"))
    for key, subject in (("SITE_FEED_SAVE_AS", "the site feed"),
                         ("SITEMAP_SAVE_AS", "the sitemap"),
                         ("ROBOTS_SAVE_AS", "robots.txt"),
                         ("API_BRIEFINGS_SAVE_AS", "the briefings export"),
                         ("API_TERMS_SAVE_AS", "the terms export")):
        if opts[key]:
            yield opts[key], Owner(subject)
    for folder in outputdir.OWNED:
        yield folder + "/", Owner(f"the search index's folder {folder}/ (rewritten whole "
                                  "by every build)")
    yield outputdir.MARKER, Owner("the output folder's record")

    for facet in context.get("facets", []) or []:
        yield facet.save_as, Owner(f"the {facet.label} index")
        if facet.by_count_save_as:
            yield facet.by_count_save_as, Owner(f"the {facet.label} index by count")
    terms = context.get("facet_terms", {}) or {}
    vocab = vocabulary.load(opts["BRIEFING_VOCABULARY"] or vocabulary.default_path()) \
        if terms else None
    for term in sorted(terms.values(), key=lambda t: (t.facet, t.slug)):
        tagged = term.articles or term.all_articles
        known = vocab.get(term.facet, term.name) if term.known else None
        if known is not None:  # the vocabulary's term: its slug is set there
            source, note = f"{vocab.path}:{known.line}", "defined at"
            remedy = "give the term another slug in the vocabulary"
        else:
            source, note = (_source(tagged[0]) if tagged else None), "tagged in"
            remedy = "rename the tag"
        subject = f"the page of its {term.label} term {term.name!r}"
        for number, path in _pages(settings, "term", term.save_as, term.url,
                                   term.all_articles):
            yield path, Owner(_numbered(number, subject), source, remedy, note=note)
        if term.feed_url:
            yield term.feed_url, Owner(f"the feed of its {term.label} term {term.name!r}",
                                       source, remedy, note=note)

    # the authors' and sources' pages (the facets plugin's credits): named by their briefings
    for facet in context.get("credit_facets", []) or []:
        yield facet.save_as, Owner(f"the {facet.label} index")
        if getattr(facet, "by_count_save_as", None):
            yield facet.by_count_save_as, Owner(f"the {facet.label} index by count")
    for term in sorted((context.get("credit_terms", {}) or {}).values(),
                       key=lambda t: (t.facet, t.slug)):
        tagged = term.articles or term.all_articles
        subject = f"the page of its {term.label} {term.name!r}"
        source = _source(tagged[0]) if tagged else None
        for number, path in _pages(settings, "credit", term.save_as, term.url,
                                   term.all_articles):
            yield path, Owner(_numbered(number, subject), source, "rename it", note="named in")
        if term.feed_url:
            yield term.feed_url, Owner(f"the feed of its {term.label} {term.name!r}", source,
                                       "rename it", note="named in")
    for _gen, content in _contents(generators):
        save_as = getattr(content, "save_as", "") or ""
        if save_as and not _unsafe(save_as):
            yield save_as, Owner("its page", _source(content), "give it another slug",
                                 content)


def _described(owner: Owner) -> str:
    if owner.content is not None:
        return f"the page of {owner.source}"
    if owner.source:
        return f"{owner.subject.replace(' its ', ' the ')} ({owner.note} {owner.source})"
    return owner.subject


def _collision(path: str, first: Owner, second: Owner, how: str = "is also") -> str:
    """One line naming both owners, from the side of the one with a file to change."""
    if first.content is not None and second.content is not None and how == "is also":
        return (f"{second.source} and {first.source} have the same output file {path!r}; "
                "give one of them another slug")
    own, other = (second, first) if second.source or not first.source else (first, second)
    where = f"{own.source}: " if own.source else "settings: "
    return f"{where}{own.subject} {path} {how} {_described(other)}; {own.remedy}"


def _collisions(planned) -> list[str]:
    """Two owners for one file; a file where another output needs a folder; a file inside
    a folder a plugin rewrites as a whole (the search index)."""
    problems = []
    files: dict[str, Owner] = {}
    owned: dict[str, Owner] = {}
    for path, owner in planned:
        clean = os.path.normpath(path).replace(os.sep, "/")
        if path.endswith("/"):
            owned[clean] = owner
            continue
        other = files.get(clean)
        if other is None:
            files[clean] = owner
        elif other.content is None or other.content is not owner.content:
            problems.append(_collision(clean, other, owner))
    needs: dict[str, tuple[str, Owner]] = {}  # folder -> the first file under it
    for path, owner in files.items():
        parts = path.split("/")
        for i in range(1, len(parts)):
            needs.setdefault("/".join(parts[:i]), (path, owner))
    for folder, (path, owner) in needs.items():
        if folder in files:
            problems.append(_collision(path, files[folder], owner,
                                       f"needs a folder {folder}/, which is also"))
        if folder in owned:
            problems.append(_collision(path, owned[folder], owner, "is inside"))
    for folder, owner in owned.items():
        if folder in files:
            problems.append(_collision(folder, owner, files[folder], "is also"))
    return problems


def _template_problems(generators) -> list[str]:
    """Every page's template: a plain name the theme has (``template: ../x`` is not)."""
    problems = []
    found: dict[tuple[int, str], str | None] = {}
    for gen, content in _contents(generators):
        name = getattr(content, "template", None)
        if not isinstance(name, str) or not hasattr(gen, "get_template"):
            continue
        key = (id(gen), name)
        if key not in found:
            found[key] = None
            if not frontmatter.TEMPLATE_RE.match(name):
                found[key] = "is not a plain template name (no folder, no .html)"
            else:
                try:
                    gen.get_template(name)
                except PelicanTemplateNotFound:
                    found[key] = "is not one of the theme's templates"
                except TemplateError as exc:
                    found[key] = f"cannot be loaded ({exc})"
        if found[key]:
            problems.append(f"{_source(content)}: template {name!r} {found[key]}")
    return problems


_PROBLEMS = "_briefing_problems"  # set by normalise_facets (a key front matter refuses)


def normalise_facets(_generator, metadata):
    """Before each page is made: a facet given as text in Pelican's own ``Key: value``
    format is one tag, read by the same function as front matter (text with commas is a
    problem the report names, and no tag)."""
    for facet in FACETS:
        value = metadata.get(facet)
        if value is not None and not isinstance(value, list):
            problems: list = []
            metadata[facet] = frontmatter.names(facet, value, None, problems)
            if problems:
                metadata.setdefault(_PROBLEMS, []).extend(m for _, m in problems)


def _metadata_problems(generators) -> list[str]:
    """What Pelican's ``Key: value`` files (which skip our front-matter checks) can carry:
    control characters in their metadata, facets the normaliser refused."""
    problems = []
    for _gen, content in _contents(generators):
        for message in getattr(content, _PROBLEMS, None) or ():
            problems.append(f"{_source(content)}: {message}")
        for key, value in getattr(content, "metadata", {}).items():
            char = safeyaml.first_control(value) if isinstance(value, (str, list)) \
                else None
            if char:
                problems.append(f"{_source(content)}: {key}: "
                                f"{safeyaml.control_message(char)}")
    return problems


def _unread_files(generators, settings) -> list[str]:
    """Files in the content folders that no reader takes and that are not ignored."""
    base = os.path.join(settings["PATH"], "")
    # IGNORE_FILES as Pelican applies them (to a name or to its path under PATH), as one
    # pattern: this runs over every file of the archive on every build
    patterns = settings.get("IGNORE_FILES", [])
    ignored = re.compile("|".join(fnmatch.translate(p) for p in patterns)).match \
        if patterns else (lambda _name: None)
    readers = set()
    for gen in generators:
        readers.update(getattr(getattr(gen, "readers", None), "readers", {}) or {})
    folders = list(settings.get("ARTICLE_PATHS", [])) + list(settings.get("PAGE_PATHS", []))
    static = [os.path.normpath(p) for p in settings.get("STATIC_PATHS", [])]
    found = []
    for folder in folders:
        def under_base(rel: str, folder: str = folder) -> str:
            return os.path.normpath(os.path.join(folder, rel))

        def pruned(rel: str) -> bool:
            return bool(ignored(os.path.basename(rel)) or ignored(under_base(rel)))

        for rel, entry in fileio.walk(os.path.join(base, folder), prune=pruned):
            name, rel = entry.name, under_base(rel)
            if fileio.is_folder(entry) or ignored(name) or ignored(rel):
                continue  # a link to a folder is not walked into
            if any(rel == s or rel.startswith(s + os.sep) for s in static):
                continue
            ext = name.rsplit(".", 1)[-1] if "." in name else ""
            if ext not in readers:
                found.append(rel)
    return sorted(set(found))


def published_duplicates(generators) -> list[str]:
    """A warning for each published briefing that ingest found to nearly repeat another
    published briefing (its ``duplicate_of``, the other's file name or slug): the archive
    would show the story twice, each the other's first related link."""
    published = {}
    for gen in generators:
        for article in getattr(gen, "articles", []) or []:
            stem = os.path.splitext(os.path.basename(getattr(article, "source_path", "")))[0]
            for key in {stem, getattr(article, "slug", "")} - {""}:
                published.setdefault(key, article)
    out = []
    for gen in generators:
        for article in getattr(gen, "articles", []) or []:
            twin_name = article.metadata.get("duplicate_of")
            twin = published.get(str(twin_name)) if twin_name else None
            if twin is not None and twin is not article:
                out.append(f"{_source(article)}: a near-duplicate of {_source(twin)} "
                           "(duplicate_of), and both are published: keep one (status: "
                           "draft, or delete the file), or remove duplicate_of to keep both")
    return sorted(out)


def check_sources(generators):
    """After reading: one report of everything that would be lost, clobbered or unsafe."""
    if not generators:
        return
    context = generators[0].context
    settings = generators[0].settings
    problems: list[str] = []

    failed = sorted(p for p, c in context.get("generated_content", {}).items() if c is None)
    messages: list[str] = []
    for gen in generators:
        for reader in getattr(getattr(gen, "readers", None), "readers", {}).values():
            messages.extend(m for m in getattr(reader, "errors", []) if m not in messages)
    explained = {m.split(":", 1)[0] for m in messages}
    problems.extend(messages)
    for path in failed:
        if not any(e.endswith(path) for e in explained):
            problems.append(f"{path}: could not be read (see the messages above)")

    by_url: dict[str, object] = {}
    for _gen, content in _contents(generators):
        save_as = getattr(content, "save_as", "") or ""
        why = _unsafe(save_as)
        if why:
            problems.append(f"{_source(content)}: its output path {save_as!r} {why}; "
                            "set a shorter, plain slug")
            continue
        url = getattr(content, "url", "") or ""
        why = _unsafe_url(url)
        if why:
            problems.append(f"{_source(content)}: its address {url!r} {why}; remove the "
                            "url it sets (the address comes from the slug)")
            continue
        other = by_url.get(url)
        if url and other is not None and other is not content:
            problems.append(f"{_source(content)} and {_source(other)} have the same "
                            f"address {url!r}; give one of them another slug")
        by_url.setdefault(url, content)
    problems.extend(_collisions(_planned(generators, settings, context)))
    problems.extend(_template_problems(generators))
    problems.extend(_metadata_problems(generators))

    for rel in _unread_files(generators, settings):
        problems.append(f"{rel}: no reader for this file, so it would not appear in the site "
                        "(briefings are .md files)")

    if not problems:
        for warning in published_duplicates(generators):
            logger.warning(warning)
    if problems:
        unique = list(dict.fromkeys(problems))
        read_ok = sum(1 for c in context.get("generated_content", {}).values() if c is not None)
        raise BuildFailed(
            f"{len(unique)} problem{'s' if len(unique) != 1 else ''} in the content "
            f"({read_ok} source file{'s' if read_ok != 1 else ''} read fine); fix and build "
            "again:\n  " + "\n  ".join(sorted(unique)))


def claim_output(pelican):
    outputdir.claim(pelican.output_path)


class _NoTraceback(logging.Filter):
    """Pelican logs a failed build with its traceback; ours are reports, not crashes
    (any exception with ``report = True``: bad content, invalid settings, a failed index)."""

    def filter(self, record):
        if record.exc_info and getattr(record.exc_info[1], "report", False):
            record.exc_info = None
        return True


def register():
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(f, _NoTraceback) for f in pelican_logger.filters):
        pelican_logger.addFilter(_NoTraceback())
    signals.initialized.connect(claim_output)
    signals.article_generator_context.connect(normalise_facets)
    signals.page_generator_context.connect(normalise_facets)
    signals.all_generators_finalized.connect(check_sources)

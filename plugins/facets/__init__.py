"""Facet pages: a page and an Atom feed per term, an index per facet, and the data export.

A thin Pelican adapter over :mod:`briefing.site.facetindex` and :mod:`briefing.core.vocabulary`:

* ``/region/<slug>/``, ``/actors/<slug>/``, ``/systems/<slug>/``: the term's name and
  description, parent and children, its briefings newest first (paginated; with
  ``FACET_ROLLUP`` the briefings of its descendants too), the terms most often seen with
  it in the other facets, and a count per month or year; ``feed.xml`` beside it.
* ``/region/``, ``/actors/``, ``/systems/``: every term with its count, regions grouped
  under their parents; ``by-count/`` orders them by count.
* ``/authors/<slug>/`` and ``/sources/<slug>/``: the same pages, feeds and indexes for the
  briefings' authors and sources (:mod:`.credits`).
* ``api/briefings.json``, ``api/terms.json`` and ``api/credits.json``: the data export.

Each briefing's ``region``/``actors``/``systems`` become :class:`FacetTerm` objects (their
``url`` links the term page).  A term missing from the vocabulary still gets a page, and
a build warning naming the briefing (with a suggestion when the vocabulary has a near
match).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections import Counter

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator
from pelican.urlwrappers import URLWrapper

from briefing.site import facetindex as facet_index
from briefing.core import fileio, vocabulary
from briefing.site import resultcache, settings as site_settings, sitefiles

from . import credits

logger = logging.getLogger(__name__)

UNKNOWN_FILES_SHOWN = 3  # files named in the warning of an unknown term many briefings carry


class FacetTerm(URLWrapper):
    """A term of one facet; its URLs come from FACET_URL / FACET_SAVE_AS."""

    def __init__(self, name, settings, facet, slug, options, label=None):
        super().__init__(name, settings)
        self.facet = facet
        self.slug = slug
        self._options = options
        self.label = label or options["FACET_LABELS"].get(facet, facet)
        self.description = ""
        self.known = True
        self.parent = None
        self.children = []
        self.articles = []        # tagged with the term, newest first
        self.all_articles = []    # with roll-up: and its descendants', newest first
        self.cooccurring = []     # [(facet label, [(FacetTerm, count), ...]), ...]
        self.timeline = []        # [(label, iso, count), ...]

    def __hash__(self):
        return hash((self.facet, self.slug))

    def __eq__(self, other):
        if isinstance(other, FacetTerm):
            return (self.facet, self.slug) == (other.facet, other.slug)
        if isinstance(other, str):
            return self.name == other
        return False

    def __lt__(self, other):
        return (self.facet, self.name.casefold()) < (other.facet, other.name.casefold())

    def _format(self, pattern):
        return pattern.format(facet=self.facet, slug=self.slug)

    def _from_settings(self, key, get_page_name=False):
        value = self._format(self._options[f"FACET_{key}"])
        return os.path.splitext(value)[0] if get_page_name else value

    # asked for on every page that links the term: formatted once
    url = functools.cached_property(lambda self: self._from_settings("URL"))
    save_as = functools.cached_property(lambda self: self._from_settings("SAVE_AS"))
    page_name = property(lambda self: self._from_settings("URL", get_page_name=True))

    @property
    def count(self):
        return len(self.all_articles)

    @property
    def lineage(self):
        """Ancestors, the root first (for breadcrumbs)."""
        out, current = [], self.parent
        while current is not None and current not in out:
            out.insert(0, current)
            current = current.parent
        return out

    @property
    def index_url(self):
        return self._options["FACET_INDEX_URL"].format(facet=self.facet)

    @property
    def feed_url(self):
        pattern = self._options["FACET_FEED_SAVE_AS"]
        return self._format(pattern) if pattern else ""

    def page_inputs(self, display) -> tuple:
        """What a page showing the term shows of it (the fastbuild writer fingerprints it;
        ``display`` gives a briefing's fingerprint as a list shows it)."""
        return (self.facet, self.name, self.slug, self.description, self.known,
                getattr(self.parent, "name", None),
                [(c.name, c.count) for c in self.children],
                [(label, [(t.name, n) for t, n in pairs]) for label, pairs in self.cooccurring],
                self.timeline, len(self.articles), [display(a) for a in self.all_articles])


class Facet:
    """A facet for the index templates: its name, label, URL and terms."""

    def __init__(self, key, options, terms, label=None):
        self.key = key
        self.label = label or options["FACET_LABELS"].get(key, key)
        self.url = options["FACET_INDEX_URL"].format(facet=key)
        self.save_as = options["FACET_INDEX_SAVE_AS"].format(facet=key)
        pattern = options["FACET_INDEX_BY_COUNT_SAVE_AS"]
        self.by_count_save_as = pattern.format(facet=key) if pattern else ""
        self.by_count_url = (self.by_count_save_as[: -len("index.html")]
                             if self.by_count_save_as.endswith("index.html")
                             else self.by_count_save_as)
        self.terms = sorted(terms, key=lambda t: (t.name.casefold(), t.name))
        self.by_count = sorted(terms, key=lambda t: (-t.count, t.name.casefold()))
        self.roots = [t for t in self.terms if t.parent is None]

    def __str__(self):
        return self.label

    def page_inputs(self, _display) -> tuple:
        """What an index page shows of the facet (see :meth:`FacetTerm.page_inputs`)."""
        return (self.key, self.label, [(t.name, t.slug, t.count, getattr(t.parent, "name", None))
                                       for t in self.terms])


def vocab_path(options) -> str:
    return options["BRIEFING_VOCABULARY"] or vocabulary.default_path()


def load_vocabulary(options):
    path = vocab_path(options)
    vocab = vocabulary.load(path)
    if vocab.problems:
        for line, message in vocab.problems:
            logger.warning("%s:%s: %s", path, line or "", message)
    return vocab


class FacetsGenerator(Generator):
    """Term pages, facet indexes, term feeds and the data export."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = site_settings.read(self.settings)
        self.facets: list[Facet] = []
        self.terms: dict[tuple[str, str], FacetTerm] = {}
        self.credit_facets: list[Facet] = []  # authors and sources (.credits)
        self.credit_terms: dict[tuple[str, str], FacetTerm] = {}

    def generate_context(self):
        opts = self.options
        vocab = load_vocabulary(opts)
        articles = list(self.context.get("articles", []))
        facet_keys = tuple(opts["FACETS"])
        def names(article, facet):
            """The briefing's tags of a facet, an alias as its term's name, each once."""
            return tuple(dict.fromkeys(vocab.canonical(facet, str(t))
                                       for t in getattr(article, facet, []) or []))

        entries = [facet_index.Entry(i, a.date, {f: names(a, f) for f in facet_keys})
                   for i, a in enumerate(articles)]

        def slug_of(facet, name):
            term = vocab.get(facet, name)
            return term.slug if term else None

        # the index is reused from the last build while its inputs are the same
        options = (facet_keys, opts["FACET_ROLLUP"], opts["FACET_COOCCURRING"],
                   opts["FACET_TIMELINE"])
        cache = resultcache.ResultCache(
            self.settings.get("CACHE_PATH"), "facet-index.pickle", fileio.digest(
                options, *[(a.source_path, e.date.isoformat(), sorted(e.terms.items()))
                           for a, e in zip(articles, entries)],
                files=(vocab_path(opts), facet_index.__file__)))
        index = cache.load()
        if index is None:
            index = facet_index.build(
                entries, facet_keys, lookup=vocab.get, ancestors=vocab.ancestors,
                suggest=vocab.suggest, slug_of=slug_of, rollup=opts["FACET_ROLLUP"],
                cooccurring=opts["FACET_COOCCURRING"], timeline=opts["FACET_TIMELINE"])
            cache.save(index)

        for (facet, name), stats in index.terms.items():
            term = FacetTerm(name, self.settings, facet, stats.slug, opts)
            vocab_term = vocab.get(facet, name)
            term.known = stats.known
            term.description = vocab_term.description if vocab_term else ""
            term.articles = [articles[k] for k in stats.direct]
            term.all_articles = [articles[k] for k in stats.total]
            term.timeline = stats.timeline
            self.terms[(facet, name)] = term
        for (facet, name), stats in index.terms.items():
            term = self.terms[(facet, name)]
            term.parent = self.terms.get((facet, stats.parent)) if stats.parent else None
            term.children = [self.terms[(facet, c)] for c in stats.children]
            term.cooccurring = [
                (opts["FACET_LABELS"].get(other, other),
                 [(self.terms[(other, n)], c) for n, c in pairs if (other, n) in self.terms])
                for other, pairs in stats.cooccurring.items()
            ]
        # one warning per unknown term, however many briefings carry it
        carried: dict[tuple[str, str], list] = {}
        hints: dict[tuple[str, str], str | None] = {}
        for key, facet, name, suggestion in index.unknown:
            carried.setdefault((facet, name), []).append(key)
            hints[(facet, name)] = suggestion
        for (facet, name), keys in carried.items():
            suggestion = hints[(facet, name)]
            hint = f" (did you mean {suggestion}?)" if suggestion and suggestion != name else ""
            files = [articles[k].get_relative_source_path() for k in keys]
            if len(files) == 1:
                logger.warning("%s: %s term %r is not in the vocabulary%s", files[0], facet,
                               name, hint)
            else:
                shown = ", ".join(files[:UNKNOWN_FILES_SHOWN])
                rest = len(files) - UNKNOWN_FILES_SHOWN
                logger.warning("%s term %r is not in the vocabulary%s: %d briefings, %s%s",
                               facet, name, hint, len(files), shown,
                               f" and {rest} more (`make check` lists them all)"
                               if rest > 0 else "")

        # each briefing's facet lists become term objects (str() is still the name)
        for article in articles + list(self.context.get("drafts", [])) \
                + list(self.context.get("hidden_articles", [])):
            for facet in facet_keys:
                setattr(article, facet, [self.terms.get((facet, n)) or self._orphan(facet, n)
                                         for n in names(article, facet)])

        self.facets = [Facet(f, opts, [t for (tf, _), t in self.terms.items() if tf == f])
                       for f in facet_keys]
        self.context["facets"] = self.facets
        # (key, label) of each facet shown, in order: what a briefing's page lists
        self.context["facet_labels"] = [(f.key, f.label) for f in self.facets]
        self.context["facet_terms"] = self.terms
        # whether a parent term stands for its descendants too (its page, the search filters)
        self.context["facet_rollup"] = opts["FACET_ROLLUP"]
        self.context["active_terms"] = self._active_terms(articles)

        # authors and sources: pages like the terms' (after them: "often seen with" links
        # term pages)
        self.credit_facets, self.credit_terms = credits.build(
            self, articles, entries,
            lambda name, kind, slug, label: FacetTerm(name, self.settings, kind, slug, opts,
                                                      label),
            lambda kind, terms, label: Facet(kind, opts, terms, label))
        self.context["credit_facets"] = self.credit_facets
        self.context["credit_terms"] = self.credit_terms

    def _active_terms(self, articles):
        """Per facet, the terms most used by the latest briefings (for the home page)."""
        opts = self.options
        if not opts["HOME_ACTIVE_TERMS"]:
            return []
        latest = sorted(articles, key=lambda a: (a.date, a.url), reverse=True)
        latest = latest[: opts["HOME_ACTIVE_WINDOW"]]
        out = []
        for facet in self.facets:
            counts = Counter(str(t) for a in latest for t in getattr(a, facet.key, []) or [])
            ranked = sorted(counts.items(), key=lambda p: (-p[1], p[0]))
            terms = [(self.terms[(facet.key, n)], c) for n, c in ranked
                     if (facet.key, n) in self.terms][: opts["HOME_ACTIVE_TERMS"]]
            if terms:
                out.append((facet, terms))
        return out

    @staticmethod
    def _orphan(_facet, name):
        """A term only drafts use: it has no page, so it is shown as plain text."""
        return _Unlinked(name)

    def generate_output(self, writer):
        # term pages and facet indexes; then the same for authors and sources
        for terms, facets, page, index in ((self.terms, self.facets, "term", "facet"),
                                           (self.credit_terms, self.credit_facets,
                                            "credit", "credits")):
            self._write_pages(writer, terms, facets, page, index)
        self._write_api(writer)

    def _write_pages(self, writer, terms, facets, page, index):
        """A page (paginated: ``PAGINATED_TEMPLATES[page]``) and a feed per term, an index
        (and one by count) per facet."""
        term_template = self.get_template(page)
        index_template = self.get_template(index)
        for term in sorted(terms.values(), key=lambda t: (t.facet, t.slug)):
            writer.write_file(
                term.save_as, term_template, self.context, term=term, facet_key=term.facet,
                articles=term.all_articles, dates=term.all_articles, url=term.url,
                page_name=term.page_name, template_name=page, blog=True,
                relative_urls=self.settings["RELATIVE_URLS"])
            if term.feed_url:
                self._write_feed(writer, term)
        for facet in facets:
            writer.write_file(facet.save_as, index_template, self.context, facet=facet,
                              order="name", url=facet.url,
                              relative_urls=self.settings["RELATIVE_URLS"])
            if facet.by_count_save_as:
                writer.write_file(facet.by_count_save_as, index_template, self.context,
                                  facet=facet, order="count", url=facet.by_count_url,
                                  relative_urls=self.settings["RELATIVE_URLS"])

    def _write_feed(self, writer, term):
        opts = self.options
        articles = term.all_articles[: opts["FACET_FEED_MAX_ITEMS"]]
        title = f"{self.settings['SITENAME']}: " + (
            getattr(term, "feed_title", None) or f"{term.label}: {term.name}")
        full_text = opts["FACET_FEED_CONTENT"]

        def produce():
            return sitefiles.atom(self.settings, title, term.url, term.feed_url, articles,
                                  opts["FACETS"], full_text=full_text)

        if not hasattr(writer, "write_derived"):  # another plugin's writer: write it now
            sitefiles.write_text(self.output_path, term.feed_url, produce())
            return
        # what the feed shows of each briefing: the card's fields, its terms, the date it
        # was modified and, for full-text feeds, its text
        inputs = [title, term.url, term.feed_url, full_text, articles,
                  [([str(t) for f in opts["FACETS"] for t in getattr(a, f, []) or []],
                    getattr(a, "modified", None),
                    hashlib.sha1(a._content.encode()).hexdigest() if full_text else None)
                   for a in articles]]
        writer.write_derived(term.feed_url, self.context, inputs, produce)

    def _write_api(self, writer):
        opts = self.options
        facet_keys = tuple(opts["FACETS"])
        name = opts["API_BRIEFINGS_SAVE_AS"]
        if name:
            articles = sorted(self.context.get("articles", []),
                              key=lambda a: (a.date, a.url), reverse=True)

            def rows():
                for a in articles:
                    row = {
                        "title": str(a.title),
                        "url": a.url,
                        "date": a.date.isoformat(),
                        "summary": plain_text(getattr(a, "summary", "") or ""),
                        "author": credits.name_of(a, "authors"),
                        "source": dict(a.source) if isinstance(getattr(a, "source", None),
                                                               dict) else None,
                    }
                    for facet in facet_keys:
                        row[facet] = [str(t) for t in getattr(a, facet, []) or []]
                    row["related"] = [link.article.url for link in getattr(a, "related", [])]
                    yield row

            if hasattr(writer, "write_derived"):
                # skipped when no briefing's row changed (an edit to a body, say); what a
                # row holds: the card's fields (title, address, date, summary), the terms
                # and the related addresses
                rows_digest = hashlib.sha1()
                for a in articles:
                    rows_digest.update(repr((
                        [str(t) for f in facet_keys for t in getattr(a, f, []) or []],
                        [link.article.url for link in getattr(a, "related", [])])).encode())
                inputs = [facet_keys, articles, rows_digest.hexdigest()]
                writer.write_derived(name, self.context, inputs,
                                     lambda: sitefiles.json_list_pieces(rows()))
            else:  # another plugin's writer: one briefing per line, written as it is made
                sitefiles.write_json_list(self.output_path, name, rows())
        if opts["API_TERMS_SAVE_AS"]:
            data = {
                facet.key: [
                    {"name": t.name, "slug": t.slug, "url": t.url, "count": len(t.articles),
                     "total": t.count, "parent": t.parent.name if t.parent else None}
                    for t in facet.terms
                ]
                for facet in self.facets
            }
            sitefiles.write_through(writer, self.context, self.output_path,
                                    opts["API_TERMS_SAVE_AS"], sitefiles.dumps(data) + "\n")
        if opts["API_CREDITS_SAVE_AS"]:
            sitefiles.write_through(writer, self.context, self.output_path,
                                    opts["API_CREDITS_SAVE_AS"],
                                    sitefiles.dumps(credits.export(self.credit_facets)) + "\n")


class _Unlinked(str):
    """A term name with no page (only drafts use it)."""

    url = None


def plain_text(html) -> str:
    """Text of an HTML fragment (entities decoded, tags removed)."""
    return Markup(str(html)).striptags()


def get_generators(_pelican):
    return FacetsGenerator


def register():
    signals.get_generators.connect(get_generators)

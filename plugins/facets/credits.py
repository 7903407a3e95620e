"""Author and source pages: every briefing by one author, every briefing from one outlet.

A briefing's ``author`` and its ``source: name`` are two more facets whose terms are free names
(no vocabulary, no hierarchy, at most one per briefing). They go through the same machinery as
the term pages: one index (:func:`briefing.site.facetindex.build`, without a vocabulary), the
same :class:`~facets.FacetTerm` and :class:`~facets.Facet` objects, the same URL patterns
(``FACET_URL`` and friends give ``authors/<slug>/``, ``sources/<slug>/``, ``authors/``), the
same Atom feeds and pagination; only their templates differ (``credit.html``,
``credits.html``: no vocabulary wording). ``CREDIT_PAGES`` says which of the two are made.

Why not Pelican's own author pages (``AUTHOR_SAVE_AS``, ``AUTHOR_FEED_ATOM``): they cover
authors only, so sources would need a second mechanism; their feeds are Pelican's, whose links
need an absolute ``FEED_DOMAIN`` (ours work in development builds too); their slugs are
Pelican's, not :mod:`briefing.core.slug`'s.

Names that give the same slug ("Reuters", "REUTERS") share one page, under their most used
spelling. A briefing's page links its author and source by that slug, computed from its own
name alone (so the link never depends on other briefings; the build's incremental writer
relies on that), and only from a published briefing (a draft's author may have no page).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from briefing.core import fileio
from briefing.site import facetindex, resultcache

# the kinds of credit a briefing has: (one, many), as pages name them, and the feed's title
KINDS = {"authors": ("Author", "Authors"), "sources": ("Source", "Sources")}
FEED_TITLES = {"authors": "briefings by {name}", "sources": "briefings from {name}"}


class Credited(str):
    """A briefing's author as it spells it, with the address of the author's page (``url``,
    None when there is none). Stands where Pelican puts its ``Author``: ``str()`` is the
    name, ``name`` and ``slug`` are there too."""

    def __new__(cls, name: str, url: str | None = None):
        self = super().__new__(cls, name)
        self.url = url
        return self

    @property
    def name(self) -> str:
        return str(self)

    @property
    def slug(self) -> str:
        return facetindex.name_slug(str(self))


class Source(dict):
    """A briefing's ``source`` mapping (``name``, ``url`` of the original) as read, with the
    address of the source's page in the briefing (``page_url``, None when there is none)."""

    page_url: str | None = None


def name_of(article, kind: str) -> str | None:
    """The author's or the source's name a briefing gives, or None."""
    if kind == "authors":
        value = getattr(article, "author", None)
        name = str(value) if value else ""
    else:
        source = getattr(article, "source", None)
        name = source.get("name") if isinstance(source, dict) else None
        name = name if isinstance(name, str) else ""
    name = " ".join(name.split())
    return name or None


def spellings(names) -> dict[str, str]:
    """Each name's spelling on its page: the one most used among the names of the same slug
    (ties: the first in alphabetical order)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for name in names:
        counts[facetindex.name_slug(name)][name] += 1
    out = {}
    for counter in counts.values():
        chosen = min(counter, key=lambda n: (-counter[n], n.casefold(), n))
        out.update(dict.fromkeys(counter, chosen))
    return out


def build(generator, articles, entries, make_term, make_facet):
    """The credit pages of the published ``articles`` (``entries``: their facet index
    entries, for "often seen with"), as (facets, terms by (kind, name)); then every
    briefing's author and source are given the address of their page. ``make_term`` and
    ``make_facet`` make the plugin's term and index objects."""
    opts = generator.options
    kinds = tuple(opts["CREDIT_PAGES"])
    names = {kind: [name_of(a, kind) for a in articles] for kind in kinds}
    shown = {kind: spellings(n for n in names[kind] if n) for kind in kinds}
    credit_entries = [
        facetindex.Entry(e.key, e.date, {**e.terms, **{
            kind: (shown[kind][names[kind][i]],) if names[kind][i] else ()
            for kind in kinds}})
        for i, e in enumerate(entries)]
    options = (kinds, tuple(opts["FACETS"]), opts["FACET_COOCCURRING"], opts["FACET_TIMELINE"])
    cache = resultcache.ResultCache(
        generator.settings.get("CACHE_PATH"), "credit-index.pickle", fileio.digest(
            options, *[(a.source_path, e.date.isoformat(), sorted(e.terms.items()))
                       for a, e in zip(articles, credit_entries)],
            files=(facetindex.__file__,)))
    index = cache.load() if kinds else None
    if index is None:
        index = facetindex.build(credit_entries, kinds, rollup=False,
                                 cooccurring=opts["FACET_COOCCURRING"],
                                 timeline=opts["FACET_TIMELINE"], seen_with=opts["FACETS"])
        if kinds:
            cache.save(index)

    terms, by_slug = {}, {}
    for (kind, name), stats in index.terms.items():
        term = make_term(name, kind, stats.slug, KINDS[kind][1])
        term.singular = KINDS[kind][0]
        term.feed_title = FEED_TITLES[kind].format(name=name)
        term.articles = term.all_articles = [articles[k] for k in stats.direct]
        term.timeline = stats.timeline
        term.cooccurring = [
            (opts["FACET_LABELS"].get(other, other),
             [(generator.terms[(other, n)], c) for n, c in pairs
              if (other, n) in generator.terms])
            for other, pairs in stats.cooccurring.items()]
        terms[(kind, name)] = term
        by_slug[(kind, stats.slug)] = term
    facets = [make_facet(kind, [t for (k, _), t in terms.items() if k == kind],
                         KINDS[kind][1]) for kind in kinds]
    for facet in facets:
        facet.singular = KINDS[facet.key][0]

    published = {id(a) for a in articles}
    for article in articles + list(generator.context.get("drafts", [])) \
            + list(generator.context.get("hidden_articles", [])):
        _link(article, by_slug if id(article) in published else {}, kinds)
    return facets, terms


def _link(article, by_slug, kinds) -> None:
    """Give a briefing's author and source the address of their page (None without one)."""
    author = name_of(article, "authors")
    if author:
        page = by_slug.get(("authors", facetindex.name_slug(author))) \
            if "authors" in kinds else None
        article.author = Credited(author, page.url if page else None)
        article.authors = [article.author]
    source = getattr(article, "source", None)
    if isinstance(source, dict):
        found = Source(source)
        name = name_of(article, "sources")
        page = by_slug.get(("sources", facetindex.name_slug(name))) \
            if name and "sources" in kinds else None
        found.page_url = page.url if page else None
        article.source = found


def export(facets) -> dict:
    """The credits' data export: per kind, every name with its slug, address and count."""
    return {facet.key: [{"name": t.name, "slug": t.slug, "url": t.url, "count": t.count}
                        for t in facet.terms]
            for facet in facets}

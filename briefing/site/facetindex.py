"""Facet indexes over briefings: which briefings each term has, rolled up the hierarchy,
which terms are seen with it, and how many briefings per month or year.

The same index serves names no vocabulary lists (a briefing's author and its source): built
without ``lookup``, every name is a term of its own, with no parent, its slug from
:func:`name_slug`.

Pure functions over plain data; the ``facets`` Pelican plugin turns the result into pages.
Everything is linear in the number of (briefing, term) pairs: no step compares briefings
with each other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from briefing.core.fileio import digest
from briefing.core.slug import slugify

TermKey = tuple[str, str]  # (facet, name)


@dataclass(frozen=True)
class Entry:
    """One briefing: a key (index into the caller's list), its date and its terms."""

    key: int
    date: dt.datetime
    terms: Mapping[str, tuple[str, ...]]


@dataclass
class TermStats:
    facet: str
    name: str
    slug: str
    known: bool
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    direct: list[int] = field(default_factory=list)   # keys tagged with the term, newest first
    total: list[int] = field(default_factory=list)    # direct + descendants', newest first
    cooccurring: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    timeline: list[tuple[str, str, int]] = field(default_factory=list)  # (label, iso, count)


@dataclass
class FacetIndex:
    terms: dict[TermKey, TermStats]
    unknown: list[tuple[int, str, str, str | None]]  # (key, facet, name, suggestion)


def name_slug(name: str) -> str:
    """The slug of a name no vocabulary lists (an author, a source): its ASCII slug, or, for
    a name with no Latin letter or digit (Новости), one made from its digest; either way
    from the name alone, so a briefing's link to the name's page never depends on others."""
    return slugify(name) or "name-" + digest(name.casefold())[:10]


def _free(_facet: str, _name: str) -> bool:
    return True


def build(entries: list[Entry], facets: Iterable[str], *,
          lookup: Callable[[str, str], object | None] | None = None,
          ancestors: Callable[[str, str], list[str]] | None = None,
          suggest: Callable[[str, str], str | None] | None = None,
          slug_of: Callable[[str, str], str | None] | None = None,
          rollup: bool = True, cooccurring: int = 5, timeline: str = "auto",
          seen_with: Iterable[str] | None = None) -> FacetIndex:
    """Index every term used by the entries (and, with roll-up, their ancestors).

    Without ``lookup`` the names are free (no vocabulary): each is known, has no ancestors,
    and is slugged by :func:`name_slug` (unless ``slug_of`` says otherwise). ``seen_with``:
    the facets counted under "often seen with" (by default the indexed ones); an entry's
    terms may hold facets that are counted there without being indexed."""
    facets = tuple(facets)
    if lookup is None:
        lookup, slug_of = _free, slug_of or (lambda _facet, name: name_slug(name))
    ancestors = ancestors or (lambda _facet, _name: [])
    suggest = suggest or (lambda _facet, _name: None)
    slug_of = slug_of or (lambda _facet, _name: None)
    seen_with = facets if seen_with is None else tuple(seen_with)
    newest_first = sorted(entries, key=lambda e: (e.date, e.key), reverse=True)
    terms: dict[TermKey, TermStats] = {}
    unknown: list[tuple[int, str, str, str | None]] = []
    suggested: dict[tuple[str, str], str | None] = {}
    used_slugs: dict[str, set[str]] = defaultdict(set)

    def stats(facet: str, name: str) -> TermStats:
        key = (facet, name)
        found = terms.get(key)
        if found is None:
            known = lookup(facet, name) is not None
            slug = (slug_of(facet, name) if known else None) or slugify(name) or "term"
            if slug in used_slugs[facet]:
                base, n = slug, 2
                while f"{base}-{n}" in used_slugs[facet]:
                    n += 1
                slug = f"{base}-{n}"
            used_slugs[facet].add(slug)
            parents = ancestors(facet, name) if known else []
            found = TermStats(facet, name, slug, known, parents[0] if parents else None)
            terms[key] = found
        return found

    # known terms first, so that vocabulary slugs win over unknown names' slugs
    for entry in newest_first:
        for facet in facets:
            for name in entry.terms.get(facet, ()):
                if lookup(facet, name) is not None:
                    stats(facet, name)
    for entry in newest_first:
        for facet in facets:
            for name in entry.terms.get(facet, ()):
                term = stats(facet, name)
                term.direct.append(entry.key)
                if not term.known:  # its suggestion is looked for once, not per mention
                    if (facet, name) not in suggested:
                        suggested[(facet, name)] = suggest(facet, name)
                    unknown.append((entry.key, facet, name, suggested[(facet, name)]))
                lineage = [name] + (ancestors(facet, name) if rollup and term.known else [])
                for level, ancestor in enumerate(lineage):
                    anc = stats(facet, ancestor)
                    if not anc.total or anc.total[-1] != entry.key:
                        anc.total.append(entry.key)
                    if level and lineage[level - 1] not in anc.children:
                        anc.children.append(lineage[level - 1])

    by_key = {e.key: e for e in entries}
    for term in terms.values():
        term.children.sort(key=str.casefold)
        if not rollup:
            term.total = list(term.direct)
        if cooccurring:
            counts: dict[str, Counter] = {f: Counter() for f in seen_with if f != term.facet}
            for key in term.total:
                for facet, counter in counts.items():
                    counter.update(by_key[key].terms.get(facet, ()))
            term.cooccurring = {
                facet: sorted(counter.items(), key=lambda p: (-p[1], p[0]))[:cooccurring]
                for facet, counter in counts.items() if counter
            }
        term.timeline = _timeline([by_key[k].date for k in term.total], timeline)
    unknown.sort(key=lambda u: (u[0], u[1], u[2]))
    return FacetIndex(terms, unknown)


def _timeline(dates: list[dt.datetime], mode: str) -> list[tuple[str, str, int]]:
    if not dates:
        return []
    first, last = min(dates), max(dates)
    months = (last.year - first.year) * 12 + last.month - first.month
    by_month = mode == "month" or (mode == "auto" and months < 24)
    if by_month:
        counts = Counter((d.year, d.month) for d in dates)
        return [(dt.date(y, m, 1).strftime("%B %Y"), f"{y:04d}-{m:02d}", c)
                for (y, m), c in sorted(counts.items(), reverse=True)]
    counts = Counter(d.year for d in dates)
    return [(str(y), f"{y:04d}", c) for y, c in sorted(counts.items(), reverse=True)]

"""Facet indexes over briefings: which briefings each term has, rolled up the hierarchy,
which terms are seen with it, and how many briefings per month or year.

Pure functions over plain data; the ``facets`` Pelican plugin turns the result into pages.
Everything is linear in the number of (briefing, term) pairs: no step compares briefings
with each other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

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


def build(entries: list[Entry], facets: Iterable[str], *,
          lookup: Callable[[str, str], object | None],
          ancestors: Callable[[str, str], list[str]],
          suggest: Callable[[str, str], str | None],
          slug_of: Callable[[str, str], str | None],
          rollup: bool = True, cooccurring: int = 5, timeline: str = "auto") -> FacetIndex:
    """Index every term used by the entries (and, with roll-up, their ancestors)."""
    facets = tuple(facets)
    newest_first = sorted(entries, key=lambda e: (e.date, e.key), reverse=True)
    terms: dict[TermKey, TermStats] = {}
    unknown: list[tuple[int, str, str, str | None]] = []
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
                if not term.known:
                    unknown.append((entry.key, facet, name, suggest(facet, name)))
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
            counts: dict[str, Counter] = {f: Counter() for f in facets if f != term.facet}
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

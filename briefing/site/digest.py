"""Digests: what happened in each period (an ISO week by default, or a day or a month, in the
site's time zone), the briefings grouped by theatre, with the period's most active terms
and the terms the archive sees for the first time.

Plain data, no Pelican: the ``digest`` plugin hands in one :class:`Item` per published
briefing and functions for what the vocabulary knows (a place's theatre, a term's page), and
renders the :class:`Digest` objects this module gives back.

* A briefing's **theatre** is the first of its region tags that has one: the nearest of the
  tag and its broader terms that is in the theatre list (``DIGEST_THEATRES``: Middle East,
  North Africa, Europe...), else its top-level region. A briefing with places in two
  theatres is listed under its first; one with no known place under none (shown last).
* Groups are ordered largest first (ties by name), briefings newest first.
* A period that has not ended yet (``now`` is before its end) is **unfinished**: the page
  says "so far".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Sequence

UNITS = ("week", "day", "month")
DAY = dt.timedelta(days=1)


# --- periods ------------------------------------------------------------------------------
def period_of(when: dt.datetime, unit: str, tz: dt.tzinfo) -> str:
    """The period a moment falls in, in the time zone ``tz``: ``2026-W48`` (ISO week),
    ``2026-11-26`` (day) or ``2026-11`` (month)."""
    local = when.astimezone(tz) if when.tzinfo else when.replace(tzinfo=tz)
    day = local.date()
    if unit == "week":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "day":
        return day.isoformat()
    if unit == "month":
        return f"{day.year:04d}-{day.month:02d}"
    raise ValueError(f"unknown period unit {unit!r} (expected {', '.join(UNITS)})")


def first_day(period: str, unit: str) -> dt.date:
    if unit == "week":
        year, week = period.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    if unit == "day":
        return dt.date.fromisoformat(period)
    year, month = period.split("-")
    return dt.date(int(year), int(month), 1)


def last_day(period: str, unit: str) -> dt.date:
    start = first_day(period, unit)
    if unit == "week":
        return start + 6 * DAY
    if unit == "day":
        return start
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - DAY


def bounds(period: str, unit: str, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The period's start and end (exclusive): local midnights in ``tz``."""
    start, end = first_day(period, unit), last_day(period, unit) + DAY
    return (dt.datetime.combine(start, dt.time(), tz), dt.datetime.combine(end, dt.time(), tz))


def _day_month(day: dt.date, year: bool = True) -> str:
    return f"{day.day} {day:%B}" + (f" {day.year}" if year else "")


def label(period: str, unit: str) -> str:
    """``Week 48, 2026``, ``Thursday 26 November 2026`` or ``November 2026``."""
    start = first_day(period, unit)
    if unit == "week":
        year, week = period.split("-W")
        return f"Week {int(week)}, {year}"
    if unit == "day":
        return f"{start:%A} {_day_month(start)}"
    return f"{start:%B %Y}"


def dates(period: str, unit: str) -> str:
    """The days a period covers, in words: ``23–29 November 2026``,
    ``29 December 2025 – 4 January 2026``."""
    start, end = first_day(period, unit), last_day(period, unit)
    if start == end:
        return _day_month(start)
    if start.year != end.year:
        return f"{_day_month(start)} – {_day_month(end)}"
    if start.month != end.month:
        return f"{_day_month(start, year=False)} – {_day_month(end)}"
    return f"{start.day}–{_day_month(end)}"


# --- theatres -----------------------------------------------------------------------------
def theatre_of(name: str, *, known: Callable[[str], bool],
               ancestors: Callable[[str], list[str]], theatres: Sequence[str]) -> str | None:
    """The theatre of one region term: the nearest of it and its broader terms in
    ``theatres``, else its top-level region; None for a term the vocabulary lacks."""
    if not known(name):
        return None
    lineage = [name] + list(ancestors(name))
    wanted = set(theatres)
    for candidate in lineage:
        if candidate in wanted:
            return candidate
    return lineage[-1]


# --- digests ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One briefing, as a digest shows it; ``terms`` are its tags per facet (each term's
    name, in the briefing's order)."""

    key: int
    date: dt.datetime
    title: str
    url: str
    source: str
    summary: str
    terms: Mapping[str, tuple[str, ...]]

    @property
    def day(self) -> str:
        """The briefing's day in words (26 November 2026)."""
        return _day_month(self.date.date())


@dataclass(frozen=True)
class Link:
    """A term as a digest shows it: its name, its page (None when it has none) and a count."""

    name: str
    url: str | None
    count: int = 0


@dataclass
class Group:
    theatre: Link | None  # None: briefings with no known place
    items: list[Item]


@dataclass
class Digest:
    period: str
    unit: str
    label: str
    dates: str
    start: dt.datetime
    end: dt.datetime
    unfinished: bool
    items: list[Item]                       # newest first
    groups: list[Group]
    active: list[tuple[str, list[Link]]]    # (facet, its most active terms with counts)
    new: list[tuple[str, list[Link]]]       # (facet, terms first seen in this period)
    url: str = ""
    save_as: str = ""
    api_url: str = ""
    # the nearest earlier and later periods with briefings
    prev: "Digest | None" = field(default=None, repr=False, compare=False)
    next: "Digest | None" = field(default=None, repr=False, compare=False)
    region_map: object = field(default=None, repr=False, compare=False)  # the period's map

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def year(self) -> int:
        """The period's year (an ISO week's: 2026-W01 may start in December 2025)."""
        return int(self.period[:4])

    @property
    def newest(self) -> dt.datetime:
        return max(i.date for i in self.items)

    def page_inputs(self, _display) -> tuple:
        """What a page shows of the digest (the fastbuild writer fingerprints it)."""
        near = [(d.period, d.label, d.url, d.count) if d else None
                for d in (self.prev, self.next)]
        inputs = getattr(self.region_map, "page_inputs", None)
        return (self.period, self.label, self.dates, self.unfinished, self.url, self.api_url,
                [(g.theatre, [_item_inputs(i) for i in g.items]) for g in self.groups],
                self.active, self.new, near, inputs(None) if callable(inputs) else None)


def _item_inputs(item: Item) -> tuple:
    return (item.title, item.url, item.date.isoformat(), item.source, item.summary,
            sorted(item.terms.items()))


def build(items: Iterable[Item], *, unit: str, tz: dt.tzinfo, now: dt.datetime,
          theatre: Callable[[str], str | None], url_of: Callable[[str, str], str | None],
          facets: Sequence[str], active: int = 5,
          url: str = "digest/{period}/", save_as: str = "digest/{period}/index.html",
          api: str = "") -> list[Digest]:
    """One digest per period that has briefings, newest first, linked to their neighbours."""
    by_period: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_period[period_of(item.date, unit, tz)].append(item)
    periods = sorted(by_period)
    first_seen: dict[tuple[str, str], str] = {}
    for period in periods:  # oldest first: the first period that has a term is its first
        for item in by_period[period]:
            for facet in facets:
                for name in item.terms.get(facet, ()):
                    first_seen.setdefault((facet, name), period)

    out: list[Digest] = []
    for period in periods:
        chosen = sorted(by_period[period], key=lambda i: (i.date, i.url), reverse=True)
        start, end = bounds(period, unit, tz)
        digest = Digest(
            period=period, unit=unit, label=label(period, unit), dates=dates(period, unit),
            start=start, end=end, unfinished=now < end, items=chosen,
            groups=_groups(chosen, theatre, url_of),
            active=_active(chosen, facets, url_of, active),
            new=_new(chosen, facets, url_of, period, first_seen),
            url=url.format(period=period), save_as=save_as.format(period=period),
            api_url=api.format(period=period) if api else "")
        if out:
            digest.prev, out[-1].next = out[-1], digest
        out.append(digest)
    return out[::-1]


def _groups(items: list[Item], theatre, url_of) -> list[Group]:
    grouped: dict[str | None, list[Item]] = defaultdict(list)
    for item in items:
        found = None
        for place in item.terms.get("region", ()):
            found = theatre(place)
            if found:
                break
        grouped[found].append(item)
    order = sorted((k for k in grouped if k is not None),
                   key=lambda k: (-len(grouped[k]), k.casefold()))
    groups = [Group(Link(k, url_of("region", k), len(grouped[k])), grouped[k]) for k in order]
    if None in grouped:
        groups.append(Group(None, grouped[None]))
    return groups


def _active(items, facets, url_of, limit) -> list[tuple[str, list[Link]]]:
    out = []
    if not limit:
        return out
    for facet in facets:
        counts = Counter(name for item in items for name in item.terms.get(facet, ()))
        ranked = sorted(counts.items(), key=lambda p: (-p[1], p[0].casefold()))[:limit]
        if ranked:
            out.append((facet, [Link(n, url_of(facet, n), c) for n, c in ranked]))
    return out


def _new(items, facets, url_of, period, first_seen) -> list[tuple[str, list[Link]]]:
    out = []
    for facet in facets:
        counts = Counter(name for item in items for name in item.terms.get(facet, ())
                         if first_seen.get((facet, name)) == period)
        if counts:
            out.append((facet, [Link(n, url_of(facet, n), c)
                                for n, c in sorted(counts.items(),
                                                   key=lambda p: p[0].casefold())]))
    return out


def to_json(digest: Digest) -> dict:
    """The data export of one digest (``api/digest/<period>.json``)."""
    def link(l: Link | None) -> dict | None:
        return None if l is None else {"name": l.name, "url": l.url, "count": l.count}

    return {
        "period": digest.period,
        "unit": digest.unit,
        "label": digest.label,
        "start": digest.start.isoformat(),
        "end": digest.end.isoformat(),
        "unfinished": digest.unfinished,
        "url": digest.url,
        "count": digest.count,
        "theatres": [
            {"theatre": link(g.theatre), "count": len(g.items),
             "briefings": [{"title": i.title, "url": i.url, "date": i.date.isoformat(),
                            "source": i.source or None, "summary": i.summary}
                           for i in g.items]}
            for g in digest.groups],
        "active": {facet: [link(l) for l in links] for facet, links in digest.active},
        "new": {facet: [link(l) for l in links] for facet, links in digest.new},
        "previous": digest.prev.period if digest.prev else None,
        "next": digest.next.period if digest.next else None,
    }

"""The settings our Pelican plugins read, declared once with their defaults and help.

Plugins read settings only through :func:`read`, which validates them all up front and
reports every problem at once (never one at a time), and never writes into Pelican's
shared settings.  The README documents each one (a test checks that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from briefing.core.errors import Report
from briefing.core.facets import FACETS as FACET_NAMES, LABELS


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    check: Callable[[Any], str | None] | None = None


def _positive_int(value):
    return None if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else "a whole number above 0"


def _non_negative_int(value):
    return None if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else "a whole number, 0 or more"


def _number(low, high=None):
    def check(value):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= low \
            and (high is None or value <= high)
        return None if ok else (f"a number from {low} to {high}" if high is not None
                                else f"a number of at least {low}")
    return check


def _bool(value):
    return None if isinstance(value, bool) else "True or False"


def _facets(value):
    ok = isinstance(value, (list, tuple)) and value and all(v in FACET_NAMES for v in value) \
        and len(set(value)) == len(value)
    return None if ok else f"a list drawn from {', '.join(FACET_NAMES)}"


def _facet_numbers(value):
    ok = isinstance(value, Mapping) and all(
        k in FACET_NAMES and isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
        for k, v in value.items())
    return None if ok else f"a mapping of facet ({', '.join(FACET_NAMES)}) to a number >= 0"


def _facet_labels(value):
    ok = isinstance(value, Mapping) and all(
        k in FACET_NAMES and isinstance(v, str) and v for k, v in value.items())
    return None if ok else "a mapping of facet to its display name"


def _path_pattern(*fields):
    def check(value):
        if value == "":
            return None
        if not isinstance(value, str) or value.startswith("/") or ".." in value.split("/"):
            return "a relative path pattern inside the output folder (or '' to turn it off)"
        try:
            value.format(**{f: "x" for f in fields})
        except (KeyError, IndexError, ValueError):
            return f"a pattern using only {', '.join('{' + f + '}' for f in fields)}"
        return None
    return check


def _credit_kinds(value):
    ok = isinstance(value, (list, tuple)) and all(v in ("authors", "sources") for v in value) \
        and len(set(value)) == len(value)
    return None if ok else "a list drawn from authors, sources (or () for none)"


def _optional_str(value):
    return None if value is None or isinstance(value, str) else "a file path or None"


def _timeline(value):
    return None if value in ("auto", "month", "year") else "'auto', 'month' or 'year'"


def _period(value):
    return None if value in ("week", "day", "month") else "'week', 'day' or 'month'"


def _names(value):
    ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) and v for v in value)
    return None if ok else "a list of region names"


def _optional_day(value):
    if value is None:
        return None
    try:
        dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return "None (the build's clock) or a date such as '2026-11-26'"
    return None


SETTINGS: tuple[Setting, ...] = (
    Setting("BRIEFING_VOCABULARY", None,
            "path of the vocabulary file (None: vocabulary.yaml next to the project)",
            _optional_str),
    Setting("FACETS", FACET_NAMES, "the facets that get term pages and indexes, in order",
            _facets),
    Setting("FACET_LABELS", dict(LABELS),
            "display name of each facet", _facet_labels),
    Setting("FACET_ROLLUP", True,
            "a term's page also lists the briefings of its descendants (Libya lists Tobruk's)",
            _bool),
    Setting("FACET_URL", "{facet}/{slug}/", "address of a term's page",
            _path_pattern("facet", "slug")),
    Setting("FACET_SAVE_AS", "{facet}/{slug}/index.html", "file of a term's page",
            _path_pattern("facet", "slug")),
    Setting("FACET_INDEX_URL", "{facet}/", "address of a facet's index",
            _path_pattern("facet")),
    Setting("FACET_INDEX_SAVE_AS", "{facet}/index.html", "file of a facet's index",
            _path_pattern("facet")),
    Setting("FACET_INDEX_BY_COUNT_SAVE_AS", "{facet}/by-count/index.html",
            "file of a facet's index ordered by count ('' for none)", _path_pattern("facet")),
    Setting("FACET_FEED_SAVE_AS", "{facet}/{slug}/feed.xml",
            "Atom feed of each term ('' for none)", _path_pattern("facet", "slug")),
    Setting("FACET_FEED_MAX_ITEMS", 20, "briefings in each term's feed", _positive_int),
    Setting("FACET_FEED_CONTENT", False,
            "term feeds carry each briefing's full text (False: title, summary and link)",
            _bool),
    Setting("FACET_COOCCURRING", 5,
            "terms shown per other facet under 'often seen with' on a term's page",
            _non_negative_int),
    Setting("FACET_TIMELINE", "auto",
            "count briefings per 'month', per 'year', or 'auto' (months up to two years)",
            _timeline),
    Setting("CREDIT_PAGES", ("authors", "sources"),
            "which of the briefings' authors and sources (source: name) get pages like "
            "terms' (authors/<slug>/, sources/<slug>/ by FACET_URL), feeds and an index",
            _credit_kinds),
    Setting("RELATED_COUNT", 5, "related briefings listed on each briefing",
            _non_negative_int),
    Setting("RELATED_WEIGHTS", {"region": 1.0, "actors": 1.0, "systems": 1.5},
            "weight of a shared term per facet", _facet_numbers),
    Setting("RELATED_PARENT_CREDIT", 0.5,
            "credit for meeting through a parent term (Tobruk and Benghazi in Libya), per level",
            _number(0, 1)),
    Setting("RELATED_PARENT_LEVELS", 2, "how many parent levels give credit",
            _non_negative_int),
    Setting("RELATED_HALF_LIFE_DAYS", 365,
            "days apart at which the time part of the score is halved", _number(1)),
    Setting("RELATED_TIME_FLOOR", 0.5,
            "share of the score kept however far apart in time two briefings are",
            _number(0, 1)),
    Setting("RELATED_TEXT_WEIGHT", 0.5,
            "weight of text similarity (title, summary and lede) next to shared terms",
            _number(0)),
    Setting("RELATED_FEW_TAGS", 3,
            "briefings with fewer tags than this lean twice as much on text similarity",
            _non_negative_int),
    Setting("RELATED_MIN_SCORE", 0.1,
            "a related link scoring below this is not shown: fewer links, or none, rather "
            "than weak ones (see tools/eval_related.py for how it was chosen)", _number(0)),
    Setting("RELATED_WINDOW", 1000,
            "briefings this close in date order are all compared; further apart, only "
            "those sharing a rare term (larger: closer to comparing every pair, slower)",
            _non_negative_int),
    Setting("RELATED_PROCESS_FROM", 10000,
            "from this many briefings on, related links are scored in a process of their "
            "own, so the build's memory peak is not the scoring's on top of the archive's "
            "(0: never)",
            _non_negative_int),
    Setting("HOME_ACTIVE_TERMS", 8,
            "most active terms shown per facet on the home page (0 for none)",
            _non_negative_int),
    Setting("HOME_ACTIVE_WINDOW", 100,
            "how many of the latest briefings the home page's active terms are counted over",
            _positive_int),
    Setting("SITE_FEED_SAVE_AS", "feeds/all.atom.xml",
            "the site-wide Atom feed ('' for none)", _path_pattern()),
    Setting("SITE_FEED_MAX_ITEMS", 50, "briefings in the site-wide feed", _positive_int),
    Setting("SITEMAP_SAVE_AS", "sitemap.xml", "the sitemap ('' for none)", _path_pattern()),
    Setting("ROBOTS_SAVE_AS", "robots.txt", "robots.txt, pointing to the sitemap ('' for none)",
            _path_pattern()),
    Setting("SEARCH_INDEX", True,
            "build the Pagefind search index into OUTPUTDIR/pagefind after each build", _bool),
    Setting("SEARCH_SHARD_SIZE", 1000,
            "briefings per search-index shard at most: an edit re-indexes only its shard",
            _positive_int),
    Setting("API_BRIEFINGS_SAVE_AS", "api/briefings.json",
            "data export of every briefing with its related links ('' for none)",
            _path_pattern()),
    Setting("API_TERMS_SAVE_AS", "api/terms.json",
            "data export of every term with its count ('' for none)", _path_pattern()),
    Setting("API_CREDITS_SAVE_AS", "api/credits.json",
            "data export of every author and source with its count ('' for none)",
            _path_pattern()),
    # the digest and the region maps (the digest plugin)
    Setting("DIGEST_PERIOD", "week",
            "a digest per 'week' (ISO weeks: 2026-W48), 'day' or 'month', in TIMEZONE",
            _period),
    Setting("DIGEST_URL", "digest/{period}/", "address of a period's digest",
            _path_pattern("period")),
    Setting("DIGEST_SAVE_AS", "digest/{period}/index.html",
            "file of a period's digest ('' for no digests)", _path_pattern("period")),
    Setting("DIGEST_INDEX_URL", "digest/", "address of the index of digests", _path_pattern()),
    Setting("DIGEST_INDEX_SAVE_AS", "digest/index.html",
            "file of the index of digests, newest first ('' for none)", _path_pattern()),
    Setting("DIGEST_FEED_SAVE_AS", "digest/feed.xml",
            "Atom feed of the digests, one entry per period ('' for none)", _path_pattern()),
    Setting("DIGEST_FEED_MAX_ITEMS", 20, "periods in the digests' feed", _positive_int),
    Setting("API_DIGEST_SAVE_AS", "api/digest/{period}.json",
            "data export of each digest with its grouping ('' for none)",
            _path_pattern("period")),
    Setting("DIGEST_ACTIVE_TERMS", 5,
            "most active terms shown per facet on a digest (0 for none)", _non_negative_int),
    Setting("DIGEST_THEATRES",
            ("Middle East", "North Africa", "Africa", "Europe", "Central Asia", "South Asia",
             "East Asia", "Southeast Asia", "Americas", "Oceania", "Arctic"),
            "region terms a digest groups briefings under: a place goes to the nearest of "
            "these it is part of, else to its top-level region", _names),
    Setting("DIGEST_TODAY", None,
            "the day the build takes as today, for 'so far' on an unfinished period (None: "
            "SOURCE_DATE_EPOCH when set, else the clock)", _optional_day),
    Setting("MAP_CLASSES", 5, "shading classes of the region maps at most", _positive_int),
    Setting("MAP_HOME_BRIEFINGS", 50,
            "the home page maps this many of the latest briefings (0 for no map)",
            _non_negative_int),
    Setting("MAP_BASE_SAVE_AS", "maps/world.svg",
            "the countries' outlines every map shares, one file", _path_pattern()),
    Setting("MAP_LOCATOR", True,
            "a country's or place's term page shows where it is on a small map", _bool),
)

BY_NAME = {s.name: s for s in SETTINGS}


class SettingsError(Report, ValueError):
    """Every invalid setting, one per line; a report for the user, not a crash."""


def read(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Our settings with defaults filled in; SettingsError lists every invalid one."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SETTINGS:
        value = settings.get(setting.name, setting.default)
        if setting.check is not None:
            expected = setting.check(value)
            if expected:
                problems.append(f"{setting.name} must be {expected}, got {value!r}")
        values[setting.name] = value
    if problems:
        raise SettingsError("invalid settings in the Pelican configuration:\n  "
                            + "\n  ".join(problems))
    return values


def missing_plugins(settings: Mapping[str, Any], *names: str) -> list[str]:
    """Which of the named plugins the build has not loaded (``PLUGINS`` as Pelican leaves
    it once they are registered: their names)."""
    loaded = {str(name).rsplit(".", 1)[-1] for name in settings.get("PLUGINS") or []}
    return [name for name in names if name not in loaded]

"""Read and write briefings: YAML front matter between ``---`` lines, then Markdown.

This is the one front-matter parser and serializer of the project: ingest writes
with :func:`dump`, the Pelican reader and ``briefing check`` read with
:func:`parse`, and the round trip is lossless.

Errors name the file and the line, e.g.::

    content/briefings/x.md:7: systems must be a list of names, got a mapping

Refused, each with its line: YAML anchors and aliases, more than MAX_NODES values, nesting
deeper than MAX_DEPTH, YAML types beyond plain ones (:mod:`briefing.core.safeyaml`, which
the vocabulary uses too); keys Pelican would take as a page's address or file or that replace what the
build sets (REFUSED_KEYS); a known key not in lower case (Pelican reads ``Region`` as
``region``); control characters in any value or in the body; dates that overflow in UTC
or the site's timezone; more than MAX_TAGS names in a facet, or one text with commas.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from briefing.core import safeyaml
from briefing.core.errors import Report
from briefing.core.facets import FACETS

STATUSES = ("published", "draft", "hidden")
# the order in which ingest writes keys; unknown keys follow, sorted
KEY_ORDER = (
    "title", "slug", "date", "modified", "author", "source", "section", "summary",
    "region", "actors", "systems", "caption", "caption_credit", "status", "duplicate_of",
    "provenance",
)
# keys of Pelican's own that a briefing may set, checked here too
PELICAN_KEYS = ("lang", "template", "translation")
# every key the project knows; any other key is passed through as it is
KEYS = KEY_ORDER + PELICAN_KEYS

# Pelican makes every key an attribute of the page: these would set the page's address or
# file, or replace what Pelican and our plugins set on every page, so they are refused
_ADDRESS = "a page's address and file come from its slug; remove it"
REFUSED_KEYS = {
    "url": _ADDRESS, "save_as": _ADDRESS, "override_url": _ADDRESS,
    "override_save_as": _ADDRESS, "url_format": _ADDRESS,
    "tags": "this site has no Pelican tags: use region, actors and systems",
    "category": "this site has no categories: use region, actors and systems",
    "authors": "give one author (author: Name)",
}
REFUSED_KEYS.update(dict.fromkeys((
    "content", "settings", "metadata", "source_path", "relative_source_path",
    "relative_dir", "filename", "translations", "in_default_lang", "timezone",
    "date_format", "locale_date", "locale_modified", "default_template",
    "mandatory_properties", "allowed_statuses", "default_status", "reader", "related",
    "prev_article", "next_article", "prev_article_in_category", "next_article_in_category",
    "get_content", "get_summary", "get_url_setting", "get_siteurl", "get_static_links",
    "get_relative_source_path", "is_valid", "refresh_metadata_intersite_links",
), "the build sets it on every page; choose another name"))

MAX_NODES = 50_000  # values in one front matter: a bound on the time and memory it costs
MAX_TAGS = 100      # names in one facet of one briefing
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}$")
TEMPLATE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
_FENCE = "---"


class FrontMatterError(Report, ValueError):
    """One or more problems in one file, each with the line it is on (a report for the user:
    no traceback)."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]],
                 partial: "Document | None" = None):
        self.path = path
        self.problems = sorted(problems, key=lambda p: (p[0] or 0, p[1]))
        # what could be read despite the problems (the keys YAML could read around a
        # syntax error, validated), for checks that can still run: the tags' vocabulary
        self.partial = partial
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(
            f"{self.path}:{line}: {msg}" if line else f"{self.path}: {msg}"
            for line, msg in self.problems
        )


@dataclass
class Document:
    """A parsed briefing: validated metadata and the Markdown body."""

    meta: dict[str, Any]
    body: str
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict)


def _under(rel: str, folders) -> bool:
    for folder in folders:
        folder = posixpath.normpath(folder.replace(os.sep, "/"))
        if folder in ("", ".") or rel == folder or rel.startswith(folder + "/"):
            return True
    return False


def is_article(rel: str, article_paths=("",), page_paths=("pages",)) -> bool:
    """Is the file at ``rel`` (relative to the content folder) a briefing, which needs a
    date, rather than a page? Pelican's rule: under one of ``ARTICLE_PATHS`` and not under
    one of ``PAGE_PATHS``. The one place this is decided (the reader, ``briefing check``)."""
    rel = posixpath.normpath(rel.replace(os.sep, "/"))
    return _under(rel, article_paths) and not any(
        _under(rel, [p]) for p in page_paths if posixpath.normpath(p) not in ("", "."))


def _near_key(key: str) -> str | None:
    """The known key a misspelled one most likely means (xregion, sytems, regions)."""
    found = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.8)
    return found[0] if found else None


def has_front_matter(text: str) -> bool:
    """True when the text opens with a ``---`` line (a BOM is tolerated)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return first.rstrip() == _FENCE


def split(text: str, path: str = "<string>") -> tuple[str, str, int]:
    """Split a briefing into (yaml text, body, line number where the body starts)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        raise FrontMatterError(path, [(1, "the file must open with a '---' line")])
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (_FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise FrontMatterError(
        path, [(1, "the front matter opened on line 1 is never closed by a '---' line")]
    )


def kind_of(value: Any) -> str:
    """What a value is, in words for a message: text, a number, a list..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    return "text"


def _load(yaml_text: str, path: str, first_line: int) -> tuple[Any, dict[str, int]]:
    """Load YAML with the safe (C) loader; return data and the line of each top-level key."""
    node = safeyaml.compose(yaml_text, path, first_line, max_nodes=MAX_NODES,
                            error=FrontMatterError)
    if node is None:
        return None, {}
    lines: dict[str, int] = {}
    first_of: dict[str, str] = {}  # Pelican reads keys case-blind: Region is region
    problems = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                line = first_line + key_node.start_mark.line
                first = first_of.setdefault(key.lower(), key)
                if key in lines or first != key:
                    same = "" if first == key else f", as {first}"
                    problems.append((line, f"{key} is given twice (first on line "
                                           f"{lines[first]}{same})"))
                else:
                    lines[key] = line
                if isinstance(value_node, yaml.SequenceNode):
                    # each item's line, for messages about one tag: "systems[2]"
                    for i, item in enumerate(value_node.value):
                        lines.setdefault(f"{key}[{i}]", first_line + item.start_mark.line)
    if problems:
        raise FrontMatterError(path, problems)
    return safeyaml.construct(node, path, first_line, error=FrontMatterError), lines


_TOP_KEY_RE = re.compile(r"^(?![\s#-])(?:\"([^\"]*)\"|'([^']*)'|([^:\s][^:]*?))\s*:(?:\s|$)")


def _salvage(yaml_text: str, path: str, first_line: int):
    """After a YAML error, read the front matter one top-level key at a time, so that one
    bad line (an unquoted colon in the title) does not hide the file's other problems.
    Returns (data, lines, unreadable keys, the unreadable keys' problems), or None when the
    text has no top-level keys to read apart (nothing more can be said)."""
    rows = yaml_text.split("\n")
    starts = [i for i, row in enumerate(rows) if _TOP_KEY_RE.match(row)]
    if len(starts) < 2 or starts[0] != next(
            (i for i, row in enumerate(rows) if row.strip() and not row.lstrip()
             .startswith("#")), 0):
        return None
    data: dict[Any, Any] = {}
    lines: dict[str, int] = {}
    unreadable: set[str] = set()
    problems: list[tuple[int | None, str]] = []
    for at, until in zip(starts, starts[1:] + [len(rows)]):
        found = _TOP_KEY_RE.match(rows[at])
        key = next(group for group in found.groups() if group is not None).strip()
        chunk = "\n".join(rows[at:until])
        try:
            value, chunk_lines = _load(chunk, path, first_line + at)
        except FrontMatterError as exc:
            unreadable.add(key)
            problems += exc.problems
            continue
        if not isinstance(value, dict):
            return None  # not a key after all: nothing sound to say
        for name, item in value.items():
            if name in data:
                problems.append((chunk_lines.get(name), f"{name} is given twice (first on "
                                                        f"line {lines.get(name)})"))
                continue
            data[name] = item
        for name, line in chunk_lines.items():
            lines.setdefault(name, line)
    return data, lines, frozenset(unreadable), problems


def _timezone(name: str | None) -> dt.tzinfo:
    if not name:
        return dt.timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def parse_date(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    """A date, datetime or ISO 8601 string as a timezone-aware datetime (None if not one)."""
    if isinstance(value, dt.datetime):
        out = value
    elif isinstance(value, dt.date):
        out = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        s = value.strip()
        if s.endswith(("Z", "z")):
            s = s[:-1] + "+00:00"
        try:
            out = dt.datetime.fromisoformat(s)
        except ValueError:
            return None
    else:
        return None
    if out.tzinfo is None:
        out = out.replace(tzinfo=tz)
    return out


def _text(value: Any) -> str | None:
    """Scalars as NFC text; None for anything else."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def names(key: str, value: Any, line: int | None, problems: list) -> list[str]:
    """A facet's value as its list of names (the one place that reads one, for front matter
    and for Pelican's own ``Key: value`` files alike): a list of names, or one name alone;
    problems are appended as (line, message)."""
    if value is None:
        return []
    if isinstance(value, str):
        if "," in value:
            items = ", ".join(p.strip() for p in value.split(",") if p.strip())
            problems.append((line, f"{key}: {value.strip()!r} is one text with commas; "
                                   f"write a YAML list, {key}: [{items}] (one name that has "
                                   f"a comma: {key}: [{value.strip()!r}])"))
            return []
        value = [value]
    if not isinstance(value, (list, tuple)):
        problems.append((line, f"{key} must be a list of names, got {kind_of(value)}"))
        return []
    if len(value) > MAX_TAGS:
        problems.append((line, f"{key} has {len(value):,} names; at most {MAX_TAGS} per "
                               "facet"))
        return []
    out: list[str] = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip():
            problems.append((line, f"{key}: item {i} must be a name, got {kind_of(item)}"
                             if not isinstance(item, str) else f"{key}: item {i} is empty"))
            continue
        name = unicodedata.normalize("NFC", " ".join(item.split()))
        if name not in out:
            out.append(name)
    return out


def _check_date(key: str, value: Any, tz: dt.tzinfo, line: int | None,
                problems: list) -> dt.datetime | None:
    """A date, or None with a problem: not a date, or one that moving to UTC or to the
    site's timezone would push past the calendar (year 1 or 9999)."""
    when = parse_date(value, tz)
    if when is None:
        problems.append((line, f"{key} must be a date like 2024-12-18 or "
                               f"2024-12-18T09:30:00+01:00, got {value!r}"))
        return None
    try:
        when.astimezone(dt.timezone.utc)
        when.astimezone(tz)
    except (OverflowError, ValueError):
        problems.append((line, f"{key}: {value} is out of range: in UTC or in the site's "
                               "timezone it falls outside the years 1 to 9999"))
        return None
    return when


def _check_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate(data: Any, path: str, lines: dict[str, int] | None = None, *,
             require_date: bool = True, timezone: str | None = None,
             unreadable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Check and normalise front-matter data; raise FrontMatterError listing every problem
    (its ``partial`` holds what was valid). ``unreadable``: keys whose YAML could not be
    read (their own problem is reported already; they are not called missing)."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise FrontMatterError(path, [(2, "the front matter must be a mapping of keys to "
                                          f"values, got {kind_of(data)}")])
    problems: list[tuple[int | None, str]] = []
    meta: dict[str, Any] = {}
    tz = _timezone(timezone)

    def at(key: str) -> int | None:
        return lines.get(key)

    for key in data:
        if not isinstance(key, str):
            problems.append((lines.get(str(key)), f"keys must be names, got {kind_of(key)} "
                             f"({key!r}); put it in quotes"))
            continue
        lower = key.lower()
        if lower.startswith("_") or lower in REFUSED_KEYS:
            why = REFUSED_KEYS.get(lower, "names starting with _ are the build's own")
            problems.append((at(key), f"{key} cannot be set in front matter: {why}"))
        elif lower != key and lower in KEYS:
            problems.append((at(key), f"{key}: write the key in lower case, {lower} "
                                      f"(Pelican would read it as {lower})"))
        elif lower not in KEYS and (near := _near_key(lower)):
            problems.append((at(key), f"{key} is not a key briefings use; did you mean "
                                      f"{near}? (a key of your own needs a name further from "
                                      f"{near})"))
        char = safeyaml.first_control(key) or safeyaml.first_control(data[key])
        if char:
            problems.append((at(key), f"{key}: {safeyaml.control_message(char)}"))

    title = _text(data.get("title"))
    if "title" in unreadable:
        pass
    elif "title" not in data or data.get("title") is None:
        problems.append((at("title"), "title is required"))
    elif not title:
        problems.append((at("title"), f"title must be text, got {kind_of(data['title'])}"
                         if title is None else "title is empty"))
    else:
        meta["title"] = " ".join(title.split())

    if "date" not in data or data.get("date") is None:
        if require_date and "date" not in unreadable:
            problems.append((at("date"), "date is required (e.g. date: 2024-12-18)"))
    else:
        when = _check_date("date", data["date"], tz, at("date"), problems)
        if when is not None:
            meta["date"] = when

    if data.get("modified") is not None:
        when = _check_date("modified", data["modified"], tz, at("modified"), problems)
        if when is not None:
            meta["modified"] = when

    if data.get("lang") is not None:
        lang = data["lang"]
        if not isinstance(lang, str) or not _LANG_RE.match(lang.strip()):
            problems.append((at("lang"), "lang must be a language tag like en or pt-BR, "
                             f"got {lang!r}"))
        else:
            meta["lang"] = lang.strip().lower()

    if data.get("template") is not None:
        template = data["template"]
        if not isinstance(template, str) or not TEMPLATE_RE.match(template.strip()):
            problems.append((at("template"), "template must be the name of one of the "
                             "theme's templates, like page (no folder, no .html), got "
                             f"{template!r}"))
        else:
            meta["template"] = template.strip()

    if data.get("translation") is not None:
        # Pelican reads it as text ("true": this page translates another of the same slug)
        value = data["translation"]
        text = value.strip().lower() if isinstance(value, str) else value
        if text not in (True, False, "true", "false"):
            problems.append((at("translation"), "translation must be true or false, got "
                             f"{value!r}"))
        else:
            meta["translation"] = str(text).lower()

    for key in ("author", "summary", "section", "caption", "caption_credit", "duplicate_of"):
        if key in data and data[key] is not None:
            value = _text(data[key])
            if value is None:
                problems.append((at(key), f"{key} must be text, got {kind_of(data[key])}"))
            elif value:
                meta[key] = value

    if data.get("source") is not None:
        source = data["source"]
        if isinstance(source, str):
            source = {"url": source} if _check_url(source.strip()) else {"name": source}
        if not isinstance(source, dict):
            problems.append((at("source"), "source must be a mapping with name and url, "
                             f"got {kind_of(source)}"))
        else:
            clean: dict[str, str] = {}
            for sub, value in source.items():
                if sub not in ("name", "url"):
                    problems.append((at("source"), f"source: unknown key {sub!r} "
                                     "(expected name and url)"))
                    continue
                text = _text(value)
                if value is None:
                    continue
                if text is None:
                    problems.append((at("source"), f"source: {sub} must be text, "
                                     f"got {kind_of(value)}"))
                elif sub == "url" and not _check_url(text):
                    problems.append((at("source"), "source: url must be an http(s) "
                                     f"address, got {text!r}"))
                elif text:
                    clean[sub] = text
            if clean:
                meta["source"] = clean

    for facet in FACETS:
        meta[facet] = names(facet, data.get(facet), at(facet), problems)

    if data.get("slug") is not None:
        slug = _text(data["slug"])
        if not slug or not SLUG_RE.match(slug):
            problems.append((at("slug"), "slug must be lower-case letters, digits and "
                             f"hyphens (at most 100), got {data['slug']!r}"))
        else:
            meta["slug"] = slug

    if data.get("status") is not None:
        status = _text(data["status"])
        if status not in STATUSES:
            problems.append((at("status"), f"status must be one of {', '.join(STATUSES)}, "
                             f"got {data['status']!r}"))
        else:
            meta["status"] = status

    if data.get("provenance") is not None and not isinstance(data["provenance"], dict):
        problems.append((at("provenance"), "provenance must be a mapping, got "
                         f"{kind_of(data['provenance'])}"))

    known = set(KEYS)
    for key, value in data.items():
        if isinstance(key, str) and key not in known and key not in meta:
            meta[key] = value
    if isinstance(data.get("provenance"), dict):
        meta["provenance"] = data["provenance"]

    if problems:
        raise FrontMatterError(path, problems, partial=Document(meta=meta, body="",
                                                                body_line=0, lines=lines))
    return meta


def parse(text: str, path: str = "<string>", *, require_date: bool = True,
          timezone: str | None = None) -> Document:
    """Parse a whole briefing file; raise FrontMatterError with file:line on any problem."""
    yaml_text, body, body_line = split(text, path)
    body_problems = []
    found = safeyaml.CONTROL_RE.search(body)
    if found:
        line = body_line + body.count("\n", 0, found.start())
        body_problems.append((line, f"the text: {safeyaml.control_message(found.group())}"))
    try:
        try:
            data, lines = _load(yaml_text, path, first_line=2)
            unreadable: frozenset[str] = frozenset()
        except FrontMatterError as exc:
            salvaged = _salvage(yaml_text, path, first_line=2)
            if salvaged is None:
                raise
            data, lines, unreadable, yaml_problems = salvaged
            try:
                found, partial = [], Document(
                    meta=validate(data, path, lines, require_date=require_date,
                                  timezone=timezone, unreadable=unreadable),
                    body="", body_line=0, lines=lines)
            except FrontMatterError as more:
                found, partial = more.problems, more.partial
            raise FrontMatterError(path, yaml_problems + found, partial=partial) from exc
        meta = validate(data, path, lines, require_date=require_date, timezone=timezone)
    except FrontMatterError as exc:
        partial = exc.partial and Document(meta=exc.partial.meta, body=body,
                                           body_line=body_line, lines=exc.partial.lines)
        raise FrontMatterError(path, exc.problems + body_problems, partial=partial) from None
    if body_problems:
        raise FrontMatterError(path, body_problems)
    return Document(meta=meta, body=body, body_line=body_line, lines=lines)


def _plain(value: Any) -> Any:
    """Make metadata YAML-friendly: dates as dates, datetimes in ISO form."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0) \
            and value.tzinfo is None:
        return value.date()
    if isinstance(value, dict):
        kind = safeyaml.Flow if isinstance(value, safeyaml.Flow) else dict
        return kind((k, _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def dump(meta: dict[str, Any], body: str) -> str:
    """Serialise a briefing: keys in a fixed order, unknown keys sorted after them."""
    ordered = {k: _plain(meta[k]) for k in KEY_ORDER if k in meta}
    for k in sorted(set(meta) - set(KEY_ORDER)):
        ordered[k] = _plain(meta[k])
    text = yaml.dump(ordered, Dumper=safeyaml.NoAliasDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)
    body = unicodedata.normalize("NFC", body).strip("\n")
    return f"{_FENCE}\n{text}{_FENCE}\n\n{body}\n"

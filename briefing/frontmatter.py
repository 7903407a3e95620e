"""Read and write briefings: YAML front matter between ``---`` lines, then Markdown.

This is the one front-matter parser and serializer of the project: ingest writes
with :func:`dump`, the Pelican reader and ``briefing check`` read with
:func:`parse`, and the round trip is lossless.

Errors name the file and the line, e.g.::

    content/briefings/x.md:7: systems must be a list of names, got a mapping
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

try:  # the C loader is ~10x faster; fall back to the pure-Python one
    _Loader = yaml.CSafeLoader
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

FACETS = ("region", "actors", "systems")
STATUSES = ("published", "draft", "hidden")
# the order in which ingest writes keys; unknown keys follow, sorted
KEY_ORDER = (
    "title", "slug", "date", "author", "source", "section", "summary",
    "region", "actors", "systems", "caption", "caption_credit", "status",
    "provenance",
)


class _NoAliasDumper(_Dumper):
    """Never write YAML anchors (&id001): editors read these files."""

    def ignore_aliases(self, data):
        return True


SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
_FENCE = "---"


class FrontMatterError(ValueError):
    """One or more problems in one file, each with the line it is on."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]]):
        self.path = path
        self.problems = sorted(problems, key=lambda p: (p[0] or 0, p[1]))
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


def _kind(value: Any) -> str:
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
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[str, int] = {}
        problems = []
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    line = first_line + key_node.start_mark.line
                    if key_node.value in lines:
                        problems.append((line, f"{key_node.value} is given twice "
                                               f"(first on line {lines[key_node.value]})"))
                    else:
                        lines[key_node.value] = line
                    if isinstance(value_node, yaml.SequenceNode):
                        # each item's line, for messages about one tag: "systems[2]"
                        for i, item in enumerate(value_node.value):
                            lines[f"{key_node.value}[{i}]"] = first_line + item.start_mark.line
        if problems:
            raise FrontMatterError(path, problems)
        try:
            data = loader.construct_document(node)
        except (ValueError, TypeError, OverflowError) as exc:
            # a well-formed value YAML cannot build, e.g. the date 2024-13-45
            raise FrontMatterError(path, _locate_bad_value(node, exc, first_line)) from None
        return data, lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark  # an unclosed quote or bracket: point at its start
        line = first_line + mark.line if mark is not None else None
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "cannot be read"
        raise FrontMatterError(path, [(line, f"invalid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(path, [(first_line, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()


def _locate_bad_value(node: yaml.Node, exc: Exception,
                      first_line: int) -> list[tuple[int | None, str]]:
    """Find the top-level entry whose value PyYAML failed to build."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            try:
                _Loader("").construct_object(value_node, deep=True)
            except (ValueError, TypeError, OverflowError) as err:
                key = getattr(key_node, "value", "?")
                shown = getattr(value_node, "value", "")
                return [(first_line + value_node.start_mark.line,
                         f"{key}: {shown!r} cannot be read ({err})")]
    return [(first_line + node.start_mark.line, f"a value cannot be read ({exc})")]


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


def _names(key: str, value: Any, line: int | None, problems: list) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append((line, f"{key} must be a list of names, got {_kind(value)}"))
        return []
    out: list[str] = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip():
            problems.append((line, f"{key}: item {i} must be a name, got {_kind(item)}"
                             if not isinstance(item, str) else f"{key}: item {i} is empty"))
            continue
        name = unicodedata.normalize("NFC", " ".join(item.split()))
        if name not in out:
            out.append(name)
    return out


def _check_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate(data: Any, path: str, lines: dict[str, int] | None = None, *,
             require_date: bool = True, timezone: str | None = None) -> dict[str, Any]:
    """Check and normalise front-matter data; raise FrontMatterError listing every problem."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise FrontMatterError(path, [(2, "the front matter must be a mapping of keys to "
                                          f"values, got {_kind(data)}")])
    problems: list[tuple[int | None, str]] = []
    meta: dict[str, Any] = {}
    tz = _timezone(timezone)

    for key in data:
        if not isinstance(key, str):
            problems.append((None, f"keys must be names, got {_kind(key)} ({key!r})"))

    def at(key: str) -> int | None:
        return lines.get(key)

    title = _text(data.get("title"))
    if "title" not in data or data.get("title") is None:
        problems.append((None, "title is required"))
    elif not title:
        problems.append((at("title"), f"title must be text, got {_kind(data['title'])}"
                         if title is None else "title is empty"))
    else:
        meta["title"] = " ".join(title.split())

    if "date" not in data or data.get("date") is None:
        if require_date:
            problems.append((None, "date is required (e.g. date: 2024-12-18)"))
    else:
        when = parse_date(data["date"], tz)
        if when is None:
            problems.append((at("date"), "date must be a date like 2024-12-18 or "
                             f"2024-12-18T09:30:00+01:00, got {data['date']!r}"))
        else:
            meta["date"] = when

    for key in ("author", "summary", "section", "caption", "caption_credit"):
        if key in data and data[key] is not None:
            value = _text(data[key])
            if value is None:
                problems.append((at(key), f"{key} must be text, got {_kind(data[key])}"))
            elif value:
                meta[key] = value

    if data.get("source") is not None:
        source = data["source"]
        if isinstance(source, str):
            source = {"url": source} if _check_url(source.strip()) else {"name": source}
        if not isinstance(source, dict):
            problems.append((at("source"), "source must be a mapping with name and url, "
                             f"got {_kind(source)}"))
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
                                     f"got {_kind(value)}"))
                elif sub == "url" and not _check_url(text):
                    problems.append((at("source"), "source: url must be an http(s) "
                                     f"address, got {text!r}"))
                elif text:
                    clean[sub] = text
            if clean:
                meta["source"] = clean

    for facet in FACETS:
        meta[facet] = _names(facet, data.get(facet), at(facet), problems)

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
                         f"{_kind(data['provenance'])}"))

    known = set(KEY_ORDER)
    for key, value in data.items():
        if isinstance(key, str) and key not in known and key not in meta:
            meta[key] = value
    if isinstance(data.get("provenance"), dict):
        meta["provenance"] = data["provenance"]

    if problems:
        raise FrontMatterError(path, problems)
    return meta


def parse(text: str, path: str = "<string>", *, require_date: bool = True,
          timezone: str | None = None) -> Document:
    """Parse a whole briefing file; raise FrontMatterError with file:line on any problem."""
    yaml_text, body, body_line = split(text, path)
    data, lines = _load(yaml_text, path, first_line=2)
    meta = validate(data, path, lines, require_date=require_date, timezone=timezone)
    return Document(meta=meta, body=body, body_line=body_line, lines=lines)


def _plain(value: Any) -> Any:
    """Make metadata YAML-friendly: dates as dates, datetimes in ISO form."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0) \
            and value.tzinfo is None:
        return value.date()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def dump(meta: dict[str, Any], body: str) -> str:
    """Serialise a briefing: keys in a fixed order, unknown keys sorted after them."""
    ordered = {k: _plain(meta[k]) for k in KEY_ORDER if k in meta}
    for k in sorted(set(meta) - set(KEY_ORDER)):
        ordered[k] = _plain(meta[k])
    text = yaml.dump(ordered, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)
    body = unicodedata.normalize("NFC", body).strip("\n")
    return f"{_FENCE}\n{text}{_FENCE}\n\n{body}\n"

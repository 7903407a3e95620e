"""Surgical edits of a briefing's front matter: re-tag after a vocabulary change (add tags,
never remove one, never propose again one an editor removed: ``provenance: tagged`` records
what was proposed), confirm a date or title ingest guessed (:func:`confirm`), publish a draft
(:func:`publish`), write aliases as their terms' names (:func:`canonical_names`).

The briefing file is edited surgically, at the places YAML itself gives for each facet's
value (PyYAML's node marks): a block list gains ``- name`` lines after its last item, with
its indentation; a flow list gains ``, name`` after its last item; a single name or an empty
value becomes a flow list; a facet the file lacks is added as the last key. Every other
byte (comments, other keys, key order, line endings, the body) stays as the editor left it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefing.core import fileio, frontmatter, safeyaml
from briefing.core.facets import FACETS
from briefing.core.errors import Report
from briefing.ingest.pipeline import edited_by_hand, refresh_checksum
from briefing.ingest.review import date_guessed, title_unsure

_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks frontmatter.split knows


class RetagError(Report):
    """A briefing retag cannot change safely: a report naming the file, not a crash."""


@dataclass
class Retag:
    path: Path
    added: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""  # the new text, when there is anything to add
    read: bytes = b""  # SHA-1 of the text the plan was made from
    held: dict[str, list[str]] = field(default_factory=dict)  # not proposed: an editor removed them

    @property
    def changed(self) -> bool:
        return any(self.added.values())


def tagged(meta: dict) -> dict[str, list[str]]:
    """The tags ingest, retag and accept proposed for a briefing (``provenance: tagged``),
    read leniently: what is not a list of names is ignored."""
    provenance = meta.get("provenance")
    record = provenance.get("tagged") if isinstance(provenance, dict) else None
    if not isinstance(record, dict):
        return {}
    return {facet: [name for name in record[facet] if isinstance(name, str)]
            for facet in FACETS if isinstance(record.get(facet), list)}


def removed(meta: dict) -> dict[str, list[str]]:
    """The proposed tags the briefing no longer has: an editor removed them."""
    out = {}
    for facet, names in tagged(meta).items():
        have = {name.casefold() for name in meta.get(facet, [])}
        gone = [name for name in names if name.casefold() not in have]
        if gone:
            out[facet] = gone
    return out


def plan(path: Path, text: str, doc: frontmatter.Document, tags: dict[str, list[str]]) -> Retag:
    """What re-tagging would add to one briefing (tags already present, in any facet
    spelling, are kept; nothing is removed; a tag an editor removed is not proposed again:
    it is in ``held``)."""
    result = Retag(path, read=hashlib.sha1(text.encode("utf-8", "surrogateescape")).digest())
    gone = removed(doc.meta)
    for facet in FACETS:
        have = {name.casefold() for name in doc.meta.get(facet, [])}
        skip = {name.casefold() for name in gone.get(facet, [])}
        for name in tags.get(facet, []):
            if name.casefold() in skip:
                result.held.setdefault(facet, []).append(name)
            elif name.casefold() not in have:
                result.added.setdefault(facet, []).append(name)
    if result.added:
        result.text = rewrite(text, doc, result.added, str(path))
    return result


def write(result: Retag) -> None:
    """Write the planned text (atomically), unless the file changed since it was read."""
    if fileio.file_sha1(result.path) != result.read:
        raise RetagError(f"{result.path}: changed since retag read it; not written (run "
                         "retag again)")
    fileio.write_atomic(result.path, result.text)


def _flow(names: list[str]) -> str:
    """Names as a YAML flow list, quoted where YAML needs it: ``[Libya, 'a: b']``."""
    return safeyaml.flow(list(names))


def _front_span(text: str, doc: frontmatter.Document) -> tuple[int, int, str]:
    """Where the YAML between the fences starts and ends in ``text``, and the file's line
    break."""
    breaks = list(_BREAK.finditer(text))
    closing = doc.body_line - 2  # the closing fence's line, counted from 0
    start = breaks[0].end()
    end = breaks[closing - 1].end() if closing > 0 else start
    return start, end, breaks[0].group()


def _edit(text: str, offset: int, key: yaml.Node, value: yaml.Node, current: list[str],
          new: list[str], newline: str) -> tuple[int, int, str]:
    """(start, end, replacement) that adds ``new`` to the facet whose nodes are given."""
    if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
        # a block list: "- name" lines after the last item, lined up with the first
        last, first = value.value[-1], value.value[0]
        at = offset + last.end_mark.index
        if last.end_mark.column:  # after the rest of its line (a comment, say)
            found = _BREAK.search(text, at)
            at, newline = found.end(), found.group()
        dash = value.start_mark.column
        gap = first.start_mark.column - dash - 1 \
            if first.start_mark.line == value.start_mark.line else 1
        lines = "".join(f"{' ' * dash}-{' ' * max(gap, 1)}{_flow([name])[1:-1]}{newline}"
                        for name in new)
        return at, at, lines
    if isinstance(value, yaml.SequenceNode):  # a flow list, maybe empty
        if value.value:
            at = offset + value.value[-1].end_mark.index
            return at, at, ", " + _flow(new)[1:-1]
        at = offset + value.end_mark.index - 1  # before its "]"
        return at, at, _flow(new)[1:-1]
    if isinstance(value, yaml.ScalarNode):
        start, end = offset + value.start_mark.index, offset + value.end_mark.index
        if start == end:  # "region:" with nothing after it
            at = text.index(":", offset + key.end_mark.index) + 1
            return at, at, " " + _flow(current + new)
        block = value.style in ("|", ">")
        return start, end, _flow(current + new) + (newline if block else "")
    raise RetagError(f"facet value of an unexpected kind ({value.tag})")  # pragma: no cover


def _record(text: str, offset: int, provenance: yaml.Node, record: dict, newline: str,
            path: str) -> tuple[int, int, str]:
    """(start, end, replacement) that sets ``tagged`` in the provenance mapping to
    ``record``: its one-line value replaced, or a line added before the checksum (which
    stays last) or after the mapping's last line."""
    if not isinstance(provenance, yaml.MappingNode) or provenance.flow_style \
            or not provenance.value:
        raise RetagError(f"{path}: provenance is not a block of `key: value` lines; the "
                         "tags cannot be recorded in it")
    items = _top_level(provenance)
    if "tagged" in items:
        key, value = items["tagged"]
        one_line = value.start_mark.line == value.end_mark.line == key.start_mark.line
        # a long record wraps onto more lines (ingest writes YAML 100 columns wide): a flow
        # mapping from the key's line on is still retag's, and is rewritten whole
        flow = isinstance(value, yaml.MappingNode) and value.flow_style \
            and value.start_mark.line == key.start_mark.line
        if not (one_line or flow) or not isinstance(value, (yaml.MappingNode, yaml.ScalarNode)):
            raise RetagError(f"{path}: provenance tagged is not on one line as retag writes "
                             "it; write it as `tagged: {region: [...], ...}`")
        return offset + value.start_mark.index, offset + value.end_mark.index, \
            safeyaml.flow(record)
    first = provenance.value[0][0]
    line = f"{' ' * first.start_mark.column}tagged: {safeyaml.flow(record)}{newline}"
    if "checksum" in items:
        key = items["checksum"][0]
        at = offset + key.start_mark.index - key.start_mark.column
        return at, at, line
    last = provenance.value[-1][1]
    at = offset + last.end_mark.index
    if last.end_mark.column:  # after the rest of its line
        found = _BREAK.search(text, at)
        at, newline = found.end(), found.group()
    return at, at, line


def rewrite(text: str, doc: frontmatter.Document, added: dict[str, list[str]],
            path: str = "<retag>") -> str:
    """The text with the names in ``added`` appended to their facets, nothing else changed
    (but the provenance checksum of a briefing ingest wrote and nobody edited)."""
    start, end, newline = _front_span(text, doc)
    values = _top_level(_root(path, text, start, end))
    edits, appended = [], ""
    for facet, new in added.items():
        if facet in values:
            current = list(doc.meta.get(facet, []))
            edits.append(_edit(text, start, *values[facet], current, new, newline))
        else:
            appended += f"{facet}: {_flow(new)}{newline}"
    before = tagged(doc.meta)
    record = safeyaml.Flow((f, before.get(f, []) + added.get(f, [])) for f in FACETS)
    provenance = values.get("provenance")
    if provenance is None:  # a briefing written by hand: the record starts here
        appended += f"provenance:{newline}  tagged: {safeyaml.flow(record)}{newline}"
    else:
        edits.append(_record(text, start, provenance[1], record, newline, path))
    out = text[:end] + appended + text[end:]  # every edit is at or before the end
    for at, until, piece in sorted(edits, reverse=True):
        out = out[:at] + piece + out[until:]

    try:
        check = frontmatter.parse(out, path, require_date=False)
    except frontmatter.FrontMatterError:
        check = None
    expected = {**doc.meta, **{f: list(doc.meta.get(f, [])) + n for f, n in added.items()}}
    expected["provenance"] = {**(doc.meta.get("provenance") or {}), "tagged": record}
    if check is None or check.meta != expected or check.body != doc.body:
        raise RetagError(f"{path}: the tags cannot be added without changing anything else; "
                         "add them by hand: " + "; ".join(f"{f}: {', '.join(n)}"
                                                          for f, n in added.items()))
    if not edited_by_hand(text):
        out = refresh_checksum(out)  # retag is not an editor's change
    return out


def _set_scalar(path: Path, text: str, doc: frontmatter.Document, keys: tuple[str, ...],
                value: str) -> str:
    """The text with the plain value at ``keys`` (``("status",)``, ``("provenance",
    "date_source")``) replaced by ``value``, in place; every other byte kept (but the
    provenance checksum of a briefing nobody edited)."""
    start, end, _ = _front_span(text, doc)
    node = _root(path, text, start, end)
    for key in keys:
        node = next((v for k, v in getattr(node, "value", []) if isinstance(node, yaml.MappingNode)
                     and getattr(k, "value", None) == key), None)
    where = " ".join(keys)
    if not isinstance(node, yaml.ScalarNode) or node.start_mark.index == node.end_mark.index:
        raise RetagError(f"{path}: {where} cannot be found to edit; set it by hand")
    out = text[:start + node.start_mark.index] + value + text[start + node.end_mark.index:]
    check = frontmatter.parse(out, str(path), require_date=False)
    got = check.meta
    for key in keys:
        got = got.get(key) if isinstance(got, dict) else None
    if got != value or check.body != doc.body:
        raise RetagError(f"{path}: {where} cannot be changed without changing anything "
                         f"else; set it to {value} by hand")
    return refresh_checksum(out) if not edited_by_hand(text) else out


def confirm(path: Path, text: str, doc: frontmatter.Document) -> Retag:
    """The briefing with what ingest guessed confirmed by the editor: a guessed date
    (``provenance: date_source: ingest``) and a title picked with low confidence
    (``title_source: unsure``) become ``checked``, each value changed in place. ``added``
    names what was confirmed (an empty plan when nothing was in doubt)."""
    result = Retag(path, read=hashlib.sha1(text.encode("utf-8", "surrogateescape")).digest())
    out = text
    if date_guessed(doc.meta):
        out = _set_scalar(path, out, doc, ("provenance", "date_source"), "checked")
        result.added["date"] = [str(doc.meta["date"].date())]
    if title_unsure(doc.meta):
        if out is not text:
            doc = frontmatter.parse(out, str(path), require_date=False)
        out = _set_scalar(path, out, doc, ("provenance", "title_source"), "checked")
        result.added["title"] = [doc.meta["title"]]
    if result.added:
        result.text = out
    return result


def publish(path: Path, text: str, doc: frontmatter.Document) -> Retag:
    """The draft with ``status: published``, that value changed in place (an empty plan
    when it is not a draft)."""
    result = Retag(path, read=hashlib.sha1(text.encode("utf-8", "surrogateescape")).digest())
    if doc.meta.get("status") == "draft":
        result.text = _set_scalar(path, text, doc, ("status",), "published")
        result.added = {"status": ["published"]}
    return result


def _root(path, text: str, start: int, end: int) -> yaml.Node | None:
    """The node tree of the front matter (``text[start:end]``), with its marks: where each
    value is, for the edits. The Python loader, which gives marks; it may refuse what the C
    loader read."""
    loader = yaml.SafeLoader(text[start:end])
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        raise RetagError(f"{path}: the front matter cannot be edited safely ({exc})") from None
    finally:
        loader.dispose()


def _top_level(root: yaml.Node | None) -> dict:
    """The top-level (key node, value node) pairs of a front matter, by key."""
    if not isinstance(root, yaml.MappingNode):
        return {}
    return {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}


def canonical_names(path: Path, text: str, doc: frontmatter.Document, vocab) -> Retag:
    """The briefing with every tag that is an alias written as its term's name (``IRGC``:
    ``Islamic Revolutionary Guard Corps``), and a facet written as one text with commas
    whose parts are all terms (``region: Libya, Syria, Tartus``) as a list: each value
    replaced in place, every other byte kept. ``added`` maps each facet to what changed, in
    words (``Wagner Group (was Wagner)``); an empty plan when there is nothing to rewrite."""
    result = Retag(path, read=hashlib.sha1(text.encode("utf-8", "surrogateescape")).digest())
    start, end, _ = _front_span(text, doc)
    values = _top_level(_root(path, text, start, end))
    edits, expected = [], dict(doc.meta)
    for facet in FACETS:
        if facet not in values:
            continue
        _, value = values[facet]
        items = value.value if isinstance(value, yaml.SequenceNode) else [value]
        names = []
        for item in items:
            if not isinstance(item, yaml.ScalarNode) or item.start_mark.index == \
                    item.end_mark.index:
                continue
            parts = [item.value]
            if item is value and "," in item.value:  # one text with commas
                split = [part.strip() for part in item.value.split(",") if part.strip()]
                if all((facet, vocab.canonical(facet, part)) in vocab for part in split):
                    parts = split
            fixed = [vocab.canonical(facet, part) for part in parts]
            if fixed == [item.value]:
                names.append(item.value)
                continue
            if len(parts) > 1 or item is value:
                piece = _flow(fixed)
            else:
                piece = _flow(fixed)[1:-1]
            edits.append((start + item.start_mark.index, start + item.end_mark.index, piece))
            names += fixed
            result.added.setdefault(facet, []).append(
                f"{_flow(fixed) if len(parts) > 1 else fixed[0]} (was {item.value})")
        if facet in result.added:
            expected[facet] = names
    if not edits:
        return result
    out = text
    for at, until, piece in sorted(edits, reverse=True):
        out = out[:at] + piece + out[until:]
    try:
        check = frontmatter.parse(out, str(path), require_date=False)
    except frontmatter.FrontMatterError:
        check = None
    if check is None or check.meta != expected or check.body != doc.body:
        raise RetagError(f"{path}: the tags cannot be rewritten without changing anything "
                         "else; write them by hand: " + "; ".join(
                             f"{f}: {', '.join(expected[f])}" for f in result.added))
    result.text = refresh_checksum(out) if not edited_by_hand(text) else out
    return result

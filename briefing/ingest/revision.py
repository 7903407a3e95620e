"""When a published briefing changes: ``modified``, and the record of what was published.

A briefing's page says "Updated <date>" when its ``modified`` falls on a later day than its
``date``. Two commands write it, both only when what a reader reads (:data:`READ`: the title,
the summary, the caption and the text) changed:

* ``briefing ingest``, re-ingesting over a published briefing (the raw page changed, or
  ``--force`` over an edited one): ``modified`` is the day of ingest; an update that changes
  none of that keeps the old ``modified``. A draft's update keeps its ``modified`` and record.
* ``briefing publish``: a draft that was published before, or a published briefing, whose text
  changed since it was last published. What was published is recorded in the provenance block
  as ``published_digest``: the project's one digest (:func:`briefing.core.fileio.digest`) of
  that text, written by ``publish`` and by ``ingest --publish`` (and kept up to date by both).
  A briefing published before the record existed has none: its first change is not dated.

Edits are made in place (:func:`set_values`): the value's own characters are replaced, or one
line is added (``modified`` under ``date``, the record before the provenance checksum); every
other byte stays as the editor left it, and the result is read back to check that only those
values changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any, Mapping

import yaml

from briefing.core import fileio, frontmatter, safeyaml
from briefing.ingest import retag
from briefing.ingest.pipeline import edited_by_hand, refresh_checksum

READ = ("title", "summary", "caption", "caption_credit")  # and the body
RECORD = "published_digest"  # in provenance: the digest of the text as last published
_BREAK = re.compile(r"\r\n|\r|\n")


class RevisionError(retag.RetagError):
    """A briefing whose ``modified`` or record cannot be written safely (a report)."""


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def reader_digest(meta: Mapping[str, Any], body: str) -> str:
    """The digest of what a reader reads of a briefing: its title, summary, caption and text
    (spacing and Unicode forms aside). Tags, status and provenance are not part of it: a
    tag added is no revision of the briefing."""
    parts = [_norm(meta[k]) if isinstance(meta.get(k), str) else None for k in READ]
    return fileio.digest(*parts, unicodedata.normalize("NFC", body or "").strip())


def published(meta: Mapping[str, Any]) -> bool:
    """Readers see it: no status, or ``published``."""
    return meta.get("status") in (None, "published")


def record_of(meta: Mapping[str, Any]) -> str | None:
    """The digest of the text as last published (``provenance: published_digest``), or None."""
    provenance = meta.get("provenance")
    value = provenance.get(RECORD) if isinstance(provenance, dict) else None
    return value if isinstance(value, str) and value else None


def changed_since_published(doc: frontmatter.Document) -> bool:
    """A published briefing whose text is not the one its record says was published."""
    before = record_of(doc.meta)
    return published(doc.meta) and before is not None and \
        before != reader_digest(doc.meta, doc.body)


def record(meta: dict, digest: str | None) -> None:
    """Set (or with None, leave out) the record in a provenance block ingest is writing,
    before its checksum (which stays last)."""
    provenance = meta.get("provenance")
    if not isinstance(provenance, dict):
        return
    provenance.pop(RECORD, None)
    checksum = provenance.pop("checksum", None)
    if digest:
        provenance[RECORD] = digest
    if checksum is not None:
        provenance["checksum"] = checksum


def carry(meta: dict, body: str, old: Mapping[str, Any], old_body: str,
          today: dt.date) -> None:
    """For ingest replacing the briefing ``old`` with ``meta``/``body``: its status stays
    (a published one stays published), and, when it is published and what a reader reads
    changed, ``modified`` is ``today`` (else the old ``modified`` stays) and the record is
    the new text's. A draft keeps its ``modified`` and record: ``publish`` dates it."""
    status = old.get("status")
    if status in (None, "published"):
        meta.pop("status", None)
    else:
        meta["status"] = status
    if published(old):
        now = reader_digest(meta, body)
        if now != reader_digest(old, old_body):
            meta["modified"] = today
        elif old.get("modified") is not None:
            meta["modified"] = old["modified"]
        record(meta, now)
    else:
        if old.get("modified") is not None:
            meta["modified"] = old["modified"]
        record(meta, record_of(old))


def publish(path: Path, text: str, doc: frontmatter.Document, today: dt.date) -> retag.Retag:
    """The briefing as ``briefing publish`` leaves it: a draft becomes published; when it was
    published before and what a reader reads changed since, ``modified`` becomes ``today``
    (unless it is already today or later); the record becomes the text's. A published
    briefing changes only when it has a record and its text changed since. An empty plan when
    there is nothing to do; ``added`` names what changes (``status``, ``modified``)."""
    result = retag.Retag(path, read=hashlib.sha1(text.encode("utf-8", "surrogateescape"))
                         .digest())
    meta = doc.meta
    draft = meta.get("status") == "draft"
    before = record_of(meta)
    if not draft and (not published(meta) or before is None):
        return result
    now = reader_digest(meta, doc.body)
    changes: dict[tuple[str, ...], Any] = {}
    if draft:
        changes[("status",)] = "published"
    if before is not None and before != now:
        current = meta.get("modified")
        if current is None or current.date() < today:
            changes[("modified",)] = today
    if before != now:
        changes[("provenance", RECORD)] = now
    if not draft and before == now:
        return result
    result.text = set_values(path, text, doc, changes)
    result.added = {keys[-1]: [str(value)] for keys, value in changes.items()
                    if keys[0] != "provenance"}
    if not result.added:  # only the record (an unchanged republished draft cannot get here)
        result.added = {"record": [now]}
    return result


def _scalar(value: Any) -> str:
    """A plain value as YAML writes it on one line, quoted only where YAML needs it."""
    return safeyaml.flow([value])[1:-1]


def _line_end(text: str, at: int) -> int:
    found = _BREAK.search(text, at)
    return found.end() if found else len(text)


def _replace(path, text: str, offset: int, key: yaml.Node, value: yaml.Node,
             piece: str, where: str) -> tuple[int, int, str]:
    """(start, end, replacement) that gives the key ``piece`` as its value, in place."""
    if isinstance(value, yaml.ScalarNode) and value.start_mark.index == value.end_mark.index:
        at = text.index(":", offset + key.end_mark.index) + 1  # "modified:" with nothing
        return at, at, " " + piece
    if not isinstance(value, yaml.ScalarNode) or value.style in ("|", ">") \
            or value.start_mark.line != value.end_mark.line:
        raise RevisionError(f"{path}: {where} is not a value on one line; set it to "
                            f"{piece} by hand")
    return offset + value.start_mark.index, offset + value.end_mark.index, piece


def set_values(path, text: str, doc: frontmatter.Document,
               changes: Mapping[tuple[str, ...], Any]) -> str:
    """The text with each value of ``changes`` (keyed ``("modified",)``, ``("provenance",
    "published_digest")``) set in place: an existing value's characters replaced, a missing
    key added as one line (``modified`` after the ``date`` line, a provenance key before the
    checksum, any other at the end of the front matter); every other byte kept (but the
    provenance checksum of a briefing nobody edited). Read back to check that nothing else
    changed; :class:`RevisionError` when it would."""
    start, end, newline = retag._front_span(text, doc)
    top = retag._top_level(retag._root(path, text, start, end))
    edits: list[tuple[int, int, str]] = []
    appended = ""
    for keys, value in changes.items():
        piece, where = _scalar(value), " ".join(keys)
        if len(keys) == 1:
            if keys[0] in top:
                edits.append(_replace(path, text, start, *top[keys[0]], piece, where))
                continue
            line = f"{keys[0]}: {piece}{newline}"
            date = top.get("date")
            if keys[0] == "modified" and date and date[1].end_mark.line == \
                    date[0].start_mark.line:
                at = _line_end(text, start + date[1].end_mark.index)
                edits.append((at, at, line))
            else:
                appended += line
            continue
        parent, sub = keys
        if parent not in top:
            appended += f"{parent}:{newline}  {sub}: {piece}{newline}"
            continue
        block = top[parent][1]
        if not isinstance(block, yaml.MappingNode) or block.flow_style or not block.value:
            raise RevisionError(f"{path}: {parent} is not a block of `key: value` lines; "
                                f"{sub} cannot be recorded in it")
        items = retag._top_level(block)
        if sub in items:
            edits.append(_replace(path, text, start, *items[sub], piece, where))
            continue
        indent = " " * block.value[0][0].start_mark.column
        line = f"{indent}{sub}: {piece}{newline}"
        if "checksum" in items:
            key = items["checksum"][0]
            at = start + key.start_mark.index - key.start_mark.column
        else:
            at = _line_end(text, start + block.value[-1][1].end_mark.index - 1)
        edits.append((at, at, line))
    out = text[:end] + appended + text[end:]  # every edit is at or before the end
    for at, until, piece in sorted(edits, reverse=True):
        out = out[:at] + piece + out[until:]
    _check(path, out, doc, changes)
    return refresh_checksum(out) if not edited_by_hand(text) else out


def _check(path, out: str, doc: frontmatter.Document,
           changes: Mapping[tuple[str, ...], Any]) -> None:
    """The new text reads as the old with exactly ``changes`` made."""
    try:
        check = frontmatter.parse(out, str(path), require_date=False)
    except frontmatter.FrontMatterError:
        check = None
    expected = {k: (dict(v) if isinstance(v, dict) else v) for k, v in doc.meta.items()}
    for keys, value in changes.items():
        target = expected
        for key in keys[:-1]:
            target = target.setdefault(key, {})
        target[keys[-1]] = value
    got = dict(check.meta) if check else {}
    if isinstance(got.get("modified"), dt.datetime) and isinstance(
            expected.get("modified"), dt.date) and not isinstance(expected["modified"],
                                                                   dt.datetime):
        got["modified"] = got["modified"].date()
    if check is None or got != expected or check.body != doc.body:
        wanted = "; ".join(f"{' '.join(k)}: {_scalar(v)}" for k, v in changes.items())
        raise RevisionError(f"{path}: cannot be changed without changing anything else; "
                            f"set by hand: {wanted}")

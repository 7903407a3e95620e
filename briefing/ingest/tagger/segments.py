"""Preparing the text: the title and the paragraphs of the body that read as prose, each
with its zone (title, lede, body, heading)."""

from __future__ import annotations

from dataclasses import dataclass

from .words import (
    CAP_WORD, CREDIT_LINE, DATELINE, HEADING, LEDE_SENTENCES, LIST_FIRST, LIST_MARK, LONG_WORD,
    MD_LINK, SENTENCE_BREAK, TITLE_SPLIT, URL)


# --- preparing the text -----------------------------------------------------------------------


@dataclass
class Segment:
    offset: int
    zone: str
    para: int


def _strip_site(title: str) -> str:
    parts = TITLE_SPLIT.split(title.strip())
    while len(parts) > 1 and len(parts[-1].split()) <= 4 and (
            "." in parts[-1] or all(w[:1].isupper() for w in parts[-1].split())):
        parts.pop()
    return " - ".join(parts) if len(parts) > 1 else parts[0]


def is_headline(line: str) -> bool:
    """A short line in Title Case: a headline, a link or a menu, not a sentence."""
    if line.count(" ") > 23:
        return False
    long = len(LONG_WORD.findall(line))
    return long >= 3 and len(CAP_WORD.findall(line)) >= 0.75 * long


#: a line this long that stops mid-sentence continues on the next line (hard-wrapped text)
_WRAP_MIN = 50
_FINAL = frozenset(".!?\u2026\"')\u201d\u2019:")
_CLOSERS = "\"')]\u201d\u2019*_"


def _is_prose(line: str) -> bool:
    """Does the line read as a sentence (not a menu item, a link or a headline)?"""
    end = line.rstrip(_CLOSERS + " ")
    if end[-1:] not in (".", "!", "?", "\u2026") or line.count(" ") < 3:
        return False
    # a full stop ends sentences, not headlines; "?", "!" and "..." end both
    return (end[-1] == "." and not end.endswith("..")) or not is_headline(line)


def prose_segments(title: str, body: str) -> tuple[str, list[Segment]]:
    """The text the tagger reads, joined with blank lines, and where each part starts."""
    parts: list[tuple[str, str, int]] = []
    title = _strip_site(" ".join(title.split()))
    if title:
        parts.append((title, "title", 0))
    if "](" in body:
        body = MD_LINK.sub(lambda m: m.group(1) or " ", body)
    if "://" in body or "www." in body:
        body = URL.sub(" ", body)
    seen: set[str] = set()
    para = 0
    blank = True
    lede_done = False
    kept: list[tuple[str, str, int]] = []
    run: list[tuple[str, bool]] = []   # a list's items: (text, is prose)

    def flush_run() -> None:
        if run and sum(p for _, p in run) * 2 > len(run):
            kept.extend((t, "body", para) for t, p in run if p)
        run.clear()

    pending: list[str] = []            # the lines of a hard-wrapped paragraph

    def flush_pending() -> None:
        if pending:
            line = " ".join(pending)
            pending.clear()
            if line in seen:
                return
            seen.add(line)
            if line[0] == ">":
                line = line.lstrip("> ")
            if _is_prose(line) and not CREDIT_LINE.match(line):
                kept.append((line, "body", para))

    for raw in body.split("\n"):
        line = raw.strip()
        if not line:
            flush_pending()
            blank = True
            continue
        if blank:
            para += 1
            blank = False
        first = line[0]
        if first == "#" and HEADING.match(line):
            flush_pending()
            flush_run()
            text = HEADING.sub("", line).strip()
            if text and text.count(" ") < 15 and text not in seen:
                seen.add(text)
                kept.append((text, "heading", para))
            continue
        if (first in LIST_FIRST or first.isdigit()) and LIST_MARK.match(line):
            flush_pending()
            text = LIST_MARK.sub("", line).strip()
            if text not in seen:
                seen.add(text)
                run.append((text, _is_prose(text)))
            continue
        flush_run()
        if pending and (len(pending[-1]) < _WRAP_MIN or pending[-1][-1] in _FINAL):
            flush_pending()                              # not a wrapped line: a new one
        pending.append(line)
    flush_pending()
    flush_run()
    for text, zone, p in kept:
        if zone == "body" and not lede_done:
            m = DATELINE.match(text)
            if m and sum(c.isalpha() for c in m.group("place")) >= 4:
                parts.append((text[:m.end()], "dateline", p))
                text = text[m.end():]
            cut = [x.end() for x in SENTENCE_BREAK.finditer(text)]
            if len(cut) >= LEDE_SENTENCES:
                parts.append((text[:cut[LEDE_SENTENCES - 1]].rstrip(), "lede", p))
                parts.append((text[cut[LEDE_SENTENCES - 1]:], "body", p))
            else:
                parts.append((text, "lede", p))
            lede_done = True
        else:
            parts.append((text, zone, p))
    offsets, chunks, pos = [], [], 0
    for text, zone, p in parts:
        offsets.append(Segment(pos, zone, p))
        chunks.append(text)
        pos += len(text) + 2
    return "\n\n".join(chunks), offsets



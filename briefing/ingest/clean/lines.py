"""Split a text dump into lines with the features the cleaner decides on.

Both dump styles are handled: w3m-style (list items as "  • item",
indentation, blank lines between blocks) and innerText-style (no bullets, one
menu entry per line, blank lines around paragraphs).  A dump wrapped at a
fixed width is unwrapped first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from . import boilerplate as bp
from . import meta

__all__ = ["Line", "split_lines", "GOOD", "SHORT", "BAD"]

GOOD, SHORT, BAD = "good", "short", "bad"

MAX_CHARS = 4_000_000  # longer input is cut: a page dump is far smaller

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff\u00ad]")
_BULLETS = "\u2022\u25e6\u25a1\u25aa\u25ab\u25cf\u25cb\u25a0\u2023\u2043\u00b7\u2606\u2605\u25c6\u25c7\u25b8\u25ba\u25b9\u2192"
_BULLET_STARTS = frozenset(_BULLETS + "*+-")
_BULLET = re.compile(r"^(?P<ind>[ \t]*)(?P<b>[" + _BULLETS + r"*+\-]|\d{1,3}[.)])[ \t]+(?=\S)")
_IMG_ALT = re.compile(r"^(?:\[[^\]\n]{0,80}\]\s*)+$")  # w3m image placeholders "[p07b8nx5]"
_IMG_LEAD = re.compile(r"^(?:\[[^\]\s]{1,80}\]\s*)+(?=\S)")
_FORM = re.compile(r"\[[ _]{2,}\]")  # w3m empty form field
_SENT_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]['\"\u201d\u2019\u00bb)\]]*$")
_CONTACT = re.compile(r"\b(?:tel|telephone|phone|fax|call us|contact(?:ed)?|customer service|e-?mail)\b", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+?[0-9][0-9\s().-]{6,}[0-9])")
_RULE_CHARS = "".join(chr(c) for c in range(0x2500, 0x2580)) + "\u2014_=~"
_MULTISPACE = re.compile(r" {3,}")
_INNER_STOP = re.compile(r"[.!?\u2026]['\"\u201d\u2019)]?\s+['\"\u201c\u2018(]?[A-Z\u00c0-\u00de0-9]")
_INITIALS = re.compile(r" [(\"'\u201c\u2018\[\u00bf\u00a1]?([^\W\d_])")  # on " " + text
_HAS_DIGIT = re.compile(r"[0-9]").search  # ASCII: the engine scans a bitmap, not categories
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


@dataclass(slots=True)
class Line:
    idx: int
    text: str  # without indentation and bullet
    indent: int
    bullet: bool
    ordered: bool
    blank_before: bool
    blank_after: bool = False
    words: int = 0
    sent_end: bool = False
    _caps: float = -1.0
    kind: str = SHORT
    weight: float = 0.0
    norm: str = ""
    cont: bool = False  # w3m: continuation of a list item (indented under it)
    teaser: bool = False  # a teaser, a caption or glued link texts: not body text
    dup: bool = False  # the same text occurs elsewhere on the page
    listed: bool = False  # part of a list that reads as body content
    comment: bool = False  # a comment header ("Jane on May 2, 2019 said:")
    _date: int = -1  # caches: -1 = not computed yet
    _by: object = 0
    _strength: int = -1
    meta_: int = -1  # title.py: a byline/date line (cached)
    cand_: int = -1  # title.py: could be the headline (cached)

    @property
    def cap_ratio(self) -> float:
        """Share of words that start with a capital letter (Title Case lines: near 1)."""
        if self._caps < 0:
            # "(Reuters" -> "R"; a paragraph's first 300 characters tell enough
            initials = _INITIALS.findall(" " + self.text[:300])
            self._caps = sum(map(str.isupper, initials)) / len(initials) if initials else 0.0
        return self._caps

    def is_date(self) -> bool:
        """The line is only a date/time stamp."""
        if self._date < 0:
            self._date = int(self.words <= 24 and _HAS_DIGIT(self.text) is not None
                             and meta.is_date_line(self.text))
        return bool(self._date)

    def byline(self) -> str | None:
        """The author this line names as a byline ("By Jane Doe"), or None."""
        if self._by == 0:
            self._by = meta.parse_byline(self.text) if self.chars <= 160 else None
        return self._by  # type: ignore[return-value]

    def strength(self) -> int:
        """End-of-article strength of a section marker (see boilerplate.end_strength)."""
        if self._strength < 0:
            self._strength = bp.end_strength(self.text, self.norm) if self.kind == BAD else 0
        return self._strength

    @property
    def chars(self) -> int:
        return len(self.text)


def _normalise(text: str) -> str:
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROL.sub("", text)


def _unwrap(raw: list[str]) -> list[str]:
    """Join the lines of a dump wrapped at a fixed width (w3m default: 80)."""
    if len(raw) < 8 or max(map(len, raw)) > 400:
        return raw  # not wrapped: paragraphs are one line each
    lengths = [len(s.rstrip()) for s in raw if s.strip()]
    if len(lengths) < 8:
        return raw
    width = max(lengths)
    if width > 200:
        return raw
    near = sum(1 for n in lengths if n >= width - 12)
    if near < max(4, len(lengths) // 10):
        return raw
    out: list[str] = []
    carry = ""
    for s in raw:
        st = s.rstrip()
        if carry:
            if st.strip() and not _BULLET.match(st) and not st.startswith("\t"):
                carry = carry + " " + st.strip()
                if len(st) < width - 15:
                    out.append(carry)
                    carry = ""
                continue
            out.append(carry)
            carry = ""
        if len(st) >= width - 15 and st.strip():
            carry = st
        else:
            out.append(st)
    if carry:
        out.append(carry)
    return out


def features(line: Line) -> None:
    t = line.text
    # words: a long line is counted by its spaces (split() would copy every word); runs of
    # three spaces or more were cut to two, so each "  " stands for one extra space
    line.words = len(t.split()) if len(t) < 200 else t.count(" ") - t.count("  ") + 1
    line.sent_end = t[-1] == ":" or bool(_SENT_END.search(t, max(0, len(t) - 8)))
    line.norm = bp.norm_line(t)


def _contact_word(text: str) -> bool:
    """A cheap test before _PHONE and _CONTACT: a letter sequence every contact word holds."""
    low = text.lower()
    return "tel" in low or "phone" in low or "fax" in low or "call" in low or "contact" in low \
        or "service" in low or "mail" in low


def classify(line: Line) -> None:
    t = line.text
    n = line.words
    if bp.is_boilerplate_line(t, line.norm) or n == 1 and _URL.match(t) or ("@" in t and meta.is_email_line(t)):
        line.kind = BAD
        return
    if n < 60 and _contact_word(t) and _PHONE.search(t) and _CONTACT.search(t):
        line.kind = BAD
        return
    if n >= 8 and line.chars >= 40 and (line.sent_end or n >= 20) and not (n <= 12 and line.is_date()) \
            and t.count(" | ") < 2:
        caps = line.cap_ratio
        prose = caps < 0.6 or (n >= 25 and caps < 0.75)
        if prose and (line.sent_end or (sum(t.count(c) for c in ",.;:!?") * 25 >= n and _INNER_STOP.search(t))):
            line.kind = GOOD
            return
    line.kind = SHORT


def split_lines(text: str) -> list[Line]:
    """Lines of *text* (blank lines dropped, flagged on neighbours)."""
    text = _normalise(text)
    raw = text.split("\n")
    raw = _unwrap(raw)
    out: list[Line] = []
    seen: dict[str, Line] = {}
    blank = True
    for s in raw:
        if "[" in s:
            s = _FORM.sub(" ", s)
        core = s.strip()
        if not core or (len(core) == 1 and core in _BULLET_STARTS):
            blank = True
            if out:
                out[-1].blank_after = True
            continue
        st = s.rstrip()
        body = st.lstrip(" ")
        if core[0] == "[" and _IMG_ALT.match(core):
            continue
        indent = len(st) - len(body)
        c0 = core[0]
        m = _BULLET.match(st) if (c0 in _BULLET_STARTS or c0.isdigit()) else None
        bullet = ordered = False
        if m and (m.group("b") in _BULLETS or indent >= 1):
            bullet = True
            ordered = m.group("b")[0].isdigit()
            body = st[m.end():]
            indent = len(m.group("ind"))
        if "\t" in body:
            body = body.replace("\t", "  ")
        body = body.strip()
        if "   " in body:
            body = _MULTISPACE.sub("  ", body)
        if body[-1] in _RULE_CHARS:
            body = body.rstrip(_RULE_CHARS + " ")
        if body[:1] == "[":
            m2 = _IMG_LEAD.match(body)
            if m2 and (body[m2.end() - 1] == "]" or len(body[m2.end():].split()) >= 8):
                body = body[m2.end():]
        if not body:
            continue
        same = seen.get(body)
        ln = Line(len(out), body, indent, bullet, ordered, blank)
        if same is None:
            features(ln)
            classify(ln)
            seen[body] = ln
        else:  # the same text again (a menu, a teaser): its features are the same
            ln.words, ln.sent_end, ln._caps, ln.kind, ln.norm = same.words, same.sent_end, same._caps, \
                same.kind, same.norm
        out.append(ln)
        blank = False
    _mark_continuations(out)
    return out


def _mark_continuations(lines: list[Line]) -> None:
    """w3m indents the lines of a list item under its bullet."""
    list_indent = -1
    for ln in lines:
        if ln.bullet:
            list_indent = ln.indent
        elif list_indent >= 0 and ln.indent > list_indent:
            ln.cont = True
        else:
            list_indent = -1


def repeated(lines: list[Line]) -> Counter:
    """How often each normalised line text occurs."""
    return Counter(ln.norm for ln in lines if ln.norm)

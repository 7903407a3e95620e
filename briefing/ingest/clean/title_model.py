"""The fitted headline scorer: its corrections (read once from ``title_weights.json``) and
the features of a candidate line that :mod:`.title`'s hand rules do not already give.

A candidate's score is the log-odds that it is the page's headline: the hand rules' score
(:data:`.title.HAND_WEIGHTS`, times ``prior``) as a fixed offset, plus
``bias + sum(correction[name] * value)`` over its features.  The corrections are a
logistic regression with a strong L2 penalty, fitted on labelled candidates of the
development pages (the TUNE part) by ``tools/fit_title.py``: they move the hand weights only
where those pages consistently ask for it.  ``threshold`` is the score a best candidate
needs to be taken (below it the page has no headline line).  :mod:`.title` adds the two into
one weight per feature once, at import.  No feature names a site.

The features computed here (:func:`extra_features`), all cheap (no walk through the
neighbours):

* case: ``title_case``, ``sentence_case``, ``lower_start``, ``all_caps``;
* ``question`` (ends with "?"), ``digit``, ``year``, ``month`` (date tokens);
* ``site_tail``: a " - Site" / " | Site" tail of one to four words;
* boilerplate words (:mod:`.boilerplate`'s vocabulary): ``bp_frac`` (share of the words),
  ``bp_any``, ``promo`` (newsletter, sign-up, privacy words), ``bp_phrase``;
* position: ``near3`` (one to three lines above the body), ``top5`` (among the dump's first
  five lines, where the site name and the page's ``<title>`` are), ``dist_log``;
* other copies: ``in_top`` (a longer line at the top of the dump holds it: the ``<title>``
  line "Headline - Site"), ``top_ov`` (share of its words in the dump's first three lines),
  ``in_near`` (another line near the body holds it and more: "Share: Headline"), ``dup``
  (the very same line is elsewhere on the page);
* ``lede_ov``: share of its words in the body's first two paragraphs;
* page furniture and datelines (version 3; each with a hand prior in :data:`.title.HAND_WEIGHTS`,
  the kinds of line that won on pages from sources nobody tuned for): ``bp_first`` (its first
  word is a boilerplate word: "Print This Article", "Story highlights"), ``pitch`` (an account
  box, an alert sign-up, an advertisement: "You are signed in as"), ``open_end`` (it ends on a
  little word, a phrase cut off), ``dated`` (a date, a clock time or "Updated" inside it:
  "New Delhi, Bureau | Updated : 19 November 2019").  On the TUNE candidates ``pitch``,
  ``open_end`` and ``dated`` mark no right one; ``bp_first`` 4% of the right, 14% of the others.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from . import boilerplate as bp
from .lines import GOOD, Line

__all__ = ["CORRECTIONS", "PRIOR", "BIAS", "THRESHOLD", "VERSION", "WEIGHTS_PATH", "Context", "extra_features",
           "load", "BP_WORDS"]

WEIGHTS_PATH = Path(__file__).with_name("title_weights.json")

_FUNCTION = frozenset("the a an and or of to in on for with is are was were be by at from as it this that "
                      "you your our my me us we all not no".split())
# words of the boilerplate vocabulary: buttons, section markers, menus ("share", "print", "latest")
BP_WORDS = frozenset(w for entry in bp.LINE_VOCAB | bp.END_MARKERS for w in entry.split()
                     if len(w) >= 3 and w not in _FUNCTION and w.isalpha())

_SITE_TAIL = re.compile(r"\s(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7)\s+\S+(?:\s\S+){0,3}$")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|"
                    r"april|june|july|august|september|october|november|december)\b\.?", re.IGNORECASE)
_WORD = re.compile(r"[^\W_][\w'\u2019-]*")
# what a phrase does not end on ("You are signed in as", "Sign up for")
_OPEN_END = frozenset("the a an of to in on for with at by from as and or but that your our my their its "
                      "is are was were be".split())
# a clock time (09:01, 9.01 am; not a figure: 3.45 percent)
_CLOCK = re.compile(r"\b\d{1,2}:\d\d\b|\b\d{1,2}[.:]\d\d\s*[ap]\.?m\b", re.IGNORECASE)
_NUM_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")
# the phrases of an account box, an alert sign-up or an advertisement ("You are signed in
# as"); phrases, not words: a headline signs deals and issues missile alerts
_PITCH = re.compile(r"\b(?:signed in|sign (?:up|in)|log(?:ged)? ?in|subscribe|subscription|"
                    r"newsletters?|unsubscribe|advertisement|sponsored content|news alerts|"
                    r"special reports|in your inbox)\b", re.IGNORECASE)
_STAMP_WORD = re.compile(r"\b(?:updated|published|posted|modified|last update)\b", re.IGNORECASE)


def load(path: Path = WEIGHTS_PATH) -> dict:
    """The fitted model as stored: version, prior, bias, threshold, corrections."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


_MODEL = load()
VERSION: int = _MODEL["version"]
PRIOR: float = _MODEL["prior"]
BIAS: float = _MODEL["bias"]
THRESHOLD: float = _MODEL["threshold"]
CORRECTIONS: dict[str, float] = _MODEL["corrections"]


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


class Context:
    """What the extra features of one page's candidates compare with (built once a page)."""

    __slots__ = ("first", "top", "top_words", "near", "lede", "lines")

    def __init__(self, lines: list[Line], first: int, lo: int, hi: int):
        self.lines = lines
        self.first = first
        self.top = [ln.norm for ln in lines[:5]]
        self.top_words = _words(" ".join(ln.text for ln in lines[:3]))
        self.near = "\n".join(ln.norm for ln in lines[max(0, lo - 10):min(len(lines), hi + 40)])
        lede: set[str] = set()
        seen = 0
        for ln in lines[first:first + 40]:
            if ln.kind == GOOD:
                lede |= _words(ln.text[:1000])
                seen += 1
                if seen == 2:
                    break
        self.lede = lede


def extra_features(ctx: Context, i: int, f: dict[str, float]) -> None:
    """Add the features of candidate line *i* listed in the module docstring to *f*."""
    ln = ctx.lines[i]
    t = ln.text
    n = ln.norm
    caps = ln.cap_ratio
    letters = [c for c in t[:200] if c.isalpha()]
    if letters and t.isupper():
        f["all_caps"] = 1
    elif ln.words >= 3 and caps >= 0.75:
        f["title_case"] = 1
    elif letters and letters[0].isupper() and caps < 0.5:
        f["sentence_case"] = 1
    if letters and letters[0].islower():
        f["lower_start"] = 1
    if t.endswith("?"):
        f["question"] = 1
    if any(c.isdigit() for c in t):
        f["digit"] = 1
        if _YEAR.search(t):
            f["year"] = 1
    if _MONTH.search(t):
        f["month"] = 1
    if ln.words >= 3 and _SITE_TAIL.search(t):
        f["site_tail"] = 1
    toks = n.split()
    if toks:
        hits = sum(1 for w in toks if w in BP_WORDS)
        if hits:
            f["bp_any"] = 1
            f["bp_frac"] = hits / len(toks)
    if bp.promo_score(t):
        f["promo"] = 1
    if bp.has_boilerplate_phrase(t):
        f["bp_phrase"] = 1
    d = ctx.first - i
    if 0 < d <= 3:
        f["near3"] = 1
    if d > 0:
        f["dist_log"] = math.log1p(d) / 4
    if i < 5:
        f["top5"] = 1
    if len(n) >= 12:
        for k, top in enumerate(ctx.top):
            if k != i and len(top) > len(n) and n in top:
                f["in_top"] = 1
                break
        pos = ctx.near.find(n)
        while pos != -1:
            s = ctx.near.rfind("\n", 0, pos) + 1
            e = ctx.near.find("\n", pos)
            e = len(ctx.near) if e == -1 else e
            if e - s > len(n):
                f["in_near"] = 1
                break
            pos = ctx.near.find(n, e)
    if ln.dup:
        f["dup"] = 1
    if toks:
        if toks[0] in BP_WORDS:
            f["bp_first"] = 1  # "Print This Article", "Story highlights"
        if len(toks) >= 3 and t.rsplit(None, 1)[-1].lower() in _OPEN_END:
            f["open_end"] = 1
        if _PITCH.search(t):
            f["pitch"] = 1
    # (a day and month alone is no dateline: headlines name dates, "the 9 May parade")
    if _CLOCK.search(t) or _NUM_DATE.search(t) or _STAMP_WORD.search(t):
        f["dated"] = 1  # a dateline: "New Delhi, Bureau | Updated : 19 November 2019, 09:01 AM"
    words = _words(t)
    if words:
        if i >= 3 and ctx.top_words:
            f["top_ov"] = len(words & ctx.top_words) / len(words)
        if ctx.lede:
            f["lede_ov"] = len(words & ctx.lede) / len(words)

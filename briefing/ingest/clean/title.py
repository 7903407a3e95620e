"""The headline of a page dump: the line that reads as a headline and sits where one does.

A headline is found by its shape and by its neighbours, not by any site's markup.  Each
candidate line (a few words, no date, no credit, no link) gets a score from features:

* shape: 4-22 words; no sentence-final full stop; not a breadcrumb ("Home » News »"),
  an all-capitals section label, a person's name, a logo's alt text or an attribution;
* what follows it: a byline or a date stamp ("By Jane Doe", "Nov 19, 2019 6:46 pm"),
  perhaps after a dek, or the lede itself, perhaps after a photo and its caption;
* what it shares with the body: a headline's words come back in the article;
* other copies: a line that holds the candidate and a little more (a breadcrumb ending
  in it, an image alt text "Headline image", the page's ``<title>`` line "Headline | Site")
  confirms it, and is not the headline itself;
* what it is not: an entry in a list of stories (a "Most Popular" heading above it,
  headlines on both sides, headline/date pairs around it), a dek under the headline.

The weights were first set by hand (:data:`HAND_WEIGHTS`, checked against a ranking fit on
the development pages).  The score is now a logistic regression's log-odds that keeps them as
its prior: the hand score is a fixed offset and the fit (:mod:`.title_model`: more features,
the corrections in ``title_weights.json``, fitted by ``tools/fit_title.py`` on the TUNE part of
the dev pages, with a strong L2 penalty) learns only corrections to it; every feature is a property of the text, none names a site.  The window searched ends a
couple of lines into the body (a body may start at its headline) and reaches
:data:`WINDOW` lines above it.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections import Counter

from . import boilerplate as bp
from . import meta
from . import title_model as model
from .lines import BAD, GOOD, SHORT, Line

log = logging.getLogger(__name__)

__all__ = ["find_title", "pick_title", "TITLE_SURE", "score_candidates", "page_title_line",
           "strip_site_suffix", "is_meta_line", "WEIGHTS", "HAND_WEIGHTS", "hand_score"]

WINDOW = 70  # lines above the body searched for the headline
MIN_SCORE = model.THRESHOLD  # a weaker best candidate is no headline (fitted)
WALK = 16  # lines below a candidate searched for its byline/date or the lede
BODY_WORDS = 500  # words of the body compared with the candidates

# Feature names.  Shape (_shape): len_* (word count), period, colon (ends with ":" or ","),
# good (reads as running text), name, logo, caps, crumb, dash, quote, bullet.  Neighbours
# (_walk_features): meta0/meta1 (a byline or date below, with no or one headline-shaped line
# between), meta_adj (right below), body (the lede follows), list_above (headline/date pairs
# around it), meta_above (a byline or date just above), listed (an entry of a list), dek, nav
# (a menu entry).  Body (_cheap_features): ov_frac/ov_cnt (words shared with the article),
# inside (in the body), dist (lines above it).  Other lines (score_candidates): pt_head (the
# head of the page's <title> line), extended (another line is this one and a little more),
# extends (this line is another candidate and a little more).  The rest: title_model's
# docstring (bp_first ... dated: priors set by hand for kinds of line that won on unseen
# pages; the TUNE pages have too few of them to fit a weight from zero).  These are the hand
# weights, the prior of the fitted score (title_model).
HAND_WEIGHTS = {
    "len_ok": 2.0, "len_mid": 1.0, "len_two": 0.0, "len_one": -2.5,
    "period": -1.5, "colon": -2.0, "good": -0.5, "name": -2.5, "logo": -3.0,
    "caps": -2.0, "crumb": -3.0, "dash": -2.0, "quote": -1.0, "bullet": -1.5,
    "meta0": 3.0, "meta1": 2.0, "meta_adj": 1.0, "body": 2.0, "nav": -2.0,
    "list_above": -3.0, "meta_above": 1.0,
    "ov_frac": 2.0, "ov_cnt": 1.0,
    "inside": -1.5, "dist": -0.2,
    "listed": -2.5, "dek": -1.5,
    "pt_head": 3.0, "extended": 2.0, "extends": -2.5,
    "bp_first": -0.5, "pitch": -1.5, "open_end": -2.0, "dated": -2.0,
}
HAND_MIN_SCORE = 1.0  # the hand rules' threshold (the score without the fit)


def hand_score(f: dict[str, float]) -> float:
    """The hand rules' score of a candidate with features *f* (the fit's prior)."""
    get = HAND_WEIGHTS.get
    return sum(get(k, 0.0) * v for k, v in f.items())


# the score's weights: the prior's hand weight plus the fitted correction, per feature
WEIGHTS = {k: model.PRIOR * HAND_WEIGHTS.get(k, 0.0) + model.CORRECTIONS.get(k, 0.0)
           for k in sorted(set(HAND_WEIGHTS) | set(model.CORRECTIONS))}
BIAS = model.BIAS
WALK_FEATURES = ("meta0", "meta1", "meta_adj", "body", "nav", "list_above", "meta_above", "listed", "dek")

TITLE_SPLIT = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7|:)\s+")
_SITE_SPLIT = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7)\s+")
_BREADCRUMB = re.compile(r"\s(?:\u00bb|\u203a|>|/|\|)(?:\s|$)")
_RELATIVE_DATE = re.compile(
    r"^(?:updated\s+|posted\s+|published\s+)?(?:\d+|an?|one)\s*(?:sec|second|min|minute|hr|hour|day|"
    r"week|wk|month|mo|year|yr)s?\.?\s+ago\b",
    re.IGNORECASE,
)
_BY_ALONE = frozenset(["by", "von", "por", "par", "di", "door", "av", "af", "przez", "autor", "author",
                       "authors", "written by", "posted by", "words by", "text by", "story by"])
_META_LABEL = re.compile(
    r"^(?:author|authors|autor|by|posted|published|publish date|date|updated|written by|"
    r"last updated|first published|reporter|staff)\s*:?$",
    re.IGNORECASE,
)
_STAMP = re.compile(r"^(?:published|updated|posted|last updated|first published)\b.*\d", re.IGNORECASE)
_ROLE_TAIL = re.compile(
    r"\s*[,|\u2013\u2014-]?\s*(?:senior |staff |contributing |special |chief |guest )?(?:contributor|writer|"
    r"reporter|correspondent|editor|columnist|journalist)s?$",
    re.IGNORECASE,
)
_HAS_DIGIT = re.compile(r"[0-9]").search
_ROLES = ("contributor", "writer", "reporter", "correspondent", "editor", "columnist", "journalist",
          "contributors", "writers", "reporters", "correspondents", "editors", "columnists", "journalists")
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]{3,}")
_NAME_STOP = frozenset("the a an of to in on for and with at by from is are how why what new "
                       "this that my your our".split())


def _content_words(text: str) -> set[str]:
    """Lowercased words of four letters or more (the ones worth comparing)."""
    return set(_WORD.findall(text.lower()))


def is_meta_line(ln: Line, nxt: Line | None = None) -> bool:
    """A byline or a date stamp ("By Jane Doe", "Nov. 20, 2019 1:35 a.m.",
    "3 hours ago", "Published Tue, Nov 19", "By" or "Author:" over a name)."""
    if ln.kind == GOOD or ln.words > 25 or ln.bullet and ln.words > 10:
        return False
    if ln.byline():
        return True
    if ln.words > 16:
        return False
    if ln.is_date():
        return True
    norm = ln.norm
    if norm in _BY_ALONE or ln.words <= 3 and _META_LABEL.match(ln.text):
        return nxt is not None and 1 <= nxt.words <= 8
    digit = _HAS_DIGIT(ln.text) is not None
    if digit and ln.words <= 10 and meta.parse_date(ln.text) is not None:
        return True
    if digit and ln.words <= 14 and _STAMP.match(ln.text):
        return True
    if ln.words <= 8 and norm.endswith(_ROLES) and _ROLE_TAIL.search(ln.text) \
            and meta.looks_like_name(_ROLE_TAIL.sub("", ln.text)):
        return True  # "Bruce Y. Lee Senior Contributor"
    return bool(_RELATIVE_DATE.match(ln.text)) if ln.words <= 6 else False


def _meta(lines: list[Line], ln: Line) -> bool:
    """:func:`is_meta_line` of a line of *lines*, cached on the line."""
    m = ln.meta_
    if m < 0:
        j = ln.idx + 1
        m = ln.meta_ = int(is_meta_line(ln, lines[j] if j < len(lines) else None))
    return m == 1


def _cand(ln: Line) -> bool:
    """:func:`is_candidate`, cached on the line."""
    c = ln.cand_
    if c < 0:
        c = ln.cand_ = int(is_candidate(ln))
    return c == 1


def _name_shaped(ln: Line) -> bool:
    """"Pamela Wilson", "Louise Matsakis": a person's name, not a headline."""
    toks = ln.text.split()
    if not 2 <= len(toks) <= 4:
        return False
    for t in toks:
        if not t[:1].isupper() or not t.replace(".", "").replace("-", "").replace("'", "").isalpha():
            return False
        if t.lower() in _NAME_STOP:
            return False
    return True


def _headline_shaped(lines: list[Line], ln: Line) -> bool:
    """A line that could be a headline or a dek: a stop when walking down to the byline."""
    return ln.kind == SHORT and 5 <= ln.words <= 30 and not ln.bullet and not ln.teaser \
        and not _meta(lines, ln)


def is_candidate(ln: Line) -> bool:
    """Could this line be the headline at all?"""
    w = ln.words
    if ln.bullet and w < 4 or not 1 <= w <= 30 or ln.chars > 250 or ln.teaser:
        return False
    if ln.kind == BAD:
        # "About bugs" is a section marker by its first word only; a headline may read so
        if w > 4 or not ln.norm.startswith(("about ", "uber ", "\u00fcber ", "sobre ")):
            return False
    t = ln.text
    if "[" in t or "@" in t or "http" in t or "www." in t:
        return False
    if ln.byline():
        return False
    if _HAS_DIGIT(t):
        if ln.is_date() or bp.is_social_counter(t) or _RELATIVE_DATE.match(t):
            return False
        if w <= 12 and meta.parse_date(t) is not None:
            return False  # "November 20, 2019 Emiliano Bellini": a dateline
        if w <= 14 and _STAMP.match(t):
            return False
    elif w <= 3 and bp.is_social_counter(t):
        return False
    return True


def page_title_line(lines: list[Line]) -> tuple[str, str] | None:
    """The page's ``<title>`` line when the dump starts with it: ("Headline", "Headline | Site").

    Only a line at the very top that is split by a site separator counts."""
    for ln in lines[:3]:
        if ln.kind == BAD or ln.bullet or not 4 <= ln.words <= 40:
            continue
        parts = _SITE_SPLIT.split(ln.text)
        if len(parts) < 2:
            continue
        head = ln.text[: ln.text.rfind(parts[-1])].rstrip(" |-\u2013\u2014:\u00bb\u00b7")
        if len(head.split()) >= 3:
            return head, ln.text
    return None


def _walk_down(lines: list[Line], i: int, first: int, exclude) -> tuple[int, int, bool]:
    """Below line *i*: (how many lines down its byline/date is, 0 for none; how many
    headline-shaped lines lie between; whether the body starts within the walk)."""
    ln = lines[i]
    meta_at = stops_at_meta = 0
    body = False
    stops = goods = dups = 0
    seen = 0.0
    n = len(lines)
    end = min(n, i + WALK)
    j = i + 1
    while j < end and seen < 7:
        nj = lines[j]
        j += 1
        if nj.norm == ln.norm:
            dups += 1
            continue  # the headline again
        if nj.kind != BAD:
            seen += 1 if nj.words >= 3 or nj.kind == GOOD else 0.5  # buttons do not count
        if nj.kind == GOOD:
            if j - 1 >= first:
                body = True
                if not meta_at and j < n and _meta(lines, lines[j]):
                    meta_at, stops_at_meta = j - i - dups, stops  # the byline under the lede
                break
            goods += 1
            if goods > 1:
                break  # paragraphs that are not the body
            continue
        if not meta_at and _meta(lines, nj):
            meta_at = j - 1 - i - dups
            stops_at_meta = stops
            continue
        if j - 1 not in exclude and _headline_shaped(lines, nj):
            if j - 1 - i - dups == 1:
                continue  # right under the candidate: its dek
            stops += 1
            if stops >= 2 and not meta_at:
                break
    return meta_at, stops_at_meta, body


def _meta_above(lines: list[Line], i: int, lo: int) -> int:
    """1 when a byline/date sits just above line *i*; 2 when a headline sits above that
    date in turn and another date below line *i* (headline, date, headline, date: a list)."""
    for j in range(i - 1, max(lo - 1, i - 4), -1):
        lj = lines[j]
        if lj.norm == lines[i].norm:
            continue
        if _meta(lines, lj):
            for k in range(j - 1, max(lo - 1, j - 3), -1):
                lk = lines[k]
                if _headline_shaped(lines, lk) and _cand(lk):
                    for m in range(i + 1, min(len(lines), i + 4)):
                        if lines[m].norm != lines[i].norm and _meta(lines, lines[m]):
                            return 2
                    return 1
            return 1
        if lj.kind == GOOD or _headline_shaped(lines, lj):
            return 0
    return 0


def _marker_above(lines: list[Line], i: int, lo: int) -> bool:
    """A heading that opens a list of other stories ("Most Popular") sits just above."""
    ln = lines[i]
    for j in range(i - 1, max(lo - 1, i - 4), -1):
        lj = lines[j]
        if lj.kind == BAD and lj.strength() == 2:
            return True
        if lj.norm == ln.norm or lj.kind == BAD or lj.words < 4 and lj.kind != GOOD:
            continue
        break
    return False


def _listed(lines: list[Line], i: int) -> bool:
    """An entry in a list of headlines: headline-shaped lines on both sides."""
    if 0 < i < len(lines) - 1:
        prev, nxt = lines[i - 1], lines[i + 1]
        if _headline_shaped(lines, prev) and _headline_shaped(lines, nxt) and prev.norm != lines[i].norm \
                and nxt.norm != lines[i].norm:
            return True
    return False


def _is_dek(lines: list[Line], i: int, lo: int, exclude) -> bool:
    """A standfirst right under the headline (a headline, not a short kicker, sits above;
    a photo's caption may lie between)."""
    ln = lines[i]
    for j in (i - 1, i - 2, i - 3):
        if j < lo:
            return False
        lj = lines[j]
        if lj.norm == ln.norm or j in exclude:
            continue  # the headline again, a photo's caption between
        if lj.kind != SHORT or lj.bullet or lj.sent_end or lj.is_date():
            return False
        if lj.words >= 5:
            return _cand(lj)
        return False
    return False


def _shape(ln: Line, f: dict[str, float]) -> None:
    t = ln.text
    w = ln.words
    if 4 <= w <= 22:
        f["len_ok"] = 1
    elif w == 3 or w >= 23:
        f["len_mid"] = 1
    elif w == 2:
        f["len_two"] = 1
    else:
        f["len_one"] = 1
    if t.endswith(".") and not t.endswith("..."):
        f["period"] = 1  # a dek, a caption, a sentence
    elif t.endswith((":", ",")):
        f["colon"] = 1  # the lead-in to a list, a dateline
    if ln.kind == GOOD:
        f["good"] = 1
    if _name_shaped(ln):
        f["name"] = 1
    n = ln.norm
    if n == "logo" or n.endswith(" logo"):
        f["logo"] = 1  # the alt text of the site's logo
    if w <= 6 and t.isupper() and sum(c.isalpha() for c in t) > 3:
        f["caps"] = 1  # "GROWING AN ONLINE BUSINESS": a section label
    if n.startswith("home ") and (w <= 5 or _BREADCRUMB.search(t)) or len(_BREADCRUMB.findall(t)) >= 2:
        f["crumb"] = 1  # "Home » News » Headline"
    if t[:1] in "\u2014\u2013-":
        f["dash"] = 1  # "\u2014 Jane Doe on Sunday": an attribution
    if t[:1] in "\"\u201c\u2018'" and t[-1:] in "\"\u201d\u2019'" and ln.sent_end:
        f["quote"] = 1  # a pull quote
    if ln.bullet:
        f["bullet"] = 1


def _cheap_features(lines: list[Line], i: int, first: int, body_words: Counter) -> dict[str, float]:
    """The features of line *i* that need no walk through its neighbours."""
    ln = lines[i]
    f: dict[str, float] = {}
    _shape(ln, f)
    words = _content_words(ln.text)
    if words and body_words:
        # a word the article repeats counts fully, a word it uses once counts half
        shared = sum(min(body_words.get(w, 0), 2) for w in words) / 2
        f["ov_frac"] = shared / len(words)
        f["ov_cnt"] = min(shared, 4) / 4
    if i >= first:
        f["inside"] = 1
    else:
        f["dist"] = (first - i) / 10
    return f


def _walk_features(lines: list[Line], i: int, first: int, lo: int, exclude, f: dict[str, float]) -> None:
    """The features of line *i* found in the lines around it (added to *f*)."""
    meta_at, stops, body = _walk_down(lines, i, first, exclude)
    if meta_at:
        f["meta0" if stops == 0 else "meta1"] = 1
        if meta_at == 1:
            f["meta_adj"] = 1
    if body:
        f["body"] = 1
    above = _meta_above(lines, i, lo)
    if above:
        f["list_above" if above == 2 else "meta_above"] = 1
    if not meta_at and (_listed(lines, i) or _marker_above(lines, i, lo)):
        f["listed"] = 1
    if _is_dek(lines, i, lo, exclude):
        f["dek"] = 1
    if _in_nav(lines, i):
        f["nav"] = 1


def _in_nav(lines: list[Line], i: int) -> bool:
    """A menu entry: short lines run on both sides of it, with no blank line between."""
    ln = lines[i]
    if ln.blank_before or ln.blank_after or ln.words > 4 or not 0 < i < len(lines) - 1:
        return False
    prev, nxt = lines[i - 1], lines[i + 1]
    return prev.kind != GOOD and nxt.kind != GOOD and prev.words <= 4 and nxt.words <= 4 \
        and not _meta(lines, prev) and not _meta(lines, nxt)


class _Copies:
    """Which lines hold a candidate and a little more, at one end (sorted, bisected)."""

    def __init__(self, norms: list[str]):
        self.fwd = sorted(set(norms))
        self.rev = sorted({n[::-1] for n in norms})

    @staticmethod
    def _has(keys: list[str], s: str) -> bool:
        k = bisect.bisect_right(keys, s)
        while k < len(keys) and keys[k].startswith(s):
            if len(keys[k]) <= 2 * len(s):
                return True
            k += 1
        return False

    def extended(self, n: str) -> bool:
        """Another line is *n* with a little more at its start or end."""
        return len(n) >= 12 and (self._has(self.fwd, n) or self._has(self.rev, n[::-1]))


def _extends(n: str, others: set[str]) -> bool:
    """*n* is another candidate with a little more at its start or end."""
    size = len(n)
    k = n.find(" ", max(12, (size + 1) // 2))
    while k != -1:
        if n[:k] in others:
            return True
        k = n.find(" ", k + 1)
    k = n.rfind(" ", 0, size - max(12, (size + 1) // 2))
    while k != -1:
        if n[k + 1:] in others:
            return True
        k = n.rfind(" ", 0, k)
    return False


def score_candidates(lines: list[Line], first: int, last: int, exclude=frozenset(),
                     trace: list | None = None) -> list[tuple[float, int]]:
    """(score, index) of the headline candidates, best first.  *trace*, when given,
    receives (index, features) for each candidate."""
    lo = max(0, first - WINDOW)
    hi = min(len(lines), first + 3)
    body_words: Counter = Counter()
    budget = 0
    for ln in lines[first:last + 1]:
        if ln.kind == GOOD:
            body_words.update(_WORD.findall((ln.text if ln.chars < 1500 else ln.text[:1500]).lower()))
            budget += ln.words
            if budget > BODY_WORDS:
                break
    # not single words, menu entries or paragraphs of the body (a question may be a headline)
    cands = [i for i in range(lo, hi) if i not in exclude and lines[i].words > 1 and _cand(lines[i])
             and not (i >= first and lines[i].kind == GOOD and not lines[i].text.endswith("?"))
             and not (lines[i].words <= 3 and _in_nav(lines, i))]
    if not cands:
        return []
    copies = _Copies([ln.norm for ln in lines[:3]] + [ln.norm for ln in lines[max(0, lo - 10):hi]])
    cand_norms = {lines[i].norm for i in cands if len(lines[i].norm) >= 12}
    pt = page_title_line(lines)
    head_norm = bp.norm_line(pt[0]) if pt else ""
    ctx = model.Context(lines, first, lo, hi)
    cheap = []
    for i in cands:
        f = _cheap_features(lines, i, first, body_words)
        model.extra_features(ctx, i, f)
        n = lines[i].norm
        if head_norm and n == head_norm:
            f["pt_head"] = 1
        elif copies.extended(n):
            f["extended"] = 1
        if len(n) >= 25 and _extends(n, cand_norms):
            f["extends"] = 1
        cheap.append((_score(f), i, f))
    # best first; a candidate whose cheap score cannot catch up with the best full
    # score found so far, whatever its neighbours, is not walked (branch and bound)
    cheap.sort(key=lambda x: -x[0])
    out = []
    best = -1e9
    for s0, i, f in cheap:
        if trace is None and s0 + _WALK_MAX < best:
            break
        _walk_features(lines, i, first, lo, exclude, f)
        s = _score(f)
        best = max(best, s)
        if trace is not None:
            trace.append((i, f))
        out.append((s, i))
    out.sort(key=lambda x: -x[0])
    return out


def _score(f: dict[str, float]) -> float:
    """The log-odds that a candidate with features *f* is the headline."""
    get = WEIGHTS.get
    return BIAS + sum(get(k, 0.0) * v for k, v in f.items())


def _walk_max() -> float:
    """The most the walk features (all 0/1) can add to a candidate's score: meta0 and meta1
    exclude each other, and so do list_above and meta_above."""
    w = {k: max(0.0, WEIGHTS.get(k, 0.0)) for k in WALK_FEATURES}
    return max(w["meta0"], w["meta1"]) + max(w["list_above"], w["meta_above"]) \
        + sum(v for k, v in w.items() if k not in ("meta0", "meta1", "list_above", "meta_above"))


_WALK_MAX = _walk_max()


# Below this confidence (:func:`pick_title`) ingest marks a title ``title_source: unsure``
# for the editor to check. Chosen on the TUNE pages of both dev sets (text dumps and browser
# copies, 196 titles, 27 wrong): at 0.7 a quarter of the titles are flagged (50) and 21 of
# the 27 wrong ones are among them; on the held-back pages (96 titles, 13 wrong) 28 are
# flagged and 11 of the 13 wrong caught. `make eval-clean` prints them (unsure, caught).
TITLE_SURE = 0.7


def find_title(lines: list[Line], first: int, last: int, exclude=frozenset()) -> int | None:
    """Index of the headline line for the body lines[first..last], or None."""
    return pick_title(lines, first, last, exclude)[0]


def pick_title(lines: list[Line], first: int, last: int,
               exclude=frozenset()) -> tuple[int | None, float]:
    """(index of the headline line or None, how sure the scorer is of it): the best
    candidate's share of the odds, among the candidates and "no headline line" (whose
    log-odds are MIN_SCORE), a probability from 0 to 1."""
    scored = score_candidates(lines, first, last, exclude)
    if not scored:
        log.info("no headline candidate before line %d", first)
        return None, 0.0
    best_s, best_i = scored[0]
    if best_s < MIN_SCORE:
        log.info("no headline before line %d (best %.1f)", first, best_s)
        return None, 0.0
    top = max(best_s, MIN_SCORE)
    total = math.exp(MIN_SCORE - top) + sum(math.exp(s - top) for s, _ in scored)
    return best_i, math.exp(best_s - top) / total


def strip_site_suffix(title: str, lines: list[Line]) -> tuple[str, str | None]:
    """"Headline | Site" -> ("Headline", "Site") when the bare headline is on the page."""
    parts = TITLE_SPLIT.split(title)
    if len(parts) < 2:
        return title, None
    head = title[: title.rfind(parts[-1])].rstrip(" |-\u2013\u2014:\u00bb\u00b7")
    site = parts[-1].strip()
    norm_head = bp.norm_line(head)
    if norm_head and any(ln.norm == norm_head for ln in lines):
        return head, site
    return title, None

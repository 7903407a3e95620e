"""Where the article is in a text dump: each line's weight (running text, boxes, markers,
teasers, comment threads) and the span of lines that weighs most (stages 2 and 3 of
:mod:`.dump`)."""

from __future__ import annotations

import logging
import re
from collections import Counter

from . import boilerplate as bp
from . import meta
from .lines import BAD, GOOD, SHORT, Line, repeated

log = logging.getLogger(__name__)

# Weights of the body search (in words of running text).
W_SHORT = -2.0
W_SHORT_BULLET = -3.0
W_BAD = -6.0
W_END_MARKER = -120.0
W_MEDIUM_END = -30.0
W_INLINE_BOX = -15.0
INLINE_BOX_LINES = 7  # a "Related" box inside the body holds at most this many lines
ANCHOR_BONUS = 15.0
TAIL_MAX_WEIGHT = 30.0  # a widget tail cut off the body weighs less than this

_COMMENT_END = ("said:", "says:", "wrote:", "said", "says", "replied:", "dice:", "disse:", "sagt:", "a dit :")
_COUNT_HEADER = re.compile(r"^\d[\d,]*\s+(?:comments?|responses?|replies|thoughts|reactions)\b", re.IGNORECASE)
# "10 thoughts on “Headline”", "One response to “Headline”": a comment thread's heading
_THREAD_HEADER = re.compile(r"^(?:\d[\d,]*|one|two|three)\s+(?:comments?|responses?|replies|thoughts|reactions)\s+(?:on|to)\s",
                            re.IGNORECASE)


def mark_lines(lines: list[Line]) -> Counter:
    """Flag teasers, captions, duplicates and comment headers; return how often each
    normalised line occurs."""
    counts = repeated(lines)
    for ln in lines:
        t = ln.text
        if ln.words >= 4 and counts.get(ln.norm, 0) >= 2:
            ln.dup = True
        if ln.kind == BAD:
            continue
        if ln.words <= 25 and t[-1] in ":dsDS" and t[-10:].lower().endswith(_COMMENT_END) \
                and meta.parse_date(t):
            ln.comment = True
            ln.kind = BAD
            continue
        if t[0].isdigit() and (ln.words <= 12 and _COUNT_HEADER.match(t) or ln.words <= 60 and _THREAD_HEADER.match(t)) \
                or t[:3].lower() in ("one", "two", "thr") and ln.words <= 60 and _THREAD_HEADER.match(t):
            ln.comment = True
            ln.kind = BAD
            continue
        if bp.is_teaser(t, ln.words):
            ln.teaser = True
    _ellipsis_in_text(lines)
    _mark_repeated_units(lines, counts)
    return counts


def _ellipsis_in_text(lines: list[Line]) -> None:
    """A paragraph that ends in "…" between paragraphs leads into a quote: not a teaser."""
    n = len(lines)

    def paragraph(k: int) -> bool:
        lk = lines[k]
        return lk.kind == GOOD and not lk.teaser and lk.words >= 12 and not bp.ends_in_ellipsis(lk.text)

    keep = [i for i, ln in enumerate(lines)
            if ln.teaser and ln.kind == GOOD and bp.ends_in_ellipsis(ln.text)
            and not bp.is_teaser(ln.text, ln.words, ellipsis=False)
            and any(paragraph(k) for k in range(max(0, i - 2), i))
            and any(paragraph(k) for k in range(i + 1, min(n, i + 3)))]
    for i in keep:
        lines[i].teaser = False


def _mark_repeated_units(lines: list[Line], counts) -> None:
    """After a section marker, text between two copies of the same widget line
    (a share bar, a "Read more" button) is a list of other stories."""
    goods = 0
    ended = False
    n = len(lines)
    for i, ln in enumerate(lines):
        if ln.kind == BAD and goods >= 1 and ln.strength() == 2:
            ended = True
        if ln.kind != GOOD or ln.teaser:
            continue
        goods += 1
        if not ended:
            continue
        before = next((lines[k] for k in range(i - 1, max(-1, i - 4), -1) if lines[k].kind != GOOD), None)
        after = next((lines[k] for k in range(i + 1, min(n, i + 4)) if lines[k].kind != GOOD), None)
        if before is not None and after is not None and before.norm and before.norm == after.norm \
                and counts.get(before.norm, 0) >= 3:
            ln.teaser = True


def weigh_lines(lines: list[Line]) -> None:
    """The body-search weight of each line (words of running text, costs otherwise)."""
    damp = False  # after a comment thread starts, running text is comments
    seen_good = 0
    for ln in lines:
        if ln.comment and seen_good >= 2:
            damp = True
        if ln.kind == GOOD and not ln.teaser:
            seen_good += 1
            w = float(min(ln.words, 200))
            if ln.words <= 100 and bp.promo_score(ln.text) >= 2:
                w = W_SHORT  # a newsletter/legal blurb: kept inside the body, never extends it
            if ln.bullet or ln.cont:
                w *= 0.5
            if ln.dup:
                w = 0.0
            if damp:
                w = W_SHORT
            ln.weight = w
        elif ln.kind == BAD:
            strength = 2 if ln.comment else ln.strength()
            ln.weight = (W_BAD, W_MEDIUM_END, W_END_MARKER)[strength]
            if strength and not ln.comment and _text_resumes(lines, ln.idx) \
                    and not (strength == 2 and _bio_box(lines, ln.idx)):
                ln.weight = W_INLINE_BOX  # a "Related" box inside the article
        elif ln.teaser:
            ln.weight = W_BAD
        elif ln.bullet:
            ln.weight = W_SHORT_BULLET
        elif ln.sent_end and ln.words >= 6 and not ln.text.endswith(":"):
            ln.weight = min(0.25 * ln.words, 5.0)  # a short sentence, a line of results
        elif ln.sent_end and ln.words >= 4:
            ln.weight = 0.5
        else:
            ln.weight = W_SHORT
    _anchor_bonus(lines)
    _content_lists(lines)


def _text_resumes(lines: list[Line], i: int) -> bool:
    """Running text follows within a few lines (the marker heads a box inside the body)."""
    for j in range(i + 1, min(len(lines), i + 1 + INLINE_BOX_LINES)):
        ln = lines[j]
        if ln.kind == GOOD and not ln.teaser and not ln.bullet and not ln.cont \
                and (ln.blank_before or lines[j - 1].kind != SHORT):
            return True  # a paragraph (not the last item of the box's list of links)
        if ln.kind == BAD and ln.strength() or _is_anchor(ln):
            return False
    return False


_ABOUT = ("about ", "uber ", "\u00fcber ", "sobre ", "a propos ", "\u00e0 propos ", "author", "autor")


def _bio_box(lines: list[Line], i: int) -> bool:
    """"About the author", "About Acme": a heading over a blurb of a paragraph or two,
    after which the article does not go on."""
    if not lines[i].norm.startswith(_ABOUT):
        return False
    goods = 0
    for j in range(i + 1, min(len(lines), i + 1 + 2 * INLINE_BOX_LINES)):
        if lines[j].kind == GOOD and not lines[j].teaser:
            goods += 1
    return goods <= 2


def _is_anchor(ln: Line) -> bool:
    """A byline or a date stamp: the article text follows it."""
    if ln.bullet or ln.cont or ln.comment or ln.kind == GOOD:
        return False
    return bool(ln.byline()) or ln.is_date()


def _anchor_bonus(lines: list[Line]) -> None:
    """The text right under the first byline/date block gets a bonus; text under
    later bylines, once a related-stories section has begun, is a teaser."""
    goods = 0
    ended = False  # a strong section marker came after running text
    bonus_given = False
    for i, ln in enumerate(lines):
        if ln.kind == GOOD and not ln.teaser:
            goods += 1
        elif ln.kind == BAD and goods >= 2 and ln.strength() == 2 and not ln.bullet \
                and (ln.blank_before or ln.blank_after):
            ended = True  # a section heading (not an entry of a menu)
        if not _is_anchor(ln):
            continue
        for j in range(i + 1, min(len(lines), i + 8)):
            nxt = lines[j]
            if nxt.kind == GOOD and not nxt.teaser and not nxt.bullet and not nxt.cont:
                if goods >= 3 and _anchor_follows(lines, j):
                    # byline/date, excerpt, byline/date, excerpt...: a list of stories
                    nxt.teaser = True
                    nxt.weight = W_BAD
                elif ended:
                    nxt.teaser = True
                    nxt.weight = W_BAD
                elif not bonus_given:
                    nxt.weight += ANCHOR_BONUS
                    bonus_given = True
                break
            if _is_anchor(nxt):
                break


def _anchor_follows(lines: list[Line], j: int) -> bool:
    for k in range(j + 1, min(len(lines), j + 8)):
        if lines[k].kind == GOOD and not lines[k].teaser:
            return False
        if _is_anchor(lines[k]):
            return True
    return False


_DIGIT = re.compile(r"\d")
_CONTENTISH = re.compile(r"\d|[:;] | [-\u2013\u2014]+ ")


def _headline_like(ln: Line) -> bool:
    """A Title Case line with no data in it: the title of another story."""
    t = ln.text
    return ln.words >= 4 and ln.cap_ratio >= 0.7 and not ln.sent_end and "(" not in t \
        and " -" not in t and " \u2013" not in t and " \u2014" not in t


def _content_lists(lines: list[Line]) -> None:
    """Lists attached to running text whose items read as content keep a positive weight."""
    n = len(lines)
    i = 0
    while i < n:
        ln = lines[i]
        if ln.kind == GOOD and not ln.bullet or ln.kind == BAD:
            i += 1
            continue
        # a run: bullets (w3m) or lines with no blank between them (innerText)
        listy = ln.bullet or ln.cont
        j = i
        while j + 1 < n:
            nxt = lines[j + 1]
            if nxt.kind == BAD or (nxt.kind == GOOD and not (nxt.bullet or nxt.cont)):
                break
            if listy and (nxt.bullet or nxt.cont):
                j += 1
                continue
            if not listy and not (nxt.bullet or nxt.cont) and not nxt.blank_before:
                j += 1
                continue
            break
        run = lines[i:j + 1]
        if len(run) >= 2:
            prev = lines[i - 1] if i > 0 else None
            intro = None
            if prev is not None and prev.kind == SHORT and not prev.teaser and not prev.bullet \
                    and prev.words <= 12 and i >= 2:
                intro, prev = prev, lines[i - 2]  # a subheading above the list
            attached = prev is not None and prev.kind == GOOD and not prev.teaser
            colon = False
            if (intro or prev) is not None:
                colon = (intro or prev).text.endswith(":") and (intro or prev).kind != BAD
                attached = attached or colon
            if not attached and any(_is_anchor(lines[k]) for k in range(max(0, i - 7), i)):
                # a list right under the headline's byline or date (a calendar, a schedule)
                attached = sum(1 for r in run if _DIGIT.search(r.text)) >= 0.7 * len(run)
            if not attached:
                i = j + 1
                continue
            items = [r for r in run if not r.cont]
            contentish = sum(1 for r in items if not _headline_like(r) and (
                _CONTENTISH.search(r.text) or r.sent_end or (r.words >= 6 and r.cap_ratio < 0.4)))
            navlike = sum(1 for r in items if r.words <= 3 and not _CONTENTISH.search(r.text))
            if items and (colon or contentish >= 0.5 * len(items)) and navlike <= 0.3 * len(items) \
                    and not any(r.teaser for r in items) and sum(r.dup for r in items) <= 0.2 * len(items):
                for r in run:
                    r.listed = True
                    r.weight = max(r.weight, 0.4 * r.words)
                if intro is not None:
                    intro.weight = max(intro.weight, 0.5)
        i = j + 1


def _heaviest(lines: list[Line], lo: int, hi: int) -> tuple[float, tuple[int, int] | None]:
    """The heaviest span of lines[lo:hi] and its weight (Kadane)."""
    best, best_span = 0.0, None
    cur, start = 0.0, lo
    for i in range(lo, hi):
        if cur <= 0:
            cur, start = 0.0, i
        cur += lines[i].weight
        if cur > best:
            best, best_span = cur, (start, i)
    return best, best_span


def find_body(lines: list[Line]) -> tuple[int, int] | None:
    """Indices (first, last) of the heaviest span of lines."""
    best, best_span = _heaviest(lines, 0, len(lines))
    if best_span is None or best < 12:
        log.info("no body: heaviest span weighs %.1f", best)
        return None
    return best_span[0], _trim_tail(lines, *best_span)


def _trim_tail(lines: list[Line], first: int, last: int) -> int:
    """The span's last line, without a tail that is mostly widgets: a light stretch
    (a sign-up box, an "about the company" blurb, a list of links) with boilerplate
    in it and more short lines than paragraphs."""
    weight = 0.0
    good = other = bad = 0
    cut = last
    for c in range(last, first, -1):
        ln = lines[c]
        weight += ln.weight
        if ln.kind == GOOD and ln.weight > 0:
            good += 1
        else:
            other += 1
            bad += ln.kind == BAD or ln.kind == GOOD  # a button, a sign-up blurb
        if weight >= TAIL_MAX_WEIGHT:
            break
        if bad and other >= 2 * good + 2 and lines[c - 1].kind == GOOD:
            cut = c - 1
    return cut



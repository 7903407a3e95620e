"""Text-dump cleaner: one page dump (w3m-style or innerText-style) -> Extracted.

Stages (each returns a value or None with a logged reason):

1. ``split_lines``: normalise, unwrap, one :class:`Line` per non-blank line,
   classified GOOD (running text), SHORT (anything else) or BAD (boilerplate).
2. ``find_body``: the body is the span of lines with the largest total weight
   (GOOD lines weigh their words, SHORT and BAD lines cost, section markers
   such as "You May Also Like" cost a lot), found in one linear pass.
3. ``find_title`` / byline / date / section / caption around the body start.
4. ``build_blocks``: keep running text, subheadings, lists and quotes inside
   the span; drop boilerplate, captions, bylines and date stamps.
"""

from __future__ import annotations

import logging
import re

from ..article import Extracted, NoArticleError
from . import boilerplate as bp
from . import markdown as md
from . import meta
from .lines import BAD, GOOD, SHORT, Line, repeated, split_lines

log = logging.getLogger(__name__)

__all__ = ["clean_dump"]

# Weights of the body search (in words of running text).
W_SHORT = -2.0
W_SHORT_BULLET = -3.0
W_BAD = -6.0
W_END_MARKER = -120.0
W_MEDIUM_END = -30.0
W_INLINE_BOX = -15.0
INLINE_BOX_LINES = 7  # a "Related" box inside the body holds at most this many lines
ANCHOR_BONUS = 15.0
TITLE_WINDOW = 60  # lines before the body searched for the headline

_TITLE_SPLIT = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7|:)\s+")
_SITE_FROM_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?\s*,?\s*"
    r"(?P<name>[A-Z][\w&.'\u2019 -]{1,50}?)\s*(?:[.,|;]|\s+(?:unless|all|inc|llc|ltd)\b|$)",
    re.IGNORECASE,
)


_COMMENT_END = ("said:", "says:", "wrote:", "said", "says", "replied:", "dice:", "disse:", "sagt:", "a dit :")
_COUNT_HEADER = re.compile(r"^\d[\d,]*\s+(?:comments?|responses?|replies|thoughts|reactions)\b", re.IGNORECASE)


def _mark(lines: list[Line]) -> None:
    """Flag teasers, captions, duplicates and comment headers."""
    counts = repeated(lines)
    for ln in lines:
        t = ln.text
        if ln.words >= 4 and counts.get(ln.norm, 0) >= 2:
            ln.dup = True
        if ln.kind == BAD:
            continue
        if ln.words <= 25 and t.rstrip().lower().endswith(_COMMENT_END) and meta.parse_date(t):
            ln.comment = True
            ln.kind = BAD
            continue
        if _COUNT_HEADER.match(t) and ln.words <= 12:
            ln.comment = True
            ln.kind = BAD
            continue
        if bp.is_teaser(t, ln.words):
            ln.teaser = True
    _mark_repeated_units(lines, counts)


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


def _weights(lines: list[Line]) -> None:
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
            if strength and not ln.comment and _text_resumes(lines, ln.idx):
                ln.weight = W_INLINE_BOX  # a "Related" box inside the article
        elif ln.teaser:
            ln.weight = W_BAD
        elif ln.bullet:
            ln.weight = W_SHORT_BULLET
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
        if ln.kind == GOOD and not ln.teaser and not ln.bullet and not ln.cont:
            return True
        if ln.kind == BAD and ln.strength() or _is_anchor(ln):
            return False
    return False


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
        elif ln.kind == BAD and goods >= 2 and ln.strength() == 2:
            ended = True
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
            if not attached and sum(1 for r in run if _DIGIT.search(r.text)) >= 0.7 * len(run):
                # a list right under the headline's byline or date (a calendar, a schedule)
                attached = any(_is_anchor(lines[k]) for k in range(max(0, i - 7), i))
            items = [r for r in run if not r.cont]
            contentish = sum(1 for r in items if not _headline_like(r) and (
                _CONTENTISH.search(r.text) or r.sent_end or (r.words >= 6 and r.cap_ratio < 0.4)))
            navlike = sum(1 for r in items if r.words <= 3 and not _CONTENTISH.search(r.text))
            if attached and items and (colon or contentish >= 0.5 * len(items)) and navlike <= 0.3 * len(items) \
                    and not any(r.teaser for r in items) and sum(r.dup for r in items) <= 0.2 * len(items):
                for r in run:
                    r.listed = True
                    r.weight = max(r.weight, 0.4 * r.words)
                if intro is not None:
                    intro.weight = max(intro.weight, 0.5)
        i = j + 1


def find_body(lines: list[Line]) -> tuple[int, int] | None:
    """Indices (first, last) of the heaviest span of lines (Kadane)."""
    best, best_span = 0.0, None
    cur, start = 0.0, 0
    for i, ln in enumerate(lines):
        if cur <= 0:
            cur, start = 0.0, i
        cur += ln.weight
        if cur > best:
            best, best_span = cur, (start, i)
    if best_span is None or best < 12:
        log.info("no body: heaviest span weighs %.1f", best)
        return None
    return best_span


# --- title, byline, date, section -------------------------------------------

def _tokens(text: str) -> set[str]:
    return {w.lower().strip(".,:;!?\"'\u2019\u201c\u201d()") for w in text.split() if len(w) > 3}


def _is_title_candidate(ln: Line) -> bool:
    if ln.kind == BAD or ln.bullet and ln.words < 4:
        return False
    if not 2 <= ln.words <= 30 or ln.chars > 250:
        return False
    if ln.is_date() or ln.byline():
        return False
    if bp.is_social_counter(ln.text):
        return False
    low = ln.text.lower()
    if "http" in low or "www." in low or "[" in ln.text or ln.teaser:
        return False  # a link, an image placeholder, a teaser
    return True


def find_title(lines: list[Line], start: int, exclude: set[int] = frozenset()) -> int | None:
    """Index of the headline line, searched just before (and at) the body start."""
    lead = _tokens(" ".join(ln.text for ln in lines[start:start + 3]))
    counts = repeated(lines)
    best, best_i = 0.0, None
    lo = max(0, start - TITLE_WINDOW)
    for i in range(lo, min(len(lines), start + 2)):
        ln = lines[i]
        if i in exclude or not _is_title_candidate(ln):
            continue
        if i >= start and ln.kind == GOOD and ln.text.endswith("."):
            continue
        score = 1.0
        if 4 <= ln.words <= 22:
            score += 2.0
        elif ln.words < 3:
            score -= 2.0
        if ln.text.endswith(".") and not ln.text.endswith("..."):
            score -= 1.5
        # a byline or a date just below
        for j in range(i + 1, min(len(lines), i + 6)):
            t = lines[j].text
            if lines[j].byline() or lines[j].is_date():
                score += 2.5
                break
        # words shared with the lead paragraph
        tw = _tokens(ln.text)
        if tw and lead:
            score += 4.0 * len(tw & lead) / len(tw)
        # a nav entry sits in a run of short lines with no blank around it
        if not ln.blank_before and not ln.blank_after and i > 0 and i + 1 < len(lines):
            prev, nxt = lines[i - 1], lines[i + 1]
            if prev.kind != GOOD and nxt.kind != GOOD and prev.words <= 4 and nxt.words <= 4:
                score -= 2.0
        if ln.bullet:
            score -= 2.0
        # a dek (standfirst) sits right under the headline
        for j in (i - 1, i - 2):
            if j >= lo and j not in exclude and _is_title_candidate(lines[j]) and lines[j].words >= 4 \
                    and not lines[j].sent_end:
                score -= 1.5
                break
            if j >= 0 and (lines[j].kind == GOOD or lines[j].kind == BAD):
                break
        if counts.get(ln.norm, 0) > 2:
            score -= 1.0
        score -= 0.04 * abs(start - i)
        if score > best:
            best, best_i = score, i
    if best_i is None:
        log.info("no title line before line %d", start)
    return best_i


def _strip_site_suffix(title: str, lines: list[Line]) -> tuple[str, str | None]:
    """"Headline | Site" -> ("Headline", "Site") when the bare headline is on the page."""
    parts = _TITLE_SPLIT.split(title)
    if len(parts) < 2:
        return title, None
    head = title[: title.rfind(parts[-1])].rstrip(" |-\u2013\u2014:\u00bb\u00b7")
    site = parts[-1].strip()
    norm_head = bp.norm_line(head)
    if norm_head and any(ln.norm == norm_head for ln in lines):
        return head, site
    return title, None


def _author_from(lines: list[Line], i: int, counts) -> str | None:
    """Byline at line *i*: "By X", "X, Reuters", or a bare name line."""
    t = lines[i].text
    if lines[i].kind == BAD:
        return None
    name = lines[i].byline()
    if name:
        return name
    toks = t.split()
    if 2 <= len(toks) <= 6 and lines[i].kind != GOOD and not meta.parse_date(t):
        # "Daniel Kim Views": the longest leading name that stands alone elsewhere
        for k in range(len(toks), 1, -1):
            cand = " ".join(toks[:k])
            if meta.looks_like_name(cand) and (k == len(toks) or counts.get(bp.norm_line(cand), 0) >= 1):
                if k == len(toks) and not _name_confirmed(cand, lines, i):
                    continue
                return cand
    return None


def _name_confirmed(name: str, lines: list[Line], i: int) -> bool:
    """A bare name line counts as a byline when it is repeated or sits by a date."""
    norm = bp.norm_line(name)
    if sum(1 for ln in lines if ln.norm == norm) >= 2:
        return True
    for j in range(max(0, i - 2), min(len(lines), i + 3)):
        if j != i and lines[j].is_date():
            return True
    return False


# --- captions -----------------------------------------------------------------

_CAPTION_LABELS = ("image caption", "photo caption", "caption:", "pictured:", "photo:", "image:")
_CREDIT_LINE = re.compile(r"^(?:image copyright|copyright|photo credit|credit|photo|image)\s*:?\s+(.{2,60})$", re.IGNORECASE)


_CREDIT_WORDS = ("photo", "image", "credit", "getty", "reuters", "afp", "ap ", "epa", "shutterstock",
                 "istock", "foto", "picture", "courtesy", "xinhua", "/", "|", "(")


def _maybe_credit(text: str, low: str) -> bool:
    """Cheap test before :func:`meta.split_caption`: a credit needs one of these."""
    return text.endswith("AP") or any(w in low for w in _CREDIT_WORDS)


def _caption_lines(lines: list[Line], lo: int, hi: int) -> dict[int, tuple[str, str | None]]:
    """Caption lines in [lo, hi): repeated lines, credit-tailed lines, labelled lines."""
    found: dict[int, tuple[str, str | None]] = {}
    for i in range(lo, hi):
        ln = lines[i]
        t = ln.text
        low = t.lower()
        labelled = low.startswith(_CAPTION_LABELS)
        if ln.words < 3 or ln.words > 80 or (ln.kind == BAD and not labelled) or ln.is_date() or ln.byline():
            continue
        dup = False
        for j in (i - 1, i + 1, i - 2, i + 2):
            if lo <= j < hi and j != i and lines[j].norm == ln.norm and ln.norm:
                dup = True
                break
        if dup and not labelled:
            cap, credit = meta.split_caption(t)
            if credit is None and not ln.sent_end:
                dup = False  # a repeated headline or link, not a caption
        if dup or labelled:
            cap, credit = meta.split_caption(t)
            if credit is None and i > lo:
                prev = lines[i - 1].text
                m = _CREDIT_LINE.match(prev)
                if m:
                    credit = m.group(1).strip()
            found[i] = (cap, credit)
            continue
        near_photo = False
        for j in (i - 1, i + 1):
            if lo <= j < hi:
                lj = lines[j].text.lower()
                if lj.startswith(("image copyright", "photo:", "enlarge", "image ", "credit", "photo credit")) or lines[j].text in ("AP", "AFP", "Reuters", "Getty Images"):
                    near_photo = True
        if (ln.kind != GOOD or near_photo or not ln.blank_before) and _maybe_credit(t, low):
            cap, credit = meta.split_caption(t)
            if credit and (ln.kind != GOOD or near_photo) and not ln.sent_end or (credit and near_photo):
                found[i] = (cap, credit)
    return found


# --- blocks -------------------------------------------------------------------

def _heading_like(ln: Line) -> bool:
    return (
        ln.kind == SHORT and 1 <= ln.words <= 20 and not ln.bullet
        and not (ln.text.endswith(".") and not ln.text.endswith("..."))
        and ln.chars <= 160
    )


def build_blocks(lines: list[Line], first: int, last: int, skip: set[int]) -> list[str]:
    """Markdown blocks from lines first..last, leaving out *skip* and boilerplate."""
    blocks: list[str] = []
    seen: set[str] = set()

    def dropped(j: int) -> bool:
        ln = lines[j]
        return j in skip or ln.kind == BAD or ln.teaser or (ln.dup and ln.norm in seen)

    def near(j: int, step: int) -> Line | None:
        k = j + step
        while first <= k <= last and abs(k - j) <= 3:
            if not dropped(k):
                return lines[k]
            k += step
        return None

    i = first
    while i <= last:
        ln = lines[i]
        if dropped(i):
            i += 1
            continue
        if ln.bullet or ln.listed:
            j = i
            items: list[str] = []
            run: list[Line] = []
            while j <= last:
                lj = lines[j]
                if j > i and not (lj.bullet or lj.cont or lj.listed):
                    break
                if not dropped(j):
                    if lj.cont and items:
                        items[-1] += " " + lj.text
                    else:
                        items.append(lj.text)
                        run.append(lj)
                    seen.add(lj.norm)
                j += 1
            if items and (all(r.listed for r in run) or _content_list(run, near(i, -1), near(j - 1, 1))):
                blocks.append(md.bullet_list(items, ordered=all(r.ordered for r in run)))
            i = j
            continue
        seen.add(ln.norm)
        if ln.kind == GOOD and ln.words <= 12 and ln.text.endswith("?") and not ln.text.startswith(("\"", "\u201c")):
            nxt = near(i, 1)
            if nxt is not None and nxt.kind == GOOD and not nxt.text.endswith("?"):
                blocks.append(md.heading(ln.text))  # a question as a subheading
                i += 1
                continue
        if ln.kind == GOOD:
            if ln.indent >= 4 and not ln.cont:
                blocks.append(md.quote(ln.text))
            else:
                blocks.append(md.paragraph(ln.text))
        else:
            nxt, prv = near(i, 1), near(i, -1)
            if _heading_like(ln) and nxt is not None and (nxt.kind == GOOD or nxt.listed) \
                    and (prv is None or prv.kind == GOOD or prv.listed or ln.blank_before):
                if ln.text.endswith(":") and ln.words > 6:
                    blocks.append(md.paragraph(ln.text))
                else:
                    blocks.append(md.heading(ln.text))
            elif ln.sent_end and ln.words >= 3:
                if (prv is not None and prv.kind == GOOD) or (nxt is not None and nxt.kind == GOOD):
                    blocks.append(md.paragraph(ln.text))
        i += 1
    return blocks


def _content_list(run: list[Line], prev: Line | None, nxt: Line | None) -> bool:
    """A body list: items read as text, or the list sits between paragraphs."""
    if not run:
        return False
    if any(r.teaser for r in run):
        return False
    sentence_items = sum(1 for r in run if r.sent_end or (r.words >= 8 and r.cap_ratio < 0.5))
    intro = prev is not None and prev.kind == GOOD and prev.text.rstrip().endswith(":")
    between = prev is not None and prev.kind == GOOD and nxt is not None and nxt.kind == GOOD
    if intro:
        return True
    return between and sentence_items >= max(1, len(run) // 2)


# --- the cleaner ----------------------------------------------------------------

def clean_dump(text: str, *, name: str | None = None) -> Extracted:
    """Clean one page dump (w3m-style or innerText-style) into an :class:`Extracted`."""
    label = name or "<dump>"
    if not isinstance(text, str):
        raise NoArticleError(f"{label}: input is not text")
    if not text.strip():
        raise NoArticleError(f"{label}: the page is empty")
    lines = split_lines(text)
    if not lines:
        raise NoArticleError(f"{label}: the page is empty")
    _mark(lines)
    _weights(lines)
    span = find_body(lines)
    if span is None:
        raise NoArticleError(f"{label}: no running text (a list of links, a menu or an error page)")
    first, last = span
    goods = [ln for ln in lines[first:last + 1] if ln.kind == GOOD]
    words = sum(ln.words for ln in goods)
    if words < 25 or _is_error_page(lines, first, last):
        raise NoArticleError(f"{label}: no article ({words} words of running text)")

    counts = repeated(lines)
    caps = _caption_lines(lines, max(0, first - TITLE_WINDOW), last + 1)
    ti = find_title(lines, first, set(caps))
    title = lines[ti].text if ti is not None else ""
    site_name = None
    if title:
        title, site_name = _strip_site_suffix(title, lines)
    skip: set[int] = set()
    if ti is not None and ti >= first:
        skip.add(ti)
        # the headline may repeat right after itself
    if ti is not None:
        for j in range(ti + 1, min(len(lines), ti + 3)):
            if lines[j].norm == lines[ti].norm:
                skip.add(j)

    author, date = _byline_and_date(lines, ti, first, last, counts, skip)

    # bylines, date stamps and contact lines inside the body
    for j in range(first, last + 1):
        ln = lines[j]
        if ln.kind == GOOD:
            continue
        if ln.is_date() or ln.byline() and ln.words <= 12:
            skip.add(j)
        elif author and bp.norm_line(ln.text) == bp.norm_line(author):
            skip.add(j)

    # lead photo caption (once) and every caption line
    caption = credit = None
    cap_lo = ti + 1 if ti is not None else max(0, first - 10)
    for j in sorted(k for k in caps if k >= cap_lo):
        if caption is None:
            caption, credit = caps[j]
        skip.add(j)

    blocks = build_blocks(lines, first, last, skip)
    if not blocks:
        raise NoArticleError(f"{label}: nothing left after removing boilerplate")

    email = _find_email(lines, first, last)
    section = _find_section(lines, ti, first)
    if site_name is None:
        site_name = _site_from_copyright(lines)

    if not title:
        title = _fallback_title(blocks)
    log.debug("%s: body lines %d-%d, %d blocks", label, first, last, len(blocks))
    return Extracted(
        title=title,
        blocks=blocks,
        author=author,
        date=date,
        section=section,
        caption=caption,
        caption_credit=credit,
        site_name=site_name,
        email=email,
        notes=[f"body: lines {first}-{last} of {len(lines)}"],
    )


def _byline_and_date(lines: list[Line], ti: int | None, first: int, last: int, counts,
                     skip: set[int]) -> tuple[str | None, object]:
    """Author and date from the lines just below the title (or just above the body);
    the lines used that sit inside the body are added to *skip*."""
    author = date = None
    top = ti if ti is not None else max(0, first - 8)
    for j in range(top + 1, min(len(lines), max(first + 1, top + 10))):
        ln = lines[j]
        if author is None and ln.kind != GOOD:
            name = _author_from(lines, j, counts)
            if name:
                author = name
                if j >= first:
                    skip.add(j)
        if date is None and ln.words <= 25:
            found = meta.parse_date(ln.text)
            if found is not None:
                date = found
                if j >= first and ln.is_date():
                    skip.add(j)
    if date is None:
        for j in range(max(0, first - 10), min(len(lines), last + 1)):
            if lines[j].kind != GOOD and lines[j].is_date():
                date = meta.parse_date(lines[j].text)
                break
    if author is None:
        log.debug("no byline near line %d", top)
    return author, date


def _find_email(lines: list[Line], first: int, last: int) -> str | None:
    """A contact address in the body or just below it."""
    for j in range(first, min(len(lines), last + 12)):
        if "@" in lines[j].text:
            found = meta.find_email(lines[j].text)
            if found:
                return found
    return None


_ERROR = re.compile(
    r"\b(?:404|403|410|500|page not found|not found|no longer available|"
    r"does not exist|doesn't exist|can't be found|cannot be found|could not be found|"
    r"access denied|forbidden|error)\b",
    re.IGNORECASE,
)


def _is_error_page(lines: list[Line], first: int, last: int) -> bool:
    """A short page whose running text talks about a missing page."""
    goods = [ln for ln in lines[first:last + 1] if ln.kind == GOOD]
    words = sum(ln.words for ln in goods)
    if words > 120:
        return False
    head = " ".join(ln.text for ln in lines[: min(len(lines), last + 1)][:40])
    return bool(_ERROR.search(head)) and words < 120


def _find_section(lines: list[Line], ti: int | None, first: int) -> str | None:
    if ti is not None:
        for j in range(ti - 1, max(-1, ti - 3), -1):
            ln = lines[j]
            if ln.kind == BAD or ln.bullet:
                continue
            if 1 <= ln.words <= 3 and ln.chars <= 30 and not meta.parse_date(ln.text) \
                    and not ln.sent_end and not any(c.isdigit() for c in ln.text):
                # not an entry in a menu run
                if j > 0 and not ln.blank_before and lines[j - 1].words <= 3 and lines[j - 1].kind != GOOD \
                        and lines[j - 1].norm != ln.norm:
                    break
                return ln.text.strip(" :|")
            break
    for ln in lines:
        lab = bp.bracket_label(ln.text)
        if lab:
            return lab
    return None


def _site_from_copyright(lines: list[Line]) -> str | None:
    for ln in reversed(lines[-40:]):
        low = ln.text.lower()
        if "©" in ln.text or "copyright" in low:
            m = _SITE_FROM_COPYRIGHT.search(ln.text)
            if m:
                name = m.group("name").strip(" .,-")
                if 2 <= len(name) <= 50 and not name.lower().startswith(("all rights", "copyright")):
                    return name
    return None


def _fallback_title(blocks: list[str]) -> str:
    first = blocks[0].lstrip("#>- ").strip()
    words = first.split()
    return " ".join(words[:12]) + ("\u2026" if len(words) > 12 else "")

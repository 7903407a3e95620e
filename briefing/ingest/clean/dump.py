"""Text-dump cleaner: one page dump (w3m-style or innerText-style) -> Extracted.

Stages (each returns a value or None with a logged reason):

1. ``split_lines``: normalise, unwrap, one :class:`Line` per non-blank line,
   classified GOOD (running text), SHORT (anything else) or BAD (boilerplate).
2. ``mark_lines`` / ``weigh_lines``: teasers, captions, comment headers, duplicates; the
   weight of each line (:mod:`.body`) (GOOD lines weigh their words, short sentences a little,
   SHORT and BAD lines cost, section markers such as "You May Also Like" cost a
   lot unless the article text resumes right under them; an "About the author"
   box does not count as inside the article).
3. ``find_body``: the span of lines with the largest total weight, found in one
   linear pass, without a tail of widgets (a sign-up box, a company blurb).
4. ``title.pick_title`` (:mod:`.title`), byline, date, section and caption around
   the body start.
5. ``build_blocks``: keep running text, subheadings, lists and quotes inside the
   span; drop boilerplate, captions, bylines, date stamps and the links of boxes.
"""

from __future__ import annotations

import logging
import re

from ..article import Extracted, NoArticleError
from . import boilerplate as bp
from . import markdown as md
from . import meta
from . import title as titles
from .body import find_body, mark_lines, weigh_lines
from .lines import BAD, GOOD, SHORT, Line, split_lines

log = logging.getLogger(__name__)

__all__ = ["clean_dump"]

TITLE_WINDOW = titles.WINDOW  # lines before the body searched for the headline

_SITE_FROM_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?\s*,?\s*"
    r"(?P<name>[A-Z][\w&.'\u2019 -]{1,50}?)\s*(?:[.,|;]|\s+(?:unless|all|inc|llc|ltd)\b|$)",
    re.IGNORECASE,
)
_SENT_END = re.compile(r"[.!?\u2026]['\"\u201d\u2019)]*$")

# --- title, byline, date, section -------------------------------------------

def _author_from(lines: list[Line], i: int, counts, bare: bool = True) -> str | None:
    """Byline at line *i*: "By X", "X, Reuters", "By" over a name line, or (when *bare*)
    a name line alone."""
    ln = lines[i]
    if ln.kind == BAD:
        if ln.norm == "by" and i + 1 < len(lines) and meta.looks_like_name(lines[i + 1].text):
            return lines[i + 1].text.strip()  # "By" / "Ryan Reed"
        return None
    name = ln.byline()
    if name or not bare:
        return name
    t = ln.text
    toks = t.split()
    if 2 <= len(toks) <= 6 and ln.kind != GOOD and not meta.parse_date(t):
        # "Daniel Kim Views": the longest leading name that stands alone elsewhere
        for k in range(len(toks), 1, -1):
            cand = " ".join(toks[:k])
            if not meta.looks_like_name(cand):
                continue
            norm = bp.norm_line(cand)
            alone = counts.get(norm, 0) - (norm == ln.norm)  # other lines that hold just the name
            if k < len(toks) and alone < 1 or k == len(toks) and not _name_confirmed(cand, lines, i):
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
        if ln.words < 3 or ln.words > 80:
            continue
        t = ln.text
        low = t[:20].lower()
        labelled = low.startswith(_CAPTION_LABELS)
        if ln.kind == BAD and not labelled or ln.is_date() or ln.byline():
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
                lj = lines[j].text[:20].lower()
                if lj.startswith(("image copyright", "photo:", "enlarge", "image ", "credit", "photo credit")) or lines[j].text in ("AP", "AFP", "Reuters", "Getty Images"):
                    near_photo = True
        if (ln.kind != GOOD or near_photo or not ln.blank_before) and _maybe_credit(t, t.lower()):
            cap, credit = meta.split_caption(t)
            if credit and not near_photo and len(cap.split()) < 10 and not _SENT_END.search(cap):
                continue  # "Dare to Play 3 / October pack", "Headline | Site": a title, not a caption
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
        if ln.kind == BAD and ln.strength() == 2 and not ln.comment:
            # a "Related"/"Explore further" box inside the body: its links go with it
            i += 1
            while i <= last and (lines[i].kind != GOOD or lines[i].cont or lines[i].bullet) \
                    and not lines[i].listed:
                i += 1
            continue
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
            if _heading_like(ln) and nxt is not None and (_texty(nxt) or nxt.listed) \
                    and (prv is None or _texty(prv) or prv.listed or ln.blank_before):
                if ln.text.endswith(":") and ln.words > 6:
                    blocks.append(md.paragraph(ln.text))
                else:
                    blocks.append(md.heading(ln.text))
            elif ln.sent_end and ln.words >= 3:
                if ln.weight > 1 or (prv is not None and _texty(prv)) or (nxt is not None and _texty(nxt)):
                    blocks.append(md.paragraph(ln.text))
        i += 1
    return blocks


def _texty(ln: Line) -> bool:
    """Running text, or a short sentence that weighs as text (a line of results)."""
    return ln.kind == GOOD or ln.kind == SHORT and ln.weight > 1 and ln.sent_end


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
    counts = mark_lines(lines)
    weigh_lines(lines)
    span = find_body(lines)
    if span is None:
        raise NoArticleError(f"{label}: no running text (a list of links, a menu or an error page)")
    first, last = span
    goods = [ln for ln in lines[first:last + 1] if ln.kind == GOOD]
    words = sum(ln.words for ln in goods)
    if words < 25 or _is_error_page(lines, first, last):
        raise NoArticleError(f"{label}: no article ({words} words of running text)")

    caps = _caption_lines(lines, max(0, first - TITLE_WINDOW), last + 1)
    ti, title_sure = titles.pick_title(lines, first, last, set(caps))
    title = lines[ti].text if ti is not None else ""
    site_name = None
    top = titles.page_title_line(lines)
    if top is not None and (not title or title == top[1]):
        # the page's <title> line ("Headline | Site") at the top of the dump
        title, site_name = top[0], top[1][len(top[0]):].strip(" |-\u2013\u2014:\u00bb\u00b7") or None
    elif title:
        title, site_name = titles.strip_site_suffix(title, lines)
    skip: set[int] = set()
    if ti is not None and ti >= first:
        skip.add(ti)
    if ti is not None:
        # the headline again inside the body is a photo's alt text; the indented
        # line under it is the photo's caption
        norm = lines[ti].norm
        for j in range(ti + 1, last + 1):
            if lines[j].norm == norm:
                skip.add(j)
                if j + 1 <= last and lines[j + 1].cont:
                    skip.add(j + 1)

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
        title, title_sure = _fallback_title(blocks), 0.0
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
        title_confidence=round(title_sure, 3),
        notes=[f"body: lines {first}-{last} of {len(lines)}"],
    )


def _byline_and_date(lines: list[Line], ti: int | None, first: int, last: int, counts,
                     skip: set[int]) -> tuple[str | None, object]:
    """Author and date from the lines just below the title (or just above the body),
    else just above the title; the lines used that sit inside the body are added to *skip*.
    An explicit byline ("By Jane Doe") wins over a bare name line."""
    author = date = None
    top = ti if ti is not None else max(0, first - 8)
    below = range(top + 1, min(len(lines), max(first + 1, top + 10)))
    above = range(top - 1, max(-1, top - 5), -1) if ti is not None else range(0)
    for rows, bare in ((below, False), (below, True), (above, False), (above, True)):
        for j in rows:
            if lines[j].kind == GOOD:
                continue
            name = _author_from(lines, j, counts, bare)
            if name:
                author = name
                if j >= first:
                    skip.add(j)
                break
        if author is not None:
            break
    for j in below:
        ln = lines[j]
        if ln.words <= 25:
            found = meta.parse_date(ln.text)
            if found is not None:
                date = found
                if j >= first and ln.is_date():
                    skip.add(j)
                break
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
        lab = bp.bracket_label(ln.text) if ln.text.startswith("[") else None
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

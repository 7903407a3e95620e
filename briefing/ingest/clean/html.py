"""HTML cleaner: one saved page -> Extracted, through trafilatura.

Stages (each returns a value or None with a logged reason):

1. ``_extract``: trafilatura's body (an XML tree of p/head/list/quote/table)
   and metadata (title, author, date, site name, URL, categories).
2. ``_entries``: the tree as a flat list of entries, text only: nothing of
   the page's HTML reaches the blocks unescaped.
3. ``_post_filter``: the boilerplate trafilatura leaves in, judged with the
   same vocabulary as the dump cleaner (:mod:`.boilerplate`): share prompts,
   counters, teasers, bylines and date stamps, and everything after a
   "Related"/"Comments" section marker unless the article text resumes.
4. ``_blocks``: Markdown blocks (paragraphs, ``- `` lists, ``> `` quotes,
   ``## `` subheadings).
5. ``_whole_article``: a body shorter than :data:`CHECK_WORDS` is compared with the
   dump cleaner's body of the page rendered as text (:mod:`.render`); when that holds
   all of trafilatura's text and much more, trafilatura kept only one of the
   containers the article is split over, and the dump's blocks are used.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..article import Extracted, NoArticleError
from . import boilerplate as bp
from . import markdown as md
from . import meta
from .lines import BAD, GOOD, Line, classify, features

log = logging.getLogger(__name__)

__all__ = ["clean_html"]

MIN_WORDS = 40  # fewer words of body text: no article
RETRY_WORDS = 80  # fewer words of running text: retry with trafilatura's fallback extractors
MAX_HTML = 8_000_000  # larger input is cut before parsing
INLINE_BOX = 7  # a "Related" box inside the body: text resumes within this many entries
CHECK_WORDS = 1200  # a shorter body is compared with the dump cleaner's body of the page
WHOLE_RATIO = 1.8  # ... which replaces it when it is this many times longer
WHOLE_CONTAINS = 0.85  # ... and holds this share of its words
_TITLE_SPLIT = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7)\s+")
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.{1,1500}?)</figcaption>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"\s+")
_WORD_TOKEN = re.compile(r"\w+")


@dataclass(slots=True)
class Entry:
    kind: str  # "p", "head", "list", "quote", "table"
    text: str  # for a list: the items joined by newlines
    items: list[str] = field(default_factory=list)
    level: int = 2
    line: Line | None = None


def _text(el) -> str:
    return _nfc(_SPACES.sub(" ", "".join(el.itertext())).strip())


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def _entries(body) -> list[Entry]:
    out: list[Entry] = []
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "list":
            items = [_text(it) for it in el.iter("item")]
            items = [t for t in items if t]
            if items:
                out.append(Entry("list", "\n".join(items), items))
        elif tag == "table":
            rows = []
            for row in el.iter("row"):
                cells = [_text(c) for c in row.iter("cell")]
                cells = [c for c in cells if c]
                if cells:
                    rows.append(" | ".join(cells))
            for r in rows:
                out.append(Entry("p", r))
        elif tag == "head":
            t = _text(el)
            if t:
                rend = el.get("rend") or "h2"
                level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
                out.append(Entry("head", t, level=level))
        elif tag == "quote":
            t = _text(el)
            if t:
                out.append(Entry("quote", t))
        elif tag in ("p", "code", "div"):
            t = _text(el)
            if t:
                out.append(Entry("p", t))
        elif tag == "graphic":
            continue
        else:
            t = _text(el)
            if t:
                out.append(Entry("p", t))
    for i, e in enumerate(out):
        ln = Line(idx=i, text=e.text.replace("\n", " "), indent=0, bullet=e.kind == "list",
                  ordered=False, blank_before=True, blank_after=True)
        features(ln)
        classify(ln)
        if ln.kind != GOOD or e.kind == "list":
            ln.teaser = bp.is_teaser(ln.text, ln.words)
        e.line = ln
    return out


def _good(e: Entry) -> bool:
    ln = e.line
    return ln is not None and ln.kind == GOOD and not ln.teaser and e.kind in ("p", "quote")


def _resumes(entries: list[Entry], i: int) -> bool:
    for j in range(i + 1, min(len(entries), i + 1 + INLINE_BOX)):
        e = entries[j]
        if _good(e):
            return True
        if e.line is not None and bp.end_strength(e.text) == 2:
            return False
    return False


def _post_filter(entries: list[Entry], title: str) -> tuple[list[Entry], str | None, str | None, list[str]]:
    """Drop boilerplate entries; cut at the end of the article. Returns the
    entries kept, an author found in a byline, the headline above the body, and notes."""
    notes: list[str] = []
    author = headline = None
    kept: list[Entry] = []
    seen_good = 0
    norm_title = bp.norm_line(title) if title else ""
    for i, e in enumerate(entries):
        ln = e.line
        assert ln is not None
        t = e.text
        if e.kind == "list":
            items = [it for it in e.items if not bp.is_boilerplate_line(it)]
            teasers = sum(1 for it in items if bp.is_teaser(it))
            if not items or teasers * 2 >= len(items):
                continue  # a list of other stories
            e.items = items
            kept.append(e)
            continue
        strength = bp.end_strength(t) if len(t) <= 80 else 0
        if strength and seen_good:
            if strength == 2 and not _resumes(entries, i):
                notes.append(f"cut at section marker {t[:40]!r}")
                break
            if strength == 1 and not any(_good(x) for x in entries[i + 1:i + 1 + INLINE_BOX]):
                notes.append(f"cut at marker {t[:40]!r}")
                break
            continue
        if ln.kind == BAD or bp.is_boilerplate_line(t, ln.norm):
            continue
        if e.kind == "head" and not seen_good and not kept and (
                e.level == 1 or (norm_title and ln.norm and (ln.norm == norm_title or norm_title.startswith(ln.norm)))):
            headline = headline or t
            continue  # the headline, above the body
        if ln.kind != GOOD and ln.words <= 25:
            name = ln.byline()
            if name:
                author = author or name
                continue
            if ln.is_date():
                continue
        if ln.teaser and e.kind != "head":
            continue
        if _good(e):
            seen_good += 1
        kept.append(e)
    # subheadings with nothing under them (a run of headlines, a trailing label)
    kept = [e for i, e in enumerate(kept)
            if e.kind != "head" or (i + 1 < len(kept) and kept[i + 1].kind != "head")]
    return kept, author, headline, notes


def _blocks(entries: list[Entry]) -> list[str]:
    out = []
    for e in entries:
        if e.kind == "list":
            out.append(md.bullet_list(e.items))
        elif e.kind == "head":
            out.append(md.heading(e.text, 2 if e.level <= 2 else 3))
        elif e.kind == "quote":
            out.append(md.quote(e.text))
        else:
            out.append(md.paragraph(e.text))
    return out


def _parse_date(value) -> dt.date | dt.datetime | None:
    if not value:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return meta.parse_date(str(value))


def _caption(html: str) -> tuple[str | None, str | None]:
    m = _FIGCAPTION.search(html)
    if not m:
        return None, None
    text = _SPACES.sub(" ", htmllib.unescape(_TAG.sub(" ", m.group(1)))).strip()
    if len(text.split()) < 3:
        return None, None
    return meta.split_caption(text)


def _strip_site(title: str, site: str | None) -> str:
    parts = _TITLE_SPLIT.split(title)
    if len(parts) >= 2 and site:
        last, name = bp.norm_line(parts[-1]), bp.norm_line(site)
        # "Headline | Site", "Headline - Site.com"; not "Take C.A.R.E. - Site at DMEXCO 2018"
        if last and name and (last in name or name in last and len(last) <= len(name) + 6):
            return title[: title.rfind(parts[-1])].rstrip(" |-\u2013\u2014:\u00bb\u00b7")
    return title


def _extract(html: str, url: str | None, fast: bool):
    import trafilatura  # imported here: a slow import only the HTML path needs
    from lxml.etree import LxmlError

    try:
        return trafilatura.bare_extraction(
            html, url=url, fast=fast, include_comments=False, include_tables=True,
            include_images=False, include_links=False, include_formatting=False,
            with_metadata=True,
        )
    except (LxmlError, ValueError, TypeError, AttributeError, LookupError, RecursionError) as exc:
        # lxml/trafilatura errors on malformed input surface as these
        log.warning("trafilatura failed: %s", exc)
        return None


def clean_html(html: str, *, name: str | None = None, url: str | None = None) -> Extracted:
    """Clean one saved HTML page into an :class:`Extracted` (body via trafilatura)."""
    label = name or url or "<html>"
    if not isinstance(html, str) or not html.strip():
        raise NoArticleError(f"{label}: the page is empty")
    if len(html) > MAX_HTML:
        html = html[:MAX_HTML]
    html = html.replace("\x00", "")
    doc = kept = None
    for fast in (True, False):
        doc = _extract(html, url, fast)
        if doc is None or doc.body is None:
            log.info("%s: trafilatura (fast=%s) found no main text", label, fast)
            continue
        title = _nfc(doc.title).strip()
        entries = _entries(doc.body)
        kept, author, headline, notes = _post_filter(entries, title)
        words = sum(e.line.words for e in kept if e.line is not None and (_good(e) or e.kind == "list"))
        if words >= RETRY_WORDS:
            break
        log.info("%s: %d words with fast=%s", label, words, fast)
    if doc is None or doc.body is None or kept is None:
        raise NoArticleError(f"{label}: trafilatura found no main text")
    total = sum(e.line.words for e in kept if e.line is not None and e.kind != "head")
    goods = sum(1 for e in kept if _good(e))
    if total < MIN_WORDS or (goods == 0 and total < 2 * MIN_WORDS):
        raise NoArticleError(f"{label}: no article ({total} words of text, {goods} paragraphs)")
    if _looks_like_error(title, kept):
        raise NoArticleError(f"{label}: an error page ({title[:60]!r})")
    blocks = _blocks(kept)
    whole = _whole_article(html, kept, label) if total < CHECK_WORDS else None
    if whole is not None:
        blocks = whole
        notes.append("body: the page's text dump (trafilatura kept only part of the article)")
    site = _nfc(doc.sitename).strip() or None
    if headline and len(headline.split()) >= 2:
        title = headline  # the headline shown on the page
    elif title:
        title = _strip_site(title, site)
    else:
        first = next((e.text for e in entries if e.kind == "head"), None)
        title = first or " ".join(kept[0].text.split()[:12])
    author = _nfc(doc.author).strip() or author
    if author:
        author = author.replace(";", ",")
    caption, credit = _caption(html)
    cats = getattr(doc, "categories", None) or []
    section = _nfc(cats[0]).strip() or None if cats else None
    email = None
    for e in kept[-6:]:
        email = meta.find_email(e.text)
        if email:
            break
    return Extracted(
        title=title,
        blocks=blocks,
        author=author,
        date=_parse_date(doc.date),
        section=section,
        caption=caption,
        caption_credit=credit,
        site_name=site,
        url=(doc.url or url or None),
        email=email,
        notes=notes,
    )


def _whole_article(html: str, kept: list[Entry], label: str) -> list[str] | None:
    """The blocks of the dump cleaner on the page rendered as text, when they hold all of
    trafilatura's text and much more of it (an article split over several containers,
    of which trafilatura kept one); else None."""
    from lxml import html as lxml_html
    from lxml.etree import LxmlError

    from .dump import clean_dump
    from .render import html_to_text

    try:
        text = html_to_text(lxml_html.document_fromstring(html))
        got = clean_dump(text, name=label)
    except (LxmlError, ValueError, NoArticleError) as exc:
        log.debug("%s: no text dump to compare with (%s)", label, exc)
        return None
    ours = Counter(_WORD_TOKEN.findall(" ".join(e.text for e in kept).lower()))
    theirs = Counter(_WORD_TOKEN.findall(got.body.lower()))
    n_ours, n_theirs = sum(ours.values()), sum(theirs.values())
    if not n_ours or n_theirs < WHOLE_RATIO * n_ours:
        return None
    if sum((ours & theirs).values()) < WHOLE_CONTAINS * n_ours:
        return None
    log.info("%s: trafilatura kept %d words, the page's text holds %d", label, n_ours, n_theirs)
    return got.blocks


_ERROR_TITLE = re.compile(r"\b(?:404|not found|page not found|error|forbidden|access denied)\b", re.IGNORECASE)


def _looks_like_error(title: str, kept: list[Entry]) -> bool:
    words = sum(e.line.words for e in kept if e.line is not None)
    return bool(_ERROR_TITLE.search(title or "")) and words < 150

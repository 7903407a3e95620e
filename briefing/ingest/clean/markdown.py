"""Build Markdown blocks from scraped text, which is never trusted as HTML.

Scraped text may hold ``<script>`` or ``&amp;``-like strings: they are escaped
so that a Markdown renderer shows them as text.  A paragraph that happens to
start with ``#``, ``>``, ``-``, ``*``, ``+`` or ``1.`` is escaped so that it is
not read as a heading, a quote or a list.
"""

from __future__ import annotations

import re

__all__ = ["escape_inline", "paragraph", "heading", "quote", "bullet_list"]

# "<" that could open a tag, a comment, a declaration or a processing instruction.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
# A tag-like span "<...>" whose ">" must be escaped too.
_TAG_CLOSE = re.compile(r"(&lt;[^<>\n]{0,500})>")
# "&name;", "&#123;", "&#x1F;": would be decoded as an entity.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]{1,32};)")
# Leading characters that would start Markdown structure.
_LEAD_BLOCK = re.compile(r"^(\s*)([#>]|[-*+](?=\s|$)|=+\s*$|(\d{1,9})([.)])(?=\s|$))")
_SPACES = re.compile(r"[ \t\u00a0]+")


def escape_inline(text: str) -> str:
    """Escape what Markdown would pass through as raw HTML."""
    text = _ENTITY.sub("&amp;", text)
    text = _TAG_OPEN.sub("&lt;", text)
    if "&lt;" in text:
        text = _TAG_CLOSE.sub(r"\1&gt;", text)
    return text


def unescape_inline(text: str) -> str:
    """Plain text back from :func:`escape_inline` (and Markdown's backslash escapes): for
    text shown as text, such as the summary, which templates escape once themselves."""
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>&|])", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _escape_lead(text: str) -> str:
    m = _LEAD_BLOCK.match(text)
    if not m:
        return text
    if m.group(3) is not None:  # "1. Item" -> "1\. Item"
        return text[: m.start(4)] + "\\" + text[m.start(4):]
    return text[: m.start(2)] + "\\" + text[m.start(2):]


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def paragraph(text: str) -> str:
    """An ordinary paragraph: one line, escaped."""
    return _escape_lead(escape_inline(_clean(text)))


def heading(text: str, level: int = 2) -> str:
    """A subheading (``## Text``)."""
    return "#" * level + " " + escape_inline(_clean(text)).lstrip("#").strip()


def quote(text: str) -> str:
    """A quotation (``> Text``); several lines become one quoted paragraph."""
    return "> " + _escape_lead(escape_inline(_clean(text)))


def bullet_list(items: list[str], ordered: bool = False) -> str:
    """A list block: ``- item`` lines (``1. item`` when *ordered*)."""
    out = []
    for i, item in enumerate(items, 1):
        mark = f"{i}." if ordered else "-"
        out.append(f"{mark} {_escape_lead(escape_inline(_clean(item)))}")
    return "\n".join(out)

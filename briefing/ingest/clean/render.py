"""Render a parsed HTML page as a text dump, the way a text browser prints it.

One block per line, blank lines around paragraphs, headings, lists and tables, list
items as ``  • item``, table cells side by side.  Scripts, styles, forms' controls and
other invisible parts are left out; everything else (menus, footers) stays, as in a
person's copy of the page: :func:`briefing.ingest.clean.dump.clean_dump` then finds the article.

The HTML cleaner uses this when trafilatura keeps only part of an article.
"""

from __future__ import annotations

import re

__all__ = ["html_to_text"]

_SKIP = frozenset("script style noscript template svg head iframe object embed select option "
                  "textarea button input canvas map audio video source track picture".split())
_BLOCK = frozenset("p div section article main header footer nav aside h1 h2 h3 h4 h5 h6 ul ol dl "
                   "dt dd table thead tbody tfoot tr blockquote figure figcaption pre hr address "
                   "form fieldset details summary center caption legend".split())
_SPACED = frozenset("p h1 h2 h3 h4 h5 h6 ul ol dl table blockquote figure pre hr".split())
_CELL = frozenset(("td", "th"))
_WS = re.compile(r"\s+")


class _Out:
    """Lines being written: the current line's pieces and the finished lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.prefix = ""

    def text(self, s: str) -> None:
        if s:
            self.cur.append(s)

    def end_line(self) -> None:
        line = _WS.sub(" ", "".join(self.cur)).strip()
        self.cur = []
        if line:
            self.lines.append(self.prefix + line)
            self.prefix = ""

    def blank(self) -> None:
        self.end_line()
        if self.lines and self.lines[-1]:
            self.lines.append("")


def _walk(el, out: _Out, depth: int) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.lower()
    if tag in _SKIP or depth > 200:
        if el.tail:
            out.text(el.tail)
        return
    if not tag:  # a comment or a processing instruction
        if el.tail:
            out.text(el.tail)
        return
    block = tag in _BLOCK or tag == "li"
    if block:
        if tag in _SPACED:
            out.blank()
        else:
            out.end_line()
        if tag == "li":
            out.prefix = "  \u2022 "
    elif tag == "br":
        out.end_line()
    elif tag in _CELL:
        out.text("  ")
    if el.text:
        out.text(el.text)
    for child in el:
        _walk(child, out, depth + 1)
    if block:
        if tag in _SPACED:
            out.blank()
        else:
            out.end_line()
    if el.tail:
        out.text(el.tail)


def html_to_text(tree) -> str:
    """The text dump of a parsed page (an lxml element tree or its root)."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    body = root.find(".//body")
    out = _Out()
    _walk(body if body is not None else root, out, 0)
    out.end_line()
    return "\n".join(out.lines)

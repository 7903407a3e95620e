"""The cleaner: one raw page (a text dump or saved HTML) -> :class:`Extracted`.

``clean_dump`` reads a text-browser dump (w3m-style or a browser's select-all
copy); ``clean_html`` reads a saved page through trafilatura.  Both raise
:class:`~briefing.ingest.article.NoArticleError` when the page holds no article.
Both read at most :func:`limit` characters of a page; the rest is cut.
"""

from __future__ import annotations

from . import html as _html
from . import lines as _lines
from .dump import clean_dump
from .html import clean_html

__all__ = ["clean_dump", "clean_html", "limit"]


def limit(kind: str) -> int:
    """The most characters the cleaner reads of a page of this kind (``"text"`` or
    ``"html"``); a longer page is cut there."""
    return _html.MAX_HTML if kind == "html" else _lines.MAX_CHARS

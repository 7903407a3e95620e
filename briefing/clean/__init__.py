"""The cleaner: one raw page (a text dump or saved HTML) -> :class:`Extracted`.

``clean_dump`` reads a text-browser dump (w3m-style or a browser's select-all
copy); ``clean_html`` reads a saved page through trafilatura.  Both raise
:class:`~briefing.article.NoArticleError` when the page holds no article.
"""

from __future__ import annotations

from .dump import clean_dump
from .html import clean_html

__all__ = ["clean_dump", "clean_html"]

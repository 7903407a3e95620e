"""Plain data passed between the ingest stages (clean -> tag -> write)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class NoArticleError(ValueError):
    """The input holds no article (a list of links, an error page, an empty page)."""


@dataclass
class Extracted:
    """What a cleaner found in one raw page.

    ``blocks`` are the article body as Markdown blocks, in reading order: a
    paragraph, a list (``- item`` lines), a quote (``> ...``) or a subheading
    (``## ...``).  Joined with blank lines they make the briefing's body.
    """

    title: str
    blocks: list[str]
    author: str | None = None
    date: dt.date | dt.datetime | None = None
    section: str | None = None
    caption: str | None = None
    caption_credit: str | None = None
    site_name: str | None = None
    url: str | None = None
    email: str | None = None
    # how sure the cleaner is of the title, 0 to 1 (the headline scorer's share of the odds,
    # for text dumps); None where the page names its headline (saved HTML's h1, og:title)
    title_confidence: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.blocks)

"""Related briefings: ``article.related`` is the top ``RELATED_COUNT`` related briefings.

A thin adapter over :mod:`briefing.related` (the scoring is documented there and in the
README): once every briefing is read, each gets ``related``, a list of
:class:`RelatedLink` (``article``, ``score``, ``shared``: the shared terms that explain the
link, "shared: S-300, Libya"), and ``prev_article`` / ``next_article`` (older and newer by
date) for the briefing page.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from markupsafe import Markup
from pelican import signals

from briefing import related as scoring
from briefing import site_settings, vocabulary

logger = logging.getLogger(__name__)

LEDE_WORDS = 40


@dataclass(frozen=True)
class RelatedLink:
    article: object
    score: float
    shared: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "shared: " + ", ".join(self.shared) if self.shared else "similar wording"


def _text(article) -> str:
    body = Markup(getattr(article, "_content", "") or "").striptags()
    lede = " ".join(body.split()[:LEDE_WORDS])
    summary = Markup(str(getattr(article, "summary", "") or "")).striptags()
    return f"{article.title} {summary} {lede}"


def options_from(opts) -> scoring.RelatedOptions:
    return scoring.RelatedOptions(
        count=opts["RELATED_COUNT"],
        weights=dict(opts["RELATED_WEIGHTS"]),
        parent_credit=opts["RELATED_PARENT_CREDIT"],
        parent_levels=opts["RELATED_PARENT_LEVELS"],
        half_life_days=opts["RELATED_HALF_LIFE_DAYS"],
        time_floor=opts["RELATED_TIME_FLOOR"],
        text_weight=opts["RELATED_TEXT_WEIGHT"],
        few_tags=opts["RELATED_FEW_TAGS"],
    )


def add_related(generator):
    opts = site_settings.read(generator.settings)
    articles = list(generator.articles)
    by_date = sorted(articles, key=lambda a: (a.date, a.url))
    for older, newer in zip(by_date, by_date[1:]):
        newer.prev_article, older.next_article = older, newer
    if by_date:
        by_date[0].prev_article = None
        by_date[-1].next_article = None
    for article in articles:
        article.related = []
    if not opts["RELATED_COUNT"] or len(articles) < 2:
        return
    path = opts["BRIEFING_VOCABULARY"] or vocabulary.default_path()
    vocab = vocabulary.load(path)
    started = time.perf_counter()
    items = [
        scoring.Item(key=str(i), date=a.date,
                     terms={f: tuple(str(t) for t in getattr(a, f, []) or [])
                            for f in scoring.FACETS},
                     text=_text(a))
        for i, a in enumerate(articles)
    ]
    links = scoring.related(items, vocab.ancestors, options_from(opts))
    for i, article in enumerate(articles):
        article.related = [RelatedLink(articles[int(link.key)], link.score, link.shared)
                           for link in links[str(i)]]
    logger.debug("related: %d briefings in %.2f s", len(articles),
                 time.perf_counter() - started)


def register():
    signals.article_generator_finalized.connect(add_related)


"""Related briefings: ``article.related`` is the top ``RELATED_COUNT`` related briefings.

A thin adapter over :mod:`briefing.site.related` (the scoring is documented there and in the
README): once every briefing is read, each gets ``related``, a list of
:class:`RelatedLink` (``article``, ``score``, ``shared``: the shared terms that explain the
link, "shared: S-300, Libya"), and ``prev_article`` / ``next_article`` (older and newer by
date) for the briefing page.
"""

from __future__ import annotations

import logging
import os
import time
from typing import NamedTuple

from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

from briefing.site import related as scoring
from briefing.core import fileio, vocabulary
from briefing.site import resultcache, settings as site_settings

logger = logging.getLogger(__name__)

LEDE_WORDS = 40
LEDE_CHARS = 4000


class RelatedLink(NamedTuple):
    article: object
    score: float
    shared: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "shared: " + ", ".join(self.shared) if self.shared else "similar wording"


def _text(article) -> str:
    """What the text similarity reads: the title, the summary and the lede."""
    html = getattr(article, "_content", "") or ""
    # the lede is in the first few kilobytes; strip tags from those only (cut after a tag)
    head = html[: html.rfind(">", 0, LEDE_CHARS) + 1] if len(html) > LEDE_CHARS else html
    words = Markup(head).striptags().split()
    if len(words) < LEDE_WORDS and head is not html:
        words = Markup(html).striptags().split()
    # the summary from the metadata: Pelican's `summary` property would render the
    # content, which must not happen before every briefing is known (links)
    summary = Markup(str(getattr(article, "metadata", {}).get("summary", "") or "")).striptags()
    return f"{article.title} {summary} {' '.join(words[:LEDE_WORDS])}"


def _hashes(article):
    """The text's word ids, computed once when the briefing is read and kept with it in
    Pelican's content cache (so an unchanged briefing costs nothing here)."""
    cached = getattr(article, "_related_hashes", None)
    if cached is None:
        cached = scoring.text_hashes(_text(article))
    return cached


def remember_text(content):
    """On reading a briefing: its word ids, before the content cache stores it."""
    if isinstance(content, Article):
        content._related_hashes = scoring.text_hashes(_text(content))


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
    started = time.perf_counter()
    vocab = vocabulary.load(path)  # (once per build: the facets plugin reads the same)
    items = [
        scoring.Item(key=os.path.abspath(a.source_path), date=a.date,
                     terms={f: tuple(dict.fromkeys(vocab.canonical(f, str(t))  # alias: term
                                                   for t in getattr(a, f, []) or []))
                            for f in opts["FACETS"]},
                     word_hashes=_hashes(a))
        for a in articles
    ]
    options = scoring.RelatedOptions.from_settings(opts)
    # reused from the last build while none of its inputs changed (an edit past a
    # briefing's lede, say): the scoring is skipped
    cache = resultcache.ResultCache(generator.settings.get("CACHE_PATH"),
                                    "related-links.pickle",
                                    _inputs_digest(items, options, path))
    stored = cache.load()
    if stored is not None:
        found = scoring.Ranked(*stored)
    else:
        threshold = opts["RELATED_PROCESS_FROM"]
        if threshold and len(items) >= threshold:  # a large archive: see the setting
            found = scoring.ScoringProcess().ranked(items, path, options)
        else:
            found = scoring.ranked(items, vocab.ancestors, options)
        cache.save(tuple(found))
    del items
    # each briefing's links, straight from the arrays (positions in `articles`)
    bounds = found.bounds(len(articles))
    cols, scores, reasons = found.cols.tolist(), found.scores.tolist(), found.reasons
    for article, a, b in zip(articles, bounds, bounds[1:]):
        article.related = [RelatedLink(articles[cols[j]], scores[j], reasons[j])
                           for j in range(a, b)]
    logger.debug("related: %d briefings in %.2f s%s", len(articles),
                 time.perf_counter() - started, " (unchanged)" if cache.hit else "")


def _inputs_digest(items, options, vocabulary_path) -> str:
    """Everything the related links depend on: each briefing's address, date, terms and
    text (as word ids), the options, the vocabulary and the scoring code."""
    def parts():
        yield options
        for item in items:
            yield item.key, item.date.isoformat(), sorted(item.terms.items())
            yield item.hashes().tobytes()

    return fileio.digest(*parts(), files=(vocabulary_path, *scoring.SOURCES))


def register():
    signals.content_object_init.connect(remember_text)
    signals.article_generator_finalized.connect(add_related)


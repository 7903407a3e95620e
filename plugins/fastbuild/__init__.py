"""Fast builds: work done once, work not done twice, both cores at work.

* **Nothing changed, nothing done**: when no content file, setting, template, plugin or
  vocabulary changed since the last successful build into the same output folder, and its
  files are all still there, the build stops at once (``briefing.buildstate``).
* **Content cache**: Pelican's own content cache, keyed by each file's SHA-1 (content, not
  mtime): a briefing is read and its Markdown rendered once. The cache is dropped when the
  code, the theme or the settings change.
* **Incremental, parallel, atomic writes**: :mod:`.writer`. Pages whose inputs did not
  change are neither rendered nor written; the others are rendered by one worker per core.
* A briefing's ``url`` and ``save_as`` are computed once (Pelican recomputes them from the
  URL settings on every access); each published briefing becomes a :class:`CachedArticle`,
  a subclass of Pelican's ``Article`` that only remembers them.
* A briefing's card (the same on every list it appears in) is rendered once per page depth
  (the ``card`` template filter).

Once the pages are written, the signal ``briefing_output_written`` is sent with the number
of files that changed (the search plugin skips re-indexing when none did).
"""

from __future__ import annotations

import glob
import logging
import os
import shutil

from blinker import signal
from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

from briefing import buildstate

from .writer import FastWriter, flush_all

logger = logging.getLogger(__name__)

output_written = signal("briefing_output_written")
CACHE_VERSION_FILE = "content-cache-version"

_MISSING = object()


class CachedArticle(Article):
    """An Article whose address, once computed, is remembered (it never changes after
    reading: it depends only on the settings and the briefing's own metadata)."""

    @property
    def url(self) -> str:
        value = self.__dict__.get("_cached_url", _MISSING)
        if value is _MISSING:
            value = self.__dict__["_cached_url"] = self.get_url_setting("url")
        return value

    @property
    def save_as(self) -> str:
        value = self.__dict__.get("_cached_save_as", _MISSING)
        if value is _MISSING:
            value = self.__dict__["_cached_save_as"] = self.get_url_setting("save_as")
        return value


def cache_urls(generator):
    for group in (generator.articles, generator.translations, generator.drafts,
                  generator.drafts_translations, generator.hidden_articles,
                  generator.hidden_translations):
        for article in group:
            if type(article) is Article:
                article.__class__ = CachedArticle


@pass_context
def card(context, article, heading="h3"):
    """The briefing's card, rendered once per (briefing, page depth, heading level)."""
    env = context.environment
    cache = env.__dict__.setdefault("_briefing_cards", {})
    siteurl = context.get("SITEURL", "")
    key = (id(article), siteurl, heading)
    html = cache.get(key)
    if html is None:
        template = env.get_template("partials/card.html")
        html = cache[key] = Markup(template.render(
            article=article, SITEURL=siteurl, card_heading=heading))
        cache[("keep", id(article))] = article  # keeps id() unique while cached
    return html


def add_filters(generator):
    generator.env.filters["card"] = card


def get_writer(_pelican):
    return FastWriter


def _drop_stale_content_cache(settings):
    """Pelican's content cache holds Article objects read by the code of its day: drop it
    when the code, the theme or the settings changed."""
    cache = settings.get("CACHE_PATH")
    if not cache or not settings.get("CACHE_CONTENT"):
        return
    version = buildstate._digest(buildstate.code_and_theme_fingerprint(settings),
                                 buildstate.plain(settings))
    marker = os.path.join(cache, CACHE_VERSION_FILE)
    try:
        with open(marker, encoding="utf-8") as handle:
            if handle.read() == version:
                return
    except OSError:
        pass
    for name in glob.glob(os.path.join(cache, "*Generator")) + \
            glob.glob(os.path.join(cache, "*Reader*")):
        if os.path.isdir(name):
            shutil.rmtree(name, ignore_errors=True)
        else:
            os.unlink(name)
    os.makedirs(cache, exist_ok=True)
    with open(marker, "w", encoding="utf-8") as handle:
        handle.write(version)


def guard_run(pelican):
    """Make ``pelican.run`` a no-op when nothing changed since the last build."""
    original = pelican.run

    def run():
        state = buildstate.BuildState(pelican.settings, pelican.output_path)
        if state.unchanged():
            logger.warning("Nothing changed since the last build into %s: nothing to do",
                           pelican.output_path)
            return
        state.forget()
        _drop_stale_content_cache(pelican.settings)
        original()
        state.record()

    pelican.run = run


def flush_pages(pelican):
    processes = pelican.settings.get("BUILD_PROCESSES") or None
    rendered, reused, changed = flush_all(processes)
    logger.info("%d pages rendered, %d unchanged and skipped, %d files changed",
                rendered, reused, changed)
    output_written.send(pelican, changed=changed)


def register():
    signals.initialized.connect(guard_run)
    signals.get_writer.connect(get_writer)
    signals.article_generator_finalized.connect(cache_urls)
    signals.generator_init.connect(add_filters)
    signals.finalized.connect(flush_pages)

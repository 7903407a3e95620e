"""Fast builds: work done once instead of once per page.

* A briefing's ``url`` and ``save_as`` are computed once (Pelican recomputes them from the
  URL settings on every access; a term page of 20 cards asked for them hundreds of times).
  Each published briefing is switched to :class:`CachedArticle`, a subclass of Pelican's
  ``Article``: nothing else about it changes.
* A briefing's card (title, date, source, summary: the same on every list it appears in) is
  rendered once per page depth and reused (the ``card`` template filter).
"""

from __future__ import annotations

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

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


def register():
    signals.article_generator_finalized.connect(cache_urls)
    signals.generator_init.connect(add_filters)

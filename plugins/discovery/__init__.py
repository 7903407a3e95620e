"""Discovery: the site-wide Atom feed, sitemap.xml and robots.txt.

A thin generator over :mod:`briefing.site.sitefiles`; it runs after the facets generator, so the
sitemap can list term pages and facet indexes too.  Pages' own sharing metadata
(canonical URL, OpenGraph, Twitter card, JSON-LD) is in the theme's templates.
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from briefing.site import settings as site_settings, sitefiles


class DiscoveryGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = site_settings.read(self.settings)

    def generate_context(self):
        opts = self.options
        self.context["SITE_FEED_URL"] = opts["SITE_FEED_SAVE_AS"]

    def generate_output(self, writer):
        opts, settings = self.options, self.settings
        articles = sorted(self.context.get("articles", []), key=lambda a: (a.date, a.url),
                          reverse=True)
        if opts["SITE_FEED_SAVE_AS"]:
            sitefiles.write_through(writer, self.context, self.output_path,
                                    opts["SITE_FEED_SAVE_AS"], sitefiles.atom(
                settings, f"{settings['SITENAME']}: all briefings", "",
                opts["SITE_FEED_SAVE_AS"], articles[: opts["SITE_FEED_MAX_ITEMS"]],
                opts["FACETS"]))
        base = sitefiles.site_base(settings)
        if opts["SITEMAP_SAVE_AS"]:
            sitefiles.write_through(writer, self.context, self.output_path,
                                    opts["SITEMAP_SAVE_AS"], sitefiles.sitemap(base, self._urls()))
        if opts["ROBOTS_SAVE_AS"]:
            sitefiles.write_through(writer, self.context, self.output_path,
                                    opts["ROBOTS_SAVE_AS"],
                                    sitefiles.robots(base, opts["SITEMAP_SAVE_AS"] or None))

    def _urls(self):
        """Every page a reader can land on: home, briefings, pages, facet and term pages,
        author and source pages and their indexes, digests and their index, archives (not drafts, not the 404 or search pages)."""
        settings = self.settings
        urls = [""]
        urls += [a.url for a in self.context.get("articles", [])]
        urls += [p.url for p in self.context.get("pages", [])]
        urls += [f.url for f in self.context.get("facets", [])]
        urls += [t.url for t in self.context.get("facet_terms", {}).values()]
        urls += [f.url for f in self.context.get("credit_facets", [])]  # authors, sources
        urls += [t.url for t in self.context.get("credit_terms", {}).values()]
        urls += [d.url for d in self.context.get("digests", []) or []]
        if self.context.get("digest_index_url"):
            urls.append(self.context["digest_index_url"])
        if settings.get("ARCHIVES_SAVE_AS"):
            urls.append(settings.get("ARCHIVES_URL") or "archives/")
        for granularity in self.context.get("period_archives", {}).values():
            urls += [period["url"] for period in granularity]
        return [u for u in urls if u is not None]


def get_generators(_pelican):
    return DiscoveryGenerator


def register():
    signals.get_generators.connect(get_generators)

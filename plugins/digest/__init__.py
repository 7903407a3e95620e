"""Digest and region maps: what happened in each period, and where.

A thin Pelican adapter over :mod:`briefing.site.digest` and :mod:`briefing.site.worldmap`:

* ``/digest/<period>/``: a period's briefings grouped by theatre, its most active and
  first-seen terms, a map, the previous and next period; ``/digest/`` lists the periods,
  ``digest/feed.xml`` is an Atom feed of them (one entry a period, the whole digest as its
  content) and ``api/digest/<period>.json`` the data export.
* Maps (``archive_map`` on ``/region/``, ``home_map`` on the home page, ``locator_maps`` for
  the term pages, each digest's own), drawn by ``partials/region_map.html``; the countries'
  outlines they share are one file (``MAP_BASE_SAVE_AS``).

Counts come from the facets plugin: the archive's map shows each region term's count as
``api/terms.json`` gives it (``total``, roll-up included), a period's or the home page's map
the same roll-up (:func:`briefing.site.facetindex.build`) over its briefings. Runs after
the facets plugin (it reads ``facet_terms`` and the briefings' term objects).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from briefing.core import vocabulary
from briefing.site import digest as digests, facetindex, settings as site_settings, sitefiles
from briefing.site import worldmap

logger = logging.getLogger(__name__)

REGION = "region"


def today(opts, tz) -> dt.datetime:
    """The build's "now": DIGEST_TODAY's midnight, else SOURCE_DATE_EPOCH, else the clock."""
    if opts["DIGEST_TODAY"]:
        day = dt.date.fromisoformat(str(opts["DIGEST_TODAY"])[:10])
        return dt.datetime.combine(day, dt.time(), tz)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz)
    return dt.datetime.now(tz)


class FeedEntry:
    """A digest as :func:`briefing.site.sitefiles.atom` takes a briefing."""

    def __init__(self, digest, render):
        self.digest = digest
        self.title = f"{digest.label}: " + (f"so far, {digest.count} briefing"
                                            if digest.unfinished else f"{digest.count} briefing"
                                            ) + ("s" if digest.count != 1 else "")
        self.url = digest.url
        self.date = digest.newest
        self.modified = None
        self.author = None
        self.summary = f"{digest.dates}: " + "; ".join(
            f"{g.theatre.name if g.theatre else 'elsewhere'} {len(g.items)}"
            for g in digest.groups)
        self._render = render

    def get_content(self, siteurl):
        return self._render(self.digest, siteurl)


class DigestGenerator(Generator):
    """Digest pages, their index, feed and export; the region maps of the other pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = site_settings.read(self.settings)
        self.digests: list[digests.Digest] = []
        self._theatres: dict[str, object] = {}

    # --- context ----------------------------------------------------------------------
    def generate_context(self):
        opts = self.options
        missing = site_settings.missing_plugins(self.settings, "facets")
        if missing:
            logger.warning("digest: the facets plugin is not loaded: no digests or maps")
            return
        self.vocab = vocabulary.load(opts["BRIEFING_VOCABULARY"] or vocabulary.default_path())
        self.terms = self.context.get("facet_terms", {})
        self.articles = sorted(self.context.get("articles", []),
                               key=lambda a: (a.date, a.url), reverse=True)
        self.base = opts["MAP_BASE_SAVE_AS"]
        facets = tuple(opts["FACETS"])
        if opts["DIGEST_SAVE_AS"]:
            tz = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
            self.digests = digests.build(
                (self._item(i, a, facets) for i, a in enumerate(self.articles)),
                unit=opts["DIGEST_PERIOD"], tz=tz, now=today(opts, tz),
                theatre=self._theatre, url_of=self._url, facets=facets,
                active=opts["DIGEST_ACTIVE_TERMS"], url=opts["DIGEST_URL"],
                save_as=opts["DIGEST_SAVE_AS"], api=opts["API_DIGEST_SAVE_AS"])
            for d in self.digests:
                d.region_map = self._map([self.articles[i.key] for i in d.items],
                                         f"Where the briefings of {d.label} are")
        self.context["digests"] = self.digests
        self.context["latest_digest"] = self.digests[0] if self.digests else None
        self.context["digest_index_url"] = opts["DIGEST_INDEX_URL"] \
            if opts["DIGEST_SAVE_AS"] and opts["DIGEST_INDEX_SAVE_AS"] else ""
        self.context["DIGEST_FEED_URL"] = opts["DIGEST_FEED_SAVE_AS"] if self.digests else ""
        self.context["archive_map"] = self._archive_map()
        latest = self.articles[: opts["MAP_HOME_BRIEFINGS"]]
        self.context["home_map"] = self._map(
            latest, f"Where the latest {len(latest)} briefings are") if latest else None
        self.context["locator_maps"] = self._locators() if opts["MAP_LOCATOR"] else {}

    @staticmethod
    def _item(key, article, facets) -> digests.Item:
        source = getattr(article, "source", None)
        name = (source.get("name") or source.get("url") or "") if isinstance(source, dict) \
            else str(source or "")
        return digests.Item(
            key=key, date=article.date, title=str(article.title), url=article.url,
            source=name, summary=Markup(str(getattr(article, "summary", "") or "")).striptags(),
            terms={f: tuple(str(t) for t in getattr(article, f, []) or []) for f in facets})

    def _url(self, facet, name):
        term = self.terms.get((facet, name))
        return term.url if term is not None else None

    def _theatre(self, name):
        # remembered per generator (a cache on the method would keep every build's generator,
        # and so its briefings, alive in the devserver's process)
        if name not in self._theatres:
            self._theatres[name] = digests.theatre_of(
                name, known=lambda n: self.vocab.get(REGION, n) is not None,
                ancestors=lambda n: self.vocab.ancestors(REGION, n),
                theatres=self.options["DIGEST_THEATRES"])
        return self._theatres[name]

    # --- maps -------------------------------------------------------------------------
    def _place(self, name, count, direct=True):
        term = self.vocab.get(REGION, name)
        if term is None or not (term.iso or term.lat is not None):
            return None
        return worldmap.Place(name, self._url(REGION, name), count, iso=term.iso,
                              lat=term.lat, lon=term.lon, direct=direct)

    def _map(self, articles, title, fit=True) -> worldmap.RegionMap:
        """The map of some briefings: each place's count with the facets plugin's roll-up
        (the very function api/terms.json's counts come from), over these briefings only."""
        entries = [facetindex.Entry(i, a.date, {REGION: tuple(str(t) for t in
                                                              getattr(a, REGION, []) or [])})
                   for i, a in enumerate(articles)]
        index = facetindex.build(
            entries, (REGION,), lookup=self.vocab.get, ancestors=self.vocab.ancestors,
            suggest=lambda _f, _n: None, slug_of=lambda _f, _n: None,
            rollup=self.options["FACET_ROLLUP"], cooccurring=0, timeline="year")
        places = [self._place(name, len(stats.total), bool(stats.direct))
                  for (_facet, name), stats in index.terms.items()]
        return worldmap.world_map([p for p in places if p], title=title, base=self.base,
                                  classes=self.options["MAP_CLASSES"], fit=fit)

    def _archive_map(self) -> worldmap.RegionMap:
        """The whole archive: each region term's count as the facets plugin counted it."""
        places = [self._place(name, term.count, bool(term.articles))
                  for (facet, name), term in self.terms.items() if facet == REGION]
        return worldmap.world_map([p for p in places if p],
                                  title="Where the briefings are: the whole archive",
                                  base=self.base, classes=self.options["MAP_CLASSES"])

    def _locators(self) -> dict[str, worldmap.RegionMap]:
        geo = worldmap.load()
        out = {}
        for (facet, name), term in self.terms.items():
            place = self._place(name, term.count) if facet == REGION else None
            if place is None:
                continue
            codes = [getattr(self.vocab.get(REGION, a), "iso", None)
                     for a in self.vocab.ancestors(REGION, name)]
            host = next((c for c in codes if c in geo.countries), None)
            found = worldmap.locator(place, base=self.base, country=host, geometry=geo)
            if found is not None:
                out[term.slug] = found
        return out

    # --- output -----------------------------------------------------------------------
    def generate_output(self, writer):
        opts, settings = self.options, self.settings
        relative = settings["RELATIVE_URLS"]
        if opts["MAP_BASE_SAVE_AS"] and "locator_maps" in self.context:
            sitefiles.write_through(writer, self.context, self.output_path,
                                    opts["MAP_BASE_SAVE_AS"], worldmap.base_svg())
        if not self.digests:
            return
        page = self.get_template("digest")
        for d in self.digests:
            writer.write_file(d.save_as, page, self.context, digest=d, url=d.url,
                              page_name=d.url.rstrip("/"), relative_urls=relative)
            if d.api_url:
                sitefiles.write_through(writer, self.context, self.output_path, d.api_url,
                                        sitefiles.dumps(digests.to_json(d), expand=4) + "\n")
        if opts["DIGEST_INDEX_SAVE_AS"]:
            writer.write_file(opts["DIGEST_INDEX_SAVE_AS"], self.get_template("digest_index"),
                              self.context, url=opts["DIGEST_INDEX_URL"],
                              page_name=opts["DIGEST_INDEX_URL"].rstrip("/"),
                              relative_urls=relative)
        if opts["DIGEST_FEED_SAVE_AS"]:
            self._write_feed(writer)

    def _render_body(self, digest, siteurl) -> str:
        """A digest as its feed entry's content: the same partial the page shows."""
        return self.get_template("partials/digest_feed").render(
            digest=digest, SITEURL=siteurl, facet_labels=self.context.get("facet_labels"))

    def _write_feed(self, writer):
        opts = self.options
        chosen = self.digests[: opts["DIGEST_FEED_MAX_ITEMS"]]
        name = opts["DIGEST_FEED_SAVE_AS"]
        title = f"{self.settings['SITENAME']}: digest by {opts['DIGEST_PERIOD']}"

        def produce():
            return sitefiles.atom(self.settings, title, opts["DIGEST_INDEX_URL"], name,
                                  [FeedEntry(d, self._render_body) for d in chosen], facets=())

        if hasattr(writer, "write_derived"):
            writer.write_derived(name, self.context, [title, chosen], produce)
        else:
            sitefiles.write_text(self.output_path, name, produce())


def get_generators(_pelican):
    return DigestGenerator


def register():
    signals.get_generators.connect(get_generators)

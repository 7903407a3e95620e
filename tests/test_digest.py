"""The digest: periods in the site's time zone, briefings grouped by theatre, the most active
and first-seen terms, the index, the feed and the export; pure functions and a real build of a
corpus with known dates and places, in Europe/Berlin."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest

from briefing.site import digest
from conftest import build_site

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.timezone.utc


# --- periods --------------------------------------------------------------------------------

def test_a_period_follows_the_time_zone_not_utc():
    late_sunday_utc = dt.datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert digest.period_of(late_sunday_utc, "week", UTC) == "2026-W48"
    # in Berlin it is already Monday 30 November, 00:30: the next ISO week
    assert digest.period_of(late_sunday_utc, "week", BERLIN) == "2026-W49"
    assert digest.period_of(late_sunday_utc, "day", BERLIN) == "2026-11-30"
    new_year = dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert digest.period_of(new_year, "month", BERLIN) == "2027-01"
    assert digest.period_of(new_year, "month", UTC) == "2026-12"
    # ISO weeks belong to the year of their Thursday
    assert digest.period_of(dt.datetime(2026, 1, 1, 12, tzinfo=UTC), "week", UTC) == "2026-W01"
    assert digest.period_of(dt.datetime(2027, 1, 1, 12, tzinfo=UTC), "week", UTC) == "2026-W53"


def test_bounds_labels_and_dates():
    start, end = digest.bounds("2026-W48", "week", BERLIN)
    assert (start.isoformat(), end.isoformat()) == ("2026-11-23T00:00:00+01:00",
                                                    "2026-11-30T00:00:00+01:00")
    assert digest.label("2026-W48", "week") == "Week 48, 2026"
    assert digest.dates("2026-W48", "week") == "23–29 November 2026"
    assert digest.dates("2026-W49", "week") == "30 November – 6 December 2026"
    assert digest.dates("2026-W53", "week") == "28 December 2026 – 3 January 2027"
    assert digest.label("2026-11", "month") == "November 2026"
    assert digest.dates("2026-02", "month") == "1–28 February 2026"
    assert digest.label("2026-11-26", "day") == "Thursday 26 November 2026"
    start, end = digest.bounds("2026-03", "month", BERLIN)
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(days=31, hours=-1)  # DST


def test_a_theatre_is_the_nearest_listed_broader_term_else_the_top_level():
    parents = {"Tobruk": "Libya", "Libya": "Maghreb", "Maghreb": "North Africa",
               "North Africa": "Africa", "Mali": "Sahel", "Sahel": "Africa",
               "Red Sea": "Indian Ocean"}

    def ancestors(name):
        out = []
        while name in parents:
            name = parents[name]
            out.append(name)
        return out

    def theatre(name):
        return digest.theatre_of(name, known=lambda n: n in parents or n in parents.values(),
                                 ancestors=ancestors, theatres=("North Africa", "Africa"))

    assert theatre("Tobruk") == "North Africa"
    assert theatre("Mali") == "Africa"
    assert theatre("Red Sea") == "Indian Ocean"  # in no listed theatre: its top level
    assert theatre("Atlantis") is None  # not in the vocabulary


def item(key, when, title, region=(), actors=(), systems=()):
    return digest.Item(key, when, title, f"briefings/{key}/", "Desk", f"Summary {key}.",
                       {"region": tuple(region), "actors": tuple(actors),
                        "systems": tuple(systems)})


def test_build_groups_counts_first_seen_and_neighbours():
    theatres = {"Libya": "North Africa", "Tobruk": "North Africa", "Syria": "Middle East",
                "Kyiv": "Europe"}
    items = [
        item("a", dt.datetime(2026, 11, 23, 9, tzinfo=UTC), "A", ["Libya", "Syria"],
             systems=["S-300"]),
        item("b", dt.datetime(2026, 11, 25, 9, tzinfo=UTC), "B", ["Syria"]),
        item("c", dt.datetime(2026, 11, 24, 9, tzinfo=UTC), "C", ["Tobruk"], systems=["S-300"]),
        item("d", dt.datetime(2026, 11, 26, 9, tzinfo=UTC), "D", ["Atlantis"]),
        item("e", dt.datetime(2026, 11, 16, 9, tzinfo=UTC), "E", ["Kyiv"], systems=["S-400"]),
    ]
    out = digest.build(items, unit="week", tz=UTC, now=dt.datetime(2026, 11, 28, tzinfo=UTC),
                       theatre=theatres.get, url_of=lambda f, n: f"{f}/{n.lower()}/",
                       facets=("region", "actors", "systems"), api="api/digest/{period}.json")
    assert [d.period for d in out] == ["2026-W48", "2026-W47"]
    w48, w47 = out
    assert w48.unfinished and not w47.unfinished
    assert w48.count == 4 and w48.url == "digest/2026-W48/"
    assert w48.api_url == "api/digest/2026-W48.json"
    # largest group first; a briefing in two theatres under its first; no known place last
    assert [(g.theatre.name if g.theatre else None, [i.key for i in g.items])
            for g in w48.groups] == [("North Africa", ["c", "a"]), ("Middle East", ["b"]),
                                     (None, ["d"])]
    assert w48.groups[0].theatre.url == "region/north africa/"
    active = dict(w48.active)
    assert [(link.name, link.count) for link in active["systems"]] == [("S-300", 2)]
    assert [(link.name, link.count) for link in active["region"]][:2] == [("Syria", 2),
                                                                           ("Atlantis", 1)]
    new = {facet: [link.name for link in links] for facet, links in w48.new}
    assert new == {"region": ["Atlantis", "Libya", "Syria", "Tobruk"], "systems": ["S-300"]}
    assert dict(w47.new) == {"region": [digest.Link("Kyiv", "region/kyiv/", 1)],
                             "systems": [digest.Link("S-400", "systems/s-400/", 1)]}
    assert w48.prev is w47 and w47.next is w48 and w48.next is None
    data = digest.to_json(w48)
    assert data["previous"] == "2026-W47" and data["next"] is None
    assert [t["count"] for t in data["theatres"]] == [2, 1, 1]


# --- a real build -----------------------------------------------------------------------------

CORPUS = {
    # week 47
    "kyiv-strike": ("2026-11-16T10:00:00+01:00", ["Kyiv"], ["Russia"], ["S-400"]),
    # week 48: North Africa 2 (one of them also in Syria), Middle East 1, no place 1
    "libya-and-syria": ("2026-11-23T08:00:00+01:00", ["Libya", "Syria"], ["Russia"],
                        ["S-400", "S-300"]),
    "tobruk-port": ("2026-11-24T08:00:00+01:00", ["Tobruk"], ["Khalifa Haftar"], []),
    "damascus-talks": ("2026-11-25T08:00:00+01:00", ["Syria"], ["Russia"], []),
    "no-place": ("2026-11-26T08:00:00+01:00", [], ["NATO"], []),
    # Sunday 23:30 UTC is Monday 00:30 in Berlin: week 49, the current one
    "late-sunday": ("2026-11-29T23:30:00+00:00", ["Ukraine"], ["Ukraine"], []),
    # a time without an offset is read in TIMEZONE: Sunday 23:30 in Berlin, still week 48
    "naive-sunday": ("2026-11-29T23:30:00", ["Tobruk"], [], []),
}


def write_corpus(root: Path) -> Path:
    content = root / "content"
    (content / "briefings").mkdir(parents=True)
    for slug, (date, region, actors, systems) in CORPUS.items():
        (content / "briefings" / f"{slug}.md").write_text(
            f"---\ntitle: \"Briefing {slug}\"\nslug: {slug}\ndate: {date}\n"
            f"source:\n  name: Desk of {slug}\nsummary: \"What happened: {slug} <b>x</b>.\"\n"
            f"region: {json.dumps(region)}\nactors: {json.dumps(actors)}\n"
            f"systems: {json.dumps(systems)}\n---\n\nThe body of {slug}.\n", encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("digest-site")
    build = build_site(write_corpus(root), root / "out", extra=[
        "-e", 'TIMEZONE="Europe/Berlin"', 'DIGEST_TODAY="2026-12-01"', "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log
    return build


def export(build, period):
    return json.loads((build.output / "api" / "digest" / f"{period}.json").read_text())


def test_the_export_groups_a_period_by_theatre(site):
    w48 = export(site, "2026-W48")
    assert w48["count"] == 5 and not w48["unfinished"]
    assert w48["start"] == "2026-11-23T00:00:00+01:00"
    groups = [(t["theatre"] and t["theatre"]["name"], [b["url"] for b in t["briefings"]])
              for t in w48["theatres"]]
    assert groups == [
        ("North Africa", ["briefings/naive-sunday/", "briefings/tobruk-port/",
                          "briefings/libya-and-syria/"]),
        ("Middle East", ["briefings/damascus-talks/"]),
        (None, ["briefings/no-place/"])]
    assert w48["theatres"][0]["theatre"]["url"] == "region/north-africa/"
    first = w48["theatres"][0]["briefings"][-1]
    assert first["source"] == "Desk of libya-and-syria"
    assert first["summary"] == "What happened: libya-and-syria <b>x</b>."  # text, as written
    assert {t["name"]: t["count"] for t in w48["active"]["region"]} == {
        "Tobruk": 2, "Syria": 2, "Libya": 1}
    # first seen in the archive: S-400 and Russia were seen in week 47 already
    assert {f: [t["name"] for t in ts] for f, ts in w48["new"].items()} == {
        "region": ["Libya", "Syria", "Tobruk"], "actors": ["Khalifa Haftar", "NATO"],
        "systems": ["S-300"]}
    assert (w48["previous"], w48["next"]) == ("2026-W47", "2026-W49")
    w49 = export(site, "2026-W49")
    assert w49["unfinished"] and [b["url"] for t in w49["theatres"] for b in t["briefings"]] \
        == ["briefings/late-sunday/"]
    assert w49["theatres"][0]["theatre"]["name"] == "Europe"
    assert sorted(p.name for p in (site.output / "api" / "digest").iterdir()) == [
        "2026-W47.json", "2026-W48.json", "2026-W49.json"]


def test_the_digest_page(site):
    html = site.page("digest/2026-W48/")
    assert "<h1 class=\"page-title\">Week 48, 2026</h1>" in html
    assert "23–29 November 2026" in html and "5 briefings in 2 theatres" in html
    assert "so far" not in html
    names = re.findall(r'class="digest-theatre__name" id="theatre-\d+">(.*?) <span', html)
    assert [re.sub(r"<[^>]+>", "", n) for n in names] == ["North Africa", "Middle East",
                                                          "No place given"]
    # each entry: title, date, source and summary (escaped: scraped text is text)
    assert '<a href="../../briefings/tobruk-port/">Briefing tobruk-port</a>' in html
    assert '<time datetime="2026-11-24T08:00:00+01:00">24 November 2026</time> · Desk of ' \
           'tobruk-port' in html
    assert "What happened: tobruk-port &lt;b&gt;x&lt;/b&gt;." in html
    assert '<a rel="prev" href="../../digest/2026-W47/"><span>Earlier</span> Week 47, 2026</a>' \
        in html
    assert '<a rel="next" href="../../digest/2026-W49/"><span>Later</span> Week 49, 2026</a>' \
        in html
    new = html[html.index('id="new-heading"'):]
    assert ">Khalifa Haftar <span" in new and ">Russia <span" not in new
    current = site.page("digest/2026-W49/")
    assert "Not over yet: so far, 1 briefing" in current and 'rel="next"' not in current


def test_the_index_the_home_page_and_the_menu_link_the_digests(site):
    index = site.page("digest/")
    listed = re.findall(r'<li><a href="\.\./digest/([^/]+)/">([^<]+)</a> <span class="digest-'
                        r'index__dates">([^<]+)</span> <span class="count">([^<]+)</span>', index)
    assert listed == [("2026-W49", "Week 49, 2026", "30 November – 6 December 2026",
                       "so far, 1 briefing"),
                      ("2026-W48", "Week 48, 2026", "23–29 November 2026", "5 briefings"),
                      ("2026-W47", "Week 47, 2026", "16–22 November 2026", "1 briefing")]
    home = site.page("index.html")
    assert re.search(r'Latest digest: <a href="\./digest/2026-W49/">Week 49, 2026</a> '
                     r'\(30 November – 6 December 2026\): so far, 1 briefing', home)
    assert '<a href="./digest/">Digest</a>' in home


def test_the_feed_has_one_entry_per_period_with_the_whole_digest(site):
    feed = feedparser.parse((site.output / "digest" / "feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.version == "atom10"
    assert feed.feed.title == "Briefing: digest by week"
    assert {link["rel"]: link["href"] for link in feed.feed.links} == {
        "alternate": "/digest/", "self": "/digest/feed.xml"}
    assert [e.link for e in feed.entries] == ["/digest/2026-W49/", "/digest/2026-W48/",
                                              "/digest/2026-W47/"]
    assert feed.entries[0].title == "Week 49, 2026: so far, 1 briefing"
    assert feed.entries[1].title == "Week 48, 2026: 5 briefings"
    assert len({e.id for e in feed.entries}) == 3
    body = feed.entries[1].content[0].value
    for slug in ("naive-sunday", "tobruk-port", "libya-and-syria", "damascus-talks", "no-place"):
        assert f'href="/briefings/{slug}/"' in body
    assert body.index("North Africa") < body.index("Middle East") < body.index("No place given")
    assert "Most active" in body and "New in the archive" in body
    assert "What happened: no-place &lt;b&gt;x&lt;/b&gt;." in body
    # the entry is dated by its newest briefing, never by the build
    assert feed.entries[1].updated.startswith("2026-11-29T23:30:00+01:00")
    page = site.page("digest/2026-W48/")
    assert '<link rel="alternate" type="application/atom+xml" title="Briefing: digests" ' \
           'href="../../digest/feed.xml">' in page


def test_periods_by_day_and_settings_checked(tmp_path):
    content = write_corpus(tmp_path)
    build = build_site(content, tmp_path / "out", extra=[
        "-e", 'DIGEST_PERIOD="day"', 'TIMEZONE="Europe/Berlin"', "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log
    assert sorted(p.name for p in (build.output / "digest").iterdir()) == [
        "2026-11-16", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-29",
        "2026-11-30", "feed.xml", "index.html"]
    assert "Briefing late-sunday" in build.page("digest/2026-11-30/")
    assert "Monday 30 November 2026" in build.page("digest/2026-11-30/")
    assert "Briefing naive-sunday" in build.page("digest/2026-11-29/")
    bad = build_site(content, tmp_path / "bad", extra=["-e", 'DIGEST_PERIOD="fortnight"'])
    assert bad.returncode != 0
    assert "DIGEST_PERIOD must be 'week', 'day' or 'month'" in bad.log


def test_an_edit_to_a_body_leaves_the_digest_files_alone(tmp_path):
    content = write_corpus(tmp_path)
    out = tmp_path / "out"
    extra = ["-e", 'DIGEST_TODAY="2026-12-01"', "SEARCH_INDEX=false"]
    assert build_site(content, out, extra=extra).returncode == 0
    files = ["digest/2026-W48/index.html", "digest/feed.xml", "api/digest/2026-W48.json",
             "digest/index.html"]
    before = {f: (out / f).stat().st_mtime_ns for f in files}
    source = content / "briefings" / "tobruk-port.md"
    source.write_text(source.read_text().replace("The body of", "The edited body of"))
    assert build_site(content, out, extra=extra).returncode == 0
    assert "edited body" in (out / "briefings" / "tobruk-port" / "index.html").read_text()
    assert {f: (out / f).stat().st_mtime_ns for f in files} == before
    # a retitled briefing changes them
    source.write_text(source.read_text().replace("title: \"Briefing tobruk-port\"",
                                                 "title: \"Tobruk port reopens\""))
    assert build_site(content, out, extra=extra).returncode == 0
    assert "Tobruk port reopens" in (out / "digest" / "2026-W48" / "index.html").read_text()
    assert "Tobruk port reopens" in (out / "digest" / "feed.xml").read_text()


# --- the demo site --------------------------------------------------------------------------

def test_the_demo_spans_weeks_and_theatres(demo_site):
    periods = sorted(p.stem for p in (demo_site.output / "api" / "digest").iterdir())
    assert len(periods) >= 3
    theatres = {t["theatre"]["name"] for p in periods
                for t in export(demo_site, p)["theatres"] if t["theatre"]}
    assert len(theatres) >= 3, theatres
    several = [p for p in periods if len(export(demo_site, p)["theatres"]) >= 2]
    assert several, "no demo week shows briefings in two theatres"


def test_the_new_pages_are_valid_html(demo_site, tmp_path):
    from browser_support import VNU_JAR, require_vnu

    java = require_vnu()
    out = demo_site.output
    pages = [out / "digest" / "index.html", out / "region" / "index.html",
             out / "index.html", out / "region" / "libya" / "index.html",
             out / "region" / "tobruk" / "index.html" if (out / "region" / "tobruk").exists()
             else out / "region" / "kyiv" / "index.html"]
    pages += sorted((out / "digest").glob("*/index.html"))
    proc = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                           "--stdout", *map(str, pages)],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stdout)
    problems = [f"{m.get('url', '').rsplit('/out', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
                for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
    assert not problems, "\n".join(problems)
    assert proc.returncode == 0

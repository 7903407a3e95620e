"""Facet pages, feeds, indexes, related briefings and the data export, on real builds."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from briefing.site import related as scoring
from briefing.site import settings as site_settings
from briefing.core.vocabulary import load, default_path
from conftest import DATA, ROOT, build_site

SITE = DATA / "facets-site"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # every link the scoring ranks is shown (RELATED_MIN_SCORE 0), so the order can be tested
    build = build_site(SITE, tmp_path_factory.mktemp("facets-site"),
                       extra=["-e", "RELATED_MIN_SCORE=0"])
    assert build.returncode == 0, build.log
    return build


def api(build, name):
    return json.loads((build.output / "api" / name).read_text())


def related_of(build, url):
    return next(r["related"] for r in api(build, "briefings.json") if r["url"] == url)


ANCHOR = "briefings/russian-s-300-batteries-seen-at-tobruk/"
RARE = "briefings/iran-puts-its-s-300-on-alert/"
PARENT = "briefings/egypt-and-the-benghazi-crossing/"
COMMON = ["briefings/russia-holds-a-parade/", "briefings/russia-signs-a-grain-deal/",
          "briefings/russia-names-a-new-envoy/"]
UNRELATED = "briefings/peru-elects-a-new-congress/"


def test_rare_shared_system_beats_common_actor_and_parent_region_counts(site):
    links = related_of(site, ANCHOR)
    assert links[0] == RARE  # sharing S-300 says more than sharing Russia
    assert set(COMMON) <= set(links)
    assert PARENT in links  # Tobruk and Benghazi meet in Libya
    assert UNRELATED not in links
    assert len(links) == 5


def test_links_below_the_minimum_score_are_not_shown(site, tmp_path):
    """With the default RELATED_MIN_SCORE the weakest links of the same site go: meeting only
    through a parent region, or on wording alone; the strong ones stay, in the same order."""
    build = build_site(SITE, tmp_path / "out")
    assert build.returncode == 0, build.log
    links, everything = related_of(build, ANCHOR), related_of(site, ANCHOR)
    assert links and len(links) < len(everything)
    assert links == [link for link in everything if link in links]  # same order, a prefix
    assert links[0] == RARE and PARENT not in links and UNRELATED not in links
    scores = {r["url"]: r for r in api(build, "briefings.json")}
    assert all(len(r["related"]) <= 5 for r in scores.values())


def test_each_related_link_says_why(site):
    html = site.page(ANCHOR)
    section = html[html.index('class="related"'):]
    reasons = re.findall(r'related__why">([^<]+)<', section)
    assert reasons[0] == "shared: S-300"
    assert "shared: Russia" in reasons
    assert any(r.startswith("shared: Libya") for r in reasons)
    assert 'href="../../briefings/iran-puts-its-s-300-on-alert/"' in section


def test_term_page_with_rollup_description_parent_children_and_cooccurrence(site):
    html = site.page("region/libya/")
    assert "<h1 class=\"page-title\">Libya</h1>" in html
    assert "split since 2014" in html  # the vocabulary's description
    # roll-up: briefings tagged Tobruk or Benghazi are listed on Libya's page
    assert "Russian S-300 batteries seen at Tobruk" in html
    assert "Egypt and the Benghazi crossing" in html
    assert 'href="../../region/tobruk/"' in html and 'href="../../region/benghazi/"' in html
    assert 'href="../../region/maghreb/"' in html  # the parent
    assert re.search(r'href="\.\./\.\./systems/s-300/">S-300 <span class="count">1', html)
    assert "June 2024" in html  # count per month
    tobruk = site.page("region/tobruk/")
    assert "Egypt and the Benghazi crossing" not in tobruk


def test_rollup_can_be_turned_off(tmp_path):
    build = build_site(SITE, tmp_path / "out", extra=["-e", "FACET_ROLLUP=false"])
    assert build.returncode == 0, build.log
    assert not (build.output / "region" / "libya").exists()
    assert "Egypt and the Benghazi crossing" not in build.page("region/tobruk/")


def test_every_term_has_a_page_and_a_feed_that_parses(site):
    terms = api(site, "terms.json")
    assert set(terms) == {"region", "actors", "systems"}
    for facet, entries in terms.items():
        for entry in entries:
            assert (site.output / entry["url"] / "index.html").exists(), entry
            feed = ET.parse(site.output / entry["url"] / "feed.xml").getroot()
            assert feed.tag == f"{ATOM}feed"
            links = [e.find(f"{ATOM}link").get("href") for e in feed.iter(f"{ATOM}entry")]
            assert len(links) == entry["total"]
            assert all(link.startswith("/briefings/") for link in links)


def test_facet_indexes_group_regions_under_parents_and_order_by_count(site):
    index = site.page("region/")
    libya = index.index('>Libya</a>')
    tobruk = index.index('>Tobruk</a>')
    assert libya < tobruk
    assert index[libya:tobruk].count("<ul") == 1  # Tobruk is nested under Libya
    by_count = site.page("region/by-count/")
    counts = [int(c) for c in re.findall(r'<span class="count">(\d+)</span>', by_count)]
    assert counts == sorted(counts, reverse=True)
    assert "Russia" in site.page("actors/") and "S-300" in site.page("systems/")


def test_export_lists_every_briefing_with_related_urls(site):
    rows = api(site, "briefings.json")
    assert len(rows) == len(list((SITE / "briefings").glob("*.md")))
    anchor = next(r for r in rows if r["url"] == ANCHOR)
    assert anchor["title"] == "Russian S-300 batteries seen at Tobruk"
    assert anchor["date"].startswith("2024-06-10")
    assert anchor["summary"] == "Anchor briefing."
    assert anchor["region"] == ["Tobruk"] and anchor["systems"] == ["S-300"]
    urls = {r["url"] for r in rows}
    assert all(link in urls for r in rows for link in r["related"])
    terms = api(site, "terms.json")
    tobruk = next(t for t in terms["region"] if t["name"] == "Tobruk")
    assert tobruk == {"name": "Tobruk", "slug": "tobruk", "url": "region/tobruk/",
                      "count": 1, "total": 1, "parent": "Libya"}


def test_unknown_term_gets_a_page_and_a_warning_with_a_suggestion(site):
    assert "unknown-term.md: systems term 'S-4000' is not in the vocabulary " \
           "(did you mean S-400?)" in site.log
    html = site.page("systems/s-4000/")
    assert "not in the vocabulary" in html


def test_briefing_page_links_every_term(site):
    html = site.page(ANCHOR)
    for url in ("region/tobruk/", "actors/russia/", "systems/s-300/"):
        assert f'href="../../{url}"' in html


def test_invalid_settings_are_all_reported(tmp_path):
    build = build_site(SITE, tmp_path / "out",
                       extra=["-e", "RELATED_COUNT=-1", "FACET_URL=\"../{slug}\""])
    assert build.returncode != 0
    assert "RELATED_COUNT must be a whole number, 0 or more" in build.log
    assert "FACET_URL must be a relative path pattern" in build.log


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [s.name for s in site_settings.SETTINGS if f"`{s.name}`" not in readme]
    assert not missing


def _item(key, days, **terms):
    import datetime as dt
    return scoring.Item(key, dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
                        + dt.timedelta(days=days), {f: tuple(v) for f, v in terms.items()})


def test_scoring_ties_are_deterministic_and_time_matters():
    items = [_item("a", 0, systems=["S-300"]), _item("b", 10, systems=["S-300"]),
             _item("c", 10, systems=["S-300"]), _item("d", 900, systems=["S-300"])]
    result = scoring.related(items, options=scoring.RelatedOptions(count=3))
    assert [link.key for link in result["a"]] == ["c", "b", "d"]  # tie: newer, then key
    assert result["a"][0].shared == ("S-300",)
    assert result["a"][2].score < result["a"][0].score


def test_scoring_is_sub_quadratic_on_a_large_archive():
    # many briefings share one very common term; windows and the rare-term index keep
    # the work linear, and a rare shared term far away in time is still found
    items = [_item(f"x{i:05d}", i * 0.1, actors=["Russia"], region=[f"R{i % 50}"])
             for i in range(6000)]
    items.append(_item("old", 0, actors=["Russia"], systems=["S-500"]))
    items.append(_item("new", 599, actors=["Russia"], systems=["S-500"]))
    result = scoring.related(items, options=scoring.RelatedOptions(window=200))
    assert result["new"][0].key == "old"
    # Russia, in every briefing, explains no link: "new" and "old" have only each other,
    # the others their region's briefings
    assert [link.key for link in result["new"]] == ["old"]
    assert [link.key for link in result["old"]] == ["new"]
    others = [links for key, links in result.items() if key.startswith("x")]
    assert sum(len(links) == 5 for links in others) > 0.95 * len(others)
    assert all(link.shared and "Russia" not in link.shared for links in others
               for link in links)


def test_hierarchy_credit_uses_the_vocabulary():
    vocab = load(default_path())
    items = [_item("tobruk", 0, region=["Tobruk"]), _item("benghazi", 1, region=["Benghazi"]),
             _item("lima", 1, region=["Lima"])]
    result = scoring.related(items, vocab.ancestors)
    assert result["tobruk"][0].key == "benghazi"
    assert result["tobruk"][0].shared[0] == "Libya"


def _random_archive(count, seed):
    import datetime as dt
    import random

    rng = random.Random(seed)
    regions = [f"R{i}" for i in range(30)]
    actors = [f"A{i}" for i in range(40)]
    systems = [f"S{i}" for i in range(60)]
    words = [f"word{i}" for i in range(400)]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    return [scoring.Item(f"b{i:04d}", start + dt.timedelta(days=rng.uniform(0, 1500)),
                         {"region": tuple(rng.sample(regions, rng.randint(0, 2))),
                          "actors": tuple(rng.sample(actors, rng.randint(0, 3))),
                          "systems": tuple(rng.sample(systems, rng.randint(0, 2)))},
                         text=" ".join(rng.choices(words, k=30)))
            for i in range(count)]


def test_windowed_scoring_is_exact_when_the_archive_fits_in_a_window():
    items = _random_archive(400, 1)
    windowed = scoring.related(items, options=scoring.RelatedOptions(window=150))
    exact = scoring.related(items, options=scoring.RelatedOptions(window=400))
    default = scoring.related(items)  # 400 briefings fit in the default window
    assert default == exact
    # a small window still finds most of the exact links, and every link it gives is real
    found = sum(len({link.key for link in windowed[key]} & {link.key for link in links})
                for key, links in exact.items())
    assert found > 0.6 * sum(len(links) for links in exact.values())


def test_scoring_does_not_depend_on_threads_or_on_precomputed_word_ids():
    import dataclasses

    items = _random_archive(900, 2)
    one = scoring.related(items, options=scoring.RelatedOptions(threads=1, window=100))
    two = scoring.related(items, options=scoring.RelatedOptions(threads=2, window=100))
    hashed = [dataclasses.replace(it, word_hashes=scoring.text_hashes(it.text)) for it in items]
    cached = scoring.related(hashed, options=scoring.RelatedOptions(window=100))
    assert one == two == cached


def test_common_words_do_not_count_in_large_archives():
    # a word in every briefing is no evidence; a word only two briefings share is
    import datetime as dt
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    items = [scoring.Item(f"b{i:03d}", start + dt.timedelta(days=i), {},
                          text=f"military update number{i}") for i in range(200)]
    items.append(scoring.Item("x1", start, {}, text="military zircon hypersonic"))
    items.append(scoring.Item("x2", start + dt.timedelta(days=150), {},
                              text="military zircon hypersonic"))
    result = scoring.related(items)
    assert [link.key for link in result["x1"]] == ["x2"]
    assert result["b010"] == []  # sharing only "military" and "update" is not related


def test_result_cache_reuses_only_for_the_same_inputs(tmp_path):
    from briefing.core import fileio
    from briefing.site import resultcache

    vocab = tmp_path / "vocab.yaml"
    vocab.write_text("region: []\n")
    key = fileio.digest(("a", 1), files=[vocab])
    resultcache.ResultCache(str(tmp_path), "r.pickle", key).save({"links": [1, 2]})
    again = resultcache.ResultCache(str(tmp_path), "r.pickle", key)
    assert again.load() == {"links": [1, 2]} and again.hit
    # other inputs, or a changed file among them: a miss
    assert resultcache.ResultCache(str(tmp_path), "r.pickle",
                                   fileio.digest(("a", 2), files=[vocab])).load() is None
    vocab.write_text("region: [Libya]\n")
    changed = fileio.digest(("a", 1), files=[vocab])
    assert changed != key
    assert resultcache.ResultCache(str(tmp_path), "r.pickle", changed).load() is None
    # a damaged cache file is a miss, not an error
    (tmp_path / "r.pickle").write_bytes(b"not a pickle")
    assert resultcache.ResultCache(str(tmp_path), "r.pickle", key).load() is None
    # no cache folder: nothing stored, nothing found
    nowhere = resultcache.ResultCache(None, "r.pickle", key)
    nowhere.save({"links": []})
    assert nowhere.load() is None


def test_scoring_in_a_process_of_its_own_gives_the_same_links():
    import datetime as dt

    import numpy as np

    items = _random_archive(900, 3)
    # real terms with ancestors, and dates in another time zone, must cross intact
    plus_two = dt.timezone(dt.timedelta(hours=2))
    items += [scoring.Item(f"libya{i}", dt.datetime(2021, 5, 1 + i, 13, 7, 9, 123456,
                                                    tzinfo=plus_two),
                           {"region": (name,), "actors": (), "systems": ()},
                           text=text)  # different words: the parent region carries the link
              for i, (name, text) in enumerate([("Tobruk", "patrol boats leave harbour"),
                                                ("Benghazi", "militia convoy crossing"),
                                                ("Tripoli", "parliament session delayed")])]
    options = scoring.RelatedOptions(window=200)
    here = scoring.ranked(items, load(default_path()).ancestors, options)
    there = scoring.ScoringProcess().start().ranked(items, str(default_path()), options)
    assert np.array_equal(here.rows, there.rows) and np.array_equal(here.cols, there.cols)
    assert np.array_equal(here.scores, there.scores) and here.reasons == there.reasons
    links = scoring.related(items, load(default_path()).ancestors, options)
    tobruk = links["libya0"]
    assert {link.key for link in tobruk[:2]} == {"libya1", "libya2"}
    assert tobruk[0].shared[0] == "Libya"  # met in the parent, from the vocabulary


def test_a_failed_scoring_process_is_reported_not_lost(tmp_path):
    items = _random_archive(20, 4)
    with pytest.raises(scoring.RelatedFailed, match="the scoring process failed"):
        scoring.ScoringProcess().ranked(items, str(tmp_path / "missing.yaml"))


def test_a_site_scored_in_a_separate_process_links_the_same(site, tmp_path):
    apart = build_site(SITE, tmp_path / "out",
                       extra=["-e", "RELATED_PROCESS_FROM=1", "RELATED_MIN_SCORE=0"])
    assert apart.returncode == 0, apart.log
    assert api(apart, "briefings.json") == api(site, "briefings.json")
    assert apart.page(ANCHOR) == site.page(ANCHOR)


def test_the_facets_setting_reaches_the_scoring():
    """One facet list: a site showing only regions scores related links on regions only
    (actors shared by every briefing below no longer link them), and the options' defaults
    are the settings table's."""
    defaults = scoring.RelatedOptions.from_settings(site_settings.read({}))
    assert defaults == scoring.RelatedOptions()
    assert defaults.facets == ("region", "actors", "systems")
    assert defaults.count == site_settings.BY_NAME["RELATED_COUNT"].default
    items = [_item("a", 0, actors=["Russia"], region=["Libya"]),
             _item("b", 1, actors=["Russia"]), _item("c", 2, region=["Libya"])]
    every = scoring.related(items, options=defaults)
    assert {link.key for link in every["a"]} == {"b", "c"}
    regions = scoring.RelatedOptions.from_settings(site_settings.read({"FACETS": ["region"]}))
    assert regions.facets == ("region",)
    only = scoring.related(items, options=regions)
    assert [link.key for link in only["a"]] == ["c"] and only["a"][0].shared == ("Libya",)
    assert only["b"] == []


def test_an_alias_is_taken_as_its_term_by_the_build_and_by_check(tmp_path):
    """`IRGC` is one of the aliases the vocabulary gives the Islamic Revolutionary Guard
    Corps: the briefing is on that term's page, shown by its name, once, and check agrees."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    (content / "briefings" / "alias.md").write_text(
        "---\ntitle: Guards drill in the Gulf\ndate: 2024-06-03\nregion: [Iran]\n"
        "actors: [IRGC, Islamic Revolutionary Guard Corps]\nsummary: A drill.\n---\n\n"
        "Boats of the IRGC drilled near the strait.\n", encoding="utf-8")
    build = build_site(content, tmp_path / "out")
    assert build.returncode == 0, build.log
    assert "'IRGC' is not in the vocabulary" not in build.log
    assert not (build.output / "actors" / "irgc").exists()
    term = build.page("actors/islamic-revolutionary-guard-corps/")
    assert "Guards drill in the Gulf" in term
    entry = next(r for r in api(build, "briefings.json")
                 if r["url"] == "briefings/guards-drill-in-the-gulf/")
    assert entry["actors"] == ["Islamic Revolutionary Guard Corps"]
    checked = subprocess.run([str(Path(sys.executable).parent / "briefing"), "check",
                              "--no-maybe", str(content / "briefings" / "alias.md")],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


SYSTEM_PAIRS = ["S-400", "S-300", "Patriot", "HIMARS", "Bayraktar TB2", "Kh-47M2 Kinzhal",
                "Shahed-136", "Pantsir-S1", "Iskander", "Kalibr", "F-35"]
WORDS = ("convoy harbour ministry border pipeline election satellite radar brigade treaty "
         "embassy drought refinery tribunal frigate militia airport reactor census").split()


def test_a_term_most_briefings_carry_links_nothing_and_is_no_reason(tmp_path):
    """A corpus where every briefing names the United States: a Taliban hostage story and a
    British court story share nothing else, and get no link to each other (nor to any other
    briefing, which all share only that); pairs sharing a system link, for that system."""
    import datetime as dt
    import random

    rng = random.Random(7)
    folder = tmp_path / "content" / "briefings"
    folder.mkdir(parents=True)
    day = dt.date(2024, 1, 1)

    def write(slug, title, region, systems, days):
        body = " ".join(rng.choice(WORDS) + slug.replace("-", "") for _ in range(60))
        (folder / f"{slug}.md").write_text(
            f"---\ntitle: {title}\nslug: {slug}\ndate: {day + dt.timedelta(days=days)}\n"
            f"region: [{region}]\n"
            f"actors: [United States]\nsystems: [{', '.join(systems)}]\n---\n{body}.\n",
            encoding="utf-8")

    for i, system in enumerate(SYSTEM_PAIRS):
        for j in range(2):
            write(f"pair-{i}-{j}", f"Story {i}{'ab'[j]} about {system}", "", [system], 2 * i + j)
    write("taliban-hostages", "Taliban free American hostages", "Afghanistan", [], 30)
    write("court-in-london", "London court rules on an extradition", "United Kingdom", [], 31)
    build = build_site(tmp_path / "content", tmp_path / "out")
    assert build.returncode == 0, build.log
    links = {r["url"]: r["related"] for r in api(build, "briefings.json")}
    assert links["briefings/taliban-hostages/"] == []
    assert links["briefings/court-in-london/"] == []
    for i in range(len(SYSTEM_PAIRS)):
        assert links[f"briefings/pair-{i}-0/"] == [f"briefings/pair-{i}-1/"]
    page = build.page("briefings/pair-3-0/")
    assert re.findall(r'related__why">([^<]+)<', page) == ["shared: HIMARS"]
    assert 'class="related"' not in build.page("briefings/taliban-hostages/")
    everything = "".join(p.read_text(encoding="utf-8") for p in build.output.rglob("*.html"))
    assert "shared: United States" not in everything


def test_an_unknown_term_many_briefings_carry_is_one_warning(tmp_path):
    content = tmp_path / "content" / "briefings"
    content.mkdir(parents=True)
    for i in range(5):
        (content / f"b{i}.md").write_text(
            f"---\ntitle: Briefing {i}\ndate: 2024-01-0{i + 1}\nsystems: [S-4000]\n"
            "region: [Atlantis]\n---\nText.\n", encoding="utf-8")
    build = build_site(tmp_path / "content", tmp_path / "out")
    assert build.returncode == 0, build.log
    lines = [line for line in build.log.splitlines() if "'S-4000' is not in the" in line]
    assert lines == ["systems term 'S-4000' is not in the vocabulary (did you mean S-400?): "
                     "5 briefings, briefings/b4.md, briefings/b3.md, briefings/b2.md and 2 "
                     "more (`make check` lists them all)"], build.log
    assert sum("'Atlantis' is not in the vocabulary" in line
               for line in build.log.splitlines()) == 1


def test_secondary_terms_count_less_in_the_related_links():
    """A briefing's first two terms of a facet, and the terms its title, summary and lede
    name, are lead terms; the others (and what they reach through parents) count at
    secondary_credit, so two stories meeting only in what both mention in passing rank
    below two that share what they are about."""
    import datetime as dt

    import numpy as np

    rel = scoring
    day = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    opts = rel.RelatedOptions()
    items = [rel.Item("a", day, {"region": ("Guam", "Hawaii", "Russia", "Cuba")},
                      text="B-52 bombers land on Guam as Cuba watches"),
             rel.Item("b", day, {"region": ("Alaska", "Oregon", "Russia")}, text="Alaska"),
             rel.Item("c", day, {"region": ("Guam",)}, text="Guam")]
    matrix, direct, names, _, _ = rel.features.tag_matrix(items, opts, lambda _f, _n: ["Pacific"],
                                                  rel.features.word_counts(items))
    row = dict(zip(names, matrix.toarray()[0]))
    col = names.index
    weight = np.sqrt(np.log(4 / (1 + np.array([np.count_nonzero(matrix[:, col(n)].toarray())
                                                for n in names]))) + 1.0)
    w = dict(zip(names, weight))
    assert row["Guam"] == pytest.approx(w["Guam"])             # first
    assert row["Hawaii"] == pytest.approx(w["Hawaii"])         # second
    assert row["Russia"] == pytest.approx(0.5 * w["Russia"])   # third, not in the text
    assert row["Cuba"] == pytest.approx(w["Cuba"])             # fourth, but named in the lede
    assert row["Pacific"] == pytest.approx(0.5 * w["Pacific"])  # a parent of the lead terms
    assert direct.toarray()[0][col("Pacific")] == 0.0          # reached only through parents
    links = rel.related(items, lambda _f, _n: [], rel.RelatedOptions(min_score=0.0))
    assert [link.key for link in links["a"]] == ["c", "b"]
    full = rel.related(items, lambda _f, _n: [],
                       rel.RelatedOptions(min_score=0.0, secondary_credit=1.0))
    assert links["a"][1].score < full["a"][1].score   # Russia, in passing on both sides

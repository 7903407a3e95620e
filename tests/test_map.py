"""Region maps: the geometry, the shading classes, the maps of a real build read from their
SVG (links, labels, classes, counts equal to api/terms.json), the shared outlines file, and
the vocabulary's ISO codes and coordinates."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from briefing.core import vocabulary
from briefing.site import worldmap
from conftest import ROOT, build_site

SVG = "{http://www.w3.org/2000/svg}"
LIMIT = 150_000  # bytes of SVG per map, the shared outlines included


# --- the pure parts -------------------------------------------------------------------------

def test_the_projection_keeps_the_world_inside_the_map():
    x, y = worldmap.project(0, 0)
    assert abs(x - worldmap.WIDTH / 2) < 1
    west, _ = worldmap.project(0, -180)
    east, _ = worldmap.project(0, 180)
    assert round(west) == 0 and round(east) == worldmap.WIDTH
    _, top = worldmap.project(84, 0)
    _, bottom = worldmap.project(-57, 0)
    assert round(top) == 0 and round(bottom) == worldmap.HEIGHT
    # Equal Earth: the poles' lines are shorter than the equator
    assert worldmap.project(80, 180)[0] < east


def test_classes_and_legend():
    assert worldmap.breaks(3, 5) == [1, 2, 3]
    assert worldmap.breaks(0, 5) == []
    bounds = worldmap.breaks(100, 4)
    assert bounds == [3, 10, 32, 100]
    assert [worldmap.class_of(n, bounds) for n in (0, 1, 3, 4, 10, 11, 100)] == \
        [0, 1, 1, 2, 2, 3, 4]
    assert worldmap.legend(bounds) == [(1, "1–3"), (2, "4–10"), (3, "11–32"), (4, "33–100")]
    assert worldmap.legend([1, 2]) == [(1, "1"), (2, "2")]


def test_the_geometry_names_its_source_and_has_the_countries():
    geo = worldmap.load()
    data = json.loads(worldmap.GEOMETRY.read_text())
    assert "Natural Earth" in data["source"] and "world-atlas 2.0.2" in data["source"]
    assert "public domain" in data["licence"] and data["projection"] == "Equal Earth"
    readme = (worldmap.GEOMETRY.parent / "README.md").read_text()
    assert "world-atlas" in readme and "public domain" in readme and "ISC" in readme
    assert len(geo.countries) >= 170
    for code in ("LY", "US", "RU", "FJ", "XK", "NC"):
        assert code in geo.countries, code
    assert "AQ" not in geo.countries  # Antarctica is left out
    # Fiji and Chukotka cross the 180th meridian: cut there, no ring spans the map
    for code in ("FJ", "RU"):
        for ring in geo.countries[code]["d"].split("M")[1:]:
            x0 = int(re.match(r"-?\d+", ring).group())
            xs, x = [x0], x0
            for dx in re.findall(r"(-?\d+) -?\d+", ring.split("l", 1)[1]):
                x += int(dx)
                xs.append(x)
            assert max(xs) - min(xs) < worldmap.WIDTH / 2, code


@pytest.mark.skipif(not (ROOT / "node_modules" / "world-atlas").exists(),
                    reason="npm ci installs world-atlas, the geometry's source")
def test_the_committed_geometry_is_what_the_tool_makes():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build_world_map.py"),
                           "--check"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_world_map_shades_links_and_leaves_out():
    places = [worldmap.Place("Libya", "region/libya/", 3, iso="LY"),
              worldmap.Place("Tobruk", "region/tobruk/", 1, lat=32.08, lon=23.96),
              worldmap.Place("Bahrain", "region/bahrain/", 2, iso="BH", lat=26.05, lon=50.55),
              worldmap.Place("Middle East", "region/middle-east/", 5),  # no shape, no point
              worldmap.Place("Nowhere", None, 0, iso="FR")]
    m = worldmap.world_map(places, title="T", base="maps/world.svg", classes=3)
    assert [(s.code, s.cls) for s in m.shapes] == [("LY", 3)]
    assert [(p.name, p.cls) for p in m.points] == [("Bahrain", 2), ("Tobruk", 1)]
    assert [r[0] for r in m.rows] == ["Libya", "Bahrain", "Tobruk"]
    assert m.view_box == f"0 0 {worldmap.WIDTH} {worldmap.HEIGHT}"
    fitted = worldmap.world_map(places, title="T", base="b", fit=True)
    x, y, w, h = map(int, fitted.view_box.split())
    assert w == worldmap.WIDTH // 4 and w == 2 * h
    lx, ly = worldmap.project(27, 17)  # inside Libya
    assert x <= lx <= x + w and y <= ly <= y + h
    here = worldmap.locator(worldmap.Place("Tobruk", None, 1, lat=32.08, lon=23.96),
                            base="b", country="LY")
    assert here.locator and [s.code for s in here.shapes] == ["LY"]
    assert here.shapes[0].cls == 0 and here.points[0].cls == 1
    assert worldmap.locator(worldmap.Place("Middle East", None, 1), base="b") is None


# --- a real build -----------------------------------------------------------------------------

BRIEFINGS = {
    "a": ("2024-03-01", ["Libya", "Tobruk"]),
    "b": ("2024-03-02", ["Tobruk"]),
    "c": ("2024-03-03", ["Benghazi"]),
    "d": ("2024-03-04", ["Syria", "Tartus"]),
    "e": ("2024-03-05", ["France"]),
    "f": ("2024-03-06", ["Bahrain"]),
    "g": ("2024-03-07", ["Atlantis"]),  # not in the vocabulary
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("map-site")
    (root / "content" / "briefings").mkdir(parents=True)
    for slug, (date, region) in BRIEFINGS.items():
        (root / "content" / "briefings" / f"{slug}.md").write_text(
            f"---\ntitle: Briefing {slug}\nslug: {slug}\ndate: {date}\n"
            f"region: {json.dumps(region)}\n---\n\nBody.\n", encoding="utf-8")
    build = build_site(root / "content", root / "out",
                       extra=["-e", "SEARCH_INDEX=false", "MAP_HOME_BRIEFINGS=2"])
    assert build.returncode == 0, build.log
    return build


def svg_of(html: str, index: int = 0) -> ET.Element:
    found = re.findall(r"<svg class=\"map__svg\".*?</svg>", html, re.S)
    return ET.fromstring(found[index])


def links(svg: ET.Element) -> dict[str, tuple[str, str, str]]:
    """href -> (aria-label, tooltip, class) of each linked shape or point."""
    out = {}
    for a in svg.iter(f"{SVG}a"):
        shape = next(iter(a.iter(f"{SVG}path")), None)
        if shape is None:  # (an element without children is false)
            shape = next(a.iter(f"{SVG}circle"))
        out[a.get("href")] = (a.get("aria-label"), a.find(f"{SVG}title").text,
                              shape.get("class"))
    return out


def test_the_archive_map_links_every_place_with_its_count(site):
    terms = json.loads((site.output / "api" / "terms.json").read_text())["region"]
    totals = {t["url"]: (t["name"], t["total"]) for t in terms}
    svg = svg_of(site.page("region/"))
    found = links(svg)
    vocab = vocabulary.load(vocabulary.default_path())
    geo = worldmap.load()
    drawn = {u: v for u, v in totals.items()
             if (t := vocab.get("region", v[0])) and (t.iso in geo.countries or t.lat is not None)}
    assert {h.removeprefix("../") for h in found} == set(drawn)
    for href, (label, tooltip, cls) in found.items():
        name, total = drawn[href.removeprefix("../")]
        words = f"{name}: {total} briefing" + ("s" if total != 1 else "")
        assert label == tooltip == words, (href, label)
    # the counts drawn are api/terms.json's, roll-up included: Libya has its cities'
    assert found["../region/libya/"][0] == "Libya: 3 briefings"
    assert found["../region/tobruk/"][0] == "Tobruk: 2 briefings"
    # classes: 1, 2, 3 briefings are classes 1, 2, 3 (three counts, five classes at most)
    assert "map__c3" in found["../region/libya/"][2]
    assert "map__c2" in found["../region/tobruk/"][2] and "map__point" in \
        found["../region/tobruk/"][2]
    assert "map__shape" in found["../region/france/"][2] and "map__c1" in \
        found["../region/france/"][2]
    assert "map__point" in found["../region/bahrain/"][2]  # too small for a 1:110m shape
    assert "../region/atlantis/" not in found
    legend = re.findall(r'<span class="map__key map__c(\d)"[^>]*></span> ([^<]+)</li>',
                        site.page("region/"))
    assert legend == [("1", "1"), ("2", "2"), ("3", "3")]
    table = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>',
                            site.page("region/")))
    assert table == {name: str(total) for name, total in drawn.values()}


def test_a_country_without_a_term_is_drawn_but_not_linked(site):
    base = (site.output / "maps" / "world.svg").read_text()
    outline = ET.fromstring(base)
    codes = {p.get("id") for p in outline.iter(f"{SVG}path")}
    assert {"NC", "LY", "FR"} <= codes  # New Caledonia: a shape, and no vocabulary term
    assert not [t for t in vocabulary.load(vocabulary.default_path()).terms["region"].values()
                if t.iso == "NC"]
    html = site.page("region/")
    svg = svg_of(html)
    assert svg.find(f"{SVG}use").get("href") == "../maps/world.svg#world"
    assert outline.find(f"{SVG}g").get("id") == "world"
    assert 'data-code="NC"' not in html  # drawn by the shared outlines only, never a link
    assert 'data-code="DE"' not in html  # a country with a term and no briefing: the same


def test_the_maps_stay_small_and_share_one_outlines_file(site, demo_site):
    for build in (site, demo_site):
        base = (build.output / "maps" / "world.svg").stat().st_size
        for page in ("region/", "index.html", "region/libya/"):
            html = build.page(page)
            inline = sum(len(s.encode()) for s in re.findall(r"<svg .*?</svg>", html, re.S))
            assert inline and inline + base < LIMIT, (page, inline, base)
    assert [p.relative_to(site.output).as_posix() for p in site.output.rglob("*.svg")
            if "Natural Earth" in p.read_text()] == ["maps/world.svg"]


def test_the_home_page_maps_the_latest_briefings(site):
    home = site.page("index.html")
    found = links(svg_of(home))
    # MAP_HOME_BRIEFINGS=2: the two latest, Atlantis (unknown) and Bahrain
    assert set(found) == {"./region/bahrain/"}
    assert "Where the latest 2 briefings are" in home


def test_a_digest_maps_its_period(site):
    html = site.page("digest/2024-W09/")  # 1-3 March 2024: a, b, c
    found = links(svg_of(html))
    assert {h.removeprefix("../../") for h in found} == {
        "region/libya/", "region/tobruk/", "region/benghazi/"}
    assert found["../../region/libya/"][0] == "Libya: 3 briefings"
    assert found["../../region/tobruk/"][0] == "Tobruk: 2 briefings"


def test_term_pages_show_a_locator(site):
    libya = site.page("region/libya/")
    svg = svg_of(libya)
    assert not list(svg.iter(f"{SVG}a"))  # a locator is no list of links
    here = [p for p in svg.iter(f"{SVG}path") if "map__here" in p.get("class")]
    assert [p.get("data-code") for p in here] == ["LY"]
    x, y, w, h = map(int, svg.get("viewBox").split())
    assert w < worldmap.WIDTH / 4
    tobruk = svg_of(site.page("region/tobruk/"))
    assert [c.get("class") for c in tobruk.iter(f"{SVG}circle")] == [
        "map__point map__c1 map__here"]
    assert [p.get("data-code") for p in tobruk.iter(f"{SVG}path")] == ["LY"]
    assert "map__svg" not in site.page("region/middle-east/")  # no place of its own
    assert "map__svg" not in site.page("region/atlantis/")


# --- the vocabulary's codes and coordinates ---------------------------------------------------

def problems_of(text):
    return [m for _, m in vocabulary.parse(text).problems]


def test_check_requires_a_code_for_every_country_and_checks_the_values():
    found = problems_of(
        "region:\n"
        "  - name: Libya\n    kind: country\n"
        "  - name: Egypt\n    kind: country\n    iso: \"EGY\"\n"
        "  - name: Chad\n    kind: country\n    iso: \"TD\"\n"
        "  - name: Tchad\n    kind: country\n    iso: \"TD\"\n"
        "  - name: Tobruk\n    lat: 132\n    lon: 24\n"
        "  - name: Derna\n    lat: 32.7\n"
        "actors:\n  - name: Russia\n    iso: \"RU\"\n")
    assert "region 'Libya': a country needs its ISO 3166-1 code (iso: XX)" in found
    assert any("iso 'EGY' must be an ISO 3166-1 alpha-2 code" in m for m in found)
    assert "region 'Tchad': iso 'TD' is also the code of 'Chad'" in found
    assert "region 'Tobruk': lat 132 is not between -90 and 90" in found
    assert "region 'Derna': give both lat and lon, or neither" in found
    assert "actors 'Russia': iso is for region terms only" in found
    with pytest.raises(vocabulary.VocabularyError, match="lat must be a number of degrees"):
        vocabulary.parse("region:\n  - name: Tobruk\n    lat: north\n    lon: 24\n")
    with pytest.raises(vocabulary.VocabularyError, match="iso must be text"):
        vocabulary.parse("region:\n  - name: Norway\n    kind: country\n    iso: NO\n")
    good = vocabulary.parse("region:\n  - name: Libya\n    kind: country\n    iso: \"LY\"\n"
                            "  - name: Tobruk\n    lat: 32.08\n    lon: 23.96\n")
    assert not good.problems
    assert good.get("region", "Tobruk").lat == 32.08 and good.get("region", "Libya").iso == "LY"


def test_the_vocabulary_codes_are_real_and_every_place_can_be_drawn():
    iso3166 = pytest.importorskip("iso3166")
    vocab = vocabulary.load(vocabulary.default_path())
    assert not vocab.problems
    geo = worldmap.load()
    regions = vocab.terms["region"].values()
    unknown = [(t.name, t.iso) for t in regions if t.iso and t.iso not in iso3166.countries]
    assert not unknown
    countries = [t for t in regions if t.kind == "country"]
    assert len(countries) == 193 and all(t.iso for t in countries)
    # every place but the macro-regions has a shape or a point
    undrawn = [t.name for t in regions if t.kind != "macro-region"
               and t.iso not in geo.countries and t.lat is None]
    assert not undrawn, undrawn

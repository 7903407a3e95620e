"""The digest and the region maps in a real browser (headless Chromium through Playwright, as
in test_browser.py): a digest and /region/ at desktop and phone widths, light and dark, with
no axe violation, no console error, no request to another host, no sideways scroll; the map's
shapes show, link and name their counts; screenshots in test-artifacts/screenshots/.
Skipped, with the reason, when Chromium, Playwright or axe-core is missing."""

from __future__ import annotations

import json

import pytest

from browser_support import AXE_JS, assert_no_horizontal_overflow, require_axe, screenshot


@pytest.fixture(scope="module")
def busy_week(demo_site) -> str:
    """The demo's period with briefings in the most theatres."""
    folder = demo_site.output / "api" / "digest"
    exports = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.iterdir())]
    best = max(exports, key=lambda d: (len(d["theatres"]), d["period"]))
    assert len(best["theatres"]) >= 2
    return best["url"]


def axe_violations(page) -> list[str]:
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""")
    return [f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in result]


def map_is_drawn(page, selector: str) -> dict:
    """The map's size, and whether the shared outlines and the shaded shapes were painted."""
    return page.evaluate("""(selector) => {
      const svg = document.querySelector(selector);
      const use = svg.querySelector('use.map__land');
      const shaded = [...svg.querySelectorAll('.map__shape, .map__point')];
      const box = svg.getBoundingClientRect();
      return {width: box.width, height: box.height,
              outlines: use ? use.getBBox().width : 0,
              shaded: shaded.length,
              painted: shaded.filter(s => s.getBBox().width > 0).length,
              fill: shaded.length ? getComputedStyle(shaded[0]).fill : null,
              land: use ? getComputedStyle(use).fill : null};
    }""", selector)


@pytest.mark.parametrize("viewport,scheme", [("desktop", "light"), ("desktop", "dark"),
                                             ("phone", "light"), ("phone", "dark")])
def test_a_digest_and_the_region_map(open_page, busy_week, viewport, scheme):
    require_axe()
    page, watch, goto = open_page(viewport, scheme)
    found = []

    goto(busy_week)
    assert page.locator("h1").inner_text().startswith("Week ")
    theatres = page.locator(".digest-theatre__name")
    assert theatres.count() >= 2
    assert page.locator(".digest-entry").count() >= 2
    drawn = map_is_drawn(page, ".digest-map .map__svg")
    assert drawn["width"] > 200 and drawn["outlines"] > 0, drawn
    assert drawn["shaded"] >= 2 and drawn["painted"] == drawn["shaded"], drawn
    assert drawn["fill"] != drawn["land"], drawn  # a shaded country stands out from land
    assert_no_horizontal_overflow(page, f"digest at {viewport}, {scheme}")
    found += [f"digest: {v}" for v in axe_violations(page)]
    screenshot(page, f"digest-{viewport}-{scheme}")

    goto("region/")
    drawn = map_is_drawn(page, ".facet-map .map__svg")
    assert drawn["width"] > 300 and drawn["outlines"] > 0 and drawn["painted"] >= 5, drawn
    link = page.locator(".facet-map a.map__link[href$='region/libya/']")
    assert link.get_attribute("aria-label").startswith("Libya: ")
    assert link.locator("title").text_content() == link.get_attribute("aria-label")
    table = page.locator(".map__table")
    assert table.get_by_role("rowheader", name="Libya").is_visible()
    assert_no_horizontal_overflow(page, f"region at {viewport}, {scheme}")
    found += [f"region: {v}" for v in axe_violations(page)]
    screenshot(page, f"region-map-{viewport}-{scheme}")
    assert not found, "\n".join(found)
    watch.assert_clean()


def test_a_map_link_leads_to_the_term_page_and_takes_focus(open_page):
    page, watch, goto = open_page("desktop")
    goto("region/")
    link = page.locator(".facet-map a.map__link[href$='region/libya/']")
    link.focus()
    stroke = page.evaluate("""() => {
      const shape = document.activeElement.querySelector('.map__shape, .map__point');
      return parseFloat(getComputedStyle(shape).strokeWidth);
    }""")
    assert stroke >= 2  # the focused country is outlined
    page.keyboard.press("Enter")
    page.wait_for_url("**/region/libya/")
    assert page.locator("h1").inner_text() == "Libya"
    locator = page.get_by_role("region", name="Where it is")
    assert locator.locator(".map__here").count() == 1
    screenshot(page, "locator-desktop")
    watch.assert_clean()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_digest_index_and_the_home_page_link_the_digests(open_page, viewport):
    page, watch, goto = open_page(viewport)
    goto("")
    teaser = page.locator(".home__digest")
    assert teaser.inner_text().startswith("Latest digest: Week ")
    assert page.locator(".home__map .map__svg").is_visible()
    assert_no_horizontal_overflow(page, f"home at {viewport}")
    screenshot(page, f"home-map-{viewport}")
    teaser.get_by_role("link", name="every digest").click()
    page.wait_for_url("**/digest/")
    entries = page.locator(".digest-index li")
    assert entries.count() >= 3
    assert page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Digest").get_attribute("aria-current") == "page"
    assert_no_horizontal_overflow(page, f"digest index at {viewport}")
    screenshot(page, f"digest-index-{viewport}")
    watch.assert_clean()

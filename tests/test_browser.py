"""The reader's site in a real browser: headless Chromium (Debian's) driven by Playwright.

The demo site is built once (the `demo_site` fixture) and served from a thread on 127.0.0.1.
At a desktop width (1280x800) and a phone width (360x740) a reader opens the home page, opens a
briefing, follows a tag to its term page and searches with a facet filter; every page must load
without console errors, failed requests or requests to any other host, and must not scroll
sideways. axe-core scans six kinds of page at both widths, light and dark. Full-page screenshots
go to test-artifacts/screenshots/.

Skipped, with the reason, when Chromium, Playwright or axe-core is missing
(BRIEFING_REQUIRE_BROWSER_TESTS=1 turns that into a failure, as CI does).
"""

from __future__ import annotations

import json
import re

import pytest

from browser_support import (AXE_JS, VIEWPORTS, SiteServer, Watch,
                             assert_no_horizontal_overflow, require_axe, screenshot)
from search_page import box as search_box, filter_box, status_text, wait_for_results

BRIEFING = "briefings/russia-relocates-s-400s-and-s-300s-from-syria-to-libya/"
BRIEFING_TITLE = "Russia Relocates S-400s and S-300s from Syria to Libya’s Eastern Region"
TIMEOUT_MS = 15_000


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def briefings(demo_site) -> list[dict]:
    """The data export: every briefing with its title, url and terms, newest first."""
    return json.loads((demo_site.output / "api" / "briefings.json").read_text(encoding="utf-8"))


def card_titles(page) -> list[str]:
    return [t.strip() for t in page.locator(".cards .card__title a").all_inner_texts()]


# --- a reader's path through the site ------------------------------------------------------

@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_home_page_lists_the_latest_briefings(open_page, briefings, viewport):
    page, watch, goto = open_page(viewport)
    goto("")
    assert page.title() == "Briefing"
    assert page.locator("h1").inner_text() == "Latest briefings"
    # the newest briefings, newest first, as the data export orders them
    assert card_titles(page) == [b["title"] for b in briefings[:10]]
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Latest", "About", "Regions", "Actors", "Systems", "Archives", "Search"):
        assert nav.get_by_role("link", name=label, exact=True).is_visible(), label
    assert nav.get_by_role("link", name="Latest").get_attribute("aria-current") == "page"

    aside = page.get_by_role("complementary")
    assert aside.get_by_role("heading", name="Most active").is_visible()
    assert aside.get_by_role("link", name=re.compile(r"^Russia \d+$")).first.is_visible()
    cards, side = page.locator(".cards").bounding_box(), aside.bounding_box()
    if viewport == "desktop":  # beside the cards
        assert side["x"] >= cards["x"] + cards["width"] - 1
    else:  # under them
        assert side["y"] >= cards["y"] + cards["height"] - 1
    assert_no_horizontal_overflow(page, f"home at {viewport}")
    print(screenshot(page, f"flow-home-{viewport}"))
    watch.assert_clean()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_open_a_briefing_and_follow_a_tag_to_its_term_page(open_page, briefings, viewport):
    page, watch, goto = open_page(viewport)
    goto("")
    page.locator(".cards").get_by_role("link", name=BRIEFING_TITLE).click()
    page.wait_for_url(f"**/{BRIEFING}")
    assert page.locator("h1").inner_text() == BRIEFING_TITLE
    assert page.title() == f"{BRIEFING_TITLE} · Briefing"
    header = page.locator(".briefing__header")
    assert "19 December 2024" in header.locator("time").inner_text()
    assert "by Daniel Kim" in header.inner_text()
    assert "Khalifa Haftar" in page.locator(".briefing__summary").inner_text()
    assert page.locator(".briefing__body p").first.inner_text().startswith(
        "Reports have emerged that Russia is transferring")
    related = page.get_by_role("region", name="Related briefings")
    assert related.locator("li").count() >= 1
    assert "shared:" in related.locator(".related__why").first.inner_text()
    assert_no_horizontal_overflow(page, f"briefing at {viewport}")
    print(screenshot(page, f"flow-briefing-{viewport}"))

    page.locator(".facets").get_by_role("link", name="S-300", exact=True).click()
    page.wait_for_url("**/systems/s-300/")
    assert page.locator("h1").inner_text() == "S-300"
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert crumbs.get_by_role("link", name="Systems").is_visible()
    expected = {b["title"] for b in briefings if "S-300" in b["systems"]}
    assert len(expected) >= 2
    assert set(card_titles(page)) == expected
    assert page.locator(".term-header__count").inner_text().startswith(f"{len(expected)} briefings")
    feed = page.get_by_role("link", name="Atom feed for S-300")
    assert feed.get_attribute("href").endswith("feed.xml")
    assert_no_horizontal_overflow(page, f"term page at {viewport}")
    print(screenshot(page, f"flow-term-{viewport}"))
    watch.assert_clean()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_search_and_narrow_by_a_facet_filter(open_page, briefings, viewport):
    page, watch, goto = open_page(viewport)
    goto("search/")
    search_box(page).fill("air defense")
    everything = wait_for_results(page)
    assert BRIEFING_TITLE in everything
    assert "First Patriot air defense systems arrive in Ukraine" in everything

    # narrow to one system: the filter panel lists the facets with their counts
    message = status_text(page)
    page.locator("summary", has_text="Systems").click()
    page.get_by_label(re.compile(r"^S-400 \(\d+\)$")).check()
    narrowed = wait_for_results(page, previous=message)
    s400 = {b["title"] for b in briefings if "S-400" in b["systems"]}
    assert BRIEFING_TITLE in narrowed
    assert set(narrowed) <= s400, set(narrowed) - s400
    assert len(narrowed) < len(everything)
    assert_no_horizontal_overflow(page, f"search at {viewport}")
    print(screenshot(page, f"flow-search-{viewport}"))

    # the address carries a query and filters: /search/?q=...&region=...
    goto("search/?q=S-400&region=Libya")
    results = wait_for_results(page)
    libya = {b["title"] for b in briefings if "Libya" in b["region"]}
    assert BRIEFING_TITLE in results and set(results) <= libya
    assert search_box(page).input_value() == "S-400"
    assert filter_box(page, "region", "Libya").is_checked()
    watch.assert_clean()


def test_keyboard_skip_link_and_visible_focus(open_page):
    page, watch, goto = open_page("desktop")
    goto(BRIEFING)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the skip link must come into view when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
      const el = document.activeElement, s = getComputedStyle(el);
      return {inMain: !!el.closest('main'), tag: el.tagName, outline: s.outlineStyle,
              width: parseFloat(s.outlineWidth)};
    }""")
    assert focused["inMain"] and focused["tag"] == "A", focused
    assert focused["outline"] != "none" and focused["width"] >= 2, focused
    watch.assert_clean()


# --- accessibility, at both widths, light and dark -----------------------------------------

SCANNED = {
    "home": "",
    "briefing": BRIEFING,
    "term": "systems/s-300/",
    "facet-index": "systems/",
    "search": "search/?q=S-400",
    "archives": "archives/",
}


@pytest.mark.parametrize("viewport,scheme", [("desktop", "light"), ("desktop", "dark"),
                                             ("phone", "light"), ("phone", "dark")])
def test_accessibility_scan_with_axe(open_page, viewport, scheme):
    require_axe()
    page, watch, goto = open_page(viewport, scheme)
    axe_source = AXE_JS.read_text(encoding="utf-8")
    found = []
    for name, path in SCANNED.items():
        goto(path)
        if name == "search":
            wait_for_results(page)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
            scheme == "dark")
        page.add_script_tag(content=axe_source)
        result = page.evaluate("""async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""")
        for v in result:
            if v["impact"] in ("serious", "critical"):
                found.append(f"{name} ({viewport}, {scheme}): {v['impact']} {v['id']}: "
                             f"{v['help']}\n    " + "\n    ".join(v["nodes"]))
        assert_no_horizontal_overflow(page, f"{name} at {viewport}, {scheme}")
        screenshot(page, f"{name}-{viewport}-{scheme}")
    assert not found, "\n".join(found)
    watch.assert_clean()


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    """The demo site with its search index in shards of at most 3 briefings."""
    from conftest import CONTENT, build_site

    out = tmp_path_factory.mktemp("sharded-site")
    build = build_site(CONTENT, out, extra=["-e", "SEARCH_SHARD_SIZE=3"])
    assert build.returncode == 0, build.log
    with SiteServer(build.output) as server:
        yield build, server


def test_search_merges_the_shards_of_a_large_index(browser, sharded_site, briefings):
    build, server = sharded_site
    shards = json.loads((build.output / "pagefind" / "shards.json").read_text())["shards"]
    assert len(shards) >= 1
    counts = [json.loads((build.output / "pagefind" / s / "pagefind-entry.json").read_text())
              for s in [""] + shards]
    pages = sum(lang["page_count"] for entry in counts for lang in entry["languages"].values())
    assert pages == len(briefings)  # every briefing in exactly one shard

    context = browser.new_context(viewport=VIEWPORTS["desktop"], service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        watch = Watch(context)
        page = context.new_page()
        page.goto(f"{server.url}/search/", wait_until="load")
        search_box(page).fill("air defense")
        everything = wait_for_results(page)
        assert BRIEFING_TITLE in everything
        assert "First Patriot air defense systems arrive in Ukraine" in everything
        # the filters count over every shard
        message = status_text(page)
        page.locator("summary", has_text="Systems").click()
        s400 = {b["title"] for b in briefings if "S-400" in b["systems"]}
        expected = s400 & set(everything)
        page.get_by_label(f"S-400 ({len(expected)})").check()
        narrowed = wait_for_results(page, previous=message)
        assert set(narrowed) == expected
        watch.assert_clean()
    finally:
        context.close()


@pytest.fixture(scope="module")
def site_with_a_draft(tmp_path_factory):
    """The demo content plus one draft, as ingest writes it, built for development."""
    import shutil

    from conftest import CONTENT, build_site

    content = tmp_path_factory.mktemp("draft-content") / "content"
    shutil.copytree(CONTENT, content)
    (content / "briefings" / "draft-under-review.md").write_text(
        "---\ntitle: A draft under review\nslug: draft-under-review\ndate: 2024-12-20\n"
        "status: draft\nregion: [Libya]\nsummary: Not yet reviewed.\n---\n\n"
        "Officials said the batteries were moved overnight, according to the draft.\n",
        encoding="utf-8")
    out = tmp_path_factory.mktemp("draft-site")
    build = build_site(content, out, extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log
    with SiteServer(build.output) as server:
        yield server


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_draft_shows_its_banner_and_is_on_no_list(browser, site_with_a_draft, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        watch = Watch(context)
        page = context.new_page()
        page.goto(f"{site_with_a_draft.url}/drafts/draft-under-review/", wait_until="load")
        banner = page.get_by_role("note").filter(has_text="Draft")
        assert banner.is_visible()
        assert "not on the published site" in banner.inner_text()
        assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
        assert_no_horizontal_overflow(page, f"draft at {viewport}")
        print(screenshot(page, f"draft-{viewport}"))
        page.goto(f"{site_with_a_draft.url}/", wait_until="load")
        assert "A draft under review" not in page.inner_text("main")
        watch.assert_clean()
    finally:
        context.close()

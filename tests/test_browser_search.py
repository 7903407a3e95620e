"""The search page in a real browser: what it shows is always for the query in the box (#20).

Headless Chromium (Debian's) through Playwright, on the demo site built once per session (the
`demo_site` fixture) and served from a thread on 127.0.0.1, as in test_browser.py.

- A query no briefing contains says so in words, naming the query, with no result shown.
- Typed fast, or after prefixes that had results, the page shows only the last query's results
  (or its no-results state): at no frame while the box holds the final query is a result shown
  that does not contain it (`RECORD_JS` watches every frame).
- A query in the address behaves the same; a query with markup is shown as text.

Skipped, with the reason, when Chromium or Playwright is missing (see browser_support).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from browser_support import AXE_JS, VIEWPORTS, Watch, require_axe, screenshot
from search_page import (SETTLED_JS, VISIBLE_JS, box, count_in, filter_box, settle,
                         status_text, visible)

TIMEOUT_MS = 15_000
MARKUP = "<img src=x onerror=alert(1)>"


# --- fixtures (browser and site: conftest.py) ---------------------------------------------

@pytest.fixture
def open_search(browser, site):
    """open_search(path) -> (page, watch): the page at `path` in a fresh, watched context,
    its search box ready. Dialogs (an injected alert()) are recorded in page.dialogs."""
    contexts = []

    def make(path: str = "search/", viewport: str = "desktop"):
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-GB",
                                      service_workers="block")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        watch = Watch(context)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        response = page.goto(f"{site.url}/{path}", wait_until="load")
        assert response is not None and response.ok, (path, response and response.status)
        page.wait_for_function("() => document.getElementById('search').classList.contains('search--ready')")
        return page, watch

    yield make
    for context in contexts:
        context.close()


# --- what the page shows -------------------------------------------------------------------

# From now on, at every frame in which the box holds `final`, note each visible result that
# does not contain `word`.
RECORD_JS = """([final, word]) => {
  window.__frames = 0; window.__wrong = [];
  const visible = %s;
  const tick = () => {
    const box = document.getElementById('search-input');
    if (box && box.value === final) {
      window.__frames += 1;
      for (const r of visible()) {
        if (r.title && !(r.title + ' ' + r.excerpt).toLowerCase().includes(word)) {
          window.__wrong.push(r.title);
        }
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}""" % VISIBLE_JS


def shows_results(page) -> None:
    page.wait_for_function(f"() => ({VISIBLE_JS})().some(r => r.title)")


def answered(page, term: str) -> None:
    page.wait_for_function(SETTLED_JS, arg=term)


def start_recording(page, final: str, word: str) -> None:
    page.evaluate(RECORD_JS, [final, word.lower()])


def recorded(page) -> tuple[int, list[str]]:
    return page.evaluate("[window.__frames, window.__wrong]")


def type_rest_fast(page, rest: str, final: str, word: str) -> None:
    """Type ``rest`` with no delay, ending at ``final``; fail if, at any frame while the box
    held ``final``, a result without ``word`` was shown (an earlier query's)."""
    start_recording(page, final, word)
    page.keyboard.type(rest, delay=0)
    answered(page, final)
    frames, wrong = recorded(page)
    assert frames > 0
    assert not wrong, (f"while the box said {final!r}, results of an earlier query were shown: "
                       f"{sorted(set(wrong))}")


def type_slowly(open_search, query: str) -> tuple[str, list[str]]:
    """The status line and result titles for `query` typed a key at a time, every prefix
    searched (the pause is longer than the debounce)."""
    page, watch = open_search()
    box(page).click()
    page.keyboard.type(query, delay=350)
    status = settle(page)
    titles = [r["title"] for r in visible(page)]
    watch.assert_clean()
    return status, titles


def no_results(query: str) -> str:
    return f"No briefing matches “{query}”."


# --- tests ---------------------------------------------------------------------------------

def test_a_query_no_briefing_contains_says_so(open_search):
    page, watch = open_search()
    status = page.locator("#search-status")
    # the status line is there before anything is typed: screen readers hear what it says
    assert status.get_attribute("aria-live") == "polite"
    assert status_text(page) == ""
    top_before = status.bounding_box()["y"]
    assert status.bounding_box()["height"] > 10  # its line is kept, empty

    box(page).click()
    page.keyboard.type("Hezbollah", delay=20)
    assert settle(page) == no_results("Hezbollah")
    assert page.locator(".search__result").count() == 0
    assert visible(page) == []
    assert page.locator(".search__clear-filters").is_hidden()  # no filter is on
    # the message took the line kept for it: nothing above it moved
    assert status.bounding_box()["y"] == top_before
    print(screenshot(page, "search-no-results-desktop"))

    # an empty box shows neither results nor the message
    box(page).fill("")
    page.wait_for_function("() => document.getElementById('search-status').textContent === ''")
    assert visible(page) == []
    watch.assert_clean()


@pytest.mark.parametrize("first,rest,word", [("S", "-300", "S-300"), ("T", "urkey", "Turkey")])
def test_typing_fast_shows_only_the_last_querys_results(open_search, first, rest, word):
    final = first + rest
    page, watch = open_search()
    box(page).click()
    page.keyboard.type(first, delay=0)
    answered(page, first)
    shows_results(page)  # the first prefix's results are on the page
    type_rest_fast(page, rest, final, word)

    slow_status, slow_titles = type_slowly(open_search, final)
    assert slow_titles, f"{final!r} typed slowly should find briefings"
    status = settle(page)
    assert status == slow_status, (status, slow_status)
    shown = visible(page)
    assert len(shown) == count_in(status) == len(slow_titles)
    for result in shown:
        assert word.lower() in (result["title"] + " " + result["excerpt"]).lower(), result
    assert sorted(r["title"] for r in shown) == sorted(slow_titles)

    # the whole query typed at once, from an empty box, ends the same
    page2, watch2 = open_search()
    box(page2).click()
    page2.keyboard.type(final, delay=0)
    assert settle(page2) == slow_status
    assert sorted(r["title"] for r in visible(page2)) == sorted(slow_titles)
    watch.assert_clean()
    watch2.assert_clean()


@pytest.mark.parametrize("prefixes,rest", [(["H", "He"], "zbollah"), (["S", "S-4"], "zz")])
def test_typing_on_past_matching_prefixes_to_no_match(open_search, prefixes, rest):
    page, watch = open_search()
    box(page).click()
    typed = ""
    for prefix in prefixes:  # each prefix searched, with results
        page.keyboard.type(prefix[len(typed):], delay=0)
        typed = prefix
        answered(page, typed)
        shows_results(page)
    final = typed + rest
    type_rest_fast(page, rest, final, final)
    assert settle(page) == no_results(final)
    assert visible(page) == [] and page.locator(".search__result").count() == 0
    watch.assert_clean()


def test_a_query_in_the_address_behaves_the_same(open_search):
    slow_status, slow_titles = type_slowly(open_search, "S-300")

    page, watch = open_search("search/?q=S-300")
    assert box(page).input_value() == "S-300"
    assert settle(page) == slow_status
    shown = visible(page)
    assert sorted(r["title"] for r in shown) == sorted(slow_titles)
    assert all("s-300" in (r["title"] + " " + r["excerpt"]).lower() for r in shown), shown

    page, watch2 = open_search("search/?q=Hezbollah")
    assert box(page).input_value() == "Hezbollah"
    assert settle(page) == no_results("Hezbollah")
    assert visible(page) == [] and page.locator(".search__result").count() == 0
    watch.assert_clean()
    watch2.assert_clean()


def test_markup_in_the_query_is_shown_as_text(open_search):
    # in the address, with a filter under which nothing matches: the no-results message,
    # which says that the filter narrows it and how to clear it
    page, watch = open_search(f"search/?q={quote(MARKUP)}&region=Libya")
    libya = filter_box(page, "region", "Libya")
    message = settle(page)
    assert message == (f"No briefing matches “{MARKUP}”. Filters narrow this search (Libya): "
                       "untick them, or clear all filters, to search every briefing.")
    assert "&lt;img" in page.locator("#search-status").inner_html()
    assert page.locator("#search img, #search [onerror]").count() == 0
    assert libya.is_checked()
    clear = page.get_by_role("button", name="Clear all filters")
    assert clear.is_visible()
    print(screenshot(page, "search-no-results-filtered-desktop"))

    # clearing the filters searches every briefing for the same words
    clear.click()
    page.wait_for_function("() => !document.getElementById('search-status').textContent"
                           ".includes('Filters narrow')")
    status = settle(page)
    assert f"“{MARKUP}”" in status and "Filters" not in status, status
    # unticked; and, as no briefing matches, no longer offered
    assert libya.count() == 0 and page.locator("#search .search__chip").count() == 0
    assert box(page).evaluate("el => el === document.activeElement")
    assert page.locator("#search img, #search [onerror]").count() == 0

    # typed into the box
    page2, watch2 = open_search()
    box(page2).click()
    page2.keyboard.type(MARKUP, delay=0)
    status = settle(page2)
    assert f"“{MARKUP}”" in status, status
    assert "&lt;img" in page2.locator("#search-status").inner_html()
    assert page2.locator("#search img, #search [onerror]").count() == 0
    page2.wait_for_timeout(300)  # an injected onerror would have fired by now
    assert page.dialogs == [] and page2.dialogs == []
    watch.assert_clean()
    watch2.assert_clean()


def test_the_no_results_state_passes_axe(open_search):
    require_axe()
    page, watch = open_search("search/?q=Hezbollah&systems=S-400", viewport="phone")
    assert settle(page).startswith(no_results("Hezbollah") + " Filters narrow")
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => v.id + ': ' + v.help + ' ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')));
    }""")
    assert not found, "\n".join(found)
    print(screenshot(page, "search-no-results-filtered-phone"))
    watch.assert_clean()


# --- filters, roll-up, order, dates, snippets ---------------------------------------------

@pytest.fixture(scope="module")
def briefings(demo_site) -> list[dict]:
    """The data export: every briefing with its title, url, date and terms."""
    import json
    return json.loads((demo_site.output / "api" / "briefings.json").read_text(encoding="utf-8"))


def shown_dates(page) -> list:
    from datetime import datetime
    return [datetime.strptime(r["date"], "%d %B %Y").date() for r in visible(page)]


def facet_values(page, facet: str) -> dict[str, int]:
    """The values the panel of `facet` offers, with their counts."""
    labels = page.locator(f'#search [data-facet="{facet}"] .search__value label').all_inner_texts()
    out = {}
    for label in labels:
        match = re.match(r"^(.*) \(([\d,]+)\)$", label.strip())
        assert match, label
        out[match.group(1)] = int(match.group(2).replace(",", ""))
    return out


def test_an_active_filter_from_the_address_is_visible_and_removable(open_search, briefings):
    page, watch = open_search("search/?q=S-400&region=Libya")
    narrowed = settle(page, "S-400")
    assert "narrowed by 1 filter" in narrowed
    # on screen: a chip above the results, the Region panel open with Libya ticked
    chip = page.get_by_role("button", name="Remove filter Region: Libya")
    assert chip.is_visible()
    assert chip.bounding_box()["y"] < page.locator("#search-results").bounding_box()["y"]
    assert page.locator('#search details[data-facet="region"]').evaluate("d => d.open")
    assert filter_box(page, "region", "Libya").is_checked()
    # a value that would leave no result is not offered; Libya's own count is the total
    values = facet_values(page, "region")
    assert values and all(n > 0 for n in values.values()), values
    assert values["Libya"] == count_in(narrowed)
    assert not {b for r in briefings for b in r["region"]} <= set(values), "nothing hidden?"
    print(screenshot(page, "search-active-filter-desktop"))

    # removed: the chip goes, the box is unticked, the address and the count follow
    chip.click()
    page.wait_for_function("() => !location.search.includes('region=')")
    everything = settle(page, "S-400")
    assert "narrowed" not in everything and count_in(everything) > count_in(narrowed)
    assert page.locator("#search .search__chip").count() == 0
    assert page.locator('#search [data-facet="region"] input:checked').count() == 0
    assert box(page).evaluate("el => el === document.activeElement")
    watch.assert_clean()


def test_a_parent_region_filter_finds_briefings_tagged_only_with_its_children(open_search,
                                                                           briefings):
    from briefing.core.vocabulary import default_path, load

    vocab = load(default_path())
    rolled = {}  # parent -> titles of briefings under it; only parents nobody tags directly
    direct = {name for b in briefings for name in b["region"]}
    for b in briefings:
        for name in b["region"]:
            for parent in vocab.ancestors("region", name):
                rolled.setdefault(parent, set()).add(b["title"])
    parents = sorted(p for p in rolled if p not in direct)
    assert parents, "the demo should have a region reached only through its children"
    parent = max(parents, key=lambda p: (len(rolled[p]), p))
    page, watch = open_search(f"search/?region={quote(parent)}")
    status = settle(page, "")
    assert count_in(status) == len(rolled[parent]), (parent, status)
    assert set(r["title"] for r in visible(page)) == rolled[parent]
    assert page.get_by_role("button", name=f"Remove filter Region: {parent}").is_visible()
    watch.assert_clean()


def test_date_order_and_a_date_range(open_search, briefings):
    # words and the newest first; then the oldest first: the same results, reversed order
    page, watch = open_search("search/?q=S-300&sort=newest")
    settle(page, "S-300")
    newest = shown_dates(page)
    assert len(newest) >= 2 and newest == sorted(newest, reverse=True), newest
    assert page.locator("#search-sort").input_value() == "newest"
    page.locator("#search-sort").select_option("oldest")
    page.wait_for_function("() => location.search.includes('sort=oldest')")
    settle(page, "S-300")
    oldest = shown_dates(page)
    assert oldest == sorted(newest), oldest

    # a date range: only briefings inside it, said by a chip; without words, newest first
    months = sorted({b["date"][:7] for b in briefings})
    assert len(months) >= 2
    low, high = (months[1], months[-2]) if len(months) >= 3 else (months[-1], months[-1])
    inside = {b["title"] for b in briefings if low <= b["date"][:7] <= high}
    assert inside and len(inside) < len(briefings)
    page2, watch2 = open_search(f"search/?from={low}&to={high}")
    status = settle(page2, "")
    assert set(r["title"] for r in visible(page2)) == inside, status
    dates = shown_dates(page2)
    assert dates == sorted(dates, reverse=True)
    assert page2.get_by_role("button", name=re.compile(r"^Remove filter Dates: ")).is_visible()
    watch.assert_clean()
    watch2.assert_clean()


def test_snippets_come_from_the_articles_text(open_search, briefings):
    page, watch = open_search("search/?q=S-400")
    settle(page, "S-400")
    shown = visible(page)
    assert shown
    for result in shown:
        assert not result["excerpt"].startswith(result["title"][:20]), result
        assert any(m.lower().startswith("s-400") for m in result["marks"]), result
    # every snippet's words are a run of the briefing's own text (#briefing-text)
    for result in shown:
        link = page.get_by_role("link", name=result["title"], exact=True)
        href = link.get_attribute("href")
        text = page.evaluate("""async (href) => {
          const html = await (await fetch(href)).text();
          const doc = new DOMParser().parseFromString(html, 'text/html');
          return doc.getElementById('briefing-text').textContent;
        }""", href)
        words = lambda s: " ".join(re.findall(r"\w+", s.lower()))
        assert words(result["excerpt"]) in words(text), (result["title"], result["excerpt"])
    watch.assert_clean()

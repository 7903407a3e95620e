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
        page.locator("#search input[type='text']").wait_for()
        return page, watch

    yield make
    for context in contexts:
        context.close()


# --- what the page shows -------------------------------------------------------------------

# The results a reader can see (not hidden): title and excerpt of each one, "" for those
# still loading (Pagefind UI's placeholders, "pagefind-ui__loading", have no link).
VISIBLE_JS = """() => [...document.querySelectorAll('#search .pagefind-ui__result')]
  .filter(li => li.getClientRects().length > 0 && getComputedStyle(li).visibility !== 'hidden')
  .map(li => {
    const text = (sel) => (li.querySelector(sel) || {textContent: ''}).textContent.trim();
    return {title: text('.pagefind-ui__result-link'),
            excerpt: text('.pagefind-ui__result-excerpt:not(.pagefind-ui__loading)')};
  })"""

# From now on, at every frame in which the box holds `final`, note each visible (loaded)
# result that does not contain `word`.
RECORD_JS = """([final, word]) => {
  window.__frames = 0; window.__wrong = [];
  const visible = %s;
  const tick = () => {
    const box = document.querySelector('#search input[type="text"]');
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

# Pagefind UI has finished the search for `term` (its own message, which our status line
# replaces on screen, names the term) and every result it lists has loaded.
PAGEFIND_DONE_JS = """(term) => {
  const msg = document.querySelector('#search .pagefind-ui__message');
  if (!msg || !/^(\\d+ results?|No results) for /.test(msg.textContent)
      || !msg.textContent.endsWith(' for ' + term)) return false;
  const links = [...document.querySelectorAll('#search .pagefind-ui__result-link')];
  return !document.querySelector('#search .pagefind-ui__results .pagefind-ui__loading')
      && links.length === document.querySelectorAll('#search .pagefind-ui__result').length
      && links.every(a => a.textContent.trim().length > 0);
}"""

# Our status line has its answer, and the list shown (if any) is current and loaded.
SETTLED_JS = """() => {
  const status = document.getElementById('search-status');
  if (!status || status.hasAttribute('aria-busy') || !status.textContent) return false;
  const root = document.getElementById('search');
  const items = root.querySelectorAll('.pagefind-ui__result').length;
  if (status.textContent.startsWith('No briefing matches')) return items === 0;
  const links = [...root.querySelectorAll('.pagefind-ui__result-link')];
  return !root.classList.contains('search--stale') && items > 0 && links.length === items
      && !root.querySelector('.pagefind-ui__loading') && links.every(a => a.textContent.trim());
}"""


def box(page):
    return page.get_by_role("search").get_by_role("textbox")


def status_text(page) -> str:
    return page.locator("#search-status").inner_text().strip()


def visible(page) -> list[dict]:
    return page.evaluate(VISIBLE_JS)


def settle(page) -> str:
    """Wait until the status line has its answer and the list is shown; all of it ("Load
    more"). Returns the status line."""
    page.wait_for_function(SETTLED_JS)
    text = status_text(page)
    if not text.startswith("No briefing matches"):
        total = count_in(text)
        while page.locator(".pagefind-ui__result").count() < total:
            shown = page.locator(".pagefind-ui__result").count()
            page.locator(".pagefind-ui__button", has_text="Load more").click()
            page.wait_for_function("(n) => document.querySelectorAll('.pagefind-ui__result')"
                                   ".length > n", arg=shown)
            page.wait_for_function(SETTLED_JS)
    return text


def shows_results(page) -> None:
    page.wait_for_function(f"() => ({VISIBLE_JS})().some(r => r.title)")


def count_in(status: str) -> int:
    match = re.match(r"^([\d,]+) results? for “", status)
    assert match, status
    return int(match.group(1).replace(",", ""))


def start_recording(page, final: str, word: str) -> None:
    page.evaluate(RECORD_JS, [final, word.lower()])


def recorded(page) -> tuple[int, list[str]]:
    return page.evaluate("[window.__frames, window.__wrong]")


def type_rest_fast(page, rest: str, final: str, word: str) -> None:
    """Type ``rest`` with no delay, ending at ``final``; fail if, at any frame while the box
    held ``final``, a result without ``word`` was shown (an earlier query's)."""
    start_recording(page, final, word)
    page.keyboard.type(rest, delay=0)
    page.wait_for_function(PAGEFIND_DONE_JS, arg=final)
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
    assert page.locator(".pagefind-ui__result").count() == 0
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
    page.wait_for_function(PAGEFIND_DONE_JS, arg=first)
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
        page.wait_for_function(PAGEFIND_DONE_JS, arg=typed)
        shows_results(page)
    final = typed + rest
    type_rest_fast(page, rest, final, final)
    assert settle(page) == no_results(final)
    assert visible(page) == [] and page.locator(".pagefind-ui__result").count() == 0
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
    assert visible(page) == [] and page.locator(".pagefind-ui__result").count() == 0
    watch.assert_clean()
    watch2.assert_clean()


def test_markup_in_the_query_is_shown_as_text(open_search):
    # in the address, with a filter under which nothing matches: the no-results message,
    # which says that the filter narrows it and how to clear it
    page, watch = open_search(f"search/?q={quote(MARKUP)}&region=Libya")
    libya = page.locator('input[type="checkbox"][name="region"][value="Libya"]')
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
    assert not libya.is_checked()
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

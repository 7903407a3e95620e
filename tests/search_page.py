"""What the search page (theme/static/js/search.js) shows, read from a Playwright page.

Shared by the browser tests (test_browser.py, test_browser_search.py); not a test module.
"""

from __future__ import annotations

import re

# The results a reader can see (not hidden): title, date and snippet of each one.
VISIBLE_JS = """() => [...document.querySelectorAll('#search .search__result')]
  .filter(li => li.getClientRects().length > 0 && getComputedStyle(li).visibility !== 'hidden')
  .map(li => {
    const text = (sel) => (li.querySelector(sel) || {textContent: ''}).textContent.trim();
    return {title: text('.search__result-link'), date: text('.search__result-meta'),
            excerpt: text('.search__result-excerpt'),
            marks: [...li.querySelectorAll('.search__result-excerpt mark')].map(m => m.textContent)};
  })"""

# The page has answered for what is on screen now: the status line has its answer (not
# busy), and the list shown is current (not stale). `term`, when given, must be in the box.
SETTLED_JS = """(term) => {
  const status = document.getElementById('search-status');
  const root = document.getElementById('search');
  const box = document.getElementById('search-input');
  if (!status || !root || !root.classList.contains('search--ready')) return false;
  if (term !== null && box.value !== term) return false;
  if (status.hasAttribute('aria-busy')) return false;
  if (root.classList.contains('search--stale')) return false;
  const items = root.querySelectorAll('.search__result').length;
  const text = status.textContent;
  if (!text) return items === 0;
  if (text.startsWith('No briefing matches')) return items === 0;
  return items > 0;
}"""

NO_MATCH = "No briefing matches"


def box(page):
    return page.get_by_role("search").get_by_role("searchbox")


def status_text(page) -> str:
    return page.locator("#search-status").inner_text().strip()


def visible(page) -> list[dict]:
    return page.evaluate(VISIBLE_JS)


def count_in(status: str) -> int:
    match = re.match(r"^([\d,]+) results? for ", status)
    assert match, status
    return int(match.group(1).replace(",", ""))


def settle(page, term: str | None = None) -> str:
    """Wait until the page has answered (for `term` in the box, if given), then show every
    result ("Show more results"). Returns the status line."""
    page.wait_for_function(SETTLED_JS, arg=term)
    text = status_text(page)
    if text and not text.startswith(NO_MATCH):
        total = count_in(text)
        while page.locator(".search__result").count() < total:
            shown = page.locator(".search__result").count()
            page.get_by_role("button", name="Show more results").click()
            page.wait_for_function("(n) => document.querySelectorAll('.search__result').length > n",
                                   arg=shown)
        assert page.locator(".search__result").count() == total, text
    return text


def titles(page) -> list[str]:
    return [r["title"] for r in visible(page)]


def wait_for_results(page, previous: str | None = None) -> list[str]:
    """Wait for an answer with results (other than the status line `previous`), all shown;
    their titles."""
    page.wait_for_function(
        """(previous) => {
          const status = document.getElementById('search-status');
          return status && status.textContent !== previous
              && /^[\\d,]+ results? for /.test(status.textContent);
        }""", arg=previous)
    settle(page)
    return titles(page)


def filter_box(page, facet: str, value: str):
    return page.locator(f'#search input[type="checkbox"][name="{facet}"][value="{value}"]')

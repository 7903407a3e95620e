"""Helpers for the browser tests and the HTML validation: where the tools are, why a test is
skipped, a local HTTP server for the built site, and a watcher that records what a page does.

Nothing here imports Playwright at import time, so conftest.py can read the run's notes
(`summary_lines`) even where Playwright is not installed.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium"))
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# With this set (CI sets it), a missing browser or tool fails the tests instead of skipping them.
REQUIRE_ENV = "BRIEFING_REQUIRE_BROWSER_TESTS"

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

# Chromium must not try to reach anything but this machine: the network is closed, and a page
# of ours that asked for another host is a bug the tests report. Playwright already gives every
# launch a fresh temporary profile (its own --user-data-dir) and runs it headless.
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


# --- what ran and what was skipped, for the one-line note at the end of the run ------------

@dataclass
class Notes:
    skipped: dict[str, str] = field(default_factory=dict)  # what -> reason
    ran: set[str] = field(default_factory=set)
    screenshots: int = 0
    lighthouse: list[str] = field(default_factory=list)  # the score table, for the summary


NOTES = Notes()


def skip_or_fail(what: str, reason: str) -> None:
    """Skip (or, with BRIEFING_REQUIRE_BROWSER_TESTS=1, fail) for a missing tool."""
    import pytest

    NOTES.skipped.setdefault(what, reason)
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 makes this an error)", pytrace=False)
    pytest.skip(reason)


def require_browser() -> None:
    if not CHROMIUM.exists():
        skip_or_fail("browser tests", f"Chromium not found at {CHROMIUM}: browser tests skipped; "
                     "install the chromium package (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("browser tests", "Playwright for Python is not installed: browser tests "
                     "skipped; run make install (it is in the test extra)")


def require_axe() -> None:
    if not AXE_JS.exists():
        skip_or_fail("accessibility scan", f"axe-core not found at {AXE_JS.relative_to(ROOT)}: "
                     "accessibility scan skipped; run npm ci")


def require_vnu() -> str:
    java = shutil.which("java")
    if not java:
        skip_or_fail("HTML validation", "java not found: HTML validation skipped; install "
                     "default-jre-headless")
    if not VNU_JAR.exists():
        skip_or_fail("HTML validation", f"vnu.jar not found at {VNU_JAR.relative_to(ROOT)}: "
                     "HTML validation skipped; run npm ci")
    return java


def require_lighthouse() -> str:
    """The node binary that runs Lighthouse (from npm, pinned in package-lock.json)."""
    if not CHROMIUM.exists():
        skip_or_fail("Lighthouse", f"Chromium not found at {CHROMIUM}: Lighthouse skipped; "
                     "install the chromium package (apt-get install chromium)")
    node = shutil.which("node")
    if not node:
        skip_or_fail("Lighthouse", "node not found: Lighthouse skipped; install nodejs")
    if not LIGHTHOUSE_CLI.exists():
        skip_or_fail("Lighthouse", f"Lighthouse not found at {LIGHTHOUSE_CLI.relative_to(ROOT)}:"
                     " Lighthouse skipped; run npm ci")
    return node


def summary_lines() -> list[str]:
    lines = list(NOTES.lighthouse)
    for what, reason in NOTES.skipped.items():
        lines.append(f"SKIPPED {what}: {reason}")
    if NOTES.screenshots:
        lines.append(f"browser tests: {NOTES.screenshots} full-page screenshots in {SCREENSHOTS}/")
    return lines


# --- the site over HTTP ---------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class SiteServer:
    """Serves a folder at http://127.0.0.1:<free port>/ from a thread."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


# --- what a page does -----------------------------------------------------------------------

def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True  # not a network request
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname in LOCAL_HOSTS


class Watch:
    """Records console errors, page errors, failed and non-local requests of a context."""

    def __init__(self, context):
        self.problems: list[str] = []
        self.requests: list[str] = []
        context.on("page", self._attach)
        context.on("request", self._request)
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        for page in context.pages:
            self._attach(page)

    def _attach(self, page) -> None:
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda err: self.problems.append(f"{page.url}: page error: {err}"))

    def _console(self, page, msg) -> None:
        if msg.type in ("error", "assert"):
            where = (msg.location or {}).get("url") or page.url
            self.problems.append(f"{page.url}: console {msg.type}: {msg.text} ({where})")

    def _request(self, request) -> None:
        self.requests.append(request.url)
        if not is_local(request.url):
            self.problems.append(f"request to another host: {request.url}")

    def _failed(self, request) -> None:
        self.problems.append(f"request failed: {request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def assert_clean(self) -> None:
        assert self.requests, "the watcher saw no request at all"
        assert not self.problems, "\n".join(self.problems)


# Elements wider than the viewport at the current width (what makes a phone scroll sideways).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 || r.left < -1) {
      let hidden = false;  // inside something that clips or scrolls on its own
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX !== 'visible') { hidden = true; break; }
      }
      if (!hidden && getComputedStyle(el).position !== 'fixed') {
        const name = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
          ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
        out.push(`${name} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
      }
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, offenders: out.slice(0, 10)};
}"""


def assert_no_horizontal_overflow(page, label: str) -> None:
    info = page.evaluate(OVERFLOW_JS)
    assert info["scrollWidth"] <= info["width"] and not info["offenders"], (
        f"{label}: the page is {info['scrollWidth']}px wide in a {info['width']}px viewport; "
        f"too wide: {info['offenders']}")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    NOTES.screenshots += 1
    return path

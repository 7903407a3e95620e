"""Lighthouse on the development build: 100 in performance, accessibility, best practices and SEO.

Lighthouse (from npm, pinned in package-lock.json; `npm ci` installs it), through its node API
in tests/lighthouse_runner.mjs (one node process for the module: loading Lighthouse once saves
some five seconds a run over its CLI), drives Debian's Chromium against the demo site as
`make html` builds it (relative URLs, no SITEURL), served from a thread on 127.0.0.1 (the `site`
fixture). Four pages, each with Lighthouse's mobile settings and its desktop preset: the home
page, a briefing, a term page and the search page with a query (its results load after the
page: the case where layout shifts).

Throttling: Lighthouse's default, simulated ("simulate", stated in the runner). Lighthouse
loads the page at full speed, records what was requested and what the main thread did, and
computes the metrics for a modelled connection and CPU: mobile 150 ms round trips, 1.6 Mbps,
CPU 4x slower; desktop 40 ms, 10 Mbps, CPU 1x. For pages this small the modelled network is most
of every metric, and it does not change when the machine is busy; only the main thread's time
does. So the score still moves with what the page asks for (a heavier or render-blocking file, a
late font or image, a layout shift) but hardly with the load on the machine. "devtools" throttling
would slow the real load down and let a busy machine's delays through; "provided" (none) would
make every page served from this machine instant and hide a regression in what a page loads.

Retries: accessibility, best practices and SEO are checks on the page's markup and give the same
result every time, so they are taken from one run. Performance alone is run again, up to
PERFORMANCE_TRIES times in all, while it is below 100, and the best run counts: a noisy run is
forgiven, a real regression (a shift, a heavier page) fails every time.

The scores are printed as a table (pytest -s, and in the summary at the end of the run) and
saved with each page's Lighthouse report in test-artifacts/lighthouse/. With Chromium 156,
Lighthouse 12's diagnostics that name elements (layout-shifts, largest-contentful-paint-element)
end in an error (its trace reader does not know the newer screenshot events); the metrics and
scores are not affected. To see what shifts, save a trace (the CLI's --save-assets) and read its
LayoutShift events. Skipped, with the reason,
when Chromium, node or Lighthouse is missing (BRIEFING_REQUIRE_BROWSER_TESTS=1 fails instead).
"""

from __future__ import annotations

import json
import select
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, NOTES, ROOT, require_lighthouse

PAGES = {
    "home": "",
    "briefing": "briefings/russia-relocates-s-400s-and-s-300s-from-syria-to-libya/",
    "term": "systems/s-300/",
    "search": "search/?q=S-400",
}
PRESETS = ("mobile", "desktop")  # Lighthouse's default settings, and its desktop preset
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PERFORMANCE_TRIES = 3
METRICS = {  # audit id -> column, as the table shows them
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
ARTIFACTS = ROOT / "test-artifacts" / "lighthouse"
RUNNER = Path(__file__).resolve().parent / "lighthouse_runner.mjs"
RUN_TIMEOUT_S = 180
# hints about the server, not the site: the test's server neither compresses nor sends cache
# headers (the host of the published site decides both)
SERVER_AUDITS = {"uses-text-compression", "uses-long-cache-ttl"}


@dataclass
class Run:
    page: str
    preset: str
    report: dict
    tries: list[int] = field(default_factory=list)  # performance of each run, in order
    try_notes: list[str] = field(default_factory=list)  # and its metrics
    seconds: float = 0.0

    @property
    def scores(self) -> dict[str, int | None]:
        cats = self.report["categories"]
        # as Lighthouse shows them: the category's score (0..1) rounded to a whole percent
        return {c: None if cats[c]["score"] is None else round(cats[c]["score"] * 100)
                for c in CATEGORIES}

    def note(self) -> str:
        bench = self.report["environment"].get("benchmarkIndex", 0)
        return (f"performance {self.scores['performance']}: "
                + ", ".join(f"{m} {self.metric(a)}" for a, m in METRICS.items())
                + f" (CPU benchmark index {bench:.0f})")

    def metric(self, audit: str) -> str:
        value = self.report["audits"][audit].get("numericValue")
        if value is None:
            return "?"
        return f"{value:.3f}" if audit == "cumulative-layout-shift" else f"{value / 1000:.2f}s"


class Lighthouse:
    """tests/lighthouse_runner.mjs, started once: run(url, preset, out) -> the report."""

    def __init__(self, node: str):
        self.log = (ARTIFACTS / "runner.log").open("w", encoding="utf-8")
        self.proc = subprocess.Popen([node, str(RUNNER)], cwd=ROOT, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log)

    def run(self, url: str, preset: str, out: Path) -> dict:
        job = {"url": url, "preset": preset, "out": str(out), "chromePath": str(CHROMIUM),
               "chromeFlags": ["--headless=new", *CHROMIUM_ARGS], "categories": CATEGORIES}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], RUN_TIMEOUT_S)
        line = self.proc.stdout.readline() if ready else ""
        assert line, (f"Lighthouse gave no answer for {url} ({preset}) in {RUN_TIMEOUT_S} s "
                      f"(exit {self.proc.poll()}); see {ARTIFACTS / 'runner.log'}")
        answer = json.loads(line)
        assert "error" not in answer, f"Lighthouse failed on {url} ({preset}): {answer['error']}"
        report = json.loads(out.read_text(encoding="utf-8"))
        error = report.get("runtimeError")
        assert not error, f"Lighthouse could not audit {url} ({preset}): {error}"
        return report

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _detail(audit: dict) -> str:
    """What a failing audit found, in a line or a few: its explanation or its first items."""
    parts = [audit.get("explanation") or ""]
    items = (audit.get("details") or {}).get("items") or []
    for item in items[:3]:
        node = item.get("node") if isinstance(item.get("node"), dict) else {}
        what = (item.get("url") or node.get("snippet") or node.get("selector")
                or item.get("source") or "")
        if isinstance(what, dict):
            what = what.get("url") or what.get("snippet") or ""
        size = item.get("wastedBytes")
        parts.append(f"{what}" + (f" ({size / 1024:.0f} KiB)" if size else ""))
    return "; ".join(p for p in parts if p)[:600]


def failing_audits(report: dict) -> list[str]:
    """The audits that cost points, category by category, and Lighthouse's performance hints."""
    out = []
    for cat in CATEGORIES:
        for ref in report["categories"][cat]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            scored = ref.get("weight", 0) > 0
            # performance's other audits weigh nothing, but say why a metric is slow
            hint = (cat == "performance" and not scored and score is not None and score < 0.9
                    and ref["id"] not in SERVER_AUDITS
                    and audit.get("scoreDisplayMode") in ("numeric", "metricSavings", "binary"))
            if score is not None and score < 1 and (scored or hint):
                label = "" if scored else " (hint, not scored)"
                value = f" = {audit['displayValue']}" if audit.get("displayValue") else ""
                detail = _detail(audit)
                out.append(f"{cat}: {ref['id']}{label}{value}: {audit['title']}"
                           + (f"\n      {detail}" if detail else ""))
    return out


def run_page(lh: Lighthouse, base_url: str, page: str, preset: str) -> Run:
    url = f"{base_url}/{PAGES[page]}"
    start = time.monotonic()
    best: Run | None = None
    notes: list[str] = []
    for attempt in range(PERFORMANCE_TRIES):
        out = ARTIFACTS / f"{page}-{preset}.try{attempt + 1}.json"
        run = Run(page, preset, lh.run(url, preset, out))
        perf = run.scores["performance"] or 0
        tries = (best.tries if best else []) + [perf]
        notes.append(run.note())
        if best is None or perf > (best.scores["performance"] or 0):
            best = run
        best.tries, best.try_notes = tries, notes
        if perf == 100:
            break
    best.seconds = time.monotonic() - start
    # keep the run that counted as <page>-<preset>.json, and no stale tries
    counted = ARTIFACTS / f"{page}-{preset}.json"
    counted.write_text(json.dumps(best.report), encoding="utf-8")
    for extra in ARTIFACTS.glob(f"{page}-{preset}.try*.json"):
        extra.unlink()
    return best


def table(runs: list[Run]) -> list[str]:
    head = (f"{'page':<9} {'preset':<8} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4}  "
            + " ".join(f"{m:>6}" for m in METRICS.values()) + "  tries (performance)")
    lines = [head]
    for r in runs:
        s = r.scores
        cells = " ".join(f"{'-' if s[c] is None else s[c]:>4}" for c in CATEGORIES)
        metrics = " ".join(f"{r.metric(a):>6}" for a in METRICS)
        lines.append(f"{r.page:<9} {r.preset:<8} {cells}  {metrics}  "
                     f"{', '.join(map(str, r.tries))} ({r.seconds:.0f} s)")
    return lines


@pytest.fixture(scope="module")
def lighthouse():
    node = require_lighthouse()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    runner = Lighthouse(node)
    yield runner
    runner.close()


@pytest.fixture(scope="module")
def runs():
    """The runs of this module, in order; printed and saved as a table at its end."""
    done: list[Run] = []
    yield done
    if not done:
        return
    lh = done[0].report
    ua = lh["environment"].get("hostUserAgent", "")
    chrome = next((p for p in ua.split() if p.startswith(("Chrome/", "HeadlessChrome/"))), ua)
    bench = ", ".join(f"{r.page}/{r.preset} {r.report['environment'].get('benchmarkIndex', 0):.0f}"
                      for r in done)
    lines = [f"Lighthouse {lh['lighthouseVersion']} ({chrome}), throttling simulated, "
             f"development build:", *table(done),
             f"(CPU benchmark index of each run, higher is faster: {bench})"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "scores.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # conftest's summary at the end of the run prints it (with or without -s)
    NOTES.lighthouse[:] = [*lines, f"Lighthouse reports: {ARTIFACTS}/"]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("page", PAGES)
def test_lighthouse_gives_100_in_every_category(lighthouse, site, runs, page, preset):
    run = run_page(lighthouse, site.url, page, preset)
    runs.append(run)
    print(f"\n{table([run])[1]}")
    below = {c: s for c, s in run.scores.items() if s != 100}
    assert not below, (
        f"{page} ({preset}, {site.url}/{PAGES[page]}): below 100: {below}; performance in "
        f"{len(run.tries)} run(s):\n  " + "\n  ".join(run.try_notes)
        + "\nwhat cost points in the best run:\n  " + "\n  ".join(failing_audits(run.report)))

"""Shared fixtures: real site builds with the project's own settings, into tmp paths."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CONTENT = ROOT / "content"
SHARED = ROOT.parent / "shared"
PELICAN = [sys.executable, "-m", "pelican"]


@dataclass
class Build:
    returncode: int
    output: Path
    log: str

    def page(self, rel: str) -> str:
        path = self.output / rel
        if path.is_dir() or rel.endswith("/"):
            path = path / "index.html"
        return path.read_text(encoding="utf-8")


def build_site(content: Path, output: Path, conf: str = "pelicanconf.py",
               extra: list[str] | None = None) -> Build:
    """Run Pelican as `make html` does, with the project's settings and plugins."""
    cache = output.parent / (output.name + ".cache")
    cmd = PELICAN + [str(content), "-o", str(output), "-s", str(ROOT / conf),
                     "--log-handler", "plain", *(extra or [])]
    # each build its own cache folder (Pelican takes the last -e, so join them)
    cache_setting = f"CACHE_PATH={json.dumps(str(cache))}"
    if "-e" in cmd:
        cmd.insert(cmd.index("-e") + 1, cache_setting)
    else:
        cmd += ["-e", cache_setting]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return Build(proc.returncode, output, proc.stdout + proc.stderr)


def plugin_module(name: str):
    """A fresh copy of one of our plugins' modules, loaded from plugins/ as Pelican loads it
    (from PLUGIN_PATHS), for tests of its helpers."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"briefing_{name}_plugin", ROOT / "plugins" / name / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Build:
    """The demo content built once per test session."""
    out = tmp_path_factory.mktemp("demo-site")
    build = build_site(CONTENT, out)
    assert build.returncode == 0, build.log
    return build


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the demo content."""
    dest = tmp_path / "content"
    shutil.copytree(CONTENT, dest)
    return dest


def pytest_terminal_summary(terminalreporter):
    """One line at the end of the run: where the screenshots are, or why browser tests skipped."""
    try:
        import browser_support
    except ImportError:
        return
    for line in browser_support.summary_lines():
        terminalreporter.write_line(line, yellow=line.startswith("SKIPPED"))


# --- the browser tests' Chromium and the demo site served to it (test_browser*.py) ----------

@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's) through Playwright; skipped when missing (see
    browser_support)."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, NOTES, require_browser

    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        NOTES.ran.add("browser tests")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(demo_site):
    """The demo site, served from a thread on 127.0.0.1."""
    from browser_support import SiteServer

    with SiteServer(demo_site.output) as server:
        yield server


BROWSER_TIMEOUT_MS = 15_000


@pytest.fixture
def open_page(browser, site):
    """open_page(viewport, scheme) -> (page, watch, goto): a fresh context, watched."""
    from browser_support import VIEWPORTS, Watch

    contexts = []

    def make(viewport: str, scheme: str = "light"):
        context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme,
                                      locale="en-GB", service_workers="block")
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        contexts.append(context)
        watch = Watch(context)
        page = context.new_page()

        def goto(path: str):
            response = page.goto(f"{site.url}/{path}", wait_until="load")
            assert response is not None and response.ok, (path, response and response.status)
            return response

        return page, watch, goto

    yield make
    for context in contexts:
        context.close()

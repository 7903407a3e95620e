"""`make devserver` (briefing.cli.devserver): a build that fails is reported once, not in a
loop; the last good site stays served, with its 404 page; the next save builds again."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from conftest import ROOT

BROKEN = "---\ntitle: Iran: the talks resume\ndate: 2024-01-01\n---\nBody\n"
FIXED = BROKEN.replace("Iran: the talks resume", '"Iran: the talks resume"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(lines: list[str], text: str, count: int = 1, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if sum(text in line for line in lines) >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not seen {count} time(s) in:\n" + "".join(lines))


def _devserver(content, out, port) -> tuple[subprocess.Popen, list[str]]:
    """`make devserver`'s process on `content`, and the lines it prints (as they come)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli.devserver", str(content), "-o", str(out),
         "-s", str(ROOT / "pelicanconf.py"), "--log-handler", "plain", "-b", "127.0.0.1",
         "-p", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    return proc, lines


def test_a_broken_save_is_reported_once_and_the_last_good_site_stays_served(content_copy,
                                                                             tmp_path):
    out, port = tmp_path / "out", _free_port()
    proc, lines = _devserver(content_copy, out, port)
    try:
        _wait_for(lines, "Done: Processed")  # the first, good build
        broken = content_copy / "briefings" / "broken.md"
        broken.write_text(BROKEN, encoding="utf-8")
        _wait_for(lines, "the build stopped")
        time.sleep(3)  # Pelican's own loop would have built ~20 times by now
        said = [line for line in lines if "broken.md:2: invalid YAML" in line]
        assert len(said) <= 3, "".join(lines)  # the reader's line and the build's summary
        assert sum("the build stopped" in line for line in lines) == 1
        home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
        assert home.status == 200 and b"<html" in home.read()  # the last good site
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no/such/page/", timeout=10)
            raise AssertionError("a missing page was served")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404 and b"<html" in exc.read()  # the site's own 404 page
        broken.write_text(FIXED, encoding="utf-8")
        _wait_for(lines, "Done: Processed", count=2)
        assert sum("the build stopped" in line for line in lines) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _events(port: int, seen: list[dict]) -> None:
    """Read the devserver's build news (server-sent events) into `seen`, until it closes."""
    import http.client
    import json

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/__live/events")
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    event = None
    for raw in response:
        line = raw.decode("utf-8").rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == "build":
            seen.append(json.loads(line[6:]))


def _until(seen: list, test, timeout: float = 90):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for item in seen:
            if test(item):
                return item
        time.sleep(0.1)
    raise AssertionError(f"no such news in {seen}")


def test_open_tabs_reload_after_a_save_and_see_a_broken_save(content_copy, tmp_path):
    out, port = tmp_path / "out", _free_port()
    proc, lines = _devserver(content_copy, out, port)
    try:
        _wait_for(lines, "-> built in")
        # every page is served with the live script; the built files do not have it
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read()
        assert b'<script src="/__live/live.js" data-build="1"></script></body>' in page
        assert b"__live" not in (out / "index.html").read_bytes()
        script = urllib.request.urlopen(f"http://127.0.0.1:{port}/__live/live.js", timeout=10)
        assert script.status == 200 and b"EventSource" in script.read()
        # the search index catches up after the tabs are told, not before
        _wait_for(lines, "search index caught up")
        told = next(i for i, line in enumerate(lines) if "-> built in" in line)
        caught = next(i for i, line in enumerate(lines) if "search index caught up" in line)
        assert told < caught

        seen: list[dict] = []
        threading.Thread(target=_events, args=(port, seen), daemon=True).start()
        # a tab that does not say which page it shows hears of every build as news for it
        _until(seen, lambda news: news == {"build": 1, "error": "", "reload": False})
        # a save of a briefing's text: its page at once (build 2), then the full build (3)
        target = next((content_copy / "briefings").glob("*.md"))
        target.write_text(target.read_text(encoding="utf-8") + "\nOne more line.\n",
                          encoding="utf-8")
        _until(seen, lambda news: news == {"build": 2, "error": "", "reload": True})
        _until(seen, lambda news: news == {"build": 3, "error": "", "reload": True})
        _wait_for(lines, "search index caught up", count=2)
        # a broken save: the tabs get the error with file and line; the build number stays
        (content_copy / "briefings" / "broken.md").write_text(BROKEN, encoding="utf-8")
        news = _until(seen, lambda news: bool(news["error"]))
        assert news["build"] == 3 and "broken.md:2" in news["error"], news
        assert not news["reload"]
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read()
        assert b'data-build="3"' in page  # the last good site, still served
        # fixed: build 4, no error
        (content_copy / "briefings" / "broken.md").write_text(FIXED, encoding="utf-8")
        _until(seen, lambda news: news == {"build": 4, "error": "", "reload": True})
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_tab_reloads_by_itself_and_shows_a_broken_save(browser, content_copy, tmp_path):
    """In Chromium: a saved edit shows up in the open tab without a reload by hand; a broken
    save shows its error, file and line, over the last good page; the fix clears it."""
    out, port = tmp_path / "out", _free_port()
    proc, lines = _devserver(content_copy, out, port)
    context = browser.new_context(service_workers="block")
    context.set_default_timeout(60_000)
    try:
        _wait_for(lines, "search index caught up")
        source = content_copy / "briefings" / "greece-fires-s-300-on-crete.md"
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"http://127.0.0.1:{port}/briefings/greece-fires-s-300-on-crete/")
        title = page.locator("h1").inner_text()
        page.evaluate("window.__same_document = true")
        text = source.read_text(encoding="utf-8")
        assert f"\ntitle: {title}\n" in text
        source.write_text(text.replace(f"\ntitle: {title}\n", "\ntitle: Edited in place\n"),
                          encoding="utf-8")
        page.wait_for_function("(old) => document.querySelector('h1')"
                               " && document.querySelector('h1').textContent !== old", arg=title)
        assert page.locator("h1").inner_text() == "Edited in place"
        assert page.evaluate("window.__same_document === undefined")  # it was reloaded
        broken = content_copy / "briefings" / "broken.md"
        broken.write_text(BROKEN, encoding="utf-8")
        alert = page.locator("#live-error")
        alert.wait_for()
        assert "broken.md:2" in alert.inner_text() and "last good" in alert.inner_text()
        assert alert.get_attribute("role") == "alert"
        broken.write_text(FIXED, encoding="utf-8")
        page.wait_for_function("() => !document.getElementById('live-error')")
        assert not errors, errors
    finally:
        context.close()
        proc.terminate()
        proc.wait(timeout=30)

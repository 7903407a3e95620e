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


def test_a_broken_save_is_reported_once_and_the_last_good_site_stays_served(content_copy,
                                                                             tmp_path):
    out, port = tmp_path / "out", _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli.devserver", str(content_copy), "-o", str(out),
         "-s", str(ROOT / "pelicanconf.py"), "--log-handler", "plain", "-b", "127.0.0.1",
         "-p", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
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

"""`make devserver` after a run of an editor's saves: its output is byte for byte what a
fresh build of the same content writes (the search index aside), a save of a briefing's
text puts that page on screen before the full build (the preview), and only the tabs whose
pages changed are told to reload."""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
import urllib.parse
from pathlib import Path

from conftest import build_site
from test_devserver import _devserver, _free_port, _wait_for

NEW = """---
title: Edit {n}: a new briefing on the Black Sea fleet
slug: new-briefing-{n}
date: 2023-0{month}-1{n}
author: Briefing desk
summary: A briefing the editor wrote while the devserver ran, number {n}.
region:
- Black Sea
actors:
- Russia
---

The fleet moved again, the editor wrote in save number {n}.
"""


class Tab:
    """A tab of `page` served after build `since`: the build news it hears, as it comes."""

    def __init__(self, port: int, page: str, since: int):
        self.news: list[dict] = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/__live/events?" + urllib.parse.urlencode(
            {"since": since, "page": page}))
        response = conn.getresponse()

        def listen():
            try:
                for raw in response:
                    line = raw.decode("utf-8")
                    if line.startswith("data: "):
                        self.news.append(json.loads(line[6:]))
            except OSError:
                pass

        threading.Thread(target=listen, daemon=True).start()
        self.conn = conn

    def first(self, timeout: float = 30) -> dict:
        end = time.monotonic() + timeout
        while not self.news and time.monotonic() < end:
            time.sleep(0.01)
        assert self.news, "no news from the devserver"
        return self.news[0]

    def close(self):
        self.conn.close()


def _build_number(port: int) -> int:
    tab = Tab(port, "/", 0)
    try:
        return tab.first()["build"]
    finally:
        tab.close()


def _body_edit(path: Path, rng: random.Random, i: int) -> None:
    path.write_text(path.read_text() + f"\nThe editor's paragraph {i}, {rng.random():.6f}.\n")


def _tag_edit(path: Path, _rng, _i) -> None:
    text = path.read_text()
    if "- Mediterranean\n" in text:
        path.write_text(text.replace("- Mediterranean\n", "", 1))
    elif "\nregion:\n" in text:
        path.write_text(text.replace("\nregion:\n", "\nregion:\n- Mediterranean\n", 1))
    else:
        path.write_text(text.replace("\n---\n", "\nregion:\n- Mediterranean\n---\n", 1))


def _date_edit(path: Path, rng: random.Random, _i) -> None:
    path.write_text(re.sub(r"(?m)^date: .*$", f"date: 20{rng.randint(10, 24)}-0"
                           f"{rng.randint(1, 9)}-1{rng.randint(0, 9)}", path.read_text(), 1))


def _title_edit(path: Path, _rng, i) -> None:
    path.write_text(re.sub(r"(?m)^title: (.*)$", rf"title: \1, edit {i}", path.read_text(), 1))


def test_a_run_of_saves_leaves_what_a_fresh_build_writes(content_copy, tmp_path):
    rng = random.Random(20261204)
    out, port = tmp_path / "out", _free_port()
    proc, lines = _devserver(content_copy, out, port)
    folder = content_copy / "briefings"
    try:
        _wait_for(lines, "search index caught up", timeout=120)
        builds = 1
        edits = [_body_edit, _tag_edit, _date_edit, _title_edit, "new", "delete", "rename"]
        plan = [_body_edit] + [rng.choice(edits) for _ in range(9)]
        previews = 0
        for i, edit in enumerate(plan):
            files = sorted(folder.glob("*.md"))
            victim = rng.choice(files)
            before = _build_number(port)
            home = Tab(port, "/", before)  # a tab on the home page, open during the save
            if edit == "new":
                (folder / f"new-briefing-{i}.md").write_text(
                    NEW.format(n=i, month=rng.randint(1, 9)))
            elif edit == "delete":
                victim.unlink()
            elif edit == "rename":
                victim.rename(victim.with_name(f"renamed-{i}-{victim.name}"))
            else:
                edit(victim, rng, i)
            builds += 1
            _wait_for(lines, "-> built in", count=builds, timeout=120)
            assert not any("build stopped" in line for line in lines), "".join(lines)
            if edit is _body_edit:
                # the preview put the page on screen, and the full build left it as it was
                previews += 1
                _wait_for(lines, "the saved page is on screen", count=previews)
                page = "/briefings/" + re.search(r"(?m)^slug: (.*)$",
                                                 victim.read_text()).group(1) + "/"
                now = _build_number(port)
                assert Tab(port, page, now - 2).first()["reload"], "the preview changed it"
                assert not Tab(port, page, now - 1).first()["reload"], (
                    "the full build rewrote the page the preview had written")
                # the home page shows no body: its tab was not told to reload
                home.first()
                time.sleep(0.2)
                assert not any(n["reload"] for n in home.news), home.news
            else:  # new front matter, a new, deleted or renamed file: the full build alone
                assert sum("on screen" in line for line in lines) == previews, edit
            home.close()
            _wait_for(lines, "search index caught up", count=builds, timeout=120)
        assert previews >= 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    fresh = build_site(content_copy, tmp_path / "fresh")
    assert fresh.returncode == 0, fresh.log

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.relative_to(root).parts[0] != "pagefind"}

    ours, theirs = files(out), files(fresh.output)
    assert sorted(ours) == sorted(theirs)
    differ = [name for name in ours if ours[name] != theirs[name]]
    assert not differ, f"the devserver's output differs from a fresh build in {differ[:10]}"


# builds of the demo content again and again in one process, as the devserver makes them
# (argv: the content folder, the settings file; the body follows, with `instance`, `build`
# and `victim`, a briefing to save)
IN_ONE_PROCESS = """
import gc, json, logging, os, shutil, sys, tempfile
import pelican
from pelican.contents import Content
from pelican.log import init
from briefing.cli.devserver import build
init(level=logging.WARNING, name="pelican")
work = tempfile.mkdtemp()
content = os.path.join(work, "content")
shutil.copytree(sys.argv[1], content)
args = pelican.parse_arguments([content, "-o", work + "/out", "-s", sys.argv[2], "-q", "-e",
                                "CACHE_PATH=" + json.dumps(work + "/cache")])
instance, _ = pelican.get_instance(args)
victim = os.path.join(content, "briefings", sorted(os.listdir(content + "/briefings"))[0])
"""


def _in_one_process(body: str, label: str) -> list[tuple[int, ...]]:
    """Run IN_ONE_PROCESS and `body` in a fresh interpreter; the numbers of each line it
    prints that starts with `label`."""
    import subprocess
    import sys

    from conftest import CONTENT, ROOT

    proc = subprocess.run([sys.executable, "-c", IN_ONE_PROCESS + body, str(CONTENT),
                           str(ROOT / "pelicanconf.py")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [tuple(map(int, line.split()[1:])) for line in proc.stdout.splitlines()
            if line.startswith(label + " ")]


def test_a_long_lived_process_does_not_keep_every_builds_briefings():
    """The devserver builds again and again in one process: nothing may keep the briefings
    of every build alive (Pelican's memo of each briefing's content, kept on its class; a
    signal receiver left connected; a cache on a generator's method)."""
    rows = _in_one_process("""
instance.briefing_preview = None
for i in range(4):
    with open(victim, "a") as handle:
        handle.write("\\nSave number %d.\\n" % i)
    build(instance)
    gc.unfreeze()
    gc.collect()
    alive = sum(1 for o in gc.get_objects() if isinstance(o, Content))
    print("memo", len(Content.get_content.cache), alive)
""", "memo")
    assert len(rows) == 4 and rows[0][0] > 0, rows
    memo, alive = zip(*rows)
    assert max(memo) <= memo[0] + 2, memo  # one build's worth, not four
    assert max(alive) <= alive[0] + 2, alive  # the briefings of one build alive, not four


def test_the_second_build_of_a_process_reads_only_the_saved_briefing():
    """Pelican's Markdown reader adds to the MARKDOWN settings when it is first made; the
    second build in the same process took the settings for changed, dropped the content
    cache and read every briefing again (the devserver's first save after starting)."""
    rows = _in_one_process("""
import frontmatter
reads = []
original = frontmatter.FrontMatterReader.read
def read(self, path):
    reads.append(path)
    return original(self, path)
frontmatter.FrontMatterReader.read = read
for i in range(3):
    if i:
        with open(victim, "a") as handle:
            handle.write("\\nSave number %d.\\n" % i)
    del reads[:]
    build(instance)
    print("reads", len(reads))
""", "reads")
    reads = [n for (n,) in rows]
    assert len(reads) == 3 and reads[0] > 10, reads
    assert reads[1:] == [1, 1], reads  # only the saved briefing, from the first save on

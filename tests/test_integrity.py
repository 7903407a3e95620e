"""Nothing lost, nothing injected: hostile input, safe paths, reproducible builds."""

import gzip
import json
import re
import subprocess
import sys

import feedparser
import pytest

from briefing.site import linkcheck, outputdir
from conftest import CONTENT, ROOT, build_site

HOSTILE_TITLE = "<script>alert('title')</script> Russia & \"S-400\" <b>deal</b>"
HOSTILE = f"""---
title: {json.dumps(HOSTILE_TITLE)}
slug: hostile
date: 2024-05-01
author: "<img src=x onerror=alert('author')>"
source:
  name: "<i>Source</i>"
  url: https://example.org/a?b=1&c=<2>
summary: "<script>alert('summary')</script> summary text"
section: "<b>WORLD</b>"
caption: "<svg onload=alert('caption')> caption"
caption_credit: "<script>credit</script>"
region: ["<script>alert('region')</script>"]
actors: [Russia]
systems: [S-400]
---

Body text <script>alert('body')</script> and <iframe src="https://evil.example"></iframe>.

<div onclick="alert('block')">raw block</div>

[click](javascript:alert('link')) ![pixel](https://tracker.example/p.gif)
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    content = tmp_path_factory.mktemp("hostile-content")
    (content / "briefings").mkdir()
    (content / "briefings" / "hostile.md").write_text(HOSTILE)
    build = build_site(content, tmp_path_factory.mktemp("hostile-site"))
    assert build.returncode == 0, build.log
    return build


def test_hostile_text_is_shown_as_text_in_pages(hostile_site):
    html = hostile_site.page("briefings/hostile/")
    without_json_ld = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html,
                             flags=re.S)
    assert "<script" not in without_json_ld.replace('<script src=', '')
    for raw in ("<img src=x", "<svg onload", "<iframe", "<div onclick", "<b>WORLD",
                "<i>Source", "javascript:", 'src="https://tracker',
                "&amp;lt;"):
        assert raw not in without_json_ld, raw
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Russia &amp;" in html
    assert "&lt;script&gt;alert(&#39;summary&#39;)&lt;/script&gt; summary text" in html
    assert "&lt;script&gt;alert('body')&lt;/script&gt;" in html
    assert "&lt;div onclick=" in html
    # the region term is text on the briefing, and its page name is a safe slug
    assert (hostile_site.output / "region" / "script-alert-region-script").is_dir()
    index = hostile_site.page("index.html")
    assert "<script>alert" not in index


def test_json_ld_keeps_hostile_text_inside_its_script(hostile_site):
    html = hostile_site.page("briefings/hostile/")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["headline"] == HOSTILE_TITLE
    assert "</script" not in blocks[0] and "<script" not in blocks[0]


def test_feeds_and_export_carry_hostile_text_as_text(hostile_site):
    feed = feedparser.parse((hostile_site.output / "feeds" / "all.atom.xml").read_bytes())
    assert not feed.bozo
    entry = feed.entries[0]
    assert entry.title == HOSTILE_TITLE  # text, exactly
    assert "<script" not in entry.content[0].value
    assert "&lt;script&gt;alert('body')" in entry.content[0].value \
        or "&lt;script&gt;alert(&#39;body&#39;)" in entry.content[0].value
    assert "<script" not in entry.summary
    rows = json.loads((hostile_site.output / "api" / "briefings.json").read_text())
    assert rows[0]["title"] == HOSTILE_TITLE
    assert rows[0]["summary"] == "<script>alert('summary')</script> summary text"


def test_search_index_holds_the_text_readers_see(hostile_site):
    # Pagefind indexes the page's text: the hostile strings are there as the characters a
    # reader sees (Pagefind escapes them again when it builds result excerpts)
    fragments = list((hostile_site.output / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert len(fragments) == 1
    data = json.loads(gzip.decompress(fragments[0].read_bytes())[12:])
    assert data["meta"]["title"] == HOSTILE_TITLE
    assert "Body text <script>alert('body')</script> and" in data["content"]
    assert "<script>alert('summary')</script> summary text" in data["content"]
    assert "&lt;" not in data["content"]  # never double-escaped


def _site_with(tmp_path, files: dict[str, str]):
    content = tmp_path / "content"
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return build_site(content, tmp_path / "out")


def test_two_briefings_with_the_same_slug_are_an_error_naming_both(tmp_path):
    one = "---\ntitle: One\ndate: 2024-01-01\nslug: same\n---\nA\n"
    two = "---\ntitle: Two\ndate: 2024-01-02\nslug: same\n---\nB\n"
    build = _site_with(tmp_path, {"briefings/one.md": one, "briefings/two.md": two})
    assert build.returncode != 0
    assert re.search(r"briefings/(one|two)\.md and briefings/(one|two)\.md have the same "
                     r"output file 'briefings/same/index.html'", build.log), build.log
    assert not (tmp_path / "out" / "briefings" / "same").exists()


def test_a_page_in_the_place_of_the_authors_index_is_an_error_naming_it(tmp_path):
    briefing = "---\ntitle: One\ndate: 2024-01-01\nauthor: Jane Roe\n---\nA\n"
    page = "Title: Authors\nSlug: authors\n\nOur writers.\n"
    build = _site_with(tmp_path, {"briefings/one.md": briefing, "pages/authors.md": page})
    assert build.returncode != 0
    assert "pages/authors.md: its page authors/index.html is also the Authors index" \
        in build.log, build.log


@pytest.mark.parametrize("meta, why", [
    ("Slug: ../../escaped", "would be written outside output path"),
    ("Save_as: /etc/briefing.html", "would be written outside output path"),
    ("Slug: " + "a" * 240, "has a name longer than 200 bytes"),
    ("Slug: x\x00y", "contains a NUL character"),
])
def test_paths_from_metadata_cannot_leave_the_output_folder(tmp_path, meta, why):
    # Pelican-style metadata bypasses our front-matter checks: the build still refuses
    page = f"Title: Old style\nDate: 2024-01-01\n{meta}\n\nBody\n"
    build = _site_with(tmp_path, {"briefings/old.md": page})
    assert build.returncode != 0
    assert why in build.log
    summary = build.log[build.log.index("BuildFailed"):]
    assert "briefings/old.md" in summary
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "out" / "x").exists()


def test_long_titles_get_a_short_slug(tmp_path):
    title = "A very long title " * 20
    build = _site_with(tmp_path, {"briefings/x.md": f"---\ntitle: {title}\ndate: 2024-01-01\n"
                                                    "---\nBody\n"})
    assert build.returncode == 0, build.log
    [folder] = (tmp_path / "out" / "briefings").iterdir()
    assert len(folder.name) <= 80


def test_a_file_no_reader_takes_is_reported_and_backups_are_ignored(tmp_path):
    good = "---\ntitle: Good\ndate: 2024-01-01\n---\nBody\n"
    build = _site_with(tmp_path, {"briefings/good.md": good,
                                  "briefings/notes.txt": "an editor's notes",
                                  "briefings/good.md.20240101T000000.bak": good,
                                  "briefings/.hidden.md": good})
    assert build.returncode != 0
    assert "briefings/notes.txt: no reader for this file" in build.log
    assert ".bak" not in build.log and ".hidden" not in build.log


def test_every_briefing_appears_in_the_site(demo_site):
    rows = json.loads((demo_site.output / "api" / "briefings.json").read_text())
    published = {row["url"].split("/")[1] for row in rows}
    sources = {p.stem for p in (CONTENT / "briefings").glob("*.md")}
    assert published == sources
    for slug in sources:
        assert (demo_site.output / "briefings" / slug / "index.html").exists()


def test_demo_site_has_no_broken_internal_link(demo_site):
    assert linkcheck.check(demo_site.output) == []


def test_linkcheck_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="b/">bad</a>'
                                         '<a href="#top">bad anchor</a><p id="here"></p>'
                                         '<a href="#here">ok</a><img src="x.png">'
                                         '<a href="https://example.org/">external</a>')
    (tmp_path / "a" / "index.html").write_text('<link rel="stylesheet" href="../s.css">')
    problems = linkcheck.check(tmp_path)
    assert len(problems) == 4, problems
    assert any("b/ (no such file)" in p for p in problems)
    assert any("#top (no element with id 'top')" in p for p in problems)
    assert any("x.png" in p for p in problems) and any("s.css" in p for p in problems)


# two builds of the same content are byte-identical, the search index included:
# tests/test_search_reproducible.py


def test_rebuild_leaves_unchanged_pages_untouched(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out).returncode == 0
    page = out / "briefings" / "iran-receives-s-300-from-russia" / "index.html"
    before = page.stat().st_mtime_ns
    assert build_site(CONTENT, out).returncode == 0
    assert page.stat().st_mtime_ns == before
    assert not list(out.rglob(".*.tmp"))


def test_make_clean_removes_only_what_the_build_made(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep-me.txt").write_text("not the build's")
    assert build_site(CONTENT, out).returncode == 0
    proc = subprocess.run(["make", "clean", f"OUTPUTDIR={out}"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep-me.txt"]
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "data.txt").write_text("x")
    proc = subprocess.run([sys.executable, "-m", "briefing.site.outputdir", "clean", str(stranger)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "was not made by a Briefing build" in proc.stderr
    assert (stranger / "data.txt").exists()
    assert outputdir.MARKER == ".briefing-output.json"

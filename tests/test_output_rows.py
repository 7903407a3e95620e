"""The output folder (issue 14, rows 5, 9, 10, 11, 20, 22): files any web server can read,
only what builds made is removed (by `make clean`, `make publish` and rebuilds alike), a
rebuild equals a fresh build, no write through a link out of the folder, and what a killed
run leaves is cleaned up. Real builds of real content into temp folders."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT, ROOT, build_site

NO_SEARCH = ["-e", "SEARCH_INDEX=false"]  # more settings: appended to this one -e
BRIEFING = "iran-receives-s-300-from-russia"


def _files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def _make_clean(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "clean", f"OUTPUTDIR={out}"], cwd=ROOT,
                          capture_output=True, text=True)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_row5_built_files_have_the_umasks_modes(tmp_path, umask_022):
    build = build_site(CONTENT, tmp_path / "out")  # the search index included
    assert build.returncode == 0, build.log
    modes = {}
    for path in build.output.rglob("*"):
        if path.is_file():
            modes.setdefault(oct(stat.S_IMODE(path.stat().st_mode)), []).append(path.name)
    assert set(modes) == {"0o644"}, {m: names[:3] for m, names in modes.items()}
    cache = tmp_path / "out.cache"
    private = [p.name for p in cache.rglob("*") if p.is_file()
               and stat.S_IMODE(p.stat().st_mode) != 0o644 and p.name != "build.lock"]
    assert private == []


def test_row9_make_clean_keeps_files_put_there_after_the_first_build(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out, extra=NO_SEARCH).returncode == 0
    (out / "notes.txt").write_text("mine")
    (out / "briefings" / "draft-of-mine.html").write_text("mine too")
    assert build_site(CONTENT, out, extra=NO_SEARCH + ['SITESUBTITLE="x"']
                      ).returncode == 0
    proc = _make_clean(out)
    assert proc.returncode == 0, proc.stderr
    assert "kept 2 file(s)" in proc.stdout
    assert _files(out) == ["briefings/draft-of-mine.html", "notes.txt"]


def test_make_clean_removes_the_search_index_and_the_folder_it_leaves_empty(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out).returncode == 0
    assert (out / "pagefind" / "pagefind-entry.json").exists()
    proc = _make_clean(out)
    assert proc.returncode == 0, proc.stderr
    assert not out.exists()  # nothing left that anyone else made: the folder goes


def test_row10_publish_keeps_files_no_build_made_and_its_record(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out, extra=NO_SEARCH).returncode == 0
    (out / "googleverify.html").write_text("site verification")
    build = build_site(CONTENT, out, conf="publishconf.py", extra=NO_SEARCH)
    assert build.returncode == 0, build.log
    assert (out / "googleverify.html").read_text() == "site verification"
    assert (out / ".briefing-output.json").exists()
    # the published pages replaced the development ones, and nothing else is left over
    fresh = build_site(CONTENT, tmp_path / "fresh", conf="publishconf.py", extra=NO_SEARCH)
    assert _files(out) == sorted(_files(fresh.output) + ["googleverify.html"])
    proc = _make_clean(out)
    assert proc.returncode == 0, proc.stderr
    assert _files(out) == ["googleverify.html"]


def test_row10_delete_output_directory_never_deletes_the_folder(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out, extra=NO_SEARCH).returncode == 0
    (out / "mine.txt").write_text("mine")
    build = build_site(CONTENT, out, extra=NO_SEARCH + ["--delete-output-directory"])
    assert build.returncode == 0, build.log
    assert (out / "mine.txt").exists()
    assert "not deleting" in build.log


def test_row11_retitled_and_deleted_briefings_leave_no_page_behind(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    assert build_site(content, out).returncode == 0
    source = content / "briefings" / f"{BRIEFING}.md"
    text = source.read_text()
    # a new title, and so a new slug (as ingest would give, or an editor changing both)
    source.write_text(text.replace(f"slug: {BRIEFING}\n", "slug: russia-delivers-s-300\n"))
    (content / "briefings" / "greece-fires-s-300-on-crete.md").unlink()
    build = build_site(content, out)
    assert build.returncode == 0, build.log
    assert not (out / "briefings" / BRIEFING).exists()
    assert not (out / "briefings" / "greece-fires-s-300-on-crete").exists()
    assert (out / "briefings" / "russia-delivers-s-300" / "index.html").exists()
    fresh = build_site(content, tmp_path / "fresh")
    assert fresh.returncode == 0
    assert _files(out) == _files(fresh.output)
    different = [f for f in _files(out)
                 if not filecmp.cmp(out / f, fresh.output / f, shallow=False)]
    assert different == []
    # the search index is part of that equality, so it no longer finds the old pages
    assert any(f.startswith("pagefind/") and f.endswith(".pf_fragment") for f in _files(out))


def test_row11_a_setting_change_leaves_no_old_export_or_feed(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out, extra=NO_SEARCH).returncode == 0
    assert (out / "api" / "terms.json").exists()
    feeds = [f for f in _files(out) if f.endswith("feed.xml")]
    assert len(feeds) > 5
    change = NO_SEARCH + ['API_TERMS_SAVE_AS=""', 'FACET_FEED_SAVE_AS=""']
    build = build_site(CONTENT, out, extra=change)
    assert build.returncode == 0, build.log
    fresh = build_site(CONTENT, tmp_path / "fresh", extra=change)
    assert fresh.returncode == 0, fresh.log
    assert not (fresh.output / "api" / "terms.json").exists()
    assert _files(out) == _files(fresh.output)
    # the search index off: the index an earlier build made goes too
    assert build_site(CONTENT, out).returncode == 0
    assert (out / "pagefind").is_dir()
    assert build_site(CONTENT, out, extra=change).returncode == 0
    assert _files(out) == _files(fresh.output)


def test_row20_a_link_out_of_the_output_folder_is_refused_before_anything_is_written(
        tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out, extra=NO_SEARCH).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(out / "archives")
    (out / "archives").symlink_to(elsewhere, target_is_directory=True)
    build = build_site(CONTENT, out, extra=NO_SEARCH + ['SITESUBTITLE="changed"'])
    assert build.returncode != 0
    assert "archives -> " in build.log and "lead out of the output folder" in build.log
    assert "Traceback" not in build.log
    assert list(elsewhere.iterdir()) == []


def test_row22_leftovers_of_a_killed_run_are_removed(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out, extra=NO_SEARCH).returncode == 0
    leftovers = [out / ".render-k2j3.pickle", out / "briefings" / ".index.html.x8.tmp",
                 out / "api" / ".briefing-tmp-abc.tmp", out / ".write.q1.tmp"]
    for path in leftovers:
        path.write_bytes(b"")
    build = build_site(CONTENT, out, extra=NO_SEARCH + ['SITESUBTITLE="again"'])
    assert build.returncode == 0, build.log
    assert [p for p in leftovers if p.exists()] == []


def test_row22_junk_in_the_cache_version_marker_does_not_stop_builds(tmp_path):
    out = tmp_path / "out"
    assert build_site(CONTENT, out, extra=NO_SEARCH).returncode == 0
    marker = tmp_path / "out.cache" / "content-cache-version"
    assert marker.exists()
    marker.write_bytes(b"\xff\xfe\x00junk")
    build = build_site(CONTENT, out, extra=NO_SEARCH + ['SITESUBTITLE="again"'])
    assert build.returncode == 0, build.log
    assert marker.read_bytes().isascii()


def test_row22_render_workers_leave_nothing_in_the_output_folder(tmp_path):
    """The forked renderers report through pipes: nothing of theirs is ever in OUTPUTDIR
    (a killed build would leave it there). Each job lists the folder while it renders."""
    from pelican.settings import DEFAULT_CONFIG

    sys.path.insert(0, str(ROOT / "plugins"))
    try:
        from fastbuild.writer import FastWriter
    finally:
        sys.path.remove(str(ROOT / "plugins"))
    out = tmp_path / "out"
    out.mkdir()
    settings = dict(DEFAULT_CONFIG, CACHE_PATH=str(tmp_path / "cache"),
                    THEME=str(ROOT / "theme"))
    writer = FastWriter(str(out), settings=settings)
    for i in range(120):
        writer.write_derived(f"list-{i}.txt", {}, [i],
                             lambda: json.dumps(sorted(os.listdir(out))))
    writer.flush(processes=2)
    assert writer.rendered == 120
    seen = {name for i in range(120)
            for name in json.loads((out / f"list-{i}.txt").read_text())}
    assert seen and not [n for n in seen if n.startswith(".render-")], seen

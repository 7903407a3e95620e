"""Ingest, the red-team rows of issue 14: real raw pages ingested by the real command into
tmp folders (a few rows in-process, to make a disk fail)."""

from __future__ import annotations

import errno
import fcntl
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing import cli
from briefing.core import fileio, frontmatter
from briefing.ingest import pipeline as ingest
from briefing.ingest.duplicates import CACHE_NAME
from conftest import DATA, ROOT

# ingest's near-duplicate signatures, kept beside the briefings on purpose
SIGNATURES = CACHE_NAME

BRIEFING = Path(sys.executable).parent / "briefing"
SAMPLE = DATA / "raw" / "viewus-russia-air-defense-libya.txt"  # a text dump
OTHER = DATA / "clean" / "a1fca19b884e0e94.txt"  # another article, another dump
PAGE_A = DATA / "clean" / "a1fca19b884e0e94.html"  # saved pages of two articles
PAGE_B = DATA / "clean" / "c7e39ac49fa1235f.html"
TITLE = "Russia Relocates S-400s and S-300s from Syria to Libya’s Eastern Region"


def run(*args, cwd=ROOT, umask=None):
    return subprocess.run([str(BRIEFING), "ingest", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


def briefings(out: Path) -> list[Path]:
    return sorted(out.glob("*.md"))


def provenance(path: Path) -> dict:
    return frontmatter.parse(path.read_text(encoding="utf-8"), str(path)).meta["provenance"]


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def variant(i: int, desk: str) -> str:
    """The sample page with a title of its own (number i) and a line of the desk's."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace(TITLE, f"{TITLE}, Report Number {i}", 1)
    return text.replace("Reports have emerged", f"Desk {desk} writes that reports have emerged")


# --- row 5: the umask's modes --------------------------------------------------------------
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_row5_briefings_and_backups_get_the_modes_of_the_umask(tmp_path, umask, mode):
    raw = tmp_path / "raw"
    raw.mkdir()
    page = raw / SAMPLE.name
    page.write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "briefings"
    assert run("--out", out, raw, umask=umask).returncode == 0
    [path] = briefings(out)
    assert path.stat().st_mode & 0o777 == mode
    path.write_text(path.read_text().replace("Reports have emerged", "EDITOR: reports"))
    page.write_text(page.read_text() + "\nSaved again.\n")
    proc = run("--out", out, "--force", raw, umask=umask)
    assert proc.returncode == 0 and "1 updated" in proc.stderr, proc.stderr
    [backup] = out.glob("*.bak")
    assert backup.stat().st_mode & 0o777 == mode
    assert path.stat().st_mode & 0o777 == mode


def test_row5_ingest_has_no_writer_of_its_own():
    assert not hasattr(ingest, "atomic_write")
    assert "tempfile" not in Path(ingest.__file__).read_text()


# --- row 6: provenance keyed by the raw path and the article ---------------------------------
def test_row6_two_folders_with_a_story_txt_each_make_two_briefings(tmp_path):
    for folder, source in (("a", SAMPLE), ("b", OTHER)):
        (tmp_path / "raw" / folder).mkdir(parents=True)
        (tmp_path / "raw" / folder / "story.txt").write_bytes(source.read_bytes())
    proc = run("--out", "briefings", "raw", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2 written, 0 updated" in proc.stderr
    raws = sorted(provenance(p)["raw"] for p in briefings(tmp_path / "briefings"))
    assert raws == ["raw/a/story.txt", "raw/b/story.txt"]
    again = run("--out", "briefings", "raw", cwd=tmp_path)
    assert "2 already ingested" in again.stderr


def test_row6_a_raw_name_saved_again_with_another_article_is_a_new_briefing(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "index.html").write_bytes(PAGE_A.read_bytes())
    assert run("--out", "briefings", "raw", cwd=tmp_path).returncode == 0
    [first] = briefings(tmp_path / "briefings")
    before = first.read_bytes()
    (raw / "index.html").write_bytes(PAGE_B.read_bytes())  # the next day's index.html
    proc = run("--out", "briefings", "raw", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 written, 0 updated" in proc.stderr
    assert len(briefings(tmp_path / "briefings")) == 2
    assert first.read_bytes() == before


def test_row6_the_same_article_saved_again_under_its_path_is_updated_in_place(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "index.html").write_bytes(PAGE_A.read_bytes())
    assert run("--out", "briefings", "raw", cwd=tmp_path).returncode == 0
    html = PAGE_A.read_text(encoding="utf-8")
    (raw / "index.html").write_text(html.replace("</body>", "<!-- saved again --></body>"),
                                    encoding="utf-8")
    proc = run("--out", "briefings", "raw", cwd=tmp_path)
    assert "0 written, 1 updated" in proc.stderr, proc.stderr
    assert len(briefings(tmp_path / "briefings")) == 1


def test_row6_a_briefing_that_recorded_only_the_raw_name_is_still_updated(tmp_path):
    """Briefings of earlier versions name their raw file only: the same article is theirs."""
    raw = tmp_path / "raw"
    raw.mkdir()
    page = raw / SAMPLE.name
    page.write_bytes(SAMPLE.read_bytes())
    assert run("--out", "briefings", "raw", cwd=tmp_path).returncode == 0
    [path] = briefings(tmp_path / "briefings")
    old = path.read_text().replace(f"raw: raw/{SAMPLE.name}", f"raw: {SAMPLE.name}")
    path.write_text(ingest.refresh_checksum(old))
    page.write_text(page.read_text().replace("Reports have emerged", "Reports emerged"))
    proc = run("--out", "briefings", "raw", cwd=tmp_path)
    assert "0 written, 1 updated" in proc.stderr, proc.stderr
    assert provenance(path)["raw"] == f"raw/{SAMPLE.name}"


# --- row 7: two ingests at once -------------------------------------------------------------
def inbox(tmp_path: Path, desk: str, count: int) -> Path:
    folder = tmp_path / f"raw-{desk}"
    folder.mkdir()
    for i in range(count):
        (folder / f"page-{i:02d}.txt").write_text(variant(i, desk), encoding="utf-8")
    return folder


def test_row7_two_ingests_at_once_into_one_folder_write_every_page(tmp_path):
    raws = [inbox(tmp_path, desk, 60) for desk in "AB"]  # the same 60 titles in each
    out = tmp_path / "briefings"
    procs = [subprocess.Popen([str(BRIEFING), "ingest", "--out", str(out), str(raw)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for raw in raws]
    results = [proc.communicate(timeout=600) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], results
    assert all("60 written" in stderr for _, stderr in results)
    files = briefings(out)
    assert len(files) == 120
    assert len({provenance(p)["sha256"] for p in files}) == 120
    assert not [p for p in out.iterdir() if p.name.startswith(".")  # lock and temporaries
                and p.name != SIGNATURES]


def test_row7_an_ingest_waits_with_a_message_while_another_holds_the_folder(tmp_path):
    raw = inbox(tmp_path, "A", 2)
    out = tmp_path / "briefings"
    out.mkdir()
    lock = os.open(out / ingest.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # as a running ingest holds it
    proc = subprocess.Popen([str(BRIEFING), "ingest", "--out", str(out), str(raw)], cwd=ROOT,
                            stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([proc.stderr], [], [], 120)
        assert ready, "no message while waiting"
        assert proc.stderr.readline().startswith(f"waiting for another ingest into {out}")
        time.sleep(0.5)
        assert proc.poll() is None and not briefings(out)
    finally:
        os.unlink(out / ingest.LOCK_NAME)  # as the other run does when it ends
        os.close(lock)
    assert proc.wait(timeout=300) == 0
    assert "2 written" in proc.stderr.read()
    assert len(briefings(out)) == 2


def test_row7_a_new_briefing_never_replaces_a_file_written_since_the_scan(tmp_path):
    raw = inbox(tmp_path, "A", 1)
    other = inbox(tmp_path, "B", 1)
    out = tmp_path / "briefings"
    options = ingest.IngestOptions(out=out)
    stale = ingest.Existing.scan(out)  # taken before the other program wrote
    first = ingest.ingest_file(raw / "page-00.txt", options, ingest.Existing.scan(out), None)
    second = ingest.ingest_file(other / "page-00.txt", options, stale, None)
    assert (first.status, second.status) == ("written", "written")
    assert second.target.name == first.target.stem + "-2.md"
    assert "Desk A" in first.target.read_text() and "Desk B" in second.target.read_text()


# --- row 12: folders that cannot be written -------------------------------------------------
@pytest.fixture
def two_pages(tmp_path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(SAMPLE.read_bytes())
    (raw / "b.txt").write_bytes(OTHER.read_bytes())
    return raw


def test_row12_out_naming_a_file_is_an_error_before_any_work(tmp_path, two_pages):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    for out in (target, target / "sub"):
        proc = run("--out", out, two_pages)
        assert proc.returncode == 2
        assert errors(proc.stderr) == [f"error: --out {out}: {target} is a file, not a "
                                       "folder; give the folder the briefings go to"]
        assert "Traceback" not in proc.stderr
    assert target.read_text() == "mine"


def _can_write_into_read_only_folders(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir(mode=0o555)
    try:
        (probe / "x").write_text("")
        return True
    except PermissionError:
        return False
    finally:
        (probe / "x").unlink(missing_ok=True)
        probe.rmdir()


def test_row12_a_read_only_folder_fails_each_file_with_the_reason(tmp_path, two_pages):
    if _can_write_into_read_only_folders(tmp_path):
        pytest.skip("running as root: mode 0555 does not stop writes (see the next test)")
    out = tmp_path / "briefings"
    out.mkdir()
    out.chmod(0o555)
    try:
        proc = run("--out", out, two_pages)
    finally:
        out.chmod(0o755)
    assert proc.returncode == 1
    assert "0 written, 0 updated, 0 already ingested, 2 failed" in proc.stderr
    lines = errors(proc.stderr)
    assert len(lines) == 2 and all("Permission denied" in line for line in lines)
    assert "Traceback" not in proc.stderr


def ingest_in_process(capsys, *args) -> tuple[int, str]:
    code = cli.main(["ingest", *map(str, args)])
    return code, capsys.readouterr().err


def test_row12_a_folder_refusing_writes_fails_each_file_even_as_root(tmp_path, two_pages,
                                                                     monkeypatch, capsys):
    def refused(*args, **kwargs):  # what mkstemp meets in a read-only folder
        raise PermissionError(errno.EACCES, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(fileio.tempfile, "mkstemp", refused)
    out = tmp_path / "briefings"
    code, err = ingest_in_process(capsys, "--out", out, two_pages)
    assert code == 1
    assert "ingest: 0 written, 0 updated, 0 already ingested, 2 failed" in err
    assert errors(err) == [f"error: {two_pages / name}: not written: {out}: Permission denied"
                           for name in ("a.txt", "b.txt")]


def test_row12_a_full_disk_fails_that_file_and_the_others_are_written(tmp_path, two_pages,
                                                                       monkeypatch, capsys):
    real_write = fileio.AtomicFile.write

    def write(self, data):
        if Path(self.path).name.startswith("russia-"):  # the first page's briefing
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(fileio.AtomicFile, "write", write)
    out = tmp_path / "briefings"
    code, err = ingest_in_process(capsys, "--out", out, two_pages)
    assert code == 1
    assert "ingest: 1 written, 0 updated, 0 already ingested, 1 failed" in err
    assert errors(err) == [f"error: {two_pages / 'a.txt'}: not written: into {out}: "
                           "No space left on device"]
    assert [p.name for p in out.iterdir() if p.name != SIGNATURES] == [
        briefings(out)[0].name]  # no temporary


# --- row 13: names and titles an earlier scan misread ---------------------------------------
def test_row13_a_page_with_a_10000_character_title_is_recognised_again(tmp_path):
    long = " ".join(["Taliban say they freed US and Australian hostages"] * 200)
    html = PAGE_A.read_text(encoding="utf-8").replace(
        "Taliban say they freed US, Australian hostages for 3 terrorist figures", long)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "long.html").write_text(html, encoding="utf-8")
    out = tmp_path / "briefings"
    assert run("--out", out, raw).returncode == 0
    [path] = briefings(out)
    assert len(frontmatter.parse(path.read_text()).meta["title"]) == len(long)
    proc = run("--out", out, raw)
    assert "0 written, 0 updated, 1 already ingested" in proc.stderr, proc.stderr
    (raw / "long.html").write_text(html.replace("</body>", "<p></p></body>"), encoding="utf-8")
    proc = run("--out", out, raw)
    assert "0 written, 1 updated" in proc.stderr, proc.stderr
    assert briefings(out) == [path]


@pytest.mark.parametrize("name", ["story\nsaved twice.txt", "'quoted.txt", "a: b #c.txt"])
def test_row13_a_raw_name_yaml_must_quote_is_recognised_again(tmp_path, name):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / name).write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "briefings"
    first = run("--out", out, raw)
    assert first.returncode == 0, first.stderr
    assert all(line.startswith(("[", "ingest:")) for line in first.stderr.splitlines())
    proc = run("--out", out, raw)
    assert "1 already ingested" in proc.stderr, proc.stderr
    (raw / name).write_text(SAMPLE.read_text() + "\nSaved again.\n")
    proc = run("--out", out, raw)
    assert "0 written, 1 updated" in proc.stderr, proc.stderr
    [path] = briefings(out)
    assert provenance(path)["raw"] == (raw / name).as_posix()


# --- row 20: links in the inbox -------------------------------------------------------------
def test_row20_inbox_links_leading_out_or_nowhere_are_refused_and_counted(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "private.txt").write_bytes(OTHER.read_bytes())
    (raw / "real.txt").write_bytes(SAMPLE.read_bytes())
    (raw / "alias.txt").symlink_to("real.txt")  # inside the inbox: the same page, once
    (raw / "outside.txt").symlink_to(elsewhere / "private.txt")
    (raw / "broken.txt").symlink_to("gone.txt")
    (raw / "folder").symlink_to(elsewhere, target_is_directory=True)
    out = tmp_path / "briefings"
    proc = run("--out", out, raw)
    assert proc.returncode == 1
    assert "1 written, 0 updated, 0 already ingested, 3 failed" in proc.stderr
    assert sorted(errors(proc.stderr)) == sorted([
        f"error: {raw / 'broken.txt'}: a broken symbolic link (to gone.txt); skipped",
        f"error: {raw / 'folder'}: a symbolic link to {elsewhere}, outside {raw}; refused",
        f"error: {raw / 'outside.txt'}: a symbolic link to {elsewhere / 'private.txt'}, "
        f"outside {raw}; refused",
    ])
    [path] = briefings(out)
    assert provenance(path)["raw"] == (raw / "real.txt").as_posix()


# --- row 22: cut pages, temporaries of killed runs ------------------------------------------
def test_row22_a_page_longer_than_the_cleaner_reads_is_written_with_a_warning(tmp_path):
    from briefing.ingest.clean.lines import MAX_CHARS

    filler = ("Another paragraph of an appendix follows here, with its words. " * 20 + "\n\n")
    text = SAMPLE.read_text() + "\n\n" + filler * (MAX_CHARS // len(filler) + 10)
    big = tmp_path / "big.txt"
    big.write_text(text, encoding="utf-8")
    out = tmp_path / "briefings"
    proc = run("--out", out, big)
    assert proc.returncode == 0, proc.stderr
    size = big.stat().st_size
    assert (f"warning: {big}: {len(text):,} characters ({size:,} bytes), more than a page "
            f"should hold; only the first {MAX_CHARS:,} characters were read"
            in proc.stderr.splitlines())
    [path] = briefings(out)
    assert provenance(path)["truncated"] == {"chars": len(text), "kept": MAX_CHARS}


def test_row22_temporaries_a_killed_ingest_left_are_removed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "briefings"
    out.mkdir()
    left = [".x.md.k3j4h5.tmp", ".briefing-tmp-a8d7f.tmp"]  # this version's and the old
    for name in left + [".keep"]:
        (out / name).write_text("half")
    assert run("--out", out, "--dry-run", raw).returncode == 0
    assert all((out / name).exists() for name in left)  # a dry run writes nothing
    assert run("--out", out, raw).returncode == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")
                  and p.name != SIGNATURES) == [".keep"]


def test_row22_a_saved_page_longer_than_the_cleaner_reads_is_warned_of_too():
    from briefing.ingest.clean.html import MAX_HTML

    warnings: list[str] = []
    page = Path("raw/huge.html")
    assert ingest.check_size("<p>x</p>" * (MAX_HTML // 8), "html", page, 1, warnings) is None
    cut = ingest.check_size("<p>x</p>" * (MAX_HTML // 8 + 1), "html", page, 1, warnings)
    assert cut == {"chars": MAX_HTML + 8, "kept": MAX_HTML}
    assert len(warnings) == 1 and warnings[0].startswith(f"{page}: {MAX_HTML + 8:,} characters")

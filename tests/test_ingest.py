"""Ingest: real raw pages become briefings; bad input fails clearly; editors' work is safe."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.core import frontmatter
from briefing.ingest import pipeline as ingest
from conftest import DATA, ROOT, build_site

BRIEFING = Path(sys.executable).parent / "briefing"
SAMPLE = DATA / "raw" / "viewus-russia-air-defense-libya.txt"


def run(*args, cwd=ROOT):
    return subprocess.run([str(BRIEFING), "ingest", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    return folder


def only_briefing(out: Path) -> Path:
    files = sorted(out.glob("*.md"))
    assert len(files) == 1, files
    return files[0]


def test_sample_becomes_a_clean_briefing(tmp_path, raw):
    out = tmp_path / "briefings"
    proc = run("--out", out, "--date", "2024-12-19", raw)
    assert proc.returncode == 0, proc.stderr
    assert "1 written" in proc.stderr
    path = only_briefing(out)
    assert path.name == "russia-relocates-s-400s-and-s-300s-from-syria-to-libya-s-eastern-region.md"
    doc = frontmatter.parse(path.read_text(), str(path))
    meta = doc.meta
    assert meta["title"] == "Russia Relocates S-400s and S-300s from Syria to Libya’s Eastern Region"
    assert meta["author"] == "Daniel Kim"
    assert meta["date"].date().isoformat() == "2024-12-19"
    assert meta["provenance"]["date_source"] == "option"
    assert meta["provenance"]["raw"] == (raw / SAMPLE.name).as_posix()  # outside the cwd
    assert len(meta["provenance"]["sha256"]) == 64
    assert meta["source"]["name"] == "viewusglobal.com"  # from the contact address
    assert meta["summary"].startswith("Reports have emerged that Russia is transferring")
    assert len(meta["summary"]) <= 300
    assert meta["caption"].startswith("Satellite images released by Maxar Technologies")
    assert meta["caption_credit"] == "Yonhap News"
    paragraphs = [p.strip() for p in doc.body.split("\n\n") if p.strip()]
    assert len(paragraphs) == 7
    assert paragraphs[0].startswith("Reports have emerged")
    assert paragraphs[-1].endswith("Russian military bases.")
    for junk in ("Comments0", "You May Also Like", "Popular Now", "Share it on",
                 "content@viewusglobal.com", "Yellowknife", "Must-Reads"):
        assert junk not in path.read_text()


def _everything_but_drafts(output: Path) -> str:
    """The text of every file of a built site but the drafts' own pages."""
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in sorted(output.rglob("*"))
                     if p.is_file() and "drafts" not in p.relative_to(output).parts
                     and not p.name.startswith(".")  # the build's own ledger
                     and p.suffix in (".html", ".xml", ".json", ".txt"))


def test_ingest_writes_a_draft_that_builds_apart_until_it_is_published(tmp_path, raw):
    content = tmp_path / "content"
    out = content / "briefings"
    assert run("--out", out, "--date", "2024-12-19", raw).returncode == 0
    path = only_briefing(out)
    assert frontmatter.parse(path.read_text()).meta["status"] == "draft"
    slug = path.stem

    # a development build shows it under drafts/, with a banner, and nowhere else
    build = build_site(content, tmp_path / "site")
    assert build.returncode == 0, build.log
    draft = build.page(f"drafts/{slug}/")
    assert "Daniel Kim" in draft and "Yonhap News" in draft
    assert 'class="draft-banner"' in draft and '<meta name="robots" content="noindex">' in draft
    assert not (build.output / "briefings" / slug).exists()
    assert slug not in _everything_but_drafts(build.output)  # home, feeds, sitemap, export...

    # the published site has no trace of it
    published = build_site(content, tmp_path / "published", conf="publishconf.py",
                           extra=["-e", "SEARCH_INDEX=false"])
    assert published.returncode == 0, published.log
    assert not (published.output / "drafts").exists()
    assert slug not in _everything_but_drafts(published.output)

    # review lists it; publish flips its status, nothing else; then it is a briefing
    review = subprocess.run([str(BRIEFING), "review", str(out)], capture_output=True,
                            text=True, timeout=120)
    assert f"{path}: " in review.stdout and "1 draft awaiting review" in review.stderr
    before = path.read_text(encoding="utf-8")
    done = subprocess.run([str(BRIEFING), "publish", str(out)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "1 draft published" in done.stderr, done.stderr
    after = path.read_text(encoding="utf-8")
    assert frontmatter.parse(after).meta["status"] == "published"
    assert frontmatter.parse(after).body == frontmatter.parse(before).body
    assert not ingest.edited_by_hand(after)  # publishing is not an editor's edit
    rebuilt = build_site(content, tmp_path / "site")
    assert rebuilt.returncode == 0, rebuilt.log
    page = rebuilt.page(f"briefings/{slug}/")
    assert "Daniel Kim" in page and 'class="draft-banner"' not in page
    assert not (rebuilt.output / "drafts" / slug).exists()
    assert f"briefings/{slug}/" in rebuilt.page("index.html")


def test_ingest_publish_skips_the_draft_and_an_update_keeps_the_status(tmp_path, raw):
    out = tmp_path / "briefings"
    assert run("--out", out, "--publish", raw).returncode == 0
    path = only_briefing(out)
    assert "status" not in frontmatter.parse(path.read_text()).meta
    # the page changes at its source: the update keeps the briefing published
    page = raw / SAMPLE.name
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line of the article, added "
                    "by the site later in the day.\n", encoding="utf-8")
    proc = run("--out", out, raw)
    assert proc.returncode == 0 and "1 updated" in proc.stderr, proc.stderr
    assert "status" not in frontmatter.parse(only_briefing(out).read_text()).meta


def test_page_without_date_gets_the_day_of_ingest_marked_for_review(tmp_path, raw):
    out = tmp_path / "briefings"
    assert run("--out", out, raw).returncode == 0
    meta = frontmatter.parse(only_briefing(out).read_text()).meta
    assert meta["provenance"]["date_source"] == "ingest"
    assert meta["provenance"]["ingested"] == meta["date"].date()


def test_reingest_changes_nothing(tmp_path, raw):
    out = tmp_path / "briefings"
    assert run("--out", out, raw).returncode == 0
    path = only_briefing(out)
    before = path.read_bytes(), path.stat().st_mtime_ns
    proc = run("--out", out, raw)
    assert proc.returncode == 0
    assert "1 already ingested" in proc.stderr
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_edited_briefing_is_never_overwritten_and_force_keeps_a_backup(tmp_path, raw):
    out = tmp_path / "briefings"
    assert run("--out", out, raw).returncode == 0
    path = only_briefing(out)
    edited = path.read_text().replace("Reports have emerged", "EDITOR: reports have emerged")
    path.write_text(edited)
    # the raw page changes (a re-saved copy): ingest would update the briefing
    page = raw / SAMPLE.name
    page.write_text(page.read_text() + "\nSubscribe\n")
    proc = run("--out", out, raw)
    assert proc.returncode == 1
    assert "edited by hand" in proc.stderr and str(path) in proc.stderr
    assert path.read_text() == edited
    proc = run("--out", out, "--force", raw)
    assert proc.returncode == 0, proc.stderr
    assert "1 updated" in proc.stderr
    backups = list(out.glob("*.bak"))
    assert len(backups) == 1 and backups[0].read_text() == edited
    assert "EDITOR:" not in path.read_text()


def test_unedited_briefing_is_updated_when_the_raw_page_changes(tmp_path, raw):
    out = tmp_path / "briefings"
    assert run("--out", out, raw).returncode == 0
    page = raw / SAMPLE.name
    page.write_text(page.read_text().replace("Reports have emerged", "Reports emerged"))
    proc = run("--out", out, raw)
    assert proc.returncode == 0 and "1 updated" in proc.stderr
    assert "Reports emerged" in only_briefing(out).read_text()
    assert not list(out.glob("*.bak"))


def test_dry_run_writes_nothing(tmp_path, raw):
    out = tmp_path / "briefings"
    proc = run("--out", out, "--dry-run", raw)
    assert proc.returncode == 0
    assert "would be written" in proc.stderr
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b"  \n\n \n", "the file is empty"),
    ("nbsp.txt", b"\xa0\n\xa0", "the file is empty"),  # no-break spaces in cp1252
    ("nbsp-utf8.txt", "\u00a0\u2003\n".encode(), "the file is empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
     "binary file"),
    ("links.txt", ("Home\nNews\nWorld\nSports\nContact\nAbout us\nPrivacy Policy\n"
                   "Terms of Use\n" * 3).encode(), "no article found"),
    ("error.html", b"<html><head><title>404 Not Found</title></head><body><h1>Not Found"
                   b"</h1><p>The requested URL was not found on this server.</p></body></html>",
     "no article found"),
    ("notes.docx", b"PK\x03\x04 whatever", "not a page dump (.txt) or a saved page"),
])
def test_bad_input_is_a_one_line_error_naming_the_file(tmp_path, name, data, message):
    bad = tmp_path / name
    bad.write_bytes(data)
    out = tmp_path / "briefings"
    proc = run("--out", out, bad)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(bad) in errors[0] and message in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not list(out.iterdir())


def test_cp1252_text_is_read_with_a_warning(tmp_path):
    text = SAMPLE.read_text().replace("Libya’s", "Libya's").replace("—", "-")
    text = text.replace("Reports have emerged", "Reports have emerged (café)")
    bad = tmp_path / "legacy.txt"
    bad.write_bytes(text.encode("cp1252", errors="replace"))
    out = tmp_path / "briefings"
    proc = run("--out", out, bad)
    assert proc.returncode == 0, proc.stderr
    assert "not UTF-8; read as cp1252" in proc.stderr
    assert "(café)" in only_briefing(out).read_text()


def test_batch_reports_each_file_and_a_summary_and_keeps_the_good_ones(tmp_path, raw):
    (raw / "empty.txt").write_text("")
    (raw / "clean-dev.html").write_bytes((DATA / "clean" / "9a440270bf8625d5.html").read_bytes())
    out = tmp_path / "briefings"
    proc = run("--out", out, raw)
    assert proc.returncode == 1
    assert "[3/3]" in proc.stderr
    assert "2 written, 0 updated, 0 already ingested, 1 failed" in proc.stderr
    assert f"error: {raw / 'empty.txt'}: the file is empty" in proc.stderr
    assert len(list(out.glob("*.md"))) == 2
    assert not list(out.glob(".*.tmp"))


def test_same_title_from_another_page_gets_its_own_file(tmp_path, raw):
    copy = raw / "copy.txt"
    copy.write_text(SAMPLE.read_text() + "\nAnother copy saved later.\n")
    out = tmp_path / "briefings"
    assert run("--out", out, raw).returncode == 0
    names = sorted(p.name for p in out.glob("*.md"))
    assert len(names) == 2 and names[0].endswith("-2.md") or names[1].endswith("-2.md")


def test_summary_is_cut_at_a_sentence_near_300_characters():
    long = ("First sentence is here. " * 20).strip()
    summary = ingest.summarise([long])
    assert len(summary) <= 300 and summary.endswith(".")
    words = ingest.summarise(["word " * 100])
    assert len(words) <= 301 and words.endswith("…")
    assert ingest.summarise(["## Heading", "Lede \\*starred\\* text."]) == "Lede *starred* text."


def test_an_interrupted_update_leaves_the_old_briefing_and_no_temporary(tmp_path, raw,
                                                                        monkeypatch):
    from briefing.core import fileio

    out = tmp_path / "briefings"
    options = ingest.IngestOptions(out=out)
    assert ingest.ingest_file(raw / SAMPLE.name, options, ingest.Existing.scan(out),
                              None).status == "written"
    target = only_briefing(out)
    before = target.read_bytes()
    page = raw / SAMPLE.name
    page.write_text(page.read_text().replace("Reports have emerged", "Reports emerged"))

    def boom(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest_file(page, options, ingest.Existing.scan(out), None)
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [target.name]


def test_the_same_page_saved_twice_is_caught_as_a_near_duplicate(tmp_path):
    """A real page saved as a text dump and as a browser copy (different bytes, one article):
    the second is written as a draft naming the first, or left out with --skip-duplicates;
    another page is not taken for it; the signatures are kept beside the briefings."""
    pages = ROOT / "tests" / "data" / "title"
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(pages / "ehow-1.txt", raw / "a-save.txt")
    shutil.copy(pages / "schema-org-context-object.txt", raw / "b-other.txt")
    out = tmp_path / "briefings"
    assert run("--out", out, raw).returncode == 0
    first = {p.name for p in out.glob("*.md")}
    assert len(first) == 2 and (out / ".briefing-signatures.npz").exists()

    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(pages / "ehow-1.inner.txt", again / "c-save.txt")
    proc = run("--out", out, again)
    assert proc.returncode == 0, proc.stderr
    assert "a near-duplicate of" in proc.stderr and "how-to-build-a-terrarium.md" in proc.stderr
    (twin,) = [p for p in out.glob("*.md") if p.name not in first]
    meta = frontmatter.parse(twin.read_text(encoding="utf-8")).meta
    assert meta["duplicate_of"] == "how-to-build-a-terrarium" and meta["status"] == "draft"
    review = subprocess.run([str(BRIEFING), "review", str(out)], capture_output=True,
                            text=True, timeout=120)
    assert "a near-duplicate of how-to-build-a-terrarium" in review.stdout

    third = tmp_path / "third"
    third.mkdir()
    shutil.copy(pages / "ehow-1.inner.txt", third / "d-save.txt")
    (third / "d-save.txt").write_text((pages / "ehow-1.inner.txt").read_text() + "\nShare\n")
    skipped = run("--out", out, "--skip-duplicates", third)
    assert skipped.returncode == 0 and "1 skipped as near-duplicates" in skipped.stderr
    assert len(list(out.glob("*.md"))) == 3

    # the build warns only once both are published
    content = tmp_path / "content"
    shutil.copytree(out, content / "briefings")
    warning = f"briefings/{twin.name}: a near-duplicate of briefings/how-to-build-a-terrarium.md"
    drafts = build_site(content, tmp_path / "site-drafts")
    assert drafts.returncode == 0, drafts.log
    assert "a near-duplicate of" not in drafts.log
    published = subprocess.run([str(BRIEFING), "publish", str(content / "briefings")],
                               capture_output=True, text=True, timeout=120)
    assert published.returncode == 0, published.stderr
    both = build_site(content, tmp_path / "site")
    assert both.returncode == 0 and warning in both.log, both.log
    assert both.log.count("a near-duplicate of") == 1


def test_an_outlets_edit_of_a_story_resembles_it_and_other_pages_do_not():
    from briefing.ingest import duplicates
    from briefing.ingest.clean import clean_dump

    pages = ROOT / "tests" / "data" / "title"
    body = clean_dump((pages / "ehow-1.txt").read_text(encoding="utf-8")).body
    paras = [p for p in body.split("\n\n") if p.strip()]
    edit = "\n\n".join(["Another outlet's own first paragraph, written for its readers."]
                       + [p for i, p in enumerate(paras) if i % 4 != 3])
    other = clean_dump((pages / "schema-org-context-object.txt").read_text("utf-8")).body
    sig = duplicates.signature(body)
    assert (duplicates.signature(edit) == sig).mean() >= duplicates.THRESHOLD
    assert (duplicates.signature(other) == sig).mean() < 0.15
    assert duplicates.signature("too short to compare") is None


def test_signatures_made_another_way_are_not_used(tmp_path):
    """A signature cache from another way of making them (an older version: no scheme) is
    ignored and the briefings are read again; one of this scheme is used."""
    import numpy as np

    from briefing.ingest import duplicates

    text = (ROOT / "tests" / "data" / "title" / "ehow-1.txt").read_text(encoding="utf-8")
    briefing = tmp_path / "a.md"
    briefing.write_text("---\ntitle: A\n---\n" + text, encoding="utf-8")
    stamp = (briefing.stat().st_size, briefing.stat().st_mtime_ns)
    wrong = np.zeros((1, duplicates.PERMUTATIONS), dtype=np.uint64)

    def cache(**extra):
        np.savez(tmp_path / duplicates.CACHE_NAME, names=np.array(["a.md"]),
                 sizes=np.array([stamp[0]]), mtimes=np.array([stamp[1]]), sigs=wrong,
                 ok=np.array([True]), **extra)

    cache()  # the older format: no scheme
    assert not (duplicates.DuplicateIndex.load(tmp_path)._rows[0] == 0).all()
    cache(scheme=np.array(duplicates.SCHEME))  # this scheme, same stamp: taken as it is
    assert (duplicates.DuplicateIndex.load(tmp_path)._rows[0] == 0).all()


def test_a_page_of_control_bytes_is_refused_as_binary_and_a_text_page_is_not():
    from briefing.ingest import pipeline

    path = Path("raw/x.txt")
    noise = bytes(range(1, 9)) * 200 + b"some words"  # control bytes, no NUL
    with pytest.raises(pipeline.IngestError, match="looks like a binary file"):
        pipeline.decode(noise, path, [])
    page = "Tabs\tand form feeds\x0c and line ends\r\n are text.\n".encode() * 50
    assert pipeline.decode(page, path, []).startswith("Tabs\tand")

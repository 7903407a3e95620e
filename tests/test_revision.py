"""``modified``: written by ingest when it re-ingests over a published briefing whose text
changed, and by ``briefing publish`` when a briefing changed since it was published; every
other byte of the file kept. Real raw pages (tests/data)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from briefing.cli import main as cli
from briefing.core import frontmatter
from briefing.ingest import pipeline as ingest
from briefing.ingest import revision
from conftest import DATA, build_site

SAMPLE = DATA / "raw" / "viewus-russia-air-defense-libya.txt"
HTML = DATA / "clean" / "9a440270bf8625d5.html"
DAY1, DAY2 = dt.date(2025, 3, 1), dt.date(2025, 3, 9)
TODAY = dt.date.today()


def ingest_one(raw: Path, out: Path, today: dt.date, **options) -> ingest.Outcome:
    opts = ingest.IngestOptions(out=out, today=today, date=dt.date(2024, 12, 19), **options)
    with ingest.prepared(opts) as existing:
        return ingest.ingest_file(raw, opts, existing, None)


def meta_of(path: Path) -> dict:
    return frontmatter.parse(path.read_text(encoding="utf-8")).meta


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines only ``before`` has and the lines only ``after`` has (in order)."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    return [line for line in a if line not in b], [line for line in b if line not in a]


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    return folder / SAMPLE.name


def revise(raw: Path, old: str = "Experts caution", new: str = "Analysts caution") -> None:
    """The page changes at its source: a sentence of the article is reworded."""
    text = raw.read_text(encoding="utf-8")
    assert old in text
    raw.write_text(text.replace(old, new), encoding="utf-8")


def publish(*args, capsys) -> tuple[int, str, str]:
    code = cli(["publish", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- ingest -----------------------------------------------------------------------------------
def test_reingest_of_a_published_briefing_whose_text_changed_dates_it(tmp_path, raw):
    out = tmp_path / "out"
    first = ingest_one(raw, out, DAY1, publish=True)
    assert first.status == "written"
    meta = meta_of(first.target)
    assert "modified" not in meta and "status" not in meta
    body = frontmatter.parse(first.target.read_text()).body
    assert meta["provenance"][revision.RECORD] == revision.reader_digest(meta, body)

    revise(raw)
    second = ingest_one(raw, out, DAY2)
    assert second.status == "updated" and second.target == first.target
    meta = meta_of(second.target)
    assert meta["modified"].date() == DAY2 and "status" not in meta
    assert meta["date"].date() == dt.date(2024, 12, 19)
    assert "Analysts caution" in second.target.read_text()
    assert not ingest.edited_by_hand(second.target.read_text())  # ingest's own text
    assert meta["provenance"][revision.RECORD] == revision.reader_digest(
        meta, frontmatter.parse(second.target.read_text()).body)

    # a change of the page the article does not show (its footer) is no revision: the
    # briefing is updated from the new page, and keeps its date of revision
    raw.write_text(raw.read_text(encoding="utf-8") + "\nAll rights reserved.\n",
                   encoding="utf-8")
    third = ingest_one(raw, out, dt.date(2025, 4, 1))
    assert third.status == "updated"
    assert meta_of(third.target)["modified"].date() == DAY2


def test_an_updated_draft_is_not_dated(tmp_path, raw):
    out = tmp_path / "out"
    first = ingest_one(raw, out, DAY1)
    revise(raw)
    second = ingest_one(raw, out, DAY2)
    meta = meta_of(second.target)
    assert second.status == "updated" and meta["status"] == "draft"
    assert "modified" not in meta and revision.RECORD not in meta["provenance"]
    assert first.target == second.target


def test_force_over_an_edited_published_briefing_dates_it_and_keeps_a_backup(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    page = folder / "euro.html"
    shutil.copy(HTML, page)
    out = tmp_path / "out"
    first = ingest_one(page, out, DAY1, publish=True)
    assert first.status == "written", first.message
    target = first.target
    edited = target.read_text(encoding="utf-8").replace("Wales beat Hungary",
                                                        "Wales defeated Hungary")
    target.write_text(edited, encoding="utf-8")
    revise(page, "Euro 2020 qualifying is over.", "Euro 2020 qualifying has ended.")
    refused = ingest_one(page, out, DAY2)
    assert refused.status == "failed" and "edited by hand" in refused.message
    assert target.read_text(encoding="utf-8") == edited  # the editor's work is untouched
    forced = ingest_one(page, out, DAY2, force=True)
    assert forced.status == "updated", forced.message
    meta = meta_of(target)
    assert meta["modified"].date() == DAY2 and "status" not in meta
    backups = list(out.glob(f"{target.name}.*.bak"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == edited


# --- publish ----------------------------------------------------------------------------------
@pytest.fixture
def draft(tmp_path, raw) -> Path:
    outcome = ingest_one(raw, tmp_path / "out", DAY1)
    assert outcome.status == "written"
    return outcome.target


def test_first_publish_records_the_text_and_changes_nothing_else(draft, capsys):
    before = draft.read_text(encoding="utf-8")
    code, out, err = publish(draft, capsys=capsys)
    assert code == 0 and "1 draft published" in err, err
    after = draft.read_text(encoding="utf-8")
    gone, added = changed_lines(before, after)
    assert [line.split(":")[0].strip() for line in gone] == ["status", "checksum"]
    assert [line.split(":")[0].strip() for line in added] == [
        "status", revision.RECORD, "checksum"]
    meta = meta_of(draft)
    assert meta["status"] == "published" and "modified" not in meta
    assert not ingest.edited_by_hand(after)


def test_publish_dates_a_published_briefing_an_editor_revised(draft, capsys):
    assert publish(draft, capsys=capsys)[0] == 0
    # the editor rewords a sentence of the published briefing, with CRLF line ends and a
    # comment of their own
    text = draft.read_text(encoding="utf-8").replace("Experts caution", "Analysts caution")
    text = text.replace("\n", "\r\n").replace("date: 2024-12-19\r\n",
                                              "date: 2024-12-19  # the page's date\r\n")
    draft.write_bytes(text.encode("utf-8"))
    code, out, err = publish(draft.parent, capsys=capsys)
    assert code == 0, err
    assert f"changed since it was published: marked updated {TODAY.isoformat()}" in out
    assert "1 published briefing marked updated" in err
    after = draft.read_bytes().decode("utf-8")
    gone, added = changed_lines(text, after)
    assert [line.split(":")[0].strip() for line in gone] == [revision.RECORD]
    assert added[0] == f"modified: {TODAY.isoformat()}\r\n"
    assert [line.split(":")[0].strip() for line in added] == ["modified", revision.RECORD]
    # right under the date, the editor's comment kept; every line still ends in CRLF
    assert f"date: 2024-12-19  # the page's date\r\nmodified: {TODAY.isoformat()}\r\n" in after
    assert after.count("\r\n") == after.count("\n")
    meta = meta_of(draft)
    assert meta["modified"].date() == TODAY and meta["status"] == "published"

    # run again: nothing more to do, nothing written
    again = draft.read_bytes()
    code, out, err = publish(draft.parent, capsys=capsys)
    assert code == 0 and out == "" and draft.read_bytes() == again


def test_tag_changes_are_no_revision(draft, capsys):
    assert publish(draft, capsys=capsys)[0] == 0
    text = draft.read_text(encoding="utf-8")
    region = next(line for line in text.splitlines() if line.startswith("region:"))
    draft.write_text(text.replace(region + "\n", region + "\n- Mediterranean Sea\n", 1)
                     if region == "region:" else text.replace(
                         region, "region: [Mediterranean Sea]", 1), encoding="utf-8")
    before = draft.read_bytes()
    code, out, err = publish(draft, capsys=capsys)
    assert code == 0 and draft.read_bytes() == before


def test_a_draft_published_again_after_changes_is_dated(draft, capsys):
    assert publish(draft, capsys=capsys)[0] == 0
    text = draft.read_text(encoding="utf-8")
    # back to draft for a rewrite, with a date of revision the editor set long ago
    text = text.replace("status: published", "status: draft").replace(
        "Experts caution", "Analysts caution")
    text = text.replace("date: 2024-12-19\n", "date: 2024-12-19\nmodified: 2025-01-02\n")
    draft.write_text(text, encoding="utf-8")
    code, out, err = publish(draft, capsys=capsys)
    assert code == 0 and "1 draft published" in err, err
    assert f"published (updated {TODAY.isoformat()}: changed since it was last published)" \
        in out
    gone, added = changed_lines(text, draft.read_text(encoding="utf-8"))
    assert sorted(line.split(":")[0].strip() for line in added) == sorted(
        ["status", "modified", revision.RECORD])
    assert f"modified: {TODAY.isoformat()}\n" in added  # the same line, its value replaced
    assert meta_of(draft)["status"] == "published"


def test_a_published_briefing_without_a_record_is_left_alone(draft, capsys):
    text = draft.read_text(encoding="utf-8").replace("status: draft\n", "")
    draft.write_text(text.replace("Experts caution", "Analysts caution"), encoding="utf-8")
    before = draft.read_bytes()
    code, out, err = publish(draft, capsys=capsys)
    assert code == 0 and draft.read_bytes() == before and "0 drafts published" in err


def test_dry_run_writes_nothing(draft, capsys):
    assert publish(draft, capsys=capsys)[0] == 0
    draft.write_text(draft.read_text(encoding="utf-8").replace(
        "Experts caution", "Analysts caution"), encoding="utf-8")
    before = draft.read_bytes()
    code, out, err = publish("--dry-run", draft, capsys=capsys)
    assert code == 0 and "would be marked updated" in out and draft.read_bytes() == before


def test_a_briefing_written_by_hand_gets_a_provenance_block(tmp_path, capsys):
    path = tmp_path / "by-hand.md"
    path.write_text("---\ntitle: A note\ndate: 2024-05-01\nstatus: draft\n---\n\nText.\n",
                    encoding="utf-8")
    assert publish(path, capsys=capsys)[0] == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: A note\ndate: 2024-05-01\nstatus: published\n")
    assert f"provenance:\n  {revision.RECORD}: " in text and text.endswith("---\n\nText.\n")
    path.write_text(text.replace("Text.", "Text, corrected."), encoding="utf-8")
    assert publish(path, capsys=capsys)[0] == 0
    assert meta_of(path)["modified"].date() == TODAY
    assert "date: 2024-05-01\nmodified: " in path.read_text(encoding="utf-8")


def test_the_page_says_updated(tmp_path, draft, capsys):
    assert publish(draft, capsys=capsys)[0] == 0
    draft.write_text(draft.read_text(encoding="utf-8").replace(
        "Experts caution", "Analysts caution"), encoding="utf-8")
    assert publish(draft, capsys=capsys)[0] == 0
    content = tmp_path / "content"
    (content / "briefings").mkdir(parents=True)
    shutil.copy(draft, content / "briefings" / draft.name)
    build = build_site(content, tmp_path / "site", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log
    page = build.page(f"briefings/{draft.stem}/")
    assert (f'<span class="briefing__updated" data-pagefind-ignore>Updated <time '
            f'datetime="{TODAY.isoformat()}T00:00:00+00:00">') in page

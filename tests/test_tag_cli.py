"""`briefing tag`, `briefing retag` and `briefing check` on real briefings."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.core import frontmatter
from conftest import CONTENT, DATA, ROOT

BRIEFING = Path(sys.executable).parent / "briefing"
SAMPLE_BRIEFING = CONTENT / "briefings" / "russia-relocates-s-400s-and-s-300s-from-syria-to-libya.md"


def run(*args, cwd=ROOT):
    return subprocess.run([str(BRIEFING), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_tag_prints_canonical_tags_of_a_briefing_and_a_text_file(tmp_path):
    text = tmp_path / "article.txt"
    text.write_text("Russia moves S-400 batteries to Libya\n\nRussia has moved S-400 "
                    "systems from Syria to eastern Libya, U.S. officials said. The Russian "
                    "military loaded the S-400 radars onto aircraft.\n")
    proc = run("tag", "--json", SAMPLE_BRIEFING, text)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["path"] for r in rows] == [str(SAMPLE_BRIEFING), str(text)]
    sample = rows[0]
    assert set(sample) == {"path", "region", "actors", "systems"}
    assert {"Libya", "Syria"} <= set(sample["region"])
    assert {"Russia", "Khalifa Haftar"} <= set(sample["actors"])
    assert set(sample["systems"]) == {"S-400", "S-300"}
    assert "S-400" in rows[1]["systems"] and "Russia" in rows[1]["actors"]
    plain = run("tag", text)
    assert plain.stdout.startswith(f"{text}: region: ")


@pytest.fixture
def briefings(tmp_path):
    folder = tmp_path / "briefings"
    folder.mkdir()
    shutil.copy(SAMPLE_BRIEFING, folder / SAMPLE_BRIEFING.name)
    return folder


def test_retag_shows_a_diff_and_writes_only_with_write_never_removing(briefings):
    path = briefings / SAMPLE_BRIEFING.name
    text = path.read_text()
    # an editor's choices: no systems yet, and a tag the tagger would never find
    text = text.replace("systems:\n- S-400\n- S-300\n", "systems: []\n")
    text = text.replace("actors:\n- Russia\n- Khalifa Haftar\n",
                        "actors:\n- Russia\n- Khalifa Haftar\n# editor: keep Egypt\n- Egypt\n")
    path.write_text(text)
    proc = run("retag", briefings)
    assert proc.returncode == 0, proc.stderr
    assert f"{path}: + systems: S-400" in proc.stdout
    assert f"{path}: + systems: S-300" in proc.stdout
    assert "would gain tags" in proc.stderr
    assert path.read_text() == text  # a diff only
    proc = run("retag", "--write", briefings)
    assert proc.returncode == 0, proc.stderr
    doc = frontmatter.parse(path.read_text(), str(path))
    assert doc.meta["systems"][:2] == ["S-400", "S-300"]
    assert "Egypt" in doc.meta["actors"]  # kept: retag never removes
    assert "# editor: keep Egypt" in path.read_text()  # the rest of the file untouched
    assert doc.body == frontmatter.parse(text, "x").body
    again = run("retag", briefings)
    assert "+ systems" not in again.stdout


def test_retag_keeps_an_ingested_briefing_unedited(tmp_path):
    from briefing.ingest.pipeline import edited_by_hand

    out = tmp_path / "briefings"
    raw = DATA / "raw" / "viewus-russia-air-defense-libya.txt"
    assert run("ingest", "--out", out, raw).returncode == 0
    path = next(out.glob("*.md"))
    text = path.read_text().replace("- S-300\n", "", 1)  # simulate an older vocabulary
    text = text.replace("systems: [S-400, S-300]}", "systems: [S-400]}", 1)  # (never proposed)
    from briefing.ingest.pipeline import refresh_checksum
    path.write_text(refresh_checksum(text))
    assert run("retag", "--write", out).returncode == 0
    assert "S-300" in frontmatter.parse(path.read_text()).meta["systems"]
    assert not edited_by_hand(path.read_text())


def test_check_takes_aliases_and_suggests_canonical_names_for_near_misses(tmp_path):
    folder = tmp_path / "briefings"
    folder.mkdir()
    bad = folder / "x.md"
    bad.write_text("---\ntitle: T\ndate: 2024-01-01\nregion:\n- Lybia\n- Wagner Group\n"
                   "actors: [Russia]\nsystems:\n- S-300\n- S-4000\n- Zzyzx-9\n- S400\n---\nBody\n")
    proc = run("check", folder)
    assert proc.returncode == 1
    out = proc.stdout
    assert f"`S-4000` in {bad}:10: not a systems term; did you mean S-400?" in out
    assert "S400" not in out  # an alias the vocabulary gives S-400: taken as S-400
    assert f"`Lybia` in {bad}:5: not a region term; did you mean Libya?" in out
    assert f"`Wagner Group` in {bad}:6: not a region term; it is in actors (as Wagner Group)" in out
    assert f"`Zzyzx-9` in {bad}:11: not in the vocabulary" in out
    assert "4 problems" in proc.stderr


def test_check_lists_guessed_dates_for_review(tmp_path):
    out = tmp_path / "briefings"
    raw = DATA / "raw" / "viewus-russia-air-defense-libya.txt"
    assert run("ingest", "--out", out, raw).returncode == 0
    proc = run("check", out)
    assert proc.returncode == 0, proc.stdout
    assert "1 field to review (guessed at ingest)" in proc.stdout
    assert "was guessed at ingest" in proc.stdout


def test_check_validates_the_vocabulary(tmp_path):
    vocab = tmp_path / "vocabulary.yaml"
    vocab.write_text(
        "region:\n"
        "  - name: Libya\n    aliases: [Lib]\n    parent: North Africa\n"
        "  - name: Tobruk\n    aliases: [Lib]\n    parent: Libya\n"
        "  - name: A\n    parent: B\n  - name: B\n    parent: A\n"
        "  - name: Tripoli\n    slug: tobruk\n"
        "actors: []\nsystems: []\n")
    proc = run("check", "--vocabulary", vocab, tmp_path / "vocabulary.yaml")
    assert proc.returncode == 1
    out = proc.stdout
    assert f"{vocab}:2: region 'Libya': parent 'North Africa' is not a region term" in out
    assert f"{vocab}:5: region 'Tobruk': alias 'Lib' is also claimed by 'Libya'" in out
    assert "its parents form a cycle" in out
    assert "slug 'tobruk' is also the slug of 'Tobruk'" in out


def test_check_passes_on_the_demo_content():
    proc = run("check", CONTENT)
    assert proc.returncode == 0, proc.stdout

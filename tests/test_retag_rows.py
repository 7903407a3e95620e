"""`briefing retag --write` on hand-edited briefings, row 8 of issue 14: only the facet lines
change, every other byte stays."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import cli
from briefing.ingest import retag
from conftest import CONTENT, ROOT

BRIEFING = Path(sys.executable).parent / "briefing"
SAMPLE = CONTENT / "briefings" / "russia-relocates-s-400s-and-s-300s-from-syria-to-libya.md"
BODY = SAMPLE.read_text(encoding="utf-8").split("\n---\n", 1)[1]
HEAD = "---\ntitle: Russia Relocates S-400s and S-300s from Syria to Libya’s Eastern Region\n" \
       "date: 2024-12-19\n"

# an editor's front matter, and the same after retag (the tagger finds Libya and Syria,
# Russia and Khalifa Haftar, S-400 and S-300 in the body)
EDITED = HEAD + """\
region: [Libya]  # where it happens
my note: keep this line
actors: # who acts
- Russia   # the state
# editor: check Haftar's role
2nd opinion: none yet
systems: S-400
ürgent: yes
---
"""
RETAGGED = HEAD + """\
region: [Libya, Syria]  # where it happens
my note: keep this line
actors: # who acts
- Russia   # the state
- Khalifa Haftar
# editor: check Haftar's role
2nd opinion: none yet
systems: [S-400, S-300]
ürgent: yes
provenance:
  tagged: {region: [Syria], actors: [Khalifa Haftar], systems: [S-300]}
---
"""
EDITED_INDENTED = HEAD + """\
region:   # to do
actors:
  -   Russia
  -   'Khalifa Haftar'
7 days: later
---
"""
RETAGGED_INDENTED = HEAD + """\
region: [Libya, Syria]   # to do
actors:
  -   Russia
  -   'Khalifa Haftar'
7 days: later
systems: [S-400, S-300]
provenance:
  tagged: {region: [Libya, Syria], actors: [], systems: [S-400, S-300]}
---
"""
# an ingested briefing edited by hand before the record of proposed tags existed: the record
# goes in before the checksum, which stays last
EDITED_PROVENANCE = HEAD + """region: [Libya]
provenance:
    raw: raw/x.txt   # kept
    checksum: """ + "0" * 64 + """
systems: S-400
---
"""
RETAGGED_PROVENANCE = HEAD + """region: [Libya, Syria]
provenance:
    raw: raw/x.txt   # kept
    tagged: {region: [Syria], actors: [Russia, Khalifa Haftar], systems: [S-300]}
    checksum: """ + "0" * 64 + """
systems: [S-400, S-300]
actors: [Russia, Khalifa Haftar]
---
"""


def run(*args):
    return subprocess.run([str(BRIEFING), *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_the_tagger_finds_what_these_tests_expect(tmp_path):
    path = tmp_path / "x.md"
    path.write_text(EDITED + BODY, encoding="utf-8")
    tags = json.loads(run("tag", "--json", path).stdout)
    assert (tags["region"], tags["actors"], tags["systems"]) == (
        ["Libya", "Syria"], ["Russia", "Khalifa Haftar"], ["S-400", "S-300"])


@pytest.mark.parametrize("edited, retagged, newline, bom", [
    (EDITED, RETAGGED, "\n", ""),
    (EDITED, RETAGGED, "\r\n", "\ufeff"),
    (EDITED_INDENTED, RETAGGED_INDENTED, "\n", ""),
    (EDITED_PROVENANCE, RETAGGED_PROVENANCE, "\r\n", ""),
], ids=["comments-and-odd-keys", "crlf-with-bom", "indented-empty-and-missing",
        "provenance-without-a-record"])
def test_row8_retag_write_changes_only_the_facet_lines(tmp_path, edited, retagged, newline,
                                                        bom):
    path = tmp_path / "briefings" / "x.md"
    path.parent.mkdir()
    before = (bom + edited + BODY).replace("\n", newline).encode("utf-8")
    path.write_bytes(before)
    proc = run("retag", "--write", path.parent)
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == (bom + retagged + BODY).replace("\n", newline).encode("utf-8")
    again = run("retag", path.parent)
    assert again.returncode == 0 and "+ " not in again.stdout


def test_row8_retag_refuses_to_write_a_file_changed_since_it_was_read(tmp_path, monkeypatch,
                                                                      capsys):
    path = tmp_path / "x.md"
    path.write_text(EDITED + BODY, encoding="utf-8")
    planned = retag.plan

    def plan_then_someone_saves(*args, **kwargs):
        result = planned(*args, **kwargs)
        path.write_text(EDITED.replace("keep this line", "saved meanwhile") + BODY,
                        encoding="utf-8")
        return result

    monkeypatch.setattr(retag, "plan", plan_then_someone_saves)
    assert cli.main(["retag", "--write", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"error: {path}: changed since retag read it; not written (run retag again)" in err
    assert "saved meanwhile" in path.read_text(encoding="utf-8")


def test_confirming_a_guessed_date_changes_that_value_only(tmp_path):
    """`briefing confirm`: provenance date_source ingest -> checked, every other byte kept,
    and check stops listing it."""
    path = tmp_path / "briefings" / "x.md"
    path.parent.mkdir()
    text = ("---\r\ntitle: T\r\ndate: 2026-11-01  # guessed\r\nregion: [Libya]\r\n"
            "provenance:\r\n  raw: raw/x.txt\r\n  date_source: ingest   # by ingest\r\n"
            "---\r\nBody.\r\n")
    path.write_bytes(text.encode("utf-8"))
    briefing = [str(Path(sys.executable).parent / "briefing")]
    listed = subprocess.run(briefing + ["check", "--no-maybe", str(path)], capture_output=True,
                            text=True, timeout=120)
    assert f"run `briefing confirm {path}`" in listed.stdout
    done = subprocess.run(briefing + ["confirm", str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "date confirmed: 2026-11-01" in done.stdout, done.stderr
    assert path.read_bytes() == text.replace("date_source: ingest", "date_source: checked") \
        .encode("utf-8")
    again = subprocess.run(briefing + ["check", "--no-maybe", str(path)], capture_output=True,
                           text=True, timeout=120)
    assert "guessed at ingest" not in again.stdout
    twice = subprocess.run(briefing + ["confirm", str(path)], capture_output=True, text=True,
                           timeout=120)
    assert "0 briefings confirmed" in twice.stderr


def test_a_tag_an_editor_removed_is_never_proposed_again(tmp_path):
    """Ingest records the tags it proposed (provenance tagged); an editor removes one; retag
    and accept leave it out, say so, and a tag retag adds is recorded too."""
    out = tmp_path / "briefings"
    raw = ROOT / "tests" / "data" / "raw" / "viewus-russia-air-defense-libya.txt"
    assert run("ingest", "--out", out, raw).returncode == 0
    path = next(out.glob("*.md"))
    text = path.read_text(encoding="utf-8")
    assert "  tagged: {region: [Libya, Syria], actors: [Russia, Khalifa Haftar], systems: " \
           "[S-400, S-300]}\n" in text
    edited = text.replace("- Khalifa Haftar\n", "", 1)  # the editor's call
    path.write_text(edited, encoding="utf-8")
    proc = run("retag", "--write", out)
    assert proc.returncode == 0, proc.stderr
    assert f"{path}: not proposed again: actors: Khalifa Haftar (an editor removed it)" \
        in proc.stdout
    assert "+ actors" not in proc.stdout and "1 tag an editor removed" in proc.stderr
    assert path.read_text(encoding="utf-8") == edited  # nothing written
    # an editor who wants it back adds it by hand; the record is unchanged by that
    path.write_text(edited.replace("- Russia\n", "- Russia\n- Khalifa Haftar\n", 1),
                    encoding="utf-8")
    assert "not proposed again" not in run("retag", out).stdout

    # a tag retag adds (a vocabulary change, simulated) joins the record, so that removing
    # it later is remembered too
    older = edited.replace("- S-300\n", "", 1).replace("systems: [S-400, S-300]}",
                                                       "systems: [S-400]}", 1)
    path.write_text(older, encoding="utf-8")
    assert "+ systems: S-300" in run("retag", "--write", out).stdout
    now = path.read_text(encoding="utf-8")
    assert "systems: [S-400, S-300]}" in now and "- S-300\n" in now
    path.write_text(now.replace("- S-300\n", "", 1), encoding="utf-8")
    again = run("retag", out)
    assert "not proposed again: systems: S-300" in again.stdout and "+ " not in again.stdout


def test_a_provenance_record_wrapped_onto_two_lines_is_still_retags(tmp_path):
    """Ingest writes YAML 100 columns wide, so a long record of proposed tags wraps; retag
    reads it, and writes it back on one line with what it adds."""
    path = tmp_path / "briefings" / "x.md"
    path.parent.mkdir()
    wrapped = HEAD + """region: [Libya, Syria]
actors: [Russia, Khalifa Haftar]
systems: [S-400]
provenance:
  tagged: {region: [Libya, Syria], actors: [Russia, Khalifa Haftar],
    systems: [S-400]}
---
"""
    path.write_text(wrapped + BODY, encoding="utf-8")
    proc = run("retag", "--write", path.parent)
    assert proc.returncode == 0, proc.stderr
    assert path.read_text(encoding="utf-8") == wrapped.replace(
        "systems: [S-400]\n", "systems: [S-400, S-300]\n", 1).replace(
        "  tagged: {region: [Libya, Syria], actors: [Russia, Khalifa Haftar],\n"
        "    systems: [S-400]}\n",
        "  tagged: {region: [Libya, Syria], actors: [Russia, Khalifa Haftar], systems: "
        "[S-400, S-300]}\n") + BODY

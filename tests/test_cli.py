"""The `briefing` console script."""

import subprocess
import sys
from pathlib import Path

from conftest import CONTENT, ROOT

BRIEFING = Path(sys.executable).parent / "briefing"


def run(*args):
    return subprocess.run([str(BRIEFING), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_help_works():
    proc = run("--help")
    assert proc.returncode == 0
    assert "check" in proc.stdout


def test_check_passes_on_the_demo_content():
    proc = run("check", str(CONTENT))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checked" in proc.stderr and "ok" in proc.stderr


def test_check_lists_every_problem_with_file_and_line(content_copy):
    bad = content_copy / "briefings" / "bad.md"
    bad.write_text("---\ntitle: T\ndate: soon\nsystems: {a: 1}\n---\nBody\n")
    proc = run("check", str(content_copy))
    assert proc.returncode == 1
    assert f"{bad}:3: date must be a date" in proc.stdout
    assert f"{bad}:4: systems must be a list of names, got a mapping" in proc.stdout
    assert "2 problems" in proc.stderr


def test_check_on_a_missing_path_is_a_clear_error(tmp_path):
    proc = run("check", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stderr


def test_check_reads_on_past_a_yaml_error(content_copy):
    bad = content_copy / "briefings" / "colon.md"
    bad.write_text("---\ntitle: Iran: the talks resume\ndate: 2024-12-18\n"
                   "region: [Libya, Atlantis]\n---\nBody\n")
    proc = run("check", str(bad))
    assert proc.returncode == 1
    assert f"{bad}:2: invalid YAML" in proc.stdout and 'title: "Iran: the talks' in proc.stdout
    assert f"`Atlantis` in {bad}:4: not in the vocabulary" in proc.stdout  # still checked
    assert "2 problems" in proc.stderr


def test_check_fix_writes_aliases_as_terms_and_comma_texts_as_lists(content_copy):
    bad = content_copy / "briefings" / "aliases.md"
    text = ("---\r\ntitle: T\r\ndate: 2024-12-18\r\nregion: Libya, Syria, Tartus  # where\r\n"
            "actors:\r\n  - irgc   # the guards\r\n  - \"Wagner\"\r\nsystems: [S-400]\r\n---\r\n"
            "Body: IRGC stays as written.\r\n")
    bad.write_bytes(text.encode())
    before = run("check", "--no-maybe", str(bad))
    assert before.returncode == 1 and "write a YAML list" in before.stdout  # the comma text
    proc = run("check", "--no-maybe", "--fix", str(bad))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{bad}: fixed actors: Islamic Revolutionary Guard Corps (was irgc)" in proc.stdout
    assert "fixed 1 briefing): ok" in proc.stderr
    assert bad.read_bytes().decode() == text.replace(
        "Libya, Syria, Tartus  #", "[Libya, Syria, Tartus]  #").replace(
        "irgc ", "Islamic Revolutionary Guard Corps ").replace('"Wagner"', "Wagner Group")
    again = run("check", "--no-maybe", "--fix", str(bad))
    assert "fixed 0 briefings): ok" in again.stderr  # nothing left to fix


def test_check_fix_leaves_a_file_with_other_problems_alone(content_copy):
    bad = content_copy / "briefings" / "broken.md"
    text = "---\ntitle: T\ndate: soon\nactors: [irgc]\n---\nBody\n"
    bad.write_text(text)
    proc = run("check", "--no-maybe", "--fix", str(bad))
    assert proc.returncode == 1 and f"{bad}:3: date must be a date" in proc.stdout
    assert bad.read_text() == text

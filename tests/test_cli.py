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

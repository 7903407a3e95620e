"""Near misses (briefing.ingest.review): terms found below the bar are shown to the editor with
the reason, never added silently; `briefing accept` adds them, editing only the facet lines."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from briefing.core import frontmatter
from briefing.ingest.review import NEAR_SHARE, near_misses
from briefing.ingest.tagger import Evidence, TagResult
from conftest import CONTENT, ROOT

BRIEFING = Path(sys.executable).parent / "briefing"
MAYBE = re.compile(r"^  (?P<path>\S+\.md): maybe (?P<facet>\w+): (?P<name>.+) \((?P<why>.+)\)$",
                   re.M)


def run(*args):
    return subprocess.run([str(BRIEFING), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def _evidence(score, mentions=1, title=False, lede=False, paragraphs=1, first=0):
    return Evidence(score=score, mentions=mentions, first=first, in_title=title,
                    in_lede=lede, paragraphs=paragraphs)


def test_a_near_miss_is_a_candidate_below_the_bar_and_says_why():
    bars = {"region": 2.0, "actors": 2.0, "systems": 2.0}
    result = TagResult(systems=["S-400"], evidence={
        ("systems", "S-400"): _evidence(4.0, mentions=3),
        ("systems", "RC-135"): _evidence(1.0, first=50),
        ("systems", "Su-35"): _evidence(1.0, mentions=2, paragraphs=2, first=10),
        ("systems", "Tor"): _evidence(NEAR_SHARE["systems"] * 2.0 - 0.01),  # too weak
        ("actors", "Vladimir Putin"): _evidence(1.5, lede=True),
        ("region", "Crete"): _evidence(1.2),                               # the editor's tag
    })
    misses = near_misses(result, have={"region": ["crete"]}, thresholds=bars)
    assert [str(m) for m in misses] == [
        "maybe actors: Vladimir Putin (one mention in the lede)",
        "maybe systems: Su-35 (2 mentions in 2 paragraphs of the body)",  # same score, first
        "maybe systems: RC-135 (one mention in the body)",
    ]


def test_check_lists_near_misses_and_accept_adds_only_the_one_named(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    checked = run("check", str(content))
    assert checked.returncode == 0, checked.stdout + checked.stderr  # not problems
    found = list(MAYBE.finditer(checked.stdout))
    assert found, checked.stdout
    assert re.search(r"^\d+ near-miss tags? \(found, below the bar", checked.stdout, re.M)
    first = found[0]
    path, facet, name = Path(first["path"]), first["facet"], first["name"]
    before = path.read_text(encoding="utf-8")

    dry = run("accept", str(path), "--only", name, "--dry-run")
    assert dry.returncode == 0 and f"+ {facet}: {name}" in dry.stdout, dry.stderr
    assert path.read_text(encoding="utf-8") == before

    accepted = run("accept", str(path), "--only", name)
    assert accepted.returncode == 0, accepted.stderr
    assert "accept: 1 tag added to 1 briefing" in accepted.stderr
    after = path.read_text(encoding="utf-8")
    doc, old = frontmatter.parse(after, str(path)), frontmatter.parse(before, str(path))
    assert doc.meta[facet] == list(old.meta.get(facet) or []) + [name]
    assert doc.body == old.body
    for key in old.meta:  # every other key as it was
        if key not in (facet, "provenance"):
            assert doc.meta[key] == old.meta[key], key

    again = run("check", str(path))
    assert f"maybe {facet}: {name} (" not in again.stdout
    unknown = run("accept", str(path), "--only", "Nowhere Land")
    assert "'nowhere land' is not a near miss" in unknown.stderr


def test_ingest_counts_the_near_misses_it_leaves_to_the_editor(tmp_path):
    raw = sorted((ROOT.parent / "shared" / "samples" / "raw").iterdir())[0]
    out = tmp_path / "out"
    proc = run("ingest", str(raw), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    written = list(out.glob("*.md"))
    assert len(written) == 1
    listed = MAYBE.findall(run("check", str(out)).stdout)
    match = re.search(r"(\d+) near-miss tags? in 1 briefing to review", proc.stderr)
    assert (int(match.group(1)) if match else 0) == len(listed)


def test_doubts_name_the_fields_ingest_got_wrong_and_leave_good_ones_alone():
    """The editor's-desk review's examples: a menu entry as the author, the copyright holder
    as the source, a photo credit as the caption; and real names, outlets and captions."""
    from briefing.core.vocabulary import default_path, load
    from briefing.ingest.review import doubts

    vocab = load(default_path())
    wrong = [
        {"author": "US & Canada"},                      # a menu entry: two places
        {"author": "World News", "section": "World News"},
        {"source": {"name": "NYP Holdings"}},
        {"source": {"name": "Hearst Communications"}},
        {"source": {"name": "Cable News Network"}},
        {"caption": "Getty Images"},
        {"caption": "(AP Photo/Hussein Malla)"},
        {"caption": "Photo: Reuters"},
    ]
    for meta in wrong:
        assert len(doubts(meta, vocab)) == 1, meta
    fine = {"author": "Daniel Kim", "source": {"name": "Yonhap News"}, "section": "World",
            "caption": "Russian S-400 launchers at a parade in Moscow (Reuters)"}
    assert doubts(fine, vocab) == []
    assert doubts({"author": "Jane Doe and John Smith", "caption": "A file photo of the base"},
                  vocab) == []


def test_review_shows_the_doubts_of_a_real_ingested_page(tmp_path):
    raw = ROOT / "tests" / "data" / "raw" / "viewus-russia-air-defense-libya.txt"
    out = tmp_path / "briefings"
    assert run("ingest", str(raw), "--out", str(out)).returncode == 0
    (path,) = out.glob("*.md")
    clean = run("review", str(out))
    assert "does not look like a person's name" not in clean.stdout  # Daniel Kim
    path.write_text(path.read_text(encoding="utf-8").replace("author: Daniel Kim",
                                                             "author: US & Canada"),
                    encoding="utf-8")
    doubted = run("review", str(out))
    assert "the author ('US & Canada') does not look like a person's name" in doubted.stdout


def test_a_countrys_near_miss_says_how_often_it_had_that_role():
    bars = {"region": 2.0, "actors": 2.0, "systems": 2.0}
    libya = Evidence(score=1.5, mentions=9, first=0, in_title=True, in_lede=True,
                     paragraphs=4, roles=(("actor", 1), ("place", 8)))
    result = TagResult(region=["Libya"], evidence={("actors", "Libya"): libya})
    assert [str(m) for m in near_misses(result, thresholds=bars)] == [
        "maybe actors: Libya (9 mentions in the title, 1 of them as an actor)"]


def test_a_title_picked_with_low_confidence_is_flagged_until_confirmed(tmp_path):
    """A page whose headline line the scorer is unsure of (a blog's front page: its best
    line is a photo credit) is marked ``title_source: unsure`` with the confidence; review
    and check say so; ``confirm`` clears it. A page with a clear headline is not flagged."""
    out = tmp_path / "briefings"
    unsure = ROOT / "tests" / "data" / "title" / "daringfireball-1.inner.txt"
    sure = ROOT / "tests" / "data" / "raw" / "viewus-russia-air-defense-libya.txt"
    html = ROOT / "tests" / "data" / "clean" / "a1fca19b884e0e94.html"
    ingest = run("ingest", "--out", str(out), "--date", "2026-11-01", str(unsure), str(sure),
                 str(html))
    assert ingest.returncode == 0, ingest.stderr
    docs = {}
    for path in out.glob("*.md"):
        doc = frontmatter.parse(path.read_text(encoding="utf-8"), str(path))
        docs[Path(doc.meta["provenance"]["raw"]).name] = (path, doc.meta)
    flagged, meta = docs[unsure.name]
    assert meta["provenance"]["title_source"] == "unsure"
    assert 0 < meta["provenance"]["title_confidence"] < 0.7
    assert docs[sure.name][1]["provenance"]["title_source"] == "scored"
    assert docs[sure.name][1]["provenance"]["title_confidence"] > 0.9
    assert docs[html.name][1]["provenance"]["title_source"] == "page"  # the page's <h1>
    assert "title_confidence" not in docs[html.name][1]["provenance"]

    review = run("review", str(out))
    listed = review.stdout.split(f"{flagged}: ", 1)[1].split("\n.", 1)[0]
    assert "the title was picked with low confidence (" in listed
    assert review.stdout.count("picked with low confidence") == 1  # the other two are sure
    check = run("check", "--no-maybe", str(flagged))
    assert f"{flagged}:2: the title was picked with low confidence" in check.stdout
    assert check.returncode == 0  # a doubt, not a problem

    before = flagged.read_text(encoding="utf-8")
    done = run("confirm", str(flagged))
    assert done.returncode == 0 and f"{flagged}: title confirmed: {meta['title']}" in done.stdout
    after = flagged.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert [b.strip() for a, b in changed if "checksum" not in a] == ["title_source: checked"]
    assert "low confidence" not in run("review", str(out)).stdout

"""Sites that must build, and content that must be refused with a reason: the release-blockers
issue's rows about builds (each test names its row)."""

import json

import pytest

from conftest import CONTENT, build_site


_REGIONS = ["Libya", "Syria", "Tartus", "Crete", "Greece", "Turkey", "Iran", "Ukraine", "India",
            "Cyprus", "Israel", "Yemen", "Egypt", "Poland", "Taiwan", "Japan", "Iraq", "Lebanon"]
_ACTORS = ["Russia", "Iran", "Turkey", "Greece", "NATO", "Wagner Group", "Khalifa Haftar",
           "United States", "China", "India", "Hezbollah", "Israel"]
_SYSTEMS = ["S-400", "S-300", "Patriot", "Bayraktar TB2", "Shahed 136", "F-35", "Su-35",
            "Pantsir-S1", "HIMARS", "Iskander"]


def _briefing(i: int, **extra) -> str:
    """A briefing with tags varied as in a real archive (so related links reach far)."""
    import datetime as dt
    import random

    rnd = random.Random(i)
    when = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=37 * i)
    meta = {"title": f"Briefing number {i}", "date": when.isoformat(),
            "region": rnd.sample(_REGIONS, 3), "actors": rnd.sample(_ACTORS, 2),
            "systems": rnd.sample(_SYSTEMS, rnd.randint(0, 2)), **extra}
    lines = "\n".join(f"{k}: {json.dumps(v)}" for k, v in meta.items())
    return f"---\n{lines}\n---\n\nReport {i} from {meta['region'][0]}.\n"


def _content(tmp_path, files: dict[str, str]):
    content = tmp_path / "content"
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


def test_row04_hundreds_of_briefings_and_a_page_build_and_rebuild(tmp_path):
    """Row 4: 330 briefings or more plus one page made Pelican's page cache recurse through the
    briefings' neighbour links while pickling (RecursionError, no site)."""
    files = {f"briefings/b{i:03d}.md": _briefing(i) for i in range(400)}
    files["pages/about.md"] = "---\ntitle: About\n---\n\nSee [one]({filename}/briefings/b001.md).\n"
    content = _content(tmp_path, files)
    out = tmp_path / "out"
    first = build_site(content, out, extra=["-e", "SEARCH_INDEX=false"])
    assert first.returncode == 0, first.log[-3000:]
    about = (out / "about" / "index.html").read_text()
    assert 'href="../briefings/briefing-number-1/"' in about
    # a rebuild reads both from the content cache and resolves the page's link again
    (content / "briefings" / "b002.md").write_text(_briefing(2, title="A new title"))
    second = build_site(content, out, extra=["-e", "SEARCH_INDEX=false"])
    assert second.returncode == 0, second.log[-3000:]
    assert (out / "about" / "index.html").read_text() == about
    assert (out / "briefings" / "a-new-title" / "index.html").exists()


@pytest.mark.parametrize("status", ["published", "draft", "hidden"])
def test_every_status_builds(tmp_path, status):
    """A draft stopped the build (`'CachedArticle' object has no attribute 'category'`)."""
    content = tmp_path / "content"
    import shutil

    shutil.copytree(CONTENT, content)
    path = content / "briefings" / "greece-fires-s-300-on-crete.md"
    path.write_text(path.read_text().replace("date: 2013-12-13",
                                             f"date: 2013-12-13\nstatus: {status}"))
    build = build_site(content, tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log[-3000:]
    published = tmp_path / "out" / "briefings" / "greece-fires-s-300-on-crete" / "index.html"
    draft = tmp_path / "out" / "drafts" / "greece-fires-s-300-on-crete" / "index.html"
    assert published.exists() == (status != "draft")
    assert draft.exists() == (status == "draft")
    rows = json.loads((tmp_path / "out" / "api" / "briefings.json").read_text())
    listed = any(r["url"] == "briefings/greece-fires-s-300-on-crete/" for r in rows)
    assert listed == (status == "published")

"""The search index in shards: every briefing indexed once, an edit re-indexes one shard."""

import json
import shutil

from conftest import CONTENT, build_site

BRIEFING = "iran-receives-s-300-from-russia"


def _bundles(out):
    """{bundle folder: (pages indexed, mtime of its entry file)}."""
    main = out / "pagefind"
    listing = json.loads((main / "shards.json").read_text())["shards"]
    found = {}
    for name in [""] + listing:
        entry = main / name / "pagefind-entry.json"
        data = json.loads(entry.read_text())
        found[name] = (sum(lang["page_count"] for lang in data["languages"].values()),
                       entry.stat().st_mtime_ns)
    return found


def _shard_holding(out, bundles, slug):
    for name in bundles:
        fragments = (out / "pagefind" / name / "fragment").glob("*.pf_fragment")
        import gzip
        for fragment in fragments:
            data = gzip.decompress(fragment.read_bytes())
            if f"/briefings/{slug}/".encode() in data:
                return name
    raise AssertionError(f"{slug} is in no shard")


def test_shards_cover_every_briefing_and_an_edit_reindexes_one(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    first = build_site(content, out, extra=["-e", "SEARCH_SHARD_SIZE=3"])
    assert first.returncode == 0, first.log
    bundles = _bundles(out)
    briefings = json.loads((out / "api" / "briefings.json").read_text())
    assert len(bundles) >= 2
    assert sum(pages for pages, _ in bundles.values()) == len(briefings)
    assert not list(out.glob(".search-shard-*"))  # the working folders are gone

    holder = _shard_holding(out, bundles, BRIEFING)
    source = next(content.rglob("*iran-receives-s-300*.md"))
    source.write_text(source.read_text(encoding="utf-8") + "\nA sentence an editor added.\n",
                      encoding="utf-8")
    second = build_site(content, out, extra=["-e", "SEARCH_SHARD_SIZE=3"])
    assert second.returncode == 0, second.log
    after = _bundles(out)
    assert [name for name in bundles if after[name][1] != bundles[name][1]] == [holder]

    # a larger shard size: one index again, and the shard folders are removed
    third = build_site(content, out)
    assert third.returncode == 0, third.log
    assert list(_bundles(out)) == [""]
    assert not list((out / "pagefind").glob("shard-*"))
    assert _bundles(out)[""][0] == len(briefings)

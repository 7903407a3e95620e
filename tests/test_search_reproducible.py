"""Reproducible builds including the search index (issue 14): two builds of the same content
are byte-identical, Pagefind's filter files, meta file and entry too.  Pagefind 1.5.2 writes
those in a run-dependent order; briefing.site.pagefind_bundle puts them in one order."""

from __future__ import annotations

import filecmp
import gzip
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, build_site, plugin_module

from briefing.site import pagefind_bundle

# Pagefind's own gzip header: no name, no time stamp, best compression, system "unknown"
PAGEFIND_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"


def _files(out: Path) -> list[Path]:
    return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize("extra", [[], ["-e", "SEARCH_SHARD_SIZE=3"]],
                         ids=["one-index", "shards"])
def test_two_builds_are_byte_identical_including_the_search_index(tmp_path, extra):
    one = build_site(CONTENT, tmp_path / "one", extra=extra)
    two = build_site(CONTENT, tmp_path / "two", extra=extra)
    assert one.returncode == 0, one.log
    assert two.returncode == 0, two.log
    assert "left as Pagefind wrote" not in one.log + two.log

    files = _files(one.output)
    assert files == _files(two.output)
    filters = [p for p in files if p.suffix == ".pf_filter"]
    entries = [p for p in files if p.name == "pagefind-entry.json"]
    assert len(filters) >= 3 * len(entries)  # region, actors, systems in every bundle
    if extra:
        assert len(entries) > 1
    different = [str(p) for p in files
                 if not filecmp.cmp(one.output / p, two.output / p, shallow=False)]
    assert different == []


# -- the normaliser on a bundle as Pagefind writes it ------------------------------------------

def _pagefind(site: Path, bundle: Path) -> Path:
    """Index a built site with the pinned Pagefind, as it comes (no normalising)."""
    import pagefind_bin

    proc = subprocess.run([str(pagefind_bin.get_executable()), "--site", str(site),
                           "--output-path", str(bundle)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return bundle


@pytest.fixture
def raw_bundle(demo_site, tmp_path) -> Path:
    return _pagefind(demo_site.output, tmp_path / "bundle")


def _read(bundle: Path):
    """(entry, {lang: (meta file, meta)}, {filter file: data}) of a bundle."""
    entry = json.loads((bundle / "pagefind-entry.json").read_bytes())
    metas, filters = {}, {}
    for lang, info in entry["languages"].items():
        meta_file = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = pagefind_bundle.decode(str(meta_file))
        metas[lang] = (meta_file, meta)
        for _name, filter_hash in meta[3]:
            path = bundle / "filter" / f"{filter_hash}.pf_filter"
            filters[path] = pagefind_bundle.decode(str(path))
    return entry, metas, filters


def _as_sets(filters: dict) -> dict:
    return {data[0]: {value: frozenset(pages) for value, pages in data[1]}
            for data in filters.values()}


def _snapshot(bundle: Path) -> dict:
    return {p: (bundle / p).read_bytes() for p in _files(bundle)}


def test_normalising_a_real_bundle_keeps_its_filters_and_sorts_them(raw_bundle):
    before = _snapshot(raw_bundle)
    _, metas_before, filters_before = _read(raw_bundle)

    assert pagefind_bundle.normalise(raw_bundle) is None
    entry, metas, filters = _read(raw_bundle)

    # the same filter data, in sorted order
    assert _as_sets(filters) == _as_sets(filters_before)
    assert {"region", "actors", "systems"} <= set(_as_sets(filters))
    for data in filters.values():
        values = [value for value, _ in data[1]]
        assert values == sorted(values)
        assert all(pages == sorted(pages) for _, pages in data[1])
    for lang, (meta_file, meta) in metas.items():
        old_meta = metas_before[lang][1]
        assert [f[0] for f in meta[3]] == sorted(f[0] for f in old_meta[3])
        assert [s[0] for s in meta[4]] == sorted(s[0] for s in old_meta[4])
        assert sorted(map(tuple, meta[4])) == sorted(map(tuple, old_meta[4]))
        # everything else in the meta file as Pagefind wrote it
        assert meta[:3] == old_meta[:3] and meta[5:] == old_meta[5:]

        # named as Pagefind names them: <lang>_ and its spelling of the SHA-1 of the CBOR
        raw = gzip.decompress(meta_file.read_bytes())
        digest = pagefind_bundle.pagefind_hash(raw[len(pagefind_bundle.SIGNATURE):])
        assert meta_file.name == f"pagefind.{lang}_{digest[:10]}.pf_meta"
        assert entry["languages"][lang]["hash"] == f"{lang}_{digest[:10]}"
    for path in filters:
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(pagefind_bundle.SIGNATURE)
        digest = pagefind_bundle.pagefind_hash(raw[len(pagefind_bundle.SIGNATURE):])
        assert re.fullmatch(r"[a-z-]+_[0-9a-f]{7}\.pf_filter", path.name)
        assert path.name.split("_", 1)[1] == digest[:7] + ".pf_filter"
        assert path.read_bytes().startswith(PAGEFIND_GZIP_HEADER)

    # the files replaced are gone; every other file is as Pagefind wrote it
    after = _snapshot(raw_bundle)
    assert sorted(p for p in after if p.parts[0] == "filter") == sorted(
        p.relative_to(raw_bundle) for p in filters)
    assert len([p for p in after if p.suffix == ".pf_meta"]) == len(metas)
    rewritten = {Path("pagefind-entry.json")} | {p for p in set(before) | set(after)
                                                 if p.suffix in (".pf_filter", ".pf_meta")}
    assert {p: b for p, b in after.items() if p not in rewritten} == {
        p: b for p, b in before.items() if p not in rewritten}
    # and doing it again changes nothing
    assert pagefind_bundle.normalise(raw_bundle) is None
    assert _snapshot(raw_bundle) == after


def test_an_unchanged_file_reencodes_to_the_same_bytes(raw_bundle):
    """cbor2 writes Pagefind's CBOR exactly (so a rewrite changes only the order), and the
    entry file is written as Pagefind writes it."""
    for path in sorted(raw_bundle.rglob("*.pf_*")):
        if path.suffix in (".pf_filter", ".pf_meta", ".pf_index"):
            raw = gzip.decompress(path.read_bytes())
            body = raw[len(pagefind_bundle.SIGNATURE):]
            assert pagefind_bundle.encode(pagefind_bundle.decode(str(path)))[0] == body
    entry = (raw_bundle / "pagefind-entry.json").read_bytes()
    assert pagefind_bundle._dump_entry(json.loads(entry)) == entry


def test_pagefind_spells_its_hashes_without_leading_zeros():
    # sha1(b"") = da39a3ee 5e6b4b0d ...: the byte 0d is spelled "d"
    assert pagefind_bundle.pagefind_hash(b"").startswith("da39a3ee5e6b4bd")


# -- a bundle it does not know is left as Pagefind wrote it ------------------------------------

def _first_filter(bundle: Path) -> Path:
    return sorted((bundle / "filter").glob("*.pf_filter"))[0]


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


@pytest.mark.parametrize("damage, says", [
    ("version", "Pagefind 9.0.0"),
    ("signature", "signature"),
    ("not gzip", "not a gzip file"),
    ("bad cbor", "CBOR that cannot be read"),
    ("other layout", "not the filter"),
    ("other encoding", "encoded otherwise"),
])
def test_an_unknown_bundle_is_left_as_pagefind_wrote_it(raw_bundle, damage, says):
    target = _first_filter(raw_bundle)
    body = gzip.decompress(target.read_bytes())[len(pagefind_bundle.SIGNATURE):]
    if damage == "version":
        entry = raw_bundle / "pagefind-entry.json"
        entry.write_bytes(entry.read_bytes().replace(b'"version":"1.5.2"',
                                                     b'"version":"9.0.0"'))
    elif damage == "signature":
        target.write_bytes(_gzip(b"pagefind_xyz" + body))
    elif damage == "not gzip":
        target.write_bytes(b"not a gzip file")
    elif damage == "bad cbor":
        target.write_bytes(_gzip(pagefind_bundle.SIGNATURE + b"\xff\xff\xff"))
    elif damage == "other layout":
        target.write_bytes(_gzip(pagefind_bundle.SIGNATURE + b"\xa1\x61a\x01"))  # {"a": 1}
    else:  # the same list, but its length not given up front (CBOR's indefinite form)
        assert body[0] == 0x82
        target.write_bytes(_gzip(pagefind_bundle.SIGNATURE + b"\x9f" + body[1:] + b"\xff"))
    before = _snapshot(raw_bundle)

    reason = pagefind_bundle.normalise(raw_bundle)

    assert reason and says in reason
    assert damage == "version" or target.name in reason
    assert _snapshot(raw_bundle) == before


def _search_plugin():
    return plugin_module("search")


def test_an_unknown_pagefind_is_one_warning_per_build_and_the_index_still_works(
        demo_site, tmp_path, monkeypatch, caplog):
    search = _search_plugin()
    site = tmp_path / "site"
    shutil.copytree(demo_site.output, site)
    shutil.rmtree(site / "pagefind")
    monkeypatch.setattr(pagefind_bundle, "KNOWN_VERSIONS", ("0.0.1",))

    class Pelican:
        output_path = str(site)
        settings = {"ARTICLE_SAVE_AS": "briefings/{slug}/index.html", "SEARCH_SHARD_SIZE": 3,
                    "CACHE_PATH": str(tmp_path / "cache")}

    with caplog.at_level(logging.WARNING):
        search.build_index(Pelican())
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "left as Pagefind wrote them" in warnings[0] and "Pagefind 1.5.2" in warnings[0]
    entries = list((site / "pagefind").rglob("pagefind-entry.json"))
    assert len(entries) > 1
    for entry in entries:
        _read(entry.parent)  # every file the entry names is there


def test_the_pinned_pagefind_is_a_version_the_normaliser_knows():
    pin = re.search(r'"pagefind\[bin\]==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    assert pin and pin.group(1) in pagefind_bundle.KNOWN_VERSIONS

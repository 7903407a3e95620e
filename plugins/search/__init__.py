"""Search: build the Pagefind index into OUTPUTDIR/pagefind once the site is written.

Pagefind (the ``pagefind[bin]`` package carries its binary) indexes the briefing pages
(``data-pagefind-body``) with one filter per facet (``data-pagefind-filter``); the search page
(the theme's ``search.html``) loads Pagefind's own UI from the same folder, so search works
from the static files alone.  A failed indexing fails the build.

**Shards**: Pagefind cannot update an index, only build one from scratch, and holds all of it
in memory while it does.  So a large archive is indexed in shards of at most about
``SEARCH_SHARD_SIZE`` briefings (a power of two of them; a briefing's shard is fixed by a hash
of its address): ``pagefind/`` holds shard 0 and the UI, ``pagefind/shard-<i>/`` the others,
and ``pagefind/shards.json`` lists them for the search page, which merges them in the browser
(Pagefind's ``mergeIndex``).  A shard is rebuilt only when one of its pages changed (the
fingerprints of the pages each shard was built from are kept in ``CACHE_PATH``), so an edit
re-indexes a few hundred briefings, not the archive, and memory stays bounded.  Up to
``SEARCH_SHARD_SIZE`` briefings there is one index, as Pagefind would build it.

**Reproducible**: Pagefind 1.5.2 writes its filter files (and the meta file and entry that
name them) in an order that changes from run to run; :mod:`briefing.site.pagefind_bundle` rewrites
each bundle Pagefind writes into the one order, so that two builds of the same pages are
byte-identical.  A bundle it does not know (another Pagefind version) is left as written,
with one warning per build.
"""

from __future__ import annotations

import functools
import glob
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile

from blinker import signal
from pelican import signals

from briefing.core import parallel
from briefing.site import pagefind_bundle, settings as site_settings, sitefiles
from briefing.core.errors import Report

logger = logging.getLogger(__name__)

BUNDLE = "pagefind"
SHARDS_FILE = "shards.json"
STAMPS = "search-shards.json"
_SHARD_DIR = re.compile(r"shard-(\d+)$")


class SearchIndexFailed(Report, RuntimeError):
    """Pagefind could not build the index (its reason is in the message)."""


def briefing_glob(settings) -> str:
    """Only briefings are indexed: the pages ARTICLE_SAVE_AS makes (the others would be
    parsed by Pagefind for nothing)."""
    pattern = settings.get("ARTICLE_SAVE_AS") or ""
    glob_ = re.sub(r"\{[^}]*\}", "*", pattern)
    return glob_ if glob_.endswith(".html") and "*" in glob_ else "**/*.html"


def shard_count(pages: int, shard_size: int) -> int:
    """1 up to shard_size pages; beyond, the power of two that keeps shards at most that big
    (a power of two, so that growing splits each shard in two instead of reshuffling)."""
    count = 1
    while pages > count * shard_size:
        count *= 2
    return count


def shard_of(rel: str, count: int) -> int:
    return int(hashlib.sha1(rel.encode("utf-8")).hexdigest()[:8], 16) % count


def bundle_dir(output: str, shard: int) -> str:
    base = os.path.join(output, BUNDLE)
    return base if shard == 0 else os.path.join(base, f"shard-{shard}")


# part of every shard's fingerprint: a new value re-indexes shards built the older way
INDEX_FORMAT = "normalised-1"


def _fingerprint(output: str, pages: list[str], count: int) -> str:
    h = hashlib.sha1(f"{INDEX_FORMAT}\x1f{count}\x1f".encode())
    for rel in pages:
        st = os.stat(os.path.join(output, rel))
        h.update(f"{rel}\x1f{st.st_size}\x1f{st.st_mtime_ns}\x1e".encode("utf-8"))
    return h.hexdigest()


def _load_stamps(path: str, output: str) -> dict:
    """The fingerprints the shards of this output folder were last built from."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("output") == os.path.abspath(output):
            return dict(data.get("shards", {}))
    except (OSError, ValueError, AttributeError):
        pass
    return {}


def _clear_bundle(directory: str) -> None:
    """Empty a bundle folder (Pagefind adds to what is there), keeping the shard folders
    that live inside the main one."""
    if not os.path.isdir(directory):
        return
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isdir(path) and _SHARD_DIR.match(name):
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


# characters with a meaning in Pagefind's globs (the wax crate); escaped with a backslash
_GLOB_SPECIAL = re.compile(r"([\\?*$:<>()\[\]{},!])")


def pagefind_command() -> list[str]:
    """The Pagefind binary the ``pagefind[bin]`` package carries, run directly (``python -m
    pagefind`` would start a Python interpreter per shard only to exec it)."""
    try:
        import pagefind_bin

        executable = pagefind_bin.get_executable()
    except (ImportError, OSError):
        executable = None
    return [str(executable)] if executable else [sys.executable, "-m", "pagefind"]


def shard_glob(pages: list[str]) -> str:
    """A Pagefind glob that matches exactly these pages (paths relative to the site). Their
    common folder leads it, so that Pagefind walks only that folder, not the whole site."""
    paths = [rel.replace(os.sep, "/") for rel in pages]
    folders = [p.rsplit("/", 1)[0] if "/" in p else "" for p in paths]
    common = os.path.commonpath(folders) if all(folders) else ""
    head = common + "/" if common else ""
    rest = [p[len(head):] for p in paths]
    escape = functools.partial(_GLOB_SPECIAL.sub, r"\\\1")
    return escape(head) + "{" + ",".join(map(escape, rest)) + "}"


def _index_shard(output: str, shard: int, pages: list[str]) -> str | None:
    """Index these pages into the shard's bundle folder. Pagefind reads them in place from
    the site folder, chosen by a glob that lists them (in a configuration file: the list is
    too long for a command line), so their addresses are the site's.  The bundle is then
    normalised (see the module docstring); returns why it could not be, or None."""
    target = bundle_dir(output, shard)
    _clear_bundle(target)
    os.makedirs(target, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefing-search-") as workdir:
        with open(os.path.join(workdir, "pagefind.json"), "w", encoding="utf-8") as handle:
            json.dump({"glob": shard_glob(pages)}, handle)
        cmd = pagefind_command() + ["--site", os.path.abspath(output), "--output-path",
                                    os.path.abspath(target)]
        try:
            proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True,
                                  timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SearchIndexFailed(f"the search index could not be built: {exc}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise SearchIndexFailed("the search index could not be built (pagefind): "
                                + " / ".join(detail))
    # Pagefind says how many pages it indexed; a glob that missed some would lose them
    found = re.search(r"Indexed (\d+) pages?", proc.stdout)
    if found and int(found.group(1)) != len(pages):
        missing = _left_out(target, pages)
        raise SearchIndexFailed(
            f"the search index could not be built: Pagefind indexed {found.group(1)} of "
            f"the {len(pages)} briefings of shard {shard}"
            + (f"; left out: {', '.join(missing[:10])}" if missing else "")
            + " (a briefing page needs the theme's data-pagefind-body mark)")
    return pagefind_bundle.normalise(target)


def _left_out(bundle: str, pages: list[str]) -> list[str]:
    """The pages no fragment of this bundle is about (each fragment is gzipped JSON that
    starts with the page's address); only read when a shard came out short."""
    urls = set()
    for fragment in glob.glob(os.path.join(bundle, "fragment", "*.pf_fragment")):
        try:
            with gzip.open(fragment, "rb") as handle:
                head = handle.read(4096).decode("utf-8", "replace")
        except (OSError, EOFError):
            continue
        found = re.search(r'"url":"([^"]*)"', head)
        if found:
            urls.add(found.group(1))

    def address(rel):
        rel = rel.replace(os.sep, "/")
        return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)

    return [rel for rel in pages if address(rel) not in urls]


def build_index(pelican, changed=None):
    later = getattr(pelican, "briefing_search_later", None)
    if later is not None:
        # `make devserver`: the open tabs reload first, the index catches up right after
        later.append(functools.partial(index_now, pelican))
        return
    index_now(pelican)


def index_now(pelican):
    opts = site_settings.read(pelican.settings)
    output = pelican.output_path
    if not opts["SEARCH_INDEX"]:
        if os.path.isdir(bundle_dir(output, 0)):  # an index an earlier build made
            logger.info("search index off: removing %s", bundle_dir(output, 0))
            shutil.rmtree(bundle_dir(output, 0))
        return
    # (`changed`, the number of files the build changed, is not enough to go by: a new
    # shard size changes the index without changing a page)
    for leftover in glob.glob(os.path.join(output, ".search-shard-*")):
        shutil.rmtree(leftover, ignore_errors=True)  # link folders of older versions
    pages = sorted(os.path.relpath(p, output) for p in glob.glob(
        os.path.join(output, briefing_glob(pelican.settings)), recursive=True))
    if not pages:
        logger.warning("search index: no briefing to index yet")
        _clear_bundle(bundle_dir(output, 0))
        return
    count = shard_count(len(pages), opts["SEARCH_SHARD_SIZE"])
    while True:
        shards: list[list[str]] = [[] for _ in range(count)]
        for rel in pages:
            shards[shard_of(rel, count) if count > 1 else 0].append(rel)
        if count == 1 or all(shards):
            break
        count //= 2  # Pagefind cannot index an empty shard (only with tiny shard sizes)

    # shard folders of an earlier shard count go
    main = bundle_dir(output, 0)
    if os.path.isdir(main):
        for name in os.listdir(main):
            found = _SHARD_DIR.match(name)
            if found and not 0 < int(found.group(1)) < count:
                shutil.rmtree(os.path.join(main, name))
    # the fingerprints live in the build cache (in the output they would differ between
    # two builds of the same pages, since they include modification times)
    cache = pelican.settings.get("CACHE_PATH") or os.path.join(output, ".cache")
    stamps_path = os.path.join(cache, STAMPS)
    old = _load_stamps(stamps_path, output)
    new, todo = {}, []
    for shard, members in enumerate(shards):
        new[str(shard)] = _fingerprint(output, members, count)
        if old.get(str(shard)) != new[str(shard)] or not os.path.exists(
                os.path.join(bundle_dir(output, shard), "pagefind-entry.json")):
            todo.append((shard, members))
    if todo:
        logger.info("search index: %d of %d shard(s) to index (%d briefings)", len(todo),
                    count, sum(len(m) for _, m in todo))
        # forget the old fingerprints first: an interrupted indexing is redone next time
        os.makedirs(cache, exist_ok=True)
        sitefiles.write_json(cache, STAMPS, {"output": os.path.abspath(output), "shards": {
            k: v for k, v in old.items() if k not in {str(s) for s, _ in todo}}})
        # Pagefind runs are mostly waiting on a child process; two at a time is enough
        with parallel.thread_pool(min(len(todo), 2, parallel.cores())) as pool:
            futures = [pool.submit(_index_shard, output, *job) for job in todo]
            unknown = [reason for reason in (f.result() for f in futures) if reason]
        if unknown:
            logger.warning("search index: %d of %d bundle(s) left as Pagefind wrote them, so "
                           "they differ from build to build: %s", len(unknown), len(todo),
                           unknown[0])
    sitefiles.write_json(cache, STAMPS, {"output": os.path.abspath(output), "shards": new})
    sitefiles.write_json(output, os.path.join(BUNDLE, SHARDS_FILE),
                         {"shards": [f"shard-{i}/" for i in range(1, count)]})
    logger.info("search index written to %s/%s", output, BUNDLE)


def needs_fastbuild(pelican):
    if site_settings.missing_plugins(pelican.settings, "fastbuild"):
        logger.warning("search: no search index is built, since the fastbuild plugin is not "
                       "loaded (it says when the pages are written); add \"fastbuild\" to "
                       "PLUGINS")


def register():
    signals.initialized.connect(needs_fastbuild)
    # sent by the fastbuild plugin once every page is written (and with how many changed)
    signal("briefing_output_written").connect(build_index)

"""What a build was made from, so that the next build knows what changed.

* :func:`code_and_theme_fingerprint`: the theme, our plugins, the whole ``briefing``
  package and the vocabulary (sizes and modification times of every file under them, none
  listed by hand): when any of them changes, every page may change.
* :class:`BuildState`: that, plus every content file and the settings. When nothing of it
  changed since the last successful build into the same output folder, and the files that
  build wrote are all still there, the build has nothing to do.

No Pelican import here; settings are a plain mapping.
"""

from __future__ import annotations

import glob
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from briefing.core import fileio

STATE_FILE = "build-state.json"
# the whole package, not a list of the modules a build runs: a module added or moved can
# never be missed (an edit to the ingest side rebuilds the site once, which is harmless)
PACKAGE = Path(__file__).resolve().parents[1]


def plain(value, depth=0):
    """A stable, process-independent rendering of settings-like values (for hashing)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if depth > 6:
        return type(value).__name__
    if isinstance(value, Mapping):
        return sorted(((str(k), plain(v, depth + 1)) for k, v in value.items()),
                      key=lambda kv: kv[0])
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v, depth + 1) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return type(value).__name__


def _tree_stats(roots: Iterable[str | os.PathLike],
                prune: Callable[[str], bool] | None = None) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every file under the roots, in a stable (sorted) order;
    folders for which ``prune(path)`` is true are left out."""
    stats: list[tuple[str, int, int]] = []
    for root in roots:
        root = os.fspath(root)
        if os.path.isfile(root):
            st = os.stat(root)
            stats.append((root, st.st_size, st.st_mtime_ns))
            continue

        def pruned(rel: str, root: str = root) -> bool:
            return os.path.basename(rel) == "__pycache__" or bool(
                prune and prune(os.path.join(root, rel)))

        for _rel, entry in fileio.walk(root, prune=pruned):
            try:
                if entry.is_dir() or entry.name.endswith((".pyc", ".tmp")):
                    continue  # a link to a folder is not followed
                st = entry.stat()
            except OSError:
                continue
            stats.append((entry.path, st.st_size, st.st_mtime_ns))
    return stats


def code_and_theme_fingerprint(settings: Mapping[str, Any]) -> str:
    roots = [settings.get("THEME", ""), PACKAGE]
    roots += list(settings.get("PLUGIN_PATHS", []) or [])
    vocab = settings.get("BRIEFING_VOCABULARY")
    if vocab:
        roots.append(vocab)
    from importlib.metadata import PackageNotFoundError, version

    try:
        pelican_version = version("pelican")
    except PackageNotFoundError:  # pragma: no cover
        pelican_version = ""
    return fileio.digest(_tree_stats(r for r in roots if r and os.path.exists(r)),
                   pelican_version, sys.version)


SEARCH_BUNDLE = "pagefind"


class BuildState:
    """The inputs of a build, compared with the last successful build's."""

    def __init__(self, settings: Mapping[str, Any], output_path: str):
        self.settings = settings
        self.output_path = os.path.abspath(output_path)
        cache = settings.get("CACHE_PATH") or os.path.join(output_path, ".cache")
        self.path = os.path.join(cache, STATE_FILE)
        self.fingerprint = fileio.digest(
            code_and_theme_fingerprint(settings),
            _tree_stats([settings.get("PATH", "")]),
            plain(settings), self.output_path)

    def _load(self) -> dict:
        try:
            with open(self.path, encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return {}

    def unchanged(self) -> bool:
        """True when the last build had these very inputs and its output is intact."""
        old = self._load()
        if old.get("fingerprint") != self.fingerprint or old.get("output") != self.output_path:
            return False
        for rel, size in old.get("files", []):
            try:
                if os.path.getsize(os.path.join(self.output_path, rel)) != size:
                    return False
            except OSError:
                return False
        return True

    def last_warnings(self) -> list[str]:
        """What the last build warned of (a build that does nothing says it again)."""
        warnings = self._load().get("warnings", [])
        return [w for w in warnings if isinstance(w, str)] if isinstance(warnings, list) else []

    def record(self, warnings: list[str] | None = None) -> None:
        """Remember this build's inputs, its warnings, and the files now in the output
        folder (of the search index, only its entry files: it has thousands, and the search
        plugin checks its shards itself)."""
        files = []
        skip = len(os.path.join(self.output_path, ""))
        search = os.path.join(self.output_path, SEARCH_BUNDLE)
        for path, size, _ in _tree_stats([self.output_path], prune=search.__eq__):
            rel = path[skip:]
            if not rel.startswith("."):
                files.append((rel, size))
        for entry in sorted(glob.glob(os.path.join(search, "pagefind-entry.json")) +
                            glob.glob(os.path.join(search, "*", "pagefind-entry.json"))):
            files.append((entry[skip:], os.path.getsize(entry)))
        fileio.write_atomic(self.path, json.dumps(
            {"fingerprint": self.fingerprint, "output": self.output_path, "files": files,
             "warnings": list(warnings or [])}))

    def forget(self) -> None:
        try:
            os.unlink(self.path)
        except OSError:
            pass

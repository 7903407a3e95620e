"""The build's ledger of its output folder, so that builds and cleaning touch only what
builds made.

Every build into a folder keeps ``.briefing-output.json`` there:

* ``foreign``: the files that were in the folder before Briefing first wrote to it;
* ``made``: the files the last build made (pages, feeds, exports, static files);
* ``owned``: folders that belong to the build as a whole (the search index).

At the end of a build, :func:`record` removes what the last build made and this one did not
(a retitled or deleted briefing's old page, a feed or export a setting no longer asks for),
so a rebuild equals a fresh build; files someone else put into the folder are never
touched. ``clean`` removes the made files and the owned folders, and nothing else; it
refuses a folder without the marker: no build made it.

Before a build writes anything, :func:`prepare` removes the temporary files a killed run
left, and refuses a folder where a symbolic link leads out of it (a page would be written
somewhere else).

    python -m briefing.site.outputdir clean OUTPUTDIR
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Iterable

from briefing.core import fileio
from briefing.core.errors import Report

MARKER = ".briefing-output.json"
VERSION = 2
OWNED = ("pagefind",)  # the search index: its plugin rewrites it as a whole


class OutputFolderError(Report, OSError):
    """The output folder cannot be used as it is (a report, not a crash)."""


def _load(out: Path) -> dict | None:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise OutputFolderError(f"{out / MARKER}: cannot be read ({exc}); it records what "
                                "the builds made in this folder: restore it, or remove the "
                                "folder yourself if you are sure") from exc
    if not isinstance(data, dict) or data.get("made_by") != "briefing":
        raise OutputFolderError(f"{out / MARKER}: not a Briefing output record")
    return data


def _save(out: Path, foreign: Iterable[str], made: Iterable[str]) -> None:
    data = {"made_by": "briefing", "version": VERSION, "foreign": sorted(set(foreign)),
            "owned": list(OWNED), "made": sorted(set(made))}
    fileio.write_atomic(out / MARKER, json.dumps(data, indent=1) + "\n")


def _files(out: Path) -> list[str]:
    """Every file in the folder (links to folders are not walked into, nor listed)."""
    return [rel for rel, entry in fileio.walk(out) if not fileio.is_folder(entry)]


def claim(output: str | os.PathLike) -> None:
    """Record the folder's pre-existing files the first time a build writes to it."""
    out = Path(output)
    if _load(out) is not None:
        return
    foreign = [f for f in _files(out) if f != MARKER] if out.exists() else []
    out.mkdir(parents=True, exist_ok=True)
    _save(out, foreign, [])


def prepare(output: str | os.PathLike) -> list[str]:
    """Before a build writes: remove the temporary files a killed run left (returns them),
    and raise :class:`OutputFolderError` when a symbolic link inside the folder leads out
    of it. Call it while no other build writes there."""
    out = os.path.abspath(output)
    if not os.path.isdir(out):
        return []
    real_out = os.path.realpath(out)
    removed, escaping = [], []
    for rel, entry in fileio.walk(out):
        path = entry.path
        if entry.is_symlink():
            target = os.path.realpath(path)
            if not (target == real_out or target.startswith(real_out + os.sep)):
                escaping.append(f"{rel} -> {target}")
        elif fileio.is_temporary(entry.name):
            try:
                os.unlink(path)
                removed.append(path)
            except OSError:
                pass
    if escaping:
        raise OutputFolderError(
            f"{out}: {len(escaping)} symbolic link(s) lead out of the output folder, so the "
            "build would write elsewhere; remove them (nothing was written):\n  "
            + "\n  ".join(sorted(escaping)))
    return removed


def record(output: str | os.PathLike, made: Iterable[str],
           previous: Iterable[str] = ()) -> list[str]:
    """At the end of a successful build: remove the files the last build made (as
    recorded here, and ``previous``, which the build's own records list) that this one did
    not, and remember ``made`` (paths relative to ``output``). Returns the paths removed,
    relative to ``output``."""
    out = Path(output)
    data = _load(out) or {}
    foreign = set(data.get("foreign", []))
    made = {os.path.normpath(m) for m in made} - {MARKER}
    before = set(data.get("made", [])) | {os.path.normpath(p) for p in previous}
    stale = before - made - foreign - {MARKER}
    removed = []
    for rel in sorted(stale):
        path = out / rel
        if rel.startswith("..") or os.path.isabs(rel):
            continue
        if path.is_symlink() or path.is_file():
            path.unlink()
            removed.append(rel)
            _prune_empty(out, path.parent)
    _save(out, foreign, made)
    return removed


def _prune_empty(out: Path, folder: Path) -> None:
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()  # only when empty
        except OSError:
            return
        folder = folder.parent


def clean(output: str | os.PathLike) -> tuple[int, list[str]]:
    """Remove what builds made in ``output``; return (files removed, files kept: the
    foreign ones and any put there since)."""
    out = Path(output)
    if not out.exists():
        return 0, []
    data = _load(out)
    if data is None:
        raise PermissionError(f"{out}: no {MARKER} marker, so this folder was not made by a "
                              "Briefing build; not cleaning it (remove it yourself if you "
                              "are sure)")
    foreign = set(data.get("foreign", []))
    if "made" in data:
        targets = set(data["made"]) - foreign
        owned = [out / name for name in data.get("owned", OWNED)]
    else:  # a record of an earlier version, which listed only the foreign files
        targets = set(_files(out)) - foreign - {MARKER}
        owned = []
    removed = 0
    for folder in owned:
        if folder.is_dir() and not folder.is_symlink():
            removed += sum(1 for f in _files(folder) if (folder / f).is_file())
            shutil.rmtree(folder)
    for rel in sorted(targets):
        path = out / rel
        if (path.is_file() or path.is_symlink()) and not rel.startswith(".."):
            path.unlink()
            removed += 1
            _prune_empty(out, path.parent)
    (out / MARKER).unlink()
    kept = sorted(f for f in _files(out))
    if not kept:
        shutil.rmtree(out, ignore_errors=True)
    return removed, kept


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "clean":
        print("usage: python -m briefing.site.outputdir clean OUTPUTDIR", file=sys.stderr)
        return 2
    try:
        removed, kept = clean(argv[1])
    except (PermissionError, OutputFolderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    note = (f"; kept {len(kept)} file(s) no build made (there before the first build, or "
            "put there since)") if kept else ""
    print(f"clean: removed {removed} file(s) the builds made in {argv[1]}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

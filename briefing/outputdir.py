"""The build's claim on its output folder, so that cleaning removes only what builds made.

The first build into a folder writes ``.briefing-output.json`` there, listing the files that
were in the folder before Briefing ever wrote to it ("foreign" files).  ``clean`` removes
everything else (and the folders left empty), keeps the foreign files, and refuses to touch a
folder without the marker: it was not made by a build.

    python -m briefing.outputdir clean OUTPUTDIR
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

MARKER = ".briefing-output.json"


def claim(output: str | os.PathLike) -> None:
    """Record the folder's pre-existing files the first time a build writes to it."""
    out = Path(output)
    marker = out / MARKER
    if marker.exists():
        return
    foreign = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) \
        if out.exists() else []
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"made_by": "briefing", "foreign": foreign}, indent=1) + "\n",
                      encoding="utf-8")


def clean(output: str | os.PathLike) -> tuple[int, list[str]]:
    """Remove what builds made in ``output``; return (files removed, foreign files kept)."""
    out = Path(output)
    if not out.exists():
        return 0, []
    marker = out / MARKER
    if not marker.exists():
        raise PermissionError(f"{out}: no {MARKER} marker, so this folder was not made by a "
                              "Briefing build; not cleaning it (remove it yourself if you "
                              "are sure)")
    data = json.loads(marker.read_text(encoding="utf-8"))
    foreign = set(data.get("foreign", []))
    if not foreign:
        count = sum(1 for p in out.rglob("*") if p.is_file())
        shutil.rmtree(out)
        return count - 1, []
    removed = 0
    for path in sorted(out.rglob("*"), reverse=True):
        rel = str(path.relative_to(out))
        if path.is_file() or path.is_symlink():
            if rel not in foreign and rel != MARKER:
                path.unlink()
                removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    marker.unlink()
    return removed, sorted(foreign)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "clean":
        print("usage: python -m briefing.outputdir clean OUTPUTDIR", file=sys.stderr)
        return 2
    try:
        removed, kept = clean(argv[1])
    except PermissionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    note = f"; kept {len(kept)} file(s) that were there before the first build" if kept else ""
    print(f"clean: removed {removed} file(s) the build made in {argv[1]}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

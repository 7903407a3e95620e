"""Score the related links of a site built from the related dev set's articles.

The story groups (``related-dev/groups.json``) name some of the tags dev set's articles; the
set has grown past them, and a link to an article no group names would count as a wrong one.
So only the articles the groups name are ingested (published at once, not drafts), built into
a site without the search index, and the dev set's ``score.py`` prints hit@1 and P@3.

    python tools/eval_related.py [--shared DIR] [--work DIR] [-v]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grouped(groups_file: Path) -> list[str]:
    """The article names the story groups hold (keys starting with _ are notes)."""
    groups = json.loads(groups_file.read_text(encoding="utf-8"))
    return sorted({name for key, members in groups.items() if not key.startswith("_")
                   for name in members})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared folder (default: ../shared)")
    ap.add_argument("--work", type=Path, default=ROOT / ".bench" / "related",
                    help="where the site is built (default: .bench/related; replaced)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list each article's links")
    args = ap.parse_args(argv)
    dev, articles = args.shared / "eval" / "related-dev", args.shared / "eval" / "tags-dev"
    names = grouped(dev / "groups.json")
    missing = [n for n in names if not (articles / f"{n}.txt").exists()]
    if missing:
        print(f"error: the groups name articles {articles} lacks: {', '.join(missing)}",
              file=sys.stderr)
        return 2
    shutil.rmtree(args.work, ignore_errors=True)
    content = args.work / "content"
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "briefing"), "ingest", "--publish", "--out",
                    str(content / "briefings"), *(str(articles / f"{n}.txt") for n in names)],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "pelican", str(content), "-o",
                    str(args.work / "output"), "-s", str(ROOT / "pelicanconf.py"), "-q", "-e",
                    "SEARCH_INDEX=false", f"CACHE_PATH={json.dumps(str(args.work / 'cache'))}"],
                   check=True, cwd=ROOT)
    print(f"{len(names)} articles in the story groups, ingested and built")
    return subprocess.run([sys.executable, str(dev / "score.py"), str(args.work / "output"),
                           "--articles", str(articles), "--groups", str(dev / "groups.json"),
                           *(["-v"] if args.verbose else [])]).returncode


if __name__ == "__main__":
    sys.exit(main())

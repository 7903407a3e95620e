"""Score the related links of a site built from the related dev set's articles.

The story groups (``related-dev/groups.json``) name some of the tags dev set's articles; the
set has grown past them, and a link to an article no group names would count as a wrong one.
So only the articles the groups name are ingested (published at once, not drafts), built into
a site without the search index, and the dev set's ``score.py`` prints hit@1 and P@3.

``--sweep`` builds the site again for each ``RELATED_MIN_SCORE`` given and prints, on the
TUNE articles and on the held-back VALIDATION ones (every third article by name), hit@1 and
P@3 as ``score.py`` counts them, the precision of the links shown (the share that are
neighbours: what a reader sees), links per article, and the articles left with none. The
setting's default was chosen on the TUNE rows.

    python tools/eval_related.py [--shared DIR] [--work DIR] [-v] [--sweep 0,0.05,0.1]
"""

from __future__ import annotations

import argparse
import importlib.util
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
    ap.add_argument("--sweep", metavar="VALUES",
                    help="comma-separated RELATED_MIN_SCORE values to build and measure")
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
    build(content, args.work / "output", args.work / "cache")
    print(f"{len(names)} articles in the story groups, ingested and built")
    code = subprocess.run([sys.executable, str(dev / "score.py"), str(args.work / "output"),
                           "--articles", str(articles), "--groups", str(dev / "groups.json"),
                           *(["-v"] if args.verbose else [])]).returncode
    if code:
        return code
    scorer = _scorer(dev / "score.py")
    neighbours = _neighbours(dev / "groups.json")
    parts = {"tune": [n for i, n in enumerate(names) if i % 3 != 2],
             "validation": [n for i, n in enumerate(names) if i % 3 == 2],
             "all": names}
    header = (f"{'part':<10} {'arts':>4} {'hit@1':>6} {'P@3':>6} {'prec':>6} {'links':>6} "
              f"{'none':>5}")
    print(f"\nthe same by part (every third article by name is VALIDATION: do not tune on it)"
          f"\n{header}")
    links = _links(args.work / "output", articles, scorer)
    for part, members in parts.items():
        row = _measure(links, members, neighbours)
        print(f"{part:<10} {row['n']:>4} {row['hit1']:>6.2f} {row['p3']:>6.2f} "
              f"{row['precision']:>6.2f} {row['links']:>6.2f} {row['none']:>5}")
    if not args.sweep:
        return 0
    print(f"\n{'min score':>9} {header}")
    for value in [float(v) for v in args.sweep.split(",") if v.strip()]:
        out = args.work / f"output-{value:g}"
        build(content, out, args.work / f"cache-{value:g}", {"RELATED_MIN_SCORE": value})
        links = _links(out, articles, scorer)
        for part, members in parts.items():
            row = _measure(links, members, neighbours)
            print(f"{value:>9g} {part:<10} {row['n']:>4} {row['hit1']:>6.2f} {row['p3']:>6.2f} "
                  f"{row['precision']:>6.2f} {row['links']:>6.2f} {row['none']:>5}")
    print("prec: the share of the links shown that are neighbours; links: per article; "
          "none: articles with no link")
    return 0


def build(content: Path, output: Path, cache: Path, settings: dict | None = None) -> None:
    """The site of ``content``, without the search index (Pelican takes one ``-e``)."""
    pairs = {"SEARCH_INDEX": False, "CACHE_PATH": str(cache), **(settings or {})}
    subprocess.run([sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s",
                    str(ROOT / "pelicanconf.py"), "-q", "-e",
                    *(f"{k}={json.dumps(v)}" for k, v in pairs.items())], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def _scorer(path: Path):
    """The dev set's score.py as a module (its title matching is used as is)."""
    spec = importlib.util.spec_from_file_location("related_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _neighbours(groups_file: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, members in json.loads(groups_file.read_text(encoding="utf-8")).items():
        if not key.startswith("_"):
            for m in members:
                out.setdefault(m, set()).update(set(members) - {m})
    return out


def _links(output: Path, articles: Path, scorer) -> dict[str, list[str]]:
    """Each article's related links, as article names, in order (matched by title, as
    score.py matches them)."""
    stem_of_title = {scorer.norm(f.read_text(encoding="utf-8").splitlines()[0]): f.stem
                     for f in sorted(articles.glob("*.txt"))}
    briefings = json.loads((output / "api" / "briefings.json").read_text(encoding="utf-8"))
    stem_of_url = {}
    for b in briefings:
        t = scorer.norm(b.get("title", ""))
        stem = stem_of_title.get(t) or next(
            (s for k, s in stem_of_title.items() if k[:40] == t[:40]), None)
        if stem:
            stem_of_url[b["url"]] = stem
    return {stem_of_url[b["url"]]: [stem_of_url.get(r if isinstance(r, str) else r["url"])
                                    for r in b.get("related", [])]
            for b in briefings if b["url"] in stem_of_url}


def _measure(links: dict[str, list[str]], members: list[str],
             neighbours: dict[str, set[str]]) -> dict:
    hits = p3 = shown = right = none = 0
    scored = [m for m in members if m in links]
    for name in scored:
        rel = links[name]
        hits += bool(rel) and rel[0] in neighbours[name]
        p3 += sum(r in neighbours[name] for r in rel[:3]) / 3
        shown += len(rel)
        right += sum(r in neighbours[name] for r in rel)
        none += not rel
    n = len(scored) or 1
    return {"n": len(scored), "hit1": hits / n, "p3": p3 / n,
            "precision": right / shown if shown else 0.0, "links": shown / n, "none": none}


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Evaluate the cleaner on one or more dev sets with the shared scorer.

Runs ``clean_dump`` over each set's ``NAME.txt`` (w3m-style) and ``NAME.inner.txt``
(innerText-style) dumps and ``clean_html`` over its ``NAME.html`` pages, writes the bodies
into temporary prediction folders, scores each with the set's ``score.py`` and prints, per
set, per part of the set and per style: F1, precision, recall, the share of pages where
boilerplate survives (``boiler``, the scorer's ``marker_page_share``), pages with no article
found (``no-art``), the share of right titles and pages per second.

Parts (``--split``): each set's pages in sorted order of their names; every third one
(index % 3 == 2) is the VALIDATION part, the rest is TUNE (what the title scorer is fitted
on, see tools/fit_title.py); ``all`` is the whole set.  Per-page lines (``--per-page``,
``--titles``) are printed for the parts asked for only.

Speed is cleaning time only, on one core.  ``cpu/s`` is pages per second of CPU time
(``time.process_time()``: what the cleaner costs, even on a busy machine); ``wall/s`` is
pages per second of elapsed time (noisy when the machine is shared).  Dumps: per page the
fastest of three passes; HTML: one pass.

Titles (:func:`title_right`):

* ``title`` -- the official "title right": the title is close to the page's headline (its
  h1 or its og:title/<title> from NAME.json): a word-sequence similarity of at least 0.8
  (``difflib.SequenceMatcher`` on lower-cased ``\\w+`` tokens), or the title is a contiguous
  part of it at least half as long (the headline's trailing " - Site" part aside);
* ``title=`` -- strict: the title has exactly the tokens of the h1 or of the og:title.

    python tools/eval_clean.py [--dev DIR [DIR ...]] [--split tune,validation,all]
                               [--style txt|inner|html|all] [--per-page] [--titles]
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import logging
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from briefing.ingest.article import NoArticleError  # noqa: E402
from briefing.ingest.clean import clean_dump, clean_html  # noqa: E402
from briefing.ingest.clean.title import TITLE_SURE  # noqa: E402

DEFAULT_DEV = [ROOT.parent / "shared" / "eval" / "clean-dev",
               ROOT.parent / "shared" / "eval" / "clean-readability"]
STYLES = {"txt": ".txt", "inner": ".inner.txt", "html": ".html"}
PARTS = ("tune", "validation", "all")
DUMP_REPEATS = 3  # timed passes over the dumps; the fastest is reported

_TOKEN = re.compile(r"\w+")
# a trailing site name: "Headline - Site", "Headline | Site", "Headline \u2013 Site"
_SITE_TAIL = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7|:)\s+(?!.*\s(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7|:)\s)")


# --- the split and the title definition (tools/fit_title.py uses these too) -------

def page_names(dev: Path) -> list[str]:
    """The pages of a set (NAME of each NAME.json), sorted."""
    return sorted(p.stem for p in dev.glob("*.json"))


def part_of(index: int) -> str:
    """'validation' for every third page in sorted order (index % 3 == 2), else 'tune'."""
    return "validation" if index % 3 == 2 else "tune"


def split(dev: Path) -> dict[str, list[str]]:
    """{'tune': [...], 'validation': [...], 'all': [...]} page names of a set."""
    names = page_names(dev)
    out: dict[str, list[str]] = {"tune": [], "validation": [], "all": list(names)}
    for i, name in enumerate(names):
        out[part_of(i)].append(name)
    return out


def title_tokens(text: str) -> list[str]:
    """Lower-cased ``\\w+`` tokens."""
    return _TOKEN.findall((text or "").lower())


def _without_site(text: str) -> str:
    """*text* without a trailing " - Site" part (the last separator's tail)."""
    parts = _SITE_TAIL.split(text or "", maxsplit=1)
    return parts[0] if len(parts) == 2 and parts[0].strip() else (text or "")


def headlines(gold: dict) -> list[list[str]]:
    """The token lists a title may match: the page's h1 and its og:title/<title>."""
    return [t for t in (title_tokens(gold.get("h1") or ""), title_tokens(gold.get("title") or "")) if t]


def _contiguous(mine: list[str], full: list[str]) -> bool:
    n = len(mine)
    return any(full[k:k + n] == mine for k in range(len(full) - n + 1))


def title_right(title: str, gold: dict) -> bool:
    """The official "title right" (see the module docstring)."""
    mine = title_tokens(title)
    if not mine:
        return False
    for field in ("h1", "title"):
        text = gold.get(field) or ""
        full = title_tokens(text)
        if not full:
            continue
        if difflib.SequenceMatcher(None, mine, full, autojunk=False).ratio() >= 0.8:
            return True
        core = title_tokens(_without_site(text))
        if _contiguous(mine, full) and 2 * len(mine) >= len(core):
            return True
    return False


def title_exact(title: str, gold: dict) -> bool:
    """Strict: the title has exactly the tokens of the h1 or of the og:title."""
    mine = title_tokens(title)
    return bool(mine) and any(mine == h for h in headlines(gold))


# --- running the cleaner ------------------------------------------------------------

def load_scorer(dev: Path):
    """Import the dev folder's score.py as a module."""
    spec = importlib.util.spec_from_file_location(f"score_{dev.name.replace('-', '_')}", dev / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: cannot load {dev / 'score.py'}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_style(dev: Path, style: str, pred_dir: Path, with_title: bool) -> dict:
    """Clean every page of one style into *pred_dir*; per page: seconds, error, title."""
    suffix = STYLES[style]
    texts = []
    for name in page_names(dev):
        path = dev / (name + suffix)
        if path.exists():
            texts.append((name, path.read_text(encoding="utf-8", errors="replace")))
    clean = clean_html if style == "html" else clean_dump
    repeats = 1 if style == "html" else DUMP_REPEATS
    cpu = {name: float("inf") for name, _ in texts}
    wall = dict(cpu)
    results: dict = {}
    errors: dict[str, str] = {}
    for _ in range(repeats):  # dumps: per page the best of a few passes (the machine is shared)
        results, errors = {}, {}
        for name, text in texts:
            t0, w0 = time.process_time(), time.perf_counter()
            try:
                results[name] = clean(text, name=name)
            except NoArticleError as exc:
                errors[name] = str(exc)
            cpu[name] = min(cpu[name], time.process_time() - t0)
            wall[name] = min(wall[name], time.perf_counter() - w0)
    titles, sure = {}, {}
    for name, ex in results.items():
        sure[name] = ex.title_confidence
        body = ex.body
        if with_title:
            body = ex.title + "\n\n" + body
        (pred_dir / f"{name}.txt").write_text(body + "\n", encoding="utf-8")
        titles[name] = ex.title
    return {"cpu": cpu, "wall": wall, "errors": errors, "titles": titles, "sure": sure}


def summarise(rows: list[dict], names: list[str], run: dict, golds: dict[str, dict]) -> dict:
    """The columns for the pages *names* of one style."""
    keep = set(names)
    sel = [x for x in rows if x["name"] in keep]
    n = len(sel)
    cpu = sum(run["cpu"].get(x, 0.0) for x in names)
    wall = sum(run["wall"].get(x, 0.0) for x in names)
    titles = run["titles"]
    wrong = [x for x in names if not title_right(titles.get(x, ""), golds[x])]
    unsure = {x for x in names if x in run["sure"] and run["sure"][x] is not None
              and run["sure"][x] < TITLE_SURE}
    return {
        "flagged": len(unsure) if any(run["sure"].get(x) is not None for x in names) else None,
        "caught": f"{len(unsure & set(wrong))}/{len(wrong)}",
        "pages": n,
        "f1": statistics.mean(x["f1"] for x in sel) if n else 0.0,
        "precision": statistics.mean(x["precision"] for x in sel) if n else 0.0,
        "recall": statistics.mean(x["recall"] for x in sel) if n else 0.0,
        "boiler": sum(bool(x["markers"]) for x in sel) / n if n else 0.0,
        "no_art": sum(1 for x in names if x in run["errors"]),
        "title": sum(title_right(titles.get(x, ""), golds[x]) for x in names) / n if n else 0.0,
        "title_exact": sum(title_exact(titles.get(x, ""), golds[x]) for x in names) / n if n else 0.0,
        "cpu_s": n / cpu if cpu > 0 else float("inf"),
        "wall_s": n / wall if wall > 0 else float("inf"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, nargs="+", default=DEFAULT_DEV,
                    help="dev folders with NAME.html/.txt/.inner.txt/.json and score.py (default: "
                         "../shared/eval/clean-dev and ../shared/eval/clean-readability)")
    ap.add_argument("--split", default="tune,validation,all",
                    help="comma-separated parts to show: tune, validation, all (default: all three)")
    ap.add_argument("--per-page", action="store_true", help="print one line per page (of the parts shown)")
    ap.add_argument("--titles", action="store_true",
                    help="print each wrong title with the page's headline (of the parts shown)")
    ap.add_argument("--style", choices=[*STYLES, "all"], default="all",
                    help="which inputs to clean (default: all)")
    ap.add_argument("--with-title", action="store_true",
                    help="write the title line above the body (the scorer drops it when it "
                         "matches the page title)")
    ap.add_argument("--keep", type=Path, help="write the prediction folders here instead of a temp dir")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    parts = [p.strip() for p in args.split.split(",") if p.strip()]
    bad = [p for p in parts if p not in PARTS]
    if bad or not parts:
        print(f"error: --split takes a comma-separated list of {', '.join(PARTS)} (got {args.split!r})",
              file=sys.stderr)
        return 2
    devs = [d.resolve() for d in args.dev]
    for dev in devs:
        if not dev.is_dir() or not (dev / "score.py").is_file():
            print(f"error: dev folder {dev} is missing or has no score.py (pass --dev DIR ...)", file=sys.stderr)
            return 2
        if not any(dev.glob("*.json")):
            print(f"error: no NAME.json ground truth in {dev}", file=sys.stderr)
            return 2
    styles = list(STYLES) if args.style == "all" else [args.style]

    table = []
    with tempfile.TemporaryDirectory(prefix="eval-clean-") as tmp:
        base = args.keep or Path(tmp)
        for dev in devs:
            scorer = load_scorer(dev)
            names = split(dev)
            shown = sorted({x for p in parts for x in names[p]})
            golds = {x: json.loads((dev / f"{x}.json").read_text(encoding="utf-8")) for x in names["all"]}
            for style in styles:
                pred = base / dev.name / style
                pred.mkdir(parents=True, exist_ok=True)
                for old in pred.glob("*.txt"):
                    old.unlink()
                run = run_style(dev, style, pred, args.with_title)
                _summary, rows = scorer.score(pred, dev)
                if args.per_page:
                    print(f"--- {dev.name} {style}")
                    for x in rows:
                        if x["name"] not in shown:
                            continue
                        err = run["errors"].get(x["name"], "")
                        print(f'{x["name"]:<18} P={x["precision"]:.3f} R={x["recall"]:.3f} '
                              f'F1={x["f1"]:.3f} markers={",".join(x["markers"])}'
                              + (f"  NoArticle: {err}" if err else ""))
                if args.titles:
                    print(f"--- {dev.name} {style}: wrong titles")
                    for x in shown:
                        got = run["titles"].get(x, "")
                        if not title_right(got, golds[x]):
                            print(f"{x:<18} got {got[:90]!r}\n{'':<18} want {golds[x].get('h1')!r} / "
                                  f"{golds[x].get('title')!r}")
                for p in parts:
                    table.append((dev.name, p, style, summarise(rows, names[p], run, golds)))

    print(f'{"set":<18} {"part":<10} {"style":<6} {"pages":>5} {"F1":>6} {"P":>6} {"R":>6} {"boiler":>7} '
          f'{"no-art":>6} {"title":>6} {"title=":>6} {"unsure":>6} {"caught":>6} {"cpu/s":>7} '
          f'{"wall/s":>7}')
    for set_name, part, style, s in table:
        print(f'{set_name:<18} {part:<10} {style:<6} {s["pages"]:>5} {s["f1"]:>6.3f} {s["precision"]:>6.3f} '
              f'{s["recall"]:>6.3f} {s["boiler"]:>7.3f} {s["no_art"]:>6} {s["title"]:>6.2f} '
              f'{s["title_exact"]:>6.2f} {"-" if s["flagged"] is None else s["flagged"]:>6} '
              f'{"-" if s["flagged"] is None else s["caught"]:>6} {s["cpu_s"]:>7.1f} '
              f'{s["wall_s"]:>7.1f}')
    print("title: the official title-right share; title=: exact h1/og:title tokens; "
          f"unsure: titles ingest flags for review (confidence under {TITLE_SURE}); caught: "
          "wrong titles among them / wrong titles; "
          "cpu/s: pages per second of CPU time (one core); wall/s: of elapsed time")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Evaluate the tagger on the tags development set with the shared scorer.

Loads the vocabulary once, tags every ``NAME.txt`` of the dev set (title = first line,
body = the rest), writes ``NAME.json`` predictions to a temporary folder, runs the dev
folder's ``score.py`` on them and prints per-facet precision, recall and F1 for three
splits - TUNE, VALIDATION and ALL - and the articles per second (tagging CPU time only,
one core, best of ``--repeat`` passes).

The split is by sorted file name: every third article (index % 3 == 2) is VALIDATION, the
rest TUNE (:func:`split`). Tune on TUNE only: ``-v`` lists per-article misses of TUNE
only, so that VALIDATION stays held back (``--verbose-all`` lists them for every article).

    python tools/eval_tags.py [--dev DIR] [-v | --verbose-all] [--json OUT] [--vocabulary FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from briefing.core import vocabulary  # noqa: E402
from briefing.ingest.tagger import FACETS, Tagger  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "tags-dev"
#: the brief's targets: recall of "must" and precision (must or may), per facet
TARGET_R, TARGET_P, TARGET_SPEED = 0.90, 0.85, 1000.0


def split(names: list[str]) -> dict[str, list[str]]:
    """TUNE and VALIDATION names: every third of the sorted names (index % 3 == 2) is
    VALIDATION."""
    names = sorted(names)
    return {"tune": [n for i, n in enumerate(names) if i % 3 != 2],
            "validation": [n for i, n in enumerate(names) if i % 3 == 2]}


def read_article(path: Path) -> tuple[str, str]:
    """Title = the first line; body = the rest (the blank line after the title dropped)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    title, _, body = text.partition("\n")
    return title.strip(), body.lstrip("\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, default=DEFAULT_DEV,
                    help="dev folder with NAME.txt, NAME.json and score.py "
                         "(default: ../shared/eval/tags-dev from the repository root)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list missed and wrong tags per TUNE article (score.py -v)")
    ap.add_argument("--verbose-all", action="store_true",
                    help="list missed and wrong tags for every article, VALIDATION too")
    ap.add_argument("--json", type=Path, help="write the scorer's summary (plus speed) here")
    ap.add_argument("--vocabulary", type=Path, default=None,
                    help="vocabulary file (default: the project's vocabulary.yaml)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="tag the set this many times; the speed is the best pass "
                         "(default 5)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    dev = args.dev.resolve()
    if not dev.is_dir() or not (dev / "score.py").is_file():
        print(f"error: dev folder {dev} is missing or has no score.py "
              "(pass --dev DIR; default is ../shared/eval/tags-dev)", file=sys.stderr)
        return 2
    articles = [(p.stem, *read_article(p)) for p in sorted(dev.glob("*.txt"))
                if (dev / f"{p.stem}.json").is_file()]
    if not articles:
        print(f"error: no NAME.txt with a NAME.json in {dev}", file=sys.stderr)
        return 2
    vocab_path = args.vocabulary or vocabulary.default_path()
    try:
        vocab = vocabulary.load(vocab_path)
    except vocabulary.VocabularyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    t0 = time.process_time()
    tagger = Tagger(vocab)
    build = time.process_time() - t0

    # speed: CPU time of one pass over the set, best of --repeat passes (like timeit: the
    # other passes measure the machine's other load, not the tagger)
    preds: dict[str, dict[str, list[str]]] = {}
    passes = []
    for _ in range(max(1, args.repeat)):
        t0 = time.process_time()
        for name, title, body in articles:
            preds[name] = tagger.tag(title, body).as_dict()
        passes.append(time.process_time() - t0)
    best = min(passes)
    speed = len(articles) / best if best > 0 else float("inf")
    mean_speed = len(articles) * len(passes) / sum(passes) if sum(passes) > 0 else float("inf")

    parts = split([name for name, _, _ in articles])
    parts["all"] = sorted(name for name, _, _ in articles)
    summaries: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="eval-tags-") as tmp:
        pred_dir = Path(tmp) / "pred"
        pred_dir.mkdir()
        for name, tags in preds.items():
            (pred_dir / f"{name}.json").write_text(json.dumps(tags, ensure_ascii=False),
                                                   encoding="utf-8")
        for part, names in parts.items():
            gold = Path(tmp) / f"gold-{part}"
            gold.mkdir()
            for name in names:
                (gold / f"{name}.json").symlink_to(dev / f"{name}.json")
            summary_path = Path(tmp) / f"summary-{part}.json"
            cmd = [sys.executable, str(dev / "score.py"), str(pred_dir), "--gold", str(gold),
                   "--aliases", str(dev / "aliases.json"), "--json", str(summary_path)]
            verbose = args.verbose_all or (args.verbose and part == "tune")
            if verbose:
                cmd.append("-v")
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0 or not summary_path.exists():
                print(proc.stdout + proc.stderr, file=sys.stderr)
                print("error: score.py failed", file=sys.stderr)
                return 2
            if verbose:
                print(f"[{part}]")
                print(proc.stdout.rstrip())
                print()
            summaries[part] = json.loads(summary_path.read_text(encoding="utf-8"))

    print(f"{len(articles)} articles ({len(parts['tune'])} tune, "
          f"{len(parts['validation'])} validation), vocabulary {vocab_path} "
          f"({len(vocab)} terms), matcher built in {build * 1000:.0f} ms")
    for part, summary in summaries.items():
        print(f"[{part}: {len(parts[part])} articles]")
        print(f"{'facet':<8} {'P':>6} {'R':>6} {'F1':>6}  {'tp/pred':>9} {'tp/must':>9}  target")
        for facet in FACETS:
            s = summary[facet]
            ok = s["P"] >= TARGET_P and s["R"] >= TARGET_R
            print(f"{facet:<8} {s['P']:>6.3f} {s['R']:>6.3f} {s['F1']:>6.3f}  "
                  f"{s['tp_precision']:>4}/{s['pred']:<4} {s['tp_recall']:>4}/{s['must']:<4}  "
                  f"{'met' if ok else 'NOT met'} (P>={TARGET_P}, R>={TARGET_R})")
        m = summary["macro"]
        print(f"{'macro':<8} {m['P']:>6.3f} {m['R']:>6.3f} {m['F1']:>6.3f}")
    print(f"speed    {speed:,.0f} articles/s (one core, tagging only: best of {len(passes)} "
          f"passes; mean {mean_speed:,.0f})  "
          f"{'met' if speed >= TARGET_SPEED else 'NOT met'} (>= {TARGET_SPEED:.0f})")
    if args.json:
        out = dict(summaries["all"])
        out["splits"] = summaries
        out["articles_per_second"] = speed
        out["articles_per_second_mean"] = mean_speed
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

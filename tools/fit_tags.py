#!/usr/bin/env python3
"""Fit the tagger's tag model (briefing/ingest/tagger/tag_weights.json).

For every TUNE article of the tags dev set (tools/eval_tags.py's split: in sorted order of
names, the articles with index % 3 != 2; the VALIDATION articles are never read), the tagger
is run with a trace: each candidate term becomes one row, its features
(:mod:`briefing.ingest.tagger.features`) and its label from the gold file, normalised and
mapped through ``aliases.json`` by the dev set's own ``score.py``: 1 for a ``must`` tag, 0 for
a term that is no gold tag at all; ``may`` tags (optional by the labelling rules: predicting
one costs nothing, leaving it out costs nothing) are left out of the fit.

The weights are one L2-regularised logistic regression over the rows of all three facets
(numpy, Newton's method: ``fit_title.fit_lr``), from zero for a fixed number of steps;
deterministic, rows in sorted order.  A facet's weight of a feature is a shared weight (for
the features every facet has: zones, salience, mentions...) plus the facet's own deviation,
each pulled towards zero by its own penalty (:data:`L2`, :data:`OWN_L2`): the 52 systems
candidates of TUNE alone (7 of them wrong) cannot fit 14 weights, and lean on what places and
actors teach.  The penalties were chosen by leave-one-article-out cross-validation on TUNE
(``--cv`` prints the table: the lowest held-out log-loss).  The operating point, each facet's
``cut``, is chosen on held-out predictions: every TUNE article's candidates are scored by the
model fitted without that article; of the cuts at which the pooled precision of those
held-out predictions (``must`` or ``may`` right, as the scorer counts it) is at least
:data:`TARGET_P`, those with the best recall are kept, and the cut is the middle of their
range in log-odds (:func:`pick_cut`).  Weights are rounded to four decimals.

    python tools/fit_tags.py [--dev DIR] [--out FILE] [--check] [--cv]

``--check`` fits and compares with the committed file instead of writing it (exit 1 when they
differ).  ``--cv`` prints the held-out precision, recall and log-loss per facet and penalty,
next to the hand bar alone (a salience of at least THRESHOLDS).  The fit depends on the
vocabulary too: after editing vocabulary.yaml, run ``make fit-tags``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from briefing.core import vocabulary  # noqa: E402
from briefing.ingest.tagger import FACETS, Tagger  # noqa: E402
from briefing.ingest.tagger import model as tag_model  # noqa: E402
from briefing.ingest.tagger.features import COMMON, FEATURES  # noqa: E402
from eval_tags import DEFAULT_DEV, gold_scorer, read_article, split  # noqa: E402
from fit_title import fit_lr  # noqa: E402

VERSION = 1
#: the L2 penalty of the shared weights (and of the facet biases; not of the common bias),
#: and of each facet's own deviations from them; chosen by leave-one-article-out CV on TUNE
#: (``--cv``): the lowest held-out log-loss
L2 = 2.0
OWN_L2 = {"region": 1.0, "actors": 4.0, "systems": 16.0}
STEPS = 30
#: the held-out precision the cut must keep (the brief's bar is 0.85 on unseen articles)
TARGET_P = 0.9
L2_GRID = (0.5, 1.0, 2.0, 4.0)
OWN_GRID = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


def collect(dev: Path, vocab=None) -> list[dict]:
    """One entry per TUNE article: per facet its candidate rows (features, label: 1 must,
    0 wrong, None may) and how many ``must`` tags it has (candidates or not)."""
    score, aliases = gold_scorer(dev)
    vocab = vocab or vocabulary.load(vocabulary.default_path())
    tagger = Tagger(vocab, model=tag_model.zero())
    names = split([p.stem for p in dev.glob("*.txt") if (dev / f"{p.stem}.json").is_file()])
    articles = []
    for name in names["tune"]:
        gold = json.loads((dev / f"{name}.json").read_text(encoding="utf-8"))
        trace: list = []
        tagger.tag(*read_article(dev / f"{name}.txt"), trace=trace)
        entry = {"name": name, "rows": {f: [] for f in FACETS}, "must": {}}
        for facet in FACETS:
            must = {score.canon(t, aliases) for t in gold.get(facet, {}).get("must", [])}
            may = {score.canon(t, aliases) for t in gold.get(facet, {}).get("may", [])}
            entry["must"][facet] = len(must)
            seen = set()
            for f, term, x in trace:
                key = score.canon(term, aliases)
                if f != facet or key in seen:
                    continue
                seen.add(key)
                label = 1 if key in must else (None if key in may else 0)
                entry["rows"][facet].append((term, list(x), label))
        articles.append(entry)
    return articles


def _layout() -> tuple[dict[str, int], int]:
    """Columns of the pooled design: a bias per facet, the shared block (the features every
    facet has), then each facet's own block; where each facet's block starts, and the width."""
    start, pos = {}, len(FACETS) + len(COMMON)
    for facet in FACETS:
        start[facet] = pos
        pos += len(FEATURES[facet])
    return start, pos


def _row(facet: str, x: list[float], start: dict[str, int], width: int,
         scale: dict[str, float]) -> np.ndarray:
    v = np.zeros(width)
    v[FACETS.index(facet)] = 1.0
    s = scale[facet]
    for j, k in enumerate(FEATURES[facet]):
        if k in COMMON:
            v[len(FACETS) + COMMON.index(k)] = x[j]
        v[start[facet] + j] = x[j] * s
    return v


def fit_pooled(articles: list[dict], l2: float = L2, own: dict[str, float] | None = None
               ) -> dict[str, np.ndarray]:
    """Per facet [bias, weights...] (in FEATURES order), rounded to four decimals.

    One logistic regression over the labelled rows of every facet: a facet's weight of a
    feature is a shared weight (for the features every facet has) plus the facet's own
    deviation, each pulled to zero by its penalty (``l2`` for the shared weights and the
    facet biases, ``own[facet]`` for the deviations; a deviation's column is scaled by
    sqrt(l2 / own), which is the same fit).  So systems, with few rows, lean on what the
    places and actors teach about zones and salience."""
    own = own or OWN_L2
    start, width = _layout()
    scale = {f: (l2 / own[f]) ** 0.5 for f in FACETS}
    X, y = [], []
    for a in articles:
        for facet in FACETS:
            for _, x, label in a["rows"][facet]:
                if label is not None:
                    X.append(_row(facet, x, start, width, scale))
                    y.append(label)
    X = np.array(X, dtype=float).reshape(-1, width)
    y = np.array(y, dtype=float)
    # (the common bias is not penalised; the facet biases are, with l2, like shared weights)
    beta = fit_lr(X, y, np.ones(len(y)), l2=l2, steps=STEPS) if len(y) else np.zeros(width + 1)
    out = {}
    for n, facet in enumerate(FACETS):
        w = []
        for j, k in enumerate(FEATURES[facet]):
            v = beta[1 + start[facet] + j] * scale[facet]
            if k in COMMON:
                v += beta[1 + len(FACETS) + COMMON.index(k)]
            w.append(v)
        out[facet] = np.round(np.array([beta[0] + beta[1 + n], *w]), 4)
    return out


def _prob(beta: np.ndarray, x: list[float]) -> float:
    return tag_model.FacetModel(float(beta[0]), tuple(float(b) for b in beta[1:]),
                                0.5).probability(x)


def held_out(articles: list[dict], l2: float = L2, own: dict[str, float] | None = None
             ) -> dict[str, list[tuple[float, int | None, int]]]:
    """Every candidate of every article scored by the model fitted without that article:
    per facet (p, label, article index)."""
    out: dict[str, list] = {f: [] for f in FACETS}
    for k, a in enumerate(articles):
        betas = fit_pooled(articles[:k] + articles[k + 1:], l2, own)
        for facet in FACETS:
            out[facet].extend((_prob(betas[facet], x), label, k)
                              for _, x, label in a["rows"][facet])
    return out


def pick_cut(scored: list[tuple[float, int | None, int]], target: float = TARGET_P) -> float:
    """The operating point: of the cuts (midpoints between two held-out probabilities) whose
    predictions keep the precision (must or may right) at least ``target``, those finding
    the most ``must`` tags; of these, the middle one in log-odds between the highest and
    the lowest (not the lowest: that edge moves with every single held-out candidate, and
    spends the precision left on optional tags). 1.0 when no cut keeps the precision."""
    vals = sorted({round(p, 6) for p, _, _ in scored}, reverse=True)
    by_value: dict[float, list] = {}
    for p, label, _ in scored:
        by_value.setdefault(round(p, 6), []).append(label)
    right = total = found = 0
    valid: list[tuple[int, float]] = []                  # (musts found, cut)
    for i, v in enumerate(vals):
        labels = by_value[v]
        total += len(labels)
        right += sum(1 for lab in labels if lab != 0)
        found += sum(1 for lab in labels if lab == 1)
        if right >= target * total:
            nxt = vals[i + 1] if i + 1 < len(vals) else 0.0
            valid.append((found, (v + nxt) / 2))
    if not valid:
        return 1.0
    most = max(f for f, _ in valid)
    cuts = [c for f, c in valid if f == most]
    lo, hi = max(min(cuts), 1e-6), min(max(cuts), 1 - 1e-6)
    mid = (math.log(lo / (1 - lo)) + math.log(hi / (1 - hi))) / 2
    return round(1 / (1 + math.exp(-mid)), 4)


def tally(scored, articles: list[dict], facet: str, cut: float) -> dict:
    """Pooled precision and recall of the predictions p >= cut (recall over every must tag,
    candidate or not)."""
    pred = [label for p, label, _ in scored if p >= cut]
    tp_p = sum(1 for lab in pred if lab != 0)
    tp_r = sum(1 for lab in pred if lab == 1)
    must = sum(a["must"][facet] for a in articles)
    return {"P": round(tp_p / len(pred), 4) if pred else 0.0,
            "R": round(tp_r / must, 4) if must else 0.0,
            "pred": len(pred), "tp_precision": tp_p, "tp_recall": tp_r, "must": must}


def fit(dev: Path, vocab=None) -> dict:
    """The model as stored in tag_weights.json."""
    articles = collect(dev, vocab)
    scored = held_out(articles)
    betas = fit_pooled(articles)
    facets = {}
    for facet in FACETS:
        cut = pick_cut(scored[facet])
        beta = betas[facet]
        facets[facet] = {
            "bias": float(beta[0]),
            "weights": {k: float(beta[1 + j]) for j, k in enumerate(FEATURES[facet])},
            "cut": cut,
            "l2_own": OWN_L2[facet],
            "held_out": tally(scored[facet], articles, facet, cut),
        }
    rows = {f: sum(len(a["rows"][f]) for a in articles) for f in FACETS}
    return {
        "version": VERSION,
        "fitted_on": f"TUNE articles of {dev.name}: {len(articles)} articles, candidates "
                     + ", ".join(f"{f} {rows[f]}" for f in FACETS),
        "l2_shared": L2,
        "target_precision": TARGET_P,
        "facets": facets,
    }


def _line(label: str, scored: dict, articles: list[dict]) -> str:
    cells = []
    for facet in FACETS:
        cut = pick_cut(scored[facet])
        t = tally(scored[facet], articles, facet, cut)
        rows = [(p, lab) for p, lab, _ in scored[facet] if lab is not None]
        loss = -sum(np.log(p if lab else 1 - p) for p, lab in rows) / max(1, len(rows))
        cells.append(f"{facet} P {t['P']:.3f} R {t['R']:.3f} ({t['tp_recall']}/{t['must']}) "
                     f"loss {loss:.3f}")
    return f"{label:<28} " + " | ".join(cells)


def report_cv(dev: Path) -> None:
    """Held-out precision, recall and log-loss per facet: the hand bar alone, then the
    pooled fit for a range of shared penalties and of each facet's own penalty."""
    articles = collect(dev)
    hand = {f: [(x[FEATURES[f].index("bar")], label, k) for k, a in enumerate(articles)
                for _, x, label in a["rows"][f]] for f in FACETS}
    cells = []
    for facet in FACETS:
        t = tally(hand[facet], articles, facet, 0.5)
        cells.append(f"{facet} P {t['P']:.3f} R {t['R']:.3f} ({t['tp_recall']}/{t['must']})")
    print(f"{'hand bar (salience >= bar)':<28} " + " | ".join(cells))
    for l2 in L2_GRID:
        print(_line(f"l2 {l2:g}, own {OWN_L2}", held_out(articles, l2, OWN_L2), articles))
    for facet in FACETS:
        for v in OWN_GRID:
            own = dict(OWN_L2, **{facet: v})
            print(_line(f"l2 {L2:g}, own {facet} {v:g}", held_out(articles, L2, own), articles))


def dumps(model: dict) -> str:
    return json.dumps(model, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, default=DEFAULT_DEV,
                    help="the tags dev set (default: ../shared/eval/tags-dev)")
    ap.add_argument("--out", type=Path, default=tag_model.WEIGHTS_PATH,
                    help="where to write the weights")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    ap.add_argument("--cv", action="store_true",
                    help="print leave-one-article-out CV on TUNE per L2 penalty")
    args = ap.parse_args(argv)
    dev = args.dev.resolve()
    if not (dev / "score.py").is_file() or not any(dev.glob("*.json")):
        print(f"error: {dev} is no tags dev set (NAME.txt, NAME.json, score.py)", file=sys.stderr)
        return 2
    if args.cv:
        report_cv(dev)
        return 0
    model = fit(dev)
    text = dumps(model)
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("weights reproduced" if same else f"weights differ from {args.out}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}; {model['fitted_on']}")
    for facet in FACETS:
        part = model["facets"][facet]
        h = part["held_out"]
        print(f"  {facet:<8} cut {part['cut']:.3f}  held-out P {h['P']:.3f} R {h['R']:.3f} "
              f"({h['tp_recall']}/{h['must']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

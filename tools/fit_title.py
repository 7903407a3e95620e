#!/usr/bin/env python3
"""Fit the dump cleaner's headline scorer (briefing/ingest/clean/title_weights.json).

For every TUNE page (see tools/eval_clean.py: in sorted order of names, the pages with
index % 3 != 2; the VALIDATION pages are never read) of each dev set, and for both dump
styles (``NAME.txt``, ``NAME.inner.txt``), the cleaner is run up to its headline choice; each
candidate line it scores becomes one row: its features (``title.score_candidates`` with a
trace) and its label, whether the candidate, once the cleaner has stripped a site suffix
from it, is "title right" for the page (``eval_clean.title_right``).

The hand rules are the prior: each row's hand score (``title.HAND_WEIGHTS``, the weights set
by hand before the fit) is a fixed offset of the log-odds (weight ``prior``, 1), and the fit
learns only corrections to it: a bias and one weight per feature (all features: the hand
rules' and :mod:`title_model`'s), pulled towards zero by a strong L2 penalty.  A correction
moves a hand weight only where the TUNE pages ask for it consistently.

The corrections are an L2-regularised logistic regression over these rows, fitted in numpy by
Newton's method (with step halving) from zero for a fixed number of steps (deterministic: no
randomness, rows in sorted order).  Each page-and-style weighs the same in total, its
positives and its negatives each half.  The ``threshold`` is then the score a page's best candidate needs to be taken:
the value that makes the most TUNE pages right, given what the cleaner falls back on when it
takes none (the page's ``<title>`` line or its first paragraph).  Weights are rounded to four
decimals.

    python tools/fit_title.py [--dev DIR [DIR ...]] [--out FILE] [--check] [--cv]

``--check`` fits and compares with the committed file instead of writing it (exit 1 when
they differ).  ``--cv`` prints 10-fold cross-validation on TUNE (pages grouped: both dump
styles of a page in one fold; folds by sorted page, index % 10) for a range of L2 penalties,
next to the hand rules alone: how the penalty was chosen.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from briefing.ingest.article import NoArticleError  # noqa: E402
from briefing.ingest.clean import clean_dump  # noqa: E402
from briefing.ingest.clean import title as titles  # noqa: E402
from briefing.ingest.clean import title_model  # noqa: E402
from eval_clean import DEFAULT_DEV, split, title_right  # noqa: E402

VERSION = 3  # 3: the furniture and dateline features (title_model), a dek seen past a caption
L2 = 10.0  # the penalty on the squared corrections (not on the bias); chosen by 10-fold CV on TUNE
PRIOR = 1.0  # the weight of the hand score (a fixed offset, not fitted)
STEPS = 30  # Newton steps
FOLDS = 10
# hand weights kept as they are (no correction): a correction of "dist", a linear term in the
# lines above the body, turned its sign on TUNE and made a line 70 lines up beat the headline
FIXED = frozenset(["dist"])
DUMP_STYLES = (".txt", ".inner.txt")


def _final(text: str, lines) -> str:
    """The title the cleaner makes of a chosen line (dump.clean_dump's post-processing)."""
    top = titles.page_title_line(lines)
    if top is not None and text == top[1]:
        return top[0]
    return titles.strip_site_suffix(text, lines)[0]


def collect(devs: list[Path]) -> list[dict]:
    """One entry per TUNE page and dump style: candidates (features, label), and whether the
    cleaner's fallback (no headline line taken) is right."""
    pages = []
    for dev in devs:
        for name in split(dev)["tune"]:
            gold = json.loads((dev / f"{name}.json").read_text(encoding="utf-8"))
            for suffix in DUMP_STYLES:
                path = dev / (name + suffix)
                if not path.exists():
                    continue
                seen: dict = {}

                def capture(lines, first, last, exclude=frozenset(), _seen=seen):
                    _seen["args"] = (lines, first, last, exclude)
                    return None, 0.0  # the fallback title

                real = titles.pick_title
                titles.pick_title = capture
                try:
                    fallback = clean_dump(path.read_text(encoding="utf-8", errors="replace"), name=name).title
                except NoArticleError:
                    continue
                finally:
                    titles.pick_title = real
                lines, first, last, exclude = seen["args"]
                trace: list = []
                titles.score_candidates(lines, first, last, exclude, trace=trace)
                cands = [(dict(f), int(title_right(_final(lines[i].text, lines), gold))) for i, f in trace]
                pages.append({"page": f"{dev.name}/{name}{suffix}", "cands": cands,
                              "fallback": int(title_right(fallback, gold))})
    pages.sort(key=lambda p: p["page"])
    return pages


def design(pages: list[dict], names: list[str] | None = None):
    """Feature names, X, y, row weights, each row's page index, and each row's hand score."""
    if names is None:
        names = sorted({k for p in pages for f, _ in p["cands"] for k in f} - FIXED)
    col = {k: j for j, k in enumerate(names)}
    rows, ys, ws, grp, hand = [], [], [], [], []
    for g, p in enumerate(pages):
        pos = sum(y for _, y in p["cands"])
        neg = len(p["cands"]) - pos
        for f, y in p["cands"]:
            x = [0.0] * len(names)
            for k, v in f.items():
                if k in col:
                    x[col[k]] = float(v)
            rows.append(x)
            ys.append(y)
            ws.append(0.5 / pos if y else 0.5 / neg)
            grp.append(g)
            hand.append(titles.hand_score(f))
    return names, np.array(rows), np.array(ys, dtype=float), np.array(ws), np.array(grp), np.array(hand)


def fit_lr(X: np.ndarray, y: np.ndarray, w: np.ndarray, offset: np.ndarray | None = None,
           l2: float = L2, steps: int = STEPS) -> np.ndarray:
    """Weighted L2 logistic regression by Newton's method (halving a step that does not lower
    the loss), log-odds ``offset + bias + X @ weights``; returns [bias, weights...]."""
    A = np.hstack([np.ones((X.shape[0], 1)), X])
    off = np.zeros(X.shape[0]) if offset is None else offset
    reg = np.full(A.shape[1], float(l2))
    reg[0] = 0.0

    def loss(beta):
        z = A @ beta + off
        return float((w * (np.logaddexp(0.0, z) - y * z)).sum() + 0.5 * (reg * beta * beta).sum())

    beta = np.zeros(A.shape[1])
    cur = loss(beta)
    for _ in range(steps):
        p = 0.5 * (1.0 + np.tanh((A @ beta + off) / 2))
        grad = A.T @ (w * (p - y)) + reg * beta
        hess = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-9 * np.eye(A.shape[1])
        d = np.linalg.solve(hess, grad)
        t = 1.0
        while True:
            nxt = beta - t * d
            val = loss(nxt)
            if val <= cur or t < 1e-4:
                break
            t /= 2
        beta, cur = nxt, val
    return beta


def combined(names: list[str], beta: np.ndarray) -> dict[str, float]:
    """The weight of each feature in the score: the prior's hand weight plus its correction."""
    out = {k: PRIOR * titles.HAND_WEIGHTS.get(k, 0.0) for k in titles.HAND_WEIGHTS}
    for j, k in enumerate(names):
        out[k] = out.get(k, 0.0) + float(beta[1 + j])
    return out


def page_scores(pages: list[dict], weights: dict[str, float], bias: float) -> list[tuple[float, int, int]]:
    """Per page: (best candidate's score, whether it is right, whether the fallback is)."""
    out = []
    for p in pages:
        best = None
        for f, y in p["cands"]:
            s = bias + sum(weights.get(k, 0.0) * v for k, v in f.items())
            if best is None or s > best[0]:
                best = (s, y)
        out.append((best[0], best[1], p["fallback"]) if best else (float("-inf"), 0, p["fallback"]))
    return out


def pick_threshold(scored: list[tuple[float, int, int]]) -> tuple[float, int]:
    """The threshold making the most pages right (ties: the lowest), and that count."""
    vals = sorted({round(s, 4) for s, _, _ in scored if s != float("-inf")})
    cuts = [vals[0] - 1.0] + [round((a + b) / 2, 4) for a, b in zip(vals, vals[1:])] if vals else [0.0]
    best = None
    for t in cuts:
        right = sum(y if s >= t else fb for s, y, fb in scored)
        if best is None or right > best[1]:
            best = (t, right)
    return best


def fit_pages(pages: list[dict], l2: float = L2) -> tuple[dict[str, float], list[str], np.ndarray, float]:
    """The corrections fitted on *pages*: (score weights, feature names, [bias, corrections...]
    rounded to four decimals, threshold)."""
    names, X, y, w, _, hand = design(pages)
    beta = np.round(fit_lr(X, y, w, PRIOR * hand, l2=l2), 4)
    weights = combined(names, beta)
    threshold, _ = pick_threshold(page_scores(pages, weights, float(beta[0])))
    return weights, names, beta, threshold


def fit(devs: list[Path]) -> dict:
    """The model as stored in title_weights.json."""
    pages = collect(devs)
    weights, names, beta, threshold = fit_pages(pages)
    _, right = pick_threshold(page_scores(pages, weights, float(beta[0])))
    n_cands = sum(len(p["cands"]) for p in pages)
    n_right = sum(y for p in pages for _, y in p["cands"])
    return {
        "version": VERSION,
        "fitted_on": f"TUNE pages of {', '.join(d.name for d in devs)} (txt and inner dumps): "
                     f"{len(pages)} page-styles, {n_cands} candidates, {n_right} right",
        "l2": L2,
        "prior": PRIOR,
        "bias": float(beta[0]),
        "threshold": float(threshold),
        "corrections": {k: float(beta[1 + j]) for j, k in enumerate(names)},
        "tune_right": f"{right}/{len(pages)}",
    }


def _right(pages: list[dict], weights: dict[str, float], bias: float, threshold: float) -> list[int]:
    return [y if s >= threshold else fb for s, y, fb in page_scores(pages, weights, bias)]


def cross_validate(pages: list[dict], l2: float, folds: int = FOLDS) -> list[int]:
    """Per page-style, right or not when its fold is left out of the fit (and the threshold)."""
    groups = sorted({p["page"].rsplit(".inner.txt", 1)[0].rsplit(".txt", 1)[0] for p in pages})
    fold = {g: k % folds for k, g in enumerate(groups)}
    of = [fold[p["page"].rsplit(".inner.txt", 1)[0].rsplit(".txt", 1)[0]] for p in pages]
    out = [0] * len(pages)
    for k in range(folds):
        train = [p for p, f in zip(pages, of) if f != k]
        test = [(i, p) for i, (p, f) in enumerate(zip(pages, of)) if f == k]
        weights, _, beta, threshold = fit_pages(train, l2)
        for (i, _), r in zip(test, _right([p for _, p in test], weights, float(beta[0]), threshold)):
            out[i] = r
    return out


def _tally(pages: list[dict], right: list[int]) -> str:
    cells: dict = {}
    for p, r in zip(pages, right):
        key = (p["page"].split("/")[0], "inner" if p["page"].endswith(".inner.txt") else "txt")
        c = cells.setdefault(key, [0, 0])
        c[0] += r
        c[1] += 1
    return "  ".join(f"{a} {b} {r}/{n}" for (a, b), (r, n) in sorted(cells.items())) + f"  total {sum(right)}"


def report_cv(devs: list[Path]) -> None:
    pages = collect(devs)
    hand = {k: PRIOR * v for k, v in titles.HAND_WEIGHTS.items()}
    print(f"{'hand rules (not fitted)':<24} {_tally(pages, _right(pages, hand, 0.0, titles.HAND_MIN_SCORE))}")
    for l2 in (1.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0, 100.0):
        print(f"{'cv l2=%g' % l2:<24} {_tally(pages, cross_validate(pages, l2))}")


def dumps(model: dict) -> str:
    return json.dumps(model, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, nargs="+", default=DEFAULT_DEV,
                    help="dev sets (default: ../shared/eval/clean-dev and ../shared/eval/clean-readability)")
    ap.add_argument("--out", type=Path, default=title_model.WEIGHTS_PATH, help="where to write the weights")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    ap.add_argument("--cv", action="store_true", help="print 10-fold grouped CV on TUNE per L2 penalty")
    args = ap.parse_args(argv)
    devs = [d.resolve() for d in args.dev]
    for d in devs:
        if not any(d.glob("*.json")):
            print(f"error: no NAME.json pages in {d}", file=sys.stderr)
            return 2
    if args.cv:
        report_cv(devs)
        return 0
    model = fit(devs)
    text = dumps(model)
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("weights reproduced" if same else f"weights differ from {args.out}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(model['corrections'])} corrections, bias, threshold {model['threshold']}; "
          f"{model['fitted_on']}; best-or-fallback right on {model['tune_right']} TUNE page-styles")
    return 0


if __name__ == "__main__":
    sys.exit(main())

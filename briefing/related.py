"""Related briefings: for each briefing, the N others that matter most next to it.

The score of a pair (a, b) is

    score = (tags(a, b) + text(a, b)) * time(a, b)

* ``tags``: the cosine of the two briefings' term vectors.  Each term the briefing is
  tagged with is a feature worth ``weight[facet] * idf(term)`` (``idf = ln((1+N)/(1+df))+1``:
  sharing S-300 says more than sharing Russia); its ancestors in the vocabulary are features
  too, at ``parent_credit ** depth`` (Tobruk and Benghazi meet in Libya at half credit, and
  in North Africa at a quarter).
* ``text``: the cosine of TF-IDF vectors of the briefings' text (title, summary, lede), times
  ``text_weight``; briefings with fewer than ``few_tags`` tags lean on it more (times
  ``few_tags_boost`` for each such side), since their tags say little.
* ``time``: ``floor + (1 - floor) * 0.5 ** (days apart / half_life_days)``: close in time
  ranks higher, but a strong match years apart is not thrown away.

Ties are broken by date (newer first), then by key, so the order is deterministic.

Cost is sub-quadratic: briefings are sorted by date and scored block by block against the
briefings within ``window`` positions (sparse products, numpy); pairs further apart in time
are scored only when they share a rare term (document frequency <= ``rare_df``), found
through an inverted index.  When the whole archive fits in one window every pair is scored.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, NamedTuple

import numpy as np
from scipy import sparse

FACETS = ("region", "actors", "systems")

_WORD = re.compile(r"[a-z][a-z0-9'-]{2,}")
STOPWORDS = frozenset("""
a about above after again against all also although among an and any are around as at be
because been before being below between both but by can could did do does doing down during each
few for from further had has have having he her here hers him his how however i if in into is it
its itself just last like made make many may me might more most much must my near new no nor
not now of off on once one only or other our out over own per said same say says she should
since so some still such than that the their them then there these they this those through to
too under until up very was we were what when where which while who whom why will with within
without would year years yet you your according told including two three first week month
""".split())


@dataclass(frozen=True)
class Item:
    """One briefing as the scoring sees it."""

    key: str
    date: dt.datetime
    terms: Mapping[str, tuple[str, ...]]
    text: str = ""
    words: tuple[str, ...] | None = None  # tokens(text), when the caller has them cached


class Link(NamedTuple):
    """A related briefing, its score, and the shared terms that explain it."""

    key: str
    score: float
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelatedOptions:
    count: int = 5
    weights: Mapping[str, float] = field(
        default_factory=lambda: {"region": 1.0, "actors": 1.0, "systems": 1.5})
    parent_credit: float = 0.5
    parent_levels: int = 2
    half_life_days: float = 365.0
    time_floor: float = 0.5
    text_weight: float = 0.5
    few_tags: int = 3
    few_tags_boost: float = 2.0
    window: int = 600
    rare_df: int | None = None  # default: max(25, sqrt(N))
    min_score: float = 0.02


Ancestors = Callable[[str, str], Iterable[str]]


def _no_ancestors(_facet: str, _name: str) -> list[str]:
    return []


def tokens(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return [w[:-1] if w.endswith("s") and len(w) > 4 and not w.endswith("ss") else w
            for w in words if w not in STOPWORDS]


def _l2_normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(matrix).tocsr()


def _tag_features(items: list[Item], opts: RelatedOptions, ancestors: Ancestors):
    """Per item: {(facet, name): credit}; features include ancestors at reduced credit."""
    expansions: dict[tuple[str, str], list[tuple[tuple[str, str], float]]] = {}

    def expand(facet: str, name: str):
        key = (facet, name)
        if key not in expansions:
            out = [(key, 1.0)]
            for depth, parent in enumerate(ancestors(facet, name), 1):
                if depth > opts.parent_levels:
                    break
                out.append(((facet, parent), opts.parent_credit ** depth))
            expansions[key] = out
        return expansions[key]

    per_item: list[dict[tuple[str, str], float]] = []
    for item in items:
        feats: dict[tuple[str, str], float] = {}
        for facet in FACETS:
            for name in item.terms.get(facet, ()):
                for feature, credit in expand(facet, name):
                    if feats.get(feature, 0.0) < credit:
                        feats[feature] = credit
        per_item.append(feats)
    return per_item


def _matrix(rows: list[dict], weight_of: Callable[[object, int], float]):
    """CSR matrix from per-row {feature: value}; values times weight_of(feature, df).

    Columns are numbered in order of first appearance (deterministic for a given input).
    """
    columns: dict = {}
    lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    indices = np.fromiter((columns.setdefault(f, len(columns)) for row in rows for f in row),
                          dtype=np.int64, count=total)
    data = np.fromiter((v for row in rows for v in row.values()), dtype=np.float64,
                       count=total)
    df_counts = np.bincount(indices, minlength=len(columns))
    features = list(columns)
    column_weight = np.array([weight_of(f, int(d)) for f, d in zip(features, df_counts)],
                             dtype=np.float64)
    data *= column_weight[indices]
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(features)))
    df = dict(zip(features, df_counts.tolist()))
    return matrix, columns, df


def _text_matrix(docs: list) -> sparse.csr_matrix:
    """TF-IDF rows (tf = 1 + ln count, idf = ln((1+N)/(1+df)) + 1), built with numpy."""
    n = len(docs)
    ids: dict[str, int] = {}
    flat = np.fromiter((ids.setdefault(w, len(ids)) for doc in docs for w in doc),
                       dtype=np.int64)
    lengths = np.fromiter((len(doc) for doc in docs), dtype=np.int64, count=n)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    counts = sparse.csr_matrix((np.ones(len(flat)), (rows, flat)), shape=(n, len(ids)))
    counts.sum_duplicates()
    counts.data = 1.0 + np.log(counts.data)
    df = np.bincount(counts.indices, minlength=len(ids))
    idf = np.log((1 + n) / (1 + df)) + 1.0
    counts.data *= idf[counts.indices]
    return counts


def related(items: list[Item], ancestors: Ancestors | None = None,
            options: RelatedOptions | None = None) -> dict[str, list[Link]]:
    """The top ``options.count`` related items for every item, best first."""
    opts = options or RelatedOptions()
    ancestors = ancestors or _no_ancestors
    n = len(items)
    if n < 2 or opts.count <= 0:
        return {item.key: [] for item in items}

    # date order (oldest first), ties by key: positions are what the windows slide over
    stamps = [it.date.timestamp() for it in items]
    order = sorted(range(n), key=lambda i: (stamps[i], items[i].key))
    items = [items[i] for i in order]
    days = np.array([stamps[i] / 86400.0 for i in order])
    days32 = (days - days.min()).astype(np.float32)

    # tag features ---------------------------------------------------------------------
    feats = _tag_features(items, opts, ancestors)
    def tag_weight(feature, df_count):
        w = opts.weights.get(feature[0], 1.0) * (math.log((1 + n) / (1 + df_count)) + 1.0)
        return math.sqrt(w)

    tag_matrix, tag_columns, tag_df = _matrix(feats, tag_weight)
    # the same matrix without the features reached only through a parent: for reasons
    direct_flags = np.fromiter((c == 1.0 for row in feats for c in row.values()), dtype=bool,
                               count=tag_matrix.nnz)
    direct_matrix = tag_matrix.copy()
    direct_matrix.data = np.where(direct_flags, direct_matrix.data, 0.0)
    direct_matrix.eliminate_zeros()
    tag_matrix = _l2_normalise(tag_matrix)

    # text features --------------------------------------------------------------------
    text_matrix = _l2_normalise(_text_matrix(
        [it.words if it.words is not None else tokens(it.text) for it in items]))
    tag_counts = np.array([sum(len(it.terms.get(f, ())) for f in FACETS) for it in items])
    text_scale = np.sqrt(opts.text_weight) * np.where(
        tag_counts < opts.few_tags, np.sqrt(opts.few_tags_boost), 1.0)
    text_matrix = sparse.diags(text_scale).dot(text_matrix).tocsr()

    combined = sparse.hstack([tag_matrix, text_matrix], format="csr", dtype=np.float32)
    combined_t = combined.T.tocsr()
    k = min(opts.count, n - 1)
    tiebreak = np.arange(n, dtype=np.float64) * (1e-9 / max(n, 1))  # newer wins exact ties
    cand_idx: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * n
    cand_score: list[np.ndarray] = [np.empty(0)] * n

    def time_factor(delta_days):
        return opts.time_floor + (1.0 - opts.time_floor) * np.exp2(
            -np.abs(delta_days) / opts.half_life_days)

    # 1. windows: each block of rows against the rows within `window` positions
    block = 256
    window = max(opts.window, k)
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        c_lo, c_hi = max(0, lo - window), min(n, hi + window)
        scores = (combined[lo:hi] @ combined_t[:, c_lo:c_hi]).toarray().astype(np.float64)
        scores *= time_factor(days32[lo:hi, None] - days32[None, c_lo:c_hi])
        scores += tiebreak[None, c_lo:c_hi]
        rows = np.arange(lo, hi)
        scores[rows - lo, rows - c_lo] = -np.inf  # never oneself
        if scores.shape[1] < k:  # fewer candidates than slots: pad
            pad = k - scores.shape[1]
            scores = np.hstack([scores, np.full((hi - lo, pad), -np.inf)])
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        top_scores = np.take_along_axis(scores, top, axis=1)
        top_idx = np.where(np.isfinite(top_scores), top + c_lo, -1)
        for r in range(hi - lo):
            cand_idx[lo + r] = top_idx[r]
            cand_score[lo + r] = top_scores[r]

    # 2. rare terms: pairs further apart than the window that share a rare term
    far_idx = np.full((n, k), -1, dtype=np.int64)
    far_score = np.full((n, k), -np.inf)
    if n > 2 * window + block:
        rare_df = opts.rare_df or max(25, int(math.sqrt(n)))
        rare_cols = [c for f, c in tag_columns.items() if tag_df[f] <= rare_df]
        if rare_cols:
            rare = tag_matrix[:, rare_cols]
            pairs = (rare @ rare.T).tocoo()
            far = np.abs(pairs.row - pairs.col) > window
            rows_i, cols_j, first = pairs.row[far], pairs.col[far], pairs.data[far]
            # keep, per row, the 2k pairs that share the most on rare terms...
            by_row = np.lexsort((-first, rows_i))
            rows_i, cols_j = rows_i[by_row], cols_j[by_row]
            start = np.searchsorted(rows_i, rows_i, side="left")
            keep = (np.arange(len(rows_i)) - start) < 2 * k
            rows_i, cols_j = rows_i[keep], cols_j[keep]
            if len(rows_i):
                # ...then score them in full, and keep the best k per row
                full = np.asarray(combined[rows_i].multiply(combined[cols_j]).sum(axis=1)).ravel()
                full *= time_factor(days[rows_i] - days[cols_j])
                full += tiebreak[cols_j]
                by_row = np.lexsort((-full, rows_i))
                rows_i, cols_j, full = rows_i[by_row], cols_j[by_row], full[by_row]
                rank = np.arange(len(rows_i)) - np.searchsorted(rows_i, rows_i, side="left")
                keep = rank < k
                far_idx[rows_i[keep], rank[keep]] = cols_j[keep]
                far_score[rows_i[keep], rank[keep]] = full[keep]

    # 3. final order: the best k of window and rare candidates (disjoint sets)
    near_idx = np.stack(cand_idx) if n else np.empty((0, k), dtype=np.int64)
    near_score = np.stack(cand_score) if n else np.empty((0, k))
    all_idx = np.concatenate([near_idx, far_idx], axis=1)
    all_score = np.concatenate([near_score, far_score], axis=1)
    best = np.argsort(-all_score, axis=1, kind="stable")[:, :k]
    best_idx = np.take_along_axis(all_idx, best, axis=1)
    best_score = np.take_along_axis(all_score, best, axis=1)
    valid = (best_score >= opts.min_score) & (best_idx >= 0)

    # 4. reasons: per pair, the shared tag features that contribute most
    rows_r, slot_r = np.nonzero(valid)
    cols_r = best_idx[rows_r, slot_r]
    names_by_column = [None] * len(tag_columns)
    for feature, c in tag_columns.items():
        names_by_column[c] = feature[1]
    reasons: list[list[str]] = [[] for _ in range(len(rows_r))]

    def collect(matrix, limit, only_empty):
        contrib = matrix[rows_r].multiply(matrix[cols_r]).tocoo()
        order_c = np.lexsort((contrib.col, -contrib.data, contrib.row))
        pair_of, col_of = contrib.row[order_c], contrib.col[order_c]
        rank = np.arange(len(pair_of)) - np.searchsorted(pair_of, pair_of, side="left")
        keep = rank < 2 * limit  # enough to find `limit` distinct names
        for p, c in zip(pair_of[keep].tolist(), col_of[keep].tolist()):
            names = reasons[p]
            if only_empty is not None and p not in only_empty:
                continue
            name = names_by_column[c]
            if len(names) < limit and name not in names:
                names.append(name)

    # terms both briefings carry; where there is none, the broader terms they meet in
    collect(direct_matrix, 3, None)
    collect(tag_matrix, 2, {p for p, names in enumerate(reasons) if not names})

    result: dict[str, list[Link]] = {item.key: [] for item in items}
    for p, (r, slot) in enumerate(zip(rows_r.tolist(), slot_r.tolist())):
        j = int(best_idx[r, slot])
        result[items[r].key].append(Link(items[j].key, round(float(best_score[r, slot]), 6),
                                         tuple(reasons[p])))
    return result

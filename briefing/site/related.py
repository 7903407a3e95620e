"""Related briefings: for each briefing, the N others that matter most next to it.

The score of a pair (a, b) is

    score = (tags(a, b) + text(a, b)) * time(a, b)

* ``tags``: the cosine of the two briefings' term vectors.  Each term the briefing is
  tagged with is a feature worth ``weight[facet] * idf(term)`` (``idf = ln((1+N)/(1+df))+1``:
  sharing S-300 says more than sharing Russia); its ancestors in the vocabulary are features
  too, at ``parent_credit ** depth`` (Tobruk and Benghazi meet in Libya at half credit, and
  in North Africa at a quarter).  A briefing's secondary terms count less: a term is a lead
  term when it is one of the first ``lead_tags`` of its facet (the tagger lists the most
  probable first) or when its name's words are all in the briefing's title, summary and
  lede; any other term, and what it reaches through its parents, is worth
  ``secondary_credit`` of that (a story about a B-52 flight off Guam and one about
  Minuteman III should not meet mostly in the United States and Russia they both mention).
* ``text``: the cosine of TF-IDF vectors of the briefings' text (title, summary, lede), times
  ``text_weight``; briefings with fewer than ``few_tags`` tags lean on it more (times
  ``few_tags_boost`` for each such side), since their tags say little.  Words found in more
  than ``max(50, text_max_df * N)`` briefings are left out (after the vectors are
  normalised): they say little and would make every pair a candidate.
* ``time``: ``floor + (1 - floor) * 0.5 ** (days apart / half_life_days)``: close in time
  ranks higher, but a strong match years apart is not thrown away.

Ties are broken by date (newer first), then by key, so the order is deterministic.

Cost is sub-quadratic: briefings are sorted by date, and every pair at most ``window``
positions apart is scored once (the score is symmetric), block by block (sparse products in
float32, numpy; the blocks on every core); pairs further apart in time are scored only when
they share a rare term (document frequency <= ``rare_df``), found through an inverted index.
When the whole archive fits in one window every pair is scored, which gives the exact
answer; ``tools/bench.py`` reports how close the windows come to it on a large archive.
Scores are float32: near-equal candidates at the k-th place (within about 1e-7) are kept
(k + 2 per briefing) and ranked at the end, where an exactly equal score goes to the newer
briefing.
"""

from __future__ import annotations

import datetime as dt
import contextlib
import functools
import gc
import math
from dataclasses import dataclass, field
from typing import Mapping, NamedTuple

import numpy as np

from briefing.core import parallel
from briefing.core.errors import Report
from briefing.site import settings as site_settings
from briefing.site import related_features as features
from briefing.site.reasons import explain, rank_in_group
from briefing.site.related_features import (  # noqa: F401 - text_hashes: for callers
    Ancestors, hash_words, text_hashes, tokens)

@dataclass(frozen=True)
class Item:
    """One briefing as the scoring sees it.

    The text may come as ``text``, as its ``words`` (``tokens(text)``), or as
    ``word_hashes`` (``hash_words(tokens(text))``), which a caller can compute once per
    briefing and cache with it: the build then does no per-word work in Python.
    """

    key: str
    date: dt.datetime
    terms: Mapping[str, tuple[str, ...]]
    text: str = ""
    words: tuple[str, ...] | None = None
    word_hashes: np.ndarray | None = None

    def hashes(self) -> np.ndarray:
        if self.word_hashes is not None:
            return self.word_hashes
        return hash_words(self.words if self.words is not None else tokens(self.text))


class Link(NamedTuple):
    """A related briefing, its score, and the shared terms that explain it."""

    key: str
    score: float
    shared: tuple[str, ...] = ()


def _default(name: str):
    return site_settings.BY_NAME[name].default


# the options that are site settings, and the setting each one is (their defaults live in
# the settings table only)
SETTING_OF = {"facets": "FACETS", "count": "RELATED_COUNT", "weights": "RELATED_WEIGHTS",
              "parent_credit": "RELATED_PARENT_CREDIT",
              "parent_levels": "RELATED_PARENT_LEVELS",
              "half_life_days": "RELATED_HALF_LIFE_DAYS", "time_floor": "RELATED_TIME_FLOOR",
              "text_weight": "RELATED_TEXT_WEIGHT", "few_tags": "RELATED_FEW_TAGS",
              "window": "RELATED_WINDOW", "min_score": "RELATED_MIN_SCORE"}


@dataclass(frozen=True)
class RelatedOptions:
    """How related briefings are scored; :meth:`from_settings` reads the site's settings."""

    facets: tuple[str, ...] = tuple(_default("FACETS"))
    count: int = _default("RELATED_COUNT")
    weights: Mapping[str, float] = field(
        default_factory=lambda: dict(_default("RELATED_WEIGHTS")))
    parent_credit: float = _default("RELATED_PARENT_CREDIT")
    parent_levels: int = _default("RELATED_PARENT_LEVELS")
    half_life_days: float = _default("RELATED_HALF_LIFE_DAYS")
    time_floor: float = _default("RELATED_TIME_FLOOR")
    text_weight: float = _default("RELATED_TEXT_WEIGHT")
    few_tags: int = _default("RELATED_FEW_TAGS")
    few_tags_boost: float = 2.0
    lead_tags: int = 2  # the lead terms count fully, the others at secondary_credit
    secondary_credit: float = 0.5
    text_max_df: float = 0.1  # words in more than this share of briefings (and 50) are
    window: int = _default("RELATED_WINDOW")  # left out of the text similarity
    rare_df: int | None = None  # default: max(25, sqrt(N))
    min_score: float = _default("RELATED_MIN_SCORE")
    threads: int | None = None  # default: one per core

    @classmethod
    def from_settings(cls, values: Mapping) -> "RelatedOptions":
        """The options a site's settings (as :func:`briefing.site.settings.read` gives them)
        ask for."""
        kwargs = {option: values[name] for option, name in SETTING_OF.items()}
        kwargs["facets"], kwargs["weights"] = tuple(kwargs["facets"]), dict(kwargs["weights"])
        return cls(**kwargs)


#: the source files whose code decides the links (a cache of links is keyed by them)
SOURCES = (__file__, features.__file__)


def _no_ancestors(_facet: str, _name: str) -> list[str]:
    return []


RARE_CHUNK = 2048  # rows per chunk of the rare-term pairs


class _TopK:
    """The best ``k`` (index, score) per row so far; candidates merged in batches."""

    def __init__(self, n: int, k: int):
        self.k = k
        self.idx = np.full((n, k), -1, dtype=np.int64)
        self.score = np.full((n, k), -np.inf, dtype=np.float32)

    def merge(self, lo: int, idx: np.ndarray, score: np.ndarray) -> None:
        """Rows lo .. lo+len(idx): candidates idx[r, :] with score[r, :] (-inf: none)."""
        hi = lo + len(idx)
        all_idx = np.concatenate([self.idx[lo:hi], idx], axis=1)
        all_score = np.concatenate([self.score[lo:hi], score.astype(np.float32)], axis=1)
        top = np.argpartition(all_score, -self.k, axis=1)[:, -self.k:]
        self.idx[lo:hi] = np.take_along_axis(all_idx, top, axis=1)
        self.score[lo:hi] = np.take_along_axis(all_score, top, axis=1)

    def ranked(self, count: int, min_score: float):
        """(rows, idx, scores): per row the best ``count``, best first, an equal score to
        the later index (the newer briefing); rows ascending; below min_score dropped."""
        order = np.lexsort((-self.idx, -self.score), axis=1)[:, :count]
        idx = np.take_along_axis(self.idx, order, axis=1)
        score = np.take_along_axis(self.score, order, axis=1)
        rows, slots = np.nonzero((score >= min_score) & (idx >= 0))
        return rows, idx[rows, slots], score[rows, slots].astype(np.float64)


def _best_per_row(rows: np.ndarray, values: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the ``limit`` largest values per row (rows need not be sorted)."""
    if not len(rows):
        return np.empty(0, dtype=np.int64)
    # one float key sorts by row, then by value descending (values scaled into [0, 0.5])
    span = float(values.max() - values.min()) or 1.0
    order = np.argsort(rows + 0.5 * (values.max() - values) / span)
    return order[rank_in_group(rows[order]) < limit]


class Ranked(NamedTuple):
    """Every link at once, in arrays: link ``i`` goes from item ``rows[i]`` to item
    ``cols[i]`` (positions in the caller's list) with ``scores[i]`` and ``reasons[i]``;
    each item's links are together (``rows`` ascending), best first."""

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray
    reasons: list

    @classmethod
    def empty(cls) -> "Ranked":
        none = np.empty(0, dtype=np.int64)
        return cls(none, none, np.empty(0), [])

    def bounds(self, n: int) -> list[int]:
        """Item ``i``'s links are ``[bounds[i], bounds[i + 1])``."""
        return np.searchsorted(self.rows, np.arange(n + 1)).tolist()


@contextlib.contextmanager
def _collector_paused():
    """The result is some hundred thousand small objects and no reference cycles: the
    cyclic garbage collector, set off by so many allocations, would only walk every object
    of the build (all the briefings) again and again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def related(items: list[Item], ancestors: Ancestors | None = None,
            options: RelatedOptions | None = None) -> dict[str, list[Link]]:
    """The top ``options.count`` related items for every item, best first."""
    with _collector_paused():
        found = _related(items, ancestors, options)
        keys = [item.key for item in items]
        make = functools.partial(tuple.__new__, Link)
        links = list(map(make, zip(map(keys.__getitem__, found.cols.tolist()),
                                   found.scores.tolist(), found.reasons)))
        bounds = found.bounds(len(items))
        return {key: links[a:b] for key, a, b in zip(keys, bounds, bounds[1:])}


def ranked(items: list[Item], ancestors: Ancestors | None = None,
           options: RelatedOptions | None = None) -> Ranked:
    """:func:`related` as arrays (:class:`Ranked`), without an object per link."""
    with _collector_paused():
        return _related(items, ancestors, options)


class RelatedFailed(Report, RuntimeError):
    """The scoring process failed (its last lines of error output are in the message)."""


class ScoringProcess:
    """:func:`ranked` computed in a fresh Python process (``start()`` it early, if there is
    other work to do meanwhile: it spends its first moments importing numpy and scipy).

    The scoring's working memory (sparse matrices, score blocks, scipy itself) is given
    back to the system when the process ends; a build that holds every briefing would
    otherwise keep it to the end, and its forked page renderers with it.  What crosses is
    compact: the items as arrays (dates, word ids) and term tuples, the links as
    :class:`Ranked` arrays.  The terms' ancestors come from the vocabulary at
    ``vocabulary_path``, loaded there (``None``: no ancestors)."""

    def __init__(self) -> None:
        self._process = parallel.FreshProcess(
            "briefing.site.related:_ranked_from_arrays",
            what="related links: the scoring process", error=RelatedFailed)

    def start(self) -> "ScoringProcess":
        self._process.start()
        return self

    def ranked(self, items: list[Item], vocabulary_path: str | None,
               options: RelatedOptions | None = None) -> Ranked:
        hashes = [item.hashes() for item in items]
        return Ranked(*self._process.call(
            [item.key for item in items],
            np.array([item.date.timestamp() for item in items], dtype=np.float64),
            [item.terms for item in items],
            np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64),
            np.cumsum([0] + [len(h) for h in hashes]),
            vocabulary_path, options))


def _ranked_from_arrays(keys, stamps, terms, flat, offsets, vocabulary_path, options) -> tuple:
    """The other end of :class:`ScoringProcess`, in the fresh process."""
    ancestors = None
    if vocabulary_path:
        from briefing.core import vocabulary

        ancestors = vocabulary.load(vocabulary_path).ancestors
    utc = dt.timezone.utc
    items = [Item(key, dt.datetime.fromtimestamp(stamp, utc), term,
                  word_hashes=flat[a:b])
             for key, stamp, term, a, b in zip(keys, stamps.tolist(), terms,
                                               offsets.tolist(), offsets[1:].tolist())]
    return tuple(ranked(items, ancestors, options))


def _related(items: list[Item], ancestors: Ancestors | None,
             options: RelatedOptions | None) -> Ranked:
    from scipy import sparse  # imported when needed: a no-op build never is
    opts = options or RelatedOptions()
    ancestors = ancestors or _no_ancestors
    n = len(items)
    if n < 2 or opts.count <= 0:
        return Ranked.empty()

    # date order (oldest first), ties by key: positions are what the windows slide over
    stamps = [it.date.timestamp() for it in items]
    order = sorted(range(n), key=lambda i: (stamps[i], items[i].key))
    items = [items[i] for i in order]
    days = np.array([stamps[i] / 86400.0 for i in order])
    days -= days.min()

    threads = opts.threads or parallel.cores()
    with parallel.thread_pool(threads) as pool:
        # the text features (numpy sorting, mostly free of the GIL) beside the tag features
        words = features.word_counts(items)
        text_job = pool.submit(features.text_matrix, words, opts.text_max_df)
        tag_matrix, direct_matrix, names_by_column, tag_df, tag_counts = \
            features.tag_matrix(items, opts, ancestors, words)
        text_matrix = text_job.result()
    tag_matrix = features.l2_normalise(tag_matrix)
    text_scale = np.sqrt(opts.text_weight) * np.where(
        tag_counts < opts.few_tags, np.sqrt(opts.few_tags_boost), 1.0)
    text_matrix = sparse.diags(text_scale).dot(text_matrix).tocsr()
    combined = sparse.hstack([tag_matrix, text_matrix], format="csr", dtype=np.float32)
    combined_t = combined.T.tocsr()

    k = min(opts.count, n - 1)
    # scores are float32: near-equal candidates at the k-th place are all kept (k + 2 per
    # briefing) and ranked at the end, an equal score going to the newer briefing
    best = _TopK(n, min(k + 2, n - 1))
    floor, half_life = opts.time_floor, opts.half_life_days

    def time_factor(delta_days):
        return floor + (1.0 - floor) * np.exp2(-np.abs(delta_days) / half_life)

    # 1. windows: every pair at most `window` positions apart, scored once (the score is
    #    symmetric): a block of rows against the rows after it; each block gives its rows
    #    their best later partners and its columns their best earlier partners.  Blocks
    #    are scored on every core (numpy and scipy let go of the GIL for the heavy parts)
    #    and merged in order, so the result does not depend on the number of threads.
    block = 256
    window = max(opts.window, k)
    local = np.arange(block + window)
    band = local[None, :] - local[:block, None]
    outside = (band <= 0) | (band > window)

    def score_block(lo: int):
        hi, c_hi = min(n, lo + block), min(n, lo + block + window)
        scores = (combined[lo:hi] @ combined_t[:, lo:c_hi]).toarray()
        start = days[lo]
        if (days[c_hi - 1] - start) / half_life < 400:
            # for a later j: 2**-((dj - di) / h) = 2**((di - d0) / h) * 2**-((dj - d0) / h)
            factor = np.multiply.outer(
                np.exp2((days[lo:hi] - start) / half_life).astype(np.float32),
                ((1.0 - floor) * np.exp2(-(days[lo:c_hi] - start) / half_life)).astype(
                    np.float32))
            factor += floor
        else:  # a block spanning centuries: the direct form, free of overflow
            factor = time_factor(days[lo:hi, None] - days[None, lo:c_hi]).astype(np.float32)
        scores *= factor
        scores[outside[: hi - lo, : c_hi - lo]] = -np.inf
        # rows: their later partners
        kk = min(best.k, c_hi - lo)
        top = np.argpartition(scores, -kk, axis=1)[:, -kk:]
        later = (top + lo, np.take_along_axis(scores, top, axis=1))
        # columns: their earlier partners among this block's rows
        by_col = np.ascontiguousarray(scores.T)
        kk = min(best.k, hi - lo)
        top = np.argpartition(by_col, -kk, axis=1)[:, -kk:]
        earlier = (top + lo, np.take_along_axis(by_col, top, axis=1))
        return lo, later, earlier

    # 2. rare terms: pairs further apart than the window that share a rare term
    def far_candidates():
        if n <= window + 1:
            return None
        rare_df = opts.rare_df or max(25, int(math.sqrt(n)))
        rare_cols = np.nonzero(tag_df <= rare_df)[0]
        if not len(rare_cols):
            return None
        rare = tag_matrix[:, rare_cols].tocsr()
        rare_t = rare.T.tocsr()
        far_idx = np.full((n, 2 * k), -1, dtype=np.int64)
        far_score = np.full((n, 2 * k), -np.inf)
        # in chunks of rows, so that memory stays small however many pairs there are
        for lo in range(0, n, RARE_CHUNK):
            hi = min(n, lo + RARE_CHUNK)
            pairs = (rare[lo:hi] @ rare_t).tocoo()
            rows_i = pairs.row.astype(np.int64) + lo
            cols_j = pairs.col.astype(np.int64)
            far = np.abs(rows_i - cols_j) > window
            rows_i, cols_j = rows_i[far], cols_j[far]
            # per row, the 2k pairs that share the most on rare terms, scored in full
            keep = _best_per_row(rows_i, pairs.data[far], 2 * k)
            rows_i, cols_j = rows_i[keep], cols_j[keep]
            if not len(rows_i):
                continue
            full = np.asarray(combined[rows_i].multiply(combined[cols_j]).sum(axis=1))
            full = full.ravel() * time_factor(days[rows_i] - days[cols_j])
            slot = rank_in_group(rows_i)
            far_idx[rows_i, slot] = cols_j
            far_score[rows_i, slot] = full
        return far_idx, far_score

    # the windows' blocks and the rare-term pairs are worked on at once; the results are
    # merged in a fixed order, so they do not depend on the number of threads
    starts = range(0, n, block)
    if min(threads, len(starts)) > 1:
        with parallel.thread_pool(threads) as pool:
            far_job = pool.submit(far_candidates)
            for lo, later, earlier in pool.map(score_block, starts):
                best.merge(lo, *later)
                best.merge(lo, *earlier)
            far_found = far_job.result()
    else:
        for lo, later, earlier in map(score_block, starts):
            best.merge(lo, *later)
            best.merge(lo, *earlier)
        far_found = far_candidates()
    if far_found is not None:
        best.merge(0, *far_found)

    # 3. the best k of all candidates, best first
    rows_r, cols_r, scores_r = best.ranked(k, opts.min_score)

    # 4. reasons: the terms both carry, strongest first (or the broader terms they meet
    #    in); "similar wording" when the text carried the link; a link only a term most
    #    briefings carry explains is dropped
    keep, why = explain(rows_r, cols_r, direct_matrix, tag_matrix, text_matrix,
                        names_by_column, tag_df)
    rows_r, cols_r, scores_r = rows_r[keep], cols_r[keep], scores_r[keep]

    # back to the caller's positions, each briefing's links together and best first
    position = np.asarray(order, dtype=np.int64)
    rows_o, cols_o = position[rows_r], position[cols_r]
    regroup = np.argsort(rows_o, kind="stable")
    return Ranked(rows_o[regroup], cols_o[regroup], np.round(scores_r[regroup], 6),
                  [why[i] for i in regroup.tolist()])

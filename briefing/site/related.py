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
import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, NamedTuple

import numpy as np

from briefing.core import parallel
from briefing.core.errors import Report
from briefing.site import settings as site_settings
from briefing.site.reasons import explain, rank_in_group

if TYPE_CHECKING:  # imported where used: a no-op build never needs scipy
    from scipy import sparse

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


Ancestors = Callable[[str, str], Iterable[str]]


def _no_ancestors(_facet: str, _name: str) -> list[str]:
    return []


def tokens(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return [w[:-1] if w.endswith("s") and len(w) > 4 and not w.endswith("ss") else w
            for w in words if w not in STOPWORDS]


def hash_words(words: Iterable[str]) -> np.ndarray:
    """Stable 64-bit ids of words (the same in every process, so they can be cached)."""
    digest = hashlib.blake2b
    return np.frombuffer(b"".join(digest(w.encode(), digest_size=8).digest() for w in words),
                         dtype=np.uint64)


def text_hashes(text: str) -> np.ndarray:
    """``hash_words(tokens(text))``: what ``Item.word_hashes`` holds."""
    return hash_words(tokens(text))


def _l2_normalise(matrix: "sparse.csr_matrix") -> "sparse.csr_matrix":
    from scipy import sparse

    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(matrix).tocsr()


def _tag_matrix(items: list[Item], opts: RelatedOptions, ancestors: Ancestors):
    """Tag features, one row per item: (matrix, direct, column names, df, tag counts).

    An item's features are its terms at credit 1 and their ancestors at
    ``parent_credit ** depth`` (the highest credit when several terms reach the same
    ancestor), times ``sqrt(weight[facet] * idf)``.  ``direct`` is the same matrix
    without the features reached only through a parent (for the reasons).
    """
    from scipy import sparse  # imported when needed: a no-op build never is
    n = len(items)
    terms_of = [item.terms for item in items]
    occurrences = [(facet, name) for terms in terms_of for facet in opts.facets
                   for name in terms.get(facet, ())]
    tag_counts = np.fromiter([sum(len(terms.get(facet, ())) for facet in opts.facets)
                              for terms in terms_of], dtype=np.int64, count=n)
    term_ids = {key: i for i, key in enumerate(dict.fromkeys(occurrences))}

    # every term's expansion into features: itself, then its ancestors
    columns: dict[tuple[str, str], int] = {}
    exp_start, exp_feature, exp_credit = [], [], []
    for facet, name in term_ids:
        exp_start.append(len(exp_feature))
        exp_feature.append(columns.setdefault((facet, name), len(columns)))
        exp_credit.append(1.0)
        for depth, parent in enumerate(ancestors(facet, name), 1):
            if depth > opts.parent_levels:
                break
            exp_feature.append(columns.setdefault((facet, parent), len(columns)))
            exp_credit.append(opts.parent_credit ** depth)
    exp_start.append(len(exp_feature))
    starts = np.array(exp_start, dtype=np.int64)
    features = np.array(exp_feature, dtype=np.int64)
    credits = np.array(exp_credit, dtype=np.float64)

    terms = np.fromiter(map(term_ids.__getitem__, occurrences), dtype=np.int64,
                        count=len(occurrences))
    rows = np.repeat(np.arange(n, dtype=np.int64), tag_counts)
    lengths = starts[terms + 1] - starts[terms]
    total = int(lengths.sum())
    offsets = np.repeat(starts[terms] - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    rows, cols, vals = np.repeat(rows, lengths), features[offsets], credits[offsets]
    # one entry per (row, feature): the highest credit
    # (credits are in (0, 1]: one float key orders by row, feature, credit descending)
    order = np.argsort((rows * len(columns) + cols) + 0.5 * (1.0 - vals))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, vals = rows[first], cols[first], vals[first]

    names = [name for _facet, name in columns]
    facet_weight = np.array([opts.weights.get(facet, 1.0) for facet, _name in columns])
    df = np.bincount(cols, minlength=len(columns))
    column_weight = np.sqrt(facet_weight * (np.log((1 + n) / (1 + df)) + 1.0))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
    matrix = sparse.csr_matrix((vals * column_weight[cols], cols, indptr),
                               shape=(n, len(columns)))
    direct = matrix.copy()
    direct.data = np.where(vals == 1.0, direct.data, 0.0)
    direct.eliminate_zeros()
    return matrix, direct, names, df, tag_counts


def _text_matrix(items: list[Item], max_df: float) -> "sparse.csr_matrix":
    """L2-normalised TF-IDF rows (tf = 1 + ln count, idf = ln((1+N)/(1+df)) + 1) of the
    items' words, without the words found in more than ``max(50, max_df * N)`` items.

    Rows are normalised before those words are dropped, so a similarity is the part of the
    full cosine that the distinctive words make; the common words add little to it (their
    idf is low) but would make every pair a candidate.
    """
    from scipy import sparse  # imported when needed: a no-op build never is
    n = len(items)
    hashes = [item.hashes() for item in items]
    lengths = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=n)
    flat = np.concatenate(hashes) if n else np.empty(0, dtype=np.uint64)
    vocabulary, cols = np.unique(flat, return_inverse=True)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    counts = sparse.csr_matrix((np.ones(len(flat)), (rows, cols.ravel())),
                               shape=(n, len(vocabulary)))
    counts.sum_duplicates()
    counts.data = 1.0 + np.log(counts.data)
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1 + n) / (1 + df)) + 1.0
    counts.data *= idf[counts.indices]
    counts = _l2_normalise(counts)
    common = df > max(50, max_df * n)
    if common.any():
        counts.data[common[counts.indices]] = 0.0
        counts.eliminate_zeros()
    return counts


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
        text_job = pool.submit(_text_matrix, items, opts.text_max_df)
        tag_matrix, direct_matrix, names_by_column, tag_df, tag_counts = _tag_matrix(
            items, opts, ancestors)
        text_matrix = text_job.result()
    tag_matrix = _l2_normalise(tag_matrix)
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

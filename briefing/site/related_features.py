"""The features of the related links' scoring (see :mod:`briefing.site.related`): each
briefing's words (their stable ids, a table of their counts, the TF-IDF rows of its text) and
its terms (weighted by facet, rarity, depth and whether each is a lead term of the briefing).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Callable, Iterable

import numpy as np

if TYPE_CHECKING:  # imported where used: a no-op build never needs scipy
    from scipy import sparse

    from briefing.site.related import Item, RelatedOptions

Ancestors = Callable[[str, str], Iterable[str]]

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


def l2_normalise(matrix: "sparse.csr_matrix") -> "sparse.csr_matrix":
    from scipy import sparse

    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(matrix).tocsr()


def lead_terms(items: list[Item], opts: RelatedOptions,
                occurrences: list[tuple[str, str]], rows: np.ndarray, words) -> np.ndarray:
    """Per occurrence (item ``rows[i]``, term ``occurrences[i]``): is it a lead term of its
    item - one of the first ``lead_tags`` of its facet there, or a term whose name's words
    (``tokens``: what the text similarity reads) are all in the item's text? ``words`` is
    :func:`word_counts` of the items."""
    rank = np.fromiter((r for terms in (item.terms for item in items) for facet in opts.facets
                        for r in range(len(terms.get(facet, ())))), dtype=np.int64,
                       count=len(occurrences))
    lead = rank < opts.lead_tags
    vocabulary, counts = words
    # each distinct name's words, as columns of the word table (-1: in no item's text)
    names = list(dict.fromkeys(name for _facet, name in occurrences))
    name_id = {name: i for i, name in enumerate(names)}
    name_words = [hash_words(tokens(name)) for name in names]
    n_words = np.fromiter(map(len, name_words), dtype=np.int64, count=len(names))
    flat = np.concatenate([np.empty(0, dtype=np.uint64), *name_words])
    if len(vocabulary):
        cols = np.searchsorted(vocabulary, flat).clip(max=len(vocabulary) - 1)
        cols = np.where(vocabulary[cols] == flat, cols, -1)
    else:
        cols = np.full(len(flat), -1, dtype=np.int64)
    # (occurrence, word) pairs, and whether the word is in the occurrence's item's text:
    # the table's entries, as row * width + column, are sorted (canonical CSR)
    of_occ = np.fromiter(map(name_id.__getitem__, (name for _f, name in occurrences)),
                         dtype=np.int64, count=len(occurrences))
    per_occ = n_words[of_occ]
    pair_occ = np.repeat(np.arange(len(occurrences)), per_occ)
    word_start = np.concatenate([[0], np.cumsum(n_words)])
    pair_pos = (np.repeat(word_start[of_occ] - np.cumsum(per_occ) + per_occ, per_occ)
                + np.arange(int(per_occ.sum())))
    width = counts.shape[1] + 1
    table = (np.repeat(np.arange(counts.shape[0], dtype=np.int64), np.diff(counts.indptr))
             * width + counts.indices)
    keys = rows[pair_occ] * width + cols[pair_pos]
    if len(table):
        found = (cols[pair_pos] >= 0) & (
            table[np.searchsorted(table, keys).clip(max=len(table) - 1)] == keys)
    else:
        found = np.zeros(len(keys), dtype=bool)
    # a name is in the text when every one of its words is (names of no word never are)
    return lead | ((np.bincount(pair_occ[~found], minlength=len(occurrences)) == 0)
                   & (per_occ > 0))


def tag_matrix(items: list[Item], opts: RelatedOptions, ancestors: Ancestors, words):
    """Tag features, one row per item: (matrix, direct, column names, df, tag counts).

    An item's features are its terms at credit 1 and their ancestors at
    ``parent_credit ** depth`` (the highest credit when several terms reach the same
    ancestor), times ``secondary_credit`` for the terms that are not lead terms
    (:func:`lead_terms`), times ``sqrt(weight[facet] * idf)``.  ``direct`` is the same
    matrix without the features reached only through a parent (for the reasons).
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
    scale = np.where(lead_terms(items, opts, occurrences, rows, words), 1.0, opts.secondary_credit)
    lengths = starts[terms + 1] - starts[terms]
    total = int(lengths.sum())
    offsets = np.repeat(starts[terms] - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    rows, cols, vals = np.repeat(rows, lengths), features[offsets], credits[offsets]
    direct_term = vals == 1.0
    vals = vals * np.repeat(scale, lengths)
    # one entry per (row, feature): the highest credit
    # (credits are in (0, 1]: one float key orders by row, feature, credit descending;
    # a term of the briefing itself before a parent reached at the same credit)
    order = np.lexsort((~direct_term, -vals, rows * len(columns) + cols))
    rows, cols, vals, direct_term = rows[order], cols[order], vals[order], direct_term[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, vals, direct_term = rows[first], cols[first], vals[first], direct_term[first]

    names = [name for _facet, name in columns]
    facet_weight = np.array([opts.weights.get(facet, 1.0) for facet, _name in columns])
    df = np.bincount(cols, minlength=len(columns))
    column_weight = np.sqrt(facet_weight * (np.log((1 + n) / (1 + df)) + 1.0))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
    matrix = sparse.csr_matrix((vals * column_weight[cols], cols, indptr),
                               shape=(n, len(columns)))
    direct = matrix.copy()
    direct.data = np.where(direct_term, direct.data, 0.0)
    direct.eliminate_zeros()
    return matrix, direct, names, df, tag_counts


def word_counts(items: list[Item]):
    """The items' words: (the sorted word ids, a CSR table of their counts, one row per item
    and one column per word id, in canonical form)."""
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
    return vocabulary, counts


def text_matrix(words, max_df: float) -> "sparse.csr_matrix":
    """L2-normalised TF-IDF rows (tf = 1 + ln count, idf = ln((1+N)/(1+df)) + 1) of the
    items' words (:func:`word_counts`), without the words found in more than
    ``max(50, max_df * N)`` items.

    Rows are normalised before those words are dropped, so a similarity is the part of the
    full cosine that the distinctive words make; the common words add little to it (their
    idf is low) but would make every pair a candidate.
    """
    vocabulary, counts = words
    n = counts.shape[0]
    counts = counts.copy()
    counts.data = 1.0 + np.log(counts.data)
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1 + n) / (1 + df)) + 1.0
    counts.data *= idf[counts.indices]
    counts = l2_normalise(counts)
    common = df > max(50, max_df * n)
    if common.any():
        counts.data[common[counts.indices]] = 0.0
        counts.eliminate_zeros()
    return counts

"""Why two briefings are related, in the words a reader sees: the terms both carry that
weigh most, or "similar wording" when the text carried the link; never a term most of the
archive carries (scored links come from :mod:`.related`)."""

from __future__ import annotations

import numpy as np

# a term carried by more than this share of the archive (and more than COMMON_MIN briefings)
# explains no link: "shared: United States" between a Taliban hostage story and an Assange
# story says nothing
COMMON_SHARE = 0.25
COMMON_MIN = 10


def rank_in_group(sorted_keys: np.ndarray) -> np.ndarray:
    """For a sorted array: each element's position within its run of equal keys."""
    if not len(sorted_keys):
        return np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]]))
    sizes = np.diff(np.append(starts, len(sorted_keys)))
    return np.arange(len(sorted_keys)) - np.repeat(starts, sizes)


def shared_terms(rows, cols, direct, matrix, names_by_column) -> list[tuple[str, ...]]:
    """Per pair (rows[p], cols[p]): the names of the shared features that weigh most."""
    name_ids: dict[str, int] = {}
    name_of_column = np.array([name_ids.setdefault(name, len(name_ids))
                               for name in names_by_column], dtype=np.int64)
    names = list(name_ids)

    def shared(matrix, pairs, limit):
        contrib = matrix[rows[pairs]].multiply(matrix[cols[pairs]]).tocoo()
        pair, col, val = pairs[contrib.row], contrib.col, contrib.data
        name = name_of_column[col]
        order = np.lexsort((col, -val, pair))  # per pair: strongest first, then by column
        pair, name = pair[order], name[order]
        # a name shared in two facets (Russia the region and the actor) counts once
        _, first = np.unique(pair * len(names) + name, return_index=True)
        first.sort()
        pair, name = pair[first], name[first]
        rank = rank_in_group(pair)
        keep = rank < limit
        return pair[keep], name[keep]

    everything = np.arange(len(rows))
    pair_d, name_d = shared(direct, everything, 3)
    has_direct = np.zeros(len(rows), dtype=bool)
    has_direct[pair_d] = True
    pair_p, name_p = shared(matrix, everything[~has_direct], 2)
    pair = np.concatenate([pair_d, pair_p])
    name = np.concatenate([name_d, name_p])
    order = np.argsort(pair, kind="stable")
    pair, name = pair[order], name[order]
    bounds = np.searchsorted(pair, np.arange(len(rows) + 1)).tolist()
    words = list(map(names.__getitem__, name.tolist()))
    return [tuple(words[a:b]) for a, b in zip(bounds, bounds[1:])]


def explain(rows, cols, direct, matrix, text, names_by_column, df):
    """For the scored pairs (rows[p], cols[p]): which to show, and the reason of each shown.

    ``direct`` and ``matrix`` are the tag features (without and with the parents' credit),
    ``text`` the text features, as scored; ``df`` how many briefings carry each tag column.
    Returns (a mask of the pairs to keep, the reasons of the kept ones): the shared terms that
    weigh most, or () ("similar wording") when the text part of the score outweighs the tag
    part; a term in more than COMMON_SHARE of the archive is left out of the reasons, and a
    pair only such terms explain is not kept."""
    why = shared_terms(rows, cols, direct, matrix, names_by_column)
    tag_part = np.asarray(matrix[rows].multiply(matrix[cols]).sum(axis=1)).ravel()
    text_part = np.asarray(text[rows].multiply(text[cols]).sum(axis=1)).ravel()
    n = matrix.shape[0]
    common_df = max(COMMON_SHARE * n, COMMON_MIN)
    common = {name for name, count in zip(names_by_column, df.tolist()) if count > common_df}
    keep = np.ones(len(rows), dtype=bool)
    wording = text_part > tag_part
    for i in np.flatnonzero(wording).tolist():
        why[i] = ()
    if common:
        for i in np.flatnonzero(~wording).tolist():
            if why[i] and not common.isdisjoint(why[i]):
                telling = tuple(name for name in why[i] if name not in common)
                if telling:
                    why[i] = telling
                else:
                    keep[i] = False
    return keep, [reason for reason, kept in zip(why, keep.tolist()) if kept]

"""The fitted tag model: per facet, a logistic regression over a candidate's features
(:mod:`.features`), read once from ``tag_weights.json``.

A candidate's probability of being a tag is ``1 / (1 + exp(-(bias + sum(w * x))))``; it is a
tag when the probability reaches the facet's ``cut``.  The weights are fitted on the TUNE
part of the tags dev set by ``tools/fit_tags.py`` (``make fit-tags``): one L2-regularised
logistic regression over the candidates of all three facets, a facet's weight being a
shared weight plus the facet's own (more strongly penalised) deviation; labels are the
curators' ``must`` tags against the candidates that are no gold tag at all (``may`` tags,
optional by the labelling rules, are left out).  The penalties come from leave-one-article-
out cross-validation within TUNE, and each facet's cut from the held-out probabilities: of
the cuts keeping a precision (``must`` or ``may`` right, as the dev set's scorer counts) of
at least 0.9, those finding the most ``must`` tags, and of these the middle one.

A candidate's evidence score (:attr:`~.scorer.Evidence.score`) is its probability on the
scale of the facet's bar, ``THRESHOLDS[facet] * p / cut``: a tag is exactly a candidate whose
score reaches the bar, and the review aid's near misses (:mod:`briefing.ingest.review`: a
score of at least a share of the bar) follow the model.
"""

from __future__ import annotations

import functools
import json
import math
from operator import mul
from dataclasses import dataclass
from pathlib import Path

from briefing.core.facets import FACETS

from .features import FEATURES

WEIGHTS_PATH = Path(__file__).with_name("tag_weights.json")


@dataclass(frozen=True)
class FacetModel:
    bias: float
    weights: tuple[float, ...]   # in FEATURES[facet] order
    cut: float                   # the probability a tag needs

    def probability(self, x: list[float]) -> float:
        z = self.bias + sum(map(mul, self.weights, x))
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


class ModelError(ValueError):
    """The weights file does not fit the features the code computes."""


def from_dict(data: dict) -> dict[str, FacetModel]:
    """The per-facet models of a weights file's content (checked against :data:`FEATURES`)."""
    out = {}
    for facet in FACETS:
        part = data["facets"][facet]
        names = tuple(part["weights"])
        if set(names) != set(FEATURES[facet]):
            raise ModelError(f"{WEIGHTS_PATH.name}: the {facet} weights are for features "
                             f"{sorted(set(names) ^ set(FEATURES[facet]))} the tagger does "
                             "not compute, or lack some it does: run `make fit-tags`")
        out[facet] = FacetModel(float(part["bias"]),
                                tuple(float(part["weights"][k]) for k in FEATURES[facet]),
                                float(part["cut"]))
    return out


def load(path: Path = WEIGHTS_PATH) -> dict[str, FacetModel]:
    with open(path, encoding="utf-8") as fh:
        return from_dict(json.load(fh))


@functools.lru_cache(maxsize=1)
def default() -> dict[str, FacetModel]:
    """The committed weights, read once."""
    return load()


def zero() -> dict[str, FacetModel]:
    """A model with every weight zero (what the fit starts from; every p is 0.5)."""
    return {f: FacetModel(0.0, (0.0,) * len(FEATURES[f]), 0.5) for f in FACETS}

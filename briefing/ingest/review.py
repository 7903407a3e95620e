"""Near misses: terms the tagger found in a briefing but below the bar for a tag, shown to the
editor with the reason (``briefing check``, ingest's summary) and never added silently;
``briefing accept`` adds them.

A near miss is a candidate of the tagger's evidence that is not a tag of the article (nor
already a tag of the briefing, in any spelling) and whose score reaches
:data:`NEAR_SHARE` of its facet's bar: one mention in the body of a system, say, which is
often what an intercept or a parade story is about, and which a curator would tag; for places
and actors more than one passing mention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from briefing.core.facets import FACETS

#: a candidate scoring at least this share of its facet's bar is shown as a near miss: a
#: system named once in the body (a score of 1) often is what the story is about, a place
#: or an actor named once is mostly context (on the tags dev set's TUNE part: 47 near misses
#: in 35 articles, 40 of them must or may tags; with 0.45 for every facet, 156 and 127)
NEAR_SHARE = {"region": 0.6, "actors": 0.6, "systems": 0.45}


@dataclass(frozen=True)
class NearMiss:
    facet: str
    name: str
    reason: str  # "one mention in the body"

    def __str__(self) -> str:
        return f"maybe {self.facet}: {self.name} ({self.reason})"


def _reason(evidence) -> str:
    count = "one mention" if evidence.mentions == 1 else f"{evidence.mentions} mentions"
    if evidence.in_title:
        where = "in the title"
    elif evidence.in_lede:
        where = "in the lede"
    elif evidence.paragraphs > 1:
        where = f"in {evidence.paragraphs} paragraphs of the body"
    else:
        where = "in the body"
    return f"{count} {where}"


def near_misses(result, have: Mapping[str, list] | None = None,
                thresholds: Mapping[str, float] | None = None) -> list[NearMiss]:
    """The near misses of one tagging ``result`` (a :class:`~briefing.ingest.tagger.TagResult`),
    strongest first within each facet, facets in their order; ``have`` is the briefing's own
    tags (they are never near misses), ``thresholds`` each facet's bar (the tagger's)."""
    if thresholds is None:
        from briefing.ingest.tagger.words import THRESHOLDS as thresholds
    have = have or {}
    tagged = {(facet, str(name).casefold()) for facet in FACETS
              for name in [*(getattr(result, facet, None) or []), *(have.get(facet) or [])]}
    found: dict[str, list[tuple[float, int, NearMiss]]] = {facet: [] for facet in FACETS}
    for (facet, name), evidence in result.evidence.items():
        if facet not in found or (facet, name.casefold()) in tagged:
            continue
        if evidence.score >= NEAR_SHARE[facet] * thresholds[facet]:
            found[facet].append((-evidence.score, evidence.first,
                                 NearMiss(facet, name, _reason(evidence))))
    return [miss for facet in FACETS for *_, miss in sorted(found[facet], key=lambda x: x[:2])]

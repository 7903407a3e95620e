"""What an editor should look at in a briefing before publishing it.

Near misses: terms the tagger found in a briefing but below the bar for a tag, shown to the
editor with the reason (``briefing check``, ingest's summary) and never added silently;
``briefing accept`` adds them. Doubts (:func:`doubts`): fields ingest filled in that look
wrong (an author that is menu text, a copyright holder as the source, a caption that is only
a photo credit), shown by ``briefing review``.

A near miss is a candidate of the tagger's evidence that is not a tag of the article (nor
already a tag of the briefing, in any spelling) and whose score reaches
:data:`NEAR_SHARE` of its facet's bar: one mention in the body of a system, say, which is
often what an intercept or a parade story is about, and which a curator would tag; for places
and actors more than one passing mention.
"""

from __future__ import annotations

import re
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


def _reason(facet: str, evidence) -> str:
    count = "one mention" if evidence.mentions == 1 else f"{evidence.mentions} mentions"
    if evidence.in_title:
        where = "in the title"
    elif evidence.in_lede:
        where = "in the lede"
    elif evidence.paragraphs > 1:
        where = f"in {evidence.paragraphs} paragraphs of the body"
    else:
        where = "in the body"
    roles = dict(evidence.roles)
    if roles and facet in ("region", "actors"):  # a country: how many mentions had this role
        role, word = ("place", "a place") if facet == "region" else ("actor", "an actor")
        return f"{count} {where}, {roles.get(role, 0)} of them as {word}"
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
                                 NearMiss(facet, name, _reason(facet, evidence))))
    return [miss for facet in FACETS for *_, miss in sorted(found[facet], key=lambda x: x[:2])]


# a company's legal form or a publisher's holding: the copyright line's owner, not the outlet
_LEGAL_ENTITY = re.compile(
    r"\b(?:holdings?|communications|inc|llc|ltd|limited|plc|gmbh|corp|corporation|"
    r"company|co|media group|group plc|publishing|enterprises|network|networks)\b\.?$",
    re.IGNORECASE)
# a caption that is only its photo's credit: "Photo: Reuters", "Getty Images", "(AP
# Photo/Hussein Malla)", "© EPA"
_AGENCIES = (r"getty images|reuters|afp|ap|associated press|epa|shutterstock|alamy|anadolu|"
             r"xinhua|tass|sputnik|dpa|efe|bloomberg")
_CREDIT_LEAD = re.compile(r"^\(?\s*(?:©|\(c\)|(?:photo|image|picture|photograph|credit)s?"
                          r"\s*(?:by\b|:|/)|(?:%s)(?:\s+(?:photo|images?))?\s*/)" % _AGENCIES,
                          re.IGNORECASE)
_AGENCY = re.compile(r"\b(?:%s)\b" % _AGENCIES, re.IGNORECASE)


def _credit_only(caption: str) -> bool:
    if len(caption.split()) <= 10 and _CREDIT_LEAD.match(caption):
        return True
    rest = re.findall(r"[^\W\d_]+", _AGENCY.sub(" ", caption))  # what is not an agency
    return bool(_AGENCY.search(caption)) and len(rest) <= 1


def date_guessed(meta: Mapping) -> bool:
    """Whether ingest had to guess the briefing's date and no editor confirmed it since."""
    provenance = meta.get("provenance")
    return isinstance(provenance, dict) and provenance.get("date_source") == "ingest"


def title_unsure(meta: Mapping) -> bool:
    """Whether ingest picked the title with low confidence and no editor confirmed it."""
    provenance = meta.get("provenance")
    return isinstance(provenance, dict) and provenance.get("title_source") == "unsure"


def doubts(meta: Mapping, vocab=None) -> list[str]:
    """The fields of a briefing that look wrong, each as a line for the editor: an author
    that is not a person's name (or names places: "US & Canada", a menu entry), or repeats
    the section or the source; a source that is a legal entity ("NYP Holdings", "Cable News
    Network"), the copyright holder rather than the outlet; a caption that is only a photo
    credit. ``vocab`` (a :class:`~briefing.core.vocabulary.Vocabulary`) lets place names be
    recognised."""
    from briefing.ingest.clean.meta import looks_like_name

    found = []
    if title_unsure(meta):
        sure = meta["provenance"].get("title_confidence")
        how = f" ({sure:.0%} sure)" if isinstance(sure, (int, float)) else ""
        found.append(f"the title was picked with low confidence{how}: check it against the "
                     "page (a menu line, a standfirst, the section?), correct it if need be, "
                     "then `briefing confirm FILE`")
    author = str(meta.get("author") or "").strip()
    source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
    source_name = str(source.get("name") or "").strip()
    if author:
        parts = [p for p in re.split(r"\s*(?:&|,|\band\b)\s*", author) if p]
        places = vocab is not None and all(vocab.resolve("region", p) for p in parts)
        same = {str(meta.get("section") or "").casefold(), source_name.casefold()} - {""}
        if places or not looks_like_name(author) or author.casefold() in same:
            found.append(f"the author ({author!r}) does not look like a person's name: menu "
                         "text, a section or the site? correct it, or remove it (no author "
                         "is shown then)")
    if source_name and _LEGAL_ENTITY.search(source_name):
        found.append(f"the source ({source_name!r}) looks like the copyright holder, not the "
                     "outlet: give the outlet's name")
    caption = str(meta.get("caption") or "").strip()
    if caption and _credit_only(caption):
        found.append(f"the caption ({caption!r}) is only a photo credit: write what the photo "
                     "shows, or remove it")
    return found


"""Evidence and salience: the tokens of one article (`Doc`) and the scores of its mentions
(`Scorer`), from which the tags are read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.core.facets import FACETS

from .document import Doc
from .matcher import ADJECTIVE, COREF, Entry, GENERIC, Mention, NAME, NATIONAL, SHORT, SURNAME
from .roles import Roles
from .words import (
    AUX, EMPTY_FACET_MIN, EVENT_PLACE_NOUNS, FUNCTION_WORDS, MACRO_ROOT_WEIGHT, MILITARY_CUES,
    MILITARY_NOUNS, PLACE_TO_COUNTRY, REGION_KIND_WEIGHT, ROLE_SHARE, STATE_OR_MILITARY,
    SURNAME_ALONE, THRESHOLDS, TITLES, WEAK, ZONE_WEIGHT)

if TYPE_CHECKING:
    from . import Tagger


# --- results -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """Why a term is (or is not) a tag: its score and where it was seen."""

    score: float
    mentions: int
    first: int          # offset of the first mention in the title + body text
    in_title: bool
    in_lede: bool
    paragraphs: int     # distinct paragraphs (the title counts as one)
    roles: tuple[tuple[str, int], ...] = ()   # for countries: ("place", 3), ("actor", 5)...


@dataclass
class TagResult:
    """Canonical names per facet, most salient first, and the evidence for every candidate."""

    region: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    evidence: dict[tuple[str, str], Evidence] = field(default_factory=dict)

    def as_dict(self) -> dict[str, list[str]]:
        return {"region": list(self.region), "actors": list(self.actors),
                "systems": list(self.systems)}


class Scorer(Roles):
    """Evidence and salience for one article's mentions."""

    def __init__(self, tagger: Tagger, doc: Doc, mentions: list[Mention]):
        self.t = tagger
        self.m = tagger._m
        self.doc = doc
        self.mentions = mentions
        self.scores: dict[tuple[str, str], float] = defaultdict(float)
        self.count: dict[tuple[str, str], int] = defaultdict(int)
        self.first: dict[tuple[str, str], int] = {}
        self.zones: dict[tuple[str, str], set] = defaultdict(set)
        self.paras: dict[tuple[str, str], set] = defaultdict(set)
        self.roles: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, facet: str, name: str, w: float, m: Mention, role: str | None = None):
        key = (facet, name)
        seg = self.doc.segs[m.seg]
        self.scores[key] += w
        self.count[key] += 1
        self.first.setdefault(key, self.doc.starts[m.start])
        self.zones[key].add(seg.zone)
        self.paras[key].add(seg.para)
        if role:
            self.roles[name][role] += 1

    # the passes ----------------------------------------------------------------------------
    def result(self) -> TagResult:
        doc, mentions = self.doc, self.mentions
        supported, rejected = self._ambiguity()
        role_of, groups, ends_at = self._roles()
        full_names = {e.name for m in mentions for e in m.entries
                      if e.facet == "actors" and e.kind == "person" and e.form == NAME}
        shares = self._neutral_shares(role_of)
        shorts: list[tuple[Mention, Entry]] = []
        for idx, m in enumerate(mentions):
            w = ZONE_WEIGHT[doc.segs[m.seg].zone]
            done: set[tuple[str, str]] = set()
            tail = any(e.facet == "region" for e in m.entries) and doc.inside_longer_name(
                m.start, doc.segs[m.seg], ends_at)
            for e in m.entries:
                if (e.facet, e.name) in done:
                    continue
                done.add((e.facet, e.name))
                if e.ambiguous and (idx in rejected or (e.facet, e.name) not in supported):
                    continue
                if tail and (e.facet == "region" or e.name in self.m.dual):
                    continue                                 # New Mexico is not Mexico
                if e.form == SHORT:
                    shorts.append((m, e))
                elif e.form == ADJECTIVE:
                    self._adjective(e, m, w)
                elif e.form == COREF and e.facet == "systems":
                    if self.count.get(("systems", e.name)):
                        self.add("systems", e.name, w, m)
                elif e.form == COREF and e.kind != "person":
                    self._head(e, m, w)
                elif e.form in (SURNAME, COREF):
                    self._surname(e, m, w, full_names)
                elif e.form == GENERIC:
                    state = self.m.state_of.get(e.name)
                    self.add("actors", state, w * self._source(m), m)
                elif e.form == NATIONAL and e.tokens[-1][0].isupper() \
                        and doc.texts[m.end].islower():
                    # "the Indonesian navy", "a Chinese navy ship": the country acts
                    self.add("actors", self.m.state_of[e.name], w * self._source(m), m)
                elif e.name in self.m.dual and e.facet in ("region", "actors"):
                    role = role_of.get(idx, "neutral")
                    if role == "neutral":
                        share = shares[e.name][0 if e.facet == "region" else 1]
                    else:
                        share = ROLE_SHARE[role][0 if e.facet == "region" else 1]
                    if e.facet == "actors":
                        share *= self._source(m)
                    self.add(e.facet, e.name, w * share, m, role if e.facet == "region" else None)
                elif e.facet == "region":
                    self._place(e, m, w)
                else:
                    self._actor_or_system(e, m, w)
        self._short_forms(shorts)
        return self._select(groups, role_of)

    def _ambiguity(self) -> tuple[set, set]:
        """Which ambiguous terms have support in the article; which mentions are glued."""
        doc, m_ = self.doc, self.m
        present: dict[str, set[str]] = defaultdict(set)
        for m in self.mentions:
            for e in m.entries:
                present[e.name].add(e.facet)
        supported: set[tuple[str, str]] = set()
        rejected: set[int] = set()
        for idx, m in enumerate(self.mentions):
            for e in m.entries:
                if not e.ambiguous:
                    continue
                if doc.glued(m.start, m.end, doc.segs[m.seg]):
                    rejected.add(idx)
                    continue
                if (e.facet, e.name) in supported:
                    continue
                if e.facet == "systems":
                    ok = doc.cue_near(m.start, m.end, MILITARY_CUES, doc.segs[m.seg])
                else:
                    ok = (doc.cue_near(m.start, m.end, STATE_OR_MILITARY, doc.segs[m.seg])
                          or any(n in present for n in m_.neighbours.get(e.name, ()))
                          or "adj" in present.get(e.name, ()))
                if ok:
                    supported.add((e.facet, e.name))
        return supported, rejected

    def _adjective(self, e: Entry, m: Mention, w: float) -> None:
        """A nationality adjective: weak actor evidence before a military or state noun,
        weak place evidence before a place or event noun ("Indonesian waters", "Afghan war")."""
        doc = self.doc
        k = m.end
        for step in range(3):
            if doc.sep(k) not in (" ", "-"):
                return
            k += 1
            word = doc.keys[k]
            if word in MILITARY_NOUNS:
                if e.name in self.m.actor_names:
                    self.add("actors", e.name, w * WEAK, m, None)
                return
            if step == 0 and word in EVENT_PLACE_NOUNS:
                if e.name in self.m.region_names:
                    self.add("region", e.name, w * WEAK, m, None)
                return
            if word in FUNCTION_WORDS or (doc.texts[k][0].isupper() and not
                                          doc.title_like(doc.segs[m.seg])):
                return                                       # Bosnian Serb forces

    def _surname(self, e: Entry, m: Mention, w: float, full_names: set[str]) -> None:
        owners = self.m.surname_owner.get(e.tokens[0].lower(), [])
        seen_full = [o for o in owners if o in full_names]
        if e.form == COREF:
            if e.name in seen_full:
                self.add("actors", e.name, w * self._person_modifier(m), m)
            return
        if seen_full and e.name not in seen_full:
            return
        titled = m.start > 0 and self.doc.keys[m.start - 1] in TITLES
        weight = w if (seen_full or titled) else w * SURNAME_ALONE
        self.add("actors", e.name, weight * self._person_modifier(m), m)

    def _head(self, e: Entry, m: Mention, w: float) -> None:
        """"the Tribunal": the one body so headed whose full name came before."""
        if m.start == 0 or self.doc.keys[m.start - 1] != "the":
            return
        owners = [o for o in self.m.head_owner.get(e.tokens[0].lower(), ())
                  if self.count.get(("actors", o))]
        if owners == [e.name]:
            self.add("actors", e.name, w, m)

    def _place(self, e: Entry, m: Mention, w: float) -> None:
        doc = self.doc
        if e.capital and self._metonym(m):
            parent = self.t.vocab.parent("region", e.name)
            if parent and parent in self.m.states:
                self.add("actors", parent, w * WEAK, m)
            return
        weight = REGION_KIND_WEIGHT.get(e.kind, 1.0)
        if e.kind == "macro-region" and e.name in self.m.macro_roots:
            weight = MACRO_ROOT_WEIGHT
        if e.kind in ("waters", "macro-region"):
            nxt = doc.next_word(m.end)
            if nxt is not None and doc.texts[nxt].islower() and doc.keys[nxt] not in \
                    FUNCTION_WORDS and doc.keys[nxt] not in AUX:
                weight *= WEAK                               # "its Mediterranean base"
        self.add("region", e.name, w * weight, m)
        parent = self.m.country_parent.get(e.name)
        if parent:
            self.add("region", parent, w * weight * PLACE_TO_COUNTRY, m)

    def _actor_or_system(self, e: Entry, m: Mention, w: float) -> None:
        if e.facet == "actors" and e.kind == "person":
            w *= self._person_modifier(m)
        self.add(e.facet, e.name, w, m)
        if e.facet == "actors":
            for place in e.places:
                kind = self.t.vocab.terms["region"][place].kind
                self.add("region", place, w * WEAK * REGION_KIND_WEIGHT.get(kind, 1.0), m)

    def _short_forms(self, shorts: list[tuple[Mention, Entry]]) -> None:
        """Resolve "the Air Force": the force whose full name the article uses, else the
        force of the article's leading state."""
        doc = self.doc
        for m, e in shorts:
            if m.start > 0 and doc.sep(m.start - 1) == " ":
                prev = doc.texts[m.start - 1]
                if prev[0].isupper() and prev.lower() not in FUNCTION_WORDS:
                    continue                                 # Indonesian Navy, Salvation Army
            cands = self.m.short_forms.get(e.name, [])
            named = [(self.count[("actors", term)], term, state) for state, term in cands
                     if self.count.get(("actors", term))]
            if named:
                _, term, state = max(named)
            else:
                ranked = [(self.scores.get(("actors", state), 0.0), term, state)
                          for state, term in cands]
                if not ranked:
                    continue
                best, term, state = max(ranked)
                if best < THRESHOLDS["actors"]:
                    continue
            w = ZONE_WEIGHT[doc.segs[m.seg].zone]
            self.add("actors", term, w, m)

    # the tags ---------------------------------------------------------------------------------
    def _select(self, groups: list[list[int]], role_of: dict[int, str]) -> TagResult:
        result = TagResult()
        ranked: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
        for (facet, name), score in self.scores.items():
            key = (facet, name)
            ranked[facet].append((score, self.first[key], name))
            result.evidence[key] = Evidence(
                score=round(score, 3), mentions=self.count[key], first=self.first[key],
                in_title="title" in self.zones[key], in_lede="lede" in self.zones[key],
                paragraphs=len(self.paras[key]),
                roles=tuple(sorted(self.roles[name].items())) if name in self.roles else ())
        tags: dict[str, list[str]] = {}
        for facet in FACETS:
            items = sorted(ranked[facet], key=lambda x: (-x[0], x[1], x[2]))
            tags[facet] = [name for score, _, name in items if score >= THRESHOLDS[facet]]
        tags["region"] += self._list_mates(tags["region"], groups, role_of)
        if not tags["region"]:
            tags["region"] = self._home_region(tags["actors"])
        for facet, least in EMPTY_FACET_MIN.items():
            if not tags[facet]:  # none is central: the story is about those it names
                tags[facet] = [name for score, _, name in sorted(
                    ranked[facet], key=lambda x: (-x[0], x[1], x[2])) if score >= least]
        for facet in FACETS:
            setattr(result, facet, self.t._with_parents(facet, tags[facet]))
        return result

    def _list_mates(self, region: list[str], groups, role_of) -> list[str]:
        """Places listed with a tagged place ("Niger, Burkina Faso and Mali") share its tag."""
        out: list[str] = []
        for group in groups:
            if len(group) < 3:
                continue
            names = []
            for x in group:
                if role_of.get(x) == "actor":
                    names = []
                    break
                names.extend(e.name for e in self.mentions[x].entries if e.facet == "region")
            if any(n in region for n in names):
                out.extend(n for n in names if n not in region and n not in out)
        return out

    def _home_region(self, actors: list[str]) -> list[str]:
        """No place scored: the story is at home, the country of its leading actor, if the
        article names that country as a place at least once."""
        for name in actors:
            state = self.m.state_of.get(name)
            if state:
                if state in self.m.region_names and self.scores.get(("region", state), 0.0) > 0:
                    return [state]
                break
        return []



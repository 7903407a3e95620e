"""Evidence and salience: the tokens of one article (`Doc`) and the scores of its mentions
(`Scorer`), from which the tags are read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

from briefing.core.facets import FACETS

from .matcher import ADJECTIVE, COREF, Entry, GENERIC, Mention, NAME, NATIONAL, SHORT, SURNAME
from .segments import Segment, is_headline
from .words import (
    ACTOR_NOUNS, ACTOR_PREPS, ADVERBS, AUX, COMPASS, EVENT_PLACE_NOUNS, FUNCTION_WORDS,
    LIST_SEPS, MACRO_ROOT_WEIGHT, MILITARY_CUES, MILITARY_NOUNS, MOVEMENT, OPENERS,
    PERSON_MODIFIED, PLACE_NOUNS, PLACE_TO_COUNTRY, REGION_KIND_WEIGHT, ROLE_SHARE,
    SENTENCE_START, SOFT_ADVERBS, SOURCE_NOUNS, SPEECH, STATE_OR_MILITARY, STRONG_PLACE,
    EMPTY_FACET_MIN, SURNAME_ALONE, THRESHOLDS, TITLES, TOKEN_SPLIT, WEAK, WEAK_PLACE, ZONE_WEIGHT)

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


class Doc:
    """The tokens of one article's text, with helpers to look around a mention."""

    def __init__(self, text: str, segs: list[Segment]):
        self.text = text
        self.segs = segs
        self._headline: dict[int, bool] = {}
        parts = TOKEN_SPLIT.split(text)            # separator, token, separator, token...
        offsets = list(accumulate(map(len, parts), initial=0))
        self.texts = parts[1::2]
        self.starts = offsets[1::2][:len(self.texts)]
        self.ends = offsets[2::2][:len(self.texts)]
        self.keys = "\x00".join(self.texts).lower().split("\x00") if self.texts else []

    def sep(self, k: int) -> str | None:
        """The text between token k and token k + 1 (None at the end or across lines)."""
        if k < 0 or k + 1 >= len(self.keys):
            return None
        s = self.text[self.ends[k]:self.starts[k + 1]]
        if s == ". " and self.ends[k] - self.starts[k] == 1 and k > 0 \
                and self.texts[k].isupper() and self.text[self.starts[k] - 1] == ".":
            return " "                                       # U.S. destroyer
        return None if "\n" in s else s

    def next_word(self, k: int) -> int | None:
        """The index of the word after token k, past soft adverbs ("Russia also moved")."""
        if self.sep(k) != " ":
            return None
        k += 1
        while self.keys[k] in SOFT_ADVERBS and self.sep(k) == " ":
            k += 1
        return k

    def cue_near(self, i: int, j: int, cues: frozenset, seg: Segment,
                 window: int = 14) -> bool:
        """Is a cue word near tokens i..j? A capitalised cue counts only in a title-like
        line ("the New York Jets" is no cue for a fighter)."""
        keys, texts = self.keys, self.texts
        caps_ok = self.title_like(seg)
        lo = i
        while lo > 0 and i - lo < window and self.sep(lo - 1) is not None:
            lo -= 1
        hi = j
        while hi + 1 < len(keys) and hi - j < window and self.sep(hi) is not None:
            hi += 1
        for k in range(lo, hi + 1):
            if k < i or k > j:
                if keys[k] in cues and (caps_ok or not texts[k][0].isupper()):
                    return True
                if keys[k] in ("defense", "defence") and k > 0 and keys[k - 1] in (
                        "air", "missile"):
                    return True                              # air defence
        return False

    def headline(self, seg: Segment) -> bool:
        """Is the segment written in Title Case?"""
        found = self._headline.get(seg.offset)
        if found is None:
            end = self.text.find("\n", seg.offset, seg.offset + 400)
            found = is_headline(self.text[seg.offset:end if end >= 0 else seg.offset + 400])
            self._headline[seg.offset] = found
        return found

    def title_like(self, seg: Segment) -> bool:
        """Is the segment a title or in Title Case (verbs capitalised)?"""
        return seg.zone in ("title", "heading") or self.headline(seg)

    def glued(self, i: int, j: int, seg: Segment) -> bool:
        """Is the name glued to another capitalised word (Michael Jordan, Atlanta, Georgia)?"""
        texts, keys, starts = self.texts, self.keys, self.starts
        if i > 0 and starts[i - 1] >= seg.offset and self.sep(i - 1) in (" ", ", "):
            prev = texts[i - 1]
            if prev[0].isupper() and keys[i - 1] not in OPENERS:
                return True
        if self.sep(j) == " ":
            nxt = texts[j + 1]
            if nxt[0].isupper() and nxt.lower() not in FUNCTION_WORDS:
                return True
        return False

    def inside_longer_name(self, i: int, seg: Segment, ends_at: dict) -> bool:
        """Is the place name the tail of a longer name the vocabulary lacks ("New Mexico",
        "Papua New Guinea")? A capitalised word right before it, mid-sentence, that is not a
        title, a compass word or another vocabulary name says so."""
        if i == 0 or self.sep(i - 1) != " " or self.starts[i - 1] <= seg.offset \
                or self.headline(seg):
            return False
        prev = self.texts[i - 1]
        key = self.keys[i - 1]
        if not prev[0].isupper() or prev.isupper() or key in FUNCTION_WORDS \
                or key in COMPASS or key in TITLES or key in ADVERBS or (i - 1) in ends_at:
            return False
        before = self.text[max(seg.offset, self.starts[i - 1] - 3):self.starts[i - 1]]
        return not SENTENCE_START.search(before)

    def verb_like(self, k: int, title_like: bool, root: dict) -> bool:
        word, token = self.keys[k], self.texts[k]
        if word in AUX:
            return True
        if word in FUNCTION_WORDS or word in PLACE_NOUNS or len(word) < 4:
            return False
        if not token.islower() and not (title_like and root.get(word) is None):
            return False
        return word.endswith("ed") or (word.endswith("s") and not word.endswith(
            ("ss", "us", "is", "ous")))


class Scorer:
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

    def _roles(self) -> tuple[dict[int, str], list[list[int]], dict[int, str]]:
        """Roles of country mentions (shared along lists) and the lists of places."""
        doc, m_ = self.doc, self.m
        role_of: dict[int, str] = {}
        ends_at: dict[int, str] = {}                          # last token -> what ends there
        placeish: list[int] = []
        for idx, m in enumerate(self.mentions):
            facets = {e.facet for e in m.entries}
            if any(e.name in m_.dual and e.facet in ("region", "actors") for e in m.entries):
                role_of[idx] = self._role(m, ends_at)
                ends_at[m.end] = role_of[idx]
                placeish.append(idx)
            elif "region" in facets:
                ends_at[m.end] = "place"
                placeish.append(idx)
            else:
                ends_at[m.end] = "actor"
        groups: list[list[int]] = []
        for a, b in zip(placeish, placeish[1:]):
            sep = doc.text[doc.ends[self.mentions[a].end]:doc.starts[self.mentions[b].start]]
            if sep in LIST_SEPS:
                if groups and groups[-1][-1] == a:
                    groups[-1].append(b)
                else:
                    groups.append([a, b])
        for group in groups:
            decided = [role_of[x] for x in group if role_of.get(x, "neutral") != "neutral"]
            if decided:
                fill = decided[0] if len(set(decided)) == 1 else None
                if fill:
                    for x in group:
                        if x in role_of and role_of[x] == "neutral":
                            role_of[x] = fill
        return role_of, groups, ends_at

    def _role(self, m: Mention, ends_at: dict[int, str]) -> str:
        """place | actor | neutral for a country mention (see the module docstring)."""
        doc = self.doc
        keys, texts = doc.keys, doc.texts
        i, j, n = m.start, m.end, len(keys)
        title_like = doc.title_like(doc.segs[m.seg])
        after = None
        sep = doc.sep(j)
        if sep == "'" and keys[j + 1] == "s":                 # possessive
            nxt = j + 2 if doc.sep(j + 1) == " " else None
            if nxt is not None and nxt < n:
                if keys[nxt] == "coast" and nxt + 1 < n and keys[nxt + 1] == "guard":
                    return "actor"
                if keys[nxt] in PLACE_NOUNS:
                    return "place"
            return "actor"
        nxt = doc.next_word(j)
        if nxt is not None:
            word = keys[nxt]
            if word == "coast":
                if nxt + 1 < n and keys[nxt + 1] == "guard":
                    return "actor"
                after = "place"
            elif word in PLACE_NOUNS:
                after = "place"
            elif word in ACTOR_NOUNS:
                return "actor"                               # US officials, Russia jets
            elif doc.verb_like(nxt, title_like, self.m.root):
                after = "actor"                              # Russia moved, Russia Relocates
        k = i - 1
        compass = False
        while k >= 0 and keys[k] in COMPASS and doc.sep(k) in (" ", "-"):
            if keys[k] != "the":
                compass = True
            k -= 1
        if compass:
            return "place"                                   # eastern Libya
        sep = doc.sep(k)
        if sep == " " and texts[k].islower():
            prev = keys[k]
            if prev in STRONG_PLACE:
                return "place"
            if prev == "between" and k > 0 and keys[k - 1] in PLACE_NOUNS:
                return "place"                               # the borderlands between...
            if prev in ACTOR_PREPS:
                return "actor"
            if prev == "of" and k > 0:
                if keys[k - 1] in PLACE_NOUNS:
                    return "place"                           # the coast of Oman
                if keys[k - 1] in ACTOR_NOUNS:
                    return "actor"                           # the government of Mali
            if prev in WEAK_PLACE:
                if ends_at.get(k - 1) == "place":
                    return "place"                           # from Syria to Libya
                if any(keys[x] in MOVEMENT for x in range(max(0, k - 8), k)):
                    return "place"                           # moved them to Libya
        elif sep == ", " and k == i - 1 and texts[k][0].isupper() \
                and ends_at.get(k, "other") in ("other", "place"):
            return "place"                                   # Tartus, Syria
        return after or "neutral"

    def _source(self, m: Mention) -> float:
        """Anonymous officials quoted as a source ("U.S. officials said", "cited U.S.
        officials") are weaker evidence that their country acts: WEAK, else 1."""
        doc = self.doc
        keys = doc.keys
        i = m.start
        if i > 0 and doc.sep(i - 1) == " " and (keys[i - 1] in ("cited", "quoted", "citing")
                                                 or (keys[i - 1] == "to" and i > 1
                                                     and keys[i - 2] == "according")):
            return WEAK
        k = m.end
        seen_noun = False
        for _ in range(3):
            nxt = doc.next_word(k)
            if nxt is None:
                break
            if keys[nxt] in SOURCE_NOUNS:
                seen_noun = True
                k = nxt
                continue
            if seen_noun and keys[nxt] in SPEECH:
                return WEAK
            break
        return 1.0

    def _neutral_shares(self, role_of: dict[int, str]) -> dict[str, tuple[float, float]]:
        """How an undecided country mention splits between place and actor: like the
        article's decided mentions of that country (half and half when there are none)."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for idx, role in role_of.items():
            if role == "neutral":
                continue
            for e in self.mentions[idx].entries:
                if e.name in self.m.dual:
                    counts[e.name][0 if role == "place" else 1] += 1
                    break
        shares: dict[str, tuple[float, float]] = defaultdict(lambda: (0.5, 0.5))
        for name, (place, actor) in counts.items():
            p = (place + 0.5) / (place + actor + 1.0)
            shares[name] = (p, 1.0 - p)
        return shares

    # one mention ------------------------------------------------------------------------------
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

    def _person_modifier(self, m: Mention) -> float:
        """A person named as a modifier ("the Assad regime") counts half."""
        nxt = self.doc.next_word(m.end)
        if nxt is not None and self.doc.keys[nxt] in PERSON_MODIFIED:
            return WEAK
        return 1.0

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

    def _metonym(self, m: Mention) -> bool:
        """A capital standing for its government: "Moscow denies", "Kyiv's strike"."""
        doc = self.doc
        keys = doc.keys
        i, j, n = m.start, m.end, len(keys)
        sep = doc.sep(j)
        if sep == "'" and j + 1 < n and keys[j + 1] == "s":
            return not (j + 2 < n and keys[j + 2] in PLACE_NOUNS)
        if i > 0 and keys[i - 1] in STRONG_PLACE | WEAK_PLACE and doc.sep(i - 1) == " ":
            return False
        nxt = doc.next_word(j)
        if nxt is None:
            return False
        word = keys[nxt]
        if word in ("government", "regime", "authorities", "leadership", "officials"):
            return True
        if word in ("is", "was", "are", "were", "lies", "sits"):
            return False                                     # "Benghazi is 400 miles from"
        return doc.verb_like(nxt, False, self.m.root)

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



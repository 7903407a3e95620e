"""Who acts and where: each country mention read as an actor or a place (subject, possessor,
after a place preposition, in apposition...), anonymous sources, a person as a modifier, a
capital standing for its government (see the package docstring, "Actor or place")."""

from __future__ import annotations

from collections import defaultdict

from .matcher import Mention
from .words import (
    ACTOR_NOUNS, ACTOR_PREPS, COMPASS, LIST_SEPS, MOVEMENT, PERSON_MODIFIED, PLACE_NOUNS,
    SOURCE_NOUNS, SPEECH, STRONG_PLACE, WEAK, WEAK_PLACE)


class Roles:
    """The role rules of :class:`~.scorer.Scorer` (a mixin over its mentions and text)."""

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
    def _person_modifier(self, m: Mention) -> float:
        """A person named as a modifier ("the Assad regime") counts half."""
        nxt = self.doc.next_word(m.end)
        if nxt is not None and self.doc.keys[nxt] in PERSON_MODIFIED:
            return WEAK
        return 1.0

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

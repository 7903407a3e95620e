"""The matcher: one token trie over every name, alias and adjective of a vocabulary, and the
case rules a spelling in the text must meet."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass

from briefing.core.facets import FACETS
from briefing.core.vocabulary import Term, Vocabulary

from .words import AMBIGUOUS, HEADED_KINDS, NESTED_PLACE_KINDS, PAYLOAD, TOKEN, TRANSLATE

logger = logging.getLogger(__package__)


# token case rules of a name
_ANY, _CAP, _EXACT, _ACRO, _MIXED = range(5)

# what a spelling is (Entry.form)
NAME = "name"          # the name or an alias
SURNAME = "surname"    # a person's one-word alias in the vocabulary (Haftar)
COREF = "coref"        # a person's surname derived from the name: counts after the full name
ADJECTIVE = "adjective"  # a nationality adjective (Russian)
GENERIC = "generic"    # a national force by a generic phrase (US military): its state acts
SHORT = "short"        # a national force without its country (the Air Force, the Navy)
NATIONAL = "national"  # a national force by its country and branch (Russian Navy)


@dataclass(frozen=True, eq=False)
class Entry:
    """One spelling of one term (or of a family of terms, for short forms)."""

    facet: str                  # region | actors | systems | adj | short
    name: str                   # canonical name (the country's for an adjective; the short
                                # form's key for a short form)
    kind: str
    tokens: tuple[str, ...]     # as spelled
    rules: tuple[int, ...]
    form: str = NAME
    ambiguous: bool = False
    capital: bool = False       # a capital city (may stand for its government)
    strict: bool = False        # every capitalised token must be capitalised in the text
    places: tuple[str, ...] = ()  # region names inside an actor's name (Black Sea Fleet)

    def key(self) -> tuple:
        return (self.facet, self.name, self.rules, self.form, self.ambiguous, self.strict)


@dataclass
class Mention:
    start: int                  # token indices, inclusive
    end: int
    entries: list
    seg: int


def _token_rule(tok: str) -> int:
    if tok.isdigit() or tok.islower():
        return _ANY
    if len(tok) == 1:
        return _EXACT
    if tok.isupper():
        return _ACRO
    if tok[0].isupper() and tok[1:].islower():
        return _CAP
    return _MIXED


def case_ok(entry: Entry, texts: list[str], i: int) -> bool:
    """Does the text's spelling at token i.. fit the case of the entry's tokens?"""
    anchored = False
    for k, rule in enumerate(entry.rules):
        if rule == _ANY:
            continue
        t = texts[i + k]
        p = entry.tokens[k]
        if rule == _CAP:
            if anchored and not entry.strict:
                continue
            if not t[0].isupper():
                return False
        elif rule == _EXACT:
            if t != p:
                return False
        elif rule == _ACRO:
            if t != p and not (len(p) >= 4 and not entry.ambiguous and t == p.capitalize()):
                return False
        else:  # mixed case (McCain, BrahMos)
            if t != p and t != p.upper():
                return False
        anchored = True
    return True


def _plurals(word: str) -> list[str]:
    if not word.isalpha() or len(word) < 3:
        return []
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return [word + "es"]
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies", word + "s"]
    return [word + "s"]


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text.translate(TRANSLATE))


# --- the matcher ------------------------------------------------------------------------------

class Matcher:
    """The token trie of one vocabulary, plus what the rules need to know about its terms."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.root: dict = {}
        self.first_keys: set[str] = set()    # first tokens matched in any case (al-, 9K33)
        self.first_texts: set[str] = set()   # first tokens as they may be written (Russia)
        self.dual: set[str] = set(vocab.terms["region"]) & set(vocab.terms["actors"])
        self.states: set[str] = {n for n, t in vocab.terms["actors"].items()
                                 if t.kind == "state"}
        self.region_names: set[str] = set(vocab.terms["region"])
        self.actor_names: set[str] = set(vocab.terms["actors"])
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        self.surname_owner: dict[str, list[str]] = defaultdict(list)
        self.head_owner: dict[str, list[str]] = defaultdict(list)
        self.short_forms: dict[str, list[tuple[str, str]]] = defaultdict(list)  # key -> (state, term)
        self.state_of: dict[str, str | None] = {}
        self.country_parent: dict[str, str] = {
            n: t.parent for n, t in vocab.terms["region"].items()
            if t.parent and t.kind != "country" and t.parent in self.dual}
        self.macro_roots: set[str] = {n for n, t in vocab.terms["region"].items()
                                      if t.kind == "macro-region" and not t.parent}
        region_spellings: dict[tuple[str, ...], str] = {}
        for term in vocab.terms["region"].values():
            if term.match and term.kind in NESTED_PLACE_KINDS:
                for s in (term.name, *term.aliases):
                    toks = _tokens(s)
                    if toks and toks[0][0].isupper():
                        region_spellings.setdefault(tuple(toks), term.name)
        self._region_spellings = region_spellings
        for name in vocab.terms["actors"]:
            self.state_of[name] = self._find_state(name)
        self.prefixes = self._state_prefixes()
        n = 0
        for facet in FACETS:
            for term in vocab.terms[facet].values():
                if term.match and term.kind != "category":
                    n += self._add_term(term)
        n += self._add_adjectives()
        n += self._add_short_forms()
        for facet in ("region", "actors"):
            for term in vocab.terms[facet].values():
                family = set(vocab.children(facet, term.name))
                if term.parent:
                    family.add(term.parent)
                    family |= set(vocab.children(facet, term.parent))
                family.discard(term.name)
                self.neighbours[term.name] |= family
        logger.debug("tagger: %d spellings from %d terms", n, len(vocab))

    def _find_state(self, name: str) -> str | None:
        """The nearest state above (or at) an actor term."""
        if name in self.states:
            return name
        for anc in self.vocab.ancestors("actors", name):
            if anc in self.states:
                return anc
        return None

    def _places_in(self, toks: list[str]) -> tuple[str, ...]:
        """Region names spelled inside a longer name (Black Sea Fleet -> Black Sea)."""
        found = []
        for a in range(len(toks)):
            for b in range(len(toks), a, -1):
                if (a, b) == (0, len(toks)):
                    continue
                name = self._region_spellings.get(tuple(toks[a:b]))
                if name and name not in found:
                    found.append(name)
                    break
        return tuple(found)

    def _add_term(self, term: Term) -> int:
        n = 0
        spellings: list[str] = []
        for s in (term.name, *term.aliases):
            s = s.translate(TRANSLATE)
            if s not in spellings:
                spellings.append(s)
        capital = (term.facet == "region" and term.kind == "city"
                   and re.search(r"(?i)^capital\b|\bcapital of\b", term.description) is not None)
        person = term.facet == "actors" and term.kind == "person"
        for s in spellings:
            toks = TOKEN.findall(s)
            if len(toks) > 1 and toks[0].lower() == "the":
                toks = toks[1:]                             # "The Hague": matched from Hague
            if not toks:
                continue
            single_plain = len(toks) == 1 and toks[0].isalpha() and not toks[0].isupper()
            ambiguous = (len(toks) == 1 and toks[0].lower() in AMBIGUOUS) or (
                term.facet == "systems" and single_plain)
            form = NAME
            if person and len(toks) == 1 and s != term.name:
                form = SURNAME
                self.surname_owner[toks[0].lower()].append(term.name)
            elif term.facet == "actors" and self._national(term.name, toks):
                # "US military" is its state; "Chinese Navy" is its state when written
                # "Chinese navy" (see Scorer.result)
                form = GENERIC if toks[-1].lower() in ("military", "militaries") else NATIONAL
            entry = Entry(term.facet, term.name, term.kind or "", tuple(toks),
                           tuple(_token_rule(t) for t in toks), form=form,
                           ambiguous=ambiguous, capital=capital,
                           places=self._places_in(toks) if term.facet == "actors" else ())
            self._insert(toks, entry)
            n += 1
            if term.facet == "systems" or term.kind in ("armed-group", "pmc"):
                for plural in _plurals(toks[-1]):
                    self._insert([*toks[:-1], plural], entry)
        if term.facet == "systems":
            self._add_system_coref(term, spellings)
        if term.facet == "actors" and term.kind in HEADED_KINDS:
            self._add_head_coref(term)
        if person:
            toks = TOKEN.findall(term.name.translate(TRANSLATE))
            if len(toks) >= 2 and toks[-1][0].isupper() and len(toks[-1]) >= 3:
                key = toks[-1].lower()
                if term.name not in self.surname_owner[key]:
                    self._insert([toks[-1]], Entry("actors", term.name, "person", (toks[-1],),
                                                    (_CAP,), form=COREF))
                    self.surname_owner[key].append(term.name)
        return n

    def _add_system_coref(self, term: Term, spellings: list[str]) -> None:
        """"Reaper" for "MQ-9 Reaper": the name after a designation counts once the full name
        is in the article."""
        for s in spellings:
            toks = TOKEN.findall(s)
            cut = 0
            while cut < len(toks) and (toks[cut].isdigit() or toks[cut].isupper()
                                       or len(toks[cut]) == 1):
                cut += 1
            rest = toks[cut:]
            if cut == 0 or not rest or not all(t[0].isupper() for t in rest) \
                    or not any(t.isdigit() for t in toks[:cut]) or self._spelled(rest):
                continue
            entry = Entry("systems", term.name, term.kind or "", tuple(rest),
                           tuple(_token_rule(t) for t in rest), form=COREF)
            self._insert(rest, entry)
            for plural in _plurals(rest[-1]):
                self._insert([*rest[:-1], plural], entry)

    def _add_head_coref(self, term: Term) -> None:
        """"the Tribunal" after "International Criminal Tribunal for the former Yugoslavia":
        the head noun of a long body's name, after its full name."""
        toks = TOKEN.findall(term.name.translate(TRANSLATE))
        if len(toks) < 3:
            return
        cut = next((k for k, t in enumerate(toks) if t in ("for", "of", "on", "in")), len(toks))
        head = toks[cut - 1] if cut > 1 else ""
        if not (head.isalpha() and head[0].isupper() and not head.isupper() and len(head) >= 4):
            return
        key = head.lower()
        if term.name not in self.head_owner[key]:
            self.head_owner[key].append(term.name)
            self._insert([head], Entry("actors", term.name, term.kind or "", (head,), (_CAP,),
                                        form=COREF, strict=True))

    def _add_adjectives(self) -> int:
        n = 0
        seen: set[tuple[str, str]] = set()
        for facet in ("region", "actors"):
            for term in self.vocab.terms[facet].values():
                if not term.match:
                    continue
                for adj in term.adjectives:
                    toks = _tokens(adj)
                    if not toks or (adj, term.name) in seen:
                        continue
                    seen.add((adj, term.name))
                    self._insert(toks, Entry("adj", term.name, "adjective", tuple(toks),
                                              tuple(_token_rule(t) for t in toks),
                                              form=ADJECTIVE))
                    n += 1
        return n

    def _state_prefixes(self) -> dict[str, set[tuple[str, ...]]]:
        """The token spellings of each state's names and adjectives (US, U.S., Russian)."""
        prefixes: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for state in self.states:
            for facet in ("region", "actors"):
                term = self.vocab.get(facet, state)
                if term:
                    for s in (term.name, *term.aliases, *term.adjectives):
                        toks = _tokens(s)
                        if toks:
                            prefixes[state].add(tuple(t.lower() for t in toks))
        return prefixes

    def _national(self, name: str, toks: list[str]) -> int:
        """How many tokens of a force's spelling name its state ("Russian Navy": 1)."""
        state = self.state_of.get(name)
        if not state or state == name:
            return 0
        low = tuple(t.lower() for t in toks)
        for size in (3, 2, 1):
            if len(toks) > size and low[:size] in self.prefixes[state]:
                return size
        return 0

    def _add_short_forms(self) -> int:
        """"Air Force" for "US Air Force": a national force named without its country."""
        n = 0
        for term in self.vocab.terms["actors"].values():
            state = self.state_of.get(term.name)
            if not term.match or term.kind not in ("armed-force", "agency") or not state \
                    or state == term.name:
                continue
            for s in (term.name, *term.aliases):
                toks = _tokens(s)
                size = self._national(term.name, toks)
                if not size:
                    continue
                rest = toks[size:]
                if rest[0][0].isupper() and rest[-1][0].isupper() \
                        and rest[-1].lower() not in ("military", "militaries") \
                        and not self._spelled(rest):
                    key = " ".join(t.lower() for t in rest)
                    if (state, term.name) not in self.short_forms[key]:
                        self.short_forms[key].append((state, term.name))
                        self._insert(rest, Entry(
                            "short", key, term.kind or "", tuple(rest),
                            tuple(_token_rule(t) for t in rest), form=SHORT, strict=True))
                        n += 1
        return n

    def _spelled(self, toks: list[str]) -> bool:
        """Is this already the spelling of some term?"""
        node = self.root
        for t in toks:
            node = node.get(t.lower())
            if node is None:
                return False
        return any(e.form in (NAME, SURNAME, GENERIC, NATIONAL)
                   for e in node.get(PAYLOAD, ()))

    def _insert(self, toks: list[str], entry: Entry) -> None:
        first, rule = toks[0], entry.rules[0] if entry.rules else _ANY
        if rule == _ANY:
            self.first_keys.add(first.lower())
        else:   # the spellings a capitalised first token can have in the text
            self.first_texts.update((first, first.upper()))
            if rule == _ACRO and len(first) >= 4:
                self.first_texts.add(first.capitalize())
        node = self.root
        for t in toks:
            node = node.setdefault(t.lower(), {})
        entries = node.setdefault(PAYLOAD, [])
        if not any(e.key() == entry.key() for e in entries):
            entries.append(entry)



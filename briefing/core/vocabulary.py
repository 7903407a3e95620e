"""The curated vocabulary: one loader for ingest, the tagger, the plugins and `briefing check`.

``vocabulary.yaml`` has one top-level key per facet (``region``, ``actors``, ``systems``),
each a list of terms::

    region:
      - name: Tobruk              # canonical name, unique in its facet
        slug: tobruk              # optional: made from the name when absent
        aliases: [Tubruq]         # other spellings that mean exactly this term
        adjectives: []            # countries: nationality adjectives (Libyan)
        parent: Libya             # a term of the same facet
        kind: city                # free-form class (country, city, person, category...)
        description: Eastern Libyan port...
        lat: 32.08                # region terms: where a place below country level is
        lon: 23.96                # (degrees, WGS 84), drawn as a point on the region maps
      - name: Libya
        iso: LY                   # region terms: the ISO 3166-1 alpha-2 code (every
                                  # country has one); it joins the term to its map shape

A term is identified by (facet, name): "Russia" the region and "Russia" the actor are two terms.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from briefing.core import frontmatter, safeyaml
from briefing.core.facets import FACETS
from briefing.core.frontmatter import FrontMatterError
from briefing.core.slug import slugify

TERM_KEYS = ("name", "slug", "aliases", "adjectives", "parent", "kind", "description",
             "match")
#: what a region term may also say of where it is (the region maps read them)
PLACE_KEYS = ("iso", "lat", "lon")
ISO_RE = re.compile(r"[A-Z]{2}")
MAX_NODES = 1_000_000  # values in the whole file (the project's has about 30,000)


class VocabularyError(FrontMatterError):
    """Problems in the vocabulary file, each with its line."""


@dataclass(frozen=True)
class Term:
    facet: str
    name: str
    slug: str
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    parent: str | None = None
    kind: str | None = None
    description: str = ""
    match: bool = True
    line: int | None = None
    iso: str | None = None      # region terms: ISO 3166-1 alpha-2 code
    lat: float | None = None    # region terms: a point (degrees north)
    lon: float | None = None    # region terms: a point (degrees east)


def norm_key(text: str) -> str:
    """A loose key for lookups: case-folded, accents and punctuation removed (S400 = S-400)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text.casefold())


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (typos: insert, delete, replace, swap)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


@dataclass
class Vocabulary:
    path: str
    terms: dict[str, dict[str, Term]] = field(default_factory=dict)
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    # the `tagger:` section: e.g. {"add_parents": {"region": 1}} adds each region tag's parent
    tagger_settings: dict = field(default_factory=dict)

    def __post_init__(self):
        for facet in FACETS:
            self.terms.setdefault(facet, {})
        self._index: dict[str, dict[str, str]] = {}
        self._children: dict[str, dict[str, list[str]]] = {}
        self._rebuild()

    def _rebuild(self) -> None:
        self._index = {f: {} for f in self.terms}
        self._children = {f: {} for f in self.terms}
        self._aliases: dict[str, dict[str, str]] = {f: {} for f in self.terms}
        for facet, terms in self.terms.items():
            index = self._index[facet]
            for term in terms.values():
                for spelling in (term.name, *term.aliases):
                    index.setdefault(norm_key(spelling), term.name)
                for alias in term.aliases:
                    self._aliases[facet].setdefault(alias.casefold(), term.name)
                if term.parent:
                    self._children[facet].setdefault(term.parent, []).append(term.name)
        # the keys of each facet by length, for near misses (a few edits change the length
        # by a few at most), and each suggestion once per distinct tag
        self._by_length: dict[str, dict[int, list[str]]] = {f: {} for f in self.terms}
        for facet, index in self._index.items():
            for key in index:
                self._by_length[facet].setdefault(len(key), []).append(key)
        self._suggestions: dict[tuple[str, str], str | None] = {}

    # lookups -------------------------------------------------------------------------
    def get(self, facet: str, name: str) -> Term | None:
        return self.terms.get(facet, {}).get(name)

    def __contains__(self, item: tuple[str, str]) -> bool:
        facet, name = item
        return name in self.terms.get(facet, {})

    def canonical(self, facet: str, name: str) -> str:
        """The term's name for a tag: the name itself when it is a term, the term's when it
        is one of the aliases the vocabulary gives (case aside: "IRGC" is the Islamic
        Revolutionary Guard Corps), else the tag as written (an unknown term)."""
        if name in self.terms.get(facet, {}):
            return name
        return self._aliases.get(facet, {}).get(name.casefold(), name)

    def resolve(self, facet: str, text: str) -> Term | None:
        """The term a name or alias stands for (loosely: case, accents and punctuation aside)."""
        name = self._index.get(facet, {}).get(norm_key(text))
        return self.terms[facet][name] if name else None

    def suggest(self, facet: str, text: str) -> str | None:
        """The canonical name an unknown tag most likely means: an alias, or a near miss
        (worked out once per distinct tag: a site may have thousands of unknown tags)."""
        key = (facet, text)
        if key not in self._suggestions:
            self._suggestions[key] = self._suggest(facet, text)
        return self._suggestions[key]

    def _suggest(self, facet: str, text: str) -> str | None:
        term = self.resolve(facet, text)
        if term:
            return term.name
        keys = self._index.get(facet, {})
        wanted = norm_key(text)
        if len(wanted) < 3:
            return None
        limit = 1 if len(wanted) < 5 else 2
        by_length = self._by_length.get(facet, {})
        candidates = [k for n in range(len(wanted) - limit, len(wanted) + limit + 1)
                      for k in by_length.get(n, ())]
        best = None
        for rank, key in enumerate(difflib.get_close_matches(wanted, candidates, n=12,
                                                             cutoff=0.55)):
            distance = _edit_distance(wanted, key)
            # fewest edits; then a typo keeps the first letter; then difflib's order
            candidate = (distance, key[0] != wanted[0], rank, key)
            if distance <= limit and (best is None or candidate < best):
                best = candidate
        return keys[best[3]] if best else None

    def parent(self, facet: str, name: str) -> str | None:
        term = self.get(facet, name)
        return term.parent if term else None

    def ancestors(self, facet: str, name: str) -> list[str]:
        """Parent, grandparent... (stops safely on a cycle)."""
        out: list[str] = []
        current = self.parent(facet, name)
        while current and current not in out and current != name:
            out.append(current)
            current = self.parent(facet, current)
        return out

    def children(self, facet: str, name: str) -> list[str]:
        return sorted(self._children.get(facet, {}).get(name, []))

    def descendants(self, facet: str, name: str) -> list[str]:
        out: list[str] = []
        stack = list(self.children(facet, name))
        while stack:
            child = stack.pop()
            if child not in out and child != name:
                out.append(child)
                stack.extend(self.children(facet, child))
        return sorted(out)

    def __len__(self) -> int:
        return sum(len(t) for t in self.terms.values())


def _node_lines(node: yaml.Node, errors: list) -> dict[tuple, int]:
    """The line of each facet, term and term field: {(facet,): 3, (facet, "0"): 5,
    (facet, "0", key): 6}; a facet or a field given twice is an error (YAML keeps the last
    silently)."""
    lines: dict[tuple, int] = {}

    def note(key_node: yaml.Node, where: tuple, label: str) -> None:
        line = key_node.start_mark.line + 1
        if where in lines:
            errors.append((line, f"{label} is given twice (first on line {lines[where]})"))
        lines.setdefault(where, line)

    if not isinstance(node, yaml.MappingNode):
        return lines
    for key_node, value in node.value:
        facet = str(key_node.value)
        note(key_node, (facet,), facet)
        if not isinstance(value, yaml.SequenceNode):
            continue
        for i, item in enumerate(value.value):
            lines[(facet, str(i))] = item.start_mark.line + 1
            if isinstance(item, yaml.MappingNode):
                for field_node, _ in item.value:
                    note(field_node, (facet, str(i), str(field_node.value)),
                         f"{facet} item {i + 1}: {field_node.value}")
    return lines


def _what(value) -> str:
    """kind_of, with a hint for what YAML read as a number, true/false or a date."""
    quote = isinstance(value, (int, float, bool, dt.date))
    return frontmatter.kind_of(value) + (" (put it in quotes)" if quote else "")


def _text(value, label: str, line, errors) -> str | None:
    """An optional text field: text (NFC, stripped) or None; anything else is an error."""
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append((line, f"{label} must be text, got {_what(value)}"))
        return None
    found = safeyaml.CONTROL_RE.search(value)
    if found:
        errors.append((line, f"{label}: {safeyaml.control_message(found.group())}"))
        return None
    return unicodedata.normalize("NFC", value.strip())


def _as_list(value, label: str, line, errors) -> tuple[str, ...]:
    """A list of names (one name alone is a list of one); anything else is an error."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        errors.append((line, f"{label} must be a list of names, got "
                             f"{frontmatter.kind_of(value)}"))
        return ()
    out = []
    for i, item in enumerate(value, 1):
        text = _text(item, f"{label}: item {i}", line, errors)
        if text:
            out.append(text)
    return tuple(out)


def _term(facet: str, i: int, item, at, errors: list, problems: list) -> Term | None:
    """One term of the file, every field type-checked (errors), or None."""
    line = at(facet, i)
    if not isinstance(item, dict):
        errors.append((line, f"{facet}: item {i + 1} must be a term (- name: ...), got "
                             f"{frontmatter.kind_of(item)}"))
        return None
    name = _text(item.get("name"), f"{facet}: item {i + 1}: name", at(facet, i, "name"),
                 errors)
    if not name:
        if "name" not in item or name == "":
            errors.append((line, f"{facet}: item {i + 1}: every term needs a name"))
        return None
    name = " ".join(name.split())
    label = f"{facet} {name!r}"
    for key in item:
        if key in PLACE_KEYS and facet != "region":
            problems.append((at(facet, i, key), f"{label}: {key} is for region terms only"))
        elif key not in TERM_KEYS + PLACE_KEYS:
            problems.append((at(facet, i, key), f"{label}: unknown key {key!r} (a term "
                                                f"has {', '.join(TERM_KEYS + PLACE_KEYS)})"))

    def field(key):
        return item.get(key), f"{label}: {key}", at(facet, i, key)

    slug = _text(*field("slug"), errors)
    if slug and slugify(slug) != slug:
        problems.append((at(facet, i, "slug"), f"{label}: slug {slug!r} must be lower-case "
                                               "letters, digits and hyphens"))
        slug = None
    match = item.get("match", True)
    if match is None:
        match = True
    if not isinstance(match, bool):
        errors.append((at(facet, i, "match"), f"{label}: match must be true or false, got "
                                              f"{frontmatter.kind_of(match)}"))
    iso, lat, lon = _place(item, label, lambda key: at(facet, i, key), errors, problems) \
        if facet == "region" else (None, None, None)
    return Term(
        facet=facet, name=name, slug=slug or slugify(name),
        aliases=_as_list(*field("aliases"), errors),
        adjectives=_as_list(*field("adjectives"), errors),
        parent=_text(*field("parent"), errors) or None,
        kind=_text(*field("kind"), errors) or None,
        description=_text(*field("description"), errors) or "",
        match=match is not False,
        line=line,
        iso=iso, lat=lat, lon=lon,
    )


def _place(item: dict, label: str, at, errors: list, problems: list):
    """A region term's ISO code and coordinates: (iso, lat, lon), each None when absent or
    wrong (a wrong type is an error, a bad value a problem)."""
    iso = _text(item.get("iso"), f"{label}: iso", at("iso"), errors)
    if iso is not None and not ISO_RE.fullmatch(iso):
        problems.append((at("iso"), f"{label}: iso {iso!r} must be an ISO 3166-1 alpha-2 "
                                    "code: two capital letters, such as LY"))
        iso = None
    coords = {}
    for key, limit in (("lat", 90), ("lon", 180)):
        value = item.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append((at(key), f"{label}: {key} must be a number of degrees, got "
                                    f"{_what(value)}"))
        elif not -limit <= value <= limit:
            problems.append((at(key), f"{label}: {key} {value} is not between {-limit} and "
                                      f"{limit}"))
        else:
            coords[key] = float(value)
    if ("lat" in item) != ("lon" in item):
        problems.append((at("lat" if "lat" in item else "lon"),
                         f"{label}: give both lat and lon, or neither"))
        return iso, None, None
    return iso, coords.get("lat"), coords.get("lon")


def _tagger_settings(data: dict, at, errors: list) -> dict:
    settings = data.get("tagger")
    if settings is None:
        return {}
    add_parents = settings.get("add_parents", {}) if isinstance(settings, dict) else None
    if not isinstance(add_parents, dict) or not all(
            k in FACETS and isinstance(v, int) and not isinstance(v, bool) and v >= -1
            for k, v in add_parents.items()):
        errors.append((at("tagger"), "tagger: add_parents must map a facet to a number of "
                                     "parent levels (0 none, -1 all)"))
        return {}
    return dict(settings)


def parse(text: str, path: str = "vocabulary.yaml") -> Vocabulary:
    """Parse vocabulary YAML. A field of the wrong type (a list for a parent, a mapping for
    a kind...) raises VocabularyError listing every such problem with its line; consistency
    problems are collected in ``Vocabulary.problems`` (see :func:`validate`)."""
    node = safeyaml.compose(text, path, 1, max_nodes=MAX_NODES, error=VocabularyError)
    data = safeyaml.construct(node, path, 1, error=VocabularyError)
    if not isinstance(data, dict):
        raise VocabularyError(path, [(1, "the vocabulary must be a mapping of facets "
                                         f"({', '.join(FACETS)}) to lists of terms")])
    errors: list[tuple[int | None, str]] = []    # wrong types: nothing can be built on them
    problems: list[tuple[int | None, str]] = []  # the rest: reported, the build goes on
    lines = _node_lines(node, errors)

    def at(*where) -> int | None:
        """The line of a facet, a term or a term's field (else of its term)."""
        where = tuple(str(w) for w in where)
        return lines.get(where) or lines.get(where[:2])

    vocab_terms: dict[str, dict[str, Term]] = {f: {} for f in FACETS}
    for facet, items in data.items():
        if facet not in FACETS:
            if facet not in ("version", "tagger"):
                problems.append((at(facet), f"unknown facet {facet!r} (expected "
                                            f"{', '.join(FACETS)})"))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            errors.append((at(facet), f"{facet} must be a list of terms, got "
                                      f"{frontmatter.kind_of(items)}"))
            continue
        for i, item in enumerate(items):
            term = _term(facet, i, item, at, errors, problems)
            if term is None:
                continue
            if term.name in vocab_terms[facet]:
                first = vocab_terms[facet][term.name].line
                problems.append((term.line, f"{facet} {term.name!r} is defined twice "
                                            f"(first on line {first})"))
                continue
            vocab_terms[facet][term.name] = term
    tagger_settings = _tagger_settings(data, at, errors)
    if errors:
        raise VocabularyError(path, errors + problems)
    vocab = Vocabulary(path=path, terms=vocab_terms, tagger_settings=tagger_settings)
    vocab.problems = problems + validate(vocab)
    return vocab


def validate(vocab: Vocabulary) -> list[tuple[int | None, str]]:
    """Consistency: parents exist, no cycles, slugs unique, no alias claimed twice; every
    country has an ISO code, and no code is given twice."""
    problems: list[tuple[int | None, str]] = []
    for facet, terms in vocab.terms.items():
        slugs: dict[str, str] = {}
        claims: dict[str, str] = {}
        codes: dict[str, str] = {}
        for term in terms.values():
            if facet == "region" and term.kind == "country" and not term.iso:
                problems.append((term.line, f"{facet} {term.name!r}: a country needs its ISO "
                                            "3166-1 code (iso: XX)"))
            if term.iso:
                if term.iso in codes:
                    problems.append((term.line, f"{facet} {term.name!r}: iso {term.iso!r} is "
                                                f"also the code of {codes[term.iso]!r}"))
                codes.setdefault(term.iso, term.name)
            if term.slug in slugs:
                problems.append((term.line, f"{facet} {term.name!r}: slug {term.slug!r} is "
                                            f"also the slug of {slugs[term.slug]!r}"))
            slugs.setdefault(term.slug, term.name)
            if term.parent is not None:
                if term.parent not in terms:
                    problems.append((term.line, f"{facet} {term.name!r}: parent "
                                                f"{term.parent!r} is not a {facet} term"))
                else:
                    seen = {term.name}
                    current = term.parent
                    while current:
                        if current in seen:
                            problems.append((term.line, f"{facet} {term.name!r}: its parents "
                                                        f"form a cycle through {current!r}"))
                            break
                        seen.add(current)
                        parent = terms.get(current)
                        current = parent.parent if parent else None
            for spelling in (term.name, *term.aliases):
                key = norm_key(spelling)
                if not key:
                    continue
                other = claims.get(key)
                if other is not None and other != term.name:
                    what = "name" if spelling == term.name else "alias"
                    problems.append((term.line, f"{facet} {term.name!r}: {what} {spelling!r} "
                                                f"is also claimed by {other!r}"))
                else:
                    claims[key] = term.name
    return problems


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> Vocabulary:
    text = Path(path).read_text(encoding="utf-8")
    return parse(text, path)


def load(path: str | os.PathLike) -> Vocabulary:
    """Load (and cache, until the file changes) the vocabulary at ``path``."""
    path = os.fspath(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise VocabularyError(path, [(None, "the vocabulary file does not exist")]) from None
    return _load_cached(path, st.st_mtime_ns, st.st_size)


def default_path() -> Path:
    """``vocabulary.yaml`` next to the project (or $BRIEFING_VOCABULARY)."""
    env = os.environ.get("BRIEFING_VOCABULARY")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "vocabulary.yaml"

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

A term is identified by (facet, name): "Russia" the region and "Russia" the actor are two terms.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from briefing.frontmatter import FACETS, FrontMatterError
from briefing.slug import slugify

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TERM_KEYS = ("name", "slug", "aliases", "adjectives", "parent", "kind", "description",
             "match")


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
        for facet, terms in self.terms.items():
            index = self._index[facet]
            for term in terms.values():
                for spelling in (term.name, *term.aliases):
                    index.setdefault(norm_key(spelling), term.name)
                if term.parent:
                    self._children[facet].setdefault(term.parent, []).append(term.name)

    # lookups -------------------------------------------------------------------------
    def get(self, facet: str, name: str) -> Term | None:
        return self.terms.get(facet, {}).get(name)

    def __contains__(self, item: tuple[str, str]) -> bool:
        facet, name = item
        return name in self.terms.get(facet, {})

    def resolve(self, facet: str, text: str) -> Term | None:
        """The term a name or alias stands for (loosely: case, accents and punctuation aside)."""
        name = self._index.get(facet, {}).get(norm_key(text))
        return self.terms[facet][name] if name else None

    def suggest(self, facet: str, text: str) -> str | None:
        """The canonical name an unknown tag most likely means: an alias, or a near miss."""
        term = self.resolve(facet, text)
        if term:
            return term.name
        keys = self._index.get(facet, {})
        wanted = norm_key(text)
        if len(wanted) < 3:
            return None
        limit = 1 if len(wanted) < 5 else 2
        best = None
        for rank, key in enumerate(difflib.get_close_matches(wanted, list(keys), n=12,
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


def _as_list(value, key, line, problems) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append((line, f"{key} must be a list of names"))
        return ()
    return tuple(unicodedata.normalize("NFC", v.strip()) for v in value if v.strip())


def parse(text: str, path: str = "vocabulary.yaml") -> Vocabulary:
    """Parse vocabulary YAML. Structural problems raise; consistency problems are collected
    in ``Vocabulary.problems`` (see :func:`validate`)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise VocabularyError(path, [((mark.line + 1) if mark else None,
                                      f"invalid YAML: {exc.problem}")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise VocabularyError(path, [(1, "the vocabulary must be a mapping of facets "
                                         f"({', '.join(FACETS)}) to lists of terms")])
    # line of each term item, from the composed node tree
    item_lines: dict[tuple[str, int], int] = {}
    for key_node, value_node in node.value:
        if isinstance(value_node, yaml.SequenceNode):
            for i, item in enumerate(value_node.value):
                item_lines[(key_node.value, i)] = item.start_mark.line + 1

    problems: list[tuple[int | None, str]] = []
    vocab_terms: dict[str, dict[str, Term]] = {f: {} for f in FACETS}
    for facet, items in data.items():
        if facet not in FACETS:
            if facet not in ("version", "tagger"):
                problems.append((None, f"unknown facet {facet!r} (expected "
                                       f"{', '.join(FACETS)})"))
            continue
        if not isinstance(items, list):
            problems.append((None, f"{facet} must be a list of terms"))
            continue
        for i, item in enumerate(items):
            line = item_lines.get((facet, i))
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                    or not item["name"].strip():
                problems.append((line, f"{facet}: every term needs a name"))
                continue
            name = unicodedata.normalize("NFC", " ".join(item["name"].split()))
            for key in item:
                if key not in TERM_KEYS:
                    problems.append((line, f"{facet} {name!r}: unknown key {key!r}"))
            slug = item.get("slug") or slugify(name)
            if not isinstance(slug, str) or slugify(slug) != slug:
                problems.append((line, f"{facet} {name!r}: slug {slug!r} must be lower-case "
                                       "letters, digits and hyphens"))
                slug = slugify(name)
            term = Term(
                facet=facet, name=name, slug=slug,
                aliases=_as_list(item.get("aliases"), f"{facet} {name!r}: aliases", line,
                                 problems),
                adjectives=_as_list(item.get("adjectives"), f"{facet} {name!r}: adjectives",
                                    line, problems),
                parent=(item.get("parent") or None),
                kind=item.get("kind"),
                description=str(item.get("description") or "").strip(),
                match=item.get("match", True) is not False,
                line=line,
            )
            if name in vocab_terms[facet]:
                first = vocab_terms[facet][name].line
                problems.append((line, f"{facet} {name!r} is defined twice "
                                       f"(first on line {first})"))
                continue
            vocab_terms[facet][name] = term
    tagger_settings = data.get("tagger") or {}
    add_parents = tagger_settings.get("add_parents", {}) if isinstance(tagger_settings, dict) \
        else None
    if not isinstance(add_parents, dict) or not all(
            k in FACETS and isinstance(v, int) and not isinstance(v, bool) and v >= -1
            for k, v in add_parents.items()):
        problems.append((None, "tagger: add_parents must map a facet to a number of parent "
                               "levels (0 none, -1 all)"))
        tagger_settings = {}
    vocab = Vocabulary(path=path, terms=vocab_terms, tagger_settings=dict(tagger_settings))
    vocab.problems = problems + validate(vocab)
    return vocab


def validate(vocab: Vocabulary) -> list[tuple[int | None, str]]:
    """Consistency: parents exist, no cycles, slugs unique, no alias claimed twice."""
    problems: list[tuple[int | None, str]] = []
    for facet, terms in vocab.terms.items():
        slugs: dict[str, str] = {}
        claims: dict[str, str] = {}
        for term in terms.values():
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
    return Path(__file__).resolve().parent.parent / "vocabulary.yaml"

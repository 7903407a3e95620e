"""Adding a term to the vocabulary file in place (``briefing term add``).

Editors own ``vocabulary.yaml``: its order, comments and spacing are theirs, so a term is
never added by loading the file and dumping it again (that would drop every comment and
reflow 17,000 lines). Instead the new entry is written as text, in the layout the facet's
own entries use (indentation, quoting, field order), and spliced in after the facet's last
entry; every other byte of the file stays as it was.

Before anything is written, the new text is read back with the project's loader
(:func:`briefing.core.vocabulary.parse`): the term must be there with exactly the fields
asked for, every other term unchanged, and no problem the file did not have before. The file
is then replaced atomically, and only if it did not change since it was read.

No Pelican import here, and no printing: the command line shows the result.
"""

from __future__ import annotations

import collections
import dataclasses
import difflib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

import yaml

from briefing.core import fileio, safeyaml, vocabulary
from briefing.core.errors import Report
from briefing.core.facets import FACETS
from briefing.core.slug import slugify

log = logging.getLogger(__name__)

# the fields in the order the file writes them (the loader's order); lists are flow lists
# where the entries keep them: a place's code and point come after its kind
FIELD_ORDER = tuple(k for key in vocabulary.TERM_KEYS
                    for k in ((key,) + vocabulary.PLACE_KEYS if key == "kind" else (key,)))
LIST_FIELDS = ("aliases", "adjectives")
# what YAML counts as a line break: the marks' line numbers count these
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_WIDTH = 1 << 30  # never fold a long description over lines


class TermError(Report, ValueError):
    """A term that cannot be added (a clash, a missing parent, a bad slug...): one line
    naming the vocabulary file, and the file is left untouched."""


@dataclass
class Added:
    """What ``add_term`` did: the term as the file reads it back, its line, and the text of
    the entry (``written`` False for a dry run)."""

    path: str
    term: vocabulary.Term
    line: int
    entry: str
    written: bool
    notes: list[str] = field(default_factory=list)


@dataclass
class _Layout:
    """How one facet's entries are laid out in the file, and where a new one goes."""

    insert_line: int                  # 0-based index of the line the entry goes before
    dash_column: int = 2              # "  - name: ..."
    field_column: int = 4             # "    slug: ..."
    header: str = ""                  # "actors:" when the facet has no list in the file yet
    styles: dict[str, str | None] = field(default_factory=dict)  # None: plain if YAML allows
    quote: str = '"'                  # the quote used where plain text is not allowed
    always: frozenset[str] = frozenset()  # list fields the facet writes even when empty
    lines: dict[str, dict] = field(default_factory=dict)  # name -> {key: line, alias: line}


# --- the request ------------------------------------------------------------------------
def _clean(value: str | None, label: str, path: str) -> str | None:
    """A text field as the loader will read it back: NFC, runs of white space made one
    space (a name is one line), no control characters; None when not given."""
    if value is None:
        return None
    found = safeyaml.CONTROL_RE.search(value)
    if found:
        raise TermError(f"not added to {path}: {label}: "
                        f"{safeyaml.control_message(found.group())}")
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise TermError(f"not added to {path}: {label} is empty")
    return text


def _clean_list(values: Iterable[str], label: str, path: str) -> tuple[str, ...]:
    """Each spelling once (case aside): a repeat is a mistake worth saying."""
    out: list[str] = []
    for value in values:
        text = _clean(value, label, path)
        if any(text.casefold() == seen.casefold() for seen in out):
            raise TermError(f"not added to {path}: {label} `{text}` is given twice")
        out.append(text)
    return tuple(out)


# --- reading the file -------------------------------------------------------------------
def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _BREAK.finditer(text)]


def _newline(text: str) -> str:
    """The file's line ending (its first one): LF or CRLF."""
    found = _BREAK.search(text)
    return found.group() if found and found.group() in ("\n", "\r\n") else "\n"


def _parse(text: str, path: str) -> vocabulary.Vocabulary:
    try:
        return vocabulary.parse(text, path)
    except vocabulary.VocabularyError as exc:
        line, message = exc.problems[0]
        where = f"{path}:{line}" if line else path
        more = len(exc.problems) - 1
        raise TermError(f"not added: {where}: {message}" + (f" (and {more} more)" if more
                                                            else "")
                        + "; fix the vocabulary first (`briefing check` lists it all)"
                        ) from None


def _name_key(text: str) -> str:
    """A name as the loader keys its term (NFC, white space made single spaces)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _most(counter: collections.Counter, default):
    return counter.most_common(1)[0][0] if counter else default


def _layout(text: str, path: str, facet: str) -> _Layout:
    """Where the facet's list ends and how its entries are written, read from the file's
    YAML nodes (their marks give lines and columns, their styles the quoting), and the line
    of each term's fields, for messages that point at a clash."""
    root = safeyaml.compose(text, path, 1, max_nodes=vocabulary.MAX_NODES,
                            error=vocabulary.VocabularyError)
    starts = _line_starts(text)
    sections = {str(k.value): (k, v) for k, v in root.value} \
        if isinstance(root, yaml.MappingNode) else {}
    styles: dict[str, dict[str, collections.Counter]] = {}  # facet -> key -> styles
    quotes: collections.Counter = collections.Counter()
    present: dict[str, collections.Counter] = {}
    columns: dict[str, tuple[int, int]] = {}
    lines: dict[str, dict] = {}
    for name, (_key, seq) in sections.items():
        if name not in FACETS or not isinstance(seq, yaml.SequenceNode) or seq.flow_style:
            continue
        counts = styles.setdefault(name, collections.defaultdict(collections.Counter))
        keys = present.setdefault(name, collections.Counter())
        for item in seq.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            columns.setdefault(name, (seq.start_mark.column, item.start_mark.column))
            keys[None] += 1
            where: dict = {}
            for key_node, value in item.value:
                key = str(key_node.value)
                keys[key] += 1
                where[key] = key_node.start_mark.line + 1
                scalars = value.value if isinstance(value, yaml.SequenceNode) else [value]
                for node in scalars:
                    if not isinstance(node, yaml.ScalarNode):
                        continue
                    counts[key][node.style or None] += 1  # plain: None, or "" in C
                    if node.style in ('"', "'"):
                        quotes[node.style] += 1
                    if key == "aliases" and isinstance(value, yaml.SequenceNode):
                        alias = unicodedata.normalize("NFC", node.value.strip())
                        where[("alias", alias)] = node.start_mark.line + 1
                    elif key == "name" and name == facet:
                        lines.setdefault(_name_key(node.value), where)
    own = styles.get(facet) or {}
    overall: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for counts in styles.values():
        for key, counter in counts.items():
            overall[key].update(counter)
    layout_styles = {key: _most(own.get(key) or overall.get(key) or collections.Counter(),
                                None) for key in FIELD_ORDER}
    keys = present.get(facet) or collections.Counter()
    always = frozenset(k for k in LIST_FIELDS if keys[k] * 2 > keys[None] > 0)
    dash, column = columns.get(facet) or next(iter(columns.values()), (2, 4))
    layout = _Layout(insert_line=len(starts), dash_column=dash, field_column=column,
                     styles=layout_styles, quote=_most(quotes, '"'), always=always,
                     lines=lines)

    if facet not in sections:  # a new section at the end of the file
        layout.header = f"{facet}:"
        return layout
    key_node, seq = sections[facet]
    if isinstance(seq, yaml.ScalarNode) and seq.tag.endswith(":null") and seq.value == "":
        layout.insert_line = key_node.start_mark.line + 1  # `actors:` with nothing yet
        return layout
    if not isinstance(seq, yaml.SequenceNode) or seq.flow_style or not seq.value:
        raise TermError(f"not added: {path}:{key_node.start_mark.line + 1}: {facet} is not "
                        "a list of terms written one `- name: ...` a line; add this term "
                        "by hand")
    last = seq.value[-1]
    end = last.value[-1][1].end_mark if isinstance(last, yaml.MappingNode) and last.value \
        else last.end_mark
    line = end.line + (1 if end.column > 0 else 0)
    # comments indented under the last entry belong to it: the new entry goes after them
    while line < len(starts) - 1:
        row = text[starts[line]:starts[line + 1]]
        indent = len(row) - len(row.lstrip(" "))
        if not row.strip().startswith("#") or indent < max(dash, 1):
            break
        line += 1
    layout.insert_line = line
    return layout


# --- writing the entry ------------------------------------------------------------------
def _scalar(text: str, style: str | None, quote: str, flow: bool) -> str:
    """One YAML scalar, written by PyYAML: plain where ``style`` is plain and YAML reads it
    back as this same text (in a flow list or as a block value), else quoted with the
    file's quote (PyYAML escapes what needs it)."""
    if style is None:
        if flow:
            plain = yaml.safe_dump({"k": [text]}, default_flow_style=True,
                                   allow_unicode=True, width=_WIDTH)
            if plain == f"{{k: [{text}]}}\n":
                return text
        elif yaml.safe_dump({"k": text}, allow_unicode=True, width=_WIDTH) == f"k: {text}\n":
            return text
        style = quote
    return yaml.safe_dump(text, default_style=style, allow_unicode=True,
                          width=_WIDTH).rstrip("\n")


def _entry(term: vocabulary.Term, layout: _Layout) -> list[str]:
    """The entry's lines (without line endings), fields in the file's order."""
    values = {
        "name": term.name, "slug": term.slug, "aliases": term.aliases,
        "adjectives": term.adjectives, "parent": term.parent, "kind": term.kind,
        "description": term.description or None, "match": None if term.match else False,
        "iso": term.iso, "lat": term.lat, "lon": term.lon,
    }
    out = []
    for key in FIELD_ORDER:
        value = values[key]
        style = layout.styles.get(key)
        if key in LIST_FIELDS:
            if not value and key not in layout.always:
                continue
            text = "[" + ", ".join(_scalar(v, style, layout.quote, True) for v in value) + "]"
        elif value is None:
            continue
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, float):
            text = repr(value)
        elif key == "iso":
            text = f'"{value}"'  # quoted: an unquoted NO reads as false
        else:
            text = _scalar(value, style, layout.quote, False)
        if not out:
            gap = " " * max(layout.field_column - layout.dash_column - 1, 1)
            out.append(f"{' ' * layout.dash_column}-{gap}{key}: {text}")
        else:
            out.append(f"{' ' * layout.field_column}{key}: {text}")
    return out


def _splice(text: str, layout: _Layout, entry: list[str]) -> tuple[str, int, int]:
    """The new text, the entry's first line (1-based) and the number of lines added."""
    newline = _newline(text)
    starts = _line_starts(text)
    block = list(entry)
    if layout.header:
        block = ([""] if text.strip() else []) + [layout.header] + block
    at = starts[layout.insert_line] if layout.insert_line < len(starts) else len(text)
    head, tail = text[:at], text[at:]
    if head and not _BREAK.match(head[-1]):
        head += newline  # the last line had no line ending
    if tail and not _BREAK.match(tail[-1]):
        tail += newline  # the file ends with a line ending
    first = len(_line_starts(head)) - 1
    new = head + "".join(line + newline for line in block) + tail
    return new, first + 1 + (len(block) - len(entry)), len(block)


# --- checks -----------------------------------------------------------------------------
def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def _refuse_clashes(vocab: vocabulary.Vocabulary, layout: _Layout, path: str,
                    term: vocabulary.Term) -> None:
    """The name and each alias must be new in the facet (as the loader compares them:
    case, accents and punctuation aside), and so must the slug."""
    facet = term.facet
    for spelling in (term.name, *term.aliases):
        owner = vocab.resolve(facet, spelling)
        if owner is None:
            continue
        key = vocabulary.norm_key(spelling)
        where = layout.lines.get(owner.name, {})
        if vocabulary.norm_key(owner.name) == key:
            written = "" if owner.name == spelling else f" (written {owner.name})"
            raise TermError(f"not added: `{spelling}` is already a term of {facet}{written} "
                            f"({_where(path, where.get('name') or owner.line)})")
        alias = next(a for a in owner.aliases if vocabulary.norm_key(a) == key)
        written = "" if alias == spelling else f" (written {alias})"
        line = where.get(("alias", alias)) or where.get("aliases") or owner.line
        raise TermError(f"not added: `{spelling}` is already an alias of {owner.name}"
                        f"{written} ({_where(path, line)})")
    for other in vocab.terms[facet].values():
        if other.slug == term.slug:
            line = layout.lines.get(other.name, {}).get("slug") or other.line
            raise TermError(f"not added: slug `{term.slug}` is already the slug of "
                            f"{other.name} ({_where(path, line)}); give another with --slug")


def _refuse_parent(vocab: vocabulary.Vocabulary, path: str, term: vocabulary.Term) -> None:
    facet, parent = term.facet, term.parent
    if parent is None or parent in vocab.terms[facet]:
        return
    if parent == term.name:
        raise TermError(f"not added to {path}: {term.name} cannot be its own parent")
    guess = vocab.suggest(facet, parent) or next(iter(difflib.get_close_matches(
        parent, list(vocab.terms[facet]), n=1, cutoff=0.6)), None)
    hint = f"; did you mean {guess}?" if guess else ""
    if not guess:
        elsewhere = [f for f in FACETS if f != facet and parent in vocab.terms[f]]
        hint = f" (it is a term of {elsewhere[0]}; a parent is in the same facet)" \
            if elsewhere else "; add it first, or check the spelling"
    raise TermError(f"not added: parent `{parent}` is not a {facet} term in {path}{hint}")


def _notes(vocab: vocabulary.Vocabulary, term: vocabulary.Term) -> list[str]:
    """What is worth a second look but is no mistake: a kind the facet never used, the
    same name in another facet."""
    notes = []
    kinds = collections.Counter(t.kind for t in vocab.terms[term.facet].values() if t.kind)
    if term.kind and term.kind not in kinds:
        close = difflib.get_close_matches(term.kind, list(kinds), n=1, cutoff=0.75)
        notes.append(f"kind `{term.kind}` is new in {term.facet}"
                     + (f" (did you mean {close[0]}?)" if close else ""))
    near = vocab.suggest(term.facet, term.name)
    if near:
        notes.append(f"`{term.name}` is close to {near}, already a term of {term.facet}: "
                     "make sure it is a different thing, not another spelling (then it "
                     "would be an alias)")
    for other in FACETS:
        if other != term.facet and vocab.resolve(other, term.name):
            notes.append(f"`{term.name}` is also a {other} term "
                         f"({vocab.resolve(other, term.name).name}): fine when it is the "
                         "same thing seen as a place and as an actor")
    return notes


def _verify(old: vocabulary.Vocabulary, new_text: str, path: str, term: vocabulary.Term,
            first: int, added: int) -> vocabulary.Term:
    """Read the new text back: the term as asked, every other term as it was (lines
    moved), and no problem the file did not have."""

    def moved(line: int | None) -> int | None:
        return line + added if line is not None and line >= first else line

    def shift(problem: tuple[int | None, str]) -> tuple[int | None, str]:
        line, message = problem
        message = re.sub(r"\bline (\d+)", lambda m: f"line {moved(int(m.group(1)))}", message)
        return moved(line), message

    def fail(why: str) -> TermError:
        return TermError(f"not added to {path}: the new entry would not read back right "
                         f"({why}); nothing was written")

    try:
        new = vocabulary.parse(new_text, path)
    except vocabulary.VocabularyError as exc:
        raise fail(str(exc).replace("\n", "; ")) from None
    got = new.get(term.facet, term.name)
    if got != term:
        raise fail(f"read back as {got!r}")
    for facet in FACETS:
        for name, before in old.terms[facet].items():
            if new.get(facet, name) != dataclasses.replace(before, line=moved(before.line)):
                raise fail(f"{facet} {name!r} changed")
    if len(new) != len(old) + 1 or new.tagger_settings != old.tagger_settings:
        raise fail("other entries changed")
    extra = collections.Counter(new.problems) - collections.Counter(map(shift, old.problems))
    if extra:
        line, message = next(iter(extra))
        raise TermError(f"not added: {_where(path, line)}: {message}")
    return got


# --- the command ------------------------------------------------------------------------
def add_term(path: str | os.PathLike, facet: str, name: str, parent: str | None = None,
             aliases: Iterable[str] = (), adjectives: Iterable[str] = (),
             kind: str | None = None, description: str | None = None,
             slug: str | None = None, match: bool = True, iso: str | None = None,
             lat: float | None = None, lon: float | None = None,
             dry_run: bool = False) -> Added:
    """Add one term as the last entry of ``facet`` in the vocabulary file at ``path``.

    Raises :class:`TermError` (the file untouched) when the name or an alias is already a
    term or an alias of the facet, the parent is not a term of the facet, the slug is not
    lower-case letters, digits and hyphens or is taken, the new text would not read back as
    asked, or the file changed while the term was being added."""
    shown = os.fspath(path)
    if facet not in FACETS:
        close = difflib.get_close_matches(facet, FACETS, n=1)
        raise TermError(f"not added to {shown}: {facet!r} is not a facet (the facets are "
                        f"{', '.join(FACETS)})" + (f"; did you mean {close[0]}?" if close
                                                    else ""))
    name = _clean(name, "the name", shown)
    if name is None:
        raise TermError(f"not added to {shown}: the name is empty")
    aliases = _clean_list(aliases, "alias", shown)
    if any(a.casefold() == name.casefold() for a in aliases):
        raise TermError(f"not added to {shown}: alias `{name}` is the name itself")
    adjectives = _clean_list(adjectives, "adjective", shown)
    parent = _clean(parent, "the parent", shown)
    kind = _clean(kind, "the kind", shown)
    description = _clean(description, "the description", shown)
    iso = _clean(iso, "the ISO code", shown)
    iso = iso.upper() if iso else None
    if (iso or lat is not None or lon is not None) and facet != "region":
        raise TermError(f"not added to {shown}: an ISO code and coordinates are for region "
                        "terms only")
    if iso and not vocabulary.ISO_RE.fullmatch(iso):
        raise TermError(f"not added to {shown}: ISO code `{iso}` must be two letters "
                        "(ISO 3166-1 alpha-2, as FR)")
    if (lat is None) != (lon is None):
        raise TermError(f"not added to {shown}: give both --lat and --lon, or neither")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise TermError(f"not added to {shown}: --lat must be from -90 to 90 and --lon from "
                        "-180 to 180")
    if slug is not None:
        slug = slug.strip()
        if not slug or slugify(slug) != slug:
            hint = f" (for example `{slugify(slug)}`)" if slugify(slug) else ""
            raise TermError(f"not added to {shown}: slug `{slug}` must be lower-case "
                            f"letters, digits and hyphens{hint}")
    else:
        slug = slugify(name)
        if not slug:
            raise TermError(f"not added to {shown}: no slug can be made from `{name}`; "
                            "give one with --slug (lower-case letters, digits, hyphens)")

    try:
        raw = open(path, "rb").read()
    except FileNotFoundError:
        raise TermError(f"not added: {shown}: the vocabulary file does not exist") from None
    before = fileio.digest(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TermError(f"not added: {shown}: the file is not UTF-8 text") from None
    old = _parse(text, shown)
    layout = _layout(text, shown, facet)
    term = vocabulary.Term(facet=facet, name=name, slug=slug, aliases=aliases,
                           adjectives=adjectives, parent=parent, kind=kind,
                           description=description or "", match=bool(match), iso=iso,
                           lat=None if lat is None else float(lat),
                           lon=None if lon is None else float(lon))
    _refuse_clashes(old, layout, shown, term)
    _refuse_parent(old, shown, term)

    entry = _entry(term, layout)
    new_text, first, added = _splice(text, layout, entry)
    term = dataclasses.replace(term, line=first)
    got = _verify(old, new_text, shown, term, first - (added - len(entry)), added)
    result = Added(path=shown, term=got, line=first,
                   entry="".join(line + "\n" for line in entry), written=False,
                   notes=_notes(old, term))
    if dry_run:
        return result
    target = os.path.realpath(path)  # a link to a shared vocabulary: write the file it names
    try:
        now = open(target, "rb").read()
    except OSError:
        now = b""
    if fileio.digest(now) != before:
        raise TermError(f"not added: {shown} changed while the term was being added (an "
                        "editor or another tool saved it); nothing was written: run the "
                        "command again")
    fileio.write_atomic(target, new_text.encode("utf-8"))
    log.info("%s:%d: added %s %r", shown, first, facet, name)
    result.written = True
    return result

"""What the commands share: finding the briefings, reading one, the vocabulary and the
tagger, the checks of its tags and its near misses."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing.core import fileio, frontmatter
from briefing.core.facets import FACETS


MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def iter_files(paths: list[str], suffixes: tuple[str, ...]) -> list[Path]:
    """Every file with one of the suffixes under the given files and folders: in the order
    given, each folder's files sorted, each file once."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(path / rel for rel, entry in fileio.walk(path)
                                if Path(rel).suffix.lower() in suffixes and entry.is_file()
                                and not entry.name.startswith(".")))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"{raw}: no such file or folder")
    return list(dict.fromkeys(found))


def iter_markdown(paths: list[str]) -> list[Path]:
    return iter_files(paths, MARKDOWN_SUFFIXES)


def vocabulary_file(args: argparse.Namespace) -> Path:
    """The vocabulary the commands use: ``--vocabulary``, else the project's (or
    $BRIEFING_VOCABULARY)."""
    from briefing.core import vocabulary

    given = getattr(args, "vocabulary", None)
    return Path(given) if given else Path(vocabulary.default_path())


def vocabulary_of(args: argparse.Namespace):
    from briefing.core import vocabulary

    return vocabulary.load(vocabulary_file(args))


def make_tagger(vocab):
    from briefing.ingest.tagger import Tagger

    return Tagger(vocab, add_parents=vocab.tagger_settings.get("add_parents") or None)


def tagger_of(args: argparse.Namespace, near: list | None = None):
    """The tagger over the vocabulary (loaded once), as a (title, body) -> tags function;
    with ``near``, each article's near misses are appended to it."""
    from briefing.ingest.review import near_misses

    tagger = make_tagger(vocabulary_of(args))

    def tag(title: str, body: str) -> dict[str, list[str]]:
        result = tagger.tag(title, body)
        if near is not None:
            near.append(near_misses(result))
        return result.as_dict()

    return tag


def read_briefing(path: Path, *, pages_ok: bool = True):
    """(text, Document) of a briefing, or None for a file in Pelican's own ``Key: value``
    format (not ours to read); raise FrontMatterError naming the file."""
    try:
        text = path.read_bytes().decode("utf-8")  # line breaks as they are (retag keeps them)
    except UnicodeDecodeError:
        raise frontmatter.FrontMatterError(
            str(path), [(None, "the file is not UTF-8 text; save it as UTF-8")]) from None
    if not frontmatter.has_front_matter(text):
        return None
    # where the content folder is, is not known here: the file is a page when it is under
    # a page folder seen from any folder above it
    parts = path.parts
    in_pages = pages_ok and not all(frontmatter.is_article("/".join(parts[i:]))
                                    for i in range(len(parts)))
    return text, frontmatter.parse(text, str(path), require_date=not in_pages)


# --- check --------------------------------------------------------------------------------
def check_tags(path: Path, doc: frontmatter.Document, vocab) -> list[str]:
    """Problems with one briefing's tags: unknown terms, with a suggestion where there is one."""
    problems = []
    for facet in FACETS:
        for i, name in enumerate(doc.meta.get(facet, [])):
            if (facet, vocab.canonical(facet, name)) in vocab:
                continue  # a term, or one of its aliases (shown as the term)
            line = doc.lines.get(f"{facet}[{i}]") or doc.lines.get(facet) or ""
            where = f"{path}:{line}"
            suggestion = vocab.suggest(facet, name)
            if suggestion:
                problems.append(f"`{name}` in {where}: not a {facet} term; "
                                f"did you mean {suggestion}?")
                continue
            elsewhere = [other for other in FACETS
                         if other != facet and vocab.resolve(other, name)]
            if elsewhere:
                canonical = vocab.resolve(elsewhere[0], name).name
                problems.append(f"`{name}` in {where}: not a {facet} term; it is in "
                                f"{elsewhere[0]} (as {canonical})")
            else:
                problems.append(f"`{name}` in {where}: not in the vocabulary; add it to "
                                f"{facet} in {vocab.path} or correct the tag")
    return problems


def near_misses_of(tagger, doc: frontmatter.Document) -> list:
    from briefing.ingest.review import near_misses

    result = tagger.tag(str(doc.meta.get("title") or ""), doc.body)
    return near_misses(result, have={f: doc.meta.get(f) or [] for f in FACETS})


def failure(path: Path, exc: Exception, doing: str = "not written") -> str:
    """One line for a file a command could not handle: a problem it reports names the file
    itself; a system error gets the file and what failed (a read-only folder, a full disk)."""
    if isinstance(exc, OSError):
        return f"error: {path}: {doing} ({exc.strerror or exc})"
    return f"error: {exc}"


class Briefings:
    """The briefings among ``files`` as (path, text, Document): pages (no date) and files in
    Pelican's own format left out, unless ``pages``. A file that cannot be read is reported
    on stderr, naming it, and counted in ``failed``."""

    def __init__(self, files: list[Path], *, pages: bool = False):
        self.files, self.pages, self.failed = files, pages, 0

    def __iter__(self):
        for path in self.files:
            try:
                found = read_briefing(path)
            except (frontmatter.FrontMatterError, OSError) as exc:
                print(failure(path, exc, "cannot be read"), file=sys.stderr)
                self.failed += 1
                continue
            if found is not None and (self.pages or "date" in found[1].meta):
                yield path, *found


def print_added(path: Path, plan) -> None:
    """The tags a retag plan adds, a line each."""
    for facet, names in plan.added.items():
        for name in names:
            print(f"{path}: + {facet}: {name}")


"""The ``briefing`` command line: ingest, tag, retag and check briefings."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
from pathlib import Path

from briefing import __version__
from briefing.core import fileio, frontmatter
from briefing.core.facets import FACETS

logger = logging.getLogger("briefing")

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def _plural(n: int, word: str) -> str:
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


def _vocabulary(args: argparse.Namespace):
    from briefing.core import vocabulary

    path = Path(args.vocabulary) if getattr(args, "vocabulary", None) \
        else vocabulary.default_path()
    return vocabulary.load(path)


def _make_tagger(vocab):
    from briefing.ingest.tagger import Tagger

    return Tagger(vocab, add_parents=vocab.tagger_settings.get("add_parents") or None)


def _tagger(args: argparse.Namespace, near: list | None = None):
    """The tagger over the vocabulary (loaded once), as a (title, body) -> tags function;
    with ``near``, each article's near misses are appended to it."""
    from briefing.ingest.review import near_misses

    tagger = _make_tagger(_vocabulary(args))

    def tag(title: str, body: str) -> dict[str, list[str]]:
        result = tagger.tag(title, body)
        if near is not None:
            near.append(near_misses(result))
        return result.as_dict()

    return tag


def _read_briefing(path: Path, *, pages_ok: bool = True):
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


def cmd_check(args: argparse.Namespace) -> int:
    from briefing.core import vocabulary

    try:
        files = iter_markdown(args.paths)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    errors = 0
    try:
        vocab = _vocabulary(args)
    except vocabulary.VocabularyError as exc:
        print(exc)
        return 1
    for line, message in vocab.problems:
        print(f"{vocab.path}:{line}: {message}" if line else f"{vocab.path}: {message}")
        errors += 1
    read = 0
    guessed: list[str] = []
    maybe: list[str] = []
    tagger = None if args.no_maybe else _make_tagger(vocab)
    for path in files:
        try:
            found = _read_briefing(path)
        except frontmatter.FrontMatterError as exc:
            print(exc)
            errors += len(exc.problems)
            continue
        if found is None:
            continue  # Pelican's own Key: value format: not ours to check
        text, doc = found
        read += 1
        for problem in check_tags(path, doc, vocab):
            print(problem)
            errors += 1
        provenance = doc.meta.get("provenance") or {}
        if isinstance(provenance, dict) and provenance.get("date_source") == "ingest":
            line = doc.lines.get("date", "")
            guessed.append(f"{path}:{line}: the date ({doc.meta['date'].date()}) was guessed "
                           f"at ingest; check it, then run `briefing confirm {path}`")
        if tagger is not None and "date" in doc.meta:  # a briefing, not a page
            maybe += [f"{path}: {miss}" for miss in _near_misses(tagger, doc)]
    if maybe:
        print(f"{_plural(len(maybe), 'near-miss tag')} (found, below the bar for a tag; "
              "`briefing accept FILE` adds a briefing's):")
        for message in maybe:
            print(f"  {message}")
    if guessed:
        print(f"{_plural(len(guessed), 'briefing')} to review (date guessed at ingest):")
        for message in guessed:
            print(f"  {message}")
    status = "ok" if not errors else _plural(errors, "problem")
    print(f"checked {_plural(read, 'briefing')} and {_plural(len(vocab), 'vocabulary term')}: "
          f"{status}", file=sys.stderr)
    return 1 if errors else 0


def _near_misses(tagger, doc: frontmatter.Document) -> list:
    from briefing.ingest.review import near_misses

    result = tagger.tag(str(doc.meta.get("title") or ""), doc.body)
    return near_misses(result, have={f: doc.meta.get(f) or [] for f in FACETS})


# --- accept ---------------------------------------------------------------------------------
def cmd_accept(args: argparse.Namespace) -> int:
    """Add a briefing's near misses (all, or those named) to its tags, editing only the
    facet lines (as retag does)."""
    from briefing.ingest import retag

    try:
        files = iter_markdown(args.paths)
        tagger = _make_tagger(_vocabulary(args))
    except (FileNotFoundError, frontmatter.FrontMatterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    wanted = {name.casefold() for name in args.only or []}
    seen: set[str] = set()
    added = changed = failed = 0
    for path in files:
        try:
            found = _read_briefing(path)
            if found is None or "date" not in found[1].meta:
                continue  # Pelican's own format, or a page
            text, doc = found
            misses = [m for m in _near_misses(tagger, doc)
                      if not wanted or m.name.casefold() in wanted]
            seen.update(m.name.casefold() for m in misses)
            if not misses:
                continue
            tags: dict[str, list[str]] = {}
            for miss in misses:
                tags.setdefault(miss.facet, []).append(miss.name)
            plan = retag.plan(path, text, doc, tags)
            for facet, names in plan.added.items():
                for name in names:
                    print(f"{path}: + {facet}: {name}")
            if plan.changed and not args.dry_run:
                retag.write(plan)
        except (frontmatter.FrontMatterError, retag.RetagError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        except OSError as exc:
            print(f"error: {path}: not written ({exc.strerror or exc})", file=sys.stderr)
            failed += 1
            continue
        added += sum(len(names) for names in plan.added.values())
        changed += plan.changed
    for name in sorted(wanted - seen):
        print(f"warning: {name!r} is not a near miss of any briefing given", file=sys.stderr)
    verb = "would be added (dry run)" if args.dry_run else "added"
    print(f"accept: {_plural(added, 'tag')} {verb} to {_plural(changed, 'briefing')}",
          file=sys.stderr)
    return 1 if failed else 0


# --- confirm --------------------------------------------------------------------------------
def cmd_confirm(args: argparse.Namespace) -> int:
    """Mark the dates ingest guessed as checked (after the editor looked at them)."""
    from briefing.ingest import retag

    try:
        files = iter_markdown(args.paths)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    confirmed = failed = 0
    for path in files:
        try:
            found = _read_briefing(path)
            if found is None or "date" not in found[1].meta:
                continue
            plan = retag.confirm_date(path, *found)
            if plan.changed:
                retag.write(plan)
                print(f"{path}: date {plan.added['date'][0]} confirmed")
                confirmed += 1
        except (frontmatter.FrontMatterError, retag.RetagError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
        except OSError as exc:
            print(f"error: {path}: not written ({exc.strerror or exc})", file=sys.stderr)
            failed += 1
    print(f"confirm: {_plural(confirmed, 'date')} confirmed", file=sys.stderr)
    return 1 if failed else 0


# --- tag ------------------------------------------------------------------------------------
def _article(path: Path) -> tuple[str, str]:
    """(title, body) of a briefing or of a text file: title, a blank line, the body."""
    text = path.read_text(encoding="utf-8-sig")
    if frontmatter.has_front_matter(text):
        doc = frontmatter.parse(text, str(path), require_date=False)
        return doc.meta["title"], doc.body
    title, _, body = text.lstrip().partition("\n")
    return title.strip(), body


def cmd_tag(args: argparse.Namespace) -> int:
    try:
        files = iter_files(args.paths, MARKDOWN_SUFFIXES + (".txt",))
        tag = _tagger(args)
    except (FileNotFoundError, frontmatter.FrontMatterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for path in files:
        try:
            title, body = _article(path)
        except (frontmatter.FrontMatterError, UnicodeDecodeError) as exc:
            print(f"error: {path}: {exc}" if isinstance(exc, UnicodeDecodeError)
                  else f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        tags = tag(title, body)
        if args.json:
            print(json.dumps({"path": str(path), **{f: tags.get(f, [])
                                                     for f in FACETS}},
                             ensure_ascii=False))
        else:
            parts = [f"{f}: {', '.join(tags.get(f, [])) or '-'}" for f in FACETS]
            print(f"{path}: " + "; ".join(parts))
    return 1 if failed else 0


# --- retag ----------------------------------------------------------------------------------
def cmd_retag(args: argparse.Namespace) -> int:
    from briefing.ingest import retag

    try:
        files = iter_markdown(args.paths)
        tag = _tagger(args)
    except (FileNotFoundError, frontmatter.FrontMatterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changed = failed = 0
    for path in files:
        try:
            found = _read_briefing(path)
        except frontmatter.FrontMatterError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        except OSError as exc:
            print(f"error: {path}: cannot be read ({exc.strerror})", file=sys.stderr)
            failed += 1
            continue
        if found is None:
            continue  # Pelican's own Key: value format
        text, doc = found
        if "date" not in doc.meta:
            continue  # a page, not a briefing
        try:
            plan = retag.plan(path, text, doc, tag(doc.meta["title"], doc.body))
            if not plan.changed:
                continue
            for facet, names in plan.added.items():
                for name in names:
                    print(f"{path}: + {facet}: {name}")
            if args.write:
                retag.write(plan)
        except retag.RetagError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        except OSError as exc:  # a read-only folder, a full disk
            print(f"error: {path}: not written ({exc.strerror or exc})", file=sys.stderr)
            failed += 1
            continue
        changed += 1
    verb = "updated" if args.write else "would gain tags (run with --write to add them)"
    print(f"retag: {_plural(changed, 'briefing')} {verb}; {_plural(len(files), 'file')} "
          "read; no tag is ever removed", file=sys.stderr)
    return 1 if failed else 0


# --- ingest ---------------------------------------------------------------------------------
def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2024-12-18, got {text!r}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(text: str) -> str:
    """A message on one line: a newline or other control character in a file's name is
    shown escaped (\\n), as Python writes it."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class Progress:
    """One status line per file, or a live counter on a terminal."""

    LABELS = {"written": "written", "updated": "updated", "unchanged": "already ingested",
              "failed": "FAILED", "would-write": "would write"}

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.stream = total, 0, stream or sys.stderr
        self.live = self.stream.isatty() and total > 1

    def step(self, outcome) -> None:
        self.done += 1
        where = f" -> {outcome.target}" if outcome.target and outcome.status != "failed" else ""
        line = _one_line(f"[{self.done}/{self.total}] {outcome.source.name}: "
                         f"{self.LABELS[outcome.status]}{where}")
        if self.live:
            self.stream.write("\r\x1b[K" + line[:200])
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def cmd_ingest(args: argparse.Namespace) -> int:
    from briefing.ingest import pipeline as ingest
    from briefing.core import vocabulary

    if args.source_url and not args.source_url.startswith(("http://", "https://")):
        print(f"error: --source-url must be an http(s) address, got {args.source_url!r}",
              file=sys.stderr)
        return 2
    options = ingest.IngestOptions(out=Path(args.out), date=args.date,
                                   source_url=args.source_url, force=args.force,
                                   dry_run=args.dry_run)
    try:
        ingest.check_out(options.out)
    except ingest.OutFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exitcode
    files, outcomes = ingest.collect_inputs(args.paths)
    near: list[list] = []
    try:
        tagger = _tagger(args, near)
    except vocabulary.VocabularyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def waiting() -> None:
        print(f"waiting for another ingest into {options.out} to finish…", file=sys.stderr,
              flush=True)

    progress = Progress(len(files))
    with ingest.prepared(options, on_wait=waiting) as existing:
        for path in files:
            outcome = ingest.ingest_file(path, options, existing, tagger)
            outcomes.append(outcome)
            progress.step(outcome)
    counts = {k: sum(1 for o in outcomes if o.status == k)
              for k in ("written", "updated", "would-write", "unchanged", "failed")}
    for outcome in outcomes:
        for warning in outcome.warnings:
            print(f"warning: {_one_line(warning)}", file=sys.stderr)
    for outcome in outcomes:
        if outcome.status == "failed":
            print(f"error: {_one_line(outcome.message)}", file=sys.stderr)
    parts = [f"{counts['written']} written", f"{counts['updated']} updated",
             f"{counts['unchanged']} already ingested", f"{counts['failed']} failed"]
    if counts["would-write"]:
        parts.insert(0, f"{counts['would-write']} would be written (dry run)")
    if not outcomes:
        parts = ["nothing to ingest"]
    maybe = sum(len(found) for found in near)
    if maybe:
        parts.append(f"{_plural(maybe, 'near-miss tag')} in "
                     f"{_plural(sum(1 for found in near if found), 'briefing')} to review "
                     "(`briefing check` lists them)")
    print("ingest: " + ", ".join(parts), file=sys.stderr)
    return 1 if counts["failed"] else 0


# --- the parser -------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Turn raw news pages into curated Markdown briefings, and check them.")
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def vocabulary_option(p):
        p.add_argument("--vocabulary", metavar="FILE",
                       help="vocabulary file (default: vocabulary.yaml of the project, or "
                            "$BRIEFING_VOCABULARY)")

    ing = sub.add_parser(
        "ingest", help="turn raw page dumps (.txt) and saved pages (.html) into briefings",
        description="Clean, tag and write each raw page as a briefing. PATH is a file or a "
                    "folder. Re-ingesting the same page changes nothing; a briefing edited "
                    "by hand is never overwritten without --force.")
    ing.add_argument("paths", nargs="+", metavar="PATH", help="raw files or folders")
    ing.add_argument("--out", default="content/briefings",
                     help="folder the briefings are written to (default: content/briefings)")
    ing.add_argument("--date", type=_date_arg, metavar="YYYY-MM-DD",
                     help="date for pages that show none (default: today, marked for review)")
    ing.add_argument("--source-url", metavar="URL", help="the address the page came from")
    ing.add_argument("--force", action="store_true",
                     help="replace briefings edited by hand (a backup is kept)")
    ing.add_argument("--dry-run", action="store_true", help="show what would be written")
    vocabulary_option(ing)
    ing.set_defaults(func=cmd_ingest)

    tag = sub.add_parser(
        "tag", help="print the tags of cleaned articles",
        description="Tag briefings (.md) or cleaned articles (.txt: the title on the first "
                    "line, a blank line, then the body) and print their tags.")
    tag.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    tag.add_argument("--json", action="store_true",
                     help='one JSON object per line: {"path", "region", "actors", "systems"}')
    vocabulary_option(tag)
    tag.set_defaults(func=cmd_tag)

    re_ = sub.add_parser(
        "retag", help="add tags to existing briefings after a vocabulary change",
        description="Tag existing briefings again and show the tags that would be added; "
                    "--write adds them. A tag an editor set is never removed.")
    re_.add_argument("paths", nargs="*", default=["content/briefings"], metavar="PATH",
                     help="briefing files or folders (default: content/briefings)")
    re_.add_argument("--write", action="store_true", help="add the tags to the files")
    vocabulary_option(re_)
    re_.set_defaults(func=cmd_retag)

    check = sub.add_parser(
        "check", help="validate briefings: front matter, tags, vocabulary",
        description="Validate the vocabulary and every briefing under the given files or "
                    "folders: front matter, and every tag a vocabulary term (with a "
                    "suggestion for aliases and near misses). Lists briefings whose date was "
                    "guessed at ingest, and each briefing's near-miss tags (found below the "
                    "bar; not problems). Exit 1 when there is any problem.")
    check.add_argument("paths", nargs="*", default=["content"], metavar="PATH",
                       help="briefing files or folders (default: content)")
    check.add_argument("--no-maybe", action="store_true",
                       help="do not tag the briefings again to list their near-miss tags")
    vocabulary_option(check)
    check.set_defaults(func=cmd_check)

    acc = sub.add_parser(
        "accept", help="add a briefing's near-miss tags (those `check` lists) to its tags",
        description="Tag each briefing again and add its near misses (terms found below the "
                    "bar for a tag, as `briefing check` lists them) to its tags; only the "
                    "facet lines change.")
    acc.add_argument("paths", nargs="+", metavar="PATH", help="briefing files or folders")
    acc.add_argument("--only", action="append", metavar="NAME",
                     help="accept only this term (repeat for more)")
    acc.add_argument("--dry-run", action="store_true", help="show what would be added")
    vocabulary_option(acc)
    acc.set_defaults(func=cmd_accept)

    con = sub.add_parser(
        "confirm", help="mark the dates ingest guessed as checked",
        description="For each briefing whose date ingest had to guess (`check` lists them), "
                    "record that an editor checked it: provenance date_source becomes "
                    "checked; nothing else in the file changes.")
    con.add_argument("paths", nargs="+", metavar="PATH", help="briefing files or folders")
    con.set_defaults(func=cmd_confirm)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted: files already written are complete; nothing is half-written",
              file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The commands over raw pages and tags: ``ingest`` (raw pages into briefings, as drafts),
``tag`` (print an article's tags), ``retag`` (add tags after a vocabulary change)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from briefing.core import frontmatter
from briefing.core.facets import FACETS

from .common import (
    Briefings, failure, iter_files, iter_markdown, MARKDOWN_SUFFIXES,
    plural, print_added, tagger_of)


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
        tag = tagger_of(args)
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
        tag = tagger_of(args)
    except (FileNotFoundError, frontmatter.FrontMatterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changed = failed = held = 0
    briefings = Briefings(files)
    for path, text, doc in briefings:
        try:
            plan = retag.plan(path, text, doc, tag(doc.meta["title"], doc.body))
            for facet, names in plan.held.items():
                held += len(names)
                for name in names:
                    print(f"{path}: not proposed again: {facet}: {name} (an editor removed it)")
            if not plan.changed:
                continue
            print_added(path, plan)
            if args.write:
                retag.write(plan)
        except (retag.RetagError, OSError) as exc:  # OSError: a read-only folder, a full disk
            print(failure(path, exc), file=sys.stderr)
            failed += 1
            continue
        changed += 1
    verb = "updated" if args.write else "would gain tags (run with --write to add them)"
    kept = f"; {plural(held, 'tag')} an editor removed not proposed again" if held else ""
    print(f"retag: {plural(changed, 'briefing')} {verb}; {plural(len(files), 'file')} "
          f"read; no tag is ever removed{kept}", file=sys.stderr)
    return 1 if failed or briefings.failed else 0


# --- ingest ---------------------------------------------------------------------------------
def date_arg(text: str) -> dt.date:
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
              "failed": "FAILED", "would-write": "would write",
              "duplicate": "skipped (a near-duplicate)"}

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
                                   dry_run=args.dry_run, publish=args.publish,
                                   skip_duplicates=args.skip_duplicates)
    try:
        ingest.check_out(options.out)
    except ingest.OutFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exitcode
    files, outcomes = ingest.collect_inputs(args.paths)
    near: list[list] = []
    try:
        tagger = tagger_of(args, near)
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
              for k in ("written", "updated", "would-write", "unchanged", "duplicate", "failed")}
    for outcome in outcomes:
        for warning in outcome.warnings:
            print(f"warning: {_one_line(warning)}", file=sys.stderr)
    for outcome in outcomes:
        if outcome.status == "duplicate":
            print(f"skipped: {_one_line(outcome.message)}", file=sys.stderr)
        elif outcome.status == "failed":
            print(f"error: {_one_line(outcome.message)}", file=sys.stderr)
    parts = [f"{counts['written']} written", f"{counts['updated']} updated",
             f"{counts['unchanged']} already ingested", f"{counts['failed']} failed"]
    if counts["would-write"]:
        parts.insert(0, f"{counts['would-write']} would be written (dry run)")
    if counts["duplicate"]:
        parts.insert(-1, f"{counts['duplicate']} skipped as near-duplicates")
    if not outcomes:
        parts = ["nothing to ingest"]
    if counts["written"] and not options.publish and not options.dry_run:
        parts.append("new briefings are drafts: `make review`, then `briefing publish FILE`")
    maybe = sum(len(found) for found in near)
    if maybe:
        parts.append(f"{plural(maybe, 'near-miss tag')} in "
                     f"{plural(sum(1 for found in near if found), 'briefing')} to review "
                     "(`briefing check` lists them)")
    print("ingest: " + ", ".join(parts), file=sys.stderr)
    return 1 if counts["failed"] else 0

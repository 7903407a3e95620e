"""The editor's desk: ``check`` (every problem, guessed dates, near misses), ``accept``
(near misses into tags), ``confirm`` (a guessed date), ``review`` (the drafts, with what needs
a look) and ``publish`` (drafts that pass check; published briefings whose text changed since
they were published get ``modified``: :mod:`briefing.ingest.revision`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from briefing.core import frontmatter
from briefing.ingest.review import date_guessed, doubts, title_unsure

from .common import (
    Briefings, check_tags, failure, iter_markdown, make_tagger, near_misses_of,
    plural, print_added, read_briefing, vocabulary_of)


def cmd_check(args: argparse.Namespace) -> int:
    from briefing.core import vocabulary

    try:
        files = iter_markdown(args.paths)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    errors = 0
    try:
        vocab = vocabulary_of(args)
    except vocabulary.VocabularyError as exc:
        print(exc)
        return 1
    for line, message in vocab.problems:
        print(f"{vocab.path}:{line}: {message}" if line else f"{vocab.path}: {message}")
        errors += 1
    read = 0
    guessed: list[str] = []
    maybe: list[str] = []
    tagger = None if args.no_maybe else make_tagger(vocab)
    fixed = 0
    for path in files:
        if args.fix:
            fixed += _fix(path, vocab)
        try:
            found = read_briefing(path)
        except frontmatter.FrontMatterError as exc:
            print(exc)
            errors += len(exc.problems)
            if exc.partial is not None:  # the tags that could be read are checked still
                for problem in check_tags(path, exc.partial, vocab):
                    print(problem)
                    errors += 1
            continue
        if found is None:
            continue  # Pelican's own Key: value format: not ours to check
        text, doc = found
        read += 1
        for problem in check_tags(path, doc, vocab):
            print(problem)
            errors += 1
        if date_guessed(doc.meta):
            line = doc.lines.get("date", "")
            guessed.append(f"{path}:{line}: the date ({doc.meta['date'].date()}) was guessed "
                           f"at ingest; check it, then run `briefing confirm {path}`")
        if title_unsure(doc.meta):
            line = doc.lines.get("title", "")
            guessed.append(f"{path}:{line}: the title was picked with low confidence at "
                           f"ingest; check it, then run `briefing confirm {path}`")
        if tagger is not None and "date" in doc.meta:  # a briefing, not a page
            maybe += [f"{path}: {miss}" for miss in near_misses_of(tagger, doc)]
    if maybe:
        print(f"{plural(len(maybe), 'near-miss tag')} (found, below the bar for a tag; "
              "`briefing accept FILE` adds a briefing's):")
        for message in maybe:
            print(f"  {message}")
    if guessed:
        print(f"{plural(len(guessed), 'field')} to review (guessed at ingest):")
        for message in guessed:
            print(f"  {message}")
    status = "ok" if not errors else plural(errors, "problem")
    done = f" (fixed {plural(fixed, 'briefing')})" if args.fix else ""
    print(f"checked {plural(read, 'briefing')} and {plural(len(vocab), 'vocabulary term')}"
          f"{done}: {status}", file=sys.stderr)
    return 1 if errors else 0


_COMMAS = "is one text with commas"  # the one problem --fix can mend in a file that fails


def _fix(path, vocab) -> int:
    """``check --fix`` on one file: its aliases written as their terms, its comma texts as
    lists (1 when the file was rewritten). A file with other problems is left for the check
    to report."""
    from briefing.ingest import retag

    try:
        found = read_briefing(path)
    except frontmatter.FrontMatterError as exc:
        if exc.partial is None or not all(_COMMAS in message for _, message in exc.problems):
            return 0
        text, doc = path.read_bytes().decode("utf-8"), exc.partial
    else:
        if found is None:
            return 0
        text, doc = found
    try:
        plan = retag.canonical_names(path, text, doc, vocab)
        if not plan.changed:
            return 0
        retag.write(plan)
    except (retag.RetagError, OSError) as exc:
        print(failure(path, exc), file=sys.stderr)
        return 0
    for facet, names in plan.added.items():
        for name in names:
            print(f"{path}: fixed {facet}: {name}")
    return 1


# --- accept ---------------------------------------------------------------------------------
def cmd_accept(args: argparse.Namespace) -> int:
    """Add a briefing's near misses (all, or those named) to its tags, editing only the
    facet lines (as retag does)."""
    from briefing.ingest import retag

    try:
        files = iter_markdown(args.paths)
        tagger = make_tagger(vocabulary_of(args))
    except (FileNotFoundError, frontmatter.FrontMatterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    wanted = {name.casefold() for name in args.only or []}
    seen: set[str] = set()
    added = changed = failed = 0
    briefings = Briefings(files)
    for path, text, doc in briefings:
        try:
            misses = [m for m in near_misses_of(tagger, doc)
                      if not wanted or m.name.casefold() in wanted]
            seen.update(m.name.casefold() for m in misses)
            if not misses:
                continue
            tags: dict[str, list[str]] = {}
            for miss in misses:
                tags.setdefault(miss.facet, []).append(miss.name)
            plan = retag.plan(path, text, doc, tags)
            print_added(path, plan)
            if plan.changed and not args.dry_run:
                retag.write(plan)
        except (frontmatter.FrontMatterError, retag.RetagError, OSError) as exc:
            print(failure(path, exc), file=sys.stderr)
            failed += 1
            continue
        added += sum(len(names) for names in plan.added.values())
        changed += plan.changed
    for name in sorted(wanted - seen):
        print(f"warning: {name!r} is not a near miss of any briefing given", file=sys.stderr)
    verb = "would be added (dry run)" if args.dry_run else "added"
    print(f"accept: {plural(added, 'tag')} {verb} to {plural(changed, 'briefing')}",
          file=sys.stderr)
    return 1 if failed or briefings.failed else 0


# --- confirm --------------------------------------------------------------------------------
def cmd_confirm(args: argparse.Namespace) -> int:
    """Mark the dates and titles ingest guessed as checked (after the editor looked)."""
    from briefing.ingest import retag

    try:
        files = iter_markdown(args.paths)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    confirmed = failed = 0
    briefings = Briefings(files)
    for path, text, doc in briefings:
        try:
            plan = retag.confirm(path, text, doc)
            if plan.changed:
                retag.write(plan)
                for what, (value,) in plan.added.items():
                    print(f"{path}: {what} confirmed: {value}")
                confirmed += 1
        except (frontmatter.FrontMatterError, retag.RetagError, OSError) as exc:
            print(failure(path, exc), file=sys.stderr)
            failed += 1
    print(f"confirm: {plural(confirmed, 'briefing')} confirmed", file=sys.stderr)
    return 1 if failed or briefings.failed else 0


# --- review and publish ---------------------------------------------------------------------
def _briefings(args: argparse.Namespace):
    """(briefings, unreadable count, vocabulary) for review and publish, or None once an
    error is printed: the given files, as (path, text, Document); a file that cannot be read
    is named on stderr."""
    try:
        files = iter_markdown(args.paths)
        vocab = vocabulary_of(args)
    except (FileNotFoundError, frontmatter.FrontMatterError) as exc:  # a VocabularyError too
        print(f"error: {exc}", file=sys.stderr)
        return None
    briefings = Briefings(files, pages=True)
    found = list(briefings)
    return found, briefings.failed, vocab


def _drafts(args: argparse.Namespace):
    """As :func:`_briefings`, only the drafts (status: draft)."""
    found = _briefings(args)
    if found is None:
        return None
    briefings, failed, vocab = found
    return [b for b in briefings if b[2].meta.get("status") == "draft"], failed, vocab


def cmd_review(args: argparse.Namespace) -> int:
    """The drafts awaiting review, each with what needs a look."""
    found = _drafts(args)
    if found is None:
        return 2
    drafts, _unreadable, vocab = found
    tagger = make_tagger(vocab)
    for path, _text, doc in drafts:
        notes = check_tags(path, doc, vocab)
        if date_guessed(doc.meta):
            notes.append(f"the date ({doc.meta['date'].date()}) was guessed at ingest "
                         "(`briefing confirm` once checked)")
        source = doc.meta.get("source") or {}
        if not (isinstance(source, dict) and source.get("url")):
            notes.append("no source address (source: url)")
        if not doc.meta.get("author"):
            notes.append("no author (none is shown)")
        notes += doubts(doc.meta, vocab)
        if doc.meta.get("duplicate_of"):
            notes.append(f"a near-duplicate of {doc.meta['duplicate_of']} (ingest found the "
                         "same text there): keep one, or remove duplicate_of to keep both")
        notes += [str(miss) for miss in near_misses_of(tagger, doc)]
        print(f"{path}: {doc.meta.get('title')}")
        for note in notes:
            print(f"  - {note}")
    print(f"review: {plural(len(drafts), 'draft')} awaiting review; `briefing publish FILE` "
          "publishes one once `briefing check` passes for it", file=sys.stderr)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish drafts (status: draft -> published) that pass check; the others are named. A
    draft published before, or a published briefing, whose text changed since it was last
    published gets ``modified`` (today): its page says "Updated"."""
    from briefing.ingest import retag, revision

    found = _briefings(args)
    if found is None:
        return 2
    briefings, unreadable, vocab = found
    today = dt.date.today()
    dry = args.dry_run
    published = updated = held = 0
    for path, text, doc in briefings:
        draft = doc.meta.get("status") == "draft"
        if not draft and not revision.changed_since_published(doc):
            continue
        problems = check_tags(path, doc, vocab) if draft else []
        if problems:
            print(f"{path}: not published; fix first:", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            held += 1
            continue
        try:
            plan = revision.publish(path, text, doc, today)
            if plan.text and not dry:
                retag.write(plan)
        except (retag.RetagError, frontmatter.FrontMatterError, OSError) as exc:
            print(failure(path, exc), file=sys.stderr)
            held += 1
            continue
        dated = f"updated {today.isoformat()}" if "modified" in plan.added else ""
        if draft:
            verb = "would be published" if dry else "published"
            print(f"{path}: {verb}" + (f" ({dated}: changed since it was last published)"
                                        if dated else ""))
            published += 1
        elif dated:
            print(f"{path}: changed since it was published: "
                  f"{'would be marked' if dry else 'marked'} {dated}")
            updated += 1
    print(f"publish: {plural(published, 'draft')} "
          f"{'would be published' if dry else 'published'}"
          + (f", {plural(updated, 'published briefing')} "
             f"{'would be marked' if dry else 'marked'} updated" if updated else "")
          + (f", {held} held back (see above)" if held else "")
          + (f", {plural(unreadable, 'file')} unreadable (see above)" if unreadable else ""),
          file=sys.stderr)
    return 1 if held or unreadable else 0

"""The ``briefing`` command line: ingest, tag, retag, check, accept, confirm, review and publish
briefings (the parser and ``main`` here; the commands in :mod:`.commands` and :mod:`.desk`)."""

from __future__ import annotations

import argparse
import logging
import sys

from briefing import __version__

from .commands import date_arg, cmd_ingest, cmd_retag, cmd_tag
from .desk import cmd_accept, cmd_check, cmd_confirm, cmd_publish, cmd_review
from .vocab import add_parser as add_term_parser


# --- the parser -------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Turn raw news pages into curated Markdown briefings, and check them.")
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, func, help, description, paths="briefing files or folders",
                default=None, vocabulary=True):
        """One subcommand: its PATH arguments (one or more; none for its default), the
        --vocabulary option where it reads the vocabulary, and the function it runs."""
        p = sub.add_parser(name, help=help, description=description)
        if default is None:
            p.add_argument("paths", nargs="+", metavar="PATH", help=paths)
        else:
            p.add_argument("paths", nargs="*", default=[default], metavar="PATH",
                           help=f"{paths} (default: {default})")
        if vocabulary:
            p.add_argument("--vocabulary", metavar="FILE",
                           help="vocabulary file (default: vocabulary.yaml of the project, "
                                "or $BRIEFING_VOCABULARY)")
        p.set_defaults(func=func)
        return p

    ing = command(
        "ingest", cmd_ingest, paths="raw files or folders",
        help="turn raw page dumps (.txt) and saved pages (.html) into briefings",
        description="Clean, tag and write each raw page as a briefing. PATH is a file or a "
                    "folder. Re-ingesting the same page changes nothing; a briefing edited "
                    "by hand is never overwritten without --force.")
    ing.add_argument("--out", default="content/briefings",
                     help="folder the briefings are written to (default: content/briefings)")
    ing.add_argument("--date", type=date_arg, metavar="YYYY-MM-DD",
                     help="date for pages that show none (default: today, marked for review)")
    ing.add_argument("--source-url", metavar="URL", help="the address the page came from")
    ing.add_argument("--force", action="store_true",
                     help="replace briefings edited by hand (a backup is kept)")
    ing.add_argument("--dry-run", action="store_true", help="show what would be written")
    ing.add_argument("--publish", action="store_true",
                     help="publish new briefings at once (default: drafts, for review: "
                          "`briefing publish` publishes them)")
    ing.add_argument("--skip-duplicates", action="store_true",
                     help="leave out a page whose text is a near-duplicate of a briefing "
                          "(default: write it as a draft with duplicate_of naming the other)")

    tag = command(
        "tag", cmd_tag, paths="files or folders", help="print the tags of cleaned articles",
        description="Tag briefings (.md) or cleaned articles (.txt: the title on the first "
                    "line, a blank line, then the body) and print their tags.")
    tag.add_argument("--json", action="store_true",
                     help='one JSON object per line: {"path", "region", "actors", "systems"}')

    re_ = command(
        "retag", cmd_retag, default="content/briefings",
        help="add tags to existing briefings after a vocabulary change",
        description="Tag existing briefings again and show the tags that would be added; "
                    "--write adds them. A tag an editor set is never removed.")
    re_.add_argument("--write", action="store_true", help="add the tags to the files")

    check = command(
        "check", cmd_check, default="content",
        help="validate briefings: front matter, tags, vocabulary",
        description="Validate the vocabulary and every briefing under the given files or "
                    "folders: front matter, and every tag a vocabulary term (with a "
                    "suggestion for aliases and near misses). Lists briefings whose date was "
                    "guessed at ingest, and each briefing's near-miss tags (found below the "
                    "bar; not problems). Exit 1 when there is any problem.")
    check.add_argument("--no-maybe", action="store_true",
                       help="do not tag the briefings again to list their near-miss tags")
    check.add_argument("--fix", action="store_true",
                       help="write each alias as its term's name (IRGC: Islamic Revolutionary "
                            "Guard Corps) and a facet written as one text with commas as a "
                            "list, editing only those values; then check")

    acc = command(
        "accept", cmd_accept,
        help="add a briefing's near-miss tags (those `check` lists) to its tags",
        description="Tag each briefing again and add its near misses (terms found below the "
                    "bar for a tag, as `briefing check` lists them) to its tags; only the "
                    "facet lines change.")
    acc.add_argument("--only", action="append", metavar="NAME",
                     help="accept only this term (repeat for more)")
    acc.add_argument("--dry-run", action="store_true", help="show what would be added")

    command("confirm", cmd_confirm, vocabulary=False,
            help="mark the dates and titles ingest guessed as checked",
            description="For each briefing whose date ingest had to guess, or whose title "
                        "it picked with low confidence (`check` lists them), record that an "
                        "editor checked it: provenance date_source and title_source become "
                        "checked; nothing else in the file changes.")

    command("review", cmd_review, default="content/briefings",
            help="list the drafts awaiting review, with what needs a look in each",
            description="List every draft (status: draft; what ingest writes) with what "
                        "needs a look: tags not in the vocabulary, a guessed date, no source "
                        "address or author, near-miss tags.")

    pub = command(
        "publish", cmd_publish,
        help="publish drafts that pass check (status: draft -> published)",
        description="Publish the drafts among the given files or folders: status draft "
                    "becomes published, and what was published is recorded (provenance: "
                    "published_digest). A briefing whose title, summary, caption or text "
                    "changed since it was last published also gets modified: <today>. "
                    "Nothing else changes. A draft whose tags check refuses is held back, "
                    "with the reasons.")
    pub.add_argument("--dry-run", action="store_true", help="show what would be published")
    add_term_parser(sub)
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

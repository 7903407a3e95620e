"""``briefing term add``: add a term to the vocabulary without writing the entry by hand
(the logic, and every check, is :mod:`briefing.core.vocabedit`; this is the command line)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from briefing.core.facets import FACETS

from .common import vocabulary_file


def vocabulary_path(args: argparse.Namespace) -> str:
    """The vocabulary file (:func:`.common.vocabulary_file`) as the editor would write it:
    relative to the current folder when it is below it."""
    path = vocabulary_file(args)
    if getattr(args, "vocabulary", None):
        return str(path)
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) \
            else str(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def cmd_term(args: argparse.Namespace) -> int:
    """``briefing term add``: 0 when the term was added (or, with --dry-run, would be), 1
    when it is refused (the file untouched), with one line saying why."""
    from briefing.core.vocabedit import TermError, add_term

    path = vocabulary_path(args)
    try:
        result = add_term(
            path, args.facet, args.name, parent=args.parent, aliases=args.aliases or (),
            adjectives=args.adjectives or (), kind=args.kind, description=args.description,
            slug=args.slug, match=args.match, iso=args.iso, lat=args.lat, lon=args.lon,
            dry_run=args.dry_run)
    except TermError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a read-only folder, a full disk
        print(f"error: {path}: not written ({exc.strerror or exc})", file=sys.stderr)
        return 1
    term = result.term
    details = [f"slug {term.slug}"]
    if term.parent:
        details.append(f"parent {term.parent}")
    if term.aliases:
        details.append(f"aliases {', '.join(term.aliases)}")
    if not term.match:
        details.append("match: false")
    what = f'{term.facet} "{term.name}" ({"; ".join(details)})'
    if result.written:
        print(f"{path}:{result.line}: added {what}")
    else:
        print(f"{path}:{result.line}: would add {what} (dry run: nothing written):")
        sys.stdout.write(result.entry)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.written:
        if term.match:
            option = f" --vocabulary {args.vocabulary}" if getattr(args, "vocabulary", None) \
                else ""
            print(f"next: `briefing retag{option}` shows the briefings that would be tagged "
                  "with it (--write adds the tags)", file=sys.stderr)
        else:
            print("next: with match: false the tagger never finds it in text; add it to "
                  "briefings by hand", file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Declare ``briefing term add`` on the ``briefing`` parser's subcommands (``sub``, what
    ``add_subparsers`` returned): a command with actions, so that other edits of the
    vocabulary (rename, alias) can join ``add`` later."""
    term = sub.add_parser(
        "term", help="edit the vocabulary: add a term",
        description="Edit the vocabulary file in place; every other line of it stays as it "
                    "is.")
    actions = term.add_subparsers(dest="term_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help="add a term to a facet of the vocabulary",
        description="Add one term as the last entry of FACET in the vocabulary file, "
                    "written like the entries around it. Refused, the file untouched, when "
                    "the name or an alias already is a term or an alias of the facet, the "
                    "parent is not a term of the facet, or the slug is taken or not "
                    "lower-case letters, digits and hyphens. Exit 1 when refused.")
    add.add_argument("facet", metavar="FACET", choices=FACETS,
                     help=f"the facet: {', '.join(FACETS)}")
    add.add_argument("name", metavar="NAME", help="the canonical name, as the site shows it")
    add.add_argument("--parent", metavar="P", help="a term of the same facet (Libya for "
                                                   "Tobruk)")
    add.add_argument("--alias", dest="aliases", action="append", metavar="A",
                     help="another spelling that means exactly this term (repeat for more)")
    add.add_argument("--adjective", dest="adjectives", action="append", metavar="ADJ",
                     help="countries: a nationality adjective, Libyan (repeat for more)")
    add.add_argument("--kind", metavar="K",
                     help="what the term is: country, city, person, armed-force, missile...")
    add.add_argument("--description", metavar="D", help="one factual line for its page")
    add.add_argument("--slug", metavar="S", help="address of its page (default: made from "
                                                 "the name)")
    add.add_argument("--no-match", dest="match", action="store_false",
                     help="the tagger never finds it in text (a category)")
    add.add_argument("--iso", metavar="CC", help="countries (region): the ISO 3166-1 code, "
                                                 "as FR; every country needs one")
    add.add_argument("--lat", type=float, metavar="DEG", help="places below country level "
                     "(region): where it is, degrees north, for the maps (with --lon)")
    add.add_argument("--lon", type=float, metavar="DEG",
                     help="degrees east (with --lat)")
    add.add_argument("--vocabulary", metavar="FILE",
                     help="vocabulary file (default: vocabulary.yaml of the project, or "
                          "$BRIEFING_VOCABULARY)")
    add.add_argument("--dry-run", action="store_true",
                     help="show the entry that would be added; write nothing")
    add.set_defaults(func=cmd_term)
    return term

"""The ``briefing`` command line: ``briefing check`` and, with later stages, ingest and tag."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from briefing import __version__, frontmatter

logger = logging.getLogger("briefing")

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def iter_markdown(paths: list[str]) -> list[Path]:
    """Every Markdown file under the given files and folders, sorted, without duplicates."""
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.suffix in MARKDOWN_SUFFIXES
                         and p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            raise FileNotFoundError(f"{raw}: no such file or folder")
    return sorted(found)


def cmd_check(args: argparse.Namespace) -> int:
    try:
        files = iter_markdown(args.paths)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    errors = 0
    read = 0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            print(f"{path}: the file is not UTF-8 text; save it as UTF-8")
            errors += 1
            continue
        if not frontmatter.has_front_matter(text):
            continue
        read += 1
        in_pages = "pages" in path.parts
        try:
            frontmatter.parse(text, str(path), require_date=not in_pages)
        except frontmatter.FrontMatterError as exc:
            print(exc)
            errors += len(exc.problems)
    status = "ok" if not errors else f"{errors} problem{'s' if errors != 1 else ''}"
    print(f"checked {read} briefing{'s' if read != 1 else ''}: {status}", file=sys.stderr)
    return 1 if errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Turn raw news pages into curated Markdown briefings, and check them.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check", help="validate briefings: front matter, tags, vocabulary",
        description="Validate every briefing under the given files or folders and list "
                    "every problem as file:line: message. Exit 1 when there is any.")
    check.add_argument("paths", nargs="*", default=["content"], metavar="PATH",
                       help="briefing files or folders (default: content)")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

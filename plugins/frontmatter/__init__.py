"""Pelican reader for Markdown briefings that open with YAML front matter.

A thin adapter over :mod:`briefing.frontmatter`: the YAML is read with the safe
(C) loader and validated there; this module renders the body with
Python-Markdown and hands Pelican its metadata.  Files without a ``---`` first
line are read by Pelican's own Markdown reader (``Key: value`` metadata).

A file that cannot be read is reported as ``file:line: what is wrong`` and the
build goes on reading the others; once every file has been read, the build
fails with the list of every bad file (never a silent skip, never only the
first error).
"""

from __future__ import annotations

import logging
import os

from markupsafe import Markup, escape
from pelican import signals
from pelican.readers import MarkdownReader

from briefing import frontmatter

logger = logging.getLogger(__name__)

META_EXTENSION = "markdown.extensions.meta"


class BuildFailed(RuntimeError):
    """Raised after reading when some source files could not be read."""

    exitcode = 1
    report = True


class FrontMatterReader(MarkdownReader):
    """Markdown with YAML front matter; falls back to Pelican's reader otherwise."""

    def __init__(self, settings):
        super().__init__(settings)
        self.errors: list[str] = []
        md_settings = dict(self.settings["MARKDOWN"])
        md_settings["extensions"] = [
            e for e in md_settings.get("extensions", []) if e != META_EXTENSION
        ]
        md_settings["extension_configs"] = {
            k: v for k, v in md_settings.get("extension_configs", {}).items()
            if k != META_EXTENSION
        }
        self._body_md_settings = md_settings
        self._body_md = None

    def _display_path(self, source_path: str) -> str:
        rel = os.path.relpath(source_path)
        return source_path if rel.startswith("..") else rel

    def _is_article(self, source_path: str) -> bool:
        base = os.path.abspath(self.settings["PATH"])
        rel = os.path.relpath(os.path.abspath(source_path), base)
        for folder in self.settings.get("ARTICLE_PATHS", [""]):
            folder = os.path.normpath(folder)
            if folder in ("", ".") or rel == folder or rel.startswith(folder + os.sep):
                return not any(
                    rel == os.path.normpath(p) or rel.startswith(os.path.normpath(p) + os.sep)
                    for p in self.settings.get("PAGE_PATHS", [])
                )
        return False

    def render(self, body: str) -> str:
        """Render a Markdown body to HTML with the site's Markdown settings."""
        from markdown import Markdown

        if self._body_md is None:
            self._body_md = Markdown(**self._body_md_settings)
        else:
            self._body_md.reset()
        return self._body_md.convert(body)

    def read(self, source_path):
        display = self._display_path(source_path)
        try:
            with open(source_path, encoding="utf-8") as handle:
                text = handle.read()
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            return self._fail(frontmatter.FrontMatterError(
                display, [(line, "the file is not UTF-8 text; save it as UTF-8")]))
        if not frontmatter.has_front_matter(text):
            return super().read(source_path)
        try:
            doc = frontmatter.parse(
                text, display,
                require_date=self._is_article(source_path),
                timezone=self.settings.get("TIMEZONE"),
            )
        except frontmatter.FrontMatterError as exc:
            return self._fail(exc)
        return self.render(doc.body), self._pelican_metadata(doc.meta)

    def _fail(self, exc: frontmatter.FrontMatterError):
        for line in str(exc).splitlines():
            self.errors.append(line)
            logger.error("%s", line)
        raise exc

    def _pelican_metadata(self, meta: dict) -> dict:
        out = dict(meta)
        if "author" in meta:
            out["author"] = self.process_metadata("author", meta["author"])
        if "summary" in meta:
            # Pelican treats a summary as HTML; ours is plain text, so escape it once
            out["summary"] = Markup(escape(meta["summary"]))
        return out


def add_reader(readers):
    for ext in FrontMatterReader.file_extensions:
        readers.reader_classes[ext] = FrontMatterReader


def fail_on_unreadable(generators):
    """After every file was read: fail the build if any source file could not be read."""
    context = generators[0].context if generators else {}
    failed = sorted(p for p, c in context.get("generated_content", {}).items() if c is None)
    if not failed:
        return
    messages: list[str] = []
    for gen in generators:
        readers = getattr(gen, "readers", None)
        for reader in getattr(readers, "readers", {}).values():
            if isinstance(reader, FrontMatterReader):
                messages.extend(m for m in reader.errors if m not in messages)
    explained = {m.split(":", 1)[0] for m in messages}
    for path in failed:
        if not any(e.endswith(path) for e in explained):
            messages.append(f"{path}: could not be read (see the messages above)")
    read_ok = len(context["generated_content"]) - len(failed)
    raise BuildFailed(
        f"{len(failed)} source file{'s' if len(failed) != 1 else ''} could not be read "
        f"({read_ok} other{'s' if read_ok != 1 else ''} read fine); fix and build again:\n  "
        + "\n  ".join(sorted(messages))
    )


class _NoTraceback(logging.Filter):
    """Pelican logs a failed build with its traceback; ours are reports, not crashes
    (any exception with ``report = True``: a failed read, invalid settings)."""

    def filter(self, record):
        if record.exc_info and getattr(record.exc_info[1], "report", False):
            record.exc_info = None
        return True


def register():
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(f, _NoTraceback) for f in pelican_logger.filters):
        pelican_logger.addFilter(_NoTraceback())
    signals.readers_init.connect(add_reader)
    signals.all_generators_finalized.connect(fail_on_unreadable)

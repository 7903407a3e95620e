"""Integrity: nothing lost, nothing overwritten, nothing half-written.

* Once every source file has been read, the build fails (exit 1) with one report listing:
  every file that could not be read (with the reader's ``file:line`` messages), any two
  briefings or pages that would be written to the same place or share an address (naming
  both files), any output path that would leave OUTPUTDIR or is too long, and any file in a
  content folder that no reader takes (so it would silently not appear).  Files Pelican
  ignores (``IGNORE_FILES``: hidden files, ingest's ``*.bak`` backups) are not reported.
* Every page is written atomically by the ``fastbuild`` plugin's writer (a temporary file,
  then a rename), and a page whose bytes did not change is not rewritten.
* The output folder is claimed (``briefing.outputdir``) so ``make clean`` only removes what
  builds made.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re

from pelican import signals

from briefing import outputdir

logger = logging.getLogger(__name__)

MAX_NAME_BYTES = 200  # one path component; file systems allow 255


class BuildFailed(RuntimeError):
    """The build stopped on a report for the user, not a crash (no traceback)."""

    exitcode = 1
    report = True


def _source(content) -> str:
    return content.get_relative_source_path() if content is not None else "?"


def _unsafe(save_as: str) -> str | None:
    if not save_as:
        return None
    if "\x00" in save_as:
        return "contains a NUL character"
    if os.path.isabs(save_as) or save_as.startswith(("/", "\\")):
        return "is an absolute path"
    parts = save_as.replace("\\", "/").split("/")
    if ".." in parts:
        return "walks out of the output folder ('..')"
    if any(len(p.encode("utf-8")) > MAX_NAME_BYTES for p in parts):
        return f"has a name longer than {MAX_NAME_BYTES} bytes"
    return None


def _contents(generators):
    for gen in generators:
        for attr in ("articles", "translations", "drafts", "drafts_translations",
                     "hidden_articles", "hidden_translations", "pages", "hidden_pages",
                     "draft_pages"):
            for content in getattr(gen, attr, []) or []:
                yield content


def _unread_files(generators, settings) -> list[str]:
    """Files in the content folders that no reader takes and that are not ignored."""
    base = os.path.join(settings["PATH"], "")
    # IGNORE_FILES as Pelican applies them (to a name or to its path under PATH), as one
    # pattern: this runs over every file of the archive on every build
    patterns = settings.get("IGNORE_FILES", [])
    ignored = re.compile("|".join(fnmatch.translate(p) for p in patterns)).match \
        if patterns else (lambda _name: None)
    readers = set()
    for gen in generators:
        readers.update(getattr(getattr(gen, "readers", None), "readers", {}) or {})
    folders = list(settings.get("ARTICLE_PATHS", [])) + list(settings.get("PAGE_PATHS", []))
    static = [os.path.normpath(p) for p in settings.get("STATIC_PATHS", [])]
    found = []
    for folder in folders:
        root = os.path.join(base, folder)
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, base)
            prefix = "" if rel_dir == os.curdir else rel_dir + os.sep
            dirnames[:] = [d for d in dirnames
                           if not (ignored(d) or ignored(prefix + d))]
            for name in filenames:
                rel = prefix + name
                if ignored(name) or ignored(rel):
                    continue
                if any(rel == s or rel.startswith(s + os.sep) for s in static):
                    continue
                ext = name.rsplit(".", 1)[-1] if "." in name else ""
                if ext not in readers:
                    found.append(rel)
    return sorted(set(found))


def check_sources(generators):
    """After reading: one report of everything that would be lost, clobbered or unsafe."""
    if not generators:
        return
    context = generators[0].context
    settings = generators[0].settings
    problems: list[str] = []

    failed = sorted(p for p, c in context.get("generated_content", {}).items() if c is None)
    messages: list[str] = []
    for gen in generators:
        for reader in getattr(getattr(gen, "readers", None), "readers", {}).values():
            messages.extend(m for m in getattr(reader, "errors", []) if m not in messages)
    explained = {m.split(":", 1)[0] for m in messages}
    problems.extend(messages)
    for path in failed:
        if not any(e.endswith(path) for e in explained):
            problems.append(f"{path}: could not be read (see the messages above)")

    by_save_as: dict[str, object] = {}
    by_url: dict[str, object] = {}
    for content in _contents(generators):
        save_as = getattr(content, "save_as", "") or ""
        why = _unsafe(save_as)
        if why:
            problems.append(f"{_source(content)}: its output path {save_as!r} {why}; "
                            "set a shorter, plain slug")
            continue
        for key, seen, what in ((save_as, by_save_as, "output file"),
                                (getattr(content, "url", "") or "", by_url, "address")):
            if not key:
                continue
            other = seen.get(key)
            if other is not None and other is not content:
                problems.append(f"{_source(content)} and {_source(other)} have the same "
                                f"{what} {key!r}; give one of them another slug")
            else:
                seen[key] = content

    for rel in _unread_files(generators, settings):
        problems.append(f"{rel}: no reader for this file, so it would not appear in the site "
                        "(briefings are .md files)")

    if problems:
        unique = list(dict.fromkeys(problems))
        read_ok = sum(1 for c in context.get("generated_content", {}).values() if c is not None)
        raise BuildFailed(
            f"{len(unique)} problem{'s' if len(unique) != 1 else ''} in the content "
            f"({read_ok} source file{'s' if read_ok != 1 else ''} read fine); fix and build "
            "again:\n  " + "\n  ".join(sorted(unique)))


def claim_output(pelican):
    outputdir.claim(pelican.output_path)


class _NoTraceback(logging.Filter):
    """Pelican logs a failed build with its traceback; ours are reports, not crashes
    (any exception with ``report = True``: bad content, invalid settings, a failed index)."""

    def filter(self, record):
        if record.exc_info and getattr(record.exc_info[1], "report", False):
            record.exc_info = None
        return True


def register():
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(f, _NoTraceback) for f in pelican_logger.filters):
        pelican_logger.addFilter(_NoTraceback())
    signals.initialized.connect(claim_output)
    signals.all_generators_finalized.connect(check_sources)

"""Ingest: raw page dumps (.txt) and saved pages (.html) become Markdown briefings.

A pipeline of small stages, each a function over plain data::

    read_raw -> decode -> clean -> tag -> build (front matter + body) -> write

Writes go through :mod:`briefing.core.fileio` (atomic, the umask's modes, a new briefing never
replaces a file) and never overwrite an editor's work: a briefing carries a checksum of the
text ingest wrote, so a briefing whose text no longer matches was edited and is only
replaced with ``force`` (after a backup). A briefing remembers the raw file it came from
(its path and the SHA-256 of its bytes): the same page again is "already ingested", a
changed page of the same path and the same article updates it, anything else is a new
briefing; an update of a published briefing whose text changed is dated (``modified``,
:mod:`.revision`). A run holds a lock on its output folder, so two runs into one folder take turns.
No Pelican import anywhere here.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import re
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit


from briefing.core import fileio, frontmatter, safeyaml
from briefing.core.facets import FACETS
from briefing.ingest import duplicates
from briefing.ingest.article import Extracted, NoArticleError
from briefing.ingest.existing import Existing, raw_key, read_front
from briefing.ingest.clean.markdown import unescape_inline
from briefing.ingest.clean.title import TITLE_SURE
from briefing.core.errors import Report
from briefing.core.slug import slugify

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
SUMMARY_LIMIT = 300
_CHECKSUM_RE = re.compile(r"^(\s*checksum:\s*)([0-9a-f]{64})\s*$", re.M)
_ZERO = "f" * 64  # the checksum's placeholder while the text is hashed
LOCK_NAME = ".briefing-ingest.lock"  # in the output folder: one ingest at a time


class IngestError(Exception):
    """One input could not become a briefing; the message is one line for the editor."""


class OutFolderError(Report):
    """The output folder cannot be used at all (it is a file): a report, not a crash."""

    exitcode = 2


@dataclass
class IngestOptions:
    """What the command line (or a caller) asks of an ingest run."""

    out: Path = Path("content/briefings")
    date: dt.date | None = None
    source_url: str | None = None
    force: bool = False
    dry_run: bool = False
    publish: bool = False  # new briefings published at once, not drafts for review
    skip_duplicates: bool = False  # a near-duplicate of a briefing is not written at all
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Outcome:
    """What happened to one input."""

    source: Path
    status: str  # written | updated | unchanged | duplicate | failed | would-write
    target: Path | None = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)


# --- read and decode -------------------------------------------------------------------
def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    raise IngestError(f"{path}: not a page dump (.txt) or a saved page (.html/.htm); "
                      "refusing to ingest it")


_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13))  # not in a text page


def decode(data: bytes, path: Path, warnings: list[str]) -> str:
    """Bytes to text: UTF-8, else cp1252/latin-1 with a warning; binary is refused."""
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    sample = data[:8192]
    if b"\x00" in sample:
        raise IngestError(f"{path}: this is a binary file, not a text page")
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    if controls > len(sample) * 0.05:
        raise IngestError(f"{path}: this looks like a binary file, not a text page")
    try:
        return _not_blank(data.decode("utf-8-sig"), path)
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warnings.append(f"{path}: not UTF-8; read as {encoding}")
        logger.warning("%s: not UTF-8; read as %s", path, encoding)
        return _not_blank(text, path)
    raise IngestError(f"{path}: the text encoding cannot be read")  # pragma: no cover


def _not_blank(text: str, path: Path) -> str:
    # blank once decoded: no-break spaces, say, which bytes.strip() does not see
    if not text.strip():
        raise IngestError(f"{path}: the file is empty (only blank characters)")
    return text


def clean(text: str, kind: str, path: Path, source_url: str | None = None) -> Extracted:
    from briefing.ingest.clean import clean_dump, clean_html

    try:
        if kind == "html":
            return clean_html(text, name=path.name, url=source_url)
        return clean_dump(text, name=path.name)
    except NoArticleError as exc:
        raise IngestError(f"{path}: no article found ({exc})") from None


def check_size(text: str, kind: str, path: Path, size: int,
               warnings: list[str]) -> dict[str, int] | None:
    """The cleaner reads a page only up to its limit: warn when this one is longer (the
    briefing is still made, from the part read) and return what provenance records."""
    from briefing.ingest.clean import limit

    kept = limit(kind)
    if len(text) <= kept:
        return None
    warnings.append(f"{path}: {len(text):,} characters ({size:,} bytes), more than a page "
                    f"should hold; only the first {kept:,} characters were read")
    return {"chars": len(text), "kept": kept}


# --- build the briefing ----------------------------------------------------------------
def summarise(blocks: list[str], limit: int = SUMMARY_LIMIT) -> str:
    """The lede: the first paragraph, cut at a sentence (or word) boundary near ``limit``."""
    lede = next((b for b in blocks if not b.startswith(("#", "-", ">", "|", "*"))), "")
    lede = unescape_inline(" ".join(lede.split()))
    if len(lede) <= limit:
        return lede
    cut = lede[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if end >= limit // 3:
        return cut[: end + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:") + "…"


def source_of(extracted: Extracted, options: IngestOptions) -> dict[str, str]:
    url = extracted.url or options.source_url
    name = extracted.site_name
    if not name and extracted.email and "@" in extracted.email:
        name = extracted.email.rsplit("@", 1)[1].lower()
    if not name and url:
        name = urlsplit(url).netloc.lower().removeprefix("www.")
    out = {}
    if name:
        out["name"] = name
    if url and urlsplit(url).scheme in ("http", "https"):
        out["url"] = url
    return out


def title_source(confidence: float | None) -> str:
    """Where the title came from, for provenance: ``page`` (the page names its headline:
    saved HTML), ``scored`` (the headline scorer picked it from a text dump, sure of it) or
    ``unsure`` (picked with a confidence under TITLE_SURE: the editor checks it, then
    ``briefing confirm``)."""
    if confidence is None:
        return "page"
    return "scored" if confidence >= TITLE_SURE else "unsure"


def build(extracted: Extracted, raw_name: str, raw_hash: str, options: IngestOptions,
          tags: dict[str, list[str]]) -> tuple[str, dict, str]:
    """Front matter and body for one cleaned article; returns (slug, meta, body)."""
    slug = slugify(extracted.title) or "briefing-" + raw_hash[:12]
    if extracted.date is not None:
        date, date_source = extracted.date, "page"
    elif options.date is not None:
        date, date_source = options.date, "option"
    else:
        date, date_source = options.today, "ingest"
    meta: dict = {"title": extracted.title, "slug": slug, "date": date}
    if extracted.author:
        meta["author"] = extracted.author
    source = source_of(extracted, options)
    if source:
        meta["source"] = source
    if extracted.section:
        meta["section"] = extracted.section
    summary = summarise(extracted.blocks)
    if summary:
        meta["summary"] = summary
    for facet in FACETS:
        meta[facet] = list(tags.get(facet, []))
    if extracted.caption:
        meta["caption"] = extracted.caption
        if extracted.caption_credit:
            meta["caption_credit"] = extracted.caption_credit
    if not options.publish:
        meta["status"] = "draft"  # reviewed, then `briefing publish`
    meta["provenance"] = {
        "raw": raw_name,
        "sha256": raw_hash,
        "ingested": options.today,
        "date_source": date_source,
        "title_source": title_source(extracted.title_confidence),
    }
    if extracted.title_confidence is not None:
        meta["provenance"]["title_confidence"] = extracted.title_confidence
    # what the tagger proposed: a tag in it the briefing lacks was removed by an editor, and
    # retag never proposes it again
    meta["provenance"]["tagged"] = safeyaml.Flow((f, list(tags.get(f, []))) for f in FACETS)
    meta["provenance"]["checksum"] = _ZERO  # last: a hash of the text with it blank
    return slug, meta, extracted.body


def _carry(meta: dict, body: str, target: Path, today: dt.date) -> None:
    """An update keeps the briefing's status, and dates the change when readers saw the
    briefing (:func:`briefing.ingest.revision.carry`)."""
    from briefing.ingest import revision  # (it imports retag, which imports this module)

    front = read_front(target) if target.exists() else None
    if front is not None:
        revision.carry(meta, body, front[0], front[1], today)


def render(meta: dict, body: str) -> str:
    """The briefing's text, with the checksum of that very text filled in."""
    return refresh_checksum(frontmatter.dump(meta, body))


def refresh_checksum(text: str) -> str:
    """Fill in the provenance checksum: the SHA-256 of the text with a placeholder there."""
    match = _CHECKSUM_RE.search(text)
    if not match:
        return text
    blank = text[: match.start(2)] + _ZERO + text[match.end(2):]
    digest = hashlib.sha256(blank.encode("utf-8")).hexdigest()
    return blank[: match.start(2)] + digest + blank[match.start(2) + len(_ZERO):]


def edited_by_hand(text: str) -> bool:
    """True when a briefing's text differs from what ingest wrote (or has no checksum)."""
    match = _CHECKSUM_RE.search(text)
    if not match:
        return True
    blank = text[: match.start(2)] + _ZERO + text[match.end(2):]
    return hashlib.sha256(blank.encode("utf-8")).hexdigest() != match.group(2)


def backup(path: Path, today: dt.datetime) -> Path:
    """Keep a copy of ``path`` beside it as ``<name>.<time>.bak`` (never replacing one)."""
    stamp = today.strftime("%Y%m%dT%H%M%S")
    data = path.read_bytes()
    n = 1
    while True:
        target = path.with_name(f"{path.name}.{stamp}.bak" if n == 1
                                else f"{path.name}.{stamp}-{n}.bak")
        try:
            fileio.write_atomic(target, data, exclusive=True, fsync=True)
            return target
        except FileExistsError:
            n += 1


def _write_new(options: IngestOptions, existing: Existing, meta: dict, body: str) -> Path:
    """Write a new briefing under the first free slug: one no briefing here has, and no
    file took meanwhile (another program writing here: its file is never replaced)."""
    base, n = meta["slug"], 1
    while True:
        slug = base if n == 1 else f"{base}-{n}"
        n += 1
        if slug in existing.slugs:
            continue
        meta["slug"] = slug
        target = options.out / f"{slug}.md"
        if options.dry_run:
            return target
        try:
            fileio.write_atomic(target, render(meta, body), exclusive=True, fsync=True)
            return target
        except FileExistsError:
            existing.slugs.add(slug)


@contextmanager
def _locked(out: Path, on_wait: Callable[[], None] | None) -> Iterator[None]:
    """Hold the ingest lock of ``out`` (``on_wait`` is called first if another run holds
    it). The lock file is removed when the run ends, so a run that waited on a removed one
    takes the next. A folder where the lock file cannot be made cannot be written either:
    no lock then (each file fails on its own and says why)."""
    lock = out / LOCK_NAME
    fd, waited = None, False
    while fd is None:
        try:
            out.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, fileio.file_mode())
        except OSError as exc:
            logger.info("%s: no ingest lock (%s)", out, exc.strerror)
            break
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait and not waited:
                on_wait()
            waited = True
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            current = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if not current:  # removed by the run that held it
            os.close(fd)
            fd = None
    try:
        yield
    finally:
        if fd is not None:
            try:
                os.unlink(lock)
            except OSError:
                pass
            os.close(fd)  # and with it the lock


def check_out(out: Path) -> None:
    """Refuse an output folder that is a file (or lies under one), before any work."""
    folder = out
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        raise OutFolderError(f"--out {out}: {folder} is a file, not a folder; give the "
                             "folder the briefings go to")


@contextmanager
def prepared(options: IngestOptions,
             on_wait: Callable[[], None] | None = None) -> Iterator[Existing]:
    """The output folder (see :func:`check_out`) ready for a run: locked against other
    ingests, rid of the temporary files a killed run left, and scanned. A dry run takes no
    lock and writes nothing."""
    with nullcontext() if options.dry_run else _locked(options.out, on_wait):
        removed = [] if options.dry_run else fileio.remove_temporaries(options.out)
        for name in removed:
            logger.info("removed %s, left by an interrupted run", name)
        existing = Existing.scan(options.out)
        yield existing
        if not options.dry_run:
            existing.duplicates.save()


# --- one file, many files --------------------------------------------------------------
Tagger = Callable[[str, str], dict[str, list[str]]]


def ingest_file(path: Path, options: IngestOptions, existing: Existing,
                tagger: Tagger | None) -> Outcome:
    """One raw page into a briefing. Every problem, a write that fails included, is a
    failed Outcome naming the file, never an exception."""
    warnings: list[str] = []
    try:
        kind = kind_of(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{path}: cannot be read ({exc.strerror})") from None
        raw_hash = hashlib.sha256(data).hexdigest()
        if raw_hash in existing.by_hash:
            return Outcome(path, "unchanged", existing.by_hash[raw_hash], "already ingested")
        text = decode(data, path, warnings)
        truncated = check_size(text, kind, path, len(data), warnings)
        extracted = clean(text, kind, path, options.source_url)
        tags = tagger(extracted.title, extracted.body) if tagger else {}
        raw = raw_key(path)
        _, meta, body = build(extracted, raw, raw_hash, options, tags)
        if truncated:
            meta["provenance"]["truncated"] = truncated

        target = existing.previous(raw, extracted.title, body)
        sig = duplicates.signature(body)
        twin = existing.duplicates.best(sig, exclude=target)
        if twin is not None:
            alike = f"a near-duplicate of {twin.path} ({twin.resemblance:.0%} alike)"
            if options.skip_duplicates:
                return Outcome(path, "duplicate", twin.path, f"{path}: {alike}: not written",
                               warnings)
            meta["duplicate_of"] = twin.path.stem
            meta["status"] = "draft"  # never published beside its twin without a look
            warnings.append(f"{path}: {alike}: written as a draft with duplicate_of "
                            "(--skip-duplicates leaves such pages out)")
        if target is None:
            if "status" not in meta:  # published at once: what readers see is recorded
                from briefing.ingest import revision

                revision.record(meta, revision.reader_digest(meta, body))
            target = _write_new(options, existing, meta, body)
            status = "written"
        else:
            status = "updated"
            if target.exists() and edited_by_hand(target.read_text(encoding="utf-8",
                                                                     errors="replace")):
                if not options.force:
                    raise IngestError(f"{path}: {target} was edited by hand since it was "
                                      "ingested; not overwritten (use --force to replace "
                                      "it; a backup is kept)")
                if not options.dry_run:
                    saved = backup(target, dt.datetime.now())
                    warnings.append(f"{target}: edited by hand; backup kept as {saved.name}")
            meta["slug"] = target.stem  # an update keeps the briefing's address
            # and its status (a published one stays published), dated when readers saw it
            _carry(meta, body, target, options.today)
            if not options.dry_run:
                fileio.write_atomic(target, render(meta, body), fsync=True)
        if options.dry_run:
            return Outcome(path, "would-write", target, "dry run: nothing written", warnings)
        existing.slugs.add(target.stem)
        existing.add(target, raw, raw_hash)
        existing.duplicates.add(target, sig)
        return Outcome(path, status, target, "", warnings)
    except IngestError as exc:
        return Outcome(path, "failed", None, str(exc), warnings)
    except OSError as exc:  # a read-only folder, a full disk
        where = exc.filename if exc.filename and not fileio.is_temporary(
            os.path.basename(exc.filename)) else f"into {options.out}"
        return Outcome(path, "failed", None,
                       f"{path}: not written: {where}: {exc.strerror or exc}", warnings)


def collect_inputs(paths: Iterable[str]) -> tuple[list[Path], list[Outcome]]:
    """Expand folders; refuse unknown kinds, missing paths and symbolic links in a folder
    that are broken or lead out of it, with an Outcome each."""
    files: list[Path] = []
    refused: list[Outcome] = []

    def refuse(path: Path, message: str) -> None:
        refused.append(Outcome(path, "failed", None, message))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in _walk(path):
                if child.is_symlink():
                    if not child.exists():
                        refuse(child, f"{child}: a broken symbolic link (to "
                                      f"{os.readlink(child)}); skipped")
                        continue
                    if not fileio.inside(child, path):
                        refuse(child, f"{child}: a symbolic link to {os.path.realpath(child)}"
                                      f", outside {path}; refused")
                        continue
                    if child.is_dir():
                        continue  # its files are reached through the folder itself
                elif not child.is_file():
                    continue  # a pipe, a socket
                if child.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES:
                    files.append(child)
                else:
                    refuse(child, f"{child}: not a page dump (.txt) or a saved page "
                                  "(.html/.htm); skipped")
        elif path.is_file():
            try:
                kind_of(path)
                files.append(path)
            except IngestError as exc:
                refuse(path, str(exc))
        elif path.is_symlink():
            refuse(path, f"{path}: a broken symbolic link (to {os.readlink(path)})")
        else:
            refuse(path, f"{path}: no such file or folder")
    chosen: dict[Path, Path] = {}  # each file once, by its own name rather than a link's
    for file in files:
        key = file.resolve()
        if key not in chosen or (chosen[key].is_symlink() and not file.is_symlink()):
            chosen[key] = file
    return list(chosen.values()), refused


def _walk(folder: Path) -> list[Path]:
    """Every file under ``folder`` but hidden ones (and those in hidden folders), sorted;
    links are not followed (a link to a folder is listed like a file)."""
    hidden = lambda rel: os.path.basename(rel).startswith(".")  # noqa: E731
    return sorted(folder / rel for rel, _entry in fileio.walk(folder, prune=hidden)
                  if not hidden(rel))

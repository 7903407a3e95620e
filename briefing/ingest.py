"""Ingest: raw page dumps (.txt) and saved pages (.html) become Markdown briefings.

A pipeline of small stages, each a function over plain data::

    read_raw -> decode -> clean -> tag -> build (front matter + body) -> write

Writes are atomic (a temporary file, then a rename) and never overwrite an editor's
work: a briefing carries a checksum of the text ingest wrote, so a briefing whose text
no longer matches was edited and is only replaced with ``force`` (after a backup).
No Pelican import anywhere here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit

from briefing import frontmatter
from briefing.article import Extracted, NoArticleError
from briefing.slug import slugify

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
SUMMARY_LIMIT = 300
_CHECKSUM_RE = re.compile(r"^(\s*checksum:\s*)([0-9a-f]{64})\s*$", re.M)
_ZERO = "f" * 64  # the checksum's placeholder while the text is hashed


class IngestError(Exception):
    """One input could not become a briefing; the message is one line for the editor."""


@dataclass
class IngestOptions:
    """What the command line (or a caller) asks of an ingest run."""

    out: Path = Path("content/briefings")
    date: dt.date | None = None
    source_url: str | None = None
    force: bool = False
    dry_run: bool = False
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Outcome:
    """What happened to one input."""

    source: Path
    status: str  # written | updated | unchanged | failed | would-write
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


def decode(data: bytes, path: Path, warnings: list[str]) -> str:
    """Bytes to text: UTF-8, else cp1252/latin-1 with a warning; binary is refused."""
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    sample = data[:8192]
    if b"\x00" in sample:
        raise IngestError(f"{path}: this is a binary file, not a text page")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
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
    from briefing.clean import clean_dump, clean_html

    try:
        if kind == "html":
            return clean_html(text, name=path.name, url=source_url)
        return clean_dump(text, name=path.name)
    except NoArticleError as exc:
        raise IngestError(f"{path}: no article found ({exc})") from None


# --- build the briefing ----------------------------------------------------------------
def summarise(blocks: list[str], limit: int = SUMMARY_LIMIT) -> str:
    """The lede: the first paragraph, cut at a sentence (or word) boundary near ``limit``."""
    lede = next((b for b in blocks if not b.startswith(("#", "-", ">", "|", "*"))), "")
    lede = re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>&|])", r"\1", " ".join(lede.split()))
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
    for facet in frontmatter.FACETS:
        meta[facet] = list(tags.get(facet, []))
    if extracted.caption:
        meta["caption"] = extracted.caption
        if extracted.caption_credit:
            meta["caption_credit"] = extracted.caption_credit
    meta["provenance"] = {
        "raw": raw_name,
        "sha256": raw_hash,
        "ingested": options.today,
        "date_source": date_source,
        "checksum": _ZERO,
    }
    return slug, meta, extracted.body


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


# --- where briefings already are -------------------------------------------------------
_PROV_RE = re.compile(r"^\s+(raw|sha256):\s*['\"]?(.+?)['\"]?\s*$", re.M)


@dataclass
class Existing:
    by_hash: dict[str, Path] = field(default_factory=dict)
    by_raw: dict[str, Path] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)

    @classmethod
    def scan(cls, out: Path) -> "Existing":
        found = cls()
        if not out.is_dir():
            return found
        for path in sorted(out.glob("*.md")):
            found.slugs.add(path.stem)
            try:
                head = path.read_text(encoding="utf-8", errors="replace")[:4000]
            except OSError:
                continue
            if "provenance:" not in head:
                continue
            for key, value in _PROV_RE.findall(head.split("provenance:", 1)[1]):
                (found.by_hash if key == "sha256" else found.by_raw)[value] = path
        return found


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, then rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def backup(path: Path, today: dt.datetime) -> Path:
    stamp = today.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{stamp}-{n}.bak")
    target.write_bytes(path.read_bytes())
    return target


# --- one file, many files --------------------------------------------------------------
Tagger = Callable[[str, str], dict[str, list[str]]]


def ingest_file(path: Path, options: IngestOptions, existing: Existing,
                tagger: Tagger | None) -> Outcome:
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
        extracted = clean(text, kind, path, options.source_url)
        tags = tagger(extracted.title, extracted.body) if tagger else {}
        slug, meta, body = build(extracted, path.name, raw_hash, options, tags)

        target = existing.by_raw.get(path.name)
        status = "updated" if target else "written"
        if target is None:
            base, n = slug, 1
            while slug in existing.slugs:
                n += 1
                slug = f"{base}-{n}"
            meta["slug"] = slug
            target = options.out / f"{slug}.md"
        elif target.exists() and edited_by_hand(target.read_text(encoding="utf-8",
                                                                 errors="replace")):
            if not options.force:
                raise IngestError(f"{path}: {target} was edited by hand since it was "
                                  "ingested; not overwritten (use --force to replace it; "
                                  "a backup is kept)")
            if not options.dry_run:
                saved = backup(target, dt.datetime.now())
                warnings.append(f"{target}: edited by hand; backup kept as {saved.name}")
        if target.exists() and target.stem != meta["slug"]:
            meta["slug"] = target.stem  # an update keeps the briefing's address
        rendered = render(meta, body)
        if options.dry_run:
            return Outcome(path, "would-write", target, "dry run: nothing written", warnings)
        atomic_write(target, rendered)
        existing.slugs.add(target.stem)
        existing.by_hash[raw_hash] = target
        existing.by_raw[path.name] = target
        return Outcome(path, status, target, "", warnings)
    except IngestError as exc:
        return Outcome(path, "failed", None, str(exc), warnings)


def collect_inputs(paths: Iterable[str]) -> tuple[list[Path], list[Outcome]]:
    """Expand folders; refuse unknown kinds and missing paths with an Outcome each."""
    files: list[Path] = []
    refused: list[Outcome] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    if child.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES:
                        files.append(child)
                    else:
                        refused.append(Outcome(child, "failed", None,
                                               f"{child}: not a page dump (.txt) or a saved "
                                               "page (.html/.htm); skipped"))
        elif path.is_file():
            try:
                kind_of(path)
                files.append(path)
            except IngestError as exc:
                refused.append(Outcome(path, "failed", None, str(exc)))
        else:
            refused.append(Outcome(path, "failed", None, f"{path}: no such file or folder"))
    seen: set[Path] = set()
    unique = [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]
    return unique, refused

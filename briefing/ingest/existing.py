"""The briefings already in the output folder: what ingest recorded of their raw pages (to
know a page ingested before, or an update of one), their addresses, and their texts'
signatures for near-duplicates (:mod:`.duplicates`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from briefing.core import frontmatter, safeyaml
from briefing.ingest.duplicates import DuplicateIndex


def raw_key(path: Path) -> str:
    """How provenance names a raw file: its path from the working folder (an absolute path
    when it lies elsewhere), so raw/a/story.txt and raw/b/story.txt are two files."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def read_front(path: Path) -> tuple[dict, str] | None:
    """(front matter, body) of a briefing, the front matter loaded whole but not validated.
    When an edit broke its YAML, the provenance block alone (what ingest wrote last)."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
        if not frontmatter.has_front_matter(text):
            return None
        yaml_text, body, _ = frontmatter.split(text, str(path))
    except (OSError, frontmatter.FrontMatterError):
        return None
    for part in (yaml_text, _provenance_block(yaml_text)):
        try:  # the project's safe YAML (no aliases, bounded size), as every reader
            node = safeyaml.compose(part, str(path), max_nodes=frontmatter.MAX_NODES,
                                    error=frontmatter.FrontMatterError)
            data = safeyaml.construct(node, str(path), error=frontmatter.FrontMatterError)
        except frontmatter.FrontMatterError:
            continue
        if isinstance(data, dict):
            return data, body
    return None


def _provenance_block(yaml_text: str) -> str:
    """The ``provenance:`` key and its indented lines, cut out of the front matter."""
    lines = yaml_text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("provenance:"):
            end = i + 1
            while end < len(lines) and (not lines[end].strip()
                                        or lines[end][0] in " \t#"):
                end += 1
            return "\n".join(lines[i:end])
    return ""


def _shingles(text: str, words: int = 5000) -> set[str]:
    tokens = re.findall(r"\w+", text.casefold())[:words]
    return {" ".join(tokens[i:i + 3]) for i in range(max(len(tokens) - 2, 0))}


def same_article(title_a: object, body_a: str, title_b: str, body_b: str) -> bool:
    """Whether two versions of a page hold the same article: most of the shorter one's
    text is in the other (word triples), or less of it under the same title."""
    a, b = _shingles(body_a), _shingles(body_b)
    shared = len(a & b) / min(len(a), len(b)) if a and b else 0.0
    same_title = isinstance(title_a, str) and " ".join(title_a.split()).casefold() \
        == " ".join(title_b.split()).casefold()
    return shared >= (0.2 if same_title else 0.5)


@dataclass
class Existing:
    """The briefings already in the output folder, by what ingest recorded of their raw page."""

    by_hash: dict[str, Path] = field(default_factory=dict)
    by_raw: dict[str, list[Path]] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)
    duplicates: DuplicateIndex = field(default_factory=lambda: DuplicateIndex(Path(".")))

    @classmethod
    def scan(cls, out: Path) -> "Existing":
        found = cls(duplicates=DuplicateIndex.load(out))
        try:
            paths = sorted(out.glob("*.md")) if out.is_dir() else []
        except OSError:
            paths = []
        for path in paths:
            found.slugs.add(path.stem)
            front = read_front(path)
            if front is None:
                continue
            meta = front[0]
            if isinstance(meta.get("slug"), str):
                found.slugs.add(meta["slug"])  # a briefing's address, whatever its file
            provenance = meta.get("provenance")
            if isinstance(provenance, dict):
                found.add(path, provenance.get("raw"), provenance.get("sha256"))
        return found

    def add(self, path: Path, raw: object, sha256: object) -> None:
        if isinstance(sha256, str):
            self.by_hash[sha256] = path
        if isinstance(raw, str):
            paths = self.by_raw.setdefault(raw, [])
            if path not in paths:
                paths.append(path)

    def previous(self, raw: str, title: str, body: str) -> Path | None:
        """The briefing an earlier ingest made from this raw path, when it holds the same
        article (a raw path reused for another page is not an update of it). Briefings of
        earlier versions, which recorded only the file's name, count by that name."""
        keys = [raw]
        name = PurePosixPath(raw).name
        if name != raw:
            keys.append(name)
        for key in keys:
            for path in self.by_raw.get(key, []):
                front = read_front(path)
                if front and same_article(front[0].get("title"), front[1], title, body):
                    return path
        return None



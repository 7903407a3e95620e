"""Re-tag existing briefings after a vocabulary change: add tags, never remove one.

The briefing file is edited surgically: only the facet lists that gain a tag are rewritten;
every other line (comments, key order, the body) stays byte for byte as the editor left it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefing import frontmatter
from briefing.ingest import edited_by_hand, refresh_checksum

_TOP_KEY = re.compile(r"""^(?:[A-Za-z_][\w-]*|"[^"]*"|'[^']*')\s*:""")


@dataclass
class Retag:
    path: Path
    added: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""  # the new text, when there is anything to add

    @property
    def changed(self) -> bool:
        return any(self.added.values())


def plan(path: Path, text: str, doc: frontmatter.Document, tags: dict[str, list[str]]) -> Retag:
    """What re-tagging would add to one briefing (tags already present, in any facet
    spelling, are kept; nothing is removed)."""
    result = Retag(path)
    merged: dict[str, list[str]] = {}
    for facet in frontmatter.FACETS:
        current = list(doc.meta.get(facet, []))
        have = {name.casefold() for name in current}
        new = [name for name in tags.get(facet, []) if name.casefold() not in have]
        if new:
            result.added[facet] = new
            merged[facet] = current + new
    if merged:
        result.text = rewrite(text, doc, merged)
    return result


def _facet_block(facet: str, names: list[str]) -> list[str]:
    dumped = yaml.safe_dump({facet: names}, allow_unicode=True, default_flow_style=False,
                            sort_keys=False, width=100)
    return dumped.rstrip("\n").split("\n")


def rewrite(text: str, doc: frontmatter.Document, lists: dict[str, list[str]]) -> str:
    """The text with the given facet lists replaced (or added before the closing fence)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    bom = lines[0].startswith("\ufeff")
    closing = doc.body_line - 2  # 0-based index of the closing '---'
    replacements: list[tuple[int, int, list[str]]] = []
    appended: list[str] = []
    for facet, names in lists.items():
        block = _facet_block(facet, names)
        if facet in doc.lines:
            start = doc.lines[facet] - 1
            end = start + 1
            while end < closing and not _TOP_KEY.match(lines[end]) \
                    and not lines[end].startswith("#"):
                end += 1
            replacements.append((start, end, block))
        else:
            appended.extend(block)
    for start, end, block in sorted(replacements, reverse=True):
        lines[start:end] = block
        if start < closing:
            closing += len(block) - (end - start)
    lines[closing:closing] = appended
    out = "\n".join(lines)
    if bom and not out.startswith("\ufeff"):
        out = "\ufeff" + out
    check = frontmatter.parse(out, "<retag>", require_date=False)
    for facet, names in lists.items():
        if check.meta.get(facet) != names:  # pragma: no cover - a safety net
            raise ValueError(f"could not rewrite {facet} safely")
    if not edited_by_hand(text):
        out = refresh_checksum(out)  # retag is not an editor's change
    return out.replace("\n", newline) if newline != "\n" else out

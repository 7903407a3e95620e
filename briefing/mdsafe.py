"""A Python-Markdown extension that keeps scraped and edited text from becoming markup.

* Raw HTML is never passed through: an HTML block or an inline tag in a briefing is shown
  as text (``<script>`` appears on the page as ``<script>``).
* Links may point to http(s), mailto, or an address on this site (relative or ``/...``);
  any other scheme (``javascript:``, ``data:``, ``vbscript:``...) loses its link and keeps
  its text.
* Images must be files of this site: an image from another host would be a request to an
  external host, so it becomes a plain link to that image, showing its alt text.
* Brackets nested deeper than any real text nests them are shown as they are, so that
  Python-Markdown's quadratic time on such input cannot stall a build.

Use as ``markdown.Markdown(extensions=[..., "briefing.mdsafe"])``, last in the list.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = {"http", "https", "mailto"}


def safe_url(url: str) -> bool:
    cleaned = "".join(ch for ch in url if ch.isprintable() and not ch.isspace())
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


def external(url: str) -> bool:
    return bool(re.match(r"^\s*(https?:)?//", url, re.I))


class _SafeLinks(Treeprocessor):
    def run(self, root):
        for parent in list(root.iter()):
            for i, child in enumerate(list(parent)):
                if child.tag == "a":
                    href = child.get("href", "")
                    if href and not safe_url(href):
                        del child.attrib["href"]
                        child.tag = "span"
                elif child.tag == "img":
                    src = child.get("src", "")
                    if not safe_url(src) or external(src):
                        link = etree.Element("a")
                        link.text = child.get("alt") or child.get("title") or "image"
                        link.tail = child.tail
                        if safe_url(src) and src:
                            link.set("href", src)
                        else:
                            link.tag = "span"
                        parent.remove(child)
                        parent.insert(i, link)
        return None


MAX_BRACKET_DEPTH = 16


def _deepest(lines) -> int:
    """How deep brackets nest in these lines (an unmatched "]" is not counted)."""
    depth = deepest = 0
    for line in lines:
        for ch in line:
            if ch == "[":
                depth += 1
                deepest = max(deepest, depth)
            elif ch == "]" and depth:
                depth -= 1
    return deepest


class _BracketGuard(Preprocessor):
    """Python-Markdown takes quadratic time on deeply nested brackets ("[[[[...", its
    issue #798): a scraped page could stall the build. No real text nests links this deep,
    so in a paragraph that does, the brackets are escaped and shown as they are."""

    def run(self, lines):
        out, block = [], []

        def flush():
            # too few brackets to nest too deep: no need to walk the characters
            if sum(line.count("[") for line in block) > MAX_BRACKET_DEPTH and \
                    _deepest(block) > MAX_BRACKET_DEPTH:
                # shown as one escaped paragraph, kept out of the inline parser
                text = html.escape(" ".join(line.strip() for line in block), quote=False)
                out.append(self.md.htmlStash.store(f"<p>{text}</p>"))
            else:
                out.extend(block)
            block.clear()

        for line in lines:
            if line.strip():
                block.append(line)
            else:
                flush()
                out.append(line)
        flush()
        return out


class SafeExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(_BracketGuard(md), "briefing_bracket_guard", 1)
        for name in ("html_block",):
            if name in md.preprocessors:
                md.preprocessors.deregister(name)
        if "html" in md.inlinePatterns:
            md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "briefing_safe_links", 1)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point
    return SafeExtension(**kwargs)

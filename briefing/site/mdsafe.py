"""A Python-Markdown extension that keeps scraped and edited text from becoming markup.

* Raw HTML is never passed through: an HTML block or an inline tag in a briefing is shown
  as text (``<script>`` appears on the page as ``<script>``), and so is raw HTML another
  extension would insert (fenced code, md_in_html): only this module's own blocks and
  character entities pass.
* Attributes come from an allowlist per tag (footnote ids and classes, table alignment, a
  list's start, a link's href and title, an image's src, alt and title): whatever
  ``attr_list`` or another extension adds (``{: onerror=...}``) is dropped.
* Links may point to http(s), mailto, or an address on this site (relative or ``/...``);
  any other scheme (``javascript:``, ``data:``, ``vbscript:``...) loses its link and keeps
  its text. The scheme is read as a browser reads it: after character references are
  decoded, control characters and blanks dropped, and ``\\`` taken as ``/``.
* Images must be files of this site (no scheme, no ``//host``): an image from another host
  would be a request to an external host, so it becomes a plain link to that image, showing
  its alt text.
* Runaway input cannot stall a build: Python-Markdown takes quadratic time on some inputs
  and exhausts the stack on deep nesting. A body over ``MAX_BODY_CHARS``, with more than
  ``MAX_STRUCTURE`` list, quote and table marks or more than ``MAX_BLANK_LINES`` blank
  lines is refused (:class:`RunawayMarkdown`);
  lists and quotes nested deeper than ``MAX_NESTING`` are flattened to that depth; a
  paragraph with brackets nested deeper than real text nests them, or with so much markup
  that rendering it would take more than a moment, is shown as text; past
  ``MAX_FOOTNOTES`` footnote marks, footnote marks are text. What was changed is listed in
  the extension's ``notes`` (body line, what), for the reader to report.
* No control character reaches the page: what is left of a Python-Markdown placeholder
  (a link address can swallow part of one) is dropped.

Use as ``markdown.Markdown(extensions=[..., "briefing.site.mdsafe"])``, last in the list.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import util
from markdown.extensions import Extension
from markdown.inlinepatterns import ENTITY_RE
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

# --- addresses -------------------------------------------------------------------------
SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_ESCAPED = re.compile(f"{util.STX}([0-9]+){util.ETX}")  # Python-Markdown's "\x" placeholder
_DECODE_ROUNDS = 8


def decoded_url(url: str) -> str | None:
    """The address as a browser would follow it, or None when it will not settle.

    Character references are decoded until nothing changes (a browser decodes once; more
    rounds can only find more schemes), Python-Markdown's placeholders are resolved, control
    characters and blanks are dropped (browsers ignore tabs and newlines anywhere in a URL)
    and a backslash is read as a slash (as browsers do for http(s) addresses)."""
    url = _ESCAPED.sub(lambda m: chr(int(m.group(1))), url.replace(util.AMP_SUBSTITUTE, "&"))
    for _ in range(_DECODE_ROUNDS):
        once = html.unescape(url)
        if once == url:
            break
        url = once
    else:
        return None
    return "".join(ch for ch in url if ch.isprintable() and not ch.isspace()).replace("\\", "/")


def safe_url(url: str) -> bool:
    """May a link point here? http(s), mailto, or an address of this site."""
    target = decoded_url(url)
    if target is None:
        return False
    scheme = _SCHEME.match(target)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def site_image(url: str) -> bool:
    """Is this an image of this site: no scheme, no other host (``//host``, ``\\\\host``)?"""
    target = decoded_url(url)
    return target is not None and not _SCHEME.match(target) and not target.startswith("//")


# --- the tree: tags, attributes, links and images --------------------------------------
def _any(value: str) -> bool:
    return True


def _among(*values):
    return lambda value: value in values


def _matching(pattern):
    return lambda value: re.fullmatch(pattern, value) is not None


# footnotes: "fn:1", "fnref:1", "fnref2:1" for a second reference, "fn:3-1" with UNIQUE_IDS
_FOOTNOTE_ID = _matching(r"fn(?:ref[0-9]*)?[:-][^\s]*")
_CELL = {"style": _matching(r"text-align: (?:left|right|center);"),
         "align": _among("left", "right", "center")}
# every tag the core and the extensions a briefing uses write, with the attributes it may
# keep; any other tag becomes a <span>, any other attribute is dropped
ALLOWED: dict[str, dict] = {
    **{tag: {} for tag in (
        "p h1 h2 h3 h4 h5 h6 blockquote ul li pre code hr br em strong span table thead "
        "tbody tr dl dt dd").split()},
    "div": {"class": _among("footnote")},
    "a": {"href": _any, "title": _any, "class": _among("footnote-ref", "footnote-backref")},
    "img": {"src": _any, "alt": _any, "title": _any},
    "th": _CELL,
    "td": _CELL,
    "sup": {"id": _FOOTNOTE_ID},
    "li": {"id": _FOOTNOTE_ID},
    "ol": {"start": _matching(r"[0-9]{1,9}")},
    "abbr": {"title": _any},
}


def _clean_attributes(el: etree.Element) -> None:
    if not isinstance(el.tag, str) or el.tag not in ALLOWED:
        el.tag = "span"
    allowed = ALLOWED[el.tag]
    for name, value in list(el.attrib.items()):
        check = allowed.get(name)
        if check is None or value is None or _LEFTOVER.search(value) or not check(value):
            del el.attrib[name]


def _image_as_link(img: etree.Element) -> etree.Element:
    """What an image that is not of this site becomes: a link to it, or only its text."""
    src = img.get("src", "")
    link = etree.Element("a")
    link.text = img.get("alt") or img.get("title") or "image"
    link.tail = img.tail
    if src and safe_url(src):
        link.set("href", src)
    else:
        link.tag = "span"
    return link


def clean_tree(root: etree.Element) -> None:
    """Make a tree safe in place: allowed tags and attributes, safe links, site images."""
    for parent in list(root.iter()):
        _clean_attributes(parent)
        for i, child in enumerate(list(parent)):
            if child.tag == "a" and "href" in child.attrib and not safe_url(child.get("href")):
                del child.attrib["href"]
                child.tag = "span"
            elif child.tag == "img" and not site_image(child.get("src", "")):
                parent.remove(child)
                parent.insert(i, _image_as_link(child))


class _SafeTree(Treeprocessor):
    def run(self, root):
        clean_tree(root)
        return None


# Python-Markdown's placeholders are text between STX and ETX; a link address can swallow
# part of one ("[](()'([^n]" with a footnote [^n]), which then stays in the page: in an
# attribute (dropped above, before any stashed HTML is put back into the page) or as text
# (dropped at the end: no feed can carry control characters)
_LEFTOVER = re.compile(f"[{util.STX}{util.ETX}]")


class _Leftovers(Postprocessor):
    def run(self, text):
        return _LEFTOVER.sub("", text)


class _StashGuard(Postprocessor):
    """Raw HTML that reached Python-Markdown's stash (fenced code, md_in_html, any
    extension's) is shown as text; this module's own blocks (a paragraph of escaped text)
    and character entities pass."""

    _OURS = re.compile(r"<p>[^<>]*</p>")
    _ENTITY = re.compile(ENTITY_RE)

    def run(self, text):
        blocks = self.md.htmlStash.rawHtmlBlocks
        for i, block in enumerate(blocks):
            if isinstance(block, str):
                if not (self._OURS.fullmatch(block) or self._ENTITY.fullmatch(block)):
                    blocks[i] = html.escape(block, quote=False)
            else:  # an element tree, serialised later
                holder = etree.Element("div")
                holder.append(block)
                clean_tree(holder)
                blocks[i] = holder[0]
        return text


# --- runaway input ---------------------------------------------------------------------
class RunawayMarkdown(ValueError):
    """A body too large or too structured to render in bounded time and memory."""

    def __init__(self, line: int | None, message: str):
        self.line = line
        super().__init__(message)


MAX_BODY_CHARS = 1_000_000
# list, quote and table marks in a body: each costs Python-Markdown some tens of
# microseconds (a nesting level is parsed again for each level above it)
MAX_STRUCTURE = 20_000
# blank lines: each splits the body into one more block, and Python-Markdown takes the
# blocks off the front of a list, one by one (333,000 paragraphs: 78 s)
MAX_BLANK_LINES = 20_000
MAX_NESTING = 20
MAX_BRACKET_DEPTH = 16
# repeated references to one footnote take quadratic time (2,000 of them: 2.5 s)
MAX_FOOTNOTES = 1_000
# Python-Markdown's time on a paragraph grows with (its length) x (inline marks in it, hard
# line breaks too), and x (lines that split it: headings, rules, setext underlines; link
# openings never closed) at a much higher cost each: the estimate below, summed over the
# body, is kept under MARKUP_BUDGET (about a second or two) by showing the costliest
# paragraphs as text
SPLIT_WEIGHT = 200
MARKUP_BUDGET = 1_000_000_000

_NEST_MARK = re.compile(r" {0,3}(?:>|[-*+](?= |$)|[0-9]{1,9}\.(?= |$)) ?| {4}")
_SPLIT_LINE = re.compile(r"[ >]*(?:#|[-=*_ ]+$)")
_TABLE_RULE = re.compile(r" {0,3}\|?[ :|-]*-[ :|-]*$")
_INLINE_MARKS = "*_`[\\&<"
_NEST_STARTS = set(" >-*+0123456789")


def _flatten(line: str) -> tuple[str, int]:
    """The line with list and quote marks past MAX_NESTING dropped, and how many it had."""
    pos = depth = keep = 0
    while (m := _NEST_MARK.match(line, pos)) is not None:
        depth += 1
        pos = m.end()
        if depth == MAX_NESTING:
            keep = pos
    if depth > MAX_NESTING:
        line = line[:keep] + line[pos:]
    return line, depth


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


def _too_deep(block: list[str]) -> bool:
    # too few brackets to nest too deep: no need to walk the characters
    return sum(line.count("[") for line in block) > MAX_BRACKET_DEPTH and \
        _deepest(block) > MAX_BRACKET_DEPTH


def _cost(block: list[str]) -> int:
    """Python-Markdown's work on one block of lines, in rough units (see MARKUP_BUDGET)."""
    text = "\n".join(block)
    marks = sum(text.count(ch) for ch in _INLINE_MARKS) + text.count("  \n")
    splits = sum(1 for line in block if _SPLIT_LINE.match(line))
    unclosed = max(0, text.count("](") - text.count(")"))
    return len(text) * (marks + SPLIT_WEIGHT * (splits + unclosed))


class _Guard(Preprocessor):
    """Refuse, flatten or show as text what would stall Python-Markdown (see the module's
    docstring); everything else passes unchanged."""

    def __init__(self, md, ext: "SafeExtension"):
        super().__init__(md)
        self.ext = ext

    def run(self, lines):
        notes = self.ext.notes = []
        size = sum(map(len, lines)) + len(lines)
        if size > MAX_BODY_CHARS:
            raise RunawayMarkdown(None, f"the body is {size:,} characters long, more than "
                                        f"the {MAX_BODY_CHARS:,} a briefing may have")
        lines = list(lines)
        _limit_blank_lines(lines)
        blocks = _blocks(lines)
        self._limit_structure(lines, blocks, notes)
        as_text = [(start, end) for start, end in blocks if _too_deep(lines[start:end])]
        for start, _ in as_text:
            notes.append((start + 1, f"brackets nested deeper than {MAX_BRACKET_DEPTH} "
                                     "levels; shown as text"))
        costs = sorted(((_cost(lines[s:e]), s, e) for s, e in blocks if (s, e) not in as_text),
                       reverse=True)
        total = sum(cost for cost, _, _ in costs)
        for cost, start, end in costs:
            if total <= MARKUP_BUDGET:
                break
            total -= cost
            as_text.append((start, end))
            notes.append((start + 1, f"a paragraph of {_lines(end - start)} with too much "
                                     "markup to render in time; shown as text"))
        for start, end in as_text:
            # one escaped paragraph, kept out of the parsers; the lines it replaces go
            text = html.escape(" ".join(line.strip() for line in lines[start:end]), quote=False)
            lines[start:end] = [self.md.htmlStash.store(f"<p>{text}</p>")] + \
                [None] * (end - start - 1)
        lines = [line for line in lines if line is not None]
        marks = sum(line.count("[^") for line in lines)
        if marks > MAX_FOOTNOTES:
            lines = [line.replace("[^", "\\[^") for line in lines]
            notes.append((None, f"{marks:,} footnote marks, more than {MAX_FOOTNOTES:,}; "
                                "shown as text"))
        notes.sort(key=lambda note: note[0] or 0)
        return lines

    @staticmethod
    def _limit_structure(lines: list[str], blocks, notes) -> None:
        """Flatten nesting past MAX_NESTING in place; refuse past MAX_STRUCTURE marks."""
        structure, flattened = 0, []
        for start, end in blocks:
            rule = lines[start + 1] if start + 1 < end else ""
            table = "|" in rule and _TABLE_RULE.match(rule)
            for i in range(start, end):
                line = lines[i]
                if table:
                    structure += line.count("|")
                if line[:1] in _NEST_STARTS:
                    lines[i], depth = _flatten(line)
                    structure += min(depth, MAX_NESTING)
                    if depth > MAX_NESTING:
                        flattened.append(i)
                if structure > MAX_STRUCTURE:
                    raise RunawayMarkdown(i + 1, f"the body has more than {MAX_STRUCTURE:,} "
                                                 "list, quote and table marks by this line; "
                                                 "split it")
        if flattened:
            notes.append((flattened[0] + 1, f"{_lines(len(flattened))} with lists or quotes "
                                            f"nested deeper than {MAX_NESTING} levels; "
                                            "flattened"))


def _lines(count: int) -> str:
    return f"{count:,} line" if count == 1 else f"{count:,} lines"


def _limit_blank_lines(lines: list[str]) -> None:
    """Refuse a body with more than MAX_BLANK_LINES blank lines between its lines."""
    blank = 0
    for i, line in enumerate(lines):
        if not line.strip():
            blank += 1
        elif blank > MAX_BLANK_LINES:
            raise RunawayMarkdown(i + 1, f"the body has more than {MAX_BLANK_LINES:,} "
                                         "blank lines before this line; split it")


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) of each run of non-blank lines."""
    out, start = [], None
    for i, line in enumerate(lines):
        if line.strip():
            if start is None:
                start = i
        elif start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(lines)))
    return out


class SafeExtension(Extension):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.notes: list[tuple[int | None, str]] = []  # of the last body converted

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API
        md.registerExtension(self)
        md.preprocessors.register(_Guard(md, self), "briefing_guard", 1)
        if "html_block" in md.preprocessors:
            md.preprocessors.deregister("html_block")
        if "html" in md.inlinePatterns:
            md.inlinePatterns.deregister("html")
        # after every other treeprocessor (Python-Markdown's last is "unescape", at 0):
        # the attributes checked are the ones written
        md.treeprocessors.register(_SafeTree(md), "briefing_safe_tree", -1)
        # before "raw_html" (30) puts the stash back into the page
        md.postprocessors.register(_StashGuard(md), "briefing_stash_guard", 31)
        # after every other postprocessor (raw_html, 30; footnotes, 25; amp_substitute, 20)
        md.postprocessors.register(_Leftovers(md), "briefing_leftovers", 0)

    def reset(self):
        self.notes = []


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point
    return SafeExtension(**kwargs)

"""Fuzz tests of bodies (issue 14, rows 1-3): Markdown extension syntax (attribute lists in
every position, entities and backslashes in link and image addresses, raw HTML), mixed with
real text, rendered as the site renders it, never gives an event handler, a link a browser
would follow to ``javascript:``, ``data:`` or ``vbscript:``, an image from another host or
a raw tag; and a real build of such bodies leaves no payload in any file it writes."""

from __future__ import annotations

import gzip
import json
import random
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_site
from test_mdsafe_rows import ROW1, ROW2, ROW3, body_of, briefing, site_reader, small_site

FUZZ = settings(max_examples=250, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- what a browser would see ---------------------------------------------------------
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data",
                  "background", "cite", "srcset", "ping", "longdesc", "lowsrc", "dynsrc"}
# tags that load, run or restyle something: never in a page from a body
BAD_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
            "math", "style", "base", "form", "input", "button", "textarea", "select",
            "video", "audio", "source", "details", "marquee", "b", "template", "meta", "link"}
# what Markdown writes for a body (core, tables, footnotes, lists; abbr and dl with extra)
SEARCH_FORM = frozenset("form input select option button details summary fieldset legend "
                        "label".split())
# a digest in the digests' feed: its sections and dates, around the briefings' text
DIGEST_TAGS = frozenset({"section", "time"})
BODY_TAGS = set("p h1 h2 h3 h4 h5 h6 blockquote ul ol li pre code hr br em strong span a img "
                "table thead tbody tr th td sup div dl dt dd abbr".split())


# what no page or feed may hold (Python-Markdown's placeholders are between \x02 and \x03)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def followed(value: str) -> str:
    """A URL attribute's value as a browser follows it (character references already
    decoded by the parser): blanks and control characters dropped, "\\" read as "/"."""
    return "".join(c for c in value if c.isprintable() and not c.isspace()).replace("\\", "/")


def scheme(value: str) -> str | None:
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", followed(value))
    return match.group(1).lower() if match else None


def on_site(value: str) -> bool:
    return scheme(value) is None and not followed(value).startswith("//")


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of every script, decoded once."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = (attrs, [])

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


def unsafe_markup(text: str, theme: bool = False, allowed: frozenset = frozenset()) -> list[str]:
    """What in this HTML could run script, follow a script address or ask another host.
    ``theme``: a whole page, whose own stylesheets, scripts and metadata are allowed;
    ``allowed``: tags the template itself writes there (its attributes are still checked)."""
    page = Page(text)
    found = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES:
                if scheme(value) not in SAFE_SCHEMES | {None}:
                    found.append(f"<{tag} {name}={value!r}>")
                if tag != "a" and not on_site(value):
                    found.append(f"<{tag} {name}={value!r}> asks another host")
            if name == "style" and not (theme or re.fullmatch(
                    r"text-align: (left|right|center);", value)):
                found.append(f"<{tag} style={value!r}>")
            if name == "style" and re.search(r"url\(|expression|\\", value, re.I):
                found.append(f"<{tag} style={value!r}>")
        if theme and tag in ("script", "link", "meta"):
            continue  # checked below
        if theme and tag == "svg" and attrs.get("class") == "map__svg":
            continue  # the region maps: drawn by the build from counts, names as text
        if tag in allowed:
            continue
        if tag in BAD_TAGS or (not theme and tag not in BODY_TAGS):
            found.append(f"raw <{tag}>")
    if theme:
        for tag, attrs in page.tags:
            if tag == "meta" and attrs.get("http-equiv"):
                found.append(f"<meta http-equiv={attrs['http-equiv']!r}>")
            if tag == "meta" and attrs.get("property", "").endswith((":url", ":image")) \
                    and scheme(attrs.get("content", "")) not in SAFE_SCHEMES | {None}:
                found.append(f"<meta {attrs}>")
        for attrs, code in page.scripts:
            if attrs.get("type") == "application/ld+json":
                if "<" in code:
                    found.append("< in JSON-LD")
                json.loads(code)
            elif not attrs.get("src") or code.strip():
                found.append(f"inline <script {attrs}>")
    return found


# --- bodies -----------------------------------------------------------------------------
TEXT = ["Reports have emerged that Russia is moving S-400 systems to Libya.",
        "Officials in Benghazi said on Wednesday", "Haftar's forces", "AT&T", "U.S.", "é —",
        "*stress*", "**strong**", "`code <b>`", "a  ", "[^1]", "1.", "- ", "> ", "# ", "|"]
ATTRIBUTE_LISTS = [
    '{: onerror="alert(1)" }', "{: onclick=alert(1) }", "{onmouseover='alert(1)'}",
    '{: #fn:1 .footnote-ref href="javascript:alert(1)" }', '{: src="//evil.example/a.png" }',
    '{: style="background:url(//evil.example/a.png)" }', "{: autofocus onfocus=alert(1) }",
    '{: srcset="//evil.example/a.png 2x" }', '{: formaction="javascript:alert(1)" }',
    "{: .lead #main data-x=1 tabindex=1 }", "{@onclick=alert(1)}", '{@style="color:red"}',
    '{: title="x" onload="alert(1)" }',
]
RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
       '<a href="javascript:alert(1)">x</a>', "<iframe src=//evil.example/>", "<b>x</b>",
       '<div markdown="1">*x* <span onclick="alert(1)">y</span></div>', "<!-- x -->",
       "<?php x ?>", "<![CDATA[ <script>alert(1)</script> ]]>", "<style>*{}</style>",
       "<object data=//evil.example/x>", "</p><script>alert(1)</script>",
       "<details open ontoggle=alert(1)>"]
ADDRESSES = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
             "vbscript:msgbox(1)", "http://evil.example/x.png", "//evil.example/x.png",
             "/\\evil.example/x.png", "\\\\evil.example\\x.png", "https://example.org/a?b=1&c=2",
             "/briefings/x/", "mailto:desk@example.org", "#fn:1", "x.png", " java\tscript:x"]
NAMED = {":": ["&colon;"], "/": ["&sol;", "&#x2F;"], "\\": ["&bsol;", "\\\\"],
         "(": ["&lpar;"], ")": ["&rpar;"], ".": ["&period;", "\\."], "&": ["&amp;"]}


def spellings(ch: str) -> list[str]:
    """Ways to write one character of an address that a browser may read as it."""
    code = ord(ch)
    return [ch, ch, ch, f"&#{code};", f"&#x{code:x};", f"&#X{code:02X};", f"&#000{code};",
            f"&amp;#{code};", f"&#38;#{code};", f"{ch}&#9;", f"{ch}&NewLine;", f"{ch}\t",
            ch.upper(), *NAMED.get(ch, [])]


@st.composite
def addresses(draw):
    address = draw(st.sampled_from(ADDRESSES))
    return "".join(draw(st.sampled_from(spellings(ch))) for ch in address)


@st.composite
def pieces(draw):
    attr = draw(st.sampled_from(ATTRIBUTE_LISTS))
    url = draw(addresses())
    text = draw(st.sampled_from(TEXT))
    raw = draw(st.sampled_from(RAW))
    return draw(st.sampled_from([
        f"[{text}]({url}){attr}", f"![{text}]({url}){attr}", f"[{text}](<{url}>)",
        f'![{text}]({url} "{text}")', f"[{text}][r]\n\n[r]: {url}", f"![i][r]\n\n[r]: {url}",
        f"<{url}>", f"# {text} {attr}", f"{text}\n===\n{attr}", f"{text}\n{attr}",
        f"- {text} {attr}\n- [a]({url}){attr}", f"> {text} {attr}\n> ![x]({url})",
        f"| a | b |\n|---|:-:|\n| {text} {attr} | ![x]({url}){attr} |",
        f"{text}[^n]\n\n[^n]: [note]({url}){attr} {raw}", f"```{attr}\n{raw}\n```",
        f"``` {{ .x onclick=alert(1) }}\n{raw}\n```", f"{text}\n: {raw} {attr}",
        f"*[{text}]: {raw}", f"{raw}", f"{text} {raw} {text}", f"    {raw}",
        f"!!! note {attr}\n    {raw}", f"[[{url}]]", f"{attr}", f"`{raw}`",
        f"1. {text}\n\n    ![x]({url}){attr}",
    ]))


bodies = st.lists(st.tuples(pieces(), st.sampled_from([" ", "\n", "\n\n"])),
                  min_size=1, max_size=8).map(lambda parts: "".join(a + b for a, b in parts))

PROJECT = site_reader()
# with every extension Python-Markdown has that writes attributes or HTML of its own: the
# reader adds briefing.site.mdsafe, whose allowlist must still hold
EVERYTHING = site_reader(MARKDOWN={
    "extensions": ["markdown.extensions.extra", "markdown.extensions.toc",
                   "markdown.extensions.admonition", "markdown.extensions.wikilinks",
                   "markdown.extensions.legacy_attrs", "markdown.extensions.nl2br",
                   "markdown.extensions.smarty", "markdown.extensions.sane_lists"],
    "extension_configs": {}, "output_format": "html5"})


def test_rows1_3_the_unsafe_examples_are_found_by_these_checks():
    """The checks below would see what rows 1-3 saw before the fix."""
    assert unsafe_markup('<img alt="x" onerror="alert(1)" src="/nope.png">')
    assert unsafe_markup('<a href="java&#115;cript:alert&#40;1&#41;">x</a>')
    assert unsafe_markup('<img src="&#104;ttp://evil.example/a.png">')
    assert unsafe_markup('<img src="/\\evil.example/a.png">')
    assert unsafe_markup("<p><b>x</b></p>")
    assert not unsafe_markup('<p><a href="https://x.example/">a</a> <img src="/a.png"></p>')


@FUZZ
@given(bodies)
def test_rows1_3_fuzzed_bodies_render_safely_with_the_site_settings(body):
    out, _ = PROJECT.render(body)
    assert not unsafe_markup(out), (body, out)
    assert not CONTROL.search(out), (body, out)


@FUZZ
@given(bodies)
def test_rows1_3_fuzzed_bodies_render_safely_with_attr_list_and_every_extension(body):
    out, _ = EVERYTHING.render(body)
    assert not unsafe_markup(out), (body, out)
    assert not CONTROL.search(out), (body, out)


# --- a real build: every file it writes -------------------------------------------------
PAYLOAD = "<script>alert(1)</script> <img src=x onerror=alert(2)> [j](javascript:alert(3))"


def sample_bodies(count: int) -> list[str]:
    """Bodies made of the same pieces as the fuzz tests, the same on every run."""
    rng = random.Random(14)
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(3, 10)):
            attr, raw, text = (rng.choice(ATTRIBUTE_LISTS), rng.choice(RAW), rng.choice(TEXT))
            url = "".join(rng.choice(spellings(ch)) for ch in rng.choice(ADDRESSES))
            parts += [f"[{text}]({url}){attr}", f"![{text}]({url}){attr}", f"# {text} {attr}",
                      raw, f"{text}[^n]\n\n[^n]: [n]({url}) {raw}", rng.choice(["\n", "\n\n"])]
        out.append(" ".join(parts))
    return out


def problems_in_file(path: Path) -> list[str]:
    name = path.name
    if name.endswith((".html", ".xml", ".json")) and \
            CONTROL.search(path.read_text(encoding="utf-8")):
        return ["a control character"]
    if name.endswith(".html"):
        text = path.read_text(encoding="utf-8")
        body = body_of(text) if 'class="briefing__body prose"' in text else ""
        # the search page's own form (the template's: no scraped text in it)
        own = SEARCH_FORM if path.parent.name == "search" else frozenset()
        return unsafe_markup(text, theme=True, allowed=own) + unsafe_markup(body)
    if name.endswith(".xml"):
        return problems_in_xml(path.read_text(encoding="utf-8"))
    if name.endswith(".json"):
        return problems_in_data(json.loads(path.read_text(encoding="utf-8")))
    if name.endswith(".pf_fragment"):  # Pagefind's record of one page: gzip, then JSON
        data = gzip.decompress(path.read_bytes())
        return problems_in_data(json.loads(data[data.index(b"{"):]))
    return []


def problems_in_xml(text: str) -> list[str]:
    """A feed or the sitemap: HTML it carries (type="html") is checked as HTML, and
    every address is one a browser may follow."""
    found = []
    for el in ElementTree.fromstring(text.encode("utf-8")).iter():
        if el.get("type") == "html" and el.text:
            found += unsafe_markup(el.text, allowed=DIGEST_TAGS)
        elif re.search(r"<\s*script|onerror\s*=", el.text or "", re.I) and \
                el.tag.rsplit("}", 1)[-1] not in ("title", "name", "category"):
            found.append(f"markup in <{el.tag}>")
        for value in [el.get("href", "")] + ([el.text or ""] if el.tag.endswith("loc") else []):
            if scheme(value) not in SAFE_SCHEMES | {None}:
                found.append(f"<{el.tag}> {value!r}")
    return found


def problems_in_data(data) -> list[str]:
    """JSON: text is text (the pages that show it escape it); addresses must be safe."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("url", "href", "src", "image", "related", "bundlePath") and \
                    any(scheme(v) not in SAFE_SCHEMES | {None}
                        for v in (value if isinstance(value, list) else [value])
                        if isinstance(v, str)):
                found.append(f"{key}: {value!r}")
            found += problems_in_data(value)
    elif isinstance(data, list):
        for value in data:
            found += problems_in_data(value)
    return found


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz-markdown-site")
    content = small_site(tmp)
    folder = content / "briefings"
    for i, body in enumerate([ROW1, ROW2, ROW3, PAYLOAD, *sample_bodies(20)]):
        briefing(folder, f"hostile-{i}", f"Hostile {i} <script>alert({i})</script>", body,
                 summary=json.dumps(f"Lede <b>x</b> {PAYLOAD}"),
                 author=json.dumps(f"<img src=x onerror=alert({i})>"),
                 caption=json.dumps(PAYLOAD), region=json.dumps(["Libya", "<b>x</b>"]))
    (content / "pages" / "pelican-style.md").write_text(
        f"Title: Old <script>alert(1)</script>\nSummary: {PAYLOAD}\n\n{ROW1}\n{ROW2}\n{ROW3}\n"
        f"{PAYLOAD}\n", encoding="utf-8")
    build = build_site(content, tmp / "out")
    assert build.returncode == 0, build.log
    return build


def test_rows1_3_a_build_of_hostile_bodies_leaves_no_payload_in_any_file(hostile_build):
    files = sorted(p for p in hostile_build.output.rglob("*") if p.is_file())
    kinds = {p.suffix for p in files}
    assert {".html", ".xml", ".json", ".pf_fragment"} <= kinds, kinds
    found = {str(p.relative_to(hostile_build.output)): problems_in_file(p) for p in files}
    assert not {p: f for p, f in found.items() if f}
    # the payloads are there, as text
    page = hostile_build.page("briefings/hostile-3-script-alert-3-script/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Lede &lt;b&gt;x&lt;/b&gt;" in page

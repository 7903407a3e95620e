"""Issue 14, the Markdown rows: script through Markdown (rows 1-3), a body that cannot be
rendered says why (row 16), runaway Markdown is refused or built in seconds (row 17), and a
lede with markup in it is shown once as text (row 21). Real builds of real files."""

from __future__ import annotations

import html
import re
import resource
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from pelican.settings import read_settings

from briefing.core import frontmatter
from briefing.site import mdsafe
from conftest import CONTENT, ROOT, build_site, plugin_module

BRIEFING = Path(sys.executable).parent / "briefing"


def _load_reader_module():
    return plugin_module("frontmatter")


READER = _load_reader_module()


def site_reader(**overrides):
    """The project's reader with the project's settings (as Pelican makes it)."""
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=overrides or None)
    return READER.FrontMatterReader(settings)


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, decoded once (as a browser does)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def body_of(page: str) -> str:
    """The rendered body of a briefing's page."""
    return re.search(r'<div class="briefing__body prose" id="briefing-text">\n(.*?)\n  </div>', page, re.S).group(1)


def browser_url(value: str) -> str:
    """What a browser follows: blanks and control characters dropped, "\\" read as "/"."""
    return "".join(c for c in value if c.isprintable() and not c.isspace()).replace("\\", "/")


def briefing(folder: Path, name: str, title: str, body: str, **meta) -> Path:
    lines = [f"title: {title}", "date: 2024-12-18", *(f"{k}: {v}" for k, v in meta.items())]
    path = folder / f"{name}.md"
    path.write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body, encoding="utf-8")
    return path


def small_site(tmp_path: Path) -> Path:
    """Three briefings and the About page of the demo, in a fresh content folder."""
    content = tmp_path / "content"
    (content / "briefings").mkdir(parents=True)
    shutil.copytree(CONTENT / "pages", content / "pages")
    for path in sorted((CONTENT / "briefings").glob("*.md"))[:3]:
        shutil.copy(path, content / "briefings" / path.name)
    return content


def ingest_and_build(tmp_path: Path, name: str, page: str):
    """``briefing ingest`` one raw page (file ``name``, text ``page``) into a small site,
    then build it (no search)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / name).write_text(page, encoding="utf-8")
    content = small_site(tmp_path)
    done = subprocess.run([str(BRIEFING), "ingest", "--publish", "--out", str(content / "briefings"),
                           str(raw)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    build = build_site(content, tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log
    return build


ROW1 = """A photo of the site {: #main .lead }

![x](/nope.png){: onerror="alert(1)" }

# H {: onclick="alert(2)" }

[a](https://example.org/){: onmouseover="alert(3)" }

- item {: onfocus="alert(4)" autofocus tabindex=1 }

| a | b |
|---|---|
| c {: onclick="alert(5)" } | d |
"""

ROW2 = """[x](java&#115;cript:alert&#40;1&#41;)
[y](&#x6A;avascript:alert(2)) [z](javascript&colon;alert(3)) [w](java&Tab;script:alert(4))
[v](&amp;#106;avascript:alert(5)) [u](data&#58;text/html,x) [t](VBScript&#x3a;x)
[fine](https://example.org/a?b=1&c=2) [here](/briefings/x/) [mail](mailto:desk@example.org)
"""

ROW3 = """![a](&#104;ttp://evil.example/a.png)
![b](/\\evil.example/b.png)
![c](\\\\\\\\evil.example\\\\c.png)
![d](//evil.example/d.png) ![e](&#47;/evil.example/e.png) ![f](/&#92;evil.example/f.png)

![ours](/theme/favicon.svg)
"""


@pytest.fixture(scope="module")
def payload_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mdsafe-rows")
    content = small_site(tmp)
    folder = content / "briefings"
    briefing(folder, "row1", "Attribute lists", ROW1)
    briefing(folder, "row2", "Encoded schemes", ROW2)
    briefing(folder, "row3", "Images elsewhere", ROW3)
    build = build_site(content, tmp / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log
    return build


def test_row1_attribute_lists_give_no_event_handlers(payload_build):
    page = body_of(payload_build.page("briefings/attribute-lists/"))
    tags = Tags(page).tags
    assert not [(t, a) for t, a in tags for name in a if name.startswith("on")]
    assert not [(t, a) for t, a in tags if "autofocus" in a or "tabindex" in a]
    # the images and links themselves are still there
    assert ("img", {"alt": "x", "src": "/nope.png"}) in tags
    assert ("a", {"href": "https://example.org/"}) in tags
    assert "id=\"main\"" not in page and 'class="lead"' not in page


def test_row1_attribute_list_text_in_a_saved_page_survives_ingest_harmlessly(tmp_path):
    build = ingest_and_build(tmp_path, "page.html", (
        "<html><head><title>Russia moves air defense to Libya</title></head><body><article>"
        "<h1>Russia moves air defense to Libya</h1><p>By Jane Doe, December 18, 2024</p>"
        "<p>Reports have emerged that Russia is moving S-400 systems from Syria to eastern "
        "Libya, officials said on Wednesday, in a move that worries NATO planners.</p>"
        '<p>![x](/nope.png){: onerror="alert(1)" } and [a](https://x.example/){: '
        'onmouseover="alert(3)" } were in the page as text.</p>'
        "<p>A third paragraph about Khalifa Haftar and the port of Benghazi, long enough to "
        "count as an article body for the cleaner.</p></article></body></html>"))
    page = body_of(build.page("briefings/russia-moves-air-defense-to-libya/"))
    assert "were in the page as text" in page
    assert not [a for _, a in Tags(page).tags for name in a if name.startswith("on")]


def test_row1_reader_adds_mdsafe_when_the_site_settings_drop_it(tmp_path):
    content = small_site(tmp_path)
    briefing(content / "briefings", "row1", "Attribute lists",
             ROW1 + "\n<script>alert(9)</script>\n")
    # a Pelican-style page (no front matter) is rendered by Pelican's own reader: mdsafe too
    (content / "pages" / "old.md").write_text(
        "Title: Old style\n\n![x](/a.png){: onerror=\"alert(1)\" } <script>alert(8)</script>\n"
        "[x](java&#115;cript:alert(7))\n", encoding="utf-8")
    unsafe = '{"extensions": ["markdown.extensions.extra"], "extension_configs": {}}'
    build = build_site(content, tmp_path / "out",
                       extra=["-e", "SEARCH_INDEX=false", f"MARKDOWN={unsafe}"])
    assert build.returncode == 0, build.log
    for rel in ("briefings/attribute-lists/", "old-style/"):
        page = build.page(rel)
        tags = Tags(page).tags
        assert not [a for _, a in tags for name in a if name.startswith("on")], rel
        assert not [a for t, a in tags if t == "script" and not a.get("src") and
                    a.get("type") != "application/ld+json"], rel
        assert "&lt;script&gt;alert(" in page, rel
        assert not [a for _, a in tags if "javascript" in browser_url(html.unescape(
            a.get("href", ""))).lower()], rel


def test_row1_html_and_rst_files_are_reported_not_published(tmp_path):
    content = small_site(tmp_path)
    (content / "pages" / "evil.html").write_text(
        "<html><head><title>Evil</title></head><body><img src=x onerror=alert(1)></body></html>",
        encoding="utf-8")
    (content / "pages" / "evil.rst").write_text(
        "Evil\n####\n\n.. raw:: html\n\n   <script>alert(3)</script>\n", encoding="utf-8")
    build = build_site(content, tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode != 0
    assert "pages/evil.html" in build.log and "pages/evil.rst" in build.log
    assert not list(build.output.rglob("evil*"))
    for path in build.output.rglob("*.html"):
        assert "alert(" not in path.read_text(encoding="utf-8"), path


def test_row2_entity_encoded_javascript_link_is_not_a_link(payload_build):
    page = body_of(payload_build.page("briefings/encoded-schemes/"))
    hrefs = [browser_url(a["href"]) for t, a in Tags(page).tags if t == "a" and "href" in a]
    bad = [h for h in hrefs if re.match(r"(javascript|data|vbscript):", h, re.I)]
    assert not bad
    # the text of every refused link is still shown; the good links keep their address
    for text in ("x", "y", "z", "w", "v", "u", "t"):
        assert f"<span>{text}</span>" in page
    assert "https://example.org/a?b=1&c=2" in hrefs and "mailto:desk@example.org" in hrefs
    assert "/briefings/x/" in hrefs


def test_row2_decoded_url_reads_the_scheme_as_a_browser_does():
    for url in ("java&#115;cript:x", "&#x6A;avascript:x", "javascript&colon;x",
                "java\tscript:x", "&amp;#106;avascript:x", " \x01javascript:x",
                "java" + markdown.util.AMP_SUBSTITUTE + "#115;cript:x", "DATA:text/html,x"):
        assert not mdsafe.safe_url(url), url
    for url in ("https://example.org/?a=1&amp;b=2", "/briefings/x/", "#fn:1", "mailto:a@b.c",
                "../a", "page.html#x"):
        assert mdsafe.safe_url(url), url


def test_row3_images_from_other_hosts_never_load(payload_build):
    page = body_of(payload_build.page("briefings/images-elsewhere/"))
    srcs = [browser_url(a.get("src", "")) for t, a in Tags(page).tags if t == "img"]
    assert "/theme/favicon.svg" in srcs
    assert not [s for s in srcs if s.startswith("//") or re.match(r"[a-z][a-z0-9+.-]*:", s, re.I)]
    # each became a link to the image, showing its alt text
    for alt in "abcdef":
        assert re.search(rf"<a href=\"[^\"]*evil\.example[^\"]*\">{alt}</a>", page), alt


DASHES = "- \n" * 100_000


def test_row16_a_body_that_cannot_be_rendered_says_why_with_file_and_line(tmp_path):
    content = small_site(tmp_path)
    briefing(content / "briefings", "dashes", "Dashes", DASHES)
    build = build_site(content, tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode != 0
    # the reason, on the line that names the file (body from line 6: line 5 is blank)
    assert re.search(r"briefings/dashes\.md:\d+: the body has more than 20,000 list, quote "
                     r"and table marks", build.log), build.log[-3000:]


def test_row16_a_pelican_style_page_that_cannot_be_rendered_says_why_on_its_line(tmp_path):
    content = small_site(tmp_path)
    # Pelican's own reader: its meta extension takes the first three lines off the body
    (content / "pages" / "quotes.md").write_text(
        "Title: Quotes\nSummary: Many\n\n" + "> \n" * 100_000, encoding="utf-8")
    build = build_site(content, tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode != 0
    # the 20,001st quote, on the file's line 20,004
    assert "pages/quotes.md:20004: the body has more than 20,000 list, quote and table " \
           "marks by this line" in build.log, build.log[-3000:]


def test_row16_any_exception_while_rendering_is_reported_with_file_line_and_reason(tmp_path):
    class Boom(markdown.extensions.Extension):
        def extendMarkdown(self, md):  # noqa: N802
            class Raise(markdown.preprocessors.Preprocessor):
                def run(self, lines):
                    raise RecursionError("maximum recursion depth exceeded")
            md.preprocessors.register(Raise(md), "boom", 5)

    reader = site_reader()
    reader._body_md_settings["extensions"].append(Boom())
    path = tmp_path / "x.md"
    path.write_text("---\ntitle: X\ndate: 2024-12-18\n---\nBody.\n", encoding="utf-8")
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        reader.read(str(path))
    message = str(caught.value)
    assert message.endswith("x.md:5: the body (from this line) could not be rendered as "
                            "Markdown (RecursionError: maximum recursion depth exceeded)")
    assert reader.errors == [message]


# row 17: each was measured at seconds to minutes (or a RecursionError) with Python-Markdown
# 3.11; each is refused with a message naming the file, or built in well under a second
RUNAWAY = {
    "empty-items": "- \n" * 20_000,
    "link-openings": "[a](" * 8_000,
    "image-openings": "![a](\n" * 8_000,
    "same-footnote": "x[^1] " * 8_000 + "\n\n[^1]: the note\n",
    "footnotes": "".join(f"x[^{i}] " for i in range(8_000)) + "\n\n" +
                 "".join(f"[^{i}]: n\n" for i in range(8_000)),
    "rules": "---\n" * 8_000,
    "setext": "a\n===\n" * 8_000,
    "headings": "# a\n" * 20_000,
    "nested-list": "".join("    " * i + "- a\n" for i in range(600)),
    "nested-one-line": "- " * 2_000 + "a\n",
    "nested-quote-list": "".join("    " * i + "- > a\n" for i in range(600)),
    "emphasis": "*a* " * 240_000,
    "brackets": "[" * 50_000 + "]" * 50_000,
    "hard-breaks": "a  \n" * 200_000,  # 99 s: each "  \n" re-copies the paragraph
}
REFUSED = {
    "quote-lines": ("> \n" * 100_000, "more than 20,000 list, quote and table marks"),
    "wide-table": ("|" + "a|" * 20_000 + "\n|" + "-|" * 20_000 + "\n|" + "b|" * 20_000 + "\n",
                   "more than 20,000 list, quote and table marks"),
    "huge": ("word " * 220_000, "characters long, more than the 1,000,000"),
    "paragraphs": ("a\n\n" * 333_000, "more than 20,000 blank lines before this line"),  # 78 s
    "blank-lines": ("a\n" + "\n" * 990_000 + "b\n", "more than 20,000 blank lines"),  # 16 s
}


@pytest.mark.parametrize("name", sorted(RUNAWAY))
def test_row17_runaway_markdown_renders_in_bounded_time(name):
    reader = site_reader()
    started = time.perf_counter()
    out, notes = reader.render(RUNAWAY[name])
    assert time.perf_counter() - started < 5, name  # about 0.1 s here; minutes before
    assert out and len(out) < 3 * len(RUNAWAY[name]) + 1000


def test_row17_runaway_bodies_build_in_seconds_or_are_refused_by_name(tmp_path):
    content = small_site(tmp_path)
    for name, body in RUNAWAY.items():
        briefing(content / "briefings", name, f"Runaway {name}", body)
    for name, (body, _) in REFUSED.items():
        briefing(content / "briefings", name, f"Refused {name}", body)
    started = time.perf_counter()
    build = build_site(content, tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    took = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert build.returncode != 0
    for name, (_, reason) in REFUSED.items():
        assert re.search(rf"briefings/{name}\.md:\d+: [^\n]*{re.escape(reason)}", build.log), name
    assert f"{len(REFUSED)} problem" in build.log  # the runaway ones read fine
    assert took < 60, took  # every one of these took seconds to minutes before, some hours
    assert peak_mb < 2000, peak_mb


def test_row17_hundreds_of_footnotes_are_still_footnotes():
    body = "".join(f"Claim {i}.[^{i}] " for i in range(450)) + "\n\n" + \
        "".join(f"[^{i}]: Source {i}.\n" for i in range(450))
    out, notes = site_reader().render(body)
    assert notes == []
    assert out.count('class="footnote-ref"') == 450 and 'id="fn:449"' in out


def test_row17_what_the_guards_change_is_a_warning_with_file_and_line(tmp_path):
    content = small_site(tmp_path)
    briefing(content / "briefings", "nested", "Nested", "Intro.\n\n" + "- " * 30 + "deep\n")
    briefing(content / "briefings", "links", "Links", "Intro.\n\n" + "[a](" * 8_000 + "\n")
    build = build_site(content, tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log
    assert re.search(r"briefings/nested\.md:8: 1 line with lists or quotes nested deeper "
                     r"than 20 levels; flattened", build.log), build.log
    assert re.search(r"briefings/links\.md:8: a paragraph of 1 line with too much markup",
                     build.log), build.log
    assert "[a]([a](" in body_of(build.page("briefings/links/"))


def _bodies():
    for path in sorted(CONTENT.rglob("*.md")) + sorted((ROOT / "tests" / "data").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if frontmatter.has_front_matter(text):
            yield path, frontmatter.split(text, str(path))[1]


def test_row17_guards_do_not_change_how_real_briefings_render():
    guarded = site_reader()
    plain = site_reader()
    plain.render("")  # builds its Markdown instance; then take the guard out of it
    plain._body_md.preprocessors.deregister("briefing_guard")
    checked = 0
    for path, body in _bodies():
        html_guarded, notes = guarded.render(body)
        html_plain, _ = plain.render(body)
        assert html_guarded == html_plain, path
        assert notes == [], path
        checked += 1
    assert checked >= 10


def test_row15_markdown_placeholders_a_link_swallowed_never_reach_a_page_or_feed(tmp_path):
    # the link's address takes in part of the footnote's placeholder ("\x02klzzwxh:000"):
    # control characters in the page, and a traceback from the feed writer (XML 1.0)
    content = small_site(tmp_path)
    briefing(content / "briefings", "swallowed", "Swallowed", "Text [a](x'([^n]\n\nMore.\n\n"
             "[^n]: The note.\n")
    build = build_site(content, tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert build.returncode == 0, build.log
    for path in [build.output / "feeds" / "all.atom.xml",
                 *build.output.glob("briefings/swallowed/*.html")]:
        text = path.read_text(encoding="utf-8")
        assert "More." in text and not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text), path


def test_row21_markup_as_text_in_a_lede_is_shown_once_as_text(tmp_path):
    build = ingest_and_build(tmp_path, "page.txt", (
        "Markup in the lede of a story\n\nBy Jane Doe\nDecember 18, 2024\n\n"
        "The page used the text <b>x</b> and AT&amp;T in its first paragraph, which reports "
        "that Russia moved troops to Libya.\n\nReports have emerged that Russia is moving air "
        "defense systems from Syria to eastern Libya, officials said on Wednesday.\n\n"
        "A second paragraph with more words about the S-400 and Khalifa Haftar in Benghazi.\n"))
    page = build.page("briefings/markup-in-the-lede-of-a-story/")
    # the summary is the lede: the page shows it once, as the text's opening (not above it
    # again), and the home page's card shows it; both as the text "<b>x</b> and AT&amp;T"
    assert 'class="briefing__summary"' not in page
    assert page.count("<p>The page used the text &lt;b&gt;x&lt;/b&gt; and AT&amp;amp;T ") == 1
    card = re.search(r'<p class="card__summary">(.*?)</p>', build.page("index.html")).group(1)
    assert card.startswith("The page used the text &lt;b&gt;x&lt;/b&gt; and AT&amp;amp;T "), card

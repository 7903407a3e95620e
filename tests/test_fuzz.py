"""Property and fuzz tests: any input gives a result or a clear error, never a traceback or
a hang (each example runs under a deadline)."""

import re
import string
import time
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.core import frontmatter
from briefing.ingest.article import Extracted, NoArticleError
from briefing.ingest.clean import clean_dump, clean_html
from briefing.ingest.pipeline import IngestError, decode
from briefing.ingest.tagger import Tagger
from briefing.core.vocabulary import default_path, load

FUZZ = settings(max_examples=150, deadline=3000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# text that looks like the real thing: YAML punctuation, Markdown, HTML, boilerplate words
PIECES = ["---", "title:", "date:", "2024-12-18", "- ", "[", "]", "{", "}", ":", "'", '"', "#",
          "&", "*", "!", "|", ">", "%", "@", "`", "\t", "\n", "\n\n", "  • ", "Comments0",
          "Share it on...", "You May Also Like", "By Jane Doe", "<script>alert(1)</script>",
          "<div>", "</div>", "S-400", "Russia", "Libya", "U.S.", "Haftar's", "\x00", "\ufeff",
          "é", "—", "😀", "Popular Now", "Reports have emerged that Russia is moving troops.",
          "[x](javascript:alert(1))", "![i](http://e.x/p.png)", "<!--", "-->", "\r\n"]
texts = st.one_of(
    st.text(max_size=2000),
    st.lists(st.sampled_from(PIECES), max_size=300).map("".join),
    st.lists(st.text(alphabet=string.printable, max_size=120), max_size=60).map("\n".join),
)


@FUZZ
@given(texts)
def test_front_matter_parse_gives_a_document_or_a_clear_error(text):
    for candidate in (text, "---\n" + text, "---\n" + text + "\n---\nbody\n"):
        try:
            doc = frontmatter.parse(candidate, "fuzz.md")
        except frontmatter.FrontMatterError as exc:
            assert str(exc).startswith("fuzz.md")
            assert all(isinstance(msg, str) and msg for _, msg in exc.problems)
        else:
            assert isinstance(doc.meta["title"], str) and doc.meta["date"].tzinfo


@FUZZ
@given(st.dictionaries(st.sampled_from(["title", "date", "region", "actors", "systems",
                                        "summary", "source", "slug", "status", "extra"]),
                       st.one_of(st.text(max_size=40), st.lists(st.text(max_size=20)),
                                 st.integers(), st.dates(), st.none()), max_size=8),
       st.text(max_size=300))
def test_what_dump_writes_parse_reads_back(meta, body):
    text = frontmatter.dump(meta, body)
    try:
        doc = frontmatter.parse(text, "x.md")
    except frontmatter.FrontMatterError:
        return  # invalid metadata is refused, with a message
    again = frontmatter.parse(frontmatter.dump(doc.meta, doc.body), "x.md")
    assert again.meta == doc.meta


MD = markdown.Markdown(extensions=["markdown.extensions.extra", "markdown.extensions.sane_lists",
                                   "briefing.site.mdsafe"], output_format="html5")


@FUZZ
@given(texts)
def test_rendered_bodies_never_carry_raw_markup_or_unsafe_links(text):
    MD.reset()
    html = MD.convert(text)
    assert "<script" not in html and "<div" not in html and "<iframe" not in html
    for url in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert not re.match(r"\s*(javascript|data|vbscript):", url, re.I)
    assert not re.search(r'<img[^>]+src="(https?:)?//', html)


@FUZZ
@given(texts)
def test_cleaner_gives_an_article_or_no_article_error(text):
    try:
        result = clean_dump(text, name="fuzz.txt")
    except NoArticleError as exc:
        assert str(exc)
    else:
        assert isinstance(result, Extracted) and result.title
        assert "<script" not in result.body


@settings(max_examples=60, deadline=5000,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(texts)
def test_html_cleaner_gives_an_article_or_no_article_error(text):
    for page in (text, f"<html><body><article><h1>{text[:80]}</h1><p>{text}</p></article>"
                       "</body></html>"):
        try:
            result = clean_html(page, name="fuzz.html")
        except NoArticleError as exc:
            assert str(exc)
        else:
            assert isinstance(result, Extracted)
            assert "<script" not in result.body


@pytest.fixture(scope="module")
def tagger():
    vocab = load(default_path())
    return vocab, Tagger(vocab)


@FUZZ
@given(title=texts, body=texts)
def test_tagger_gives_vocabulary_terms_for_any_text(tagger, title, body):
    vocab, tag = tagger
    result = tag.tag(title, body).as_dict()
    for facet, names in result.items():
        assert all((facet, name) in vocab for name in names), (facet, names)


@FUZZ
@given(st.binary(max_size=3000))
def test_decode_gives_text_or_a_clear_error(data):
    warnings = []
    try:
        text = decode(data, Path("fuzz.txt"), warnings)
    except IngestError as exc:
        assert str(exc).startswith("fuzz.txt: ")
    else:
        assert isinstance(text, str) and text.strip()


@pytest.mark.parametrize("text", [
    "a" * 200_000,
    "[" * 50_000 + "]" * 50_000,
    ("- " * 20_000) + "\n",
    "\n".join(["Share"] * 20_000),
    ("word " * 40_000),
    ("<div>" * 20_000),
    ("S-400 " * 30_000),
])
def test_pathological_inputs_finish_quickly(tagger, text):
    _, tag = tagger
    started = time.perf_counter()
    try:
        clean_dump(text, name="big.txt")
    except NoArticleError:
        pass
    tag.tag("Title", text)
    MD.reset()
    MD.convert(text[:100_000])
    try:
        frontmatter.parse("---\ntitle: x\ndate: 2024-01-01\n---\n" + text, "big.md")
    except frontmatter.FrontMatterError:
        pass
    assert time.perf_counter() - started < 20  # linear-ish: a hang would take far longer


def test_brackets_nested_past_the_limit_are_shown_as_text():
    # a paragraph the guard takes is kept out of the inline parser: its *stars* stay stars
    from briefing.site.mdsafe import MAX_BRACKET_DEPTH

    deep = "[" * (MAX_BRACKET_DEPTH + 1) + "*x*" + "]" * (MAX_BRACKET_DEPTH + 1)
    fine = "[" * MAX_BRACKET_DEPTH + "*x*" + "]" * MAX_BRACKET_DEPTH
    many = "[a] " * (MAX_BRACKET_DEPTH + 5) + "*x*"  # many brackets, none nested
    for text, guarded in ((deep, True), (fine, False), (many, False)):
        MD.reset()
        html = MD.convert("Intro.\n\n" + text + "\n\nOutro.")
        assert html.startswith("<p>Intro.</p>") and html.endswith("<p>Outro.</p>")
        assert html.count("<p>") == 3
        assert ("*x*" in html) == guarded and ("<em>x</em>" in html) != guarded

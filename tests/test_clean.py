"""Tests of the cleaner (briefing.ingest.clean) on real page dumps and saved pages.

Data: ``tests/data/raw/`` holds an editor's dump; ``tests/data/clean/`` holds
seven pages of the development set (publishers' texts, used for evaluation
only), each as a w3m dump (``.txt``) and a browser select-all copy
(``.inner.txt``), five of them with the saved page (``.html``).  The other
tests use short texts written for them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest

from briefing.ingest.article import Extracted, NoArticleError
from briefing.ingest.clean import clean_dump, clean_html
from briefing.ingest.clean import boilerplate as bp
from briefing.ingest.clean import markdown as md
from briefing.ingest.clean import meta

DATA = Path(__file__).parent / "data"
CLEAN = DATA / "clean"
SAMPLE = DATA / "raw" / "viewus-russia-air-defense-libya.txt"

STYLES = (".txt", ".inner.txt", ".html")


def run(name: str, suffix: str) -> Extracted:
    text = (CLEAN / f"{name}{suffix}").read_text(encoding="utf-8")
    if suffix == ".html":
        return clean_html(text, name=name)
    return clean_dump(text, name=name)


def norm(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


# --- the editor's sample --------------------------------------------------------

SAMPLE_PARAGRAPHS = [
    "Reports have emerged that Russia is transferring advanced air defense systems and "
    "military equipment from its military base in Syria to Libya.",
    "The Wall Street Journal (WSJ) cited U.S. officials on Wednesday.",
    "The eastern region of Libya, where Russia is moving its military equipment,",
    "For years, Russia has operated naval and air bases in Syria",
    "Reports indicate that Russia has been discussing long-term leasing options",
    "Libya has been in turmoil since the 2011 uprising",
    "Experts caution that it remains uncertain whether Russia will ultimately transfer",
]


@pytest.fixture(scope="module")
def sample() -> Extracted:
    return clean_dump(SAMPLE.read_text(encoding="utf-8"), name=SAMPLE.name)


def test_sample_fields(sample):
    assert sample.title == "Russia Relocates S-400s and S-300s from Syria to Libya\u2019s Eastern Region"
    assert sample.author == "Daniel Kim"
    assert sample.caption == ("Satellite images released by Maxar Technologies on Tuesday show "
                              "Russian military vehicles at the port of Tartus, Syria.")
    assert sample.caption_credit == "Yonhap News"
    assert sample.email == "content@viewusglobal.com"
    assert sample.section == "WORLD"
    assert sample.date is None  # the page shows no date


def test_sample_body_is_the_seven_paragraphs(sample):
    assert len(sample.blocks) == 7
    for block, start in zip(sample.blocks, SAMPLE_PARAGRAPHS):
        assert block.startswith(start)
    assert sample.blocks[-1].endswith("from allowing the expansion of Russian military bases.")


def test_sample_body_has_no_boilerplate(sample):
    body = sample.body
    for junk in ("Comments0", "Latest Stories", "You May Also Like", "Popular Now",
                 "Must-Reads", "Share it on", "content@viewusglobal.com", "Daniel Kim",
                 "Satellite images", "Yonhap", "Quick access", "LIFESTYLE", "Putin"):
        assert junk not in body, junk


def test_sample_text_is_nfc_and_unchanged(sample):
    import unicodedata

    assert unicodedata.is_normalized("NFC", sample.body)
    assert "Russia\u2019s" not in sample.body  # the body keeps its own text only
    assert "(643 kilometers)" in sample.body


# --- development pages, three input styles ------------------------------------------

PAGES = {
    # BBC: subheadings, captions with "Image copyright", share panels, related topics
    "c7e39ac49fa1235f": {
        "titles": {"Julian Assange: Sweden drops rape investigation",
                   "Sweden drops Assange rape investigation"},
        "sentences": [
            "Prosecutors in Sweden have dropped an investigation into a rape allegation",
            "He is currently being held at Belmarsh prison in London.",
            "Last month, a judge rejected Assange's attempt to delay the full extradition hearing",
        ],
        "absent": ["Share this with", "Related Topics", "More on this story", "Top Stories",
                   "Copyright \u00a9 2019 BBC", "Image copyright", "Media playback"],
        "date": dt.date(2019, 11, 19),
    },
    # New York Post: byline with two authors, dateline, "More On:" link list, share block
    "a1fca19b884e0e94": {
        "titles": {"Taliban say they freed US, Australian hostages for 3 terrorist figures"},
        "sentences": [
            "Two hostages \u2014 an American and an Australian \u2014 who had been held by the Taliban",
            "Washington and the Taliban had been holding direct talks",
        ],
        "absent": ["Filed under", "Share this article", "This story has been shared",
                   "John Bolton unloads", "Enlarge Image", "By Lia Eustachewich"],
        "date": dt.date(2019, 11, 19),
        "author": "Lia Eustachewich",
    },
    # GiveWell blog: quotes, bullet lists, subheadings, a comment form
    "ad9e9e596f21a681": {
        "titles": {"A grant to Evidence Action Beta to prototype, test, and scale promising programs"},
        "sentences": [
            "In July 2018, we recommended a $5.1 million grant to Evidence Action Beta",
            "We look forward to sharing updates and the results.",
        ],
        "absent": ["Leave a Reply", "Previous Post", "Next Post", "Recent Blog Posts",
                   "Enter search terms here"],
        "date": dt.date(2018, 10, 9),
        "author": "Olivia Larsen",
    },
    # CBS Sports: a dek under the headline, lists of teams, an author bio, related links
    "9a440270bf8625d5": {
        "titles": {"UEFA Euro 2020 qualifying: Tracking every team to clinch a spot as Wales punches ticket"},
        "sentences": [
            "Euro 2020 qualifying is over. Well, sort of.",
            "England (Group A): 10th appearance",
        ],
        "absent": ["Pochettino fired by Tottenham", "Our Latest Stories", "Help", "Privacy Policy",
                   "Fantasy Football Today"],
        "date": dt.date(2019, 11, 19),
        "author": "Roger Gonzalez",
    },
}


@pytest.mark.parametrize("suffix", STYLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_dev_page(name, suffix):
    want = PAGES[name]
    got = run(name, suffix)
    assert norm(got.title) in {norm(t) for t in want["titles"]}
    body = norm(got.body)
    for sentence in want["sentences"]:
        assert norm(md.escape_inline(sentence)) in body, sentence
    for junk in want["absent"]:
        assert junk not in got.body, junk
    for block in got.blocks:
        assert bp.norm_line(block) != "share", block
        assert not bp.is_boilerplate_line(block.lstrip("#>- ")), block
    d = got.date.date() if isinstance(got.date, dt.datetime) else got.date
    assert d == want["date"]
    if "author" in want:
        assert got.author is not None and want["author"] in got.author


def test_dev_page_title_not_in_body():
    for name in PAGES:
        for suffix in (".txt", ".inner.txt"):
            got = run(name, suffix)
            assert norm(got.title) not in {norm(b.lstrip("# ")) for b in got.blocks}


def test_bbc_caption_goes_to_caption_not_body():
    got = run("c7e39ac49fa1235f", ".txt")
    assert got.caption and got.caption.startswith("Eva-Marie Persson said the decision")
    assert got.caption_credit == "EPA"
    assert "Eva-Marie Persson said the decision" not in got.body


# --- the headline of a dump -------------------------------------------------------------

DUMPS = (".txt", ".inner.txt")


@pytest.mark.parametrize("suffix", DUMPS)
def test_headline_not_its_dek(suffix):
    # a quote as the dek under the headline, then a section label, the date and the byline
    got = run("bc13ff87b2630ffb", suffix)
    assert got.title == "Major WeWork layoffs to begin today"
    assert got.author == "David Jeans"  # "By David Jeans", not the label "TRD NATIONAL /"


@pytest.mark.parametrize("suffix", DUMPS)
def test_headline_over_a_name_and_a_date(suffix):
    # the byline has no "By": a name and the paper, then "Published ..."
    got = run("c81e134ed49902bc", suffix)
    assert got.title == "High School Roundup: Viera defeats Rockledge to remain undefeated"
    assert got.date == dt.date(2019, 11, 20) or got.date.date() == dt.date(2019, 11, 20)


@pytest.mark.parametrize("suffix", DUMPS)
def test_headline_under_its_byline(suffix):
    # author, section and date above the headline; a caption right under it
    got = run("d48aeb9cf2f2ff15", suffix)
    assert got.title == "Why My Friend Became a Grocery Store on Instagram"
    assert got.author == "Louise Matsakis"


NAV = "Home\nNews\nWorld\nBusiness\nSport\nSubscribe\nSign in\n\n"
PARAS = [
    "The city council voted on Tuesday to expand the bus network, adding four routes that will "
    "connect the northern suburbs with the hospital district by the end of next year.",
    "Officials said the plan would cost about 12 million dollars, most of it paid by a regional "
    "grant, and that fares would stay the same for at least two years after the launch.",
    "Residents who spoke at the meeting welcomed the routes but asked the council to publish "
    "timetables early, so that shift workers could plan their journeys to the hospital.",
    "The first of the new routes is expected to open in March, the transport office said in a "
    "statement, with the others following over the summer as new buses are delivered.",
]
BODY = "\n\n".join(PARAS)


def test_headline_is_not_the_breadcrumb():
    page = (NAV + "Home \u00bb City \u00bb Council expands bus network to northern suburbs\n\n"
            "Council expands bus network to northern suburbs\n\nBy Ana Costa\n\nMarch 3, 2021\n\n"
            + BODY + "\n\nMost Popular\n\nOther story one\n")
    got = clean_dump(page)
    assert got.title == "Council expands bus network to northern suburbs"
    assert got.author == "Ana Costa"


def test_headline_from_the_page_title_line():
    # the dump starts with the page's <title> ("Headline | Site") and shows no headline line
    page = ("Council expands bus network to northern suburbs | The Daily Example\n\n" + NAV
            + "Photo gallery\n\n" + BODY + "\n\nShare this article\n")
    got = clean_dump(page)
    assert got.title == "Council expands bus network to northern suburbs"


def test_headline_not_a_teaser_of_a_list():
    # headline, date, headline, date: a list of other stories sits above the article
    teasers = "".join(f"Other story number {k} about the region and its people\n\nMarch {k}, 2021\n\n"
                      for k in range(1, 6))
    page = (NAV + "Latest\n\n" + teasers + "Council expands bus network to northern suburbs\n\n"
            "By Ana Costa\n\n" + BODY)
    got = clean_dump(page)
    assert got.title == "Council expands bus network to northern suburbs"


def test_headline_not_a_caption_or_a_name():
    page = (NAV + "Council expands bus network to northern suburbs\n\nAna Costa\n\nMarch 3, 2021\n\n"
            "A bus waits at the central station in the morning. (Photo: Jo Smith / Example)\n\n" + BODY)
    got = clean_dump(page)
    assert got.title == "Council expands bus network to northern suburbs"
    assert "A bus waits" not in got.body


# --- the body of a dump ---------------------------------------------------------------------

def test_short_result_lines_are_kept():
    # a roundup of results: short lines, one sentence each, are the article
    got = run("c81e134ed49902bc", ".txt")
    for line in ("Viera (3-0): Talorie Crafton 1 goal. Madelyn Rosario 1 assist.",
                 "Merritt Island (3-2): Kyleigh Trout 1 goal. Grace Hanks 1 goal. Britton Carroll 5 saves."):
        assert line in got.body, line
    assert "Terms of Service" not in got.body


@pytest.mark.parametrize("suffix", DUMPS)
def test_end_of_article_boxes_are_cut(suffix):
    # "More Great WIRED Stories", then an author bio and the site's blurb
    got = run("d48aeb9cf2f2ff15", suffix)
    assert got.blocks[-1].startswith("Maybe Instagram likes it that way.")
    for junk in ("WIRED is where tomorrow is realized", "is a Staff Writer at WIRED",
                 "More Great WIRED Stories", "The strange life and mysterious death"):
        assert junk not in got.body, junk


def test_author_box_after_the_article_is_cut():
    page = (NAV + "Council expands bus network to northern suburbs\n\nBy Ana Costa\n\n" + BODY
            + "\n\nAbout Ana Costa\n\nAna Costa covers transport and city politics for the Example, "
              "and has written about buses, trains and bicycles since she joined the paper in 2015.\n\n"
              "Weitere Themen\nOne\nTwo\n")
    got = clean_dump(page)
    assert got.blocks[-1].startswith("The first of the new routes")
    assert "covers transport" not in got.body


def test_comment_thread_is_cut():
    page = (NAV + "Council expands bus network to northern suburbs\n\nBy Ana Costa\n\n" + BODY
            + "\n\n3 thoughts on \u201cCouncil expands bus network to northern suburbs\u201d\n\nJoe Bloggs\n\n"
            + "I have waited for a bus to the hospital for years, and I think the council should have done "
              "this much earlier, but better late than never as they say around here.\n\n"
              "Mary Major\n\nThe timetables were promised last time too, and nobody ever saw them, so "
              "forgive me if I do not believe a word of it until the buses actually run.\n")
    got = clean_dump(page)
    assert got.blocks[-1].startswith("The first of the new routes")


def test_read_also_lines_and_tag_lists_are_dropped():
    page = (NAV + "Council expands bus network to northern suburbs\n\nBy Ana Costa\n\n"
            + PARAS[0] + "\n\n(Read also: Trams return to the old town after ten years)\n\n"
            + "\n\n".join(PARAS[1:])
            + "\n\nTags: buses, council, transport, hospital, suburbs\n\n"
              "city council, bus network, northern suburbs, hospital district, fares\n")
    got = clean_dump(page)
    for junk in ("Read also", "Trams return", "Tags", "bus network, northern suburbs"):
        assert junk not in got.body, junk
    assert len(got.blocks) == 4


def test_paragraph_ending_in_an_ellipsis_is_kept():
    lead = ("The mayor did not hide her satisfaction when the vote was counted, and she told "
            "reporters outside the chamber what she expected from the new routes\u2026")
    page = (NAV + "Council expands bus network to northern suburbs\n\nBy Ana Costa\n\n"
            + PARAS[0] + "\n\n" + lead + "\n\n" + "\n\n".join(PARAS[1:]))
    got = clean_dump(page)
    assert any(b.startswith("The mayor did not hide") for b in got.blocks)


def test_sign_up_box_after_the_article_is_cut():
    page = (NAV + "Council expands bus network to northern suburbs\n\nBy Ana Costa\n\n" + BODY
            + "\n\nStay up to date with the Example.\nSubscribe No thanks\n"
              "Please, fill the form to subscribe to our newsletter\n"
              "You have successfully subscribed. Thank you!\n\nExample News Service\n\n"
              "The Example offers to all interested readers a news service that brings its city "
              "reports directly to the reader's desktop or mobile device every morning.\n\n"
              "Quick Links\nContact\n\u00a9 2021 The Example\n")
    got = clean_dump(page)
    assert got.blocks[-1].startswith("The first of the new routes")


# --- saved pages ---------------------------------------------------------------------------

def test_html_whole_article_when_trafilatura_keeps_part():
    # the article is split over several containers; trafilatura keeps the first
    got = run("d48aeb9cf2f2ff15", ".html")
    assert "David Stier, a data scientist and business advisor" in got.body
    assert got.blocks[-1].startswith("Maybe Instagram likes it that way.")
    assert "WIRED is where tomorrow is realized" not in got.body
    assert any("text dump" in note for note in got.notes)


def test_render_html_as_a_dump():
    from lxml import html as lxml_html

    from briefing.ingest.clean.render import html_to_text

    page = ("<html><head><title>T</title><style>p {}</style></head><body><nav><ul><li>Home</li>"
            "<li>News</li></ul></nav><article><h1>A headline</h1><p>First <b>bold</b> paragraph.</p>"
            "<p>Second<br>line</p><script>var x = 1;</script><table><tr><td>a</td><td>b</td></tr>"
            "</table></article></body></html>")
    text = html_to_text(lxml_html.document_fromstring(page))
    lines = text.split("\n")
    assert "  \u2022 Home" in lines and "  \u2022 News" in lines
    assert "A headline" in lines and "First bold paragraph." in lines
    assert "Second" in lines and "line" in lines
    assert "a b" in lines
    assert "var x" not in text and "p {}" not in text
    assert "" in lines  # blank lines between blocks


# --- Markdown structure ----------------------------------------------------------------

def test_subheading_stays_a_heading():
    for suffix in STYLES:
        got = run("c7e39ac49fa1235f", suffix)
        assert "## What did the prosecutors say?" in got.blocks, suffix
        assert "## What charges does Assange face in the US?" in got.blocks, suffix


def test_list_stays_a_list():
    for suffix in (".txt", ".html"):
        got = run("9a440270bf8625d5", suffix)
        lists = [b for b in got.blocks if b.startswith("- ")]
        teams = next(b for b in lists if "England (Group A)" in b)
        lines = teams.split("\n")
        assert len(lines) >= 20, suffix
        assert all(line.startswith("- ") for line in lines)
        assert "- Wales (Group E): Second appearance" in lines


def test_quote_stays_a_quote():
    for suffix in (".txt", ".html"):
        got = run("ad9e9e596f21a681", suffix)
        quotes = [b for b in got.blocks if b.startswith("> ")]
        assert any("A key part of GiveWell" in q for q in quotes), suffix


def test_paragraphs_are_single_blocks_not_split():
    got = run("ad9e9e596f21a681", ".txt")
    assert all("\n" not in b for b in got.blocks if not b.startswith("- "))


def test_wrapped_dump_is_unwrapped():
    # the sample re-wrapped at 72 columns, as a default text browser prints it
    import textwrap

    raw = SAMPLE.read_text(encoding="utf-8")
    wrapped = "\n".join(
        "\n".join(textwrap.wrap(line, 72)) if len(line) > 72 else line for line in raw.split("\n"))
    got = clean_dump(wrapped)
    assert got.blocks[1].startswith("The Wall Street Journal (WSJ) cited U.S. officials on Wednesday.")
    assert got.blocks[1].endswith("and logistical equipment.")
    assert len(got.blocks) == 7


# --- escaping --------------------------------------------------------------------------

def _dump_with(paragraph: str) -> str:
    raw = SAMPLE.read_text(encoding="utf-8")
    anchor = "Libya has been in turmoil"
    return raw.replace(anchor, paragraph + "\n\n" + anchor, 1)


def test_script_in_dump_is_text():
    evil = ("The agency's site showed <script>alert('x')</script> in a comment box, and "
            "<img src=x onerror=alert(1)> as well as &amp; entities, investigators said.")
    got = clean_dump(_dump_with(evil))
    block = next(b for b in got.blocks if "alert" in b)
    assert "<script>" not in block and "<img" not in block
    assert "&lt;script&gt;" in block
    assert "&amp;amp;" in block


@pytest.mark.parametrize("lead, escaped", [
    ("# 1 priority for the army, officials said, is air defense over the capital.", "\\#"),
    ("> Officials quoted the memo at length in a briefing with reporters on Monday.", "\\>"),
    ("- Officials said the systems would be moved before the end of the month.", "\\-"),
    ("* Officials said the systems would be moved before the end of the month.", "\\*"),
    ("+ Officials said the systems would be moved before the end of the month.", "\\+"),
    ("1. Officials said the systems would be moved before the end of the month.", "1\\."),
])
def test_leading_markdown_is_escaped(lead, escaped):
    got = clean_dump(_dump_with(lead))
    key = lead.split(" ", 1)[1][:25]
    block = next(b for b in got.blocks if key in b)
    assert block.startswith(escaped)


def test_html_tags_in_page_text_are_escaped():
    page = ("<html><head><title>Radar sale</title></head><body><article><h1>Radar sale</h1>"
            + "".join(f"<p>Paragraph {i}: the ministry wrote &lt;b&gt;bold&lt;/b&gt; claims about "
                      f"radars and missiles, and officials confirmed the sale on Tuesday.</p>"
                      for i in range(8))
            + "</article></body></html>")
    got = clean_html(page)
    assert "<b>" not in got.body
    assert "&lt;b&gt;bold" in got.body


def test_markdown_helpers():
    assert md.paragraph("1) first") == "1\\) first"
    assert md.heading("What next?") == "## What next?"
    assert md.quote("He said so.") == "> He said so."
    assert md.bullet_list(["a", "- b"]) == "- a\n- \\- b"
    assert md.escape_inline("x < 5 & y > 3") == "x < 5 & y > 3"


# --- metadata helpers ------------------------------------------------------------------

@pytest.mark.parametrize("text, want", [
    ("August 13, 2018", dt.date(2018, 8, 13)),
    ("13 Aug 2018", dt.date(2018, 8, 13)),
    ("2024-12-18", dt.date(2024, 12, 18)),
    ("Published: Monday, November 18th, 2019 at 11:08 a.m.", dt.date(2019, 11, 18)),
    ("Nov 19, 2019 at 6:46 pm ET \u2022 2 min read", None),  # checked below as datetime
])
def test_parse_date(text, want):
    got = meta.parse_date(text)
    if want is None:
        assert isinstance(got, dt.datetime) and got.tzinfo is not None
        assert (got.year, got.month, got.day, got.hour, got.minute) == (2019, 11, 19, 18, 46)
    else:
        assert got == want


def test_parse_date_with_timezone():
    got = meta.parse_date("Dec. 18, 2024 10:21 AM ET")
    assert isinstance(got, dt.datetime)
    assert got.tzinfo is not None
    assert got.utcoffset() == dt.timedelta(hours=-5)
    assert (got.hour, got.minute) == (10, 21)


@pytest.mark.parametrize("text, want", [
    ("By Jane Doe", "Jane Doe"),
    ("Posted by John Smith", "John Smith"),
    ("Jane Doe, Reuters", "Jane Doe"),
    ("By JERUSALEM POST STAFF", "Jerusalem Post Staff"),
    ("October 9, 2018 | by Olivia Larsen", "Olivia Larsen"),
    ("The agency said on Monday that the system works.", None),
])
def test_parse_byline(text, want):
    assert meta.parse_byline(text) == want


def test_boilerplate_helpers():
    assert bp.has_boilerplate_phrase("\u00a9 2019 Example Inc.All rights reserved.")
    assert bp.has_boilerplate_phrase("Sign up for our newsletter today")
    assert not bp.has_boilerplate_phrase("The council will sign a new contract")
    assert bp.promo_score("Sign up for our newsletter. We never spam your inbox.") >= 2
    assert bp.promo_score("The council will sign a new contract with the bus company.") == 0
    assert bp.is_social_counter("44,976 Shares") and bp.is_social_counter("Comments0")
    assert not bp.is_social_counter("Shares of the company fell")
    assert bp.end_strength("Related coverage from Money:") == 2
    assert bp.end_strength("Related research shows a link") == 0
    assert bp.ends_in_ellipsis("He said the plan would work\u2026")
    assert meta.looks_like_name("Al Root") and meta.looks_like_name("Ludwig van Beethoven")


@pytest.mark.parametrize("text, want", [
    ("By Jane Doe", True), ("Nov. 20, 2019 1:35 a.m.", True), ("3 hours ago", True),
    ("Published Tue, Nov 19 20197:05 AM EST", True), ("Bruce Y. Lee Senior Contributor", True),
    ("Council expands bus network to northern suburbs", False), ("Home", False),
])
def test_meta_lines(text, want):
    from briefing.ingest.clean import title as titles
    from briefing.ingest.clean.lines import split_lines

    ln = split_lines(text)[0]
    assert titles.is_meta_line(ln) is want


def test_boilerplate_vocabulary():
    for line in ("Comments0", "You May Also Like", "Popular Now", "Share it on...",
                 "Latest Stories", "Must-Reads", "\u00a9 2019 The Republic. All rights reserved.",
                 "299FollowersFollow", "Share this on WhatsApp", "[WORLD] Latest Stories"):
        assert bp.is_boilerplate_line(line), line
    for line in ("Russia moved S-400 batteries to eastern Libya, officials said.",
                 "What did the prosecutors say?", "Tobruk"):
        assert not bp.is_boilerplate_line(line), line


# --- pages without an article -------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n\t \n", "\n\n\n"])
def test_empty_dump_raises(text):
    with pytest.raises(NoArticleError):
        clean_dump(text)


def test_link_list_raises():
    links = "\n".join(f"  \u2022 {w} news from the region today" for w in
                      ("Syria", "Libya", "Ukraine", "Taiwan", "Sudan", "Yemen", "Iran", "Mali") * 4)
    with pytest.raises(NoArticleError):
        clean_dump("Home\nNews\nWorld\n\n" + links)
    with pytest.raises(NoArticleError):
        clean_dump(links.replace("  \u2022 ", ""))


def test_error_page_raises():
    page = ("Home\nNews\nSearch\n\n404 Not Found\n\n"
            "The page you requested could not be found. It may have been moved or deleted.\n\n"
            "Go back to the homepage or try the search.\n\n\u00a9 2024 Example News. All rights reserved.\n")
    with pytest.raises(NoArticleError):
        clean_dump(page)


def test_html_without_article_raises():
    with pytest.raises(NoArticleError):
        clean_html("")
    with pytest.raises(NoArticleError):
        clean_html("<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav></body></html>")
    with pytest.raises(NoArticleError):
        clean_html("<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>"
                   "<p>The page you requested could not be found on this server.</p></body></html>")


def test_noarticle_error_has_a_one_line_reason():
    with pytest.raises(NoArticleError) as info:
        clean_dump("Home\nNews\n", name="inbox/x.txt")
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("inbox/x.txt")


# --- robustness --------------------------------------------------------------------------

def _garbage(rng: random.Random, n: int) -> str:
    alphabet = ("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ 0123456789 .,;:!?-\u2014()[]<>&#*+|/\\\"'\n\n\t"
                "\u2022\u25e6\u00a9\u2019\u201c\u201d\u00e9\u00fc\u0416\u4e2d\U0001f600\x00\x0b\ufeff\u200b")
    return "".join(rng.choice(alphabet) for _ in range(n))


def test_fuzz_dump_never_crashes():
    rng = random.Random(20241218)
    raw = SAMPLE.read_text(encoding="utf-8")
    inputs = [_garbage(rng, rng.randint(0, 3000)) for _ in range(150)]
    # mutated real pages: shuffled lines, truncated, doubled
    lines = raw.split("\n")
    for _ in range(50):
        mutated = lines[:]
        rng.shuffle(mutated)
        inputs.append("\n".join(mutated[: rng.randint(0, len(mutated))]))
    inputs += [raw[: rng.randint(0, len(raw))] for _ in range(20)]
    inputs += ["[" * 5000, "(" * 5000 + ")", "a" * 100000, "<" * 10000, "By " * 3000,
               "1/" * 5000, "\u2022 " * 5000, ("word " * 50 + "\n") * 400, "\r\n" * 1000]
    for text in inputs:
        try:
            got = clean_dump(text)
        except NoArticleError:
            continue
        assert isinstance(got, Extracted) and got.blocks


def test_fuzz_html_never_crashes():
    rng = random.Random(7)
    html = (CLEAN / "a1fca19b884e0e94.html").read_text(encoding="utf-8")
    inputs = [_garbage(rng, rng.randint(0, 2000)) for _ in range(40)]
    inputs += [html[: rng.randint(0, len(html))] for _ in range(10)]
    inputs += ["<" * 5000, "<html>" * 1000, "<p>" + "x " * 5000 + "</p>", "\x00<html></html>"]
    for text in inputs:
        try:
            got = clean_html(text)
        except NoArticleError:
            continue
        assert isinstance(got, Extracted) and got.blocks


def _article(n: int, rng: random.Random) -> str:
    words = SAMPLE.read_text(encoding="utf-8").split()
    paras = []
    for _ in range(n):
        paras.append(" ".join(rng.choice(words) for _ in range(40)).capitalize() + ".")
    return "Home\nNews\n\nA headline for the test\n\nBy Jane Doe\n\n" + "\n\n".join(paras)


def test_dump_time_is_linear_ish():
    rng = random.Random(3)
    small, big = _article(50, rng), _article(2000, rng)
    start = time.perf_counter()
    clean_dump(small)
    t_small = time.perf_counter() - start
    start = time.perf_counter()
    got = clean_dump(big)
    t_big = time.perf_counter() - start
    assert len(got.blocks) > 1500
    assert t_big < max(1.0, t_small * 40 * 3)


def test_title_search_time_is_linear_ish():
    # thousands of headline-like lines and dates (a long list of stories) above the body
    def page(n: int) -> str:
        teasers = "".join(f"Another story number {k} about the region\n\nMarch {k % 28 + 1}, 2021\n\n"
                          for k in range(n))
        return NAV + teasers + "Council expands bus network to northern suburbs\n\nBy Ana Costa\n\n" + BODY

    small, big = page(50), page(3000)
    start = time.perf_counter()
    clean_dump(small)
    t_small = time.perf_counter() - start
    start = time.perf_counter()
    got = clean_dump(big)
    t_big = time.perf_counter() - start
    assert got.title == "Council expands bus network to northern suburbs"
    assert t_big < max(1.0, t_small * 60 * 3)


def test_html_keeps_trafilatura_body_when_complete():
    got = run("c7e39ac49fa1235f", ".html")
    assert not any("text dump" in note for note in got.notes)


@pytest.mark.parametrize("bad", [None, 42, b"bytes"])
def test_non_str_input_raises_noarticle(bad):
    with pytest.raises(NoArticleError):
        clean_dump(bad)  # type: ignore[arg-type]
    with pytest.raises(NoArticleError):
        clean_html(bad)  # type: ignore[arg-type]

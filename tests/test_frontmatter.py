"""The front-matter parser and serializer shared by ingest, the reader and `briefing check`."""

import datetime as dt

import pytest

from briefing.core import frontmatter as fm

GOOD = """---
title: Russia Relocates S-400s and S-300s from Syria to Libya’s Eastern Region
date: 2024-12-19
author: Daniel Kim
source:
  name: ViewUS
  url: https://example.org/news/1
summary: Russia moves air defenses to eastern Libya.
region: Libya
actors: [Russia, Khalifa Haftar]
systems:
- S-400
- S-300
slug: russia-relocates
status: draft
analyst_note: check the WSJ original
---

Reports have emerged that Russia is transferring advanced air defense systems.
"""


def problems(text, **kw):
    with pytest.raises(fm.FrontMatterError) as info:
        fm.parse(text, "content/briefings/x.md", **kw)
    return [str(info.value)] + [f"{line}:{msg}" for line, msg in info.value.problems]


def test_valid_front_matter_is_read_and_normalised():
    doc = fm.parse(GOOD, "x.md")
    meta = doc.meta
    assert meta["title"].startswith("Russia Relocates S-400s")
    assert meta["date"] == dt.datetime(2024, 12, 19, tzinfo=dt.timezone.utc)
    assert meta["date"].tzinfo is not None
    assert meta["author"] == "Daniel Kim"
    assert meta["source"] == {"name": "ViewUS", "url": "https://example.org/news/1"}
    assert meta["region"] == ["Libya"]  # a single string is a one-item list
    assert meta["actors"] == ["Russia", "Khalifa Haftar"]
    assert meta["systems"] == ["S-400", "S-300"]
    assert meta["slug"] == "russia-relocates"
    assert meta["status"] == "draft"
    assert meta["analyst_note"] == "check the WSJ original"  # passed through
    assert doc.body.strip().startswith("Reports have emerged")
    assert doc.body_line == 18
    assert doc.lines["systems"] == 11


def test_dates_become_timezone_aware():
    base = "---\ntitle: T\ndate: {}\n---\nx\n"
    aware = fm.parse(base.format("2024-12-18T09:30:00+01:00"), "x.md").meta["date"]
    assert aware.utcoffset() == dt.timedelta(hours=1) and aware.hour == 9
    naive = fm.parse(base.format("2024-12-18 09:30"), "x.md", timezone="Europe/Paris")
    assert naive.meta["date"].tzinfo is not None
    assert naive.meta["date"].utcoffset() == dt.timedelta(hours=1)
    quoted = fm.parse(base.format('"2024-12-18T09:30:00Z"'), "x.md").meta["date"]
    assert quoted == dt.datetime(2024, 12, 18, 9, 30, tzinfo=dt.timezone.utc)


def test_empty_facets_and_page_without_date():
    doc = fm.parse("---\ntitle: About\n---\nHello\n", "about.md", require_date=False)
    assert doc.meta["region"] == [] and doc.meta["systems"] == []
    assert "date" not in doc.meta


@pytest.mark.parametrize("text, expected", [
    ("---\ntitle: T\ndate: 2024-01-01\nregion: Libya\nactors: Russia\nsystems:\n  name: S-400\n---\n",
     "content/briefings/x.md:6: systems must be a list of names, got a mapping"),
    ("---\ntitle: T\ndate: 2024-01-01\nactors:\n- Russia\n- [a, b]\n---\n",
     "content/briefings/x.md:4: actors: item 2 must be a name, got a list"),
    ("---\ndate: 2024-01-01\n---\nbody\n",
     "content/briefings/x.md: title is required"),
    ("---\ntitle: T\n---\nbody\n",
     "content/briefings/x.md: date is required"),
    ("---\ntitle: T\ndate: next tuesday\n---\n",
     "content/briefings/x.md:3: date must be a date like 2024-12-18"),
    ("---\ntitle: T\ndate: 2024-13-45\n---\n",
     "content/briefings/x.md:3: date: '2024-13-45' cannot be read (month must be in 1..12)"),
    ("---\ntitle: T\nsummary: a: b\ndate: 2024-01-01\n---\n",
     "content/briefings/x.md:3: invalid YAML: mapping values are not allowed"),
    ('---\ntitle: "Unclosed\ndate: 2024-01-01\n---\n',
     "content/briefings/x.md:2: invalid YAML: while scanning a quoted scalar"),
    ("---\ntitle: T\ndate: 2024-01-01\ntitle: U\n---\n",
     "content/briefings/x.md:4: title is given twice (first on line 2)"),
    ("---\n- a\n- b\n---\n",
     "content/briefings/x.md:2: the front matter must be a mapping of keys to values, got a list"),
    ("---\ntitle: T\ndate: 2024-01-01\nbody without a closing fence\n",
     "content/briefings/x.md:1: the front matter opened on line 1 is never closed"),
    ("---\ntitle: T\ndate: 2024-01-01\nslug: ../../etc/passwd\n---\n",
     "content/briefings/x.md:4: slug must be lower-case letters, digits and hyphens"),
    ("---\ntitle: T\ndate: 2024-01-01\nstatus: secret\n---\n",
     "content/briefings/x.md:4: status must be one of published, draft, hidden"),
    ("---\ntitle: T\ndate: 2024-01-01\nsource:\n  name: X\n  url: javascript:alert(1)\n---\n",
     "content/briefings/x.md:4: source: url must be an http(s) address"),
    ("---\ntitle: T\ndate: 2024-01-01\nauthor: [a, b]\n---\n",
     "content/briefings/x.md:4: author must be text, got a list"),
    ("---\ntitle: [T]\ndate: 2024-01-01\n---\n",
     "content/briefings/x.md:2: title must be text, got a list"),
])
def test_each_kind_of_invalid_front_matter_names_file_line_and_problem(text, expected):
    message = problems(text)[0]
    assert expected in message, message


def test_every_problem_of_a_file_is_reported_at_once():
    text = "---\ntitle: T\ndate: soon\nsystems: {a: 1}\nstatus: x\n---\n"
    msgs = problems(text)[1:]
    assert len(msgs) == 3
    assert [m.split(":", 1)[0] for m in msgs] == ["3", "4", "5"]


def test_round_trip_is_lossless():
    doc = fm.parse(GOOD, "x.md")
    text = fm.dump(doc.meta, doc.body)
    again = fm.parse(text, "x.md")
    assert again.meta == doc.meta
    assert again.body.strip() == doc.body.strip()
    assert fm.dump(again.meta, again.body) == text  # stable: writing twice gives the same bytes
    assert text.index("title:") < text.index("date:") < text.index("region:")


def test_round_trip_keeps_awkward_names():
    meta = {"title": "SAMP/T: Italy's 'Mamba' # not a comment", "date": dt.date(2024, 1, 2),
            "systems": ["2S19 Msta-S", "SAMP/T"], "actors": ["People's Liberation Army"],
            "region": ["Rzeszów"]}
    doc = fm.parse(fm.dump(meta, "Body"), "x.md")
    assert doc.meta["title"] == meta["title"]
    assert doc.meta["systems"] == ["2S19 Msta-S", "SAMP/T"]
    assert doc.meta["region"] == ["Rzeszów"]
    assert doc.meta["date"].date() == dt.date(2024, 1, 2)


def test_has_front_matter():
    assert fm.has_front_matter("---\ntitle: x\n---\n")
    assert fm.has_front_matter("\ufeff---\n")
    assert not fm.has_front_matter("Title: x\nDate: 2024-01-01\n\nbody")


def test_article_or_page_is_decided_by_pelicans_rule_in_one_place():
    """Under ARTICLE_PATHS and not under PAGE_PATHS: a briefing, which needs a date."""
    is_article = fm.is_article
    assert is_article("briefings/a.md", ["briefings"], ["pages"])
    assert is_article("briefings/2026/a.md", ["briefings"], ["pages"])
    assert not is_article("pages/about.md", ["briefings"], ["pages"])
    assert not is_article("briefingsx/a.md", ["briefings"], ["pages"])  # a folder, not a prefix
    assert not is_article("notes/a.md", ["briefings"], ["pages"])       # not read as either
    assert is_article("a.md") and not is_article("pages/a.md")          # Pelican's defaults
    assert not is_article("briefings/pages/a.md", [""], ["briefings/pages"])
    assert is_article("./briefings/a.md", ["briefings/"], [""])         # spelled loosely


def test_a_misspelled_key_is_named_with_the_key_it_likely_means():
    text = "---\ntitle: T\ndate: 2024-01-02\nxregion: [Libya]\nsytems: [S-400]\nmy note: ok\n---\nB\n"
    with pytest.raises(fm.FrontMatterError) as err:
        fm.parse(text, "x.md")
    assert err.value.problems == [
        (4, "xregion is not a key briefings use; did you mean region? (a key of your own "
            "needs a name further from region)"),
        (5, "sytems is not a key briefings use; did you mean systems? (a key of your own "
            "needs a name further from systems)")]
    assert fm.parse(text.replace("xregion", "region").replace("sytems", "systems"),
                    "x.md").meta["my note"] == "ok"  # a key of one's own passes


def test_an_unquoted_colon_in_a_title_gets_the_fix():
    with pytest.raises(fm.FrontMatterError) as err:
        fm.parse("---\ntitle: Iran: the talks resume\ndate: 2024-01-02\n---\nB\n", "x.md")
    line, message = err.value.problems[0]
    assert line == 2 and "must be quoted, e.g. title: \"Iran: the talks resume\"" in message


def test_a_yaml_error_does_not_hide_the_files_other_problems():
    text = ("---\ntitle: Iran: the talks resume\ndate: 2024-13-02\nxregion: Libya\n"
            "region: [Libya, Tartus]\nsummary: |\n  two: lines\n  of text\n---\nBody\n")
    with pytest.raises(fm.FrontMatterError) as err:
        fm.parse(text, "x.md")
    lines = [line for line, _ in err.value.problems]
    messages = " | ".join(message for _, message in err.value.problems)
    assert lines == [2, 3, 4], err.value.problems  # the colon, the bad date, the stray key
    assert "must be quoted" in messages and "xregion" in messages and "date" in messages
    assert "title is required" not in messages  # unreadable is not missing
    partial = err.value.partial  # what could be read, for the vocabulary check
    assert partial.meta["region"] == ["Libya", "Tartus"]  # (the date failed: no meta)
    assert partial.meta["summary"] == "two: lines\nof text"
    assert partial.lines["region[1]"] == 5 and partial.body.strip() == "Body"


def test_a_yaml_error_with_nothing_else_to_read_is_reported_alone():
    with pytest.raises(fm.FrontMatterError) as err:
        fm.parse("---\n[Libya, Syria\n---\nB\n", "x.md")
    assert len(err.value.problems) == 1 and err.value.partial is None

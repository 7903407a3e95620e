"""Author and source pages (/authors/<slug>/, /sources/<slug>/), their feeds and indexes, and
the links to them from a briefing's page, on a real build of a small site."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefing.site.facetindex import name_slug
from conftest import build_site

ATOM = "{http://www.w3.org/2005/Atom}"
NO_SEARCH = ["-e", "SEARCH_INDEX=false"]
HOSTILE = "<script>alert(1)</script>"
HOSTILE_SOURCE = '"><img src=x onerror=alert(2)>'


def briefing(folder: Path, slug: str, day: str, *, author: str | None = None,
             source: dict | None = None, status: str | None = None, title: str = "") -> None:
    lines = ["---", f"title: {json.dumps(title or slug.replace('-', ' ').capitalize())}",
             f"slug: {slug}", f"date: {day}", "region: [Libya]", "actors: [Russia]"]
    if author is not None:
        lines.append(f"author: {json.dumps(author, ensure_ascii=False)}")
    if source is not None:
        lines.append("source: " + json.dumps(source, ensure_ascii=False))
    if status:
        lines.append(f"status: {status}")
    lines += ["---", "", f"The text of {slug}, about Russia in Libya.", ""]
    (folder / f"{slug}.md").write_text("\n".join(lines), encoding="utf-8")


def make_site(root: Path) -> Path:
    content = root / "content"
    folder = content / "briefings"
    folder.mkdir(parents=True)
    # 23 briefings from Reuters (two spellings), one a day in January 2024: two pages of 20
    for n in range(1, 24):
        briefing(folder, f"reuters-{n:02d}", f"2024-01-{n:02d}", author="Jane Roe",
                 source={"name": "REUTERS" if n == 5 else "Reuters",
                         "url": f"https://www.reuters.com/world/story-{n}/"})
    briefing(folder, "tass-story", "2024-02-01", author="Иван Петров",
             source={"name": "ТАСС"})
    briefing(folder, "hostile", "2024-02-02", author=HOSTILE,
             source={"name": HOSTILE_SOURCE, "url": "https://example.org/a?b=1&c=2"})
    briefing(folder, "url-only", "2024-02-03", source={"url": "https://www.defensenews.com/x/"})
    briefing(folder, "no-credit", "2024-02-04")
    briefing(folder, "draft-only", "2024-02-05", author="Draft Writer",
             source={"name": "Draft Wire"}, status="draft")
    briefing(folder, "draft-by-jane", "2024-02-06", author="Jane Roe",
             source={"name": "Reuters"}, status="draft")
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("credits")
    build = build_site(make_site(root), root / "out", extra=NO_SEARCH)
    assert build.returncode == 0, build.log
    return build


def main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def cards(html: str) -> list[str]:
    return re.findall(r'class="card__title"><a href="[^"]*/briefings/([^/]+)/"', html)


def feed_entries(path: Path) -> tuple[ET.Element, list[ET.Element]]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def test_a_source_page_lists_its_briefings_newest_first_in_pages_of_twenty(site):
    first = site.page("sources/reuters/")
    assert '<h1 class="page-title">Reuters</h1>' in first  # the spelling most used
    assert "23 briefings from Reuters" in first
    assert cards(first) == [f"reuters-{n:02d}" for n in range(23, 3, -1)]
    assert 'href="../../sources/reuters/page/2/"' in first and "Page 1 of 2" in first
    second = site.page("sources/reuters/page/2/")
    assert cards(second) == ["reuters-03", "reuters-02", "reuters-01"]
    # REUTERS (one briefing) is the same outlet: one page, no second one
    assert "reuters-05" in cards(first)
    assert not (site.output / "sources" / "reuters-2").exists()
    # drafts are on no list
    assert "draft-by-jane" not in first + second
    # what the outlet covers, linking the term pages, and a count per month
    aside = first[first.index('class="term-aside"'):]
    assert 'href="../../region/libya/">Libya <span class="count">23</span>' in aside
    assert '<time datetime="2024-01">January 2024</time>' in aside
    # breadcrumbs to the index
    assert '<li><a href="../../sources/">Sources</a></li>' in first


def test_an_author_page_and_its_feed(site):
    page = site.page("authors/jane-roe/")
    assert '<p class="term-header__facet">Author</p>' in page
    assert "23 briefings by Jane Roe" in page
    assert cards(page)[0] == "reuters-23"
    assert ('<link rel="alternate" type="application/atom+xml" title="Briefing: briefings '
            'by Jane Roe" href="../../authors/jane-roe/feed.xml">') in page
    root, entries = feed_entries(site.output / "authors" / "jane-roe" / "feed.xml")
    assert root.find(f"{ATOM}title").text == "Briefing: briefings by Jane Roe"
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links == [f"/briefings/reuters-{n:02d}/" for n in range(23, 3, -1)]  # 20 newest
    assert {e.find(f"{ATOM}author/{ATOM}name").text for e in entries} == {"Jane Roe"}
    _, reuters = feed_entries(site.output / "sources" / "reuters" / "feed.xml")
    assert len(reuters) == 20
    assert reuters[0].find(f"{ATOM}link").get("href") == "/briefings/reuters-23/"


def test_names_without_latin_letters_get_a_stable_page(site):
    slug = name_slug("Иван Петров")
    assert slug.startswith("name-") and slug == name_slug("иван петров")
    page = site.page(f"authors/{slug}/")
    assert '<h1 class="page-title">Иван Петров</h1>' in page
    assert cards(page) == ["tass-story"]
    assert cards(site.page(f"sources/{name_slug('ТАСС')}/")) == ["tass-story"]


def test_indexes_list_every_name_with_its_count(site):
    authors = main(site.page("authors/"))
    names = re.findall(r'<li><a href="[^"]+">([^<]+)</a> <span class="count">(\d+)</span>',
                       authors)
    assert names == [("&lt;script&gt;alert(1)&lt;/script&gt;", "1"), ("Jane Roe", "23"),
                     ("Иван Петров", "1")]
    assert "Draft Writer" not in authors  # only drafts name them: no page
    assert not (site.output / "authors" / "draft-writer").exists()
    by_count = main(site.page("sources/by-count/"))
    counts = [int(c) for c in re.findall(r'<span class="count">(\d+)</span>', by_count)]
    assert counts[0] == 23 and counts == sorted(counts, reverse=True) and len(counts) == 3
    assert "Draft Wire" not in by_count
    credits = json.loads((site.output / "api" / "credits.json").read_text(encoding="utf-8"))
    assert {"name": "Reuters", "slug": "reuters", "url": "sources/reuters/", "count": 23} \
        in credits["sources"]
    assert [a["name"] for a in credits["authors"]] == [HOSTILE, "Jane Roe", "Иван Петров"]
    rows = {r["url"]: r for r in json.loads(
        (site.output / "api" / "briefings.json").read_text(encoding="utf-8"))}
    row = rows["briefings/reuters-05/"]
    assert row["author"] == "Jane Roe"
    assert row["source"] == {"name": "REUTERS", "url": "https://www.reuters.com/world/story-5/"}
    assert rows["briefings/no-credit/"]["author"] is None
    assert rows["briefings/no-credit/"]["source"] is None


def test_the_briefing_page_links_its_author_its_source_and_the_original(site):
    meta = site.page("briefings/reuters-05/")
    meta = meta[meta.index('class="briefing__meta"'):]
    meta = meta[:meta.index("</p>")]
    assert 'by <a href="../../authors/jane-roe/" rel="author">Jane Roe</a>' in meta
    # its own spelling, on the one page of the outlet
    assert '<a href="../../sources/reuters/">REUTERS</a>' in meta
    assert ('· <a class="briefing__original" href="https://www.reuters.com/world/story-5/" '
            'rel="noopener noreferrer">original article</a>') in meta
    text = re.sub(r"<[^>]+>", "", meta)
    assert " ".join(text.split()).endswith("by Jane Roe Source: REUTERS · original article")
    # a source known only by its address: the site's name, linking the original
    only = site.page("briefings/url-only/")
    assert ('<a class="briefing__original" href="https://www.defensenews.com/x/" '
            'rel="noopener noreferrer">defensenews.com</a>') in only
    assert "briefing__author" not in only
    assert "briefing__source" not in site.page("briefings/no-credit/")


def test_a_draft_names_its_author_and_source_without_links(site):
    draft = site.page("drafts/draft-only/")
    assert '<span class="briefing__author">by Draft Writer</span>' in draft
    assert "Draft Wire" in draft and 'href="../../sources/draft-wire/"' not in draft
    assert 'href="../../authors/' not in draft.split('class="briefing__meta"')[1][:600]


def test_hostile_names_are_text_everywhere(site):
    slug = name_slug(HOSTILE)
    assert slug == "script-alert-1-script"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    page = site.page(f"authors/{slug}/")
    assert f'<h1 class="page-title">{escaped}</h1>' in page
    briefing_page = site.page("briefings/hostile/")
    assert f'rel="author">{escaped}</a>' in briefing_page
    source_slug = name_slug(HOSTILE_SOURCE)
    assert (f'<a href="../../sources/{source_slug}/">&#34;&gt;&lt;img src=x '
            'onerror=alert(2)&gt;</a>') in briefing_page
    assert 'href="https://example.org/a?b=1&amp;c=2"' in briefing_page
    for path in site.output.rglob("*"):
        if path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "<script>alert" not in text and "<img src=x" not in text, path
    # the feed parses, and its title holds the name as text
    root, entries = feed_entries(site.output / "authors" / slug / "feed.xml")
    assert root.find(f"{ATOM}title").text == f"Briefing: briefings by {HOSTILE}"
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == HOSTILE


def test_the_sitemap_lists_the_pages_and_indexes(site):
    sitemap = (site.output / "sitemap.xml").read_text(encoding="utf-8")
    for url in ("authors/", "authors/jane-roe/", "sources/", "sources/reuters/",
                f"sources/{name_slug('ТАСС')}/"):
        assert f"<loc>/{url}</loc>" in sitemap, url
    assert "draft-writer" not in sitemap and "draft-wire" not in sitemap


def test_no_pages_when_turned_off(tmp_path):
    content = make_site(tmp_path)
    build = build_site(content, tmp_path / "out",
                       extra=NO_SEARCH + ["CREDIT_PAGES=[\"sources\"]",
                                          'API_CREDITS_SAVE_AS=""'])
    assert build.returncode == 0, build.log
    assert (build.output / "sources" / "reuters" / "index.html").exists()
    assert not (build.output / "authors").exists()
    assert not (build.output / "api" / "credits.json").exists()
    page = build.page("briefings/reuters-05/")
    assert '<span class="briefing__author">by Jane Roe</span>' in page
    assert '<a href="../../sources/reuters/">REUTERS</a>' in page


def test_a_rebuild_after_an_author_changes_equals_a_fresh_build(tmp_path):
    """The incremental writer skips pages whose inputs did not change: a briefing whose
    author changes links the new page, the old page goes with its last briefing."""
    content = make_site(tmp_path)
    out = tmp_path / "out"
    assert build_site(content, out, extra=NO_SEARCH).returncode == 0
    path = content / "briefings" / "tass-story.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Иван Петров", "Jane Roe"),
                    encoding="utf-8")
    again = build_site(content, out, extra=NO_SEARCH)
    assert again.returncode == 0, again.log
    fresh = build_site(content, tmp_path / "fresh", extra=NO_SEARCH)
    assert fresh.returncode == 0, fresh.log
    assert 'href="../../authors/jane-roe/" rel="author">Jane Roe' in again.page(
        "briefings/tass-story/")
    assert not (out / "authors" / name_slug("Иван Петров")).exists()
    assert "24 briefings by Jane Roe" in again.page("authors/jane-roe/")
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    fresh_made = sorted(p.relative_to(fresh.output).as_posix()
                        for p in fresh.output.rglob("*") if p.is_file())
    assert made == fresh_made
    for rel in made:
        assert (out / rel).read_bytes() == (fresh.output / rel).read_bytes(), rel

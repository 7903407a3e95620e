"""End-to-end: build real sites with the project's settings and check the HTML."""

import json
import re
import subprocess
import sys

from conftest import CONTENT, ROOT, build_site

DEMO = sorted(p.stem for p in (CONTENT / "briefings").glob("*.md"))


def test_demo_site_builds_and_index_lists_the_briefings(demo_site):
    index = demo_site.page("index.html")
    assert len(DEMO) >= 8
    # the first page lists the newest DEFAULT_PAGINATION briefings; all pages together list all
    listed = set(re.findall(r'href="\./briefings/([^/"]+)/"', index))
    page2 = demo_site.output / "page" / "2" / "index.html"
    if page2.exists():
        listed |= set(re.findall(r'href="\.\./\.\./briefings/([^/"]+)/"', page2.read_text()))
    assert listed == set(DEMO)
    assert "Russia Relocates S-400s and S-300s from Syria to Libya’s Eastern Region" in index


def test_briefing_page_shows_metadata_facets_and_body(demo_site):
    html = demo_site.page("briefings/russia-relocates-s-400s-and-s-300s-from-syria-to-libya/")
    assert "<h1 class=\"briefing__title\" data-pagefind-meta=\"title\">Russia Relocates S-400s" in html
    assert re.search(r'<time datetime="2024-12-19T00:00:00\+00:00"[^>]*>19 December 2024</time>',
                     html)
    assert 'by <a href="../../authors/daniel-kim/" rel="author">Daniel Kim</a>' in html
    assert "Source:" in html and "ViewUS" in html
    assert "territory held by Khalifa Haftar" in html  # summary
    for term in ("Libya", "Syria", "Russia", "Khalifa Haftar", "S-400", "S-300"):
        assert f">{term}<" in html
    assert "<p>Reports have emerged that Russia is transferring" in html
    assert "…Russian military bases." not in html
    assert "Yonhap News" in html  # the caption credit


def test_source_link_and_markdown_structure(demo_site):
    html = demo_site.page("briefings/us-sanctions-turkey-over-s-400-purchase/")
    assert "<h2>Background</h2>" in html
    assert "<ul>" in html and "<li>" in html
    html = demo_site.page("briefings/russian-jets-arrive-in-libya-africom/")
    assert "<blockquote>" in html


def test_pages_archives_and_404(demo_site):
    about = demo_site.page("about/")
    assert "<h1 class=\"page-title\">About</h1>" in about
    archives = demo_site.page("archives/")
    assert "2024" in archives and "December 2024" in archives
    month = demo_site.page("archives/2024/12/")
    assert "Russia Relocates" in month
    assert "Page not found" in demo_site.page("404.html")


def test_pages_are_semantic_and_make_no_external_requests(demo_site):
    for html_file in demo_site.output.rglob("*.html"):
        html = html_file.read_text()
        assert '<html lang="en">' in html
        assert "<main" in html and "<header" in html and "<footer" in html
        assert 'class="skip-link"' in html
        # stylesheets, scripts, images, fonts: only our own files
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
            for value in re.findall(rf"<{tag}\b[^>]*\b{attr}=\"([^\"]+)\"", html):
                assert not re.match(r"(https?:)?//", value), (html_file, value)
        assert "@import" not in html
    for css in (demo_site.output / "theme").rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text()), css
        assert "@import" not in css.read_text(), css


def test_broken_briefing_fails_the_build_and_lists_every_bad_file(tmp_path, content_copy):
    (content_copy / "briefings" / "bad-yaml.md").write_text(
        "---\ntitle: Broken\nsummary: one: two\ndate: 2024-01-01\n---\nBody\n")
    (content_copy / "briefings" / "bad-systems.md").write_text(
        "---\ntitle: Bad systems\ndate: 2024-01-01\nsystems:\n  name: S-400\n---\nBody\n")
    build = build_site(content_copy, tmp_path / "out")
    assert build.returncode != 0
    assert "bad-yaml.md:3: invalid YAML: mapping values are not allowed" in build.log
    assert "bad-systems.md:4: systems must be a list of names, got a mapping" in build.log
    summary = build.log[build.log.index("BuildFailed"):]
    assert "2 problems in the content" in summary
    assert f"({len(DEMO) + 1} source files read fine)" in summary  # the demo briefings, about
    assert "bad-yaml.md" in summary and "bad-systems.md" in summary


def test_pelican_key_value_files_still_work(tmp_path):
    content = tmp_path / "content"
    (content / "briefings").mkdir(parents=True)
    (content / "briefings" / "plain.md").write_text(
        "Title: Plain Pelican metadata\nDate: 2023-05-01 10:00\nAuthor: Desk\n"
        "Summary: An old-style file.\n\nBody *text*.\n")
    build = build_site(content, tmp_path / "out")
    assert build.returncode == 0, build.log
    html = build.page("briefings/plain-pelican-metadata/")
    assert "Plain Pelican metadata" in html and "<em>text</em>" in html
    assert 'rel="author">Desk</a>' in html


def test_summary_and_title_are_escaped(tmp_path):
    content = tmp_path / "content"
    (content / "briefings").mkdir(parents=True)
    (content / "briefings" / "x.md").write_text(
        "---\ntitle: \"<script>alert('t')</script> Title\"\ndate: 2024-01-01\n"
        "summary: \"<img src=x onerror=alert(1)> summary\"\nslug: x\n---\nBody\n")
    build = build_site(content, tmp_path / "out")
    assert build.returncode == 0, build.log
    html = build.page("briefings/x/")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html


def test_make_html_builds_another_content_folder(tmp_path, content_copy):
    out = tmp_path / "elsewhere"
    proc = subprocess.run(["make", "html", f"INPUTDIR={content_copy}", f"OUTPUTDIR={out}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "index.html").exists()
    assert (out / "briefings" / DEMO[0] / "index.html").exists()


def test_sitewide_and_term_feeds_parse_without_errors(demo_site):
    import feedparser

    feeds = [demo_site.output / "feeds" / "all.atom.xml"]
    feeds += sorted((demo_site.output / "systems").glob("*/feed.xml"))[:5]
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
    site = feedparser.parse((demo_site.output / "feeds" / "all.atom.xml").read_bytes())
    assert len(site.entries) == len(DEMO)
    assert site.entries[0].link == "/briefings/russia-relocates-s-400s-and-s-300s-from-syria-to-libya/"


def test_sharing_metadata_and_json_ld(demo_site):
    import json as _json

    html = demo_site.page("briefings/russia-relocates-s-400s-and-s-300s-from-syria-to-libya/")
    # a development build knows no address of its own, so it names none
    assert 'rel="canonical"' not in html and 'property="og:url"' not in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Russia Relocates S-400s' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta property="article:tag" content="S-400">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = _json.loads(block)
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith("Russia Relocates S-400s")
    assert data["author"] == {"@type": "Person", "name": "Daniel Kim"}
    assert data["datePublished"].startswith("2024-12-19")
    assert "S-300" in data["keywords"]


def test_sitemap_robots_and_search_index(demo_site):
    sitemap = (demo_site.output / "sitemap.xml").read_text()
    for url in ("/briefings/iran-receives-s-300-from-russia/", "/region/libya/", "/systems/",
                "/about/", "/archives/"):
        assert f"<loc>{url}</loc>" in sitemap
    assert "404" not in sitemap and "/search/" not in sitemap
    assert "<loc>/digest/</loc>" in sitemap and re.search(r"<loc>/digest/\d{4}-W\d\d/</loc>", sitemap)
    assert "<loc>/authors/</loc>" in sitemap
    assert (demo_site.output / "robots.txt").read_text().startswith("User-agent: *")
    assert (demo_site.output / "pagefind" / "pagefind.js").exists()
    entry = json.loads((demo_site.output / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == len(DEMO)  # briefings only
    search = demo_site.page("search/")
    assert 'src="../theme/js/search.js"' in search and 'data-bundle="../pagefind/"' in search
    assert "pagefind-ui" not in search  # our own page over Pagefind's library
    html = demo_site.page("briefings/iran-receives-s-300-from-russia/")
    assert 'data-pagefind-body' in html
    assert 'data-pagefind-filter="systems">S-300<' in html


def test_publish_build_has_absolute_addresses(tmp_path):
    import os

    env_out = tmp_path / "published"
    proc = subprocess.run(
        [sys.executable, "-m", "pelican", str(CONTENT), "-o", str(env_out), "-s",
         str(ROOT / "publishconf.py"), "--log-handler", "plain"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, BRIEFING_SITEURL="https://briefing.example.org"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (env_out / "briefings" / "iran-receives-s-300-from-russia" / "index.html").read_text()
    assert '<link rel="canonical" href="https://briefing.example.org/briefings/iran-receives-s-300-from-russia/">' in html
    assert "https://briefing.example.org/feeds/all.atom.xml" in (env_out / "index.html").read_text()
    assert "Sitemap: https://briefing.example.org/sitemap.xml" in (env_out / "robots.txt").read_text()
    assert "<loc>https://briefing.example.org/region/libya/</loc>" in (env_out / "sitemap.xml").read_text()


def test_dates_in_other_timezones_are_shown_and_archived_in_the_sites(tmp_path):
    # 01:00 on 1 October at +05:00 is still 30 September in UTC, the site's timezone:
    # it must be archived in September, once, with the other September briefing
    content = tmp_path / "content"
    (content / "briefings").mkdir(parents=True)
    for name, date in (("a", "2025-09-30T21:00:00+00:00"), ("b", "2025-10-01T01:00:00+05:00"),
                       ("c", "2025-10-02T12:00:00-05:00"), ("d", "2025-09-15T08:00:00+09:00")):
        (content / "briefings" / f"{name}.md").write_text(
            f"---\ntitle: Briefing {name}\ndate: {date}\n---\nBody\n")
    build = build_site(content, tmp_path / "out")
    assert build.returncode == 0, build.log
    september = build.page("archives/2025/09/")
    assert "Briefing b" in september and "Briefing a" in september
    assert "Briefing b" not in build.page("archives/2025/10/")
    assert '<time datetime="2025-09-30T20:00:00+00:00"' in build.page("briefings/briefing-b/")


def test_without_the_optional_plugins_the_site_builds_and_says_what_is_lost(tmp_path):
    """fastbuild and facets are optional pieces: without them the theme still renders every
    card, and the build says, in one line each, what is missing and how to get it back."""
    plugins = '["frontmatter", "integrity", "related", "discovery", "search"]'
    out = tmp_path / "out"
    built = build_site(CONTENT, out, extra=["-e", f"PLUGINS={plugins}"])
    assert built.returncode == 0, built.log
    assert "no search index is built, since the fastbuild plugin is not loaded" in built.log
    assert "the facets plugin is not loaded, so briefings show no tags" in built.log
    index = (out / "index.html").read_text(encoding="utf-8")
    briefings = list((CONTENT / "briefings").glob("*.md"))
    assert index.count('<article class="card">') == min(len(briefings), 10)
    assert '<h2 class="card__title">' in index


def test_the_summary_is_not_shown_above_a_text_that_opens_with_it(tmp_path):
    """Ingest takes the lede as the summary: the page shows it once, as the text's opening;
    a summary an editor wrote apart from the text is shown above it."""
    content = tmp_path / "content" / "briefings"
    content.mkdir(parents=True)
    lede = "Russia moved S-400 batteries to eastern Libya, officials said on Monday."
    for slug, summary in (("lede", lede), ("cut", lede[:40] + "…"), ("own", "Batteries move.")):
        (content / f"{slug}.md").write_text(
            f"---\ntitle: Batteries {slug}\nslug: {slug}\ndate: 2024-06-01\n"
            f"summary: \"{summary}\"\n---\n\n{lede}\n\nA second paragraph.\n", encoding="utf-8")
    built = build_site(tmp_path / "content", tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert built.returncode == 0, built.log
    assert 'class="briefing__summary"' not in built.page("briefings/lede/")
    assert 'class="briefing__summary"' not in built.page("briefings/cut/")
    own = built.page("briefings/own/")
    assert '<p class="briefing__summary">Batteries move.</p>' in own and lede in own


def test_make_serve_answers_a_missing_address_with_the_sites_404_page(demo_site):
    import threading
    import urllib.error
    import urllib.request

    from briefing.site import serve

    httpd = serve.server(str(demo_site.output), port=0)
    port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as home:
            assert home.status == 200
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no/such/page/")
            raise AssertionError("a missing page was served")
        except urllib.error.HTTPError as missing:
            assert missing.code == 404
            assert missing.read() == (demo_site.output / "404.html").read_bytes()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_briefing_without_an_author_is_attributed_to_nobody(tmp_path):
    """No attribution is invented: no "by ...", no JSON-LD author, no feed author (Pelican
    gives every briefing the AUTHOR setting's name when it has none; the site sets none)."""
    import json as json_module

    content = tmp_path / "content" / "briefings"
    content.mkdir(parents=True)
    (content / "x.md").write_text("---\ntitle: Nobody wrote this\nslug: x\ndate: 2024-06-01\n"
                                  "---\n\nA paragraph of the text.\n", encoding="utf-8")
    (content / "y.md").write_text("---\ntitle: Jane wrote this\nslug: y\ndate: 2024-06-02\n"
                                  "author: Jane Doe\n---\n\nA paragraph of the text.\n",
                                  encoding="utf-8")
    built = build_site(tmp_path / "content", tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert built.returncode == 0, built.log
    page = built.page("briefings/x/")
    assert 'class="briefing__author"' not in page
    ld = json_module.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert "author" not in ld and ld["publisher"]["@type"] == "Organization"
    signed = built.page("briefings/y/")
    assert 'by <a href="../../authors/jane-doe/" rel="author">Jane Doe</a>' in signed
    ld = json_module.loads(signed.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["author"] == {"@type": "Person", "name": "Jane Doe"}
    feed = (built.output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert feed.count("<author>") == 1 and "Jane Doe" in feed


def test_a_briefing_shows_its_update_its_reading_time_and_an_unreproduced_photo(tmp_path):
    """An "Updated" date when the briefing was revised on a later day, the reading time
    (230 words a minute, at least one), and a caption that says the photo it describes is
    not part of the briefing (the page has no photo)."""
    content = tmp_path / "content" / "briefings"
    content.mkdir(parents=True)
    body = " ".join(["Russian air defence batteries were seen near the port."] * 100)  # 900 words
    (content / "long.md").write_text(
        "---\ntitle: Revised and long\nslug: long\ndate: 2024-06-01\nmodified: 2024-06-03\n"
        "caption: Launchers at the port of Tartus\ncaption_credit: Maxar Technologies\n"
        f"---\n\n{body}\n", encoding="utf-8")
    (content / "short.md").write_text(
        "---\ntitle: Short and fresh\nslug: short\ndate: 2024-06-02\nmodified: 2024-06-02\n"
        "---\n\nOne line.\n", encoding="utf-8")
    built = build_site(tmp_path / "content", tmp_path / "out", extra=["-e", "SEARCH_INDEX=false"])
    assert built.returncode == 0, built.log
    long = built.page("briefings/long/")
    assert re.search(r'Updated <time datetime="2024-06-03T00:00:00[^"]*">', long)
    assert '<span class="briefing__reading" data-pagefind-ignore>4 min read</span>' in long
    caption = long.split('<p class="briefing__caption">', 1)[1].split("</p>", 1)[0]
    assert "Photo in the source, not reproduced:" in caption
    assert "Launchers at the port of Tartus" in caption and "(Maxar Technologies)" in caption
    assert "<img" not in long.split('class="briefing"', 1)[1].split("</article>", 1)[0]
    short = built.page("briefings/short/")
    assert "Updated" not in short  # revised the same day: no second date
    assert ">1 min read<" in short

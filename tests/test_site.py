"""End-to-end: build real sites with the project's settings and check the HTML."""

import re
import subprocess

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
    assert "<h1 class=\"briefing__title\">Russia Relocates S-400s" in html
    assert '<time datetime="2024-12-19T00:00:00+00:00">19 December 2024</time>' in html
    assert "by Daniel Kim" in html
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
    assert "2 source files could not be read" in summary
    assert f"({len(DEMO) + 1} others read fine)" in summary  # the demo briefings and about
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
    assert "by Desk" in html


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

"""Every page of the demo site is valid HTML (the Nu HTML checker), every feed is a valid feed.

The checker is `vnu.jar` from the npm package vnu-jar (`npm ci`), run once on every page with
the machine's Java; it is skipped, with the reason, when either is missing
(BRIEFING_REQUIRE_BROWSER_TESTS=1 turns that into a failure, as CI does).
"""

from __future__ import annotations

import json
import re
import subprocess
from urllib.parse import unquote, urlsplit

import feedparser

from browser_support import VNU_JAR, require_vnu

# A page with one known error, checked in the same run: proves the checker ran and reported.
CANARY = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>canary</title>'
          '</head><body><main><img src="x.png"></main></body></html>\n')


def test_every_page_is_valid_html(demo_site, tmp_path):
    java = require_vnu()
    pages = sorted(demo_site.output.rglob("*.html"))
    # Pagefind writes JS, CSS, JSON and its index files, no page
    assert not [p for p in pages if "pagefind" in p.relative_to(demo_site.output).parts]
    assert len(pages) >= 50, pages  # briefings, term pages, indexes, archives, about, 404
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")

    proc = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         *map(str, pages), str(canary)],
        capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stdout)
    problems: dict[str, list[str]] = {}
    for msg in report["messages"]:
        if msg.get("type") not in ("error", "non-document-error") and msg.get(
                "subType") != "fatal":
            continue
        where = unquote(urlsplit(msg.get("url", "")).path)
        line = f"line {msg.get('lastLine', '?')}: {msg.get('message')}"
        problems.setdefault(where, []).append(line)

    canary_problems = problems.pop(str(canary), [])
    assert any("alt" in p for p in canary_problems), ("the checker did not report the canary's "
                                                      f"missing alt: {report}")
    assert proc.returncode == 1  # it found the canary's error
    out = demo_site.output
    assert not problems, "\n".join(
        f"{p.removeprefix(str(out) + '/')}: {m}" for p, ms in problems.items() for m in ms)


def all_feeds(output):
    feeds = sorted(set(output.glob("feeds/*.xml")) | set(output.rglob("feed.xml")))
    return feeds


def test_every_feed_parses_cleanly_and_links_to_real_pages(demo_site):
    out = demo_site.output
    feeds = all_feeds(out)
    assert out / "feeds" / "all.atom.xml" in feeds
    terms = json.loads((out / "api" / "terms.json").read_text(encoding="utf-8"))
    term_urls = [t["url"] for facet in terms.values() for t in facet]
    credits = json.loads((out / "api" / "credits.json").read_text(encoding="utf-8"))
    credit_urls = [c["url"] for kind in credits.values() for c in kind]
    assert credit_urls
    # one feed per term, author and source page, the digests', plus the site's
    assert {f.parent.relative_to(out).as_posix() + "/" for f in feeds if f.name == "feed.xml"} \
        == set(term_urls) | set(credit_urls) | {"digest/"}

    def exists(url: str) -> bool:
        path = urlsplit(url).path
        assert path.startswith("/"), url  # root-relative in development builds
        target = out / path.lstrip("/")
        return (target / "index.html").is_file() if path.endswith("/") else target.is_file()

    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        name = path.relative_to(out)
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert parsed.version == "atom10", (name, parsed.version)
        assert parsed.feed.get("title", "").startswith("Briefing"), name
        links = {link["rel"]: link["href"] for link in parsed.feed.get("links", [])}
        assert links.get("self") == "/" + name.as_posix(), (name, links)
        assert exists(links["alternate"]), (name, links)
        assert parsed.entries, name
        for entry in parsed.entries:
            assert entry.get("title") and entry.get("id") and entry.get("updated"), (name, entry)
            assert exists(entry.link), (name, entry.link)
        dates = [e.updated_parsed for e in parsed.entries]
        assert dates == sorted(dates, reverse=True), (name, "entries must be newest first")


def test_every_feed_link_in_the_pages_points_to_a_feed(demo_site):
    out = demo_site.output
    feeds = {f.resolve() for f in all_feeds(out)}
    seen = set()
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*'
                               r'href="([^"]+)"', html):
            target = (page.parent / href).resolve()
            assert target in feeds, (page.relative_to(out), href)
            seen.add(target)
    assert (out / "systems" / "s-300" / "feed.xml").resolve() in seen

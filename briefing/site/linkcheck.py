"""Check a built site's internal links: every link, anchor, image, stylesheet and script.

    python -m briefing.site.linkcheck OUTPUTDIR

Each HTML page is parsed (stdlib ``html.parser``); every ``href``/``src``/``srcset`` that
stays on the site is resolved against the page's own address and must exist (a folder
address needs its ``index.html``), and a ``#fragment`` must be an ``id`` on the target page.
External links (http(s) to other hosts, mailto:) are not fetched.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from briefing.core import fileio

LINK_ATTRS = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src", "srcset"),
              "source": ("src", "srcset"), "iframe": ("src",), "form": ("action",)}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for attr in LINK_ATTRS.get(tag, ()):
            value = attrs.get(attr)
            if not value:
                continue
            if attr == "srcset":
                for part in value.split(","):
                    if part.strip():
                        self.links.append((part.strip().split()[0], self.getpos()[0]))
            else:
                self.links.append((value, self.getpos()[0]))


def _target(site: Path, page_url: str, link: str) -> tuple[Path | None, str]:
    parts = urlsplit(link)
    if parts.scheme in ("mailto", "tel", "javascript", "data") or \
            (parts.scheme in ("http", "https") or parts.netloc):
        return None, ""
    resolved = urlsplit(urljoin(page_url, link))
    path = unquote(resolved.path).lstrip("/")
    target = site / path
    if resolved.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, resolved.fragment


def check(site: str | Path) -> list[str]:
    """Every broken internal link of the site, as 'page:line: link (why)'."""
    site = Path(site)
    pages: dict[Path, _Page] = {}
    for html in sorted(site / rel for rel, _entry in fileio.walk(site) if rel.endswith(".html")):
        parser = _Page()
        parser.feed(html.read_text(encoding="utf-8", errors="replace"))
        pages[html.resolve()] = parser
    problems = []
    for html, parser in pages.items():
        rel = html.relative_to(site.resolve())
        page_url = "http://site.invalid/" + str(rel).replace("\\", "/")
        for link, line in parser.links:
            target, fragment = _target(site, page_url, link)
            if target is None:
                continue
            if not target.resolve().is_relative_to(site.resolve()):
                problems.append(f"{rel}:{line}: {link} (leaves the site)")
                continue
            if not target.exists():
                problems.append(f"{rel}:{line}: {link} (no such file)")
                continue
            if fragment and target.suffix == ".html":
                other = pages.get(target.resolve())
                if other is not None and fragment not in other.ids:
                    problems.append(f"{rel}:{line}: {link} (no element with id {fragment!r})")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m briefing.site.linkcheck OUTPUTDIR", file=sys.stderr)
        return 2
    problems = check(argv[0])
    for problem in problems:
        print(problem)
    pages = sum(1 for rel, _entry in fileio.walk(argv[0]) if rel.endswith(".html"))
    print(f"linkcheck: {pages} pages, {len(problems)} broken internal link(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

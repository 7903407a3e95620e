"""Files of the built site that are not pages: Atom feeds, JSON exports, the sitemap, robots.txt.

Written atomically (:mod:`briefing.core.fileio`) and deterministically (no build
timestamps: a feed's `updated` is its newest briefing's date), so two builds of the same
content are byte-identical.  Objects passed in are duck-typed briefings (title, url, date,
summary, author, get_content); no Pelican import here.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from feedgenerator import Atom1Feed, get_tag_uri

from briefing.core import fileio
from briefing.core.facets import FACETS


def write_text(output_path: str, rel: str, text: str) -> str:
    """Write atomically; a file whose content is already this text is left untouched."""
    return _write_chunks(os.path.join(output_path, rel), [text.encode("utf-8")])


def write_through(writer, context, output_path: str, rel: str, text: str) -> None:
    """Write a site file through the build's writer when it keeps the record of what a
    build made (the fastbuild plugin's ``write_derived``), else directly."""
    if hasattr(writer, "write_derived"):
        writer.write_derived(rel, context, [text], lambda: text)
    else:
        write_text(output_path, rel, text)


def _write_chunks(path: str, chunks: Iterable[bytes]) -> str:
    """Write the chunks with the project's one atomic writer (:mod:`briefing.core.fileio`):
    unchanged bytes leave the file untouched; nothing is held in memory but one chunk."""
    fileio.write_atomic(path, chunks)
    return path


def dumps(data: Any, expand: int = 2, indent: str = "") -> str:
    """JSON with the outer ``expand`` levels of lists and objects one entry per line, and
    each entry below them on a line of its own (readable, and written by the C encoder:
    ``indent=`` would use the pure-Python one, several times slower on a large export)."""
    inner = indent + " "
    if expand and isinstance(data, list) and data:
        return "[\n" + ",\n".join(inner + dumps(v, expand - 1, inner) for v in data) + \
            "\n" + indent + "]"
    if expand and isinstance(data, dict) and data:
        return "{\n" + ",\n".join(
            inner + json.dumps(str(k), ensure_ascii=False) + ": " + dumps(v, expand - 1, inner)
            for k, v in data.items()) + "\n" + indent + "}"
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def write_json(output_path: str, rel: str, data: Any, expand: int = 2) -> str:
    return write_text(output_path, rel, dumps(data, expand) + "\n")


def json_list_pieces(items: Iterable[Any]) -> Iterable[str]:
    """A JSON list, one item per line (as ``write_json(..., expand=1)`` writes it), in pieces
    made as they are asked for: a large export is never held in memory whole."""
    first = True
    for item in items:
        yield ("[\n " if first else ",\n ") + dumps(item, 0)
        first = False
    yield "[]\n" if first else "\n]\n"


def write_json_list(output_path: str, rel: str, items: Iterable[Any]) -> str:
    """:func:`json_list_pieces`, written atomically as they come."""
    return _write_chunks(os.path.join(output_path, rel),
                         (piece.encode("utf-8") for piece in json_list_pieces(items)))


def site_base(settings) -> str:
    """Absolute site URL with a trailing slash, or "/" (root-relative) without a SITEURL."""
    return (settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/") + "/"


def atom(settings, title: str, page_url: str, feed_rel: str, articles: Iterable,
         facets: Iterable[str] = FACETS, full_text: bool = True) -> str:
    """An Atom feed of briefings. Links are absolute with a SITEURL (publication) and
    root-relative without one (development), so they resolve from the feed's address."""
    base = site_base(settings)
    host = urlsplit(base).netloc or "briefing.invalid"
    articles = list(articles)
    feed = Atom1Feed(title=title, link=base + page_url.lstrip("/"),
                     feed_url=base + feed_rel.lstrip("/"),
                     description=settings.get("SITESUBTITLE", ""), language="en")
    for article in articles:
        feed.add_item(
            title=str(article.title),
            link=base + article.url.lstrip("/"),
            unique_id=get_tag_uri(f"http://{host}/{article.url}", article.date),
            description=str(getattr(article, "summary", "") or ""),
            content=article.get_content(settings.get("SITEURL") or "") if full_text else None,
            author_name=str(getattr(article, "author", "") or "") or None,
            pubdate=article.date,
            updateddate=getattr(article, "modified", None) or article.date,
            categories=[str(t) for f in facets for t in getattr(article, f, []) or []] or None,
        )
    from io import StringIO

    out = StringIO()
    feed.write(out, "utf-8")
    return out.getvalue()


def sitemap(base: str, urls: Iterable[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url in sorted(set(urls)):
        lines.append(f"  <url><loc>{xml_escape(base + url.lstrip('/'))}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(base: str, sitemap_rel: str | None) -> str:
    text = "User-agent: *\nAllow: /\n"
    if sitemap_rel and base.startswith(("http://", "https://")):
        text += f"Sitemap: {base}{sitemap_rel}\n"
    return text

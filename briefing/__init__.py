"""Briefing: turn raw news pages into curated Markdown briefings, and build the site.

``core/`` is what both sides share (front matter, vocabulary, facets, files); ``ingest/``
turns raw pages into briefings and never imports Pelican; ``site/`` computes what the site
shows over plain data. The Pelican plugins under ``plugins/`` are thin adapters over it.
"""

__version__ = "0.1.0"

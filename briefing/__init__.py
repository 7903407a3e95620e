"""Briefing: turn raw news pages into curated Markdown briefings.

The ingest side (clean, tag, write) lives here and never imports Pelican; the
Pelican plugins under ``plugins/`` are thin adapters over this package.
"""

__version__ = "0.1.0"

"""The facets a briefing is tagged in, in their display order, and their default labels: the
one list the front matter, the vocabulary, the tagger, the settings and related scoring use.
A site may show fewer (the ``FACETS`` setting), never others."""

from __future__ import annotations

FACETS: tuple[str, ...] = ("region", "actors", "systems")
LABELS: dict[str, str] = {"region": "Region", "actors": "Actors", "systems": "Systems"}

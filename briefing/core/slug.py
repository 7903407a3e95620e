"""Stable ASCII slugs for briefings and vocabulary terms."""

from __future__ import annotations

import re
import unicodedata

# letters that NFKD does not decompose into ASCII
_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d",
                        "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "ı": "i", "œ": "oe",
                        "’": "-", "‘": "-"})


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary near max_length.

    >>> slugify("Russia Relocates S-400s and S-300s from Syria to Libya’s Eastern Region")
    'russia-relocates-s-400s-and-s-300s-from-syria-to-libya-s-eastern-region'
    """
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut[1:] else slug[:max_length]
        slug = slug.strip("-")
    return slug

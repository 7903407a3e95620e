"""Near-duplicates at ingest: a page whose text is already a briefing (the same page saved
twice, the same wire story from two outlets) is caught before it is published twice.

Each briefing's text is reduced to its word 5-grams ("shingles"), and those to a MinHash
signature of :data:`PERMUTATIONS` values: the share of equal values between two signatures
estimates the Jaccard resemblance of the two texts' shingle sets. Two texts whose estimate
reaches :data:`THRESHOLD` are near-duplicates. Measured on 40 pages of the clean-dev set:
the same page saved as a text dump and as a browser copy resembles itself at 0.86 to 1.00
(median 1.00); the same text with a new opening paragraph and every fourth paragraph cut (an
outlet's edit of a wire story) at 0.44 to 0.9 (median 0.72); two different pages at most
0.14 (780 pairs).

The signatures of the briefings already in the folder are kept in a hidden file there
(``.briefing-signatures.npz``, numpy arrays only, nothing pickled) and only a new or changed
briefing is read again; comparing a page with 20,000 signatures is one numpy operation.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from briefing.core import fileio, frontmatter

logger = logging.getLogger(__name__)

SHINGLE = 5          # words per shingle
PERMUTATIONS = 64    # MinHash values per signature
THRESHOLD = 0.4      # estimated resemblance from which two texts are near-duplicates
MIN_WORDS = 40       # shorter texts are not compared (a stub resembles every other stub)
CACHE_NAME = ".briefing-signatures.npz"
_WORD = re.compile(r"[^\W_]+")
_RANDOM = np.random.default_rng(20261203)
_A = _RANDOM.integers(1, 2 ** 63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)  # odd
_B = _RANDOM.integers(0, 2 ** 63, PERMUTATIONS, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: combines a shingle's word hashes
SCHEME = "words-mixed-1"  # how signatures are made: a cache made another way is not used


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a text (None when it is too short to compare): each distinct
    word hashed once, each shingle of :data:`SHINGLE` words hashed from its words' hashes."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    digest = hashlib.blake2b
    ids = {w: int.from_bytes(digest(w.encode("utf-8"), digest_size=8).digest(), "little")
           for w in dict.fromkeys(words)}
    hashed = np.fromiter(map(ids.__getitem__, words), dtype=np.uint64, count=len(words))
    n = len(words) - SHINGLE + 1
    with np.errstate(over="ignore"):  # the hash families work modulo 2**64
        grams = np.zeros(n, dtype=np.uint64)
        for k in range(SHINGLE):  # a word's place in the shingle counts (odd multipliers)
            grams = grams * _MIX + hashed[k:k + n]
        grams ^= grams >> np.uint64(31)
        grams = np.unique(grams)
        return (np.outer(_A, grams) + _B[:, None]).min(axis=1)


@dataclass(frozen=True)
class Match:
    path: Path           # the briefing this text resembles
    resemblance: float   # estimated Jaccard resemblance of the two texts' shingles


class DuplicateIndex:
    """The signatures of the briefings of one folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.paths: list[Path] = []
        self._stamps: list[tuple[int, int]] = []
        self._rows: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        self._short: dict[str, tuple[int, int]] = {}  # too short to compare, by name

    @classmethod
    def load(cls, folder: Path) -> "DuplicateIndex":
        """Every briefing of the folder, from the cached signatures where the file did not
        change since (same size and modification time)."""
        index = cls(folder)
        cached: dict[str, tuple[tuple[int, int], np.ndarray | None]] = {}
        try:
            with np.load(folder / CACHE_NAME, allow_pickle=False) as data:
                if str(data["scheme"]) != SCHEME:
                    raise KeyError("scheme")
                for name, size, mtime, row, ok in zip(data["names"], data["sizes"],
                                                      data["mtimes"], data["sigs"], data["ok"]):
                    cached[str(name)] = ((int(size), int(mtime)), row if ok else None)
        except (OSError, KeyError, ValueError):
            pass  # no cache yet, or not one this version can read: read the briefings
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
            try:
                st = path.stat()
            except OSError:
                continue
            stamp = (st.st_size, st.st_mtime_ns)
            hit = cached.get(path.name)
            sig = hit[1] if hit is not None and hit[0] == stamp else _signature_of_file(path)
            if sig is None:
                index._short[path.name] = stamp
            else:
                index._add(path, stamp, sig)
        return index

    def _add(self, path: Path, stamp: tuple[int, int], sig: np.ndarray) -> None:
        self.paths.append(path)
        self._stamps.append(stamp)
        self._rows.append(sig)
        self._matrix = None

    def add(self, path: Path, sig: np.ndarray | None) -> None:
        """A briefing just written (so that a second save in the same run is caught)."""
        if sig is None:
            return
        try:
            st = path.stat()
        except OSError:
            return
        self._add(path, (st.st_size, st.st_mtime_ns), sig)

    def best(self, sig: np.ndarray | None, exclude: Path | None = None) -> Match | None:
        """The briefing the text most resembles, if it reaches :data:`THRESHOLD`."""
        if sig is None or not self._rows:
            return None
        if self._matrix is None:
            self._matrix = np.vstack(self._rows)
        shares = (self._matrix == sig).mean(axis=1)
        for i in np.argsort(-shares, kind="stable"):
            if shares[i] < THRESHOLD:
                return None
            if exclude is None or self.paths[i] != exclude:
                return Match(self.paths[i], float(shares[i]))
        return None

    def save(self) -> None:
        """Keep the signatures for the next run (hidden, beside the briefings)."""
        if not (self._rows or self._short) or not self.folder.is_dir():
            return
        names = [p.name for p in self.paths] + list(self._short)
        stamps = self._stamps + list(self._short.values())
        blank = np.zeros((len(self._short), PERMUTATIONS), dtype=np.uint64)
        buffer = io.BytesIO()
        np.savez(buffer, scheme=np.array(SCHEME), names=np.array(names, dtype=str),
                 sizes=np.array([s for s, _ in stamps], dtype=np.int64),
                 mtimes=np.array([m for _, m in stamps], dtype=np.int64),
                 sigs=np.vstack(self._rows + [blank]),
                 ok=np.array([True] * len(self._rows) + [False] * len(self._short)))
        try:
            fileio.write_atomic(self.folder / CACHE_NAME, buffer.getvalue())
        except OSError as exc:  # a cache: the next run reads the briefings again
            logger.info("duplicates: signatures not kept (%s)", exc)


def _signature_of_file(path: Path) -> np.ndarray | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        if not frontmatter.has_front_matter(text):
            return None
        return signature(frontmatter.split(text, str(path))[1])
    except (OSError, frontmatter.FrontMatterError):
        return None

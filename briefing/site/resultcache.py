"""A computation's last result, kept in the build cache and reused while its inputs are the
same (for the whole-archive steps of a rebuild: related links, facet indexes).

The caller names everything the result depends on; :func:`digest` hashes it (with the
source of the code that computes it), and :class:`ResultCache` returns the stored result
only when that digest matches.  A missing, unreadable or stale file is a miss, never an
error; writes are atomic.
"""

from __future__ import annotations

import os
import pickle
from typing import Any

from briefing.core import fileio


class ResultCache:
    """``load()`` the result stored for this digest (None if there is none), ``save()`` one."""

    def __init__(self, cache_dir: str | None, name: str, key: str):
        self.path = os.path.join(cache_dir, name) if cache_dir else ""
        self.key = key
        self.hit = False

    def load(self) -> Any | None:
        if not self.path:
            return None
        try:
            with open(self.path, "rb") as handle:
                key, value = pickle.load(handle)
        except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError,
                pickle.UnpicklingError):
            return None
        if key != self.key:
            return None
        self.hit = True
        return value

    def save(self, value: Any) -> None:
        if not self.path:
            return
        with fileio.AtomicFile(self.path) as handle:
            pickle.dump((self.key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)

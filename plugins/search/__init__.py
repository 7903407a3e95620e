"""Search: build the Pagefind index into OUTPUTDIR/pagefind once the site is written.

Pagefind (the ``pagefind[bin]`` package carries its binary) indexes the briefing pages
(``data-pagefind-body``) with one filter per facet (``data-pagefind-filter``); the search page
(the theme's ``search.html``) loads Pagefind's own UI from the same folder, so search works
from the static files alone.  A failed indexing fails the build.

Pagefind's filter files are not byte-for-byte reproducible (their names and order change
between runs with the same pages); everything else the build writes is.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys

from blinker import signal

from briefing import site_settings

logger = logging.getLogger(__name__)


class SearchIndexFailed(RuntimeError):
    exitcode = 1
    report = True


def briefing_glob(settings) -> str:
    """Only briefings are indexed: the pages ARTICLE_SAVE_AS makes (the others would be
    parsed by Pagefind for nothing)."""
    pattern = settings.get("ARTICLE_SAVE_AS") or ""
    glob = re.sub(r"\{[^}]*\}", "*", pattern)
    return glob if glob.endswith(".html") and "*" in glob else "**/*.html"


def build_index(pelican, changed=None):
    opts = site_settings.read(pelican.settings)
    if not opts["SEARCH_INDEX"]:
        return
    entry = os.path.join(pelican.output_path, "pagefind", "pagefind-entry.json")
    if changed == 0 and os.path.exists(entry):
        logger.info("no page changed: the search index is up to date")
        return
    # the folder is Pagefind's alone: start from an empty one, so no index file of an
    # earlier build lingers
    shutil.rmtree(os.path.join(pelican.output_path, "pagefind"), ignore_errors=True)
    cmd = [sys.executable, "-m", "pagefind", "--site", pelican.output_path, "--silent",
           "--glob", briefing_glob(pelican.settings)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexFailed(f"the search index could not be built: {exc}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise SearchIndexFailed("the search index could not be built (pagefind): "
                                + " / ".join(detail))
    logger.info("search index written to %s/pagefind", pelican.output_path)


def register():
    # sent by the fastbuild plugin once every page is written (and with how many changed)
    signal("briefing_output_written").connect(build_index)

"""Settings for publication: `make publish` builds with these.

Set BRIEFING_SITEURL in the environment (or edit SITEURL below) to the address the
site is served from, e.g. https://briefing.example.org: canonical URLs, OpenGraph and
JSON-LD, the feeds and the sitemap then carry absolute addresses.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("BRIEFING_SITEURL", "https://briefing.example.org").rstrip("/")
RELATIVE_URLS = False

# Not True: Pelican would delete the whole folder, files no build made included. The
# output ledger (briefing/site/outputdir.py) removes what earlier builds made and this one does not.
DELETE_OUTPUT_DIRECTORY = False

# Drafts (what ingest writes, until `briefing publish`) are seen in development builds only,
# under drafts/ with a banner; the published site has none of them.
DRAFT_URL = ""
DRAFT_SAVE_AS = ""


"""Pelican settings for the Briefing site (development: relative URLs, no feeds domain).

`publishconf.py` imports everything here and overrides what publication needs.
Our plugins read their own settings (with defaults) from this file; see README.md.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

# no AUTHOR: Pelican would give it to every briefing without one, an attribution nobody wrote
SITENAME = "Briefing"
SITESUBTITLE = "Defense and geopolitics, curated"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["briefings"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

THEME = os.path.join(HERE, "theme")
PLUGIN_PATHS = [os.path.join(HERE, "plugins")]
PLUGINS = ["frontmatter", "integrity", "fastbuild", "facets", "related", "digest",
           "discovery", "search"]
# hidden files, and the backups `briefing ingest --force` keeps next to a briefing
IGNORE_FILES = ["**/.*", ".*", "*.bak"]
BRIEFING_VOCABULARY = os.path.join(HERE, "vocabulary.yaml")

# Templates escape every value by default: scraped text is never trusted HTML.
# auto_reload off: every build (devserver rebuilds too) makes a new template environment, so
# checking each template file's time at every page rendered is wasted work.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True,
                     "auto_reload": False}

# Markdown for bodies: the extensions a briefing needs, named one by one (not
# markdown.extensions.extra: its attr_list lets `{: onerror=...}` write any attribute, and
# its abbr, def_list and fenced_code are not needed: abbr takes quadratic time, deep
# definition lists exhaust the stack, fenced code bypasses the tree briefing.site.mdsafe checks).
# briefing.site.mdsafe (last; the reader adds it if missing): raw HTML is shown as text, links
# only http(s)/mailto/on-site, images only from this site, attributes only from an
# allowlist, runaway input refused. See "What the project promises" in the README.
MARKDOWN = {
    "extensions": ["markdown.extensions.tables", "markdown.extensions.footnotes",
                   "markdown.extensions.sane_lists", "briefing.site.mdsafe"],
    "extension_configs": {},
    "output_format": "html5",
}

# URLs: one folder per page, so addresses stay clean (/briefings/<slug>/).
ARTICLE_URL = "briefings/{slug}/"
ARTICLE_SAVE_AS = "briefings/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"

# Pelican's categories and tags are replaced by our three facets, its author pages by the
# facets plugin's author and source pages (authors/<slug>/, sources/<slug>/: CREDIT_PAGES);
# AUTHOR_URL "": Pelican's own Author objects link nowhere.
DIRECT_TEMPLATES = ["index", "archives", "search", "404"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHOR_URL = ""
AUTHORS_SAVE_AS = ""
DEFAULT_CATEGORY = "briefings"
USE_FOLDER_AS_CATEGORY = False

DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "term": 20, "credit": 20}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
SUMMARY_MAX_LENGTH = 60

# Pelican's own feeds are off: the discovery plugin writes the site-wide feed
# (SITE_FEED_SAVE_AS) and the facets plugin one feed per term, with links that work with
# and without an absolute SITEURL.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Pelican's content cache, keyed by each file's SHA-1; the fastbuild plugin drops it when
# the code, theme or settings change. BUILD_PROCESSES: page-rendering workers (None: one per
# core).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "generator"
CHECK_MODIFIED_METHOD = "sha1"
CACHE_PATH = os.path.join(HERE, "cache")
GZIP_CACHE = False  # compressing the cache cost more time than reading it saved
BUILD_PROCESSES = None

# Links in the menu, after the pages.
MENUITEMS = [("Digest", "digest/"), ("Regions", "region/"), ("Actors", "actors/"), ("Systems", "systems/"),
             ("Archives", "archives/"), ("Search", "search/")]
DISPLAY_CATEGORIES_ON_MENU = False
DISPLAY_PAGES_ON_MENU = True

"""Fast builds: work done once, work not done twice, both cores at work.

* **Nothing changed, nothing done**: when no content file, setting, template, plugin or
  vocabulary changed since the last successful build into the same output folder, and its
  files are all still there, the build stops at once (``briefing.site.buildstate``), and
  repeats the last build's warnings (they still hold).
* **Content cache**: Pelican's own content cache, keyed by each file's SHA-1 (content, not
  mtime): a briefing is read and its Markdown rendered once. The cache is dropped when the
  code, the theme or the settings change.
* **Incremental, parallel, atomic writes**: :mod:`.writer`. Pages whose inputs did not
  change are neither rendered nor written; the others are rendered by one worker per core.
* A briefing's ``url`` and ``save_as`` are computed once (Pelican recomputes them from the
  URL settings on every access); each published briefing becomes a :class:`CachedArticle`,
  a subclass of Pelican's ``Article`` that only remembers them.
* A briefing's card (the same on every list it appears in) is rendered once per page depth
  (the ``card`` template filter).
* The cyclic garbage collector is off while the briefings are read (millions of
  long-lived objects, no garbage cycles), then those objects are frozen out of its way.
* Period archives (year and month pages) are grouped in linear time, and tag, category and
  author pages are skipped when their ``*_SAVE_AS`` is empty, or else get their briefings by
  a set lookup: Pelican 4.12 finds them by list membership, quadratic in the archive's size.

Everything that touches Pelican's private internals is in :mod:`.seam`, which refuses a
Pelican version it was not written for. Pages that are not rewritten (unchanged) or are
rendered by a worker process still send ``content_written`` in the build's process.

Once the pages are written, the signal ``briefing_output_written`` is sent with the number
of files that changed (the search plugin then re-indexes the shards whose pages changed).
For ``make devserver``, the build also leaves on the Pelican object the files it changed
(``briefing_changed_files``: the tabs showing one of them reload) and its briefings
(``briefing_preview``: :mod:`.preview` renders a saved briefing's page from them at once).
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import secrets

from blinker import signal
from jinja2 import pass_context
from markupsafe import Markup, escape
from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator

from briefing.site import buildstate, outputdir
from briefing.core import fileio

from . import seam
from .preview import Preview
from .seam import cacheable, restore_context
from .writer import FastWriter, flush_writers, own_digest

logger = logging.getLogger(__name__)

output_written = signal("briefing_output_written")
CACHE_VERSION_FILE = "content-cache-version"

def pages_read(generator):
    restore_context(generator, ("pages", "translations", "hidden_pages",
                                "hidden_translations", "draft_pages", "draft_translations"))


def after_reading(generator):
    seam.give_drafts_a_category(generator)


class _Warnings(logging.Handler):
    """The warnings of one build, as their messages (kept for a build that does nothing).
    Pelican's plain log handler is no handler at all: Python's last-resort handler prints
    warnings while the root logger has none, so while this one is the only handler it passes
    each record on to it."""

    def __init__(self, forward: bool) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.forward = forward

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except Exception:  # noqa: BLE001 - a message that cannot be formatted is not kept
            pass
        if self.forward and logging.lastResort is not None:
            logging.lastResort.handle(record)


class _Run:
    """What one build of one Pelican object holds while it runs, connected to the signals
    for that run only: the writer Pelican asks for (flushed at the end), and the garbage
    collector's pause while the briefings are read (millions of long-lived objects and no
    garbage cycles: the cyclic collector would only walk them again and again)."""

    def __init__(self, pelican):
        self.pelican = pelican
        self.writers: list[FastWriter] = []
        self.generators: list = []
        self.gc_paused = False
        run = self

        class RunWriter(FastWriter):
            def __init__(self, output_path, settings=None):
                super().__init__(output_path, settings=settings)
                run.writers.append(self)

        RunWriter.__name__ = RunWriter.__qualname__ = "FastWriter"
        self.writer_class = RunWriter

    def __enter__(self) -> "_Run":
        signals.get_writer.connect(self.get_writer, sender=self.pelican, weak=False)
        signals.article_generator_finalized.connect(self.briefings_read, weak=False)
        signals.finalized.connect(self.flush, sender=self.pelican, weak=False)
        signals.all_generators_finalized.connect(self.generators_read, weak=False)
        seam.forget_memoized()  # an earlier build of this process (the devserver) made it
        if gc.get_freeze_count():  # an earlier build of this process (autoreload)
            gc.unfreeze()
            gc.collect()
        self.gc_paused = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc) -> None:
        # from every sender: blinker's disconnect from one sender keeps a receiver connected
        # with weak=False (and so this run, and the build it saw) alive for good
        signals.get_writer.disconnect(self.get_writer)
        signals.article_generator_finalized.disconnect(self.briefings_read)
        signals.finalized.disconnect(self.flush)
        signals.all_generators_finalized.disconnect(self.generators_read)
        self.generators = []
        self._resume_gc(freeze=False)

    def _resume_gc(self, *, freeze: bool) -> None:
        if self.gc_paused:
            self.gc_paused = False
            if freeze:
                gc.freeze()
            gc.enable()

    def get_writer(self, _pelican):
        return self.writer_class

    def briefings_read(self, _generator):
        """Every briefing is read: they live as long as the build, so the garbage collector
        need not walk them again (``gc.freeze``), and it goes back to work."""
        self._resume_gc(freeze=True)

    def generators_read(self, generators):
        self.generators = list(generators)

    def flush(self, _pelican):
        writers, self.writers = self.writers, []
        flush_pages(self.pelican, writers)
        if getattr(self.pelican, "briefing_preview", False) is not False:
            # the devserver asks for it (see .preview): this build's briefings, kept
            briefings = next((g for g in self.generators if isinstance(g, ArticlesGenerator)),
                             None)
            self.pelican.briefing_preview = briefings and Preview(briefings)


def _all_articles(generator):
    for group in (generator.articles, generator.translations, generator.drafts,
                  generator.drafts_translations, generator.hidden_articles,
                  generator.hidden_translations):
        yield from group


def remember_urls(generator):
    """Each briefing's address, computed before Pelican saves its content cache, so that the
    cache keeps it and a rebuild takes it from there instead of computing it again for every
    briefing (Pelican's URL formatting costs about 70 µs a briefing). It is kept as plain
    attributes of the article."""
    restore_context(generator, ("articles", "translations", "drafts", "drafts_translations",
                                "hidden_articles", "hidden_translations"))
    for article in _all_articles(generator):
        found = article.__dict__
        if "_cached_url" not in found:
            found["_cached_url"] = article.get_url_setting("url")
            found["_cached_save_as"] = article.get_url_setting("save_as")


# stands for SITEURL in a cached card (the relative SITEURL differs with the depth of the
# page the card is on); random, and with NUL characters no briefing's text can hold
_SITEURL_MARK = f"\x00siteurl-{secrets.token_hex(8)}\x00"


class Cards:
    """The ``card`` template filter of one generator's environment: a briefing's card,
    rendered once per (briefing, heading level) and given the page's SITEURL at each use."""

    def __init__(self) -> None:
        self._html: dict[tuple[int, str], str] = {}
        self._kept: list = []  # the briefings cached, so that their id() stays unique

    @pass_context
    def card(self, context, article, heading="h3"):
        key = (id(article), heading)
        html = self._html.get(key)
        if html is None:
            template = context.environment.get_template("partials/card.html")
            html = self._html[key] = template.render(
                article=article, SITEURL=_SITEURL_MARK, card_heading=heading)
            self._kept.append(article)
        return Markup(html.replace(_SITEURL_MARK, escape(context.get("SITEURL", ""))))


def add_filters(generator):
    generator.env.filters["card"] = Cards().card


def remember_digest(content):
    """On reading: the digest of the briefing's own text and metadata, for the writer's
    fingerprints (kept in the content cache, so an unchanged briefing is not hashed again)."""
    if isinstance(content, Article):
        content._briefing_own_digest = own_digest(content)


def _drop_stale_content_cache(settings):
    """Pelican's content cache holds Article objects read by the code of its day: drop it
    when the code, the theme or the settings changed."""
    cache = settings.get("CACHE_PATH")
    if not cache or not settings.get("CACHE_CONTENT"):
        return
    version = fileio.digest(buildstate.code_and_theme_fingerprint(settings),
                                 buildstate.plain(settings))
    marker = os.path.join(cache, CACHE_VERSION_FILE)
    try:
        with open(marker, "rb") as handle:  # bytes: junk in the marker is just "changed"
            if handle.read() == version.encode("ascii"):
                return
    except OSError:
        pass
    seam.drop_content_cache(cache)
    fileio.write_atomic(marker, version)


def _build_lock(settings):
    """An exclusive lock on the build cache, held for the whole build: two builds into one
    cache (and output folder) at once wait for each other instead of mixing their files."""
    cache = settings.get("CACHE_PATH") or "cache"
    os.makedirs(cache, exist_ok=True)
    handle = open(os.path.join(cache, "build.lock"), "a+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logger.warning("waiting for another build that uses %s to finish", cache)
        fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def guard_run(pelican):
    """Make ``pelican.run`` a no-op when nothing changed since the last build; hold the
    build lock; keep Pelican from deleting the output folder (``DELETE_OUTPUT_DIRECTORY``
    would remove files no build made: the output ledger removes what builds made and no
    longer make instead, see :mod:`briefing.site.outputdir`)."""
    seam.check_version()
    seam.settle_markdown_settings(pelican.settings)
    if pelican.delete_outputdir:
        logger.warning("DELETE_OUTPUT_DIRECTORY: not deleting %s; files earlier builds made and "
                       "this one does not are removed at the end of the build, files no build "
                       "made are kept", pelican.output_path)
        pelican.delete_outputdir = False

    def run(original):
        with _build_lock(pelican.settings):
            guarded(original)

    def guarded(original):
        state = buildstate.BuildState(pelican.settings, pelican.output_path)
        if state.unchanged():
            logger.warning("Nothing changed since the last build into %s: nothing to do",
                           pelican.output_path)
            for message in state.last_warnings():  # still true: the content is the same
                logger.warning("%s (the last build said so; it still holds)", message)
            return
        state.forget()
        if getattr(pelican, "briefing_preview", False) is not False:
            pelican.briefing_preview = None  # until this build has ended well
        left = outputdir.prepare(pelican.output_path)
        if left:
            logger.info("removed %d temporary file(s) an interrupted run left in %s",
                        len(left), pelican.output_path)
        _drop_stale_content_cache(pelican.settings)
        heard = _Warnings(forward=not logging.getLogger().handlers)
        logging.getLogger().addHandler(heard)
        try:
            with _Run(pelican):
                original()
        finally:
            logging.getLogger().removeHandler(heard)
        state.record(heard.messages)

    seam.wrap_run(pelican, run)


def flush_pages(pelican, writers):
    processes = pelican.settings.get("BUILD_PROCESSES") or None
    done = flush_writers(writers, processes)
    logger.info("%d pages rendered, %d unchanged and skipped, %d files changed",
                done.rendered, done.reused, done.changed)
    removed = []
    if not pelican.settings.get("WRITE_SELECTED"):
        # what the last build made and this one did not (a retitled or deleted briefing's
        # page, an export a setting no longer asks for) goes before the search index is
        # built, so a rebuild equals a fresh build
        removed = outputdir.record(pelican.output_path, done.made,
                                   previous=done.previous)
        if removed:
            logger.info("removed %d file(s) an earlier build made and this one did not: %s",
                        len(removed), ", ".join(removed[:5]) +
                        (f" and {len(removed) - 5} more" if len(removed) > 5 else ""))
    output_written.send(pelican, changed=done.changed + len(removed))
    if getattr(pelican, "briefing_changed_files", None) is not None:  # the devserver's
        pelican.briefing_changed_files = sorted(set(done.changed_paths) | set(removed))


def register():
    seam.install()  # (an unknown Pelican: refused when the build starts, see guard_run)
    signals.initialized.connect(guard_run)
    signals.content_object_init.connect(cacheable)
    signals.content_object_init.connect(remember_digest)
    signals.page_generator_finalized.connect(pages_read)
    signals.article_generator_pretaxonomy.connect(remember_urls)
    signals.article_generator_finalized.connect(after_reading)
    signals.generator_init.connect(add_filters)

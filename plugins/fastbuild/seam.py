"""The one place that touches Pelican's private internals (Pelican 4.12).

Everything here depends on names Pelican does not promise to keep: a Pelican upgrade is
checked against this module, and :func:`install` refuses a Pelican version it was not
written for, with a clear message, instead of breaking without a word. The tests compare
each replacement with Pelican's own (``tests/test_fastbuild.py``).

* :class:`CachedArticle` and :class:`CachedPage`: Pelican's content classes, cached without
  the shared context (``_context``) and with a remembered address (``_expand_settings``).
* Period archives (``ArticlesGenerator._build_period_archives``), translations (the module
  global ``pelican.generators.process_translations``) and tag, category and author pages
  (``generate_tags`` ...) in linear time.
* The ``MARKDOWN`` settings as Pelican's Markdown reader leaves them
  (:func:`settle_markdown_settings`).
* A briefing copied with a new text (:func:`content_with`, for the devserver's preview), and
  Pelican's memo of every content object's text emptied between builds (:func:`forget_memoized`).
* The writer's bookkeeping (``Writer._open_w``, ``_written_files``, ``_overridden_files``).
* The content cache's files (``CACHE_PATH/*Generator``, ``*Reader*``) and ``Pelican.run``.
"""

from __future__ import annotations

import glob
import os
import shutil
from itertools import groupby
from operator import attrgetter

import pelican as _pelican_package
from pelican import generators as pelican_generators
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator
from pelican.utils import get_original_items
from pelican.utils import process_translations as _pelican_process_translations
from pelican.writers import FileOverwriteFailedError, Writer

from briefing.core.errors import Report

SUPPORTED = ("4.12.",)  # the Pelican versions this module was written for (a prefix)
_MISSING = object()
# Pelican's own functions, kept before they are replaced
_PELICAN = {"period_archives": ArticlesGenerator._build_period_archives,
            "process_translations": _pelican_process_translations}


class PelicanVersionError(Report, RuntimeError):
    """The installed Pelican is not one this module was written for (a report)."""

    exitcode = 2


def check_version(version: str | None = None) -> None:
    version = version or _pelican_package.__version__
    if not supported(version):
        raise PelicanVersionError(
            f"Pelican {version} is installed, but the fastbuild plugin is written for "
            f"Pelican {', '.join(p + 'x' for p in SUPPORTED)} (it relies on Pelican's "
            "internals, see plugins/fastbuild/seam.py); install the version pyproject.toml "
            "pins (make install), or check seam.py against the new Pelican")


def supported(version: str | None = None) -> bool:
    version = version or _pelican_package.__version__
    return any(version.startswith(prefix) for prefix in SUPPORTED)


def install() -> None:
    """Put the linear-time groupings in place (once), on a Pelican this was written for;
    on another, :func:`check_version` stops the build when it starts."""
    if supported():
        _linear_groupings()


# What a briefing or page holds only for the build at hand, never worth caching: the shared
# context (every briefing of the site: pickled with each page, it made Pelican's page cache
# recurse through the chain of neighbours and related links, and fail past a few hundred
# briefings) and the links the related plugin sets on every build.
PER_BUILD = ("_context", "prev_article", "next_article", "related")


class _CacheState:
    """Pickled (into Pelican's content cache) without what :data:`PER_BUILD` names; the
    shared context is given back by :func:`restore_context` when the cache is read."""

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in PER_BUILD:
            state.pop(name, None)
        return state


class _RememberedAddress:
    """A briefing's or page's address, once computed, is remembered: it never changes
    after reading (it depends only on the settings and the content's own metadata), and
    Pelican recomputes it from the URL settings on every access (every page lists the
    site's pages in its menu)."""

    @property
    def url(self) -> str:
        value = self.__dict__.get("_cached_url", _MISSING)
        if value is _MISSING:
            value = self.__dict__["_cached_url"] = self.get_url_setting("url")
        return value

    @property
    def save_as(self) -> str:
        value = self.__dict__.get("_cached_save_as", _MISSING)
        if value is _MISSING:
            value = self.__dict__["_cached_save_as"] = self.get_url_setting("save_as")
        return value


class CachedArticle(_RememberedAddress, _CacheState, Article):
    """An Article cached without the shared context, its address remembered."""


class CachedPage(_RememberedAddress, _CacheState, Page):
    """A Page cached without the shared context, its address remembered."""

    def _expand_settings(self, key):
        # Pelican finds a page's URL settings by its class name (PAGE_URL, DRAFT_PAGE_URL):
        # as Pelican's Page does, with "page" for the name of this class
        return Content._expand_settings(self, key,
                                        "draft_page" if self.status == "draft" else "page")


_CACHED_CLASS = {Article: CachedArticle, Page: CachedPage}


def cacheable(content):
    """On reading: a briefing or page becomes its cached class (see :class:`_CacheState`)."""
    cls = _CACHED_CLASS.get(type(content))
    if cls is not None:
        content.__class__ = cls


def settle_markdown_settings(settings) -> None:
    """Give ``MARKDOWN`` the form Pelican's Markdown reader gives it when it is first made
    (``MarkdownReader.__init__`` adds every configured extension and the ``meta`` one to the
    shared settings): so the settings a build starts with are the ones it ends with, and a
    second build in the same process (the devserver) does not take them for changed (it
    dropped the content cache and read every briefing again)."""
    markdown = settings.get("MARKDOWN")
    if not isinstance(markdown, dict):
        return
    markdown.setdefault("extension_configs", {})
    extensions = markdown.setdefault("extensions", [])
    for extension in markdown["extension_configs"]:
        if extension not in extensions:
            extensions.append(extension)
    if "markdown.extensions.meta" not in extensions:
        extensions.append("markdown.extensions.meta")


def forget_memoized() -> None:
    """Empty Pelican's memo of every briefing's and page's content and summary: it is kept on
    the class (``Content.get_content`` / ``get_summary``, ``pelican.utils.memoized``) and so
    holds every object of every build a long-lived process (the devserver) ever made."""
    for method in (Content.get_content, Content.get_summary):
        cache = getattr(method, "cache", None)
        if isinstance(cache, dict):
            cache.clear()


def content_with(content, values: dict):
    """A copy of a briefing or page with some attributes replaced (the devserver's preview of
    a new text): the same class and state, made without pickling (the cached classes pickle
    without their per-build state), so what Pelican memoizes per object (its content with
    the links resolved, its summary) is computed again for the copy."""
    copy = object.__new__(type(content))
    copy.__dict__.update(content.__dict__)
    copy.__dict__.update(values)
    return copy


def restore_context(generator, groups):
    """Give the objects read back from the content cache the build's shared context (their
    links to other content, ``{filename}``, are resolved through it when they are written)."""
    for group in groups:
        for content in getattr(generator, group, None) or []:
            if "_context" not in content.__dict__:
                content._context = generator.context


def _period_archives(self, sorted_articles, articles, settings):
    """Pelican's period archives, with each period's ``articles`` found in linear time
    (the same list: the period's briefings in the order of ``articles``)."""
    archives = _PELICAN["period_archives"](self, sorted_articles, [], settings)
    position = {id(article): i for i, article in enumerate(articles)}
    for group in archives.values():
        for archive in group:
            archive["articles"] = sorted(
                (a for a in archive["dates"] if id(a) in position),
                key=lambda a: position[id(a)])
    return archives


def _process_translations(content_list, translation_id=None):
    """Pelican's ``process_translations`` in linear time. Pelican 4.12 finds the
    translations as the items not in the index list, a list scan per item: 3 s of every
    build of 20,000 briefings. Same grouping, same originals (Pelican's own
    ``get_original_items``, with its warnings), same order."""
    if not translation_id:
        return content_list, []
    names = [translation_id] if isinstance(translation_id, str) else list(translation_id)
    key = attrgetter(*names)
    try:
        content_list.sort(key=key)
    except (TypeError, AttributeError):  # Pelican's own message for a bad setting
        return _PELICAN["process_translations"](content_list, translation_id)
    index = []
    for values, group in groupby(content_list, key):
        group = list(group)
        values = (values,) if len(names) == 1 else values
        with_str = "with" + ", ".join(f' {name} "{value}"' for name, value in
                                      zip(names, values))  # Pelican's wording
        index.extend(get_original_items(group, with_str))
        for item in group:
            item.translations = [other for other in group if other is not item]
    originals = {id(item) for item in index}
    return index, [item for item in content_list if id(item) not in originals]


class _MemberList(list):
    """A list whose ``in`` looks its items up by identity in a set (as ``in`` effectively
    does for Articles, which compare by identity), not one by one."""

    def __contains__(self, item):
        ids = self.__dict__.get("_ids")
        if ids is None or len(ids) != len(self):
            ids = self.__dict__["_ids"] = {id(x) for x in self}
        return id(item) in ids


def _grouped_pages(method, setting, attribute):
    def generate(self, write):
        if not self.settings.get(setting):
            return  # these pages are not made: nothing to group
        groups = getattr(self, attribute)  # a dict (tags) or a list of (key, articles)
        if isinstance(groups, dict):
            for key, articles in list(groups.items()):
                groups[key] = _MemberList(articles)
        else:
            groups[:] = [(key, _MemberList(articles)) for key, articles in groups]
        return method(self, write)

    generate.__doc__ = method.__doc__
    return generate


def _linear_groupings():
    gen = ArticlesGenerator
    if getattr(gen, "_briefing_linear", False):
        return
    gen._build_period_archives = _period_archives
    pelican_generators.process_translations = _process_translations
    gen.generate_tags = _grouped_pages(gen.generate_tags, "TAG_SAVE_AS", "tags")
    gen.generate_categories = _grouped_pages(gen.generate_categories, "CATEGORY_SAVE_AS",
                                             "categories")
    gen.generate_authors = _grouped_pages(gen.generate_authors, "AUTHOR_SAVE_AS", "authors")
    gen._briefing_linear = True


def give_drafts_a_category(generator) -> None:
    """Pelican 4.12 writes a draft with ``category=draft.category``, which a briefing does
    not have when categories are off (CATEGORY_SAVE_AS = ""): the build crashed."""
    for draft in list(generator.drafts) + list(generator.drafts_translations):
        if not hasattr(draft, "category"):
            draft.category = None


def drop_content_cache(cache: str) -> None:
    """Remove Pelican's content cache files from ``cache`` (and nothing else there)."""
    for name in glob.glob(os.path.join(cache, "*Generator")) + \
            glob.glob(os.path.join(cache, "*Reader*")):
        if os.path.isdir(name):
            shutil.rmtree(name, ignore_errors=True)
        else:
            os.unlink(name)


def wrap_run(pelican, around) -> None:
    """``pelican.run()`` becomes ``around(original_run)``."""
    original = pelican.run
    pelican.run = lambda: around(original)


class WriterSeam(Writer):
    """Pelican's writer, with its bookkeeping of the files written in this build kept, and
    ``open_page(filename, encoding)`` (a subclass's) used instead of ``open``."""

    def _open_w(self, filename, encoding, override=False):
        # the same rules as Pelican's writer about writing a file twice, without opening
        # (and so truncating) the existing file
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(f"Failed to overwrite {filename!r} a second time")
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f"Failed to overwrite {filename!r}: it was already written in this build")
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return self.open_page(filename, encoding)

    def open_page(self, filename, encoding):  # pragma: no cover - subclasses define it
        raise NotImplementedError

"""The devserver's first look at a saved briefing: its own page, in a few milliseconds.

An editor's most common save changes the text of one briefing and nothing else. A full
build, even an incremental one, reads the state of every briefing and fingerprints every
page before it knows that only a few pages changed (about 3 s at 5,000 briefings). So,
after a good build, the devserver keeps that build's briefings (``pelican.briefing_preview``,
a :class:`Preview`) and, when the only files saved are briefings it published or drafted
**whose front matter is what that build read**, renders each one's page again at once:

* the file is read by the build's own readers (the same Markdown, the same safety checks);
* the page is rendered by Pelican's writer, through the build's own call for that briefing
  (``generate_articles`` / ``generate_drafts``, with every other page skipped), from the
  build's context with only the new text in it: the same template and arguments as the
  build, so the same bytes;
* the tabs showing that page reload.

The full incremental build follows at once, as before: it brings what the text can change
elsewhere (the related links read the lede; the search index; the export) and the tabs
whose pages it changed reload again (the edited page's tab only when the build's page
differs from the preview's, when the related links moved). Everything else (a new, deleted
or renamed file, a change of title, tags, date or any other front matter, of the theme, the
settings or the vocabulary, or a file that does not read) has no preview: the full build
alone answers it, and reports any error with file and line.
"""

from __future__ import annotations

import logging
import os
from functools import partial

from pelican import signals
from pelican.contents import Article

from briefing.core import fileio

from .seam import WriterSeam, content_with
from .writer import _PageFile

# what a briefing holds from its text (the rest comes from its front matter and from the
# build): the rendered body, and what the fastbuild and related plugins derive from it
# when it is read (a summary without front matter is derived from the body when asked for)
FROM_TEXT = ("_content", "_briefing_own_digest", "_related_hashes")
GROUPS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
          "drafts_translations")


class PreviewWriter(WriterSeam):
    """Pelican's writer with the build's atomic page files; it lists what it wrote."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.written: list[tuple[str, bool]] = []

    def open_page(self, filename, encoding):
        fileio.check_inside(filename, self.output_path)
        return _PageFile(filename, self.written)


class Preview:
    """The briefings of the last good build, and the means to render one page again."""

    def __init__(self, generator) -> None:
        self.generator = generator
        self._groups = {}
        for group in GROUPS:
            for content in getattr(generator, group, None) or []:
                self._groups[os.path.abspath(content.source_path)] = content

    def knows(self, path: str) -> bool:
        return os.path.abspath(path) in self._groups

    def render(self, paths) -> list[str] | None:
        """Render again the pages of the saved briefings ``paths``; the files written
        (relative to the output folder), or None when any of them needs the full build
        (nothing is written then)."""
        pages = []
        for path in paths:
            old = self._groups.get(os.path.abspath(path))
            if old is None or not os.path.isfile(path):
                return None
            new = self._read(path)
            if new is None or new.metadata != old.metadata or new.save_as != old.save_as:
                return None  # front matter changed (or unreadable): the full build's work
            pages.append(content_with(old, {name: getattr(new, name) for name in FROM_TEXT
                                            if hasattr(new, name)}))
        writer = PreviewWriter(self.generator.output_path, settings=self.generator.settings)
        for page in pages:
            self._write(writer, page)
            self._groups[os.path.abspath(page.source_path)] = page  # a second save's start
        return sorted(os.path.relpath(f, self.generator.output_path)
                      for f, changed in writer.written if changed)

    def _read(self, path: str):
        """The briefing as the build would read it now, or None if it does not read (the
        full build then says why, once: nothing is logged here)."""
        gen = self.generator
        previous = logging.root.manager.disable
        logging.disable(logging.CRITICAL)
        try:
            return gen.readers.read_file(
                base_path=gen.path, path=os.path.relpath(path, gen.path),
                content_class=Article, context=gen.context,
                preread_signal=signals.article_generator_preread, preread_sender=gen,
                context_signal=signals.article_generator_context, context_sender=gen)
        except Exception:  # noqa: BLE001 - any failure: the full build reports it
            return None
        finally:
            logging.disable(previous)

    def _write(self, writer, page) -> None:
        """The build's own call for this briefing's page (the build's object swapped for
        the one with the new text), every other page skipped."""
        gen = self.generator
        write = partial(writer.write_file, relative_urls=gen.settings["RELATIVE_URLS"])

        def only_this(name, template, context, **kwargs):
            found = kwargs.get("article")
            if found is not None and found.source_path == page.source_path:
                write(name, template, context, **dict(kwargs, article=page))

        if page.status == "draft":
            gen.generate_drafts(only_this)
        else:
            gen.generate_articles(only_this)

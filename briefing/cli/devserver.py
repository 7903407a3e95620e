"""``make devserver``: build the site, serve it, rebuild on every saved change, and reload
the open tabs.

What ``pelican -lr`` does, and what editors miss in it:

* **The tab reloads itself** once a save is built, when its page changed: every page is
  served with a small script (added on the way out, never written to the output; see
  :class:`briefing.site.serve.LiveSite`) that listens for the build's news.
* **A saved text is on screen at once**: when the only files saved are briefings whose front
  matter did not change, each one's page is rendered from the last build before the full
  build starts (``plugins/fastbuild/preview.py``: a tenth of a second at 5,000 briefings);
  the full incremental build follows and brings what depends on it (related links, feeds,
  the export, the search index).
* **A failed build is said once**, in the terminal and in the open tabs (the error with file
  and line, over the last good page), the last good site stays served, and the next build
  waits for the next save (Pelican's own loop builds again at once, printing the same error
  several times a second until the file is fixed).
* **The search index catches up after the reload**, not before it.
* A missing address gets the site's own 404 page (the server of ``make serve``).

    python -m briefing.cli.devserver [pelican's options: CONTENT -o OUT -s CONF -b BIND -p PORT]
"""

from __future__ import annotations

import fnmatch
import logging
import os
import queue
import sys
import threading
import time

log = logging.getLogger("briefing.devserver")


class _Errors(logging.Handler):
    """The error lines a build logs (they name the file and line), for the open tabs."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record):
        try:
            self.lines.append(record.getMessage())
        except Exception:  # noqa: BLE001 - a malformed record is not worth a failed build
            self.lines.append(str(record.msg))


def build(instance, live=None, pages_only: bool = False) -> bool:
    """One build; a failure is reported once (file and line are in the message), to the
    terminal and to the tabs, and the output folder keeps what the last good build wrote.
    After a good build the tabs reload (with ``pages_only``, when only briefings and pages
    were saved: only the tabs whose pages the build changed), then the search index
    catches up."""
    errors = _Errors()
    root = logging.getLogger()
    # a logger with no handler prints through logging's last resort; ours must not stop that
    handlers = [errors] + ([logging.lastResort] if not root.handlers and logging.lastResort
                           else [])
    for handler in handlers:
        root.addHandler(handler)
    later: list = []
    instance.briefing_search_later = later  # the search plugin hands its work over
    instance.briefing_changed_files = []  # the fastbuild plugin says which files changed
    started = time.monotonic()
    try:
        instance.run()
    except Exception as exc:  # noqa: BLE001 - any failure of one build: said, then wait
        log.error("the build stopped: %s", exc)
        log.error("the last good site stays served; save a fix to build again")
        if live is not None:
            lines = [line for line in errors.lines if line] or [str(exc)]
            if str(exc) not in "\n".join(lines):
                lines.append(str(exc))
            live.failed("\n".join(dict.fromkeys(lines)))
        return False
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        instance.briefing_search_later = None
    if live is not None:
        live.built(instance.briefing_changed_files if pages_only else None)
        print(f"-> built in {time.monotonic() - started:.2f} s; "
              + ("the tabs whose pages changed reload" if pages_only else "open tabs reload"),
              flush=True)
    for job in later:
        began = time.monotonic()
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - the pages are fine; the index is behind
            log.error("the search index could not catch up: %s", exc)
        else:
            print(f"-> search index caught up in {time.monotonic() - began:.2f} s", flush=True)
    return True


def preview(instance, live, paths: set[str]) -> bool:
    """The saved briefings' own pages, rendered at once from the last good build when only
    their text changed (see ``plugins/fastbuild/preview.py``), and their tabs reloaded;
    False when the saves need the full build first (which follows in any case)."""
    keeper = getattr(instance, "briefing_preview", None)
    if keeper is None or not paths or not all(keeper.knows(p) for p in paths):
        return False
    started = time.monotonic()
    try:
        files = keeper.render(sorted(paths))
    except Exception as exc:  # noqa: BLE001 - the full build comes next and says it all
        log.debug("no preview: %s", exc)
        return False
    if files is None:
        return False
    live.built(files)
    print(f"-> the saved page is on screen in {time.monotonic() - started:.2f} s; the pages "
          "that depend on it follow", flush=True)
    return True


def _pages_only(changed: set[str], settings) -> bool:
    """Whether the saves are all briefings and pages (Markdown under the content folder):
    then only the tabs whose pages changed reload."""
    content = os.path.abspath(settings.get("PATH", ""))
    return bool(changed) and all(
        p.startswith(content + os.sep) and p.rsplit(".", 1)[-1] in ("md", "markdown", "mkd")
        for p in changed)


class Saves:
    """The saves under the content, the theme, the settings file and the vocabulary, as sets
    of (change, path), watched from a thread started before the first build: a save made
    while a build runs is waiting when it ends (Pelican's loop starts a new watcher after
    each build, so such a save was missed until the next one)."""

    def __init__(self, settings_file, settings):
        import watchfiles

        content = settings.get("PATH", "")
        paths = [settings_file, settings.get("THEME", ""), content,
                 settings.get("BRIEFING_VOCABULARY", "")]
        paths += [os.path.join(content, p) for p in settings.get("STATIC_PATHS", [])]
        self.roots = sorted({os.path.abspath(p) for p in paths if p and os.path.exists(p)})
        self.ignored = list(settings.get("IGNORE_FILES", []))
        self._default = watchfiles.DefaultFilter()
        self._found: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        ready = threading.Event()

        def run():
            for changes in watchfiles.watch(*self.roots, watch_filter=self.wanted,
                                            stop_event=self._stop, rust_timeout=200,
                                            yield_on_timeout=True):
                ready.set()  # watching (the first yield comes after one quiet timeout)
                if changes:
                    self._found.put(changes)

        threading.Thread(target=run, name="saves", daemon=True).start()
        ready.wait(timeout=10)

    def wanted(self, change, path: str) -> bool:
        # IGNORE_FILES is matched below the folder watched, as the readers match it (Pelican's
        # own filter matches the absolute path, so a site anywhere under a hidden folder,
        # ~/.sites/ say, never rebuilt)
        if not self._default(change, path):
            return False
        root = next((r for r in self.roots if path == r or path.startswith(r + os.sep)), None)
        rel = os.path.relpath(path, os.path.dirname(root) if path == root else root) \
            if root else os.path.basename(path)
        return not any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(os.path.basename(path), p)
                       for p in self.ignored)

    def next(self) -> set:
        """The saves since the last call (waiting for one if there is none yet)."""
        changes = set(self._found.get())
        while True:
            try:
                changes |= self._found.get_nowait()
            except queue.Empty:
                return changes

    def close(self) -> None:
        self._stop.set()


def main(argv: list[str] | None = None) -> int:
    import pelican
    from pelican.log import init as init_logging

    from briefing.site.serve import LiveSite, server

    argv = list(sys.argv[1:] if argv is None else argv)
    if not {"-l", "--listen"} & set(argv):
        argv.append("--listen")  # we listen; said so Pelican takes -b and -p without a word
    args = pelican.parse_arguments(argv)
    init_logging(level=args.verbosity, fatal=args.fatal, name="pelican",
                 handler=pelican.LOG_HANDLERS[args.log_handler],
                 logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level))
    instance, settings = pelican.get_instance(args)
    instance.briefing_preview = None  # the fastbuild plugin keeps each good build's briefings
    bind, port = settings.get("BIND") or "127.0.0.1", int(settings.get("PORT") or 8000)
    output = settings["OUTPUT_PATH"]
    os.makedirs(output, exist_ok=True)
    try:
        live = LiveSite()
        httpd = server(output, bind, port, live=live)
    except OSError as exc:
        print(f"error: cannot serve on {bind}:{port} ({exc.strerror or exc}); is another "
              "server running there? Pick another with PORT=8001", file=sys.stderr)
        return 1
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(f"Serving {output} at http://{bind}:{port}/ - rebuilding on every save; Ctrl-C "
          "to stop", flush=True)
    settings_file = os.path.abspath(args.settings) if args.settings else None
    try:
        saves = Saves(settings_file, settings)
        pages_only = False
        while True:
            build(instance, live, pages_only)
            changed = {os.path.abspath(path) for _change, path in saves.next()}
            print(f"-> Modified: {', '.join(sorted(changed))}. Rebuilding...", flush=True)
            if settings_file in changed:
                instance, settings = pelican.get_instance(args)
                instance.briefing_preview = None
                saves.close()
                saves = Saves(settings_file, settings)
            pages_only = _pages_only(changed, settings)
            if pages_only:
                preview(instance, live, changed)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 0
    finally:
        httpd.shutdown()
        httpd.server_close()


if __name__ == "__main__":
    sys.exit(main())

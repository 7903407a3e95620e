"""Serve a built site from its output folder, as a static web server would: ``make serve``.

Missing addresses get the site's own ``404.html`` with status 404 (Python's and Pelican's
servers answer them with a bare or an empty page, so the site's 404 page is never seen
locally). Nothing is written; the folder is served as it is.

For ``make devserver`` (:class:`LiveSite`), every HTML page is served with one script added
on the way out (the files on disk are not touched, so they stay what a build writes): it
listens to ``/__live/events`` (server-sent events) and reloads the tab when a build has
changed its page (a build that changed only other pages leaves it be; one that changed the
theme, the settings or the vocabulary reloads every tab), or shows the error, with file and
line, when a save broke the build; the last good page stays under it. Nothing of this is in
a built site.

    python -m briefing.site.serve OUTPUTDIR [--bind 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import sys
import threading
import urllib.parse


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the folder; the site's 404 page for what it lacks."""

    def send_error(self, code, message=None, explain=None):
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.isfile(page):
            return super().send_error(code, message, explain)
        with open(page, "rb") as handle:
            body = handle.read()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


LIVE = "/__live/"
# The tab's side: follow the build's news; a new build reloads the page, a failed one shows
# what failed over the last good page (as text: messages quote the editor's files).
LIVE_JS = b"""(function () {
  "use strict";
  var me = document.currentScript;
  var seen = me ? me.getAttribute("data-build") : "";
  var box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "live-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;z-index:2147483647;max-height:60vh;" +
        "overflow:auto;margin:0;padding:1rem 1.25rem;background:#7f1d1d;color:#fff;" +
        "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;" +
        "box-shadow:0 -2px 12px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = text;
  }
  var events = new EventSource("/__live/events?since=" + encodeURIComponent(seen) +
    "&page=" + encodeURIComponent(window.location.pathname));
  events.addEventListener("build", function (event) {
    var news = JSON.parse(event.data);
    if (news.error) {
      show("The last save did not build; this page is the last good one.\\n\\n" + news.error);
    } else if (news.reload) {
      events.close();
      window.location.reload();
    } else if (box) {
      box.remove();
      box = null;
    }
  });
})();
"""


class LiveSite:
    """The news of a devserver's builds, for the open tabs: a build number that grows with
    every good build (a preview of a saved page counts as one), the files each changed, and
    the error of the last build when it failed."""

    HISTORY = 1000  # builds whose files are remembered (a tab older than that reloads)

    def __init__(self):
        self._changed = threading.Condition()
        self.build = 0
        self.error = ""
        self._files: dict[int, frozenset[str] | None] = {}

    def built(self, files=None) -> None:
        """A good build, which changed ``files`` (paths below the output folder), or any
        page (None: the theme, the settings, the vocabulary, or not known)."""
        with self._changed:
            self.build += 1
            self.error = ""
            self._files[self.build] = None if files is None else frozenset(
                os.path.normpath(f) for f in files)
            self._files.pop(self.build - self.HISTORY, None)
            self._changed.notify_all()

    def outdated(self, since: int, page: str | None) -> bool:
        """Whether the page ``page`` (a path below the output folder; None: any page), as
        served after build ``since``, has changed since."""
        with self._changed:
            for number in range(max(since, 0) + 1, self.build + 1):
                files = self._files.get(number)
                if files is None or page is None or page in files:
                    return True
            return False

    def failed(self, error: str) -> None:
        with self._changed:
            self.error = error or "the build failed"
            self._changed.notify_all()

    def news(self) -> dict:
        with self._changed:
            return {"build": self.build, "error": self.error}

    def wait(self, last: dict, timeout: float) -> dict:
        """The news once it differs from `last` (or after `timeout`, as it is)."""
        with self._changed:
            self._changed.wait_for(lambda: {"build": self.build, "error": self.error} != last,
                                   timeout=timeout)
            return {"build": self.build, "error": self.error}


class LiveHandler(SiteHandler):
    """The site, each HTML page with the live script added; the script and its events."""

    live: LiveSite

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == LIVE + "live.js":
            return self._send(200, "text/javascript; charset=utf-8", LIVE_JS)
        if path == LIVE + "events":
            return self._events()
        target = self.translate_path(self.path)
        if os.path.isdir(target) and path.endswith("/"):
            target = os.path.join(target, "index.html")
        if target.endswith(".html") and os.path.isfile(target):
            with open(target, "rb") as handle:
                return self._send(200, "text/html; charset=utf-8", self._inject(handle.read()))
        return super().do_GET()

    def _inject(self, page: bytes) -> bytes:
        tag = (f'<script src="{LIVE}live.js" data-build="{self.live.news()["build"]}">'
               '</script>').encode()
        cut = page.rfind(b"</body>")
        return page[:cut] + tag + page[cut:] if cut >= 0 else page + tag

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page_file(self, page: str) -> str | None:
        """The file (below the output folder) a tab's address is served from."""
        if not page.startswith("/"):
            return None
        target = self.translate_path(page)
        if os.path.isdir(target) or page.endswith("/"):
            target = os.path.join(target, "index.html")
        return os.path.normpath(os.path.relpath(target, self.directory))

    def _events(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        try:
            since = int(query.get("since", [""])[0])
        except ValueError:
            since = None  # a tab that does not say: every build is news to it
        page = self._page_file(query.get("page", [""])[0])
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        news = self.live.news()
        if since is None:
            since = news["build"]
        try:
            since = self._event(news, since, page)
            while True:
                later = self.live.wait(news, timeout=15)
                if later == news:
                    self.wfile.write(b": still here\n\n")  # keeps proxies and the tab awake
                    self.wfile.flush()
                else:
                    news = later
                    since = self._event(news, since, page)
        except (BrokenPipeError, ConnectionResetError):
            return  # the tab went away

    def _event(self, news: dict, since: int, page: str | None) -> int:
        """Tell the tab the news, and whether its page changed since build ``since``; the
        build its page is now current with."""
        reload = not news["error"] and self.live.outdated(since, page)
        self.wfile.write(b"event: build\ndata: " + json.dumps(dict(news, reload=reload)).encode()
                         + b"\n\n")
        self.wfile.flush()
        return since if reload or news["error"] else news["build"]

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            page = os.path.join(self.directory, "404.html")
            if os.path.isfile(page):
                with open(page, "rb") as handle:
                    return self._send(404, "text/html; charset=utf-8", self._inject(handle.read()))
        return super().send_error(code, message, explain)


def server(folder: str, bind: str = "127.0.0.1", port: int = 8000,
           live: LiveSite | None = None) -> http.server.HTTPServer:
    """A threaded server of `folder`; with `live`, a devserver's (pages tell tabs to reload)."""
    if live is None:
        handler = functools.partial(SiteHandler, directory=os.path.abspath(folder))
    else:
        kind = type("BoundLiveHandler", (LiveHandler,), {"live": live})
        handler = functools.partial(kind, directory=os.path.abspath(folder))
    httpd = http.server.ThreadingHTTPServer((bind, port), handler)
    httpd.daemon_threads = True
    return httpd


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="the built site (OUTPUTDIR)")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    if not os.path.isfile(os.path.join(args.folder, "index.html")):
        print(f"error: {args.folder} holds no built site (run `make html` first)",
              file=sys.stderr)
        return 2
    with server(args.folder, args.bind, args.port) as httpd:
        print(f"serving {args.folder} at http://{args.bind}:{args.port}/ (Ctrl-C stops)",
              file=sys.stderr)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Serve a built site from its output folder, as a static web server would: ``make serve``.

Missing addresses get the site's own ``404.html`` with status 404 (Python's and Pelican's
servers answer them with a bare or an empty page, so the site's 404 page is never seen
locally). Nothing is written; the folder is served as it is.

    python -m briefing.site.serve OUTPUTDIR [--bind 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys


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


def server(folder: str, bind: str = "127.0.0.1", port: int = 8000) -> http.server.HTTPServer:
    handler = functools.partial(SiteHandler, directory=os.path.abspath(folder))
    return http.server.ThreadingHTTPServer((bind, port), handler)


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

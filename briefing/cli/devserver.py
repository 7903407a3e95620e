"""``make devserver``: build the site, serve it, rebuild on every saved change.

What ``pelican -lr`` does, but for two things editors hit: when a build fails (a briefing
with a YAML mistake, say), Pelican's own loop builds again at once, and again, printing the
same error several times a second until the file is fixed; here a failed build is reported
once, the last good site stays served, and the next build waits for the next save. And a
missing address gets the site's own 404 page (the server of ``make serve``).

    python -m briefing.cli.devserver [pelican's options: CONTENT -o OUT -s CONF -b BIND -p PORT]
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger("briefing.devserver")


def build(instance) -> bool:
    """One build; a failure is reported once (file and line are in the message) and the
    output folder keeps what the last good build wrote."""
    try:
        instance.run()
    except Exception as exc:  # noqa: BLE001 - any failure of one build: said, then wait
        log.error("the build stopped: %s", exc)
        log.error("the last good site stays served; save a fix to build again")
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    import pelican
    from pelican.log import init as init_logging
    from pelican.utils import wait_for_changes

    from briefing.site.serve import server

    argv = list(sys.argv[1:] if argv is None else argv)
    if not {"-l", "--listen"} & set(argv):
        argv.append("--listen")  # we listen; said so Pelican takes -b and -p without a word
    args = pelican.parse_arguments(argv)
    init_logging(level=args.verbosity, fatal=args.fatal, name="pelican",
                 handler=pelican.LOG_HANDLERS[args.log_handler],
                 logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level))
    instance, settings = pelican.get_instance(args)
    bind, port = settings.get("BIND") or "127.0.0.1", int(settings.get("PORT") or 8000)
    output = settings["OUTPUT_PATH"]
    os.makedirs(output, exist_ok=True)
    try:
        httpd = server(output, bind, port)
    except OSError as exc:
        print(f"error: cannot serve on {bind}:{port} ({exc.strerror or exc}); is another "
              "server running there? Pick another with PORT=8001", file=sys.stderr)
        return 1
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(f"Serving {output} at http://{bind}:{port}/ - rebuilding on every save; Ctrl-C "
          "to stop", flush=True)
    settings_file = os.path.abspath(args.settings) if args.settings else None
    try:
        while True:
            build(instance)
            changed = {path for _change, path in wait_for_changes(args.settings, settings)}
            if settings_file in changed:
                instance, settings = pelican.get_instance(args)
            print(f"-> Modified: {', '.join(sorted(changed))}. Rebuilding...", flush=True)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 0
    finally:
        httpd.shutdown()
        httpd.server_close()


if __name__ == "__main__":
    sys.exit(main())

"""Print the README table of our plugins' settings (from briefing.site.settings).

    python tools/settings_table.py            # print it
    python tools/settings_table.py --write    # replace the table in README.md
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from briefing.site.settings import SETTINGS  # noqa: E402

MARK = "<!-- settings table: tools/settings_table.py --write -->"


def table() -> str:
    rows = ["| setting | default | meaning |", "| --- | --- | --- |"]
    for s in SETTINGS:
        default = list(s.default) if isinstance(s.default, tuple) else s.default
        rows.append(f"| `{s.name}` | `{default!r}` | {s.help} |")
    return "\n".join(rows)


if __name__ == "__main__":
    if "--write" in sys.argv:
        readme = Path(__file__).resolve().parent.parent / "README.md"
        text = readme.read_text()
        pattern = re.compile(re.escape(MARK) + r"\n(\|.*\n)+")
        if not pattern.search(text):
            sys.exit(f"{readme}: the marker {MARK!r} followed by a table is missing")
        readme.write_text(pattern.sub(lambda _: MARK + "\n" + table() + "\n", text, count=1))
    else:
        print(table())

"""`python -m briefing.cli`: the `briefing` command."""

import sys

from briefing.cli import main

sys.exit(main())

"""python -m app: the desktop app (and the utilitydesk subcommands)."""

import sys

from app.cli import main

sys.exit(main())

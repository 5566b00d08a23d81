"""Every command's `--help` starts without the heavy libraries (#17): the parser of the named
command is built from light modules, and FastAPI, uvicorn, httpx, SQLAlchemy, Qt and reportlab
are imported only when a command runs. (How fast that is, is bench/bench_startup.py's figure:
no test here asserts a time.)"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from app.cli import build_parser

HEAVY = ("fastapi", "uvicorn", "httpx", "sqlalchemy", "PySide6", "reportlab", "alembic")

# One fresh interpreter asks for each command's help in turn and names, after each, the heavy
# modules it finds imported: the first command that pulls one in is the one named.
PROBE = r"""
import json, sys
from app.cli import main
heavy = json.loads(sys.argv[1])
found = {}
for command in json.loads(sys.argv[2]):
    try:
        main([*command, "--help"])
    except SystemExit:
        pass
    found[" ".join(command) or "(top level)"] = [m for m in heavy if m in sys.modules]
print(json.dumps(found))
"""


def _commands() -> list[list[str]]:
    parser = build_parser(full=True)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [[], *([name] for name in sub.choices)]


def test_server_help_does_not_import_fastapi():
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps([["server"]])],
                            capture_output=True, text=True, timeout=120, env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"server": []}


def test_no_command_help_imports_a_heavy_library():
    commands = _commands()
    assert ["server"] in commands and ["sync"] in commands and ["cycles"] in commands
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps(commands)],
                            capture_output=True, text=True, timeout=300, env={**os.environ})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert {name: heavy for name, heavy in found.items() if heavy} == {}


def test_the_sync_parser_default_matches_the_client():
    from sync.cli_sync_args import HISTORY_DAYS
    from sync.client import HISTORY_DAYS as CLIENT_HISTORY_DAYS

    assert HISTORY_DAYS == CLIENT_HISTORY_DAYS

"""Every command's `--help` starts without the heavy libraries (#17): the parser of the named
command is built from light modules, and FastAPI, uvicorn, httpx, SQLAlchemy, Qt and reportlab
are imported only when a command runs. The app's login window is on screen before SQLAlchemy
loads, and `audit verify` runs without it. (How fast that is, is bench/bench_startup.py's
figure: no test here asserts a time.)"""

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


# The app as `utilitydesk` starts it, up to its login window: what is imported by the time the
# window would be shown (the window's exec is replaced by a report, so nothing waits for a user).
LOGIN_PROBE = r"""
import json, sys
from app.views.login import LoginDialog

def report(dialog):
    print(json.dumps([m for m in json.loads(sys.argv[1]) if m in sys.modules]), flush=True)
    return LoginDialog.DialogCode.Rejected

LoginDialog.exec = report
from app.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _imported_by(probe: str, *args: str) -> tuple[list[str], str]:
    result = subprocess.run([sys.executable, "-c", probe, json.dumps(HEAVY), *args], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    *output, heavy = result.stdout.strip().splitlines()
    return json.loads(heavy), "\n".join(output)


def test_the_login_window_shows_before_the_database_layer_loads(tmp_path):
    from tests.factories import make_runtime

    make_runtime(tmp_path / "data").close()  # newest schema, with users: the everyday start
    heavy, _ = _imported_by(LOGIN_PROBE, "--data-dir", str(tmp_path / "data"))
    assert heavy == ["PySide6"]  # SQLAlchemy and the models load behind the window


def test_audit_verify_reads_the_chain_without_the_database_layer(tmp_path):
    from tests.factories import make_runtime

    make_runtime(tmp_path / "data").close()
    probe = PROBE.replace('main([*command, "--help"])', "main(command)")
    heavy, output = _imported_by(probe, json.dumps([["--data-dir", str(tmp_path / "data"), "audit",
                                                     "verify"]]))
    assert "Audit chain intact" in output
    assert heavy == {f"--data-dir {tmp_path / 'data'} audit verify": []}

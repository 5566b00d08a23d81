"""Start-up, each a fresh process timed from the parent (interpreter start included):

- app start to the login window on screen (offscreen Qt), as `utilitydesk` starts it, on a data
  folder that has a utility and users (goal < 1 s), beside a bare `python -c "import
  PySide6.QtWidgets"`; and the first start on a fresh folder (`--smoke`: creates and migrates);
- every command's `--help` (goal < 0.5 s), and `audit verify`, beside a bare `python -c pass`.
Each is the median of RUNS (5; BENCH_QUICK=1: 3)."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import QUICK, record

RUNS = 3 if QUICK else 5
REPO = Path(__file__).resolve().parents[1]
SHOWN = "login window shown"

# `utilitydesk --data-dir DIR` as a user starts it (app.cli.main: the GUI), except that the login
# dialog, once on screen, says so on stdout and is cancelled instead of waiting for a user.
PROBE = rf"""
import sys
from PySide6.QtWidgets import QApplication
from app.views.login import LoginDialog

def shown_then_cancel(dialog):
    dialog.show()
    QApplication.processEvents()
    print("{SHOWN}" if dialog.isVisible() else "not shown", flush=True)
    return LoginDialog.DialogCode.Rejected

LoginDialog.exec = shown_then_cancel
from app.cli import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}


def _until_shown_ms(data_dir: Path) -> float:
    """From starting the process until its login window is on screen."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", PROBE, str(data_dir)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=_env(), cwd=REPO)
    for line in child.stdout:
        if line.strip() == SHOWN:
            elapsed = (time.perf_counter() - started) * 1000
            child.communicate(timeout=60)
            return elapsed
    raise RuntimeError(f"the login window was not shown: {child.communicate(timeout=60)[1][-500:]}")


def _wall_ms(argv: list[str], *, check: bool = False) -> float:
    """A whole process, start to exit, as a user typing the command waits for it."""
    started = time.perf_counter()
    subprocess.run(argv, capture_output=True, cwd=REPO, env=_env(), check=check)
    return (time.perf_counter() - started) * 1000


def _median(measure, runs: int = RUNS) -> float:
    return statistics.median(measure() for _ in range(runs))


def _commands() -> list[str]:
    from app.cli import build_parser

    parser = build_parser(full=True)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def main() -> None:
    app = [sys.executable, "-m", "app"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh, data_dir = Path(tmp) / "fresh", Path(tmp) / "data"
        first = _wall_ms([*app, "--smoke", "--data-dir", str(fresh)], check=True)
        record("first start on a fresh folder (--smoke: migrate, login window, exit)", first, "ms")
        subprocess.run([*app, "--data-dir", str(data_dir), "demo", "--consumers", "20", "--months", "2"],
                       check=True, capture_output=True, cwd=REPO, env=_env())  # a utility with users
        _until_shown_ms(data_dir)  # once, so every measured start finds the files in the page cache
        warm = _median(lambda: _until_shown_ms(data_dir))
        bare_qt = _median(lambda: _wall_ms([sys.executable, "-c", "import PySide6.QtWidgets"]))
        record(f"start to login window, median of {RUNS}", warm, "ms", goal="< 1,000 ms",
               baseline=bare_qt, baseline_name="bare python -c 'import PySide6.QtWidgets'",
               met=warm < 1000)
        python = _median(lambda: _wall_ms([sys.executable, "-c", "pass"]))
        for args in [[], *([name] for name in _commands())]:
            ms = _median(lambda args=args: _wall_ms([*app, *args, "--help"]))
            record(f"utilitydesk {' '.join(args) + ' ' if args else ''}--help, median of {RUNS}", ms, "ms",
                   goal="< 500 ms", baseline=python, baseline_name="bare python -c pass", met=ms < 500)
        ms = _median(lambda: _wall_ms([*app, "--data-dir", str(data_dir), "audit", "verify"]))
        record(f"utilitydesk audit verify (small demo), median of {RUNS}", ms, "ms", goal="< 500 ms",
               baseline=python, baseline_name="bare python -c pass", met=ms < 500)


if __name__ == "__main__":
    main()

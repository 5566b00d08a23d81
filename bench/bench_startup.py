"""Start-up, each a fresh process timed from the parent (interpreter start included):

- app start to the login window on screen (offscreen Qt), as `utilitydesk` starts it, on a data
  folder that has a utility and users (goal < 1 s), beside a bare `python -c "import
  PySide6.QtWidgets"`; the CPU time the process had used by then (steadier than the wall time on
  a shared machine); when the database had opened behind the window (SQLAlchemy, the models:
  the earliest a login click does not wait); and the first start on a fresh folder (`--smoke`:
  creates and migrates);
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
from dataclasses import dataclass
from pathlib import Path

from bench.figures import QUICK, record

RUNS = 3 if QUICK else 5
REPO = Path(__file__).resolve().parents[1]
SHOWN = "login window shown"
OPEN = "database open"

# `utilitydesk --data-dir DIR` as a user starts it (app.cli.main: the GUI), except that the login
# dialog, once on screen, says so on stdout (with the CPU time used), waits for the database to
# open behind it, says so, and is cancelled instead of waiting for a user.
PROBE = rf"""
import sys, time
from PySide6.QtWidgets import QApplication
from app.views.login import LoginDialog

def shown_then_cancel(dialog):
    dialog.show()
    QApplication.processEvents()
    cpu_ms = time.process_time() * 1000
    print("{SHOWN}" if dialog.isVisible() else "not shown", cpu_ms, flush=True)
    dialog.services.app  # what a login click waits for: the database opening behind the window
    print("{OPEN}", flush=True)
    return LoginDialog.DialogCode.Rejected

LoginDialog.exec = shown_then_cancel
from app.cli import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}


@dataclass(frozen=True)
class Start:
    shown_ms: float  # wall, from starting the process until its login window is on screen
    cpu_ms: float  # the process's CPU time by then
    open_ms: float  # wall, until the database had opened behind the window


def _start(data_dir: Path) -> Start:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", PROBE, str(data_dir)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=_env(), cwd=REPO)
    shown = cpu = None
    for line in child.stdout:
        if line.startswith(SHOWN):
            shown, cpu = (time.perf_counter() - started) * 1000, float(line.split()[-1])
        elif line.strip() == OPEN and shown is not None:
            opened = (time.perf_counter() - started) * 1000
            child.communicate(timeout=60)
            return Start(shown, cpu, opened)
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
        _start(data_dir)  # once, so every measured start finds the files in the page cache
        starts = [_start(data_dir) for _ in range(RUNS)]
        warm = statistics.median(s.shown_ms for s in starts)
        bare_qt = _median(lambda: _wall_ms([sys.executable, "-c", "import PySide6.QtWidgets"]))
        record(f"start to login window, median of {RUNS}", warm, "ms", goal="< 1,000 ms",
               baseline=bare_qt, baseline_name="bare python -c 'import PySide6.QtWidgets'",
               met=warm < 1000)
        record(f"CPU time of the process when its login window shows, median of {RUNS}",
               statistics.median(s.cpu_ms for s in starts), "ms")
        record(f"start to the database open behind the login window, median of {RUNS}",
               statistics.median(s.open_ms for s in starts), "ms")
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

"""Start-up: a fresh process until the login window is on screen (offscreen Qt), beside a bare
Qt process showing an empty dialog; and each command line start, beside a bare Python start."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import record

PROBE = r"""
import time
started = time.perf_counter()
import sys
from pathlib import Path
from app.views.application import qt_app, Session
from app.runtime import open_runtime
from app.views.login import LoginDialog
app = qt_app()
runtime = open_runtime(Path(sys.argv[1]))
session = Session(runtime)
utility, centre, counter = session.settings_labels()
dialog = LoginDialog(session.services, utility)
dialog.show()
app.processEvents()
print(f"{(time.perf_counter() - started) * 1000:.0f}")
runtime.close()
"""


BARE_QT = r"""
import time
started = time.perf_counter()
from PySide6.QtWidgets import QApplication, QDialog
app = QApplication([])
dialog = QDialog()
dialog.show()
app.processEvents()
print(f"{(time.perf_counter() - started) * 1000:.0f}")
"""
REPO = Path(__file__).resolve().parents[1]


def measure(data_dir: Path) -> float:
    return _probe([sys.executable, "-c", PROBE, str(data_dir)])


def _probe(argv: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True, cwd=REPO)
    return float(out.stdout.strip().splitlines()[-1])


def _wall_ms(argv: list[str]) -> float:
    """A whole process, start to exit, as a user typing the command waits for it."""
    started = time.perf_counter()
    subprocess.run(argv, capture_output=True, cwd=REPO, check=False)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        first = measure(data_dir)  # creates and migrates the database
        warm = statistics.median(measure(data_dir) for _ in range(5))
        bare = statistics.median(_probe([sys.executable, "-c", BARE_QT]) for _ in range(5))
        record("first start to login window (creates + migrates)", first, "ms")
        record("start to login window, warm (median of 5)", warm, "ms", goal="< 1,000 ms",
               baseline=bare, baseline_name="bare Qt process showing a dialog", met=warm < 1000)
        python = statistics.median(_wall_ms([sys.executable, "-c", "pass"]) for _ in range(5))
        for name, args in (("utilitydesk --help", ["--help"]),
                           ("utilitydesk audit verify", ["--data-dir", str(data_dir), "audit", "verify"])):
            ms = statistics.median(_wall_ms([sys.executable, "-m", "app", *args]) for _ in range(5))
            record(f"{name} (median of 5)", ms, "ms", goal="< 500 ms", baseline=python,
                   baseline_name="bare python -c pass", met=ms < 500)


if __name__ == "__main__":
    main()

"""Start-to-login: a fresh process until the login window is on screen (offscreen Qt)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

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


def measure(data_dir: Path) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", PROBE, str(data_dir)], capture_output=True, text=True,
                         env=env, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        first = measure(data_dir)  # creates and migrates the database
        runs = [measure(data_dir) for _ in range(5)]
    print(f"first start (creates + migrates the database): {first:.0f} ms")
    print(f"start to login window, warm (median of 5): {statistics.median(runs):.0f} ms "
          f"(min {min(runs):.0f}, max {max(runs):.0f})")


if __name__ == "__main__":
    main()

"""The desktop bundle (build.spec) builds and starts: migrations, resources, Qt plugins.

About a minute on two cores, so it runs in `make test` (CI allows 90); `make bundle-test`
does the same on the repository's own dist/ folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_bundle_builds_and_its_smoke_start_reaches_the_login_window(tmp_path):
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    if not pyinstaller.exists():
        pyinstaller = Path(shutil.which("pyinstaller") or "pyinstaller")
    built = subprocess.run(
        [str(pyinstaller), "--noconfirm", "--log-level", "WARN", "--distpath", str(tmp_path / "dist"),
         "--workpath", str(tmp_path / "build"), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=540)
    assert built.returncode == 0, built.stderr[-3000:]
    program = tmp_path / "dist" / "utilitydesk" / "utilitydesk"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    started = subprocess.run([str(program), "--data-dir", str(tmp_path / "data"), "--smoke"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stdout + started.stderr
    assert "style sheet and fonts found, login window shown" in started.stdout
    assert (tmp_path / "data" / "utilitydesk.sqlite3").exists()

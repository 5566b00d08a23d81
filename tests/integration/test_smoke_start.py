"""`utilitydesk --smoke`: the check a bundle (or any installation) runs to prove it starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_start_migrates_a_fresh_folder_and_shows_the_login_window(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    folder = tmp_path / "fresh"
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(folder), "--smoke"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "style sheet and fonts found, login window shown" in done.stdout
    assert "schema 0" in done.stdout  # a migration revision, not None
    assert (folder / "utilitydesk.sqlite3").exists()

"""Killing a child process at a chosen point, as a power cut would (SIGKILL: no clean-up).

The child is a Python script that prints a marker line when it reaches the point and then
sleeps there; `kill_at_marker` waits for that line, kills the child and checks it died by
the signal. Each crash test supplies only its script and what it checks afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

needs_sigkill = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def kill_at_marker(script: str, args: list[str], marker: str) -> str:
    """Run `script` with `args`, kill it once it prints a line starting with `marker`; that line."""
    child = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = child.stdout.readline()
        assert line.startswith(marker), f"child said {line!r}; stderr: {child.stderr.read()}"
        time.sleep(0.1)  # let it settle at the point (it is asleep there)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return line

"""The demo utility as a newcomer sees it, at a fixed moment: the screen guard's world.

A Springfield dollar utility (America/Chicago, MM/dd/yyyy) whose clock stands at 4:30 PM on
22 Nov 2026 (22:30 UTC), small enough to build in a few seconds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.demo.generator import DemoOptions, build_demo
from app.domain.core.clock import FixedClock
from app.runtime import Runtime, open_runtime

DEMO_NOW = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)
OPTIONS = DemoOptions(consumers=40, months=3, seed=7)


def build_demo_utility(folder: Path) -> Path:
    runtime = open_runtime(folder, lock=False, clock=FixedClock(DEMO_NOW))
    try:
        build_demo(runtime.app, OPTIONS, progress=None)
    finally:
        runtime.close()
    return folder


def open_demo_utility(folder: Path) -> Runtime:
    """Its clock standing at DEMO_NOW."""
    return open_runtime(folder, lock=False, clock=FixedClock(DEMO_NOW))

"""The demo utility the benchmarks read, built once per set of parameters and kept in
bench/.cache/ (git ignores it): a second `make bench` starts measuring at once."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from app.demo.generator import DemoOptions, build_demo_in

CACHE = Path(__file__).parent / ".cache"
TODAY = date(2026, 11, 22)  # fixed, so runs are comparable


def demo_folder(consumers: int, months: int, seed: int = 7, today: date = TODAY) -> Path:
    return CACHE / f"demo-c{consumers}-m{months}-s{seed}-{today.isoformat()}"


def cached_demo(consumers: int, months: int, seed: int = 7, today: date = TODAY) -> Path:
    """The folder of a demo with these parameters; read it with open_runtime(lock=False) and
    copy it (copy_demo) before writing to it. Its built.json says how long the build took."""
    folder = demo_folder(consumers, months, seed, today)
    marker = folder / "built.json"
    if marker.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)  # a build that did not finish
    summary = build_demo_in(folder, DemoOptions(consumers=consumers, months=months, seed=seed,
                                                today=today), progress=None)
    marker.write_text(json.dumps({"consumers": consumers, "months": months, "seed": seed,
                                  "today": today.isoformat(), "seconds": summary.seconds,
                                  "rows": sum(summary.rows.values())}))
    return folder


def copy_demo(folder: Path, into: Path) -> Path:
    """A writable copy of a cached demo (its database and config, not its logs)."""
    into.mkdir(parents=True, exist_ok=True)
    for name in ("utilitydesk.sqlite3", "config.toml"):
        if (folder / name).exists():
            shutil.copy2(folder / name, into / name)
    return into

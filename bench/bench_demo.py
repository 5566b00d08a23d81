"""Benchmark: the demo utility (100,000 consumers x 18 months; BENCH_QUICK=1: 10,000), built once
into bench/.cache/ (bench/demo_cache.py) for every bench that reads it: the build time (when the
cache already holds it, the time its build took, marked so), the largest tables, the database
size and bytes per bill."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.demo_cache import cached_demo, demo_folder  # noqa: E402
from bench.figures import record, scaled  # noqa: E402

MONTHS = 18


def main() -> None:
    consumers = scaled(100_000)
    cached = (demo_folder(consumers, MONTHS) / "built.json").exists()
    started = time.perf_counter()
    folder = cached_demo(consumers, MONTHS)
    built = json.loads((folder / "built.json").read_text())
    seconds = built["seconds"] if cached else time.perf_counter() - started
    database = folder / "utilitydesk.sqlite3"
    size = database.stat().st_size / 1e6
    with sqlite3.connect(database) as db:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%search%'")]
        counts = {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
    for table, count in sorted(counts.items(), key=lambda item: -item[1])[:12]:
        print(f"  {table:<26} {count:>12,}")
    print(f"  {'all tables':<26} {sum(counts.values()):>12,}")
    when = " (cached: the time its build took)" if cached else ""
    record(f"demo build, {consumers:,} consumers x {MONTHS} months{when}", seconds, "s")
    record("demo database size", size, "MB", goal="< 2,000 MB (100,000 x 18)",
           met=size < 2000 if consumers == 100_000 else None)
    if counts.get("bills"):
        record("database bytes per bill (whole database / bills)", size * 1e6 / counts["bills"], "B")


if __name__ == "__main__":
    main()

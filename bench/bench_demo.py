"""Benchmark: build the demo utility (100,000 consumers x 18 months; BENCH_QUICK=1: 10,000)
into a temporary folder and print the time, the largest tables and the database size."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from app.demo.generator import DemoOptions, build_demo_in  # noqa: E402
from bench.figures import record  # noqa: E402

TODAY = date(2026, 11, 22)  # fixed, so runs are comparable


def main() -> None:
    consumers = 10_000 if os.environ.get("BENCH_QUICK") == "1" else 100_000
    months = 18
    with tempfile.TemporaryDirectory(prefix="utilitydesk-bench-") as folder:
        started = time.perf_counter()
        summary = build_demo_in(Path(folder), DemoOptions(consumers=consumers, months=months, today=TODAY))
        seconds = time.perf_counter() - started
        parent, child = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        print(f"demo --consumers {consumers} --months {months}: {seconds:.1f} s "
              f"(build {summary.seconds:.1f} s; CPU: generator {parent.ru_utime + parent.ru_stime:.0f} s, "
              f"SQLite writer {child.ru_utime + child.ru_stime:.0f} s)")
        top = sorted(summary.rows.items(), key=lambda item: -item[1])[:12]
        for table, count in top:
            print(f"  {table:<26} {count:>12,}")
        print(f"  {'all tables':<26} {sum(summary.rows.values()):>12,}")
        size = summary.size_mb if summary.size_mb is not None else 0.0
        print(f"database size: {size:,.1f} MB")
        record(f"demo build, {consumers:,} consumers x {months} months", seconds, "s")
        record("demo database size", size, "MB", goal="< 2,000 MB (100,000 x 18)",
               met=size < 2000 if consumers == 100_000 else None)
        bills = summary.count("bills")
        if bills:
            record("database bytes per bill (whole database / bills)", size * 1e6 / bills, "B")


if __name__ == "__main__":
    main()

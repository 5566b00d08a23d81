"""Tariff import at 2,500, 5,000 and 10,000 rows (BENCH_QUICK=1: 250, 500 and 1,000), into a
fresh data folder each time, beside a bare baseline measured in the same run: reading the same
CSV with the csv module alone. The goal is 10,000 rows in under 10 s, growing linearly. Each
size is imported RUNS times (3), each into a fresh folder; the table gets the medians.

The file is the hard case for the overlap check: slab tariffs of one utility and rate type,
each valid for one month, so every tariff has neighbours to be compared with.
"""

from __future__ import annotations

import calendar
import csv
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from app.domain.core.clock import FixedClock
from app.runtime import open_runtime
from app.services.core.context import SYSTEM_ACTOR
from app.services.registry import Services
from app.services.tariffs.rows import COLUMNS
from bench.figures import record, scaled

ROWS_PER_TARIFF = 5  # four slabs and a fixed charge
SIZES = (2_500, 5_000, 10_000)
RUNS = 3


def tariff_rows(count: int) -> list[dict[str, str]]:
    rows = []
    for index in range(count // ROWS_PER_TARIFF):
        year, month = divmod(index, 12)
        first = date(1900 + year, month + 1, 1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        head = {"tariff": f"Water {first:%Y-%m}", "utility": "water", "unit": "gal",
                "rate_type": "slab", "valid_from": first.isoformat(), "valid_to": last.isoformat(),
                "price_per": "1000", "period_factor": "calendar_months"}
        rows += [head | {"item": "slab", "from": "0", "to": "6000", "rate": "4.18"},
                 head | {"item": "slab", "from": "6001", "to": "20000", "rate": "5.27"},
                 head | {"item": "slab", "from": "20001", "to": "40000", "rate": "6.951234"},
                 head | {"item": "slab", "from": "40001", "to": "", "rate": "8.10"},
                 head | {"item": "charge", "name": "Base charge", "amount": "12.50",
                         "charge_kind": "fixed_per_period"}]
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def _bare_read(path: Path) -> float:
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for _ in csv.DictReader(handle):
            pass
    return time.perf_counter() - started


def _import(folder: Path, *paths: Path) -> list[tuple[float, str]]:
    runtime = open_runtime(folder, clock=FixedClock(datetime(2025, 4, 20, tzinfo=UTC)))
    results = []
    try:
        for path in paths:
            started = time.perf_counter()
            report = Services(runtime.app).tariffs.transfer.import_file(SYSTEM_ACTOR, path)
            results.append((time.perf_counter() - started, report.describe().splitlines()[0]))
        return results
    finally:
        runtime.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        for size in (scaled(size) for size in SIZES):
            path, changed = Path(temp) / f"tariffs-{size}.csv", Path(temp) / f"changed-{size}.csv"
            rows = tariff_rows(size)
            _write(path, rows)
            _write(changed, [row | {"rate": "4.25"} if row.get("rate") == "4.18" else row
                             for row in rows])
            bare = statistics.median(_bare_read(path) for _ in range(RUNS))
            runs = [_import(Path(temp) / f"data-{size}-{n}", path, changed) for n in range(RUNS)]
            print(f"  {size:,} rows: {runs[0][0][1]}; then {runs[0][1][1]}", flush=True)
            for index, label in enumerate(("new tariffs", "new versions")):
                elapsed = statistics.median(run[index][0] for run in runs) * 1000
                goal = 10_000 * size / 10_000
                record(f"tariff import, {label}, {size:,} rows, median of {RUNS}", elapsed, "ms",
                       goal=f"< {goal:,.0f} ms (10,000 rows in 10 s)", baseline=bare * 1000,
                       baseline_name="bare csv read of the same file", met=elapsed < goal)


if __name__ == "__main__":
    main()

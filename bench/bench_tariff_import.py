"""Tariff import at 2,500, 5,000 and 10,000 rows (BENCH_QUICK=1: 1,000 and 2,000), into a
fresh data folder each time, beside a bare baseline measured in the same run: reading the same
CSV with the csv module alone. The goal is 10,000 rows in under 10 s, growing linearly.

The file is the hard case for the overlap check: slab tariffs of one utility and rate type,
each valid for one month, so every tariff has neighbours to be compared with.
"""

from __future__ import annotations

import calendar
import csv
import os
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from app.domain.core.clock import FixedClock
from app.runtime import open_runtime
from app.services.core.context import SYSTEM_ACTOR
from app.services.registry import Services
from app.services.tariffs.rows import COLUMNS

ROWS_PER_TARIFF = 5  # four slabs and a fixed charge
SIZES = (2_500, 5_000, 10_000)
QUICK_SIZES = (1_000, 2_000)


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
    sizes = QUICK_SIZES if os.environ.get("BENCH_QUICK") == "1" else SIZES
    with tempfile.TemporaryDirectory() as temp:
        for size in sizes:
            path, changed = Path(temp) / f"tariffs-{size}.csv", Path(temp) / f"changed-{size}.csv"
            rows = tariff_rows(size)
            _write(path, rows)
            _write(changed, [row | {"rate": "4.25"} if row.get("rate") == "4.18" else row
                             for row in rows])
            bare = _bare_read(path)
            results = _import(Path(temp) / f"data-{size}", path, changed)
            for label, (elapsed, outcome) in zip(("new tariffs", "new versions"), results, strict=True):
                print(f"tariff import ({label}): {size:,} rows in {elapsed:.2f} s = "
                      f"{size / elapsed:,.0f} rows/s (bare csv read of the same file: "
                      f"{bare * 1000:.0f} ms) - {outcome}", flush=True)


if __name__ == "__main__":
    main()

"""`utilitydesk tariff quote` wall time per call (goal: under 0.5 s), beside a bare baseline
measured in the same run: starting the same Python and doing nothing (`python -c pass`).

Each call is a fresh process on a data folder holding the template's tariffs, as a script
or another system calling the command line would run it. BENCH_QUICK=1 makes 5 calls, else 20.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import QUICK, record

QUOTE = ["tariff", "quote", "--tariff", "Commercial Water Basic", "--from", "2025-04-01",
         "--to", "2025-04-30", "--units", "1200"]


def _median_seconds(command: list[str], calls: int) -> float:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    calls = 5 if QUICK else 20
    with tempfile.TemporaryDirectory() as temp:
        data, template = Path(temp) / "data", Path(temp) / "template.csv"
        app = [sys.executable, "-m", "app", "--data-dir", str(data)]
        subprocess.run([*app, "tariff", "template", "--out", str(template)], check=True, capture_output=True)
        subprocess.run([*app, "tariff", "import", str(template)], check=True, capture_output=True)
        bare = _median_seconds([sys.executable, "-c", "pass"], calls)
        quote = _median_seconds([*app, *QUOTE], calls)
    record(f"utilitydesk tariff quote, a fresh process, median of {calls}", quote * 1000, "ms",
           goal="< 500 ms", baseline=bare * 1000, baseline_name="bare python -c pass",
           met=quote < 0.5)


if __name__ == "__main__":
    main()

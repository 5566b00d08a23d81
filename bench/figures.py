"""What a benchmark reports: one figure with its goal and a bare baseline measured in the same run.

Each bench module's main() calls `record(...)` for every figure it measures; `python -m bench`
prints them as one table (figure, value, goal, baseline, ratio) and writes
bench/results/latest.json with the machine it ran on. BENCH_QUICK=1 runs each at a tenth of
the size (`scaled`) for a check in a few minutes.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

QUICK = os.environ.get("BENCH_QUICK") == "1"
RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Figure:
    bench: str
    name: str
    value: float | None  # None: not measured (the note says why)
    unit: str  # "ms", "ops/s", "MB", ...
    goal: str = ""  # in words: "< 100 ms", ">= 100,000/s"
    baseline: float | None = None
    baseline_name: str = ""  # what the bare baseline does
    met: bool | None = None  # the goal, checked by the bench that knows its direction
    note: str = ""  # "unavailable: ..." or "FAILED: ..." when value is None

    @property
    def ratio(self) -> float | None:
        """value / baseline: how many times the bare work the product's way costs (or yields)."""
        if self.value is None or self.baseline in (None, 0):
            return None
        return self.value / self.baseline


_FIGURES: list[Figure] = []
_CURRENT = {"bench": ""}


def scaled(full: int) -> int:
    return max(1, full // 10) if QUICK else full


def record(name: str, value: float, unit: str, *, goal: str = "", baseline: float | None = None,
           baseline_name: str = "", met: bool | None = None) -> Figure:
    figure = Figure(_CURRENT["bench"], name, value, unit, goal, baseline, baseline_name, met)
    _FIGURES.append(figure)
    ratio = f"  ({figure.ratio:.2f}x {baseline_name})" if figure.ratio is not None else ""
    print(f"  {name}: {_number(value)} {unit}{ratio}", flush=True)
    return figure


class Unavailable(Exception):
    """Raised by a bench whose precondition is missing (no PostgreSQL, ...): a row says so."""


def not_measured(note: str) -> Figure:
    """A row in the table for a bench that could not run or broke: the note says why."""
    figure = Figure(_CURRENT["bench"], "(not measured)", None, "", note=note)
    _FIGURES.append(figure)
    print(f"  {note}", flush=True)
    return figure


def median_of(action: Callable[[], float], runs: int) -> float:
    """The median of `runs` measurements that `action` returns (each a whole run of a bench)."""
    return statistics.median(action() for _ in range(runs))


def median_ms(action: Callable[[], object], runs: int = 5) -> float:
    """The median wall time of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def begin(bench: str) -> None:
    _CURRENT["bench"] = bench


def figures() -> list[Figure]:
    return list(_FIGURES)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(rows: list[Figure]) -> str:
    header = ("figure", "value", "goal", "baseline", "ratio")
    lines = [(f"{f.bench}: {f.name}", (f.note if f.value is None else f"{_number(f.value)} {f.unit}") + (
        "" if f.met is None else (" ✓" if f.met else " ✗")), f.goal,
        "" if f.baseline is None else f"{_number(f.baseline)} {f.unit} ({f.baseline_name})",
        "" if f.ratio is None else f"{f.ratio:.2f}x") for f in rows]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in lines]
    return "\n".join(out)


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": _memory_gb(),
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "load_average": [round(x, 2) for x in load] if load else None, "quick": QUICK}


def write_results(rows: list[Figure], path: Path | None = None, *,
                  durations: dict[str, float] | None = None) -> Path:
    path = path or RESULTS / ("latest-quick.json" if QUICK else "latest.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
        "bench_seconds": {name: round(s, 1) for name, s in (durations or {}).items()},
        "figures": [asdict(f) | {"ratio": f.ratio} for f in rows]}, indent=2) + "\n")
    return path

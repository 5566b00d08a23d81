"""python -m bench [NAME ...]: run every bench/bench_*.py (or the named ones), then print one
table of every figure with its goal, bare baseline and ratio, and write bench/results/latest.json.

A bench that cannot run (figures.Unavailable: no PostgreSQL, ...) or breaks shows as a row
saying so; the others' figures are still printed and written."""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

from bench import figures


def _run(name: str) -> bool:
    """Run one bench; False when it broke (its row says how)."""
    figures.begin(name)
    try:
        module = importlib.import_module(f"bench.bench_{name}")
        module.main()
    except figures.Unavailable as why:
        figures.not_measured(f"unavailable: {why}")
    except (Exception, SystemExit) as error:  # one broken benchmark must not hide the others
        traceback.print_exc()
        figures.not_measured(f"FAILED: {type(error).__name__}: {error}"[:120])
        return False
    return True


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    failed, durations = [], {}
    began = time.perf_counter()
    for name in names:
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        if not _run(name):
            failed.append(name)
        durations[name] = time.perf_counter() - started
        print(f"--- {name} done in {durations[name]:.1f} s", flush=True)
    rows = figures.figures()
    print("\n" + figures.table(rows))
    machine = figures.machine()
    print(f"\nMachine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB, "
          f"Python {machine['python']}, load average {machine['load_average']}"
          f"{' (BENCH_QUICK=1)' if machine['quick'] else ''}")
    print("Run time: " + ", ".join(f"{n} {s:.0f} s" for n, s in durations.items())
          + f"; all {time.perf_counter() - began:.0f} s")
    print(f"Written to {figures.write_results(rows, durations=durations)}")
    if failed:
        print(f"Benchmarks that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

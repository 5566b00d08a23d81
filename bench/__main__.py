"""python -m bench [NAME ...]: run every bench/bench_*.py (or the named ones), then print one
table of every figure with its goal, bare baseline and ratio, and write bench/results/latest.json."""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

from bench import figures


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    failed = []
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"\n=== bench {name} ===", flush=True)
        figures.begin(name)
        started = time.perf_counter()
        try:
            module.main()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
        print(f"--- {name} done in {time.perf_counter() - started:.1f} s", flush=True)
    rows = figures.figures()
    print("\n" + figures.table(rows))
    machine = figures.machine()
    print(f"\nMachine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}"
          f"{' (BENCH_QUICK=1)' if machine['quick'] else ''}")
    print(f"Written to {figures.write_results(rows)}")
    if failed:
        print(f"Benchmarks that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

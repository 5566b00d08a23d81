"""Rating throughput: a million consumptions on a slab tariff with an adder, a fixed charge and taxes.

BENCH_QUICK=1 rates 100,000 instead. Prints ratings per second for the single-version
full-period call (`rate_units`, what a monthly bill run makes) and for `rate_period`.
"""

from __future__ import annotations

import os
import random
import time
from datetime import date
from decimal import Decimal

from app.domain.tariffs.rating import rate_period, rate_units
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    RateType,
    SlabRow,
    TariffVersion,
    Unit,
    Utility,
    slabs_from_rows,
)
from bench.figures import record

FULL_COUNT = 1_000_000
QUICK_COUNT = 100_000


def bench_tariff() -> TariffVersion:
    """The spec's Commercial Water Basic slabs, plus what a real bill carries."""
    rows = [
        SlabRow(Decimal(0), Decimal(100), Decimal("0.08")),
        SlabRow(Decimal(101), Decimal(500), Decimal("0.10")),
        SlabRow(Decimal(501), Decimal(1000), Decimal("0.12")),
        SlabRow(Decimal(1001), None, Decimal("0.15")),
    ]
    return TariffVersion(
        name="Bench Slab", utility=Utility.ELECTRICITY, unit=Unit.KWH, rate_type=RateType.SLAB,
        currency="USD", valid_from=date(2025, 1, 1), slabs=slabs_from_rows(rows),
        charges=(
            Charge(ChargeKind.FIXED_PER_PERIOD, "Meter rent", amount=Decimal("5.99"), order=1),
            Charge(ChargeKind.PER_UNIT_ADDER, "Fuel adjustment", rate=Decimal("0.0125"), order=2),
            Charge(ChargeKind.PERCENTAGE, "Electricity duty", percent=Decimal("6"),
                   base=("energy", "Fuel adjustment"), order=3),
            Charge(ChargeKind.PERCENTAGE, "VAT", percent=Decimal("5"), order=4),
        ),
    )


def consumptions(count: int) -> list[Decimal]:
    """Meter-read consumption: mostly whole kWh, some with one decimal, up to 2,000."""
    rng = random.Random(20250315)
    return [Decimal(rng.randrange(0, 20_000)).scaleb(-1) if rng.random() < 0.3
            else Decimal(rng.randrange(0, 2_000)) for _ in range(count)]


def _rate_all(tariff: TariffVersion, readings: list[Decimal]) -> float:
    started = time.perf_counter()
    for units in readings:
        rate_units(tariff, units)
    return time.perf_counter() - started


def _rate_all_periods(tariff: TariffVersion, readings: list[Decimal]) -> float:
    started = time.perf_counter()
    for units in readings:
        rate_period((tariff,), date(2025, 3, 1), date(2025, 3, 31), units)
    return time.perf_counter() - started


def bare_slab_charges(readings: list[Decimal]) -> float:
    """The baseline: the same four telescopic slabs in a plain loop of Decimal arithmetic, with
    no tariff model, charges, taxes, rounding or lines: the least work any engine must do."""
    bounds = ((Decimal(100), Decimal("0.08")), (Decimal(500), Decimal("0.10")),
              (Decimal(1000), Decimal("0.12")), (None, Decimal("0.15")))
    started = time.perf_counter()
    for units in readings:
        total, below = Decimal(0), Decimal(0)
        for upper, rate in bounds:
            if units <= below:
                break
            top = units if upper is None else min(units, upper)
            total += (top - below) * rate
            below = upper if upper is not None else units
    return time.perf_counter() - started


def main() -> None:
    count = QUICK_COUNT if os.environ.get("BENCH_QUICK") == "1" else FULL_COUNT
    tariff = bench_tariff()
    readings = consumptions(count)
    rate_units(tariff, readings[0])  # prepare the tariff outside the timing
    elapsed = _rate_all(tariff, readings)
    bare = bare_slab_charges(readings)
    record("slab tariff with adder, fixed charge and taxes (rate_units)", count / elapsed,
           "ratings/s", goal=">= 100,000/s", baseline=count / bare,
           baseline_name="bare Decimal slab loop", met=count / elapsed >= 100_000)
    period_count = count // 10
    elapsed = _rate_all_periods(tariff, readings[:period_count])
    record("the same through rate_period (one version, a month)", period_count / elapsed,
           "ratings/s", baseline=count / bare, baseline_name="bare Decimal slab loop")


if __name__ == "__main__":
    main()

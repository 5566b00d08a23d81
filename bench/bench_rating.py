"""Rating throughput, beside a bare baseline measured in the same run.

- a realistic residential tariff (5 telescopic blocks, a fixed charge per kW of load scaled
  by the period factor, 6 percentage charges on different bases), rated by `rate_period`
  over meter-read periods of 27 to 34 days that cross a month end, under calendar-month
  factors (every bill's blocks and fixed charge are scaled): the goal is 100,000 ratings/s;
- the same tariff over whole calendar months (factor 1);
- the simpler slab tariff with an adder, a fixed charge and taxes (`rate_units`).

The baseline is the least any rating must do: one Decimal multiplication and one rounding
per reading, in the same kind of loop. Times are CPU time of the process (time.process_time),
i.e. what one core does, so that other work on a shared machine does not count. BENCH_QUICK=1 rates 100,000 readings instead of
1,000,000 (the periods run a tenth of that).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.tariffs.rating import rate_period, rate_units
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    PeriodFactor,
    RateType,
    Slab,
    SlabRow,
    TariffVersion,
    Unit,
    Utility,
    slabs_from_rows,
)
from bench.figures import record

FULL_COUNT = 1_000_000
QUICK_COUNT = 100_000
D = Decimal


def residential_tariff() -> TariffVersion:
    """Shaped like an Indian state's LT residential tariff."""
    blocks = ((D(100), D("3.46")), (D(300), D("7.43")), (D(500), D("10.32")),
              (D(1000), D("11.71")), (None, D("13.20")))
    return TariffVersion(
        name="LT-1 Residential", utility=Utility.ELECTRICITY, unit=Unit.KWH,
        rate_type=RateType.SLAB, currency="INR", valid_from=date(2024, 4, 1),
        slabs=tuple(Slab(upper, rate) for upper, rate in blocks),
        period_factor=PeriodFactor.CALENDAR_MONTHS,
        charges=(
            Charge(ChargeKind.PER_KW, "Fixed charge", rate=D(130), order=1),
            Charge(ChargeKind.PERCENTAGE, "Fuel adjustment", percent=D("3.2"), base=("energy",), order=2),
            Charge(ChargeKind.PERCENTAGE, "Electricity duty", percent=D(16),
                   base=("energy", "Fixed charge"), order=3),
            Charge(ChargeKind.PERCENTAGE, "Tax on sale", percent=D("0.5"), base=("energy",), order=4),
            Charge(ChargeKind.PERCENTAGE, "Green cess", percent=D(1), base=("energy",), order=5),
            Charge(ChargeKind.PERCENTAGE, "Municipal tax", percent=D(2), base=("Fixed charge",), order=6),
            Charge(ChargeKind.PERCENTAGE, "Surcharge", percent=D("1.5"),
                   base=("Electricity duty", "Fuel adjustment"), order=7),
        ),
    )


def bench_tariff() -> TariffVersion:
    """The spec's Commercial Water Basic slabs, plus what a real bill carries."""
    rows = [
        SlabRow(D(0), D(100), D("0.08")),
        SlabRow(D(101), D(500), D("0.10")),
        SlabRow(D(501), D(1000), D("0.12")),
        SlabRow(D(1001), None, D("0.15")),
    ]
    return TariffVersion(
        name="Bench Slab", utility=Utility.ELECTRICITY, unit=Unit.KWH, rate_type=RateType.SLAB,
        currency="USD", valid_from=date(2025, 1, 1), slabs=slabs_from_rows(rows),
        charges=(
            Charge(ChargeKind.FIXED_PER_PERIOD, "Meter rent", amount=D("5.99"), order=1),
            Charge(ChargeKind.PER_UNIT_ADDER, "Fuel adjustment", rate=D("0.0125"), order=2),
            Charge(ChargeKind.PERCENTAGE, "Electricity duty", percent=D("6"),
                   base=("energy", "Fuel adjustment"), order=3),
            Charge(ChargeKind.PERCENTAGE, "VAT", percent=D("5"), order=4),
        ),
    )


def consumptions(count: int) -> list[Decimal]:
    """Meter-read consumption: mostly whole kWh, some with one decimal, up to 2,000."""
    rng = random.Random(20250315)
    return [D(rng.randrange(0, 20_000)).scaleb(-1) if rng.random() < 0.3
            else D(rng.randrange(0, 2_000)) for _ in range(count)]


def read_periods(count: int) -> list[tuple[date, date]]:
    """Meter-read periods of 27 to 34 days starting on any day of 2025 (most cross a month end)."""
    rng = random.Random(20251206)
    periods = []
    for _ in range(count):
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 330))
        periods.append((start, start + timedelta(days=rng.randrange(26, 34))))
    return periods


def loads(count: int) -> list[Decimal]:
    rng = random.Random(7)
    return [D(rng.choice((1, 2, 3, 5, 7))) + D(rng.randrange(0, 10)).scaleb(-1) for _ in range(count)]


def _timed(loop: Callable[[], None]) -> float:
    """CPU seconds of this process: one core's work, whatever else the machine is running."""
    started = time.process_time()
    loop()
    return time.process_time() - started


def _baseline(readings: list[Decimal]) -> float:
    rate, cent = D("7.43"), D("0.01")

    def loop() -> None:
        for units in readings:
            (units * rate).quantize(cent, ROUND_HALF_UP)
    return _timed(loop)


def _report(label: str, count: int, elapsed: float, baseline: float) -> None:
    rate = count / elapsed
    record(label, rate, "ratings/s (CPU)", goal=">= 100,000/s", baseline=count / baseline,
           baseline_name="bare Decimal loop", met=rate >= 100_000)


def main() -> None:
    count = QUICK_COUNT if os.environ.get("BENCH_QUICK") == "1" else FULL_COUNT
    readings = consumptions(count)
    residential, simple = residential_tariff(), bench_tariff()
    period_count = count // 10
    periods, kws = read_periods(period_count), loads(period_count)
    rate_units(simple, readings[0])  # prepare both tariffs outside the timing
    rate_units(residential, readings[0], load_kw=kws[0])
    baseline = _baseline(readings)
    print(f"rating: bare baseline (one Decimal line per reading): {count / baseline:,.0f}/s")

    def scaled() -> None:
        for units, (start, end), load in zip(readings, periods, kws, strict=False):
            rate_period((residential,), start, end, units, None, load)
    _report("residential, periods scaled by calendar months (rate_period)", period_count,
            _timed(scaled), baseline * period_count / count)

    months = [(date(2025, m, 1), date(2025, m + 1, 1) - timedelta(days=1)) for m in range(1, 12)]

    def whole_months() -> None:
        for index, (units, load) in enumerate(zip(readings, kws, strict=False)):
            start, end = months[index % 11]
            rate_period((residential,), start, end, units, None, load)
    _report("residential, whole months (rate_period)", period_count, _timed(whole_months),
            baseline * period_count / count)

    def simple_units() -> None:
        for units in readings:
            rate_units(simple, units)
    _report("simple slab tariff (rate_units)", count, _timed(simple_units), baseline)


if __name__ == "__main__":
    main()

"""Built-in tariff templates: the spec's sample tariffs, one per rate type, to start from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    RateType,
    Season,
    SlabRow,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
    slabs_from_rows,
)

D = Decimal


def sample_tariffs(currency: str = "USD") -> list[TariffVersion]:
    start = date(2025, 3, 15)
    slabs = [SlabRow(D(0), D(100), D("0.0800")), SlabRow(D(101), D(500), D("0.1000")),
             SlabRow(D(501), D(1000), D("0.1200")), SlabRow(D(1001), None, D("0.1500"))]
    return [
        TariffVersion("Standard Residential Electricity", Utility.ELECTRICITY, Unit.KWH,
                      RateType.FLAT, currency, start, unit_rate=D("0.1200")),
        TariffVersion("Commercial Water Basic", Utility.WATER, Unit.KL, RateType.SLAB, currency,
                      start, date(2025, 5, 15), slabs=slabs_from_rows(slabs)),
        TariffVersion("Winter Discount", Utility.ELECTRICITY, Unit.KWH, RateType.SEASONAL, currency,
                      date(2024, 11, 1), date(2025, 3, 31),
                      seasons=(Season("Winter", (11, 1), (3, 31), rate=D("0.0900")),
                               Season("Regular", (4, 1), (10, 31), rate=D("0.1200")))),
        TariffVersion("Peak Hour Rate", Utility.ELECTRICITY, Unit.KWH, RateType.TIME_OF_USE,
                      currency, date(2025, 3, 14),
                      tou_periods=(TouPeriod("Off-Peak", ((22, 6),), D("0.0800")),
                                   TouPeriod("Standard", ((6, 16), (20, 22)), D("0.1200")),
                                   TouPeriod("Peak", ((16, 20),), D("0.1800")))),
        TariffVersion("Industrial Gas", Utility.GAS, Unit.M3, RateType.FIXED, currency, start,
                      charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Monthly Service Fee",
                                      amount=D("250.00")),)),
    ]


def template_for(rate_type: RateType, currency: str) -> TariffVersion:
    return next(v for v in sample_tariffs(currency) if v.rate_type is rate_type)

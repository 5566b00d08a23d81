"""Units of measure: what each measures, exact conversions between them, a price basis in words.

Volumes and energies convert by their legal definitions (a US gallon is 3.785411784 L, a
ccf is 100 cubic feet of 0.3048 m each, a US therm is 105,480,400 J), kept as fractions so
nothing is lost. Between a volume and an energy (gas metered in m3, priced per kWh) there is
no fixed factor: the tariff states it (calorific value x volume correction / 3.6).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from app.domain.tariffs.model import Unit

VOLUME, ENERGY, COUNT, MASS = "volume", "energy", "count", "mass"

# Each unit in its dimension's base: litres for volume, kWh for energy.
_IN_BASE: dict[Unit, tuple[str, Fraction]] = {
    Unit.KL: (VOLUME, Fraction(1000)),
    Unit.M3: (VOLUME, Fraction(1000)),
    Unit.GALLON: (VOLUME, Fraction("3.785411784")),
    Unit.CCF: (VOLUME, Fraction("2831.6846592")),  # 100 x 0.3048^3 m3
    Unit.KWH: (ENERGY, Fraction(1)),
    Unit.THERM: (ENERGY, Fraction(105_480_400, 3_600_000)),
    Unit.BIN: (COUNT, Fraction(1)),
    Unit.KG: (MASS, Fraction(1)),
}


def dimension(unit: Unit) -> str:
    return _IN_BASE[unit][0]


def exact_factor(meter_unit: Unit, price_unit: Unit) -> Fraction | None:
    """Price units per meter unit when both measure the same thing; None when they do not."""
    meter_dimension, meter_size = _IN_BASE[meter_unit]
    price_dimension, price_size = _IN_BASE[price_unit]
    if meter_dimension != price_dimension:
        return None
    return meter_size / price_size


def is_terminating(value: Fraction) -> bool:
    """Whether a fraction is a finite decimal (its denominator has no factor but 2 and 5)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def as_decimal(value: Fraction) -> Decimal:
    """A fraction as a Decimal: exact when it terminates, else to 28 significant digits."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def basis_label(price_per: Decimal, unit: str) -> str:
    """'per kWh', 'per 1,000 gal': how a rate's basis reads beside it."""
    if price_per == 1:
        return f"per {unit}"
    return f"per {price_per:,f} {unit}"

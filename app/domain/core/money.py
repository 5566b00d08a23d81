"""Money and the one rounding rule used everywhere.

Rounding rule (the only one in the product): a charge is computed exactly in
Decimal, then each bill line is rounded half-up to the currency's minor unit;
a total is the sum of already-rounded lines, so a bill always equals the sum
of what it prints. Unit rates carry up to 6 decimal places (real time-of-use and
per-gallon rates have 5 or 6) and are stored as integers of 1/1,000,000.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Minor digits by ISO 4217 code; the utility's currency is a setting.
MINOR_DIGITS: dict[str, int] = {
    "INR": 2, "USD": 2, "EUR": 2, "GBP": 2, "AUD": 2, "CAD": 2, "ZAR": 2,
    "KES": 2, "NGN": 2, "LKR": 2, "BDT": 2, "PKR": 2, "NPR": 2, "AED": 2,
    "JPY": 0, "KWD": 3, "BHD": 3, "OMR": 3,
}
RATE_SCALE = 6
RATE_QUANTUM = Decimal(1).scaleb(-RATE_SCALE)


class MoneyError(ValueError):
    """A money value that cannot exist: a float, a bad string, mixed currencies."""


def minor_digits(currency: str) -> int:
    try:
        return MINOR_DIGITS[currency]
    except KeyError:
        raise MoneyError(f"Unknown currency {currency!r}") from None


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_digits(currency))


def to_decimal(value: object) -> Decimal:
    """Decimal from int, Decimal or a numeric string. Floats are refused."""
    if isinstance(value, (bool, float)):
        raise MoneyError("Money is never a float: pass a Decimal, an int or a string")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not a number") from None
    else:
        raise MoneyError(f"Cannot make a number of {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite number")
    return result


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency. Arithmetic refuses to mix currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        minor_digits(self.currency)

    # construction -----------------------------------------------------
    @classmethod
    def of(cls, value: object, currency: str) -> Money:
        return cls(to_decimal(value), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor_units: int, currency: str) -> Money:
        if not isinstance(minor_units, int) or isinstance(minor_units, bool):
            raise MoneyError("Minor units are a whole number")
        return cls(Decimal(minor_units).scaleb(-minor_digits(currency)), currency)

    # conversion ---------------------------------------------------------
    def rounded(self) -> Money:
        """Half-up to the minor unit: the rule for every bill line."""
        return Money(round_half_up(self.amount, minor_digits(self.currency)), self.currency)

    def to_minor(self) -> int:
        """Integer minor units; the amount must already be exact to the minor unit."""
        scaled = self.amount.scaleb(minor_digits(self.currency))
        if scaled != scaled.to_integral_value():
            raise MoneyError(f"{self.amount} has more than {minor_digits(self.currency)} decimals")
        return int(scaled)

    @property
    def is_exact(self) -> bool:
        return self.rounded().amount == self.amount

    # arithmetic ---------------------------------------------------------
    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise MoneyError(f"Cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"Cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, Money):
            raise MoneyError("Cannot multiply money by money")
        return Money(self.amount * to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def _cmp(self, other: Money) -> tuple[Decimal, Decimal]:
        self._same(other)
        return self.amount, other.amount

    def __lt__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a < b

    def __le__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a <= b

    def __gt__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a > b

    def __ge__(self, other: Money) -> bool:
        a, b = self._cmp(other)
        return a >= b

    def __bool__(self) -> bool:
        return self.amount != 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.rounded().amount:.{minor_digits(self.currency)}f} {self.currency}"


def total(lines: Iterable[Money], currency: str) -> Money:
    """Sum of already-rounded lines (the bill total rule)."""
    result = Money.zero(currency)
    for line in lines:
        result = result + line
    return result


def line_amount(quantity: Decimal, rate: Decimal, currency: str) -> Money:
    """quantity x rate computed exactly, then rounded half-up: one bill line."""
    return Money(to_decimal(quantity) * to_decimal(rate), currency).rounded()


def rate_to_e6(rate: object) -> int:
    """A unit rate as an integer of 1/1,000,000 (refuses more than 6 decimal places)."""
    value = to_decimal(rate)
    scaled = value.scaleb(RATE_SCALE)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"A rate has at most {RATE_SCALE} decimal places: {value}")
    return int(scaled)


_SHOWN_RATE_PLACES = 4


def rate_from_e6(units_e6: int) -> Decimal:
    """The stored rate, written with 4 decimals unless it needs more (0.1200, 0.123456)."""
    rate = Decimal(units_e6).scaleb(-RATE_SCALE)
    places = -rate.normalize().as_tuple().exponent  # type: ignore[operator]
    return rate.quantize(Decimal(1).scaleb(-max(_SHOWN_RATE_PLACES, min(places, RATE_SCALE))))


def rate_from_e4(units_e4: int) -> Decimal:
    """A rate stored before rates had 6 places (integers of 1/10,000)."""
    return Decimal(units_e4).scaleb(-4)


def parse_amount(text: str, currency: str) -> Money:
    """A typed amount: at most the currency's minor digits (e.g. two for dollars)."""
    value = to_decimal(text)
    money = Money(value, currency)
    if not money.is_exact:
        raise MoneyError(f"At most {minor_digits(currency)} decimal places")
    return money

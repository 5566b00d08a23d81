"""Cash at the counter: denominations, change from what the drawer holds, session totals."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from math import gcd
from typing import Literal, NamedTuple

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, MoneyError, to_decimal

DenominationKind = Literal["note", "coin"]
MovementKind = Literal["float", "cash_payment", "refund", "cash_in", "cash_out", "void"]
DrawerContents = Mapping[Decimal, int]
"""Denomination value -> pieces in the drawer. A note and a coin of the same value share a count."""


@dataclass(frozen=True, slots=True)
class Denomination:
    value: Decimal
    kind: DenominationKind


def _set(notes: Iterable[str], coins: Iterable[str]) -> tuple[Denomination, ...]:
    return tuple(Denomination(Decimal(v), "note") for v in notes) + tuple(
        Denomination(Decimal(v), "coin") for v in coins
    )


# Defaults only: the utility's settings may declare another set.
DEFAULT_DENOMINATIONS: dict[str, tuple[Denomination, ...]] = {
    "INR": _set(["500", "200", "100", "50", "20", "10"], ["20", "10", "5", "2", "1"]),
    "USD": _set(["100", "50", "20", "10", "5", "1"], ["0.25", "0.10", "0.05", "0.01"]),
}

_SYMBOLS = {"USD": "$", "INR": "₹", "EUR": "€", "GBP": "£"}


def denominations_for(currency: str) -> tuple[Denomination, ...]:
    try:
        return DEFAULT_DENOMINATIONS[currency]
    except KeyError:
        raise ValidationError("Currency", f"no default denominations for {currency}") from None


# --- change -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """What to hand back. When exact change is impossible, `given` is the closest amount below."""

    requested: Money
    given: Money
    pieces: tuple[tuple[Decimal, int], ...] = ()  # (denomination value, count), largest first
    exact_possible: bool = True
    message: str = ""

    @property
    def piece_count(self) -> int:
        return sum(count for _, count in self.pieces)

    @property
    def shortfall(self) -> Money:
        return self.requested - self.given

    def counts(self) -> dict[Decimal, int]:
        return dict(self.pieces)


def change_due(amount_due: Money, tendered: Money) -> Money:
    if tendered < amount_due:
        raise ValidationError("Amount tendered", "must be at least the amount due")
    return tendered - amount_due


def make_change(amount_due_back: Money, drawer: DrawerContents) -> ChangeResult:
    """Fewest pieces that add up exactly, using only what the drawer holds (bounded, not greedy)."""
    currency = amount_due_back.currency
    amount = _minor("Change", amount_due_back)
    if amount < 0:
        raise ValidationError("Change", "cannot be negative")
    stock = _stock(drawer, currency)
    if amount == 0:
        return ChangeResult(amount_due_back, Money.zero(currency))
    by_minor = _solve(amount, sorted((v, c) for v, c in stock.items()))
    given = sum(value * count for value, count in by_minor.items())
    keys = {Money.of(k, currency).to_minor(): k for k in drawer}
    pieces = tuple((keys[v], by_minor[v]) for v in sorted(by_minor, reverse=True))
    result = ChangeResult(amount_due_back, Money.from_minor(given, currency), pieces)
    if given == amount:
        return result
    message = _why_inexact(amount, stock, currency)
    return ChangeResult(result.requested, result.given, pieces, False, message)


def _minor(field_name: str, money: Money) -> int:
    try:
        return money.to_minor()
    except MoneyError as exc:
        raise ValidationError(field_name, str(exc)) from None


def _stock(drawer: DrawerContents, currency: str) -> dict[int, int]:
    """The drawer in minor units, empty slots dropped."""
    stock: dict[int, int] = {}
    for value, count in drawer.items():
        minor = _minor("Drawer", Money.of(to_decimal(value), currency))
        if minor <= 0:
            raise ValidationError("Drawer", f"denomination {value} must be positive")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValidationError("Drawer", f"count of {value} must be a whole number, not negative")
        if count:
            stock[minor] = stock.get(minor, 0) + count
    return stock


def _why_inexact(amount: int, stock: dict[int, int], currency: str) -> str:
    lead = f"Exact change of {_show(amount, currency, True)} cannot be made from the drawer"
    total = sum(v * c for v, c in stock.items())
    if total < amount:
        return f"{lead}: the drawer holds only {_show(total, currency, True)}"
    if amount % gcd(*stock) != 0:  # stock is not empty: it holds at least the amount
        return f"{lead}: no coins below {_show(min(stock), currency, False)}"
    return f"{lead}: not the right mix of notes and coins"


def _show(minor: int, currency: str, as_amount: bool) -> str:
    money = Money.from_minor(minor, currency)
    text = f"{money.amount:.2f}" if as_amount or money.amount % 1 else f"{money.amount:.0f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


# The DP runs over amounts in units of the gcd of a tier's denominations. Notes and coins
# differ by two orders of magnitude, so the drawer is split into a small tier (coins, DP up
# to what they can add up to) and a large tier (notes, DP in units of their gcd): ~100x
# fewer cells than one table over every minor unit of the amount.

_UNREACHABLE = 1 << 62


@dataclass(frozen=True, slots=True)
class _Tier:
    unit: int
    values: tuple[int, ...]  # in units
    fewest: list[int] = field(repr=False)  # fewest pieces per amount (units), or _UNREACHABLE
    used: tuple[list[int], ...] = field(repr=False)  # per value: pieces of it at each amount

    def pieces(self, units: int) -> dict[int, int]:
        counts: dict[int, int] = {}
        for value, used in zip(reversed(self.values), reversed(self.used), strict=True):
            if used[units]:
                counts[value * self.unit] = used[units]
                units -= value * used[units]
        return counts


def _solve(amount: int, stock: list[tuple[int, int]]) -> dict[int, int]:
    """Pieces for `amount`, or for the largest amount below it that the drawer can make."""
    split = min(range(len(stock) + 1), key=lambda k: _cost(stock[:k], amount) + _cost(stock[k:], amount))
    small, large = _tier(stock[:split], amount), _tier(stock[split:], amount)
    small_units, large_units = _best_pair(small, large, amount)
    return small.pieces(small_units) | large.pieces(large_units)


def _cost(stock: list[tuple[int, int]], amount: int) -> int:
    if not stock:
        return 0
    total = sum(v * c for v, c in stock)
    return len(stock) * (min(amount, total) // gcd(*(v for v, _ in stock)) + 1)


def _tier(stock: list[tuple[int, int]], amount: int) -> _Tier:
    unit = gcd(*(v for v, _ in stock)) if stock else 1
    size = min(amount, sum(v * c for v, c in stock)) // unit + 1
    fewest = [0] + [_UNREACHABLE] * (size - 1)
    used: list[list[int]] = []
    for value, count in stock:
        fewest, taken = _add_denomination(fewest, value // unit, count)
        used.append(taken)
    return _Tier(unit, tuple(v // unit for v, _ in stock), fewest, tuple(used))


def _add_denomination(fewest: list[int], value: int, count: int) -> tuple[list[int], list[int]]:
    """Bounded step: best[a] = min over t <= count of fewest[a - t*value] + t (sliding minimum)."""
    size = len(fewest)
    best, taken = [_UNREACHABLE] * size, [0] * size
    for start in range(min(value, size)):
        window: deque[tuple[int, int]] = deque()  # (step, fewest - step), keys increasing
        for step, amount in enumerate(range(start, size, value)):
            if fewest[amount] < _UNREACHABLE:
                key = fewest[amount] - step
                while window and window[-1][1] >= key:
                    window.pop()
                window.append((step, key))
            while window and window[0][0] < step - count:
                window.popleft()
            if window:
                best[amount] = window[0][1] + step
                taken[amount] = step - window[0][0]
    return best, taken


def _best_pair(small: _Tier, large: _Tier, amount: int) -> tuple[int, int]:
    """Split the amount between tiers: largest total first, then fewest pieces."""
    highest = _highest_reachable(large.fewest)
    best_key, best = (-1, 0), (0, 0)
    for units, pieces in enumerate(small.fewest):
        cash = units * small.unit
        if cash > amount:
            break
        if pieces == _UNREACHABLE:
            continue
        rest = highest[min((amount - cash) // large.unit, len(highest) - 1)]
        key = (cash + rest * large.unit, -(pieces + large.fewest[rest]))
        if key > best_key:
            best_key, best = key, (units, rest)
    return best


def _highest_reachable(fewest: list[int]) -> list[int]:
    highest, last = [], 0
    for units, pieces in enumerate(fewest):
        last = units if pieces < _UNREACHABLE else last
        highest.append(last)
    return highest


# --- cash sessions --------------------------------------------------------------

_INFLOWS = frozenset({"float", "cash_payment", "cash_in"})
_OUTFLOWS = frozenset({"refund", "cash_out", "void"})


@dataclass(frozen=True, slots=True)
class SessionMovement:
    """Cash in or out of the drawer. `amount` is positive; the kind gives the direction.

    `denominations`, when known, is the net change to the drawer per value (a cash payment
    adds the notes received and removes the change handed back), so it sums to the signed amount.
    """

    kind: MovementKind
    amount: Money
    denominations: Mapping[Decimal, int] | None = None

    def __post_init__(self) -> None:
        if self.kind not in _INFLOWS | _OUTFLOWS:
            raise ValidationError("Movement", f"unknown kind {self.kind!r}")
        if self.amount.is_negative:
            raise ValidationError("Amount", "must not be negative; the kind gives the direction")
        if self.denominations is not None:
            pieces = sum((Decimal(v) * n for v, n in self.denominations.items()), Decimal(0))
            if pieces != self.signed.amount:
                raise ValidationError("Denominations", f"add up to {pieces}, not {self.signed.amount}")

    @property
    def signed(self) -> Money:
        return self.amount if self.kind in _INFLOWS else -self.amount


@dataclass(frozen=True, slots=True)
class ExpectedDrawer:
    """What the drawer should hold. `counts` is None when a movement did not record its pieces."""

    total: Money
    counts: Mapping[Decimal, int] | None


def counted_total(counts: DrawerContents, currency: str) -> Money:
    return sum((Money.of(v, currency) * n for v, n in counts.items()), Money.zero(currency))


def expected_drawer(
    opening_float_counts: DrawerContents, movements: Iterable[SessionMovement], currency: str
) -> ExpectedDrawer:
    total = counted_total(opening_float_counts, currency)
    counts: dict[Decimal, int] | None = dict(opening_float_counts)
    for movement in movements:
        total = total + movement.signed
        if counts is not None and movement.denominations is not None:
            for value, delta in movement.denominations.items():
                counts[value] = counts.get(value, 0) + delta
        else:
            counts = None
    return ExpectedDrawer(total, counts)


def variance(expected: Money, counted: Money) -> Money:
    """Over is positive, short is negative."""
    return counted - expected


class CloseRequirements(NamedTuple):
    needs_reason: bool
    needs_supervisor: bool


def close_requirements(
    variance_amount: Money, reason_threshold: Money, supervisor_threshold: Money
) -> CloseRequirements:
    """A variance beyond a threshold (either way) needs a written reason, or a supervisor."""
    size = abs(variance_amount)
    return CloseRequirements(size > reason_threshold, size > supervisor_threshold)

"""Which notes and coins a cash payment moves in and out of the drawer, so the drawer's expected
contents stay known all shift: the notes received (the cashier's count, else the fewest pieces
making the amount received) and the change handed back (the cashier's pieces, else the advice
made from what the drawer holds, received notes included)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from app.domain.cash.drawer import Denomination, ExpectedDrawer, counted_total, make_change
from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.services.cash.reports import clean_counts

UNLIMITED = 10**6


def fewest_pieces(amount: Money, denominations: tuple[Denomination, ...]) -> dict[Decimal, int] | None:
    """The smallest set of notes and coins making `amount` (None when none makes it exactly)."""
    made = make_change(amount, {d.value: UNLIMITED for d in denominations})
    return made.counts() if made.exact_possible else None


def payment_pieces(drawer: ExpectedDrawer, denominations: tuple[Denomination, ...], tendered: Money,
                   change: Money, received: Mapping[object, int] | None,
                   handed_back: Mapping[object, int] | None) -> dict[Decimal, int] | None:
    """The net change to the drawer per value (received minus handed back), or None when it
    cannot be known (exact change impossible from the drawer, or an amount no pieces make)."""
    currency = tendered.currency
    came_in = clean_counts("Notes received", received, denominations, currency) \
        if received is not None else fewest_pieces(tendered, denominations)
    if came_in is None:
        return None
    if counted_total(came_in, currency) != tendered:
        raise ValidationError("Notes received", f"add up to {counted_total(came_in, currency).rounded().amount}, "
                                                f"not the amount received {tendered.amount}")
    holding = _plus(drawer.counts, came_in) if drawer.counts is not None else None
    went_out = _handed_back(holding, denominations, change, handed_back)
    if went_out is None:
        return None
    return {v: n for v in sorted(set(came_in) | set(went_out))
            if (n := came_in.get(v, 0) - went_out.get(v, 0))}


def _handed_back(holding: dict[Decimal, int] | None, denominations: tuple[Denomination, ...],
                 change: Money, given: Mapping[object, int] | None) -> dict[Decimal, int] | None:
    currency = change.currency
    if given is None:
        if holding is None:
            return None
        advice = make_change(change, {v: n for v, n in holding.items() if n > 0})
        return advice.counts() if advice.exact_possible else None
    pieces = clean_counts("Change given", given, denominations, currency)
    if counted_total(pieces, currency) != change:
        raise ValidationError("Change given", f"adds up to {counted_total(pieces, currency).rounded().amount}, "
                                              f"not the change due {change.amount}")
    short = [v for v, n in pieces.items() if holding is not None and holding.get(v, 0) < n]
    if short:
        raise ValidationError("Change given", "the drawer does not hold enough of "
                                              + ", ".join(str(v) for v in short))
    return pieces


def _plus(counts: Mapping[Decimal, int], more: Mapping[Decimal, int]) -> dict[Decimal, int]:
    total = dict(counts)
    for value, n in more.items():
        total[value] = total.get(value, 0) + n
    return total

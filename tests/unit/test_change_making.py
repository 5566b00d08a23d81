"""Change from what the drawer holds, and cash-session arithmetic."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.cash.drawer import (
    DEFAULT_DENOMINATIONS,
    SessionMovement,
    change_due,
    close_requirements,
    counted_total,
    denominations_for,
    expected_drawer,
    make_change,
    variance,
)
from app.domain.core.errors import ValidationError
from app.domain.core.money import Money

D = Decimal


def usd(value: str) -> Money:
    return Money.of(value, "USD")


def full_drawer(currency: str, count: int) -> dict[Decimal, int]:
    return {d.value: count for d in denominations_for(currency)}


# --- the samples --------------------------------------------------------------------


def test_architecture_sample_150_tendered_for_145_50_gives_4_50() -> None:
    change = change_due(usd("145.50"), usd("150.00"))
    result = make_change(change, full_drawer("USD", 10))
    assert change == usd("4.50")
    assert result.exact_possible and result.given == usd("4.50")
    assert result.counts() == {D("1"): 4, D("0.25"): 2}


def test_limited_counts_defeat_greedy_but_not_make_change() -> None:
    # Greedy takes the 50 first and is left with 10 it cannot make.
    result = make_change(usd("60"), {D("20"): 3, D("50"): 1})
    assert result.exact_possible
    assert result.counts() == {D("20"): 3}


def test_fewest_pieces_when_several_ways_exist() -> None:
    result = make_change(usd("30"), {D("20"): 1, D("10"): 3, D("5"): 6})
    assert result.counts() == {D("20"): 1, D("10"): 1}


def test_no_small_coins_says_so_and_offers_the_closest_below() -> None:
    result = make_change(usd("4.50"), {D("1"): 10, D("5"): 2})
    assert not result.exact_possible
    assert result.message == "Exact change of $4.50 cannot be made from the drawer: no coins below $1"
    assert result.given == usd("4.00") and result.shortfall == usd("0.50")


def test_drawer_too_small_says_what_it_holds() -> None:
    result = make_change(usd("50"), {D("10"): 2})
    assert not result.exact_possible
    assert "the drawer holds only $20.00" in result.message
    assert result.counts() == {D("10"): 2}


def test_rupee_change_uses_notes_and_coins() -> None:
    result = make_change(Money.of("373", "INR"), full_drawer("INR", 5))
    assert result.exact_possible
    assert result.counts() == {D("200"): 1, D("100"): 1, D("50"): 1, D("20"): 1, D("2"): 1, D("1"): 1}


def test_zero_change_hands_back_nothing() -> None:
    result = make_change(usd("0"), {})
    assert result.exact_possible and result.pieces == () and result.given == usd("0")


def test_negative_change_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        make_change(usd("-1"), full_drawer("USD", 5))
    assert error.value.field == "Change"


def test_short_tender_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        change_due(usd("145.50"), usd("100"))
    assert error.value.field == "Amount tendered"
    assert error.value.rule == "must be at least the amount due"


def test_bad_drawer_counts_are_refused() -> None:
    with pytest.raises(ValidationError):
        make_change(usd("1"), {D("1"): -2})
    with pytest.raises(ValidationError):
        make_change(usd("1"), {D("0.001"): 5})


def test_large_amount_from_a_large_drawer() -> None:
    result = make_change(Money.from_minor(99_999, "USD"), full_drawer("USD", 500))
    assert result.exact_possible
    # With plenty of everything the dollar set is canonical: the greedy answer is the fewest.
    assert result.counts() == {
        D("100"): 9, D("50"): 1, D("20"): 2, D("5"): 1, D("1"): 4,
        D("0.25"): 3, D("0.10"): 2, D("0.01"): 4,
    }


def test_default_sets_cover_both_currencies() -> None:
    assert {d.kind for d in DEFAULT_DENOMINATIONS["INR"]} == {"note", "coin"}
    assert min(d.value for d in DEFAULT_DENOMINATIONS["USD"]) == D("0.01")


# --- properties against a brute force -------------------------------------------------


def brute_force(amount_minor: int, drawer: dict[int, int]) -> tuple[int, int]:
    """(largest amount <= asked that can be made, fewest pieces for it), by trying everything."""
    values = sorted(drawer)
    best = (0, 0)
    for counts in product(*(range(drawer[v] + 1) for v in values)):
        made = sum(v * n for v, n in zip(values, counts, strict=True))
        if made <= amount_minor and (made, -sum(counts)) > (best[0], -best[1]):
            best = (made, sum(counts))
    return best


small_drawers = st.dictionaries(
    st.sampled_from([1, 2, 5, 10, 25, 50, 100, 200, 500, 2000]),
    st.integers(min_value=0, max_value=3),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(drawer=small_drawers, amount=st.integers(min_value=0, max_value=3000))
def test_matches_brute_force(drawer: dict[int, int], amount: int) -> None:
    result = make_change(Money.from_minor(amount, "USD"), {D(v) / 100: n for v, n in drawer.items()})
    made, pieces = brute_force(amount, drawer)
    assert result.given.to_minor() == made
    assert result.exact_possible == (made == amount)
    assert result.piece_count == pieces


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=10, max_size=10),
    amount=st.integers(min_value=0, max_value=60_000),
)
def test_pieces_come_from_the_drawer_and_never_exceed_the_change(counts: list[int], amount: int) -> None:
    drawer = {d.value: n for d, n in zip(denominations_for("USD"), counts, strict=True)}
    result = make_change(Money.from_minor(amount, "USD"), drawer)
    handed = sum((v * n for v, n in result.pieces), D(0))
    assert handed == result.given.amount
    assert D(0) <= handed <= result.requested.amount
    assert all(0 < n <= drawer[v] for v, n in result.pieces)
    assert result.exact_possible == (handed == result.requested.amount)


# --- cash sessions --------------------------------------------------------------------


def test_expected_drawer_follows_movements_and_pieces() -> None:
    opening = {D("20"): 5, D("1"): 10, D("0.25"): 8}  # $112.00
    payment = SessionMovement(
        "cash_payment", usd("145.50"), {D("100"): 1, D("50"): 1, D("1"): -4, D("0.25"): -2}
    )
    refund = SessionMovement("refund", usd("20"), {D("20"): -1})
    expected = expected_drawer(opening, [payment, refund], "USD")
    assert expected.total == usd("237.50")
    assert expected.counts == {D("20"): 4, D("1"): 6, D("0.25"): 6, D("100"): 1, D("50"): 1}
    assert counted_total(expected.counts, "USD") == expected.total


def test_expected_counts_unknown_once_a_movement_lacks_pieces() -> None:
    movements = [SessionMovement("cash_in", usd("50")), SessionMovement("cash_out", usd("10"))]
    expected = expected_drawer({D("10"): 2}, movements, "USD")
    assert expected.total == usd("60") and expected.counts is None


def test_void_and_cash_out_take_money_out() -> None:
    movements = [
        SessionMovement("float", usd("100")),
        SessionMovement("void", usd("30")),
        SessionMovement("cash_out", usd("20")),
    ]
    assert expected_drawer({}, movements, "USD").total == usd("50")


def test_movement_pieces_must_add_up() -> None:
    with pytest.raises(ValidationError):
        SessionMovement("cash_in", usd("50"), {D("20"): 2})
    with pytest.raises(ValidationError):
        SessionMovement("cash_in", usd("-5"))


def test_variance_over_is_positive_short_is_negative() -> None:
    assert variance(usd("100"), usd("102.50")) == usd("2.50")
    assert variance(usd("100"), usd("95")) == usd("-5")


@pytest.mark.parametrize(
    ("amount", "needs"),
    [("0", (False, False)), ("1.00", (False, False)), ("-1.01", (True, False)),
     ("25", (True, False)), ("25.01", (True, True)), ("-40", (True, True))],
)
def test_close_requirements(amount: str, needs: tuple[bool, bool]) -> None:
    assert close_requirements(usd(amount), usd("1"), usd("25")) == needs

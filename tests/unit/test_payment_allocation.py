"""One payment settling several open items: oldest due first, never more than an item's due,
the allocations summing to what is applied; the cashier's amounts checked item by item."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.payments.allocation import OpenItem, allocate, item_caps
from app.domain.payments.rules import PaymentLimits, PaymentRequest, validate_request

TODAY = date(2025, 4, 20)


def usd(text: str) -> Money:
    return Money(Decimal(text), "USD")


def item(key: str, due: date | None, amount: str) -> OpenItem:
    return OpenItem(key, f"INV-{key}", due, usd(amount))


MARCH, APRIL = item("mar", date(2025, 4, 15), "145.50"), item("apr", date(2025, 5, 15), "152.25")


def test_oldest_due_is_paid_first_whatever_order_the_items_come_in():
    [first, second] = allocate(usd("200.00"), [APRIL, MARCH])
    assert (first.key, first.amount, second.key, second.amount) == \
        ("mar", usd("145.50"), "apr", usd("54.50"))


def test_an_item_left_with_nothing_gets_no_allocation():
    assert [a.key for a in allocate(usd("100.00"), [MARCH, APRIL])] == ["mar"]


def test_a_typed_amount_caps_its_item_and_the_rest_goes_to_the_next():
    caps = item_caps([MARCH, APRIL], {"mar": "45.50"}, "Bill")
    assert [(a.key, a.amount) for a in allocate(usd("200.00"), [MARCH, APRIL], caps)] == \
        [("mar", usd("45.50")), ("apr", usd("152.25"))]


@pytest.mark.parametrize(("typed", "rule"), [
    ("200.00", "INV-apr: the amount 200.00 is more than its open amount 152.25"),
    ("0", "INV-apr: the amount must be more than 0 (untick the item not to pay it)"),
    ("1.234", "INV-apr: the amount must have at most 2 decimal places"),
    ("ten", "INV-apr: the amount must be a number"),
])
def test_a_wrong_item_amount_names_the_item_and_the_rule(typed, rule):
    with pytest.raises(ValidationError) as caught:
        item_caps([MARCH, APRIL], {"apr": typed}, "Bill")
    assert (caught.value.field, caught.value.rule) == ("Bill", rule)


def limits(items: tuple[OpenItem, ...]) -> PaymentLimits:
    return PaymentLimits(currency="USD", today=TODAY, channels=("Walk-in",),
                         default_channel="Walk-in", methods=("Cash", "UPI"), notes_max_length=500,
                         outstanding=usd("297.75"), threshold=usd("500.00"),
                         open_amount=usd("0"), items=items)


def request(amount: str, **changes) -> PaymentRequest:
    values = {"item_ids": ("mar", "apr"), **changes}
    return PaymentRequest(consumer_id="c", payment_type="Bill", method="Cash", amount=amount,
                          paid_on=TODAY, item_id=None, **values)


def test_the_rules_spread_the_payment_and_keep_the_rest_on_account():
    valid = validate_request(request("300.00", keep_change_on_account=True,
                                     item_amounts={"apr": "100.00"}), limits((MARCH, APRIL)))
    assert valid.open_amount == usd("245.50") and valid.applied == usd("245.50")
    assert valid.overpaid == usd("54.50")
    assert [(a.key, a.amount) for a in valid.allocations] == [("mar", usd("145.50")),
                                                             ("apr", usd("100.00"))]


def test_nothing_ticked_is_refused_before_anything_is_looked_up():
    with pytest.raises(ValidationError, match="Bill: must be selected"):
        validate_request(request("10.00", item_ids=()), limits(()))


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
dues = st.one_of(st.none(), st.integers(0, 400).map(lambda d: TODAY + timedelta(days=d)))


@given(applied=amounts, rows=st.lists(st.tuples(dues, amounts, st.booleans(), amounts),
                                      min_size=1, max_size=8))
def test_allocations_sum_to_what_is_applied_oldest_first_none_over_due(applied, rows):
    items = [OpenItem(f"k{n}", f"R{n}", due, usd(str(open_))) for n, (due, open_, _, _) in
             enumerate(rows)]
    typed = {f"k{n}": str(min(cap, open_)) for n, (_, open_, capped, cap) in enumerate(rows)
             if capped}
    caps = item_caps(items, typed, "Bill")
    allocations = allocate(usd(str(applied)), items, caps)
    total = sum((a.amount for a in allocations), usd("0"))
    assert total == min(usd(str(applied)), sum(caps.values(), usd("0")))
    by_key = {i.key: i for i in items}
    for allocation in allocations:
        assert usd("0") < allocation.amount <= caps[allocation.key] <= by_key[allocation.key].open_amount
    # oldest first: an item gets something only when every earlier-due item got its whole cap
    order = sorted(items, key=lambda i: i.due_date or date.max)
    paid = {a.key: a.amount for a in allocations}
    for earlier, later in zip(order, order[1:], strict=False):
        if paid.get(later.key):
            assert paid.get(earlier.key) == caps[earlier.key]

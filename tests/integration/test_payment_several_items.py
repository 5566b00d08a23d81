"""One payment settling several open items through the service: one allocation row per item
(each pushed to the central service like any allocation), the audit, and one receipt (thermal
and A5 PDF) listing each item with its amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.models.payments import Payment, PaymentAllocation
from app.models.system import OutboxEntry
from app.printing.escpos.decode import decode
from tests.integration.test_receipts import pay, pdf_text, printer  # noqa: F401 - a fixture
from tests.payment_fixtures import actor, build_sample


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")


def both_bills(services, cashier, sample, **changes):
    values = {"amount": Decimal("297.75"), "tendered": Decimal("300.00"),
              "item_ids": (sample.bill_apr, sample.bill_mar), **changes}
    return pay(services, cashier, sample, **values)


def allocations(runtime, payment_id: str) -> dict[str, Decimal]:
    with runtime.app.sessions() as session:
        rows = session.execute(select(PaymentAllocation).where(
            PaymentAllocation.payment_id == payment_id)).scalars()
        return {row.bill_id: row.amount for row in rows}


def test_both_bills_are_settled_oldest_first_and_the_rest_is_change(runtime, services, cashier,
                                                                     sample):
    posted = both_bills(services, cashier, sample)
    payment_id = posted.details.payment.payment_id
    assert posted.amount.amount == Decimal("297.75") and posted.change.amount == Decimal("2.25")
    assert allocations(runtime, payment_id) == {sample.bill_mar: Decimal("145.50"),
                                                sample.bill_apr: Decimal("152.25")}
    assert services.payments.payable_items(cashier, sample.john, "Bill") == []
    assert [(i.reference, m.amount) for i, m in posted.details.allocations] == [
        ("INV-2025-001234", Decimal("145.50")), ("INV-2025-001567", Decimal("152.25"))]
    with runtime.app.sessions() as session:
        payment = session.get(Payment, payment_id)
        assert payment.receipt_facts["settled"] == [["INV-2025-001234", 14550],
                                                    ["INV-2025-001567", 15225]]
        assert (payment.item_dated_on, payment.item_count) == (None, None)  # two bill dates
        pushed = session.execute(select(OutboxEntry.entity).where(
            OutboxEntry.entity == "payment_allocations")).scalars().all()
    assert len(pushed) == 2


def test_a_typed_amount_caps_its_bill_and_the_rest_is_kept_on_account(runtime, services, cashier,
                                                                      sample):
    posted = both_bills(services, cashier, sample, item_amounts={sample.bill_mar: "45.50"},
                        keep_change_on_account=True)  # 300.00 handed over for 197.75
    assert allocations(runtime, posted.details.payment.payment_id) == {
        sample.bill_mar: Decimal("45.50"), sample.bill_apr: Decimal("152.25")}
    assert posted.credit_note_no and posted.amount.amount == Decimal("300.00")
    assert posted.details.overpayment_credit_note.amount.amount == Decimal("102.25")


@pytest.mark.parametrize(("changes", "message"), [
    ({"item_amounts": {"apr": "160.00"}},
     "Bill: INV-2025-001567: the amount 160.00 is more than its open amount 152.25"),
    ({"item_ids": ("mar", "mar")}, "Bill: each item can be paid only once in a payment"),
    ({"item_ids": ("mar", "mary")}, "Bill: was not found for this consumer"),
])
def test_a_wrong_item_is_refused_naming_it_and_nothing_is_written(runtime, services, cashier,
                                                                  sample, changes, message):
    ids = {"mar": sample.bill_mar, "apr": sample.bill_apr, "mary": sample.bill_mary}
    if "item_ids" in changes:
        changes = {"item_ids": tuple(ids[k] for k in changes["item_ids"])}
    else:
        changes = {"item_amounts": {ids[k]: v for k, v in changes["item_amounts"].items()}}
    with pytest.raises(ValidationError) as caught:
        both_bills(services, cashier, sample, **changes)
    assert str(caught.value) == message
    with runtime.app.sessions() as session:
        assert session.execute(select(Payment)).scalars().all() == []


def test_one_receipt_lists_each_bill_on_paper_and_in_the_pdf(runtime, services, cashier, sample,
                                                            printer, tmp_path):  # noqa: F811
    posted = both_bills(services, cashier, sample)
    payment_id = posted.details.payment.payment_id
    assert services.receipts.print_receipt(cashier, payment_id).printed
    text = decode(printer.wait_for_jobs(1)[0]).text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Items Settled" in lines
    assert "INV-2025-001234 $145.50" in lines and "INV-2025-001567 $152.25" in lines
    pages, pdf = pdf_text(services.receipts.receipt_pdf(cashier, payment_id, tmp_path / "r.pdf"))
    pdf = " ".join(pdf.replace("\ufffe", "-").split())  # the label column wraps at hyphens
    assert pages == 1
    for expected in ("Invoice No INV-2025-001234: $145.50", "Invoice No INV-2025-001567: $152.25",
                     "Amount due on items $297.75", "$300.00", "$2.25"):
        assert expected in pdf

"""Receipts and the drawer against a printer double that reports its faults as an Epson TM does
(DLE EOT 1-4): every fault and silence is "not printed" and queued with nothing sent; the queue
prints oldest first, once each; the drawer pulse is its own command; duplicates are rendered from
the facts kept at posting, and the thermal receipt, the PDF and the screen say the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.domain.core.errors import ValidationError
from app.models.cash import ReceiptPrint
from app.models.payments import Payment
from app.printing.escpos.decode import decode
from app.services.payments.posting import PaymentRequest
from tests.integration.test_receipts import pdf_text
from tests.loopback_printer import COVER_OPEN, ERROR, OFFLINE, OK_STATUS, PAPER_OUT, LoopbackPrinter
from tests.payment_fixtures import actor, build_sample

TODAY = date(2025, 4, 20)
FAULTS = [(OFFLINE, "Printer reports: offline"), (COVER_OPEN, "Printer reports: cover open"),
          (PAPER_OUT, "Printer reports: paper out"), (ERROR, "Printer reports: error"),
          (None, "did not report its status")]


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")


@pytest.fixture
def device(runtime, services):
    printer = LoopbackPrinter()
    services.settings.update(actor(runtime, "admin"), {"printing.printer_url": printer.url})
    yield printer
    printer.close()


def pay(services, cashier, sample, **changes):
    request = PaymentRequest(consumer_id=sample.john, payment_type="Bill", method="Cash",
                             amount=Decimal("145.50"), paid_on=TODAY, item_id=sample.bill_mar,
                             tendered=Decimal("150.00"))
    return services.payments.record_payment(cashier, replace(request, **changes))


def outcomes(runtime, payment_id: str) -> list[tuple[str, bool]]:
    with runtime.app.sessions() as session:
        rows = session.execute(select(ReceiptPrint).where(ReceiptPrint.payment_id == payment_id)
                               .order_by(ReceiptPrint.at)).scalars()
        return [(r.outcome, r.duplicate) for r in rows]


@pytest.mark.parametrize(("status", "reason"), FAULTS)
def test_a_faulted_or_silent_printer_is_not_printed_is_queued_and_gets_nothing(
        runtime, services, cashier, sample, device, status, reason):
    device.status = status
    posted = pay(services, cashier, sample)
    payment_id = posted.details.payment.payment_id
    result = services.receipts.print_receipt(cashier, payment_id)
    assert not result.printed and result.queued and reason in result.message
    assert result.message.startswith(f"Receipt {posted.receipt_no} was not printed")
    assert "waits in the queue" in result.message and "drawer" not in result.message
    assert device.jobs == []  # a real printer would have held it and printed it later, unasked
    assert outcomes(runtime, payment_id) == [("Failed", False)]
    assert [q.receipt_no for q in services.receipts.pending_reprints(cashier)] == [posted.receipt_no]
    state = services.receipts.printer_state(cashier)
    assert not state.ready and state.queued == 1


def test_the_queue_prints_oldest_first_once_each_as_originals_when_ready(
        runtime, services, cashier, sample, device):
    device.status = PAPER_OUT
    first = pay(services, cashier, sample)
    second = pay(services, cashier, sample, item_id=sample.bill_apr, amount=Decimal("152.25"),
                 tendered=Decimal("160.00"))
    for posted in (first, second):
        services.receipts.print_receipt(cashier, posted.details.payment.payment_id)
    assert services.receipts.retry_queue(cashier)[0].printed is False  # still out of paper
    assert device.jobs == []

    device.status = OK_STATUS
    assert services.receipts.printer_state(cashier).ready
    results = services.receipts.retry_queue(cashier)
    assert [(r.receipt_no, r.printed, r.duplicate) for r in results] == [
        (first.receipt_no, True, False), (second.receipt_no, True, False)]
    texts = [decode(job).text for job in device.wait_for_jobs(2)]
    assert [first.receipt_no in texts[0], second.receipt_no in texts[1]] == [True, True]
    assert not any("DUPLICATE" in text for text in texts)
    assert services.receipts.retry_queue(cashier) == []  # once each
    assert len(device.jobs) == 2 and device.faulted_jobs == 0 and device.pulses == 0


def test_the_drawer_pulse_is_delivered_out_of_paper_and_a_failed_one_opens_for_that_sale_once(
        runtime, services, cashier, sample, device):
    device.status = PAPER_OUT
    posted = pay(services, cashier, sample)
    payment_id = posted.details.payment.payment_id
    kicked = services.drawer.kick_for_payment(cashier, payment_id)
    assert kicked.opened and device.wait_for_pulses(1) == 1 and device.jobs == []
    with pytest.raises(ValidationError, match="already opened .* no sale"):
        services.drawer.open_for_sale(cashier, payment_id)

    device.status = None  # hung
    other = pay(services, cashier, sample, item_id=sample.bill_apr, amount=Decimal("152.25"),
                tendered=Decimal("152.25"))
    failed = services.drawer.kick_for_payment(cashier, other.details.payment.payment_id)
    assert not failed.opened and failed.may_open_for_sale
    assert "did not confirm the drawer kick" in failed.message and "Open drawer" in failed.message
    device.status = OK_STATUS
    opened = services.drawer.open_for_sale(cashier, other.details.payment.payment_id)
    assert opened.opened and device.pulses == 2
    with pytest.raises(ValidationError, match="no sale"):
        services.drawer.open_for_sale(cashier, other.details.payment.payment_id)
    card = pay(services, cashier, sample, item_id=sample.reconnection, payment_type="Service",
               amount=Decimal("75.00"), method="Credit Card", tendered=None)
    assert services.drawer.kick_for_payment(cashier, card.details.payment.payment_id) is None
    with pytest.raises(ValidationError, match="only for a posted cash payment"):
        services.drawer.open_for_sale(cashier, card.details.payment.payment_id)


def test_a_duplicate_says_what_was_true_at_posting_with_its_copy_number(
        runtime, services, cashier, sample, device):
    posted = pay(services, cashier, sample)
    payment_id = posted.details.payment.payment_id
    assert posted.balance_after.amount == Decimal("252.25")
    pay(services, cashier, sample, item_id=sample.bill_apr, amount=Decimal("152.25"),
        tendered=Decimal("152.25"))  # the ledger moves on
    services.receipts.print_receipt(cashier, payment_id)
    services.receipts.print_receipt(cashier, payment_id)
    services.receipts.print_receipt(cashier, payment_id)
    original, second, third = (decode(job).text for job in device.wait_for_jobs(3))
    for text in (original, second, third):
        assert "Balance After Payment" in text and "$252.25" in text
    assert "DUPLICATE" not in original
    assert "Copy 2 - Reprinted 20/04/2025" in second and "Copy 3 - Reprinted" in third


def test_older_payments_without_kept_facts_use_the_ledger_as_it_was(runtime, services, cashier,
                                                                    sample):
    posted = pay(services, cashier, sample)
    pay(services, cashier, sample, item_id=sample.bill_apr, amount=Decimal("152.25"),
        tendered=Decimal("152.25"))
    with runtime.app.sessions() as session, session.begin():
        session.execute(update(Payment).values(receipt_facts=None))
    data = services.receipts.receipt_data(cashier, posted.details.payment.payment_id, duplicate=True)
    assert data.balance_after.amount == Decimal("252.25")


def test_screen_thermal_and_pdf_agree_on_paid_applied_kept_tendered_and_change(
        runtime, services, cashier, sample, device, tmp_path):
    posted = pay(services, cashier, sample, keep_change_on_account=True)
    payment_id = posted.details.payment.payment_id
    services.receipts.print_receipt(cashier, payment_id)
    thermal = decode(device.wait_for_jobs(1)[0]).text
    pages, pdf = pdf_text(services.receipts.receipt_pdf(cashier, payment_id, tmp_path / "r.pdf",
                                                        duplicate=True))
    assert pages == 1  # A5, one page
    rows = {"Amount Paid": "$150.00", "Applied": "$145.50", "Kept on Account": "$4.50",
            "Tendered": "$150.00", "Change": "$0.00"}
    lines = thermal.splitlines()
    for label, value in rows.items():
        assert any(line.startswith(label) and line.endswith(value) for line in lines), label
    for label, value in (("Amount paid", "$150.00"), ("Applied", "$145.50"),
                         ("Kept on account", "$4.50"), ("Tendered", "$150.00"), ("Change", "$0.00")):
        assert f"{label}\n{value}" in pdf or f"{label} {value}" in pdf, label
    assert "DUPLICATE" in pdf and "Copy 2" in pdf and "reprinted" in pdf
    # The screen (the posted step) reads the same amounts off the same payment.
    assert (posted.amount.amount, posted.change.amount) == (Decimal("150.00"), Decimal("0.00"))


def test_card_and_cheque_details_are_kept_and_shown_on_receipt_pdf_and_details(
        runtime, services, cashier, sample, device, tmp_path):
    from app.domain.core.errors import ValidationError as Refused

    with pytest.raises(Refused) as refused:
        pay(services, cashier, sample, method="Credit Card", tendered=None,
            method_details={"last4": "42", "auth_code": "AB12C9"})
    assert refused.value.field == "Card last four digits"
    with runtime.app.sessions() as session:
        assert session.execute(select(Payment)).first() is None  # nothing half-written
    card = pay(services, cashier, sample, method="Credit Card", tendered=None,
               method_details={"last4": "4242", "auth_code": "ab12c9"})
    cheque = pay(services, cashier, sample, method="Cheque", tendered=None,
                 item_id=sample.bill_apr, amount=Decimal("152.25"),
                 method_details={"cheque_no": "004512", "bank": "State Bank",
                                 "cheque_date": "2025-04-18"})
    services.receipts.print_receipt(cashier, card.details.payment.payment_id)
    text = decode(device.wait_for_jobs(1)[0]).text
    assert "**** 4242" in text and "AB12C9" in text
    details = services.payments.payment_details(cashier, cheque.details.payment.payment_id)
    assert details.payment.method_details == (("Cheque number", "004512"), ("Bank", "State Bank"),
                                              ("Cheque date", "2025-04-18"))
    _pages, pdf = pdf_text(services.receipts.receipt_pdf(
        cashier, cheque.details.payment.payment_id, tmp_path / "cheque.pdf"))
    assert "004512" in pdf and "State Bank" in pdf and "2025-04-18" in pdf

"""Receipts from a recorded payment: to a loopback TCP printer, DUPLICATE copies, the drawer,
a refusing printer and the reprint queue, and the PDFs (text read back with QtPdf)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.core.errors import PermissionDenied
from app.models.cash import ReceiptPrint
from app.models.payments import Payment
from app.models.system import AuditEntry
from app.printing.escpos.decode import decode
from app.services.payments.posting import PaymentRequest
from app.services.payments.receipts import NO_PRINTER
from tests.loopback_printer import PAPER_OUT, LoopbackPrinter, refused_url
from tests.payment_fixtures import actor, build_sample

TODAY = date(2025, 4, 20)


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")


@pytest.fixture
def printer(runtime, services):
    device = LoopbackPrinter()
    use_printer(runtime, services, device.url)
    yield device
    device.close()


def use_printer(runtime, services, url: str) -> None:
    services.settings.update(actor(runtime, "admin"), {"printing.printer_url": url})


def pay(services, cashier, sample, **changes):
    request = PaymentRequest(consumer_id=sample.john, payment_type="Bill", method="Cash",
                             amount=Decimal("145.50"), paid_on=TODAY, item_id=sample.bill_mar,
                             tendered=Decimal("150.00"))
    return services.payments.record_payment(cashier, replace(request, **changes))


def audit_actions(runtime) -> list[str]:
    with runtime.app.sessions() as session:
        return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def prints(runtime) -> list[tuple[str, bool]]:
    with runtime.app.sessions() as session:
        rows = session.execute(select(ReceiptPrint)).scalars()
        return sorted((r.outcome, r.duplicate) for r in rows)


def pdf_text(path) -> tuple[int, str]:
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    document.load(str(path))
    text = "\n".join(document.getAllText(page).text() for page in range(document.pageCount()))
    return document.pageCount(), text


def test_cash_receipt_prints_without_the_drawer_and_a_reprint_says_duplicate_copy_and_time(
        runtime, services, cashier, sample, printer):
    posted = pay(services, cashier, sample)
    first = services.receipts.print_receipt(cashier, posted.details.payment.payment_id)
    assert first.printed and not first.duplicate
    assert first.message == f"Receipt {posted.receipt_no} printed on 127.0.0.1:{printer.port}."
    job = decode(printer.wait_for_jobs(1)[0])
    assert job.commands[:4] == ["status_query:1", "status_query:2", "status_query:3",
                                "status_query:4"]
    # The drawer is its own real-time command, never queued behind a receipt.
    assert not any(c.startswith("drawer") for c in job.commands)
    text = job.text
    assert "PAYMENT RECEIPT" in text and posted.receipt_no in text and "John Doe" in text
    assert "$145.50" in text and "$150.00" in text and "$4.50" in text and "DUPLICATE" not in text

    again = services.receipts.print_receipt(cashier, posted.details.payment.payment_id)
    assert again.printed and again.duplicate
    copy = decode(printer.wait_for_jobs(2)[1])
    assert "*** DUPLICATE ***" in copy.text
    assert "Copy 2 - Reprinted 20/04/2025" in copy.text
    assert not any(c.startswith("drawer") for c in copy.commands)
    assert prints(runtime) == [("Printed", False), ("Printed", True)]
    assert audit_actions(runtime)[-2:] == ["receipt_printed", "receipt_reprinted"]


def test_card_payment_never_opens_the_drawer(services, cashier, sample, printer):
    posted = pay(services, cashier, sample, method="Credit Card", tendered=None)
    result = services.receipts.print_receipt(cashier, posted.details.payment.payment_id)
    assert result.printed
    assert services.drawer.kick_for_payment(cashier, posted.details.payment.payment_id) is None
    job = decode(printer.wait_for_jobs(1)[0])
    assert not any(c.startswith("drawer_kick") for c in job.commands)


def test_refusing_printer_keeps_the_payment_and_queues_the_receipt(runtime, services, cashier,
                                                                   sample):
    use_printer(runtime, services, refused_url())
    posted = pay(services, cashier, sample)
    payment_id = posted.details.payment.payment_id
    result = services.receipts.print_receipt(cashier, payment_id)
    assert not result.printed and result.queued
    assert "refused the connection" in result.message and "waits in the queue" in result.message
    with runtime.app.sessions() as session:
        assert session.get(Payment, payment_id).status == "Posted"
    queue = services.receipts.pending_reprints(cashier)
    assert [(q.receipt_no, q.consumer_name) for q in queue] == [(posted.receipt_no, "John Doe")]
    assert "refused" in queue[0].error
    assert "receipt_print_failed" in audit_actions(runtime)

    device = LoopbackPrinter()
    try:
        use_printer(runtime, services, device.url)
        retry = services.receipts.print_receipt(cashier, payment_id)
        assert retry.printed and not retry.duplicate  # no copy had reached the customer
        assert device.pulses == 0  # printing never opens the drawer: no surprise drawer
        assert services.receipts.pending_reprints(cashier) == []
    finally:
        device.close()


def test_paper_out_is_reported_and_queued(runtime, services, cashier, sample):
    device = LoopbackPrinter(status=PAPER_OUT)
    try:
        use_printer(runtime, services, device.url)
        posted = pay(services, cashier, sample)
        result = services.receipts.print_receipt(cashier, posted.details.payment.payment_id)
        assert not result.printed and "paper out" in result.message
        assert len(services.receipts.pending_reprints(cashier)) == 1
    finally:
        device.close()


def test_no_printer_configured_says_where_to_set_it_and_the_pdf_still_works(
        services, cashier, sample, tmp_path):
    posted = pay(services, cashier, sample)
    payment_id = posted.details.payment.payment_id
    result = services.receipts.print_receipt(cashier, payment_id)
    assert (result.printed, result.message) == (False, NO_PRINTER)
    assert services.receipts.pending_reprints(cashier) == []
    path = services.receipts.receipt_pdf(cashier, payment_id, tmp_path / "receipt.pdf")
    pages, text = pdf_text(path)
    assert pages == 1
    for expected in (posted.receipt_no, posted.payment_no, "John Doe", "WU-10001",
                     "INV-2025-001234", "$145.50", "$150.00", "$4.50", "Verified", "Immediate"):
        assert expected in text


def test_kept_change_shows_the_credit_note_and_a_void_receipt_says_void(
        runtime, services, cashier, sample, printer):
    posted = pay(services, cashier, sample, keep_change_on_account=True)
    data = services.receipts.receipt_data(cashier, posted.details.payment.payment_id)
    assert (data.amount_paid.amount, data.amount_applied.amount,
            data.credit_note_amount.amount) == (Decimal("150.00"), Decimal("145.50"), Decimal("4.50"))
    assert data.credit_note_no == posted.credit_note_no and data.change.amount == 0
    supervisor = actor(runtime, "supervisor")
    services.payments.void_payment(supervisor, posted.details.payment.payment_id, "Wrong account")
    services.receipts.print_receipt(supervisor, posted.details.payment.payment_id)
    text = decode(printer.wait_for_jobs(1)[0]).text
    assert "*** VOID ***" in text


def test_rupee_pdf_draws_the_rupee_sign(runtime, services, tmp_path):
    sample = build_sample(runtime, services)
    services.settings.update(actor(runtime, "admin"), {"general.currency": "INR",
                                                       "general.locale": "en_IN"})
    cashier = actor(runtime, "cashier")
    posted = pay(services, cashier, sample, tendered=None)
    path = services.receipts.receipt_pdf(cashier, posted.details.payment.payment_id,
                                         tmp_path / "r.pdf")
    assert "₹145.50" in pdf_text(path)[1]
    assert "Rs.145.50" in services.receipts.receipt_text(cashier, posted.details.payment.payment_id)


def test_credit_note_pdf_for_those_who_may_print_credit_notes(runtime, services, cashier, sample,
                                                              tmp_path):
    posted = pay(services, cashier, sample, keep_change_on_account=True)
    note_id = posted.details.overpayment_credit_note.credit_note_id
    with pytest.raises(PermissionDenied):
        services.receipts.credit_note_pdf(cashier, note_id, tmp_path / "cn.pdf")
    path = services.receipts.credit_note_pdf(actor(runtime, "supervisor"), note_id,
                                             tmp_path / "cn.pdf")
    pages, text = pdf_text(path)
    assert pages == 1
    for expected in (posted.credit_note_no, "John Doe", "WU-10001", "$4.50", "Overpayment",
                     posted.receipt_no, "Active", "0.0%", "System generated by UtilityDesk"):
        assert expected in text

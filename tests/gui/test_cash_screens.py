"""The Cash screens driven by accessible name: open with a typed float, watch the expected cash,
cash in, work out change, close with a variance (the reason field appears) and get the Z report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QSpinBox

from app.services.cash.sessions import CashSessionsService
from app.services.core.changes import PAYMENTS, Changes
from app.services.payments.posting import PaymentRequest
from app.views.cash.cash_page import CashModulePage
from app.views.cash.dialogs import CashMovementDialog
from tests.gui.helpers import click, find, type_into
from tests.loopback_printer import LoopbackPrinter
from tests.payment_fixtures import actor

D = Decimal


def open_page(qtbot, runtime, services, username: str, tmp_path) -> CashModulePage:
    page = CashModulePage(services, actor(runtime, username))
    page.reports_dir = tmp_path / "reports"
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    return page


def count(qtbot, panel, label: str, pieces: str) -> None:
    box = find(panel, label, QSpinBox)
    box.lineEdit().selectAll()
    type_into(qtbot, box, pieces)


def text_of(root, name: str) -> str:
    return find(root, name, QLabel).text()


def test_open_with_a_typed_float_then_close_short_with_a_reason(qtbot, runtime, services, sample,
                                                                 tmp_path):
    page = open_page(qtbot, runtime, services, "cashier", tmp_path)
    panel = page.open_panel
    assert "No cash session is open at Counter 1" in text_of(panel, "No session open")
    count(qtbot, panel, "$20 note", "5")
    count(qtbot, panel, "$1 note", "10")
    count(qtbot, panel, "$0.25 coin", "8")
    assert text_of(panel, "Opening float") == "$112.00"
    click(qtbot, find(panel, "Open session", QPushButton))
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.session_panel, timeout=3000)
    card = page.session_panel
    assert text_of(card, "Session number") == "1" and text_of(card, "Opened by") == "Jane Smith"
    assert text_of(card, "Expected cash now") == "$112.00"
    assert not find(card, "No sale", QPushButton).isVisible()  # a cashier may not open the drawer

    cashier = actor(runtime, "cashier")
    services.payments.record_payment(cashier, PaymentRequest(
        consumer_id=sample.john, payment_type="Bill", method="Cash", amount=D("145.50"),
        paid_on=date(2025, 4, 20), item_id=sample.bill_mar, tendered=D("150.00")))
    page.on_changes(Changes.of(PAYMENTS))
    assert text_of(card, "Expected cash now") == "$257.50"

    click(qtbot, find(card, "Close session", QPushButton))
    closing = page.close_panel
    reason = find(closing, "Reason", QLineEdit)
    count(qtbot, closing, "$100 note", "2")
    count(qtbot, closing, "$50 note", "1")
    count(qtbot, closing, "$5 note", "1")
    count(qtbot, closing, "$1 note", "2")
    count(qtbot, closing, "$0.25 coin", "2")
    assert (text_of(closing, "Expected cash"), text_of(closing, "Counted cash")) == ("$257.50", "$257.50")
    assert text_of(closing, "Over/short") == "Balanced" and not reason.isVisible()
    count(qtbot, closing, "$1 note", "0")  # two dollars short: beyond the $1.00 reason threshold
    assert text_of(closing, "Over/short") == "Short $2.00"
    assert reason.isVisible() and not find(closing, "Supervisor username", QLineEdit).isVisible()

    click(qtbot, find(closing, "Close and make Z report", QPushButton))
    qtbot.waitUntil(lambda: text_of(closing, "Close message").startswith("Reason: is required"),
                    timeout=3000)
    type_into(qtbot, reason, "Two dollars given as change twice")
    click(qtbot, find(closing, "Close and make Z report", QPushButton))
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.report_panel, timeout=3000)
    report = find(page.report_panel, "Report").toPlainText()
    assert "Z REPORT" in report and "Short" in report and "Two dollars given" in report
    qtbot.waitUntil(lambda: "saved as" in text_of(page.report_panel, "Report message"), timeout=5000)
    assert (tmp_path / "reports" / "Z-report-Counter-1-session-1.pdf").exists()
    assert CashSessionsService(runtime.app).current_session(cashier) is None
    click(qtbot, find(page.report_panel, "Back", QPushButton))
    assert page.stack.currentWidget() is page.open_panel
    page.grab().save(str(tmp_path / "cash.png"))


def test_cash_in_change_and_test_print_for_a_supervisor(qtbot, runtime, services, sample, tmp_path):
    printer = LoopbackPrinter()
    try:
        services.settings.update(actor(runtime, "admin"), {"printing.printer_url": printer.url})
        page = open_page(qtbot, runtime, services, "supervisor", tmp_path)
        count(qtbot, page.open_panel, "$5 note", "1")
        count(qtbot, page.open_panel, "$1 note", "3")
        click(qtbot, find(page.open_panel, "Open session", QPushButton))
        qtbot.waitUntil(lambda: page.stack.currentWidget() is page.session_panel, timeout=3000)
        card = page.session_panel
        assert find(card, "No sale", QPushButton).isVisible()

        click(qtbot, find(card, "Cash in", QPushButton))
        dialog = page.findChild(CashMovementDialog)
        type_into(qtbot, find(dialog, "Amount", QLineEdit), "10")
        click(qtbot, find(dialog, "Record cash in", QPushButton))
        qtbot.waitUntil(lambda: "Reason: is required" in text_of(dialog, "Cash in message"), timeout=3000)
        click(qtbot, find(dialog, "Count the notes and coins"))
        count(qtbot, dialog, "$5 note", "2")
        type_into(qtbot, find(dialog, "Reason", QLineEdit), "Fives from the safe")
        click(qtbot, find(dialog, "Record cash in", QPushButton))
        qtbot.waitUntil(lambda: text_of(card, "Expected cash now") == "$18.00", timeout=3000)

        type_into(qtbot, find(card, "Amount due back", QLineEdit), "11")
        qtbot.keyClick(find(card, "Amount due back", QLineEdit), Qt.Key.Key_Return)
        assert text_of(card, "Change to hand over") == "Hand over $11.00: 2 × $5.00, 1 × $1.00"
        find(card, "Amount due back", QLineEdit).clear()
        type_into(qtbot, find(card, "Amount due back", QLineEdit), "4.50")
        click(qtbot, find(card, "Work out change", QPushButton))
        assert "Exact change of $4.50 cannot be made" in text_of(card, "Change to hand over")

        click(qtbot, find(page, "Test print", QPushButton))
        qtbot.waitUntil(lambda: "Test page sent" in text_of(page, "Cash message"), timeout=3000)
        assert "PRINTER TEST" in printer.wait_for_jobs(1)[0].decode("cp437", "replace")
    finally:
        printer.close()

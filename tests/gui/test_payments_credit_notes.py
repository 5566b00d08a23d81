"""Credit notes on screen: the Create dialog's rules, the Credit Notes tab's filters, the details
view (usage, linked receipt), Apply credit, and the PDF for print, preview and download."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton

from app.domain.payments.credit_notes import CreditNoteStatus
from app.views.payments import pdf_output
from app.views.payments.table_models import COL_NOTE_NUMBER, COL_NOTE_RECEIPT
from tests.gui.helpers import click, find, type_into
from tests.gui.payments_helpers import open_payments, pay
from tests.payment_fixtures import actor, build_sample


@pytest.fixture
def world(runtime, services):
    """A $75.00 card payment of the reconnection fee, and $4.50 kept on account by John."""
    sample = build_sample(runtime, services)
    cashier = actor(runtime, "cashier")
    fee = pay(services, cashier, sample, payment_type="Service", item_id=sample.reconnection,
              method="Credit Card", amount=Decimal("75.00"))
    kept = pay(services, cashier, sample, tendered=Decimal("150.00"), keep_change_on_account=True)
    return sample, fee, kept


def opened(qtbot, page, name_start: str):
    qtbot.waitUntil(lambda: page.actions.last_dialog is not None
                    and page.actions.last_dialog.accessibleName().startswith(name_start),
                    timeout=3000)
    return page.actions.last_dialog


def notes_shown(tab) -> list[str]:
    return [tab.model.index(r, COL_NOTE_NUMBER).data() for r in range(tab.model.rowCount())]


def test_create_credit_note_dialog_enforces_the_rules(qtbot, services, runtime, world):
    _sample, fee, _kept = world
    _window, page = open_payments(qtbot, services, actor(runtime, "cashier"))
    row = [r for r in range(page.landing.payments.model.rowCount())
           if page.landing.payments.model.row_at(r).receipt_no == fee.receipt_no][0]
    [create] = [a for a in page.landing.payments.row_menu(row).actions()
                if a.text() == "Create credit note"]
    create.trigger()
    dialog = opened(qtbot, page, "Create credit note")
    amount, button = find(dialog, "Credit amount", QLineEdit), find(dialog, "Create Credit Note",
                                                                     QPushButton)
    assert find(dialog, "Receipt number", QLabel).text() == fee.receipt_no
    assert amount.text() == "75.00" and find(dialog, "Maximum", QLabel).text() == "Maximum: $75.00"
    assert not button.isEnabled()  # no reason yet

    amount.selectAll()
    type_into(qtbot, amount, "80")
    assert find(dialog, "Credit amount error", QLabel).text() == (
        "Credit amount: cannot exceed the original payment amount (75.00)")
    amount.selectAll()
    type_into(qtbot, amount, "0")
    assert find(dialog, "Credit amount error", QLabel).text() == "Credit amount: must be more than 0"
    amount.selectAll()
    type_into(qtbot, amount, "10.555")  # the third decimal is refused as it is typed
    assert amount.text() == "10.55"
    find(dialog, "Reason for credit note", QComboBox).setCurrentText("Billing Error")
    type_into(qtbot, find(dialog, "Remarks", QPlainTextEdit), "Fee charged twice")
    assert find(dialog, "Remarks characters", QLabel).text() == "17/500 characters"
    assert find(dialog, "Remaining payment value", QLabel).text() == "$64.45"
    assert button.isEnabled()
    click(qtbot, button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    notice = find(page.landing, "Payments notice", QLabel).text()
    assert notice.startswith("Credit note CN-") and notice.endswith("created for $10.55.")
    notes = services.payments.list_credit_notes(actor(runtime, "cashier"))
    assert sorted((n.reason, n.amount.amount) for n in notes) == [
        ("Billing Error", Decimal("10.55")), ("Overpayment", Decimal("4.50"))]


def test_credit_notes_tab_search_and_filters(qtbot, services, runtime, world):
    _sample, fee, kept = world
    supervisor = actor(runtime, "supervisor")
    made = services.payments.create_credit_note(supervisor, fee.details.payment.payment_id,
                                                "75.00", "Duplicate Payment")
    _window, page = open_payments(qtbot, services, supervisor)
    page.landing.tabs.setCurrentIndex(1)
    tab = page.landing.credit_notes
    qtbot.waitUntil(lambda: tab.count_label.text() == "2 credit notes", timeout=3000)
    type_into(qtbot, find(tab, "Search credit notes"), kept.receipt_no.lower())
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert notes_shown(tab) == [kept.credit_note_no]
    tab.search.clear()
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)

    [duplicate] = [a for a in find(tab, "Reasons: All").menu().actions()
                   if a.text() == "Duplicate Payment"]
    duplicate.setChecked(True)
    assert notes_shown(tab) == [made.credit_note_no]
    assert find(tab, "Reasons: Duplicate Payment").text() == "Reasons: Duplicate Payment"
    duplicate.setChecked(False)
    find(tab, "Remaining").setCurrentText("Full Remaining")
    assert len(notes_shown(tab)) == 2
    find(tab, "Credit note status").setCurrentText("Applied")
    assert notes_shown(tab) == []
    click(qtbot, find(tab, "Clear filters", QPushButton))

    type_into(qtbot, find(tab, "Minimum amount"), "10")
    type_into(qtbot, find(tab, "Maximum amount"), "5")
    qtbot.keyClick(tab.amount_max, Qt.Key.Key_Return)
    assert find(tab, "Credit note filters error", QLabel).text() == (
        "Maximum amount: must not be below the minimum")
    tab.amount_max.clear()
    type_into(qtbot, tab.amount_max, "100")
    qtbot.keyClick(tab.amount_max, Qt.Key.Key_Return)
    assert notes_shown(tab) == [made.credit_note_no]
    tab.amount_min.clear()
    tab.amount_max.clear()
    type_into(qtbot, find(tab, "Linked receipt"), fee.receipt_no)
    qtbot.keyClick(tab.receipt, Qt.Key.Key_Return)
    assert notes_shown(tab) == [made.credit_note_no]
    tab.receipt.clear()

    type_into(qtbot, find(tab, "Consumer"), "WU-10001")
    qtbot.keyClick(tab.consumer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.consumer_id is not None, timeout=3000)
    assert tab.consumer.text() == "John Doe (WU-10001)" and len(notes_shown(tab)) == 2

    tab.dates.preset.setCurrentText("Custom Range")
    tab.dates.date_from.setDate(tab.dates.date_to.date().addDays(1))
    assert find(tab, "Created date range error", QLabel).text() == (
        "Date range: From must be on or before To")


def test_details_usage_linked_receipt_and_apply_credit(qtbot, services, runtime, world):
    sample, _fee, kept = world
    _window, page = open_payments(qtbot, services, actor(runtime, "supervisor"))
    page.landing.tabs.setCurrentIndex(1)
    tab = page.landing.credit_notes
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=3000)
    rect = tab.table.visualRect(tab.model.index(0, COL_NOTE_NUMBER))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    details = opened(qtbot, page, "Credit Note")
    assert find(details, "Credit note status", QLabel).text() == "Active"
    assert find(details, "Reason", QLabel).text() == "Overpayment"
    assert find(details, "Usage").text() == "0.0%"
    assert find(details, "Expires", QLabel).text() == "20/04/2026"  # the date format setting
    for button in ("Print", "Download PDF", "Apply credit", "Close"):
        find(details, button, QPushButton)

    click(qtbot, find(details, "Apply credit", QPushButton))
    apply = opened(qtbot, page, "Apply credit")
    qtbot.waitUntil(lambda: find(apply, "Amount to apply", QLineEdit).text() == "4.50",
                    timeout=3000)
    find(apply, "Amount to apply", QLineEdit).setText("1.50")
    click(qtbot, find(apply, "Apply credit", QPushButton))
    qtbot.waitUntil(lambda: not apply.isVisible(), timeout=3000)
    note = services.payments.credit_note_details(actor(runtime, "supervisor"),
                                                 kept.details.overpayment_credit_note.credit_note_id)
    assert (note.remaining.amount, note.usage_percent, note.status) == (
        Decimal("3.00"), Decimal("33.3"), CreditNoteStatus.ACTIVE)

    page.show_landing()
    page.landing.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and "$3.00" in tab.model.index(0, 3).data(),
                    timeout=3000)
    rect = tab.table.visualRect(tab.model.index(0, COL_NOTE_RECEIPT))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    payment = opened(qtbot, page, "Payment ")
    assert find(payment, "Receipt number", QLabel).text() == kept.receipt_no


def test_credit_note_menu_by_role_and_its_pdf(qtbot, services, runtime, world, tmp_path,
                                              monkeypatch):
    _sample, _fee, kept = world
    counter_window, counter = open_payments(qtbot, services, actor(runtime, "cashier"))
    counter.landing.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: counter.landing.credit_notes.model.rowCount() == 1, timeout=3000)
    assert [a.text() for a in counter.landing.credit_notes.row_menu(0).actions()] == [
        "View Details", "View linked payment"]
    counter_window.close()

    _window, page = open_payments(qtbot, services, actor(runtime, "supervisor"))
    tab = page.landing.credit_notes
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=3000)
    actions = {a.text(): a for a in tab.row_menu(0).actions()}
    assert list(actions) == ["View Details", "Print Credit Note", "View Credit Note", "Download",
                             "Apply credit", "View linked payment"]
    target = tmp_path / "cn.pdf"
    monkeypatch.setattr(pdf_output, "choose_save_path", lambda _parent, _name: target)
    actions["Download"].trigger()
    qtbot.waitUntil(lambda: find(page.landing, "Payments notice", QLabel).text() == f"Saved {target}",
                    timeout=5000)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert pdf_output.render_pdf(target, printer) == 1  # what Print preview draws
    assert (tmp_path / "printed.pdf").stat().st_size > 0

    actions["View Credit Note"].trigger()
    viewer = opened(qtbot, page, "Credit Note")
    assert viewer.document.pageCount() == 1
    assert kept.credit_note_no in viewer.document.getAllText(0).text()

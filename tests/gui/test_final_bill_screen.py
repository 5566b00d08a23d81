"""The Final bill tab driven by accessible name as a billing specialist would: a wrong meter is
refused (AC015), the right one fills in its device (AC016), Generate Bill, the deposit toggled
live, Print Bill, Discard and Generate New Bill, Approve and Send; then what was stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton
from sqlalchemy import select

from app.models.billing import Bill, LedgerEntry
from app.models.consumers import SecurityDeposit
from app.models.requests import Notification
from app.views.payments import pdf_output
from tests.final_bill_fixtures import disconnection_in_progress, rate_smith
from tests.gui.helpers import click, find, type_into
from tests.gui.test_disconnections_screens import WAIT_MS, label, open_disconnections
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world


@pytest.fixture
def world(runtime, services):
    built = build_requests_world(runtime, services)
    rate_smith(runtime, services, built)
    return built


def enter_meter(qtbot, tab, utility, meter_no):
    field = find(tab, f"{utility} meter number", QLineEdit)
    field.clear()
    type_into(qtbot, field, meter_no)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def test_a_final_bill_through_the_screen(qtbot, runtime, services, world, tmp_path, monkeypatch):
    request_id = disconnection_in_progress(runtime, services, world)
    _, page = open_disconnections(qtbot, services, actor(runtime, "specialist"))
    page.open_request(request_id)
    detail = page.detail
    qtbot.waitUntil(lambda: label(detail, "Request ID") == "DIS-2025-000001", timeout=WAIT_MS)
    click(qtbot, find(detail.header, "Generate bill", QPushButton))
    tab = detail.final_bill
    assert detail.tabs.currentWidget().widget() is tab
    generate = find(tab, "Generate Bill", QPushButton)

    enter_meter(qtbot, tab, "Electricity", "WM-3001")
    error = find(tab, "Final bill error", QLabel)
    qtbot.waitUntil(lambda: "Meter not linked to this account" in error.text(), timeout=WAIT_MS)
    enter_meter(qtbot, tab, "Electricity", "EM-1001")
    qtbot.waitUntil(lambda: label(tab, "Electricity device number") == "DEV-9001", timeout=WAIT_MS)
    assert label(tab, "Electricity meter type") == "Single-phase"
    enter_meter(qtbot, tab, "Water", "WM-2001")
    qtbot.waitUntil(lambda: label(tab, "Water device number") == "DEV-9002", timeout=WAIT_MS)
    type_into(qtbot, find(tab, "Electricity last reading", QLineEdit), "4500")
    assert not generate.isEnabled()
    type_into(qtbot, find(tab, "Water last reading", QLineEdit), "320")
    assert generate.isEnabled() and not find(tab, "Print Bill", QPushButton).isEnabled()
    click(qtbot, generate)  # 4500 is below the previous read of 4520.5
    qtbot.waitUntil(lambda: "Below the previous read" in error.text(), timeout=WAIT_MS)
    assert error.text().startswith("Electricity last reading")
    find(tab, "Electricity last reading", QLineEdit).clear()
    type_into(qtbot, find(tab, "Electricity last reading", QLineEdit), "4620.5")
    click(qtbot, generate)
    qtbot.waitUntil(lambda: label(tab, "Invoice No.") == "INV-414013, INV-414014", timeout=WAIT_MS)
    assert label(tab, "Billing period") == "April 2025 – April 2025"
    assert label(tab, "Billed amount") == "$27.00" and label(tab, "Outstanding amount") == "$456.78"
    assert label(tab, "Security deposit applied") == "-$200.00"
    assert label(tab, "Final amount due") == "$283.78" and label(tab, "Applied to bill") == "Yes"

    find(detail.settlement, "Use in bill", QCheckBox).setChecked(False)  # live, on the settlement tab
    assert label(tab, "Final amount due") == "$483.78" and label(tab, "Applied to bill") == "No"
    find(detail.settlement, "Use in bill", QCheckBox).setChecked(True)
    assert label(tab, "Final amount due") == "$283.78"

    monkeypatch.setattr(pdf_output, "choose_save_path", lambda _parent, _name: tmp_path / "final.pdf")
    click(qtbot, find(tab, "Print Bill", QPushButton))
    qtbot.waitUntil(lambda: (tmp_path / "final.pdf").exists(), timeout=WAIT_MS)

    click(qtbot, find(tab, "Discard and Generate New Bill", QPushButton))
    qtbot.waitUntil(lambda: label(tab, "Bill status") == "Not generated", timeout=WAIT_MS)
    qtbot.waitUntil(generate.isEnabled, timeout=WAIT_MS)
    click(qtbot, generate)
    qtbot.waitUntil(lambda: label(tab, "Invoice No.") == "INV-414015, INV-414016", timeout=WAIT_MS)
    click(qtbot, find(tab, "Approve and Send", QPushButton))
    qtbot.waitUntil(lambda: label(tab, "Bill status") == "Approved and sent (locked)", timeout=WAIT_MS)
    assert not find(tab, "Discard and Generate New Bill", QPushButton).isEnabled()
    assert not find(tab, "Approve and Send", QPushButton).isEnabled()

    with runtime.app.sessions() as session:
        bills = session.execute(select(Bill.invoice_no, Bill.status, Bill.bill_type, Bill.total)
                                .where(Bill.bill_type == "Final").order_by(Bill.invoice_no)).all()
        assert bills == [("INV-414013", "Cancelled", "Final", Decimal("12.00")),
                         ("INV-414014", "Cancelled", "Final", Decimal("15.00")),
                         ("INV-414015", "Approved", "Final", Decimal("12.00")),
                         ("INV-414016", "Approved", "Final", Decimal("15.00"))]
        posted = session.execute(select(LedgerEntry.entry_type, LedgerEntry.amount).where(
            LedgerEntry.entry_type.in_(("bill", "deposit_applied")),
            LedgerEntry.description.like("%INV-41401_"), LedgerEntry.description != "INV-414013",
            LedgerEntry.description != "INV-414014")).all()  # (the planted history's); drafts never posted
        assert sorted(posted) == [("bill", Decimal("12.00")), ("bill", Decimal("15.00")),
                                  ("deposit_applied", Decimal("-200.00"))]
        assert session.execute(select(SecurityDeposit.status)).scalar_one() == "Applied"
        assert session.execute(select(Notification.recipient).where(
            Notification.kind == "final_bill")).scalar_one() == "john.smith@email.com"

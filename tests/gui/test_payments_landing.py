"""The Payments landing page against the spec's sample: KPIs, search, filters, the lazy list,
the three-dot menu, Payment details (Verify for a pending online payment) and Void."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton
from sqlalchemy import select, update

from app.domain.core.money import Money
from app.models.payments import Payment
from app.models.system import AuditEntry
from app.services.payments.posting import PaymentRow
from app.views.payments.display import Display
from app.views.payments.table_models import (
    COL_AMOUNT,
    COL_CONSUMER,
    COL_DATE,
    COL_RECEIPT,
    PAGE,
    PaymentsTableModel,
)
from tests.gui.helpers import arrow_points, click, find, type_into
from tests.gui.payments_helpers import open_payments, pay
from tests.payment_fixtures import actor, build_sample


@pytest.fixture
def world(runtime, services):
    """John pays his March bill in cash today; Mary pays $40.00 of hers by UPI on Apr 18;
    John pays the $75.00 reconnection fee by card on Apr 19."""
    sample = build_sample(runtime, services)
    cashier = actor(runtime, "cashier")
    john = pay(services, cashier, sample, tendered=Decimal("150.00"))
    mary = pay(services, cashier, sample, consumer_id=sample.mary, item_id=sample.bill_mary,
               method="UPI", amount=Decimal("40.00"), paid_on=date(2025, 4, 18))
    fee = pay(services, cashier, sample, payment_type="Service", item_id=sample.reconnection,
              method="Credit Card", amount=Decimal("75.00"), paid_on=date(2025, 4, 19))
    return sample, {"john": john, "mary": mary, "fee": fee}


def receipts_shown(page) -> list[str]:
    model = page.landing.payments.model
    return [model.index(r, COL_RECEIPT).data() for r in range(model.rowCount())]


def wait_rows(qtbot, page, count: int) -> None:
    qtbot.waitUntil(lambda: page.landing.payments.model.rowCount() == count, timeout=3000)


def test_kpis_for_april_and_another_month(qtbot, services, runtime, world):
    _window, page = open_payments(qtbot, services, actor(runtime, "manager"))
    kpis = page.landing.kpis
    value = lambda title: find(kpis, f"{title} value", QLabel).text()  # noqa: E731
    assert find(kpis, "Month").currentText() == "April 2025"
    assert value("Total Collected") == "$260.50"
    assert value("Received Today") == "$145.50"
    assert find(kpis, "Received Today detail", QLabel).text() == "1 payment today"
    # due in April: $145.50 (John, Apr 15, paid in full) + $80.00 (Mary, Apr 25, $40.00 paid):
    # 185.50 of 225.50 (the fee is no bill; Total Collected counts it, the rate does not)
    assert value("Collection Rate") == "82.3%"
    assert find(kpis, "Collection Rate detail", QLabel).text() == \
        "$185.50 paid of $225.50 due in April 2025"
    assert "applied to the bills due in April 2025" in find(kpis, "Collection Rate card").toolTip()
    # against March (nothing collected, nothing due) and yesterday (the $75.00 fee, Apr 19)
    change = lambda title: find(kpis, f"{title} change", QLabel)  # noqa: E731
    assert change("Total Collected").text() == "▲ new vs March 2025"
    assert change("Received Today").text() == "▲ +94.0% vs yesterday"
    assert change("Collection Rate").text() == "No figure for March 2025 to compare with"
    assert value("Avg Collection Time") == "12.7 days"  # 20, 17 and 1 (the fee) days
    assert not find(page.landing, "Record Payment", QPushButton).isVisible()  # a manager

    kpis.month.setCurrentIndex(1)
    qtbot.waitUntil(lambda: kpis.kpis.month == date(2025, 3, 1), timeout=3000)
    assert (value("Total Collected"), value("Collection Rate")) == ("$0.00", "—")


def test_search_and_filters(qtbot, services, runtime, world):
    _window, page = open_payments(qtbot, services, actor(runtime, "cashier"))
    tab, payments = page.landing.payments, world[1]
    assert receipts_shown(page) == [payments["john"].receipt_no, payments["fee"].receipt_no,
                                    payments["mary"].receipt_no]  # newest first
    assert tab.count_label.text() == "3 payments"
    type_into(qtbot, find(tab, "Search payments"), "mAry")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    wait_rows(qtbot, page, 1)
    assert tab.model.index(0, COL_CONSUMER).data() == "Mary Major (WU-10002)"
    tab.search.clear()
    type_into(qtbot, tab.search, payments["fee"].receipt_no.lower())
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    wait_rows(qtbot, page, 1)
    tab.search.clear()
    type_into(qtbot, tab.search, "wu-10001")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    wait_rows(qtbot, page, 2)

    tab.search.clear()
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    find(tab, "Method").setCurrentText("UPI")
    assert receipts_shown(page) == [payments["mary"].receipt_no]
    find(tab, "Method").setCurrentIndex(0)
    find(tab, "Type").setCurrentText("Service")
    assert receipts_shown(page) == [payments["fee"].receipt_no]
    find(tab, "Type").setCurrentIndex(0)
    find(tab, "Status").setCurrentText("Voided")
    assert receipts_shown(page) == []
    click(qtbot, find(tab, "Clear filters", QPushButton))
    assert len(receipts_shown(page)) == 3

    tab.dates.preset.setCurrentText("Today")
    assert receipts_shown(page) == [payments["john"].receipt_no]
    tab.dates.preset.setCurrentText("Custom Range")
    tab.dates.date_from.setDate(date(2025, 4, 19))
    tab.dates.date_to.setDate(date(2025, 4, 18))
    assert find(tab, "Payment date range error", QLabel).text() == (
        "Date range: From must be on or before To")
    tab.dates.date_to.setDate(date(2025, 4, 19))
    assert receipts_shown(page) == [payments["fee"].receipt_no]

    tab.table.sortByColumn(COL_AMOUNT, Qt.SortOrder.AscendingOrder)
    assert [tab.model.index(0, COL_AMOUNT).data()] == ["$75.00"]


def test_newest_first_shows_a_descending_arrow_on_date_and_orders_a_day_by_time(
        qtbot, services, runtime, world):
    sample, payments = world
    cashier = actor(runtime, "cashier")
    early, late = (pay(services, cashier, sample, consumer_id=sample.mary, item_id=sample.bill_mary,
                       amount=Decimal("10.00")) for _ in range(2))
    with runtime.app.sessions() as session, session.begin():  # the later receipt is the earlier payment
        for payment, moment in ((early, datetime(2025, 4, 20, 9, 0, tzinfo=UTC)),
                                (late, datetime(2025, 4, 20, 4, 0, tzinfo=UTC))):
            session.execute(update(Payment).where(Payment.receipt_no == payment.receipt_no).values(paid_at=moment))
    _window, page = open_payments(qtbot, services, cashier)
    table = page.landing.payments.table
    header = table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_DATE, Qt.SortOrder.DescendingOrder)
    assert arrow_points(header, COL_DATE) == "down"  # newest first
    assert receipts_shown(page) == [payments["john"].receipt_no, early.receipt_no, late.receipt_no,
                                    payments["fee"].receipt_no, payments["mary"].receipt_no]
    header.setSortIndicator(COL_DATE, Qt.SortOrder.AscendingOrder)  # as a header click does
    qtbot.waitUntil(lambda: receipts_shown(page)[0] == payments["mary"].receipt_no, timeout=3000)
    assert arrow_points(header, COL_DATE) == "up"  # oldest first
    assert receipts_shown(page) == [payments["mary"].receipt_no, payments["fee"].receipt_no, late.receipt_no,
                                    early.receipt_no, payments["john"].receipt_no]


def test_the_lazy_model_fetches_pages_and_sorts_in_the_service():
    calls = []

    def fetch(offset, limit, key, descending):
        calls.append((offset, limit, key, descending))
        total = 250
        return [PaymentRow(f"p{n}", f"R-{n}", "c", "John Doe", "WU-1", Money.of(n, "USD"), "Cash",
                           datetime(2025, 4, 20, tzinfo=UTC) - timedelta(days=n), "Bill",
                           "Posted") for n in range(offset, min(offset + limit, total))]

    display = Display(date_format="dd/MM/yyyy", time_zone="UTC", locale="en_US", currency="USD")
    model = PaymentsTableModel(fetch, display)
    model.reset()
    assert model.rowCount() == PAGE and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 250 and not model.canFetchMore(QModelIndex())
    assert model.index(249, COL_DATE).data() == "14/08/2024"  # the date format setting
    model.sort(COL_AMOUNT, Qt.SortOrder.AscendingOrder)
    assert calls[-1] == (0, PAGE, "amount", False) and model.rowCount() == PAGE


def test_three_dot_menu_details_and_void(qtbot, services, runtime, world):
    counter_window, counter = open_payments(qtbot, services, actor(runtime, "cashier"))
    menu = counter.landing.payments.row_menu(0)
    assert [a.text() for a in menu.actions()] == ["View details", "View receipt",
                                                  "Create credit note"]
    counter_window.close()
    _window, page = open_payments(qtbot, services, actor(runtime, "supervisor"))
    tab = page.landing.payments
    assert [a.text() for a in tab.row_menu(0).actions()][-1] == "Void payment"

    # the receipt number is a link: click it
    rect = tab.table.visualRect(tab.model.index(0, COL_RECEIPT))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.actions.last_dialog is not None, timeout=3000)
    details = page.actions.last_dialog
    john = world[1]["john"]
    for section in ("Payment information", "Payment details", "Payment amount analysis",
                    "Cash payment details", "Transaction information", "Processing information",
                    "Consumer information"):
        find(details, section)
    assert find(details, "Difference", QLabel).text() == "Exact payment"
    assert find(details, "Change given", QLabel).text() == "$4.50"
    assert find(details, "Receipt number", QLabel).text() == john.receipt_no
    assert find(details, "Processing time", QLabel).text() == "Immediate"
    assert find(details, "Verification", QLabel).text() == "Verified"
    assert not details.findChildren(QPushButton, "Verify")

    click(qtbot, find(details, "Void payment", QPushButton))
    qtbot.waitUntil(lambda: page.actions.last_dialog.accessibleName().startswith("Void"),
                    timeout=3000)
    void = page.actions.last_dialog
    button = find(void, "Void payment", QPushButton)
    assert not button.isEnabled()  # a reason is required
    type_into(qtbot, find(void, "Reason", QPlainTextEdit), "Recorded on the wrong account")
    click(qtbot, button)
    qtbot.waitUntil(lambda: not void.isVisible(), timeout=3000)
    stored = services.payments.payment_details(actor(runtime, "cashier"),
                                               john.details.payment.payment_id)
    assert stored.payment.status == "Voided"
    assert "voided" in find(page.landing, "Payments notice", QLabel).text()


def test_verify_a_pending_online_payment(qtbot, services, runtime, world):
    sample, payments = world
    payment_id = payments["fee"].details.payment.payment_id
    with runtime.app.sessions() as session, session.begin():
        online = session.get(Payment, payment_id)
        online.received_by, online.gateway_ref, online.verification = "System", "pi_123", "Pending"
        online.channel, online.status = "Online Portal", "Pending"
        online.paid_at = datetime(2025, 4, 18, 10, 30, tzinfo=UTC)
    _window, page = open_payments(qtbot, services, actor(runtime, "supervisor"))
    page.actions.open_payment(payment_id)
    qtbot.waitUntil(lambda: page.actions.last_dialog is not None, timeout=3000)
    details = page.actions.last_dialog
    assert find(details, "Processing time", QLabel).text() == "2.0 days"
    click(qtbot, find(details, "Verify", QPushButton))
    qtbot.waitUntil(lambda: find(details, "Verification", QLabel).text() == "Verified",
                    timeout=3000)
    with runtime.app.sessions() as session:
        assert session.get(Payment, payment_id).verification == "Verified"
        last = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
        assert (last.action, last.summary["before"]) == ("payment_verified", "Pending")

"""The audit log reads as people speak: actions in words, the receipt's number, what changed in
words, and the time in the utility's zone and date format (not UTC, not JSON, not a UUID)."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView

from app.views.audit.audit_model import COL_ACTION, COL_ENTITY_ID, COL_SUMMARY, COL_TIME
from app.views.audit.audit_page import AuditPage
from tests.gui.helpers import find
from tests.gui.payments_helpers import pay
from tests.payment_fixtures import actor


def _row_of(view: QTableView, action: str) -> list[str]:
    model = view.model()
    for row in range(model.rowCount()):
        if model.index(row, COL_ACTION).data() == action:
            return [model.index(row, column).data() for column in range(model.columnCount())]
    raise AssertionError(f"no {action!r} row")


def test_a_payment_reads_in_words_with_its_receipt_number_and_local_time(qtbot, runtime, services,
                                                                          sample, cashier):
    posted = pay(services, cashier, sample, tendered="150.00")
    page = AuditPage(services, actor(runtime, "admin"))
    qtbot.addWidget(page)
    table = find(page, "Audit entries", QTableView)
    cells = _row_of(table, "Payment recorded")
    assert cells[COL_ENTITY_ID] == posted.receipt_no  # R-5001, not a cut UUID
    summary = cells[COL_SUMMARY]
    assert "{" not in summary and '"' not in summary
    assert "Method Cash" in summary and "Amount 145.50" in summary
    # 10:30 UTC is 06:30 in New York (the sample utility's zone), in the settings' date format.
    assert services.settings.current().date_format == "dd/MM/yyyy"
    assert cells[COL_TIME] == "20/04/2025 06:30:00"
    header = table.model().headerData(COL_TIME, table.horizontalHeader().orientation())
    assert header == "Time"


def test_the_action_filter_offers_words_and_finds_the_entries(qtbot, runtime, services, sample,
                                                              cashier):
    from PySide6.QtWidgets import QComboBox

    pay(services, cashier, sample)
    page = AuditPage(services, actor(runtime, "admin"))
    qtbot.addWidget(page)
    action = find(page, "Action", QComboBox)
    assert action.findText("Payment recorded") >= 0 and action.findText("payment_recorded") < 0
    action.setCurrentText("Payment recorded")
    page.search()
    table = find(page, "Audit entries", QTableView)
    actions = {table.model().index(r, COL_ACTION).data() for r in range(table.model().rowCount())}
    assert actions == {"Payment recorded"}

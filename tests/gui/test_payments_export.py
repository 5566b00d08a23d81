"""The payments list exported as filtered and sorted on screen, to CSV and XLSX, from the
landing page's buttons; the file holds every payment the filter finds and the export is a
report_generated usage event."""

from __future__ import annotations

import csv
from decimal import Decimal

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from app.models.system import UsageEvent
from app.views.payments import payments_tab
from app.views.payments.table_models import COL_AMOUNT
from tests.gui.helpers import click, find
from tests.gui.payments_helpers import open_payments
from tests.gui.test_payments_landing import wait_rows, world  # noqa: F401 - a fixture
from tests.payment_fixtures import actor


def test_the_filtered_list_goes_to_csv_and_xlsx(qtbot, services, runtime, world,  # noqa: F811
                                                tmp_path, monkeypatch):
    _window, page = open_payments(qtbot, services, actor(runtime, "cashier"))
    tab, payments = page.landing.payments, world[1]
    find(tab, "Method").setCurrentText("Cash")  # John's cash payment only... and the type filter
    wait_rows(qtbot, page, 1)
    find(tab, "Method").setCurrentIndex(0)
    find(tab, "Type").setCurrentText("Bill")  # John's and Mary's
    wait_rows(qtbot, page, 2)
    tab.table.sortByColumn(COL_AMOUNT, Qt.SortOrder.AscendingOrder)
    target = {"csv": tmp_path / "p.csv", "xlsx": tmp_path / "p.xlsx"}
    monkeypatch.setattr(payments_tab, "choose_export_path", lambda _p, _n, fmt: target[fmt])

    click(qtbot, find(tab, "Export CSV", QPushButton))
    qtbot.waitUntil(lambda: tab.count_label.text().startswith("Exported"), timeout=5000)
    assert tab.count_label.text() == f"Exported 2 payments to {target['csv']}"
    with target["csv"].open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Receipt No", "Paid at", "Consumer", "Account No", "Payment type",
                       "Method", "Amount", "Currency", "Status"]
    mary, john = payments["mary"].receipt_no, payments["john"].receipt_no
    assert [(r[0], r[2], r[3], r[5], r[6], r[8]) for r in rows[1:]] == [
        (mary, "Mary Major", "WU-10002", "UPI", "40.00", "Posted"),
        (john, "John Doe", "WU-10001", "Cash", "145.50", "Posted")]  # the amount order, ascending
    assert rows[2][1].startswith("2025-04-20T")

    click(qtbot, find(tab, "Export XLSX", QPushButton))
    qtbot.waitUntil(lambda: tab.count_label.text() == f"Exported 2 payments to {target['xlsx']}",
                    timeout=5000)
    sheet = load_workbook(target["xlsx"]).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Receipt No" and len(values) == 3
    assert (values[1][0], values[1][6], values[2][0], values[2][6]) == (
        mary, 40, john, Decimal("145.5"))
    with runtime.app.sessions() as session:
        events = session.execute(select(UsageEvent).where(
            UsageEvent.event == "report_generated")).scalars().all()
    assert [(e.properties["export_format"], e.properties["filters_applied"], e.properties["rows"])
            for e in events] == [("CSV", ["type"], 2), ("XLSX", ["type"], 2)]


def test_an_unknown_format_is_refused_and_nothing_is_written(services, runtime, tmp_path):
    from app.domain.core.errors import ValidationError
    from app.services.payments.listing import PaymentFilter, Sort

    try:
        services.payments.export_payments(actor(runtime, "cashier"), PaymentFilter(), Sort(),
                                          tmp_path / "p.pdf", "pdf")
    except ValidationError as error:
        assert str(error) == "Format: must be one of csv, xlsx"
    else:
        raise AssertionError("a PDF export was accepted")
    assert not (tmp_path / "p.pdf").exists()

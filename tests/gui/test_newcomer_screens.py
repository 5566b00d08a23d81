"""What a newcomer notices on the demo utility's screens (issue #16): no empty columns, charts in
words and money, a request list that opens on a double-click, the audit log naming an exception's
account, and tables without an empty row-header gutter."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QValueAxis
from PySide6.QtWidgets import QApplication, QTableView

from app.domain.core.permissions import Module
from app.services.core.audit import AuditRow
from app.services.registry import Services
from app.views.audit.audit_text import record_number
from app.views.common.operations import wait_for_background
from app.views.dashboard.dashboard_page import DashboardPage
from app.views.main_window import MainWindow
from tests.payment_fixtures import actor


def _window(qtbot, services, who) -> MainWindow:
    window = MainWindow(services, who, centre="Central Service Centre", counter="Counter 1",
                        utility_name="Springfield Utilities")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


def test_every_exception_names_an_account_even_one_raised_on_the_consumer(demo_runtime):
    services = Services(demo_runtime.app)
    rows = services.billing.exceptions(actor(demo_runtime, "manager"))
    on_consumer = [r for r in rows if r.category == "Payment Processing Failures"]
    assert on_consumer, "the demo has gateway failures, raised on the consumer"
    assert all(r.account_no for r in rows), [(r.category, r.consumer) for r in rows if not r.account_no]
    # the stored detail keeps "502.93 USD"; the queue shows the utility's money
    assert all("USD" not in r.detail for r in on_consumer), [r.detail for r in on_consumer]
    assert any("$" in r.detail for r in on_consumer)


def test_the_revenue_chart_reads_months_in_words_and_amounts_in_dollars(qtbot, demo_runtime):
    services = Services(demo_runtime.app)
    page = DashboardPage(services, actor(demo_runtime, "manager"))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.loaded is not None, timeout=10000)
    chart = page.overview.chart
    [months] = [a for a in chart.axes() if isinstance(a, QBarCategoryAxis)]
    [amounts] = [a for a in chart.axes() if isinstance(a, QValueAxis)]
    assert months.categories()[-1] == "Nov 2026", months.categories()
    assert amounts.labelFormat().startswith("$"), amounts.labelFormat()
    assert "Nov 2026 $" in page.overview.chart_view.toolTip()


def test_a_double_click_on_a_request_opens_it(qtbot, demo_runtime):
    services = Services(demo_runtime.app)
    window = _window(qtbot, services, actor(demo_runtime, "admin"))
    page = window.show_module(Module.DISCONNECTIONS)
    table = next(t for t in page.findChildren(QTableView) if t.accessibleName() == "Current requests list")
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=10000)
    index = table.model().index(0, 2)  # not the link column: the row itself
    table.doubleClicked.emit(index)
    wait_for_background(5000)
    QApplication.processEvents()
    assert not table.isVisible(), "the request's detail page takes the list's place"


def test_no_table_shows_an_empty_row_header_gutter(qtbot, demo_runtime):
    services = Services(demo_runtime.app)
    window = _window(qtbot, services, actor(demo_runtime, "admin"))
    for module in (Module.DISCONNECTIONS, Module.AUDIT, Module.BILLING, Module.TARIFFS):
        window.show_module(module)
        wait_for_background(5000)
        QApplication.processEvents()
    shown = [t for t in window.findChildren(QTableView) if t.verticalHeader().isVisibleTo(t)]
    assert not shown, [t.accessibleName() for t in shown]


def test_the_audit_log_names_an_exception_by_its_account():
    row = AuditRow(1, None, "supervisor", "d", "exception_opened", "billing_exception",
                   "0e526f52-9d6c-4f0b-8b0b-3a8f0b0b0b0b",
                   {"category": "Payment Processing Failures", "account_no": "WU-10008"})
    assert record_number(row) == "WU-10008"


def test_every_date_field_is_a_dateedit_that_shows_the_setting():
    """A bare QDateEdit shows the platform's format ("22 11 2026" on the Final bill tab) instead
    of the date format setting, and Tab stops inside it: every date field is a DateEdit."""
    views = Path(__file__).resolve().parents[2] / "app" / "views"
    bare = [f"{path.relative_to(views)}:{number}"
            for path in views.rglob("*.py") if path.name != "forms.py"
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if re.search(r"\bQDateEdit\(", line)]
    assert bare == [], bare

"""Tables that had no row action at all now answer Enter (and a double-click) with one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView, QTableWidget

from app.views.audit.audit_page import AuditModulePage
from tests.gui.helpers import find
from tests.gui.payments_helpers import drain
from tests.gui.test_payment_plans_screen import plans_tab
from tests.gui.test_tariff_screens import open_page as open_tariffs
from tests.payment_fixtures import actor, build_sample
from tests.tariff_fixtures import standard_residential


def press_enter_on_first_row(qtbot, table: QTableView) -> None:
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=3000)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)


def test_enter_on_a_recently_updated_tariff_opens_its_history(qtbot, runtime, services):
    page = open_tariffs(qtbot, services, runtime)
    services.tariffs.create(page.tariffs.actor, standard_residential())
    page.overview.refresh()
    press_enter_on_first_row(qtbot, find(page.overview, "Recently updated tariffs", QTableWidget))
    assert page.dialog is not None and page.dialog.isVisible()
    assert page.dialog.windowTitle() == "Version history · Standard Residential Electricity"
    page.dialog.reject()


def test_enter_on_an_audit_entry_shows_it_whole(qtbot, runtime, services):
    build_sample(runtime, services)  # writes audited settings changes
    page = AuditModulePage(services, actor(runtime, "admin"))
    qtbot.addWidget(page)
    page.show()
    press_enter_on_first_row(qtbot, find(page, "Audit entries", QTableView))
    dialog = page.entries.entry_dialog
    assert dialog.isVisible() and dialog.accessibleName().startswith("Audit entry ")
    assert "After: America/New_York" in find(dialog, "Details").toPlainText()  # shown whole, in words
    dialog.reject()


def test_enter_on_a_payment_plan_goes_into_its_installments(qtbot, runtime, services):
    build_sample(runtime, services)
    _page, tab = plans_tab(qtbot, services, runtime)
    drain()
    press_enter_on_first_row(qtbot, tab.table)
    installments = find(tab, "Installments", QTableView)
    qtbot.waitUntil(lambda: installments.model().rowCount() == 3, timeout=3000)
    assert QApplication.focusWidget() is installments

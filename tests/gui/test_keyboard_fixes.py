"""Issue 18's defects one by one, driven by keys as a keyboard user would press them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from app.views.login import LoginDialog
from app.views.style import apply_style
from tests.factories import PASSWORD
from tests.gui.helpers import find
from tests.gui.payments_helpers import open_payments, pay
from tests.gui.test_settings_page import open_settings
from tests.gui.test_tariff_screens import open_page as open_tariffs
from tests.payment_fixtures import actor, build_sample
from tests.tariff_fixtures import standard_residential


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def test_tab_leaves_a_table_and_enter_opens_the_row(qtbot, runtime, services):
    sample = build_sample(runtime, services)
    done = pay(services, actor(runtime, "cashier"), sample)
    _window, page = open_payments(qtbot, services, actor(runtime, "supervisor"))
    table = find(page, "All payments list", QTableView)
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=3000)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert focused() is not table  # Tab moved to the next widget, not the next cell
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.actions.last_dialog is not None, timeout=3000)
    assert page.actions.last_dialog.accessibleName() == f"Payment {done.receipt_no}"
    page.actions.last_dialog.reject()


def test_the_menu_key_and_shift_f10_open_a_payment_rows_actions(qtbot, runtime, services):
    sample = build_sample(runtime, services)
    done = pay(services, actor(runtime, "cashier"), sample)
    _window, page = open_payments(qtbot, services, actor(runtime, "supervisor"))
    table = find(page, "All payments list", QTableView)
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=3000)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    for key, modifier in ((Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
                          (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)):
        qtbot.keyClick(table, key, modifier)
        qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
        menu = QApplication.activePopupWidget()
        assert menu.accessibleName() == f"Actions for {done.receipt_no}"
        assert "Void payment" in [action.text() for action in menu.actions()]
        menu.close()


def test_enter_on_a_tariff_row_opens_its_history_as_a_double_click_does(qtbot, runtime, services):
    page = open_tariffs(qtbot, services, runtime)
    services.tariffs.create(page.tariffs.actor, standard_residential())
    panel = page.show_tariffs()
    panel.refresh()
    table = find(panel, "Tariff list", QTableView)
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=3000)
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.accessibleName() == "Version history"
    # It opens on the versions, not the tab bar, and Enter closes it.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    assert dialog.focusWidget() is find(dialog, "Version history table", QTableView)
    assert find(dialog, "Close").isDefault()
    dialog.reject()


def test_tab_moves_on_from_a_settings_list_and_types_no_tab(qtbot, services):
    page = open_settings(qtbot, services)
    section = page.show_section("Payments")
    channels = find(section, "Payment channels", QPlainTextEdit)
    before = channels.toPlainText()
    channels.setFocus()
    qtbot.keyClick(channels, Qt.Key.Key_Tab)
    assert channels.toPlainText() == before
    assert focused() is not channels


def test_settings_labels_are_buddies_with_their_own_mnemonic(qtbot, services):
    page = open_settings(qtbot, services)
    section = page.show_section("General")
    currency = find(section, "Currency", QComboBox)
    [label] = [lb for lb in section.findChildren(QLabel) if lb.buddy() is currency]
    assert label.text().replace("&", "") == "Currency" and "&" in label.text()
    keys = [lb.text().split("&")[1][0].lower() for lb in section.findChildren(QLabel)
            if lb.buddy() is not None and "&" in lb.text()]
    assert len(keys) == len(set(keys)) >= 8


def test_enter_logs_in_after_tab_has_passed_quit(qtbot, runtime, services):
    dialog = LoginDialog(services, "Sunrise Utilities")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    assert focused() is find(dialog, "Username", QLineEdit)
    qtbot.keyClicks(focused(), "cashier")
    for _ in range(4):  # Password, Log in, Quit, and round to Username
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is find(dialog, "Username", QLineEdit)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), PASSWORD)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.username == "cashier"


def contrast(first: QColor, second: QColor) -> float:
    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) \
            + 0.0722 * channel(colour.blueF())
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_placeholder_and_selected_rows_meet_wcag_contrast(qtbot):
    app = QApplication.instance()
    previous = app.styleSheet()
    apply_style(app)
    try:
        edit, table = QLineEdit(), QTableView()
        for widget in (edit, table):
            qtbot.addWidget(widget)
            widget.show()
        palette, rows = edit.palette(), table.palette()
        assert contrast(palette.color(QPalette.ColorRole.PlaceholderText),
                        palette.color(QPalette.ColorRole.Base)) >= 4.5
        assert contrast(rows.color(QPalette.ColorRole.HighlightedText),
                        rows.color(QPalette.ColorRole.Highlight)) >= 4.5
    finally:
        app.setStyleSheet(previous)



def test_a_payment_rows_actions_have_shortcuts_on_the_table_and_in_its_menu(qtbot, runtime, services):
    sample = build_sample(runtime, services)
    done = pay(services, actor(runtime, "cashier"), sample)
    _window, page = open_payments(qtbot, services, actor(runtime, "supervisor"))
    table = find(page, "All payments list", QTableView)
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=3000)
    shown = {a.text(): a.shortcut().toString() for a in page.landing.payments.row_menu(0).actions()}
    assert shown["View receipt"] == "Ctrl+R" and shown["Void payment"] == "Ctrl+Shift+V"
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.actions.last_dialog is not None, timeout=3000)
    assert page.actions.last_dialog.accessibleName() == f"Receipt {done.receipt_no}"
    page.actions.last_dialog.reject()

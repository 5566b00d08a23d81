"""Logging in by typing, as two roles, and seeing the navigation each role may see."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget, QPushButton

from app.domain.core.permissions import Module
from app.services.registry import Services
from app.views.login import LoginDialog
from app.views.main_window import MainWindow
from tests.factories import PASSWORD
from tests.gui.helpers import click, find, type_into


def log_in(qtbot, services, username, password=PASSWORD):
    dialog = LoginDialog(services, "Sunrise Utilities")
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, find(dialog, "Username", QLineEdit), username)
    type_into(qtbot, find(dialog, "Password", QLineEdit), password)
    click(qtbot, find(dialog, "Log in", QPushButton))
    return dialog


def open_main(qtbot, services, actor):
    window = MainWindow(services, actor, centre="Central Service Centre", counter="Counter 1",
                        utility_name="Sunrise Utilities")
    qtbot.addWidget(window)
    window.show()
    dialog_closed_focus_fix(qtbot, window)
    return window


def dialog_closed_focus_fix(qtbot, window):
    # Offscreen Qt does not hand activation back after a dialog closes: ask for it.
    window.activateWindow()
    window.rail.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def test_counter_executive_sees_counter_modules_only(qtbot, runtime):
    services = Services(runtime.app)
    dialog = log_in(qtbot, services, "cashier")
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    window = open_main(qtbot, services, dialog.actor)
    rail = find(window, "Navigation", QListWidget)
    labels = [rail.item(i).text() for i in range(rail.count())]
    assert labels == ["Payments", "Cash", "Plans & Tariffs", "Disconnections"]
    assert find(window, "Signed-in user", QLabel).text() == "Jane Smith · Customer Service Executive"
    assert find(window, "Sync state", QLabel).text() == "Standalone"  # no central service
    # Disconnections is built now: its page, not the "not available yet" one.
    window.show_module(Module.DISCONNECTIONS)
    assert window.pages.currentWidget().accessibleName() == "Disconnections page"


def test_administrator_sees_settings_and_audit(qtbot, runtime):
    services = Services(runtime.app)
    dialog = log_in(qtbot, services, "admin")
    window = open_main(qtbot, services, dialog.actor)
    labels = window.navigation_labels()
    assert labels == ["Dashboard", "Billing", "Payments", "Plans & Tariffs", "Disconnections",
                      "Settings", "Audit log"]
    assert "Cash" not in labels
    # Keyboard: Ctrl+7 goes to the audit log.
    qtbot.keyClick(window.rail, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget().accessibleName() == "Audit log page"


def test_wrong_password_shows_a_message_and_keeps_the_dialog_open(qtbot, runtime):
    services = Services(runtime.app)
    dialog = log_in(qtbot, services, "cashier", "not-the-password")
    assert dialog.actor is None and dialog.isVisible()
    assert find(dialog, "Login message", QLabel).text() == "Wrong username or password"
    assert find(dialog, "Password", QLineEdit).text() == ""


def test_empty_username_names_the_field(qtbot, runtime):
    services = Services(runtime.app)
    dialog = log_in(qtbot, services, "")
    assert find(dialog, "Login message", QLabel).text() == "Username is required."

"""The administrator edits settings on screen: bad values are named, good ones stored."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox

from app.views.settings.settings_page import SettingsPage
from tests.factories import PASSWORD
from tests.gui.helpers import click, find, type_into


def open_settings(qtbot, services):
    admin = services.auth.login("admin", PASSWORD)
    page = SettingsPage(services, admin)
    qtbot.addWidget(page)
    page.show()
    return page


def test_saving_a_bad_number_format_names_the_field_and_stores_nothing(qtbot, services):
    page = open_settings(qtbot, services)
    section = page.show_section("Numbering")
    receipt = find(section, "Receipt number format", QLineEdit)
    receipt.clear()
    type_into(qtbot, receipt, "R-{year}")
    click(qtbot, find(section, "Save", QPushButton))
    message = find(section, "Numbering settings message", QLabel).text()
    assert message.startswith("Not saved. Receipt number format:")
    assert services.settings.current().number_format("receipt") == "R-{seq}"


def test_saving_payment_channels_and_expiry(qtbot, services):
    page = open_settings(qtbot, services)
    payments = page.show_section("Payments")
    channels = find(payments, "Payment channels", QPlainTextEdit)
    channels.clear()
    type_into(qtbot, channels, "Walk-in")
    qtbot.keyClick(channels, Qt.Key.Key_Return)
    qtbot.keyClicks(channels, "Kiosk")
    click(qtbot, find(payments, "Save", QPushButton))
    assert find(payments, "Payments settings message", QLabel).text() == "Saved."
    assert services.settings.current().channels == ("Walk-in", "Kiosk")

    notes = page.show_section("Credit notes")
    expiry = find(notes, "Credit note expiry (days)", QSpinBox)
    expiry.setValue(180)
    click(qtbot, find(notes, "Save", QPushButton))
    assert services.settings.current().credit_note_expiry_days == 180

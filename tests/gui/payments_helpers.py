"""Opening the Payments module as a person at a counter would, and pressing keys one by one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.core.permissions import Module
from app.services.payments.posting import PaymentRequest
from app.views.common.operations import wait_for_background
from app.views.main_window import MainWindow
from app.views.payments.payments_page import PaymentsModulePage

TODAY = date(2025, 4, 20)


def open_payments(qtbot, services, actor) -> tuple[MainWindow, PaymentsModulePage]:
    window = MainWindow(services, actor, centre="Central Service Centre", counter="Counter 1",
                        utility_name="Sunrise Utilities")
    qtbot.addWidget(window)
    window.show()
    page = window.show_module(Module.PAYMENTS)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    page.landing.payments.focus_search()
    settle(qtbot, page)
    return window, page


def settle(qtbot, page: PaymentsModulePage) -> None:
    """Wait for the page's background loads (KPIs, counts)."""
    qtbot.waitUntil(lambda: page.landing.payments.count_label.text() != "", timeout=5000)
    qtbot.waitUntil(lambda: page.landing.kpis.kpis is not None, timeout=5000)


class Keys:
    """Presses keys on whatever has focus, as a keyboard does, and counts them."""

    def __init__(self, qtbot) -> None:
        self.qtbot, self.count = qtbot, 0

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        self.qtbot.keyClick(target, key, modifier)
        self.count += 1

    def type(self, text: str) -> None:
        """Typing data (an account number, an amount) is not counted as a keystroke here."""
        self.qtbot.keyClicks(QApplication.focusWidget(), text)


def pay(services, actor, sample, **changes):
    request = PaymentRequest(consumer_id=sample.john, payment_type="Bill", method="Cash",
                             amount=Decimal("145.50"), paid_on=TODAY, item_id=sample.bill_mar)
    return services.payments.record_payment(actor, replace(request, **changes))


def drain() -> None:
    wait_for_background(5000)


def oldest_bill_only(qtbot, form) -> None:
    """John's two open bills are both ticked (297.75); leave only the oldest (145.50) ticked."""
    qtbot.waitUntil(lambda: form.amount.text() == "297.75", timeout=5000)
    form.items.set_ticked(1, False)
    qtbot.waitUntil(lambda: form.amount.text() == "145.50", timeout=2000)

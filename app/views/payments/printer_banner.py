"""Printer and drawer failures shown where the cashier is: a banner on the Payments landing page
and above the Record Payment form that stays until acknowledged, with Open drawer when the
drawer kick of a cash sale could not be delivered."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.cash.drawer import DrawerResult
from app.services.payments.receipts import PrintResult
from app.views.common.widgets import named

STYLE = ("QFrame#printerBanner { background: #fdecea; border: 1px solid #b3261e; "
         "border-radius: 4px; } QLabel { color: #7a1a13; font-weight: 600; }")


@dataclass(frozen=True)
class Alert:
    message: str
    drawer_payment_id: str = ""  # set when the cashier may open the drawer for that sale


class PrinterAlerts(QObject):
    """The unacknowledged failures of this desktop's printer and drawer, newest last."""

    changed = Signal()
    open_drawer_requested = Signal(str)  # payment id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.alerts: list[Alert] = []

    def print_failed(self, result: PrintResult) -> None:
        if not result.printed and result.printer:
            self._add(Alert(result.message))

    def drawer_failed(self, result: DrawerResult | None) -> None:
        if result is not None and not result.opened:
            self._add(Alert(result.message, result.payment_id if result.may_open_for_sale else ""))

    def drawer_opened(self, payment_id: str) -> None:
        self.alerts = [a if a.drawer_payment_id != payment_id else Alert(a.message)
                       for a in self.alerts]
        self.changed.emit()

    def acknowledge(self) -> None:
        self.alerts = []
        self.changed.emit()

    def _add(self, alert: Alert) -> None:
        self.alerts.append(alert)
        self.changed.emit()


class PrinterBanner(QFrame):
    """One view of the alerts; every view shows the same and any Acknowledge clears them all."""

    def __init__(self, alerts: PrinterAlerts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Printer problem")
        self.setObjectName("printerBanner")
        self.setStyleSheet(STYLE)
        self.alerts = alerts
        self.text = named(QLabel(""), "Printer problem message")
        self.text.setWordWrap(True)
        self.open_drawer = named(QPushButton("Open drawer"), "Open drawer")
        self.open_drawer.setToolTip("Open the cash drawer for the sale whose kick failed (Ctrl+D)")
        self.open_drawer.setShortcut("Ctrl+D")
        self.acknowledge = named(QPushButton("Acknowledge"), "Acknowledge")
        self.acknowledge.setToolTip("Hide this message (Ctrl+Shift+K)")
        self.acknowledge.setShortcut("Ctrl+Shift+K")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_drawer)
        buttons.addWidget(self.acknowledge)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.acknowledge.clicked.connect(alerts.acknowledge)
        self.open_drawer.clicked.connect(self._open_drawer)
        alerts.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        alerts = self.alerts.alerts
        self.text.setText("\n".join(a.message for a in alerts))
        self.open_drawer.setVisible(any(a.drawer_payment_id for a in alerts))
        self.setVisible(bool(alerts))

    def drawer_payment(self) -> str:
        return next((a.drawer_payment_id for a in reversed(self.alerts.alerts)
                     if a.drawer_payment_id), "")

    def _open_drawer(self) -> None:
        if self.isVisible() and (payment_id := self.drawer_payment()):
            self.alerts.open_drawer_requested.emit(payment_id)

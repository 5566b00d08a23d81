"""Payment alerts: a billing manager's thresholds on the Payments KPIs, listed, set, changed and
deleted in one dialog. They are checked each time the KPIs refresh (app/services/payments/alerts.py)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.payments.alerts import METRICS, Unit
from app.services.core.changes import ALERTS, Changes
from app.services.core.context import Actor
from app.services.payments.alerts import AlertDraft, AlertItem
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, error_label, show_error

HEADERS = ("Alert", "Threshold", "Notify by")
HINTS = {Unit.PERCENT: "A percentage from 0 to 100",
         Unit.MONEY: "An amount, 0 or more, at most 2 decimals",
         Unit.COUNT: "A whole number of payments, 0 or more"}


def threshold_text(display: Display, item: AlertItem) -> str:
    if item.unit == Unit.PERCENT:
        return f"{item.threshold.normalize():f}%"
    if item.unit == Unit.MONEY:
        return display.money(Money(item.threshold, display.currency))
    return f"{int(item.threshold):,}"


class PaymentAlertsDialog(QDialog):
    changed = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, display: Display,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.display = services, actor, display
        self.items: list[AlertItem] = []
        self.editing: AlertItem | None = None
        named(self, "Payment alerts")
        self.setWindowTitle("Payment alerts")
        intro = QLabel("You are told when a Payments figure crosses your threshold, at most once "
                       "a day per alert. Figures are checked each time the Payments KPIs refresh.")
        intro.setWordWrap(True)
        self.table = keyboard_table(named(QTableWidget(0, len(HEADERS)), "Your alerts"),
                                    lambda index: self.edit_row(index.row()))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        fit_columns(self.table, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._editor())
        self.error = error_label("Payment alert")
        layout.addWidget(self.error)
        layout.addLayout(self._buttons())
        self.resize(640, 520)
        keyboard_dialog(self, accept=self.save_button, first=self.alert_type)
        self.load()

    def _editor(self) -> Form:
        self.heading = named(QLabel("<b>New alert</b>"), "Editing")
        self.alert_type = named(QComboBox(), "Alert type")
        for watched in METRICS:
            self.alert_type.addItem(watched.label, watched.key)
        self.threshold = named(QLineEdit(), "Threshold")
        self.hint = named(QLabel(""), "Threshold rule")
        self.hint.setStyleSheet("color: #5b6775;")
        self.alert_type.currentIndexChanged.connect(self._show_hint)
        self.in_app = named(QCheckBox("&In-app notice"), "In-app notice")
        self.in_app.setChecked(True)
        self.email = named(QCheckBox("E-&mail"), "E-mail")
        methods = QHBoxLayout()
        methods.addWidget(self.in_app)
        methods.addWidget(self.email)
        methods.addStretch(1)
        form = Form()
        form.addRow(self.heading)
        form.addRow("Alert type:", self.alert_type)
        form.addRow("Threshold:", self.threshold)
        form.addRow("", self.hint)
        form.addRow("Notify by:", methods)
        self._show_hint()
        return form

    def _buttons(self) -> QHBoxLayout:
        self.new_button = named(QPushButton("New alert"), "New alert")
        self.delete_button = named(QPushButton("Delete alert"), "Delete alert")
        self.save_button = named(QPushButton("Save alert"), "Save alert")
        close = named(QPushButton("Close"), "Close")
        self.new_button.clicked.connect(self.new_alert)
        self.delete_button.clicked.connect(self.delete_alert)
        self.save_button.clicked.connect(self.save)
        close.clicked.connect(self.reject)
        self.delete_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        row.addWidget(close)
        row.addWidget(self.save_button)
        return row

    def _show_hint(self) -> None:
        unit = next(m.unit for m in METRICS if m.key == self.alert_type.currentData())
        self.hint.setText(HINTS[unit])

    def load(self) -> None:
        Background(self, lambda: self.services.alerts.mine(self.actor)).success(self.show_items) \
            .run_in_background()

    def show_items(self, items: list[AlertItem]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for r, item in enumerate(items):
            for c, text in enumerate((item.label, threshold_text(self.display, item), item.methods)):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def edit_row(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        item = self.editing = self.items[row]
        self.heading.setText("<b>Editing the selected alert</b>")
        self.alert_type.setCurrentIndex(self.alert_type.findData(item.metric))
        shown = f"{int(item.threshold)}" if item.unit == Unit.COUNT else f"{item.threshold:f}"
        self.threshold.setText(shown)
        self.in_app.setChecked(item.notify_in_app)
        self.email.setChecked(item.notify_email)
        self.delete_button.setEnabled(True)
        self.threshold.setFocus()
        self.threshold.selectAll()

    def new_alert(self) -> None:
        self.editing = None
        self.heading.setText("<b>New alert</b>")
        self.threshold.clear()
        self.in_app.setChecked(True)
        self.email.setChecked(False)
        self.delete_button.setEnabled(False)
        show_error(self.error, "")
        self.alert_type.setFocus()

    def save(self) -> None:
        draft = AlertDraft(self.alert_type.currentData(), self.threshold.text(), self.in_app.isChecked(),
                           self.email.isChecked())
        alert_id = self.editing.alert_id if self.editing else None
        self._write(lambda: self.services.alerts.save(self.actor, draft, alert_id), "Not saved")

    def delete_alert(self) -> None:
        if self.editing is not None:
            alert_id = self.editing.alert_id
            self._write(lambda: self.services.alerts.delete(self.actor, alert_id), "Not deleted")

    def _write(self, work, failed_text: str) -> None:
        self.save_button.setEnabled(False)

        def done(_result) -> None:
            self.save_button.setEnabled(True)
            self.changed.emit(Changes.of(ALERTS))
            self.new_alert()
            self.load()

        def failed(error: Exception) -> None:
            self.save_button.setEnabled(True)
            show_error(self.error, str(error) if isinstance(error, ValidationError)
                       else f"{failed_text}: {error}")

        Background(self, work, writes=True).success(done).failure(failed).run_in_background()

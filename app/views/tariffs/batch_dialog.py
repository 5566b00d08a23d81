"""Batch edit of the tariffs (or plans) selected in a list: extend validity, change rates by a
percentage, or deactivate; the summary says how many changed and which were skipped and why."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import UtilityDeskError, ValidationError
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.tariffs.batch import BatchAction, BatchSummary
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import DateEdit, Form
from app.views.common.widgets import named
from app.views.payments.display import Display, from_qdate, to_qdate
from app.views.tariffs.ui import message_label, show_message

FIELDS = {  # which fields each action uses
    BatchAction.EXTEND: ("New end date",),
    BatchAction.CHANGE_RATES: ("Change in percent", "Effective from"),
    BatchAction.DEACTIVATE: ("Reason",),
}


RULES = {
    "tariff": "Rates change by the percentage and are rounded half up to 6 decimals; each change "
              "is published as a new version. If any tariff is refused, none is changed.",
    "plan": "The rates of Variable and Consumption-based charges change by the percentage, rounded "
            "half up to 6 decimals; each change is the plan's next version. If any plan is "
            "refused, none is changed.",
}


class BatchEditDialog(QDialog):
    applied = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, chosen: dict[str, str], *,
                 kind: str = "tariff", parent: QWidget | None = None) -> None:
        """`chosen`: id -> name of the selected tariffs (kind "tariff") or plans ("plan")."""
        super().__init__(parent)
        named(self, "Batch edit")
        self.setWindowTitle(f"Batch edit: {len(chosen)} {kind}(s)")
        self.services, self.actor, self.chosen, self.kind = services, actor, chosen, kind
        self.display = display = Display.of(services.settings.current())
        today = to_qdate(services.plans.context(actor).today)
        self.action = named(QComboBox(), "Action")
        for action in BatchAction:
            self.action.addItem(action.value, action)
        self.end_date = named(DateEdit(), "New end date")
        self.percent = named(QLineEdit(), "Change in percent")
        self.percent.setPlaceholderText("e.g. 4.5 or -2")
        self.effective = named(DateEdit(), "Effective from")
        for field in (self.end_date, self.effective):
            field.setCalendarPopup(True)
            field.setDisplayFormat(display.qt_date_format)
            field.setDate(today)
        self.reason = named(QLineEdit(), "Reason")
        self.summary = named(QLabel(""), "Batch summary")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.error = message_label("Batch error")
        self.apply_button = named(QPushButton("Apply"), "Apply")
        close = named(QPushButton("Close"), "Close")
        self.form = Form()
        self.form.addRow("Action", self.action)
        self.form.addRow("New end date", self.end_date)
        self.form.addRow("Change in percent", self.percent)
        self.form.addRow("Effective from", self.effective)
        self.form.addRow("Reason", self.reason)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{kind.capitalize()}s: " + ", ".join(chosen.values())))
        layout.addLayout(self.form)
        rules = named(QLabel(RULES[kind]), "Batch rules")
        rules.setWordWrap(True)  # one long line made the dialog as wide as a screen
        layout.addWidget(rules)
        layout.addWidget(self.error)
        layout.addWidget(self.summary, 1)
        layout.addLayout(buttons)
        self.action.currentIndexChanged.connect(lambda _i: self._fields())
        self.apply_button.clicked.connect(self.apply)
        close.clicked.connect(self.reject)
        self._fields()
        self.resize(640, self.sizeHint().height())
        keyboard_dialog(self, accept=self.apply_button, first=self.action)

    def _fields(self) -> None:
        action = BatchAction(self.action.currentData())
        used = FIELDS[action] if self.kind == "tariff" or action is not BatchAction.CHANGE_RATES \
            else ("Change in percent",)  # a plan's new version applies when saved
        for field in (self.end_date, self.percent, self.effective, self.reason):
            self.form.setRowVisible(field, field.accessibleName() in used)

    def apply(self) -> None:
        ids = list(self.chosen)
        batch = self.services.tariff_batch if self.kind == "tariff" else self.services.plan_batch
        action = BatchAction(self.action.currentData())
        try:
            if action is BatchAction.EXTEND:
                result = batch.extend_validity(self.actor, ids, from_qdate(self.end_date.date()))
            elif action is BatchAction.CHANGE_RATES and self.kind == "plan":
                result = self.services.plan_batch.change_rates(self.actor, ids, self._percent())
            elif action is BatchAction.CHANGE_RATES:
                result = self.services.tariff_batch.change_rates(
                    self.actor, ids, self._percent(), from_qdate(self.effective.date()))
            else:
                result = batch.deactivate(self.actor, ids, reason=self.reason.text(), confirm_in_use=False)
        except UtilityDeskError as error:
            show_message(self.error, self.display.text(error.message))  # its days as the setting says
            return
        self._show(result)

    def _percent(self) -> Decimal:
        try:
            return Decimal(self.percent.text().strip().replace("%", ""))
        except InvalidOperation:
            raise ValidationError("Change in percent", "write a number, e.g. 4.5 or -2") from None

    def _show(self, result: BatchSummary) -> None:
        show_message(self.error, "")
        self.summary.setText(self.display.text(result.describe()))
        self.applied.emit(result.changes)

"""Assigning the selected plan: to one consumer's service account (found with the payments'
consumer picker), or to every Active account of a consumer category after a confirmation that
says how many accounts change and which are skipped and why. The account's plan history shows
below."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import UtilityDeskError
from app.services.core.context import Actor
from app.services.payments.posting import AccountView
from app.services.registry import Services
from app.services.tariffs.assignments import BulkPreview
from app.services.tariffs.plans import PlanRow
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import DateEdit, Form
from app.views.common.tables import keyboard_table
from app.views.common.widgets import named
from app.views.payments.consumer_picker import ConsumerPicker
from app.views.payments.display import Display, from_qdate, to_qdate
from app.views.tariffs.dialogs import Asker
from app.views.tariffs.ui import message_label, show_message

HISTORY_HEADERS = ("Effective from", "From plan", "To plan", "By", "When", "How")


class AssignPlanDialog(QDialog):
    assigned = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, plan: PlanRow, ask: Asker,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Assign plan")
        self.setWindowTitle(f"Assign plan: {plan.name}")
        self.services, self.actor, self.plan, self.ask = services, actor, plan, ask
        self.display = Display.of(services.settings.current())
        self.one = named(QRadioButton("One consumer"), "One consumer")
        self.bulk = named(QRadioButton("Every account of a category"), "Every account of a category")
        self.one.setChecked(True)
        self.picker = ConsumerPicker(services, actor, self.display)
        self.account = named(QComboBox(), "Service account")
        self.category = named(QComboBox(), "Consumer category")
        self.category.addItems(list(plan.categories))
        self.effective = named(DateEdit(), "Effective from")
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat(self.display.qt_date_format)
        self.effective.setDate(to_qdate(services.plans.context(actor).today))
        self.history = keyboard_table(named(QTableWidget(0, len(HISTORY_HEADERS)), "Plan history"))
        self.history.setHorizontalHeaderLabels(list(HISTORY_HEADERS))
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = message_label("Assign message")
        self.error_style = self.message.styleSheet()
        self.assign_button = named(QPushButton("Assign"), "Assign")
        close = named(QPushButton("Close"), "Close")
        self._layout(close)
        self.picker.picked.connect(self._consumer_picked)
        self.account.currentIndexChanged.connect(lambda _i: self._show_history())
        self.one.toggled.connect(lambda _on: self._mode())
        self.assign_button.clicked.connect(self.assign)
        close.clicked.connect(self.reject)
        self._mode()
        self.resize(900, 640)
        keyboard_dialog(self, accept=self.assign_button, first=self.picker.search)

    def _layout(self, close: QPushButton) -> None:
        modes = QHBoxLayout()
        modes.addWidget(self.one)
        modes.addWidget(self.bulk)
        modes.addStretch(1)
        form = Form()
        form.addRow("Service account", self.account)
        form.addRow("Consumer category", self.category)
        form.addRow("Effective from", self.effective)
        rule = QLabel("The plan applies from the account's first billing period starting on or "
                      "after this date; only consumers in the plan's categories can be assigned.")
        rule.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.assign_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Plan: {self.plan.name} ({self.plan.short_name}), "
                                f"for {', '.join(self.plan.categories)} consumers"))
        layout.addLayout(modes)
        layout.addWidget(self.picker)
        layout.addLayout(form)
        layout.addWidget(rule)
        layout.addWidget(QLabel("Plan history of the service account"))
        layout.addWidget(self.history, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _mode(self) -> None:
        one = self.one.isChecked()
        for widget in (self.picker, self.account, self.history):
            widget.setEnabled(one)
        self.category.setEnabled(not one)

    def _consumer_picked(self, consumer: AccountView) -> None:
        self.account.clear()
        for account in self.services.plan_assignments.accounts_of(self.actor, consumer.consumer_id):
            plan = account.plan_name or "no plan"
            self.account.addItem(f"{account.account_no} · {account.utility} · {plan}", account.account_no)
        self._show_history()

    def _show_history(self) -> None:
        account_no = self.account.currentData()
        entries = self.services.plan_assignments.history(self.actor, account_no) if account_no else []
        self.history.setRowCount(len(entries))
        for r, entry in enumerate(entries):
            cells = (self.display.day(entry.effective_from), entry.from_plan or "(none)", entry.to_plan,
                     entry.assigned_by, self.display.moment(entry.assigned_at), entry.source)
            for c, text in enumerate(cells):
                self.history.setItem(r, c, QTableWidgetItem(text))

    def assign(self) -> None:
        effective = from_qdate(self.effective.date())
        try:
            if self.one.isChecked():
                self._assign_one(effective)
            else:
                self._assign_category(effective)
        except UtilityDeskError as error:
            self._say(error.message, error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        """Refusals in the error colour, what was done in the ordinary one."""
        self.message.setStyleSheet(self.error_style if error else "")
        show_message(self.message, self.display.text(text))  # a service's ISO days as the setting says

    def _assign_one(self, effective) -> None:
        account_no = self.account.currentData()
        if not account_no:
            self._say("Service account: find a consumer and choose one of its accounts", error=True)
            return
        result = self.services.plan_assignments.assign(self.actor, account_no, self.plan.id, effective)
        self._say(f"{account_no} is on plan '{self.plan.name}' from "
                  f"{self.display.day(effective)}.")
        self._show_history()
        self._consumer_refresh()
        self.assigned.emit(result.changes)

    def _consumer_refresh(self) -> None:
        chosen = self.account.currentIndex()
        if self.picker.account is not None:
            self._consumer_picked(self.picker.account)
            self.account.setCurrentIndex(chosen)

    def _assign_category(self, effective) -> None:
        category = self.category.currentText()
        preview = self.services.plan_assignments.preview_bulk(self.actor, self.plan.id, category, effective)
        if not preview.changing:
            self._say(confirmation_text(preview), error=True)
            return
        if not self.ask.confirm("Assign plan", self.display.text(confirmation_text(preview))):
            return
        result = self.services.plan_assignments.assign_bulk(
            self.actor, self.plan.id, category, effective_from=effective,
            confirmed_count=len(preview.changing))
        self._say(f"{result.changed} account(s) are on plan '{self.plan.name}'; "
                  f"{len(result.skipped)} skipped.")
        self.assigned.emit(result.changes)


def confirmation_text(preview: BulkPreview) -> str:
    lines = [f"{len(preview.changing)} {preview.category} account(s) will change to plan "
             f"'{preview.plan_name}' from {preview.effective_from.isoformat()}."]
    if preview.skipped:
        lines.append(f"{len(preview.skipped)} skipped:")
        lines += [f"  {count} × {reason}" for reason, count in preview.skipped_by_reason()]
    return "\n".join(lines)

"""New payment plan: find the consumer, then the terms (total defaults to the outstanding balance,
down payment, number and frequency of installments, start date) with a live installment preview."""

from __future__ import annotations

import time

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.payments import installments as rules
from app.domain.payments.installments import Frequency, PlanTerms, ScheduledInstallment
from app.services.core.context import Actor
from app.services.payments.payment_plans import (
    PaymentPlansService,
    PlanDetails,
    PlanDraft,
    PlanRequest,
)
from app.services.payments.posting import AccountView
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import DateEdit, Form
from app.views.common.rows import RowsTableModel
from app.views.common.widgets import named
from app.views.payments.consumer_picker import ConsumerPicker
from app.views.payments.display import (
    Background,
    Display,
    error_label,
    from_qdate,
    show_error,
    to_qdate,
)
from app.views.payments.plans_models import rows_table

AMOUNT = QRegularExpression(r"^\d{0,10}(\.\d{0,2})?$")
PREVIEW_HEADERS = ("Installment", "Due date", "Amount")


def amount_edit(label: str) -> QLineEdit:
    edit = named(QLineEdit(), label)
    edit.setValidator(QRegularExpressionValidator(AMOUNT, edit))
    edit.setPlaceholderText("0.00")
    return edit


def date_edit(label: str, display: Display) -> QDateEdit:
    edit = named(DateEdit(), label)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(display.qt_date_format)
    return edit


def schedule_model(display: Display) -> RowsTableModel:
    def cells(item: ScheduledInstallment) -> tuple[str, ...]:
        label = "Down payment" if item.number == rules.DOWN_PAYMENT_NUMBER else f"#{item.number}"
        return (label, display.day(item.due_date), display.money(item.amount))

    return RowsTableModel(PREVIEW_HEADERS, cells, right=frozenset({2}))


class CreatePlanDialog(QDialog):
    created = Signal(object)  # PlanDetails

    def __init__(self, services: Services, plans: PaymentPlansService, actor: Actor,
                 display: Display, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "New payment plan")
        self.setWindowTitle("New payment plan")
        self.plans, self.actor, self.display = plans, actor, display
        self.draft: PlanDraft | None = None
        self._opened = time.monotonic()
        self.picker = ConsumerPicker(services, actor, display)
        self.total = amount_edit("Total amount")
        self.down_payment = amount_edit("Down payment")
        self.count = named(QSpinBox(), "Number of installments")
        self.count.setRange(1, rules.MAX_INSTALLMENTS)
        self.count.setValue(3)
        self.frequency = named(QComboBox(), "Frequency")
        self.frequency.addItems([f.value for f in Frequency])
        self.frequency.setCurrentText(Frequency.MONTHLY.value)
        self.start = date_edit("Start date", display)
        self.outstanding = named(QLabel(""), "Outstanding balance")
        self.preview = schedule_model(display)
        self.preview_table = rows_table(self.preview, "Installment preview", 2)
        self.summary = named(QLabel(""), "Plan summary")
        self.error = error_label("Plan terms")
        self.create_button = named(QPushButton("Create plan"), "Create plan")
        self.create_button.setDefault(True)
        self.create_button.setEnabled(False)
        self.cancel_button = named(QPushButton("Cancel"), "Cancel")
        self._layout()
        self._connect()
        keyboard_dialog(self, accept=self.create_button)

    def _layout(self) -> None:
        terms = QGroupBox("Terms")
        form = Form(terms)
        form.addRow("Outstanding balance:", self.outstanding)
        for label, widget in (("&Total amount", self.total), ("&Down payment", self.down_payment),
                              ("&Number of installments", self.count),
                              ("&Frequency", self.frequency), ("&Start date", self.start)):
            form.addRow(f"{label}:", widget)
        preview = QGroupBox("Installments")
        column = QVBoxLayout(preview)
        column.addWidget(self.preview_table)
        column.addWidget(self.summary)
        middle = QHBoxLayout()
        middle.addWidget(terms, 1)
        middle.addWidget(preview, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addLayout(middle, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(820, 720)

    def _connect(self) -> None:
        self.picker.picked.connect(self._consumer_picked)
        for edit in (self.total, self.down_payment):
            edit.textChanged.connect(lambda _t: self.refresh_preview())
        self.count.valueChanged.connect(lambda _v: self.refresh_preview())
        self.frequency.currentIndexChanged.connect(lambda _i: self.refresh_preview())
        self.start.dateChanged.connect(lambda _d: self.refresh_preview())
        self.create_button.clicked.connect(self.create)
        self.cancel_button.clicked.connect(self.reject)

    def _consumer_picked(self, account: AccountView) -> None:
        self.draft = None
        self.refresh_preview()
        Background(self, lambda: self.plans.draft(self.actor, account.consumer_id)) \
            .success(self.use_draft).failure(lambda e: show_error(self.error, str(e))) \
            .run_in_background()

    def use_draft(self, draft: PlanDraft) -> None:
        self.draft = draft
        self.outstanding.setText(self.display.money(draft.outstanding))
        self.total.setText(str(max(draft.outstanding.amount, 0)))
        self.start.setMinimumDate(to_qdate(draft.today))
        self.start.setDate(to_qdate(draft.today))
        self.refresh_preview()
        self.total.setFocus()

    def terms(self) -> PlanTerms:
        return PlanTerms(self.total.text(), self.down_payment.text(), self.count.value(),
                         self.frequency.currentText(), from_qdate(self.start.date()))

    def refresh_preview(self) -> None:
        """The installments as they will be, recomputed on every keystroke by the domain rules."""
        draft, schedule, problem = self.draft, [], ""
        if draft is None:
            problem = "Find the consumer first."
        elif draft.active_plan_no:
            problem = f"Consumer: already has an active payment plan ({draft.active_plan_no})"
        else:
            try:
                valid = rules.validate_terms(self.terms(), outstanding=draft.outstanding,
                                             today=draft.today)
                schedule = rules.plan_schedule(valid, draft.today)
            except ValidationError as error:
                problem = error.message
        self.preview.set_items(schedule)
        show_error(self.error, problem if draft is not None else "")
        self.summary.setText(self._summary(schedule))
        self.create_button.setEnabled(not problem)

    def _summary(self, schedule: list[ScheduledInstallment]) -> str:
        if not schedule:
            return ""
        total = sum((s.amount for s in schedule), self.display.zero())
        return f"{len(schedule)} payments, {self.display.money(total)} in all"

    def create(self) -> None:
        if self.draft is None or not self.create_button.isEnabled():
            return
        self.create_button.setEnabled(False)
        terms, consumer_id = self.terms(), self.draft.consumer_id
        seconds = int(time.monotonic() - self._opened)
        request = PlanRequest(consumer_id, terms.total, terms.down_payment, terms.count,
                              terms.frequency, terms.start_date, seconds)
        Background(self, lambda: self.plans.create_plan(self.actor, request), writes=True) \
            .success(self._created).failure(self._failed).run_in_background()

    def _created(self, details: PlanDetails) -> None:
        self.created.emit(details)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.create_button.setEnabled(True)
        show_error(self.error, f"The plan was not created: {error}")

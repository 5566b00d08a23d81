"""Modify a payment plan: a new schedule for the installments nobody has paid anything on (a number
of installments, or an amount each), a frequency, the first due date and a required reason."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.payments import installments as rules
from app.domain.payments.installments import Frequency, ModifyTerms
from app.services.core.context import Actor
from app.services.payments.payment_plans import PaymentPlansService, PlanDetails
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form, multiline
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, error_label, from_qdate, show_error
from app.views.payments.display import to_qdate as qdate
from app.views.payments.plans_create import amount_edit, date_edit, schedule_model
from app.views.payments.plans_models import rows_table


class ModifyPlanDialog(QDialog):
    modified = Signal(object)  # PlanDetails

    def __init__(self, plans: PaymentPlansService, actor: Actor, display: Display,
                 details: PlanDetails, today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"Modify plan {details.plan_no}")
        self.setWindowTitle(f"Modify payment plan {details.plan_no}")
        self.plans, self.actor, self.display, self.details = plans, actor, display, details
        self.today = today
        self.untouched = [i for i in details.installments if not i.paid]
        self.unpaid = sum((i.amount for i in self.untouched), display.zero())
        self.first_number = max(i.number for i in details.installments) + 1
        self.count = named(QSpinBox(), "Number of installments")
        self.count.setRange(1, rules.MAX_INSTALLMENTS)
        self.count.setValue(max(1, len([i for i in self.untouched if i.number])))
        self.amount = amount_edit("Installment amount")
        self.amount.setPlaceholderText("optional: sets the number")
        self.frequency = named(QComboBox(), "Frequency")
        self.frequency.addItems([f.value for f in Frequency])
        self.frequency.setCurrentText(details.frequency)
        self.first_due = date_edit("First due date", display)
        self.first_due.setMinimumDate(qdate(today))
        upcoming = [i.due_date for i in self.untouched if i.due_date >= today]
        self.first_due.setDate(qdate(upcoming[0] if upcoming else today))
        self.reason = multiline(named(QPlainTextEdit(), "Reason (required)"))
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(70)
        self.preview = schedule_model(display)
        self.preview_table = rows_table(self.preview, "New installments", 2)
        self.error = error_label("Modification")
        self.save_button = named(QPushButton("Save changes"), "Save changes")
        self.cancel_button = named(QPushButton("Cancel"), "Cancel")
        self._layout()
        for signal in (self.amount.textChanged, self.reason.textChanged, self.count.valueChanged,
                       self.frequency.currentIndexChanged, self.first_due.dateChanged):
            signal.connect(lambda *_a: self.refresh_preview())
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.refresh_preview()
        keyboard_dialog(self, accept=self.save_button)

    def _layout(self) -> None:
        d = self.display
        kept = [i for i in self.details.installments if i.paid]
        facts = named(QLabel(
            f"<b>{self.details.consumer_name}</b> ({self.details.account_no}) · "
            f"status {self.details.status.value}<br>To reschedule: "
            f"{', '.join(i.label for i in self.untouched) or 'nothing'} · {d.money(self.unpaid)}"
            f"<br>Kept as they are (paid in part or in full): "
            f"{', '.join(i.label for i in kept) or 'none'}"), "Plan summary")
        facts.setWordWrap(True)
        terms = QGroupBox("New schedule")
        form = Form(terms)
        for label, widget in (("&Number of installments", self.count),
                              ("Installment &amount", self.amount), ("&Frequency", self.frequency),
                              ("First &due date", self.first_due), ("&Reason (required)", self.reason)):
            form.addRow(f"{label}:", widget)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(facts)
        layout.addWidget(terms)
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(620, 640)

    def terms(self) -> ModifyTerms:
        return ModifyTerms(self.count.value(), self.frequency.currentText(),
                           from_qdate(self.first_due.date()), self.reason.toPlainText(),
                           self.amount.text())

    def refresh_preview(self) -> None:
        self.count.setEnabled(not self.amount.text().strip())
        schedule, problem = [], ""
        try:
            schedule = rules.reschedule(self.unpaid, self.terms(), self.today, self.first_number)
        except ValidationError as error:
            problem = error.message
        self.preview.set_items(schedule)
        quiet = problem == "Reason: is required" and not self.reason.toPlainText()
        show_error(self.error, "" if quiet else problem)
        self.save_button.setEnabled(not problem)

    def save(self) -> None:
        self.save_button.setEnabled(False)
        terms, plan_id = self.terms(), self.details.plan_id
        Background(self, lambda: self.plans.modify_plan(self.actor, plan_id, terms), writes=True) \
            .success(self._saved).failure(self._failed).run_in_background()

    def _saved(self, details: PlanDetails) -> None:
        self.modified.emit(details)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        show_error(self.error, f"The plan was not changed: {error}")

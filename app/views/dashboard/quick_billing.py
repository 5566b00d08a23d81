"""The dashboard's quick actions that make bills, as dialogs over the dashboard: Bulk Bill
Generation (a cycle's run in the billing run dialog) and Single Bill Generation (one consumer,
then the bill); and the billing exceptions workflow opened from the Exceptions tab.

Each reuses the Billing module's own panels and run dialog; each dialog keeps the outcomes of
what it did, which the page records as the quick action's audit entry when it closes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.billing.runs import RunProgress
from app.services.billing.scope import RunScope
from app.services.core.changes import BILLS, LEDGER, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.billing.bill_panel import BillPanel
from app.views.billing.exceptions_panel import ExceptionsPanel
from app.views.billing.run_dialog import RunDialog
from app.views.common.dialogs import keyboard_dialog
from app.views.common.operations import Operation
from app.views.common.widgets import named
from app.views.payments.consumer_picker import ConsumerPicker
from app.views.payments.display import Display


def error_text(error: Exception) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


class QuickActionDialog(QDialog):
    """A quick action's dialog: its outcomes so far, a message line and Close."""

    changed = Signal(object)  # Changes: the page refreshes its figures

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        named(self, title)
        self.outcomes: list[str] = []
        self.message = named(QLabel(""), "Outcome")
        self.message.setWordWrap(True)
        self.close_button = named(QPushButton("Close"), "Close")
        self.close_button.clicked.connect(self.accept)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.message)
        closing = QHBoxLayout()
        closing.addStretch(1)
        closing.addWidget(self.close_button)
        layout.addLayout(closing)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Enter in a field (the consumer search) must act on the field, not close the dialog.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        super().showEvent(event)

    def outcome(self) -> str:
        return "; ".join(self.outcomes) or "closed without acting"

    def did(self, text: str) -> None:
        self.outcomes.append(text)
        self.say(text)

    def say(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e; font-weight: bold;" if problem else "color: #1b6e20;")

    def failed(self, error: Exception) -> None:
        self.say(error_text(error), problem=True)


def cycle_picker(dialog: QuickActionDialog, services: Services, actor: Actor, label: str) -> QComboBox:
    """A combo of the billing cycles, most recent first, filled off the GUI thread."""
    combo = named(QComboBox(), label)

    def fill(rows) -> None:
        for row in rows:
            combo.addItem(f"{row.name} · {row.status} · {row.billed:,} of {row.accounts_total:,} billed",
                          row.name)

    Operation(dialog, lambda: services.billing.cycles(actor)).success(fill).failure(
        dialog.failed).run_in_background()
    return combo


def labelled(text: str, widget: QWidget) -> QHBoxLayout:
    caption = QLabel(f"{text}:")
    caption.setBuddy(widget)
    line = QHBoxLayout()
    line.addWidget(caption)
    line.addWidget(widget, 1)
    return line


class BulkBillDialog(QuickActionDialog):
    """Pick a cycle, run it in the Billing module's run dialog (off the GUI thread, with progress)."""

    def __init__(self, services: Services, actor: Actor, display: Display, parent=None) -> None:
        super().__init__("Bulk Bill Generation", parent)
        self.services, self.actor = services, actor
        self.cycle = cycle_picker(self, services, actor, "Billing cycle")
        self.run_button = named(QPushButton("Run billing"), "Run billing")
        self.run_button.clicked.connect(self.run)
        self.run_dialog: RunDialog | None = None
        line = labelled("Billing cycle", self.cycle)
        line.addWidget(self.run_button)
        self.body.addLayout(line)
        self.resize(640, 160)
        keyboard_dialog(self, accept=self.run_button, first=self.cycle)

    def run(self) -> None:
        name = self.cycle.currentData()
        if not name:
            self.say("Billing cycle: choose the cycle to bill", problem=True)
            return
        try:
            scope = self.services.billing.cycle_scope(name)
        except Exception as error:  # noqa: BLE001 - shown in the dialog
            self.failed(error)
            return
        self.run_dialog = RunDialog(self.services, self.actor, scope, self)
        dialog = self.run_dialog
        dialog.run_finished.connect(lambda changes: self._ran(scope, dialog.result, changes))
        dialog.show()

    def _ran(self, scope: RunScope, result: RunProgress | None, changes: Changes) -> None:
        if result is not None:
            self.did(f"{scope.label}: {result.billed:,} bill(s) generated, {result.skipped:,} already "
                     f"billed, {result.failed:,} sent to the exceptions queue")
        self.changed.emit(changes)


class SingleBillDialog(QuickActionDialog):
    """Find one consumer, bill their account for its zone's latest cycle, show the bill."""

    def __init__(self, services: Services, actor: Actor, display: Display, parent=None) -> None:
        super().__init__("Single Bill Generation", parent)
        self.services, self.actor = services, actor
        self.picker = ConsumerPicker(services, actor, display)
        self.picker.picked.connect(self._picked)
        self.picker.search.textEdited.connect(lambda _text: self.generate_button.setEnabled(False))
        self.generate_button = named(QPushButton("Generate bill"), "Generate bill")
        self.generate_button.setEnabled(False)
        self.generate_button.clicked.connect(self.generate)
        self.bill = BillPanel(services, actor)
        self.account_no = ""
        self.body.addWidget(self.picker)
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(self.generate_button)
        self.body.addLayout(line)
        self.body.addWidget(self.bill, 1)
        self.resize(900, 700)
        # Generate bill is enabled only once a consumer is picked, and disabled again as soon as
        # the search changes: Enter in the search finds, it never bills the previous consumer.
        keyboard_dialog(self, accept=self.generate_button, first=self.picker.search)

    def _picked(self, account) -> None:
        self.account_no = account.account_no
        self.generate_button.setEnabled(True)
        self.generate_button.setFocus()

    def generate(self) -> None:
        try:
            scope = self.services.billing.account_scope(self.account_no)
        except Exception as error:  # noqa: BLE001 - shown in the dialog (e.g. several accounts)
            self.failed(error)
            return
        self.generate_button.setEnabled(False)
        Operation(self, lambda: self._bill(scope), writes=True, label="Generating the bill…").success(
            self._generated).failure(self._not_generated).run_in_background()

    def _bill(self, scope: RunScope):
        result = self.services.billing.generate(self.actor, scope)
        invoice = self.services.dashboard.bill_for(self.actor, scope.account_no, scope.period_start)
        detail = self.services.billing.bill(self.actor, invoice) if invoice else None
        return scope, result, detail

    def _generated(self, outcome) -> None:
        scope, result, detail = outcome
        self.generate_button.setEnabled(True)
        if result.billed and detail is not None:
            self.did(f"{detail.invoice_no} generated for {scope.account_no}")
            self.changed.emit(Changes.of(BILLS, LEDGER))
        elif result.skipped and detail is not None:
            self.did(f"{scope.account_no} was already billed for this period: {detail.invoice_no}")
        else:
            self.did(f"{scope.account_no} could not be billed: it is in the exceptions queue")
        if detail is not None:
            self.bill.invoice.setText(detail.invoice_no)
            self.bill.show_bill(detail)

    def _not_generated(self, error: Exception) -> None:
        self.generate_button.setEnabled(True)
        self.failed(error)


class ExceptionsDialog(QuickActionDialog):
    """The Billing module's exceptions workflow (review, resolve, escalate, assign) over the
    dashboard, filtered to the category chosen on the Exceptions tab."""

    def __init__(self, services: Services, actor: Actor, category: str | None = None, parent=None) -> None:
        super().__init__("Billing exceptions", parent)
        self.panel = ExceptionsPanel(services, actor)
        self.body.addWidget(self.panel, 1)
        index = self.panel.category.findText(category) if category else -1
        if index > 0:
            self.panel.category.setCurrentIndex(index)  # refreshes the list
        else:
            self.panel.refresh()
        self.resize(1100, 600)
        keyboard_dialog(self, accept=self.panel.action_buttons["Add note"], first=self.panel.note)

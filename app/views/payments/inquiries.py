"""A payment's inquiries and disputes in Payment details: their history, Log inquiry and Resolve."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission, can
from app.domain.payments.inquiries import INQUIRY_TYPES, SATISFACTION
from app.services.core.changes import INQUIRIES, Changes
from app.services.core.context import Actor
from app.services.payments.inquiries import InquiryItem
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form, multiline
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, Section, error_label, show_error


def summary(display: Display, item: InquiryItem) -> str:
    """Rich text: the type in bold, then what was said and done (escaped: typed by people)."""
    opened = f"<b>{escape(item.inquiry_type)}</b> · opened {display.moment(item.opened_at)} by " \
             f"{escape(item.opened_by)}"
    lines = [opened] + ([escape(item.notes)] if item.notes else [])
    if item.is_open:
        lines.append("Open")
    else:
        escalated = ", escalated" if item.escalated else ""
        lines.append(f"Resolved {display.moment(item.resolved_at)} by {escape(item.resolved_by)} "
                     f"in {item.resolution_minutes} min{escalated}; customer {item.satisfaction.lower()}")
        lines.append(f"Outcome: {escape(item.outcome)}")
    return "<br>".join(line.replace("\n", "<br>") for line in lines)


def _buttons(dialog: QDialog, accept_text: str) -> tuple[QHBoxLayout, QPushButton]:
    accept = named(QPushButton(accept_text), accept_text)
    cancel = named(QPushButton("Cancel"), "Cancel")
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(cancel)
    row.addWidget(accept)
    return row, accept


class InquiriesSection(Section):
    """The payment's inquiries, oldest first; Log inquiry and Resolve for those who handle them."""

    changed = Signal(object)  # Changes
    shown = Signal()  # the history arrived: the section's height may have changed

    def __init__(self, services: Services, actor: Actor, display: Display, payment_id: str) -> None:
        super().__init__("Inquiries and disputes")
        self.services, self.actor, self.display = services, actor, display
        self.payment_id = payment_id
        self.items: list[InquiryItem] = []
        self.loaded = False
        self.rows = QVBoxLayout()
        self.rows.setSpacing(10)
        # a line from the start, so the section keeps its height when the history arrives
        self.rows.addWidget(named(QLabel("Loading inquiries…"), "Loading inquiries"))
        self.form.addRow(self.rows)
        self.log_button = named(QPushButton("Log inquiry"), "Log inquiry")
        self.resolve_button = named(QPushButton("Resolve inquiry"), "Resolve inquiry")
        self.log_button.clicked.connect(self.log_inquiry)
        self.resolve_button.clicked.connect(self.resolve_inquiry)
        actions = QHBoxLayout()
        actions.addWidget(self.log_button)
        actions.addWidget(self.resolve_button)
        actions.addStretch(1)
        self.form.addRow(actions)
        allowed = can(actor.role, Permission.HANDLE_INQUIRIES)
        self.log_button.setVisible(allowed)
        self.resolve_button.setVisible(False)
        self.allowed = allowed
        self.load()

    def load(self) -> None:
        Background(self, lambda: self.services.inquiries.for_payment(self.actor, self.payment_id)) \
            .success(self.show_items).run_in_background()

    def show_items(self, items: list[InquiryItem]) -> None:
        self.items, self.loaded = items, True
        while self.rows.count():
            old = self.rows.takeAt(0).widget()
            old.hide()
            old.deleteLater()
        if not items:
            self.rows.addWidget(named(QLabel("No inquiries logged"), "No inquiries logged"))
        for number, item in enumerate(items, 1):
            label = named(QLabel(summary(self.display, item)), f"Inquiry {number}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            self.rows.addWidget(label)
        self.resolve_button.setVisible(self.allowed and any(i.is_open for i in items))
        self.shown.emit()

    def log_inquiry(self) -> None:
        dialog = LogInquiryDialog(self.services, self.actor, self.payment_id, self.window())
        dialog.logged.connect(self._done)
        dialog.open()

    def resolve_inquiry(self) -> None:
        dialog = ResolveInquiryDialog(self.services, self.actor, self.display,
                                      [i for i in self.items if i.is_open], self.window())
        dialog.resolved.connect(self._done)
        dialog.open()

    def _done(self, changes) -> None:
        self.changed.emit(changes)
        self.load()


class LogInquiryDialog(QDialog):
    logged = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, payment_id: str, parent=None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.payment_id = services, actor, payment_id
        named(self, "Log inquiry")
        self.setWindowTitle("Log payment inquiry")
        self.inquiry_type = named(QComboBox(), "Inquiry type")
        self.inquiry_type.addItems(INQUIRY_TYPES)
        self.notes = multiline(named(QPlainTextEdit(), "Notes"))
        self.notes.setPlaceholderText("What the customer says (required for Other)")
        form = Form()
        form.addRow("Inquiry type:", self.inquiry_type)
        form.addRow("Notes:", self.notes)
        self.error = error_label("Log inquiry")
        buttons, self.log_button = _buttons(self, "Log inquiry")
        self.log_button.clicked.connect(self.log)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(480, 300)
        keyboard_dialog(self, accept=self.log_button, first=self.inquiry_type)

    def log(self) -> None:
        kind, notes = self.inquiry_type.currentText(), self.notes.toPlainText()
        self.log_button.setEnabled(False)

        def done(_item) -> None:
            self.logged.emit(Changes.of(INQUIRIES))
            self.accept()

        Background(self, lambda: self.services.inquiries.log(self.actor, self.payment_id, kind, notes),
                   writes=True).success(done).failure(self._failed).run_in_background()

    def _failed(self, error: Exception) -> None:
        self.log_button.setEnabled(True)
        show_error(self.error, str(error) if isinstance(error, ValidationError) else
                   f"Not logged: {error}")


class ResolveInquiryDialog(QDialog):
    resolved = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, display: Display,
                 open_items: list[InquiryItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.open_items = services, actor, open_items
        named(self, "Resolve inquiry")
        self.setWindowTitle("Resolve payment inquiry")
        self.inquiry = named(QComboBox(), "Inquiry")
        for item in open_items:
            self.inquiry.addItem(f"{item.inquiry_type} · {display.moment(item.opened_at)}")
        self.outcome = multiline(named(QPlainTextEdit(), "Outcome"))
        self.outcome.setPlaceholderText("How it was resolved")
        self.satisfaction = named(QComboBox(), "Customer satisfaction")
        self.satisfaction.addItems(SATISFACTION)
        self.escalate = named(QCheckBox("&Escalate to a supervisor"), "Escalate to a supervisor")
        form = Form()
        form.addRow("Inquiry:", self.inquiry)
        form.addRow("Outcome:", self.outcome)
        form.addRow("Customer satisfaction:", self.satisfaction)
        form.addRow("", self.escalate)
        self.error = error_label("Resolve inquiry")
        buttons, self.resolve_button = _buttons(self, "Resolve")
        self.resolve_button.clicked.connect(self.resolve)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(500, 340)
        keyboard_dialog(self, accept=self.resolve_button, first=self.outcome)

    def resolve(self) -> None:
        if not self.open_items:
            return
        item = self.open_items[max(0, self.inquiry.currentIndex())]
        outcome, satisfaction = self.outcome.toPlainText(), self.satisfaction.currentText()
        escalate = self.escalate.isChecked()
        self.resolve_button.setEnabled(False)
        Background(self, lambda: self.services.inquiries.resolve(
            self.actor, item.inquiry_id, outcome, escalate, satisfaction), writes=True) \
            .success(self._done).failure(self._failed).run_in_background()

    def _done(self, changes) -> None:
        self.resolved.emit(changes)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.resolve_button.setEnabled(True)
        show_error(self.error, str(error) if isinstance(error, ValidationError) else
                   f"Not resolved: {error}")

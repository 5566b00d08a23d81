"""Raising a request at the counter or on the phone: find and verify the customer (which locks
the profile, renewed every minute), the type from the customer's status, reason, preferred
date and slot, notes, a read-only review, the notification checkbox, Submit Request. Keyboard
order follows the form; Esc cancels (and releases the lock)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.requests.disconnection import request_type_for
from app.domain.requests.form import ReasonChoice
from app.services.core.context import Actor
from app.services.payments.posting import AccountView
from app.services.registry import Services
from app.services.requests import CreatedRequest, RequestDraft
from app.views.common.forms import DateEdit
from app.views.common.widgets import named
from app.views.disconnections.receipt_panel import ReceiptPanel
from app.views.payments.consumer_picker import ConsumerPicker
from app.views.payments.display import (
    Background,
    Display,
    Section,
    error_label,
    from_qdate,
    show_error,
    to_qdate,
)

RENEW_MS = 60_000
REVIEW_ROWS = ("Customer name", "Account number", "Customer type", "Service address", "Phone",
               "Request type", "Reason", "Scheduled date", "Time slot")
FIELD_ERRORS = ("Customer", "Reason", "Preferred date", "Time slot", "Additional notes",
                "Customer notification")


class CreateRequestFlow(QWidget):
    finished = Signal(object)  # CreatedRequest or None (cancelled)
    open_request = Signal(str)

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        named(self, "New request")
        self.services, self.actor, self.display = services, actor, display
        self.account: AccountView | None = None
        self.verified = False
        self.reasons: list[ReasonChoice] = []
        self.category = ""
        slots, _close, self.notes_max, self.today = services.requests.form_choices(actor)
        self.picker = ConsumerPicker(services, actor, display)
        self.verify_button = named(QPushButton("Verify customer"), "Verify customer")
        self.lock_label = named(QLabel(""), "Profile lock")
        self.type_label = named(QLabel("—"), "Request type")
        self.reason = named(QComboBox(), "Reason")
        self.description = named(QLabel(""), "Reason description")
        self.date = named(DateEdit(), "Preferred date")
        self.date.setCalendarPopup(True)
        self.date.setMinimumDate(to_qdate(self.today))  # AC004: the picker offers no past day
        self.date.setDate(to_qdate(self.today))
        self.slot = named(QComboBox(), "Time slot")
        self.slot.addItems(slots)
        self.notes = named(QPlainTextEdit(), "Additional notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.notes_count = named(QLabel(f"0/{self.notes_max}"), "Additional notes count")
        self.notify = named(QCheckBox("Send customer notification (email)"), "Send customer notification (email)")
        self.notify.setChecked(True)
        self.submit = named(QPushButton("Submit Request"), "Submit Request")
        self.cancel = named(QPushButton("Cancel"), "Cancel")
        self.errors = {field: error_label(field) for field in FIELD_ERRORS}
        self.review = Section("Review")
        self.review_values = {row: self.review.row(row, "") for row in REVIEW_ROWS}
        self.receipt = ReceiptPanel(services, actor)
        self.renewal = QTimer(self)
        self.renewal.setInterval(RENEW_MS)
        self._layout()
        self._connect()
        self._set_verified(False)

    def _layout(self) -> None:
        customer = QGroupBox("Customer")
        box = QVBoxLayout(customer)
        box.addWidget(self.picker)
        line = QHBoxLayout()
        line.addWidget(self.verify_button)
        line.addWidget(self.lock_label, 1)
        box.addLayout(line)
        box.addWidget(self.errors["Customer"])
        details = QGroupBox("Request details")
        form = QFormLayout(details)
        form.addRow("Request type:", self.type_label)
        for label, widget in (("&Reason", self.reason), ("Preferred &date", self.date),
                              ("&Time slot", self.slot), ("Additional &notes", self.notes)):
            caption = QLabel(label + ":")
            caption.setBuddy(widget)
            form.addRow(caption, widget)
            field = label.replace("&", "")
            if field in self.errors:
                form.addRow("", self.errors[field])
            if widget is self.reason:
                form.addRow("", self.description)
        form.addRow("", self.notes_count)
        left = QVBoxLayout()
        left.addWidget(customer)
        left.addWidget(details)
        right = QVBoxLayout()
        right.addWidget(self.review)
        right.addWidget(self.notify)
        right.addWidget(self.errors["Customer notification"])
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        right.addLayout(buttons)
        right.addWidget(self.receipt)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

    def _connect(self) -> None:
        self.picker.picked.connect(self._picked)
        self.verify_button.clicked.connect(self.verify)
        self.reason.currentIndexChanged.connect(lambda _i: self._update_review())
        self.date.dateChanged.connect(lambda _d: self._update_review())
        self.slot.currentIndexChanged.connect(lambda _i: self._update_review())
        self.notes.textChanged.connect(self._notes_changed)
        self.submit.clicked.connect(self.submit_request)
        self.cancel.clicked.connect(self.cancel_request)
        self.renewal.timeout.connect(self._renew)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel_request)
        self.receipt.add_another.connect(self.start)
        self.receipt.view_request.connect(self.open_request.emit)

    # steps -------------------------------------------------------------------------------------

    def start(self) -> None:
        """A fresh form (also "Add another request")."""
        self.account, self.verified = None, False
        self.picker.clear()
        self.picker.reset_account()
        self.notes.clear()
        self.notify.setChecked(True)
        self.date.setDate(to_qdate(self.today))
        self.receipt.hide()
        self._clear_errors()
        self._set_verified(False)
        self.picker.search.setFocus()

    def _picked(self, account: AccountView) -> None:
        if self.verified and self.account and self.account.consumer_id != account.consumer_id:
            self._release()
        self.account = account
        self._set_verified(False)
        self.verify_button.setEnabled(True)
        Background(self, lambda: self.services.requests.lock_status(self.actor, account.consumer_id)) \
            .success(self._show_lock).run_in_background()

    def _show_lock(self, lock) -> None:
        if lock.holder and lock.holder != self.actor.username:
            self.lock_label.setText(f"Locked by {lock.holder} until {self.display.moment(lock.until)}")
        else:
            self.lock_label.setText("Not verified yet")

    def verify(self) -> None:
        if self.account is None:
            show_error(self.errors["Customer"], "Customer: search for and select a customer first")
            return
        account, requests = self.account, self.services.requests
        request_type = request_type_for(account.status)

        def work():
            lock = requests.verify_and_lock(self.actor, account.consumer_id)
            return (lock, requests.consumer_card(self.actor, account.consumer_id),
                    requests.reason_choices(self.actor, request_type))

        Background(self, work, writes=True).success(lambda found: self._verified(request_type, *found)) \
            .failure(lambda error: show_error(self.errors["Customer"], str(error))).run_in_background()

    def _verified(self, request_type: str, lock, card, reasons: list[ReasonChoice]) -> None:
        show_error(self.errors["Customer"], "")
        self.lock_label.setText(f"Verified · profile locked by you until {self.display.moment(lock.until)}")
        self.category = " / ".join(part for part in (card.category, card.sub_category) if part)
        self.type_label.setText(f"{request_type} Request")
        self.reasons = reasons
        self.reason.clear()
        for choice in self.reasons:
            self.reason.addItem(f"{choice.reason} ({choice.code}) · {choice.priority}", choice.code)
        self._set_verified(True)
        self.renewal.start()
        self.reason.setFocus()

    def _set_verified(self, verified: bool) -> None:
        self.verified = verified
        for widget in (self.reason, self.date, self.slot, self.notes, self.notify, self.submit):
            widget.setEnabled(verified)
        self.verify_button.setEnabled(self.account is not None and not verified)
        if not verified:
            self.renewal.stop()
            self.type_label.setText("—")
            self.reason.clear()
        self._update_review()

    def _renew(self) -> None:
        if self.account is not None and self.verified:
            consumer_id = self.account.consumer_id
            Background(self, lambda: self.services.requests.renew_lock(self.actor, consumer_id),
                       writes=True).failure(self._lost_lock).run_in_background()

    def _lost_lock(self, error: Exception) -> None:
        self._set_verified(False)
        show_error(self.errors["Customer"], str(error))

    def _notes_changed(self) -> None:
        text = self.notes.toPlainText()
        if len(text) > self.notes_max:  # AC006: the box takes no more than the limit
            self.notes.setPlainText(text[:self.notes_max])
            self.notes.moveCursor(self.notes.textCursor().MoveOperation.End)
            return
        self.notes_count.setText(f"{len(text)}/{self.notes_max}")

    def _update_review(self) -> None:
        a = self.account
        choice = self._reason()
        self.description.setText(choice.description if choice else "")
        values = (a.name if a else "", a.account_no if a else "", self.category if self.verified else "",
                  a.service_address if a else "", a.phone if a else "",
                  self.type_label.text() if self.verified else "",
                  f"{choice.reason} ({choice.code})" if choice else "",
                  self.display.day(from_qdate(self.date.date())) if self.verified else "",
                  self.slot.currentText() if self.verified else "")
        for row, value in zip(REVIEW_ROWS, values, strict=True):
            self.review_values[row].setText(value)

    def _reason(self) -> ReasonChoice | None:
        code = self.reason.currentData()
        return next((r for r in self.reasons if r.code == code), None)

    # submit and cancel -------------------------------------------------------------------------

    def draft(self) -> RequestDraft:
        return RequestDraft(self.account.consumer_id if self.account else "", self.reason.currentData() or "",
                            from_qdate(self.date.date()), self.slot.currentText(),
                            self.notes.toPlainText(), self.notify.isChecked())

    def submit_request(self) -> None:
        self._clear_errors()
        draft = self.draft()
        Background(self, lambda: self.services.requests.create_request(self.actor, draft), writes=True,
                   label="Submitting the request…").success(self._submitted) \
            .failure(self._refused).run_in_background()

    def _submitted(self, created: CreatedRequest) -> None:
        self.renewal.stop()
        self.verified = False
        self.receipt.show_created(created)
        self.finished.emit(created)

    def _refused(self, error: Exception) -> None:
        if isinstance(error, ValidationError) and error.field in self.errors:
            show_error(self.errors[error.field], str(error))
        else:
            show_error(self.errors["Customer"], str(error))

    def cancel_request(self) -> None:
        self._release()
        self._set_verified(False)
        self.finished.emit(None)

    def _release(self) -> None:
        if self.account is not None and self.verified:
            consumer_id = self.account.consumer_id
            Background(self, lambda: self.services.requests.release_lock(self.actor, consumer_id),
                       writes=True).run_in_background()

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            show_error(label, "")

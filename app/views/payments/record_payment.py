"""Record Payment as three steps on one page: the form, Review & Confirm, and the receipt.

Keys: Enter in Find consumer takes the first match; Ctrl+Enter reviews, then
confirms (Enter confirms too); Esc goes back a step; F2 or Ctrl+N starts the
next payment. A cash payment of a current bill needs the account number and
four keys: F2, Enter, Ctrl+Enter, Enter.
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QStackedWidget, QWidget

from app.domain.core.errors import ValidationError
from app.domain.payments.method_details import check_details, detail_rows
from app.services.core.changes import Changes
from app.services.core.context import Actor
from app.services.payments.posting import PostedPayment
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.payments.cash_pieces import CashPiecesPad
from app.views.payments.display import Background, Display
from app.views.payments.method_details_box import MethodDetailsBox
from app.views.payments.payment_form import PaymentForm
from app.views.payments.posted_panel import PostedPanel
from app.views.payments.review_panel import ReviewPanel

FORM, REVIEW, POSTED = range(3)


def _insert_after(root: QWidget, anchor: QWidget, widget: QWidget) -> None:
    """Put `widget` on the row below `anchor` in whichever form layout of `root` holds it."""
    for layout in root.findChildren(QFormLayout):
        row, _role = layout.getWidgetPosition(anchor)
        if row >= 0:
            layout.insertRow(row + 1, "", widget)
            return
    raise LookupError("the anchor is not in a form layout")


class RecordPaymentFlow(QStackedWidget):
    recorded = Signal(object)  # Changes
    finished = Signal()  # back to the landing page
    open_credit_note = Signal(str)

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        named(self, "Record Payment")
        self.services, self.actor = services, actor
        self.form = PaymentForm(services, actor, display)
        self.pieces = CashPiecesPad(self.form.settings.denominations(), display)
        self.form.cash_box.layout().insertRow(2, "Notes and coins", self.pieces)
        self.method_details = MethodDetailsBox(self.form.today)
        _insert_after(self.form, self.form.cash_box, self.method_details)
        self.review = ReviewPanel(display)
        self.posted = PostedPanel(services, actor, display)
        for step in (self.form, self.review, self.posted):
            self.addWidget(step)
        self._started = time.monotonic()
        self._posting = False
        self._connect()

    def _connect(self) -> None:
        for edit in (self.form.amount, self.form.tendered):
            edit.textChanged.connect(lambda _t: self._cash_changed())
        self.form.change_choice.buttonToggled.connect(lambda *_: self._cash_changed())
        self.form.method.currentIndexChanged.connect(lambda _i: self._cash_changed())
        self.form.method.currentTextChanged.connect(self.method_details.show_for)
        self.form.items.itemSelectionChanged.connect(self._cash_changed)
        self.form.review_requested.connect(self.to_review)
        self.form.cancel_requested.connect(self.finished.emit)
        self.review.confirmed.connect(self.confirm)
        self.review.back.connect(self.to_form)
        self.posted.record_another.connect(self.start)
        self.posted.return_to_dashboard.connect(self.finished.emit)
        self.posted.open_credit_note.connect(self.open_credit_note.emit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            self._shortcut(keys, self.next_step)
        self._shortcut("Escape", self.step_back)

    def _shortcut(self, keys: str, slot) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _cash_changed(self) -> None:
        """The pad follows the amounts: the notes received and the change of this payment."""
        try:
            self.pieces.show_for(self.form.validate().cash)
        except ValidationError:
            self.pieces.show_for(None)

    def start(self) -> None:
        """A new, empty payment with the cursor in Find consumer."""
        self._started = time.monotonic()
        self.setCurrentIndex(FORM)
        self.form.reset()
        self.method_details.show_for("")  # a new payment starts with empty details
        self.method_details.show_for(self.form.method.currentText())
        self._cash_changed()
        self.form.picker.search.setFocus()

    def step(self) -> QWidget:
        return self.currentWidget()

    def next_step(self) -> None:
        if self.currentIndex() == FORM:
            self.to_review()
        elif self.currentIndex() == REVIEW:
            self.confirm()

    def step_back(self) -> None:
        if self.currentIndex() == REVIEW and not self._posting:
            self.to_form()
        elif self.currentIndex() == POSTED:
            self.finished.emit()

    def to_form(self) -> None:
        self.setCurrentIndex(FORM)
        self.form.review_button.setFocus()

    def to_review(self) -> None:
        data = self.form.review_data()
        if data is None:
            return
        try:  # the same rules the service applies, before the Review step
            about = check_details(data.valid.method, self.method_details.values(),
                                  self.form.today())
        except ValidationError as error:
            self.method_details.show_validation(error)
            return
        self.setCurrentIndex(REVIEW)
        self.review.show_review(data, self.form.settings.money("counter.change_confirm_limit"))
        for label, value in detail_rows(data.valid.method, about):
            self.review.sections[1].row(label, value)

    def confirm(self) -> None:
        if self._posting or self.currentIndex() != REVIEW or not self.review.may_confirm():
            return
        self._posting = True
        self.review.set_busy(True)
        request = replace(self.form.request(seconds_taken=int(time.monotonic() - self._started)),
                          change_confirmed=self.review.change_confirmed,
                          received_pieces=self.pieces.received, change_pieces=self.pieces.change,
                          method_details=self.method_details.values())
        Background(self, lambda: self.services.payments.record_payment(self.actor, request),
                  writes=True, label="Posting the payment…") \
            .success(self._posted).failure(self._not_posted).run_in_background()

    def _posted(self, posted: PostedPayment) -> None:
        self._posting = False
        self.setCurrentIndex(POSTED)
        self.posted.show_posted(posted, print_now=self.services.receipts.printer_configured())
        self.recorded.emit(posted.changes)

    def _not_posted(self, error: Exception) -> None:
        self._posting = False
        if isinstance(error, ValidationError):
            self.setCurrentIndex(FORM)
            if not self.method_details.show_validation(error):
                self.form.show_validation(error)
            return
        self.review.show_failure(f"The payment was not recorded: {error}. Nothing was saved.")

    def changes(self) -> Changes:
        return self.posted.posted.changes if self.posted.posted else Changes()

"""The Record Payment form, one keyboard-first page: consumer, channel, type and item, method,
amount (tendered, change or keep on account for cash, and the notes and coins to hand back from
the drawer), date, notes and a live summary.

The form checks a payment with the same domain rules the service applies
(validate_request), so a message appears beside the field before posting;
the service checks again when the payment is confirmed.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.core.money import minor_digits
from app.domain.payments.rules import (
    CASH,
    PaymentLimits,
    PaymentRequest,
    ValidPayment,
    validate_request,
)
from app.services.cash.sessions import CashSessionsService
from app.services.core.context import Actor
from app.services.payments.posting import AccountView, PayableItem
from app.services.registry import Services
from app.views.common.forms import DateEdit, Form, multiline
from app.views.common.widgets import named
from app.views.payments.cash_session_notice import CashSessionNotice
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
from app.views.payments.hand_back import HandBackLine
from app.views.payments.open_items import OpenItemsTable
from app.views.payments.payment_summary import ReviewData, summary_rows

ITEM_CAPTIONS = {"Bill": "Current bills", "Service": "Unpaid services",
                 "Installment": "Unpaid installments"}
SUMMARY_ROWS = ("Payment amount", "Payment method", "Open amount", "Difference", "Amount received",
                "Change due", "Balance after payment")
FIELDS = ("Consumer", "Channel", "Payment type", "Open items", "Payment method", "Amount",
          "Amount received", "Payment date", "Notes")


def _amount_edit(name: str, digits: int) -> QLineEdit:
    edit = named(QLineEdit(), name)
    pattern = r"^\d{0,10}$" if digits == 0 else rf"^\d{{0,10}}(\.\d{{0,{digits}}})?$"
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), edit))
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    edit.setMaximumWidth(180)
    return edit


class PaymentForm(QWidget):
    review_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        named(self, "Record Payment form")
        self.services, self.actor, self.display = services, actor, display
        self.options = services.payments.form_options(actor)
        self.settings = services.settings.current()
        self.touched: set[str] = set()
        self._tendered_edited = False
        self._generation = 0
        self._build_fields()
        self._layout()
        self._connect()
        self.reset()

    # building -----------------------------------------------------------------------------

    def _build_fields(self) -> None:
        o = self.options
        self.picker = ConsumerPicker(self.services, self.actor, self.display)
        self.channel = named(QComboBox(), "Channel")
        self.channel.addItems(o.channels)
        self.payment_type = named(QComboBox(), "Payment type")
        self.payment_type.addItems(o.payment_types)
        self.items_caption = named(QLabel(""), "Open items caption")
        self.items = OpenItemsTable(self.display)
        self.method = named(QComboBox(), "Payment method")
        self.method.addItems(o.methods)
        hint = " · ".join(f"Alt+{n} {m}" for n, m in enumerate(o.methods[:9], 1))
        self.method_hint = named(QLabel(hint), "Payment method keys")
        self.method_hint.setStyleSheet("color: #5b6775;")
        self.method_hint.setWordWrap(True)
        digits = minor_digits(o.currency)
        self.amount = _amount_edit("Amount", digits)
        self.tendered = _amount_edit("Amount received", digits)
        self.change_due = named(QLabel(""), "Change due")
        self.change_due.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.hand_back = HandBackLine(CashSessionsService(self.services.app), self.actor, self.display)
        self.session_notice = CashSessionNotice(self.services, self.actor)
        self.give_change = named(QRadioButton("&Give change"), "Give change")
        self.keep_on_account = named(QRadioButton("&Keep on account"), "Keep on account")
        self.change_choice = QButtonGroup(self)
        for button in (self.give_change, self.keep_on_account):
            self.change_choice.addButton(button)
        self.paid_on = named(DateEdit(), "Payment date")
        self.paid_on.setCalendarPopup(True)
        self.paid_on.setDisplayFormat(self.display.qt_date_format)
        self.notes = multiline(named(QPlainTextEdit(), "Notes"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)
        self.notes_count = named(QLabel(""), "Notes characters")
        self.summary = Section("Payment summary")
        self.summary_values = {row: self.summary.row(row, "") for row in SUMMARY_ROWS}
        self.review_button = named(QPushButton("Review && Confirm"), "Review & Confirm")
        self.review_button.setToolTip("Ctrl+Enter")
        self.cancel_button = named(QPushButton("Cancel"), "Cancel")
        self.errors = {field: error_label(field) for field in FIELDS}
        self.errors["Consumer"] = self.picker.error

    def _row(self, form: QFormLayout, text: str, field: str, *widgets: QWidget,
             wide: bool = False) -> None:
        label = QLabel(text)
        label.setBuddy(widgets[0])
        box = QVBoxLayout()
        box.setSpacing(1)
        line = QHBoxLayout()
        for widget in widgets:
            line.addWidget(widget)
        if not wide:
            line.addStretch(1)
        box.addLayout(line)
        if field != "Consumer":
            box.addWidget(self.errors[field])
        form.addRow(label, box)

    def _layout(self) -> None:
        cash = QGroupBox("Cash")
        named(cash, "Cash")
        cash_form = Form(cash)
        cash_form.addRow(self.session_notice)  # no room taken while hidden
        self._row(cash_form, "Amount &received", "Amount received", self.tendered)
        change = QVBoxLayout()
        change.setSpacing(2)
        change.addWidget(self.change_due)
        change.addWidget(self.hand_back)  # takes no room while hidden
        cash_form.addRow("Change due", change)
        choice = QHBoxLayout()
        choice.addWidget(self.give_change)
        choice.addWidget(self.keep_on_account)
        choice.addStretch(1)
        cash_form.addRow("Extra cash", choice)
        self.cash_box = cash
        form = Form()
        self._row(form, "C&hannel", "Channel", self.channel)
        self._row(form, "Payment &type", "Payment type", self.payment_type)
        form.addRow("", self.items_caption)
        self._row(form, "&Open items", "Open items", self.items, wide=True)
        self._row(form, "Payment &method", "Payment method", self.method)
        form.addRow("", self.method_hint)
        self._row(form, "&Amount", "Amount", self.amount)
        form.addRow("", cash)
        self._row(form, "Payment &date", "Payment date", self.paid_on)
        self._row(form, "&Notes", "Notes", self.notes, wide=True)
        form.addRow("", self.notes_count)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.review_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addStretch(1)
        right.addLayout(buttons)
        left = QVBoxLayout()
        left.addWidget(QLabel("<h2>Record Payment</h2>"))
        left.addWidget(self.picker)
        left.addWidget(self.summary)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)  # the open items' columns whole on a 1280-pixel screen

    def _connect(self) -> None:
        self.picker.picked.connect(self._consumer_picked)
        self.payment_type.currentIndexChanged.connect(lambda _i: self._load_items())
        self.items.changed.connect(self._item_chosen)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.amount.textEdited.connect(self._amount_edited)
        self.tendered.textEdited.connect(self._tendered_changed)
        self.change_choice.buttonToggled.connect(lambda *_: self._edited("Amount received"))
        self.paid_on.dateChanged.connect(lambda _d: self._edited("Payment date"))
        self.notes.textChanged.connect(self._notes_changed)
        self.channel.currentIndexChanged.connect(lambda _i: self._edited("Channel"))
        self.review_button.clicked.connect(self.review_requested.emit)
        self.session_notice.opened.connect(self.review_button.setFocus)
        self.cancel_button.clicked.connect(self.cancel_requested.emit)
        for number in range(1, min(len(self.options.methods), 9) + 1):
            key = QShortcut(QKeySequence(f"Alt+{number}"), self)
            key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            key.activated.connect(lambda n=number: self.method.setCurrentIndex(n - 1))

    # state ------------------------------------------------------------------------------------

    def reset(self) -> None:
        """A fresh form: default channel, Bill, the first payment method, today."""
        self.picker.clear()
        self.picker.reset_account()
        self.channel.setCurrentText(self.options.default_channel)
        self.payment_type.setCurrentIndex(0)
        self.method.setCurrentIndex(0)
        self.give_change.setChecked(True)
        self.paid_on.setDate(to_qdate(self.today()))
        self.notes.clear()
        self._fill_items([])
        self._set_amount("")
        self.touched.clear()
        self._method_changed()
        for label in self.errors.values():
            show_error(label, "")
        self.picker.search.setFocus()

    def today(self):
        return self.services.app.clock.today(self.display.tz)

    @property
    def account(self) -> AccountView | None:
        return self.picker.account

    def selected_item(self) -> PayableItem | None:
        return self.items.selected()

    def _consumer_picked(self, _account: AccountView) -> None:
        show_error(self.errors["Consumer"], "")
        self._load_items(focus_amount=True)

    def _load_items(self, focus_amount: bool = False) -> None:
        account = self.account
        kind = self.payment_type.currentText()
        self.items_caption.setText(ITEM_CAPTIONS.get(kind, ""))
        if account is None:
            return
        self._generation += 1
        generation = self._generation

        def loaded(items: list[PayableItem]) -> None:
            if generation != self._generation:
                return
            self._fill_items(items)
            if not items:
                self.items_caption.setText(f"No {ITEM_CAPTIONS[kind].lower()} for {account.name}")
            if focus_amount:
                self.amount.setFocus()
                self.amount.selectAll()

        Background(self, lambda: self.services.payments.payable_items(
            self.actor, account.consumer_id, kind)) \
            .success(loaded).failure(lambda e: show_error(self.errors["Open items"], str(e))) \
            .run_in_background()

    def _fill_items(self, items: list[PayableItem]) -> None:
        self.items.show_items(items)  # the first (oldest due) is preselected
        if not items:
            self._refresh_summary()

    def _item_chosen(self, by_cashier: bool = False) -> None:
        """The amount follows the ticked items: their Paying amounts together."""
        total = self.items.total(self.payment_type.currentText() or "Open items")
        if total is not None:
            self._set_amount(str(total.amount))
        self._edited("Open items") if by_cashier else self._refresh_summary()

    def _set_amount(self, text: str) -> None:
        self.amount.setText(text)
        if not self._tendered_edited or not text:
            self.tendered.setText(text)
            self._tendered_edited = False

    def _amount_edited(self, text: str) -> None:
        if not self._tendered_edited:
            self.tendered.setText(text)
        self._edited("Amount")

    def _tendered_changed(self, _text: str) -> None:
        self._tendered_edited = True
        self._edited("Amount received")

    def _method_changed(self) -> None:
        self.cash_box.setVisible(self.method.currentText() == CASH)
        self.session_notice.refresh()
        self._edited("Payment method")

    def _notes_changed(self) -> None:
        most = self.options.notes_max_length
        self.notes_count.setText(f"{len(self.notes.toPlainText())}/{most} characters")
        self._edited("Notes")

    def _edited(self, field: str) -> None:
        self.touched.add(field)
        self._refresh_summary()

    # checking ---------------------------------------------------------------------------------

    def request(self, seconds_taken: int | None = None) -> PaymentRequest:
        item, cash = self.selected_item(), self.method.currentText() == CASH
        return PaymentRequest(
            consumer_id=self.account.consumer_id if self.account else None,
            payment_type=self.payment_type.currentText() or None,
            method=self.method.currentText() if self.method.currentIndex() >= 0 else None,
            amount=self.amount.text().strip() or None, paid_on=from_qdate(self.paid_on.date()),
            item_id=item.item_id if item else None, channel=self.channel.currentText(),
            item_ids=tuple(i.item_id for i in self.items.chosen()), item_amounts=self.items.amounts(),
            tendered=(self.tendered.text().strip() or None) if cash else None,
            keep_change_on_account=cash and self.keep_on_account.isChecked(),
            notes=self.notes.toPlainText(), seconds_taken=seconds_taken)

    def _limits(self) -> PaymentLimits:
        o, items, zero = self.options, self.items.open_items(), self.display.zero()
        return PaymentLimits(
            currency=o.currency, today=self.today(), channels=o.channels,
            default_channel=o.default_channel, methods=o.methods,
            notes_max_length=o.notes_max_length,
            outstanding=self.account.balance if self.account else zero,
            threshold=self.settings.overpayment_threshold,
            open_amount=sum((i.open_amount for i in items), zero), items=items)

    def validate(self) -> ValidPayment:
        return validate_request(self.request(), self._limits())

    def _refresh_summary(self) -> None:
        try:
            valid = self.validate()
        except ValidationError as error:
            self._show_live_error(error)
            return
        for label in self.errors.values():
            show_error(label, "")
        rows = dict(summary_rows(self.account, self.selected_item(), valid, self.display))
        for name, value in self.summary_values.items():
            value.setText(rows.get(name, ""))
        self.change_due.setText(rows.get("Change due", ""))
        self.hand_back.show_for(valid.cash.change if valid.cash and self.give_change.isChecked()
                                else None)

    def _show_live_error(self, error: ValidationError) -> None:
        field = self.field_of(error)
        for name, label in self.errors.items():
            show_error(label, error.message if name == field and field in self.touched else "")
        for value in self.summary_values.values():
            value.setText("")
        self.change_due.setText("")
        self.hand_back.show_for(None)

    @staticmethod
    def field_of(error: ValidationError) -> str:
        return "Open items" if error.field in ITEM_CAPTIONS else error.field

    def show_validation(self, error: ValidationError) -> None:
        """Beside the field it names, and the cursor goes there."""
        field = self.field_of(error)
        for name, label in self.errors.items():
            show_error(label, error.message if name == field else "")
        widget = {"Consumer": self.picker.search, "Channel": self.channel,
                  "Payment type": self.payment_type, "Open items": self.items,
                  "Payment method": self.method, "Amount": self.amount,
                  "Amount received": self.tendered, "Payment date": self.paid_on,
                  "Notes": self.notes}.get(field)
        if widget is not None:
            widget.setFocus()

    def review_data(self) -> ReviewData | None:
        """The checked payment for the Review step, or None with the message beside its field."""
        try:
            valid = self.validate()
        except ValidationError as error:
            self.show_validation(error)
            return None
        return ReviewData(self.account, self.selected_item(), self.channel.currentText(), valid,
                          from_qdate(self.paid_on.date()), self.actor.full_name)

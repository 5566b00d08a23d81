"""Credit note details (header and status badge, consumer, dates, amounts with usage, reason badge,
linked receipt) with Print, Download PDF and Apply credit; and the Apply credit dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.domain.payments.credit_notes import CreditNoteStatus
from app.services.core.context import Actor
from app.services.payments.credit_notes import CreditNoteDetails
from app.services.payments.posting import PayableItem
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.payments.display import (
    Background,
    Display,
    Section,
    badge,
    error_label,
    inline,
    link_label,
    show_error,
)


class CreditNoteDetailsDialog(QDialog):
    open_payment = Signal(str)
    print_requested = Signal(str)
    download_requested = Signal(str)
    apply_requested = Signal(str)

    def __init__(self, actor: Actor, display: Display, note: CreditNoteDetails,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note, self.display = note, display
        named(self, f"Credit Note {note.credit_note_no}")
        self.setWindowTitle(f"Credit Note {note.credit_note_no}")
        d = display
        header = QHBoxLayout()
        header.addWidget(QLabel(f"<h2>Credit Note {note.credit_note_no}</h2>"))
        header.addWidget(badge(note.status.value, "Credit note status"))
        header.addStretch(1)
        consumer = Section("Consumer information")
        consumer.row("Name", note.consumer_name)
        consumer.row("Account", note.account_no)
        dates = Section("Dates")
        dates.row("Created", d.moment(note.created_at))
        dates.row("Expires", d.day(note.expires_on))
        money = Section("Financial details")
        money.row("Original credit amount", d.money(note.original_amount))
        money.row("Applied amount", d.money(note.applied_amount))
        money.row("Remaining balance", d.money(note.remaining))
        usage = named(QProgressBar(), "Usage")
        usage.setRange(0, 1000)
        usage.setValue(int(note.usage_percent * 10))
        usage.setFormat(f"{note.usage_percent}%")
        money.row("Usage percentage", usage)
        info = Section("Credit note information")
        info.row("Reason", inline(badge(note.reason, "Reason", reason=True)))
        info.row("Created by", note.created_by)
        link = link_label(note.receipt_no, "Linked payment")
        link.linkActivated.connect(lambda _l: self.open_payment.emit(note.payment_id))
        info.row("Linked payment", link)
        if note.remarks:
            info.row("Remarks", note.remarks)
        for applied in note.applications:
            info.row("Applied", f"{d.money(applied.amount)} to a {applied.target_type.lower()} "
                                f"on {d.local_day(applied.applied_at)} by {applied.applied_by}")
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        for section in (consumer, dates):
            left.addWidget(section)
        for section in (money, info):
            right.addWidget(section)
        left.addStretch(1)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(columns, 1)
        layout.addLayout(self._buttons(actor))
        self.resize(780, 520)

    def _buttons(self, actor: Actor) -> QHBoxLayout:
        row = QHBoxLayout()
        note_id, role = self.note.credit_note_id, actor.role
        entries = []
        if can(role, Permission.PRINT_CREDIT_NOTE):
            entries += [("Print", self.print_requested), ("Download PDF", self.download_requested)]
        if self.note.status is CreditNoteStatus.ACTIVE and can(role, Permission.APPLY_CREDIT_NOTE):
            entries.append(("Apply credit", self.apply_requested))
        for text, signal in entries:
            button = named(QPushButton(text), text)
            button.clicked.connect(lambda _c=False, s=signal: s.emit(note_id))
            row.addWidget(button)
        row.addStretch(1)
        close = named(QPushButton("Close"), "Close")
        close.setDefault(True)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        return row


class ApplyCreditDialog(QDialog):
    """Apply part or all of a credit note to one of the consumer's open bills or services."""

    applied = Signal(object)  # CreditNoteDetails

    def __init__(self, services: Services, actor: Actor, display: Display, note: CreditNoteDetails,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.display, self.note = services, actor, display, note
        named(self, f"Apply credit {note.credit_note_no}")
        self.setWindowTitle(f"Apply credit · {note.credit_note_no}")
        self.targets: list[PayableItem] = []
        intro = QLabel(f"{note.consumer_name} ({note.account_no}) · remaining credit "
                       f"{display.money(note.remaining)}")
        label = QLabel("&Apply to")
        self.target_list = named(QListWidget(), "Apply to")
        self.target_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        label.setBuddy(self.target_list)
        self.amount = named(QLineEdit(), "Amount to apply")
        amount_label = QLabel("A&mount to apply")
        amount_label.setBuddy(self.amount)
        self.error = error_label("Apply credit")
        self.apply_button = named(QPushButton("Apply credit"), "Apply credit")
        cancel = named(QPushButton("Cancel"), "Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        for widget in (intro, label, self.target_list, amount_label, self.amount, self.error):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.target_list.currentRowChanged.connect(self._target_chosen)
        self.apply_button.clicked.connect(self.apply)
        cancel.clicked.connect(self.reject)
        self.resize(520, 420)
        self._load()

    def _load(self) -> None:
        consumer_id = self.note.consumer_id

        def load() -> list[PayableItem]:
            pay = self.services.payments
            return (pay.payable_items(self.actor, consumer_id, "Bill")
                    + pay.payable_items(self.actor, consumer_id, "Service"))

        Background(self, load).success(self._show_targets) \
            .failure(lambda error: show_error(self.error, str(error))).run_in_background()

    def _show_targets(self, targets: list[PayableItem]) -> None:
        self.targets = targets
        for target in targets:
            item = QListWidgetItem(f"{target.payment_type.value} {target.reference} · open "
                                   f"{self.display.money(target.open_amount)}")
            item.setData(Qt.ItemDataRole.UserRole, target.item_id)
            self.target_list.addItem(item)
        if targets:
            self.target_list.setCurrentRow(0)
        else:
            show_error(self.error, "This consumer has no open bill or service to apply credit to.")
        self.apply_button.setEnabled(bool(targets))

    def _target_chosen(self, row: int) -> None:
        if 0 <= row < len(self.targets):
            most = min(self.note.remaining, self.targets[row].open_amount)
            self.amount.setText(str(most.amount))

    def apply(self) -> None:
        row = self.target_list.currentRow()
        if not 0 <= row < len(self.targets):
            show_error(self.error, "Apply to: must be selected")
            return
        target_id, amount = self.targets[row].item_id, self.amount.text().strip() or None
        self.apply_button.setEnabled(False)

        def failed(error: Exception) -> None:
            self.apply_button.setEnabled(True)
            show_error(self.error, f"Not applied: {error}")

        Background(self, lambda: self.services.payments.apply_credit_note(
            self.actor, self.note.credit_note_id, target_id, amount), writes=True) \
            .success(self._applied).failure(failed).run_in_background()

    def _applied(self, note: CreditNoteDetails) -> None:
        self.applied.emit(note)
        self.accept()

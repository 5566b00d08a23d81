"""The Credit Notes tab: search, the spec's seven filters, the lazy list and each note's actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QPoint, QRegularExpression, QStringListModel, QTimer, Signal
from PySide6.QtGui import QAction, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission, can
from app.domain.payments.credit_notes import CreditNoteStatus, RemainingKind
from app.services.core.context import Actor
from app.services.payments.credit_notes import CreditNoteFilter, CreditNoteRow, CreditNoteSort
from app.services.registry import Services
from app.views.common.forms import caption
from app.views.common.tables import row_shortcuts, show_shortcuts
from app.views.common.widgets import described, named
from app.views.payments.display import Background, Display, alive, error_label, show_error
from app.views.payments.list_widgets import DateRangeFilter, chosen, combo, lazy_table, size_columns
from app.views.payments.table_models import (
    COL_NOTE_ACTIONS,
    COL_NOTE_CREATED,
    COL_NOTE_NUMBER,
    COL_NOTE_RECEIPT,
    CreditNotesTableModel,
)

# A credit note row's actions from the keyboard, besides Enter (details) and the Menu key.
ROW_KEYS = {"Print Credit Note": "Ctrl+P", "View Credit Note": "Ctrl+R", "Download": "Ctrl+S",
            "Apply credit": "Ctrl+Shift+A", "View linked payment": "Ctrl+L"}
AMOUNT_PATTERN = QRegularExpression(r"^\d{0,12}(\.\d{0,2})?$")
NUMBER = re.compile(r"\d+(\.\d{0,2})?|\.\d{1,2}")


def amount_input(label: str) -> QLineEdit:
    edit = named(QLineEdit(), label)
    edit.setPlaceholderText(label)
    edit.setValidator(QRegularExpressionValidator(AMOUNT_PATTERN, edit))  # digits only
    edit.setMaximumWidth(130)
    return edit


class ReasonsButton(QToolButton):
    """A multi-select of the credit note reasons in settings; none ticked means all."""

    changed = Signal()

    def __init__(self, reasons: tuple[str, ...]) -> None:
        super().__init__()
        named(self, "Reasons")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMinimumWidth(150)
        menu = QMenu(self)
        for reason in reasons:
            action = QAction(reason, menu, checkable=True)
            action.toggled.connect(self._toggled)
            menu.addAction(action)
        self.setMenu(menu)
        self._toggled()

    def selected(self) -> tuple[str, ...]:
        return tuple(a.text() for a in self.menu().actions() if a.isChecked())

    def set_selected(self, reasons: tuple[str, ...]) -> None:
        for action in self.menu().actions():
            action.setChecked(action.text() in reasons)

    def _toggled(self) -> None:
        picked = self.selected()
        self.setText("Reasons: " + (", ".join(picked) if picked else "All"))
        self.setAccessibleName(self.text())  # what it shows, so voice control finds it
        self.changed.emit()


class CreditNotesTab(QWidget):
    open_credit_note = Signal(str)
    open_payment = Signal(str)
    print_credit_note = Signal(str)
    view_credit_note = Signal(str)
    download_credit_note = Signal(str)
    apply_credit = Signal(str)

    def __init__(self, services: Services, actor: Actor, display: Display,
                 today: Callable[[], date]) -> None:
        super().__init__()
        named(self, "Credit Notes tab")
        self.services, self.actor, self.display = services, actor, display
        self.filter = CreditNoteFilter()
        self.consumer_id: str | None = None
        self._consumers: dict[str, str] = {}
        self._generation = 0
        self._build(today)
        self._connect()

    def _build(self, today: Callable[[], date]) -> None:
        settings = self.services.settings.current()
        self.search = named(QLineEdit(), "Search credit notes")
        self.search.setPlaceholderText(
            "Search by credit note #, consumer name, account number or linked receipt #")
        self.search.setClearButtonEnabled(True)
        self.status = combo("Credit note status",
                            ("All statuses", *(s.value for s in CreditNoteStatus)))
        self.dates = DateRangeFilter("Created date range", today, self.display.qt_date_format)
        self.reasons = ReasonsButton(settings.credit_note_reasons)
        self.consumer = named(QLineEdit(), "Consumer")
        self.consumer.setPlaceholderText("Consumer name or account")
        self.consumer.setClearButtonEnabled(True)
        self.consumer.setMinimumWidth(240)
        self._completions = QStringListModel(self)
        self.consumer.setCompleter(QCompleter(self._completions, self.consumer))
        self.remaining = combo("Remaining", ("Any remaining", *(k.value for k in RemainingKind)))
        self.receipt = named(QLineEdit(), "Linked receipt")
        self.receipt.setPlaceholderText("Linked receipt #")
        self.receipt.setMaximumWidth(170)
        self.amount_min, self.amount_max = amount_input("Minimum amount"), amount_input("Maximum amount")
        self.clear = described(named(QPushButton("Clear filters"), "Clear filters"),
                               "Clears the credit note filters")
        self.error = error_label("Credit note filters")
        self.count_label = named(QLabel(""), "Credit notes count")
        self.model = CreditNotesTableModel(self._fetcher(self.filter), self.display)
        self.table = lazy_table(self.model, "Credit notes list", COL_NOTE_CREATED,
                                lambda index: self._emit(self.open_credit_note, index.row()))
        size_columns(self.table)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._consumer_lookup = QTimer(self, singleShot=True, interval=250)
        self._layout()

    def _layout(self) -> None:
        first, second = QHBoxLayout(), QHBoxLayout()
        for widget in (self.status, self.dates, self.reasons, self.remaining):
            first.addWidget(widget)
        for widget in (caption("Consumer", self.consumer), self.consumer,
                       caption("Linked receipt", self.receipt), self.receipt,
                       caption("Minimum amount", self.amount_min), self.amount_min,
                       caption("Maximum amount", self.amount_max), self.amount_max, self.clear):
            second.addWidget(widget)
        first.addStretch(1)
        second.addStretch(1)
        layout = QVBoxLayout(self)
        search = QHBoxLayout()
        search.addWidget(caption("&Search", self.search))
        search.addWidget(self.search, 1)
        for row in (search, first, second, self.dates.error, self.error):
            layout.addLayout(row) if isinstance(row, QHBoxLayout) else layout.addWidget(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    def _connect(self) -> None:
        for edit in (self.search, self.receipt, self.amount_min, self.amount_max):
            edit.textEdited.connect(lambda _t: self._debounce.start())
            edit.returnPressed.connect(self.apply)
        self._debounce.timeout.connect(self.apply)
        self.dates.changed.connect(self.apply)
        self.reasons.changed.connect(self.apply)
        for box in (self.status, self.remaining):
            box.currentIndexChanged.connect(self.apply)
        self.consumer.textEdited.connect(self._consumer_edited)
        self.consumer.returnPressed.connect(self._consumer_entered)
        self._consumer_lookup.timeout.connect(self._look_up_consumers)
        self.consumer.completer().activated.connect(self.pick_consumer)
        self.clear.clicked.connect(self.clear_filters)
        self.table.clicked.connect(self._clicked)
        self.table.customContextMenuRequested.connect(self._context_menu)
        row_shortcuts(self.table, self.row_menu, ROW_KEYS)
        self.model.fetch_failed.connect(lambda error: show_error(self.error, str(error)))

    # the consumer filter: autocomplete from the consumer search ------------------------------

    def _consumer_edited(self, text: str) -> None:
        if not text.strip() and self.consumer_id is not None:
            self.consumer_id = None
            self.apply()
        self._consumer_lookup.start()

    def _look_up_consumers(self, then: Callable[[], None] | None = None) -> None:
        text = self.consumer.text().strip()
        if len(text) < 2:
            return

        def fill(found) -> None:
            self._consumers = {f"{c.name} ({c.account_no})": c.consumer_id for c in found}
            self._completions.setStringList(list(self._consumers))
            if then:
                then()

        Background(self, lambda: self.services.payments.find_consumers(self.actor, text)) \
            .success(fill).failure(lambda error: show_error(self.error, str(error))) \
            .run_in_background()

    def _consumer_entered(self) -> None:
        if self.consumer.text() in self._consumers:
            self.pick_consumer(self.consumer.text())
            return
        self._look_up_consumers(lambda: self._consumers and self.pick_consumer(next(iter(self._consumers))))

    def pick_consumer(self, text: str) -> None:
        self.consumer_id = self._consumers.get(text)
        self.consumer.setText(text)
        self.apply()

    # filtering ------------------------------------------------------------------------------

    def _fetcher(self, flt: CreditNoteFilter):
        def fetch(offset: int, limit: int, key: str, descending: bool) -> list[CreditNoteRow]:
            return self.services.payments.list_credit_notes(self.actor, flt, offset, limit,
                                                            CreditNoteSort(key, descending))
        return fetch

    def current_filter(self) -> CreditNoteFilter:
        first, last = self.dates.bounds()
        status, remaining = chosen(self.status), chosen(self.remaining)
        low, high = self.amount_min.text().strip(), self.amount_max.text().strip()
        for label, text in (("Minimum amount", low), ("Maximum amount", high)):
            if text and not NUMBER.fullmatch(text):
                raise ValidationError(label, "must be a number")
        if low and high and Decimal(low) > Decimal(high):
            raise ValidationError("Maximum amount", "must not be below the minimum")
        return CreditNoteFilter(
            text=self.search.text().strip(), status=CreditNoteStatus(status) if status else None,
            created_from=first, created_to=last, reasons=self.reasons.selected(),
            consumer_id=self.consumer_id,
            remaining=RemainingKind(remaining) if remaining else None,
            receipt_no=self.receipt.text().strip(), amount_min=low or None, amount_max=high or None)

    def apply(self) -> None:
        try:
            flt = self.current_filter()
        except ValidationError as error:
            if error.field != "Date range":
                show_error(self.error, error.message)
            return
        show_error(self.error, "")
        self.filter = flt
        self.model.reset(self._fetcher(flt))
        self._count()

    def clear_filters(self) -> None:
        for widget in (self.status, self.remaining, self.reasons, self.dates):
            widget.blockSignals(True)
        self.status.setCurrentIndex(0)
        self.remaining.setCurrentIndex(0)
        self.reasons.set_selected(())
        self.dates.reset()
        for widget in (self.status, self.remaining, self.reasons, self.dates):
            widget.blockSignals(False)
        for edit in (self.search, self.consumer, self.receipt, self.amount_min, self.amount_max):
            edit.clear()
        self.consumer_id = None
        self.reasons.setText("Reasons: All")
        self.reasons.setAccessibleName("Reasons: All")
        self.apply()

    def _count(self) -> None:
        self._generation += 1
        generation, flt = self._generation, self.filter

        def show(total: int) -> None:
            if alive(self.count_label) and generation == self._generation:
                self.count_label.setText(f"{total:,} credit note{'s' if total != 1 else ''}")

        Background(self, lambda: self.services.payments.count_credit_notes(self.actor, flt)) \
            .success(show).failure(lambda error: show_error(self.error, str(error))) \
            .run_in_background()

    # rows ---------------------------------------------------------------------------------

    def _emit(self, signal, row: int) -> None:
        note: CreditNoteRow = self.model.row_at(row)
        signal.emit(note.payment_id if signal is self.open_payment else note.credit_note_id)

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == COL_NOTE_NUMBER:
            self._emit(self.open_credit_note, index.row())
        elif index.column() == COL_NOTE_RECEIPT:
            self._emit(self.open_payment, index.row())
        elif index.column() == COL_NOTE_ACTIONS:
            rect = self.table.visualRect(index)
            self.row_menu(index.row()).popup(self.table.viewport().mapToGlobal(rect.bottomLeft()))

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            index = self.table.currentIndex()
        if index.isValid():
            self.row_menu(index.row()).popup(self.table.viewport().mapToGlobal(point))

    def row_menu(self, row: int) -> QMenu:
        note: CreditNoteRow = self.model.row_at(row)
        menu = QMenu(self)
        named(menu, f"Actions for {note.credit_note_no}")
        entries = [("View Details", self.open_credit_note)]
        if can(self.actor.role, Permission.PRINT_CREDIT_NOTE):
            entries += [("Print Credit Note", self.print_credit_note),
                        ("View Credit Note", self.view_credit_note),
                        ("Download", self.download_credit_note)]
        if note.status is CreditNoteStatus.ACTIVE and can(self.actor.role,
                                                          Permission.APPLY_CREDIT_NOTE):
            entries.append(("Apply credit", self.apply_credit))
        entries.append(("View linked payment", self.open_payment))
        for text, signal in entries:
            action = QAction(text, menu)
            action.triggered.connect(lambda _c=False, s=signal: self._emit(s, row))
            menu.addAction(action)
        return show_shortcuts(menu, ROW_KEYS)

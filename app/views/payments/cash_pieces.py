"""The cash box's quick denomination pad: which notes came in and which went back as change.
Skippable: left alone, the notes received are the fewest pieces making the amount received and
the change is the hand-back advice; "Notes received…" and "Change given…" count them instead."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.cash.drawer import Denomination, counted_total
from app.domain.core.money import Money
from app.domain.payments.rules import CashSettlement
from app.services.cash.payment_pieces import fewest_pieces
from app.views.cash.count_table import DenominationCounts, pieces_text
from app.views.common.widgets import named
from app.views.payments.display import Display


class PiecesDialog(QDialog):
    """Count pieces that must add up to an amount; OK only when they do."""

    def __init__(self, title: str, amount: Money, denominations: tuple[Denomination, ...],
                 start: dict[Decimal, int], display: Display, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, title)
        self.setWindowTitle(title)
        self.amount, self.display = amount, display
        self.counts = DenominationCounts(denominations, amount.currency, display.locale, "Total")
        placed: set[Decimal] = set()  # a note and a coin of one value share one count
        for denomination, box in self.counts.boxes.items():
            if denomination.value not in placed:
                box.setValue(start.get(denomination.value, 0))
                placed.add(denomination.value)
        self.check = named(QLabel(""), f"{title} check")
        self.ok = named(QPushButton("OK"), "OK")
        self.ok.setDefault(True)
        cancel = named(QPushButton("Cancel"), "Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{title}: they must add up to {display.money(amount)}."))
        layout.addWidget(self.counts, 1)
        layout.addWidget(self.check)
        layout.addLayout(buttons)
        self.counts.total_changed.connect(lambda _t: self._recheck())
        self.ok.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        self._recheck()
        if (first := self.counts.first_box()) is not None:
            first.setFocus()

    def pieces(self) -> dict[Decimal, int]:
        return self.counts.by_value()

    def _recheck(self) -> None:
        total = counted_total(self.pieces(), self.amount.currency)
        ok = total == self.amount
        self.check.setText("" if ok else f"Counted {self.display.money(total)}, not "
                                         f"{self.display.money(self.amount)}")
        self.ok.setEnabled(ok)


class CashPiecesPad(QWidget):
    def __init__(self, denominations: tuple[Denomination, ...], display: Display) -> None:
        super().__init__()
        named(self, "Notes and coins")
        self.denominations, self.display = denominations, display
        self.cash: CashSettlement | None = None
        self.received: dict[Decimal, int] | None = None  # None: the fewest pieces
        self.change: dict[Decimal, int] | None = None  # None: the hand-back advice
        self.text = named(QLabel(""), "Notes received summary")
        self.text.setWordWrap(True)
        self.received_button = named(QPushButton("Notes received…"), "Notes received…")
        self.received_button.setToolTip("Count the notes and coins received (Ctrl+Shift+N)")
        self.received_button.setShortcut("Ctrl+Shift+N")
        self.change_button = named(QPushButton("Change given…"), "Change given…")
        self.change_button.setToolTip("Count the change handed back, if not as advised "
                                      "(Ctrl+Shift+G)")
        self.change_button.setShortcut("Ctrl+Shift+G")
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.text, 1)
        line.addWidget(self.received_button)
        line.addWidget(self.change_button)
        self.received_button.clicked.connect(self.count_received)
        self.change_button.clicked.connect(self.count_change)
        self.dialog: PiecesDialog | None = None
        self.show_for(None)

    def show_for(self, cash: CashSettlement | None) -> None:
        """The amounts changed: any count the cashier made no longer applies."""
        if cash != self.cash:
            self.received = self.change = None
        self.cash = cash
        self.setVisible(cash is not None)
        self.change_button.setVisible(cash is not None and bool(cash.change))
        self._describe()

    def _describe(self) -> None:
        if self.cash is None:
            return
        pieces = self.received if self.received is not None else \
            fewest_pieces(self.cash.tendered, self.denominations)
        what = pieces_text(pieces or {}, self.cash.tendered.currency, self.display.locale)
        said = f"Notes received: {what}" if pieces else "Notes received: count them"
        if self.change is not None:
            said += " · change given: " + pieces_text(self.change, self.cash.tendered.currency,
                                                     self.display.locale)
        self.text.setText(said)

    def count_received(self) -> None:
        if self.cash is None:
            return
        start = self.received or fewest_pieces(self.cash.tendered, self.denominations) or {}
        self._ask("Notes received", self.cash.tendered, start, "received")

    def count_change(self) -> None:
        if self.cash is None or not self.cash.change:
            return
        self._ask("Change given", self.cash.change, self.change or {}, "change")

    def _ask(self, title: str, amount: Money, start: dict[Decimal, int], slot: str) -> None:
        self.dialog = PiecesDialog(title, amount, self.denominations, start, self.display, self)
        self.dialog.accepted.connect(lambda d=self.dialog: self._counted(slot, d.pieces()))
        self.dialog.open()

    def _counted(self, slot: str, pieces: dict[Decimal, int]) -> None:
        setattr(self, slot, pieces)
        self._describe()
        back = self.received_button if slot == "received" else self.change_button
        QTimer.singleShot(0, lambda: (self.window().activateWindow(), back.setFocus()))

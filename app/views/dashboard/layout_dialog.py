"""Customise Cards: which metric cards show, in which order (the metric priority), and the
user's own alert threshold. Saved per user (synced)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dashboard.metrics import LABELS
from app.services.dashboard.preferences import Layout
from app.views.common.widgets import named


class LayoutDialog(QDialog):
    def __init__(self, layout: Layout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Customise Cards")
        named(self, "Customise Cards")
        self.cards = named(QListWidget(), "Cards")
        for key in layout.card_order:
            item = QListWidgetItem(LABELS[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if key in layout.hidden else Qt.CheckState.Checked)
            self.cards.addItem(item)
        self.cards.setCurrentRow(0)
        self.up = named(QPushButton("Move Up"), "Move Up")
        self.down = named(QPushButton("Move Down"), "Move Down")
        self.threshold = named(QLineEdit("" if layout.threshold is None else str(layout.threshold)),
                               "Alert threshold (%)")
        self.threshold.setPlaceholderText("the utility's setting")
        self.error = named(QLabel(""), "Alert threshold error")
        self.error.setStyleSheet("color: #b3261e;")
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        moves = QHBoxLayout()
        moves.addWidget(self.up)
        moves.addWidget(self.down)
        label = QLabel("&Alert threshold (%):")
        label.setBuddy(self.threshold)
        box = QVBoxLayout(self)
        box.addWidget(QLabel("Tick the cards to show; their order is their priority (Space ticks)."))
        box.addWidget(self.cards)
        box.addLayout(moves)
        box.addWidget(label)
        box.addWidget(self.threshold)
        box.addWidget(self.error)
        box.addWidget(buttons)
        self.result_layout: Layout | None = None

    def _move(self, step: int) -> None:
        row = self.cards.currentRow()
        target = row + step
        if 0 <= row < self.cards.count() and 0 <= target < self.cards.count():
            item = self.cards.takeItem(row)
            self.cards.insertItem(target, item)
            self.cards.setCurrentRow(target)

    def chosen(self) -> Layout:
        """The layout as ticked; raises ValueError naming the threshold when it is not a number."""
        items = [self.cards.item(i) for i in range(self.cards.count())]
        text = self.threshold.text().strip().rstrip("%")
        try:
            threshold = Decimal(text) if text else None
        except InvalidOperation:
            raise ValueError("Alert threshold: must be a number, e.g. 5") from None
        return Layout(tuple(item.data(Qt.ItemDataRole.UserRole) for item in items),
                      frozenset(item.data(Qt.ItemDataRole.UserRole) for item in items
                                if item.checkState() != Qt.CheckState.Checked), threshold)

    def _accept(self) -> None:
        try:
            self.result_layout = self.chosen()
        except ValueError as error:
            self.error.setText(str(error))
            return
        self.accept()

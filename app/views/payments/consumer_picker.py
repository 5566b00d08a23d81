"""Finding the consumer at the counter: name, account number or phone; Enter takes the first
match (an exact account number comes first), Down goes through the others."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.services.core.context import Actor
from app.services.payments.posting import AccountView, ConsumerSummary
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, Section, error_label, show_error

ACCOUNT_ROWS = ("Name", "Account number", "Service address", "Phone", "Email", "Current balance")


class SearchBox(QLineEdit):
    """Down moves into the matches list, so the keyboard never has to leave for the mouse."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class ConsumerPicker(QWidget):
    picked = Signal(object)  # AccountView

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        self.services, self.actor, self.display = services, actor, display
        self.account: AccountView | None = None
        self._generation = 0
        label = QLabel("&Find consumer")
        self.search = named(SearchBox(), "Find consumer")
        label.setBuddy(self.search)
        self.search.setPlaceholderText("Name, account number or phone, then Enter")
        self.search.setClearButtonEnabled(True)
        self.matches = named(QListWidget(), "Matching consumers")
        self.matches.setMaximumHeight(110)
        self.matches.hide()
        self.error = error_label("Consumer")
        self.details = Section("Account")
        self.values = {row: self.details.row(row, "") for row in ACCOUNT_ROWS}
        self.values["Current balance"].setStyleSheet("font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (label, self.search, self.matches, self.error, self.details):
            layout.addWidget(widget)
        self.search.returnPressed.connect(self.search_and_pick)
        self.search.textEdited.connect(lambda _t: self._forget())
        self.search.down.connect(self._into_matches)
        self.matches.itemActivated.connect(self._item_chosen)

    def clear(self) -> None:
        self.search.clear()
        self._forget()

    def _forget(self) -> None:
        self.matches.clear()
        self.matches.hide()
        show_error(self.error, "")

    def search_and_pick(self) -> None:
        """Enter: look the text up and take the first match."""
        text = self.search.text().strip()
        if not text:
            show_error(self.error, "Consumer: type a name, account number or phone")
            return
        self._generation += 1
        generation = self._generation

        def found(matches: list[ConsumerSummary]) -> None:
            if generation == self._generation:
                self._show_matches(matches)

        Background(self, lambda: self.services.payments.find_consumers(self.actor, text)) \
            .success(found).failure(lambda error: show_error(self.error, str(error))) \
            .run_in_background()

    def _show_matches(self, matches: list[ConsumerSummary]) -> None:
        self.matches.clear()
        if not matches:
            show_error(self.error, f"Consumer: no consumer matches \u201c{self.search.text()}\u201d")
            self.matches.hide()
            return
        for match in matches:
            item = QListWidgetItem(f"{match.name} · {match.account_no} · {match.phone} · "
                                   f"{match.service_address}")
            item.setData(Qt.ItemDataRole.UserRole, match.consumer_id)
            self.matches.addItem(item)
        self.matches.setVisible(len(matches) > 1)
        self.matches.setCurrentRow(0)
        self.load(matches[0].consumer_id)

    def _into_matches(self) -> None:
        if self.matches.isVisible() and self.matches.count():
            self.matches.setFocus()
            self.matches.setCurrentRow(min(1, self.matches.count() - 1))

    def _item_chosen(self, item: QListWidgetItem) -> None:
        self.load(item.data(Qt.ItemDataRole.UserRole))

    def load(self, consumer_id: str) -> None:
        self._generation += 1
        generation = self._generation

        def loaded(account: AccountView) -> None:
            if generation == self._generation:
                self.show_account(account)

        Background(self, lambda: self.services.payments.account(self.actor, consumer_id)) \
            .success(loaded).failure(lambda error: show_error(self.error, str(error))) \
            .run_in_background()

    def show_account(self, account: AccountView) -> None:
        self.account = account
        show_error(self.error, "")
        values = (account.name, account.account_no, account.service_address, account.phone,
                  account.email, self.display.money(account.balance))
        for row, value in zip(ACCOUNT_ROWS, values, strict=True):
            self.values[row].setText(value)
        if account.status != "Active":
            self.values["Name"].setText(f"{account.name} ({account.status})")
        self.picked.emit(account)

    def reset_account(self) -> None:
        self.account = None
        for value in self.values.values():
            value.setText("")

"""The Record Payment form's "Hand back" line: the notes and coins to give as change for a cash
payment, chosen from what this counter's drawer should hold (CashSessionsService.change_for).

The service reads the session's movements, so a busy session takes tens of milliseconds: the line
is worked out off the GUI thread, shortly after the amount received stops changing, and a late
answer for an older amount is dropped. It is only a hint: it never stops a payment being recorded.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from app.domain.cash.drawer import ChangeResult
from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission, can
from app.services.cash.sessions import CashSessionsService
from app.services.core.context import Actor
from app.views.cash.count_table import pieces_text
from app.views.common.widgets import named
from app.views.payments.display import Background, Display

NO_SESSION = "No cash session is open: count the change by hand"
WORKING = "Working out the notes and coins to hand back…"
WARNING_COLOUR = "#8a5a00"
HINT_COLOUR = "#5b6775"
DELAY_MS = 150  # after the last keystroke in Amount received


class _Quiet(Background):
    """A live hint: no progress dialog, which would take the keyboard from the amount."""

    def _show_progress(self) -> None:
        pass


class HandBackLine(QLabel):
    """Hidden unless there is change to give; then the pieces, the no-session hint, or why exact
    change cannot be made from the drawer (in the warning colour)."""

    def __init__(self, cash: CashSessionsService, actor: Actor, display: Display) -> None:
        super().__init__("")
        named(self, "Hand back")
        self.setWordWrap(True)
        self.cash, self.actor, self.display = cash, actor, display
        self.allowed = can(actor.role, Permission.OPERATE_CASH)
        self.wanted: Money | None = None
        self.warning = False
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._work_out)
        self.hide()

    def show_for(self, change: Money | None) -> None:
        """The change to give back in cash; None or zero (kept on account, not cash) hides the line."""
        if not self.allowed or change is None or change.amount <= 0:
            self.wanted = None
            self._generation += 1  # any answer still on its way is for nothing now
            self._timer.stop()
            self._set("", HINT_COLOUR)
            self.hide()
            return
        if change == self.wanted:
            return
        self.wanted = change
        self._generation += 1
        self._set(WORKING, HINT_COLOUR)
        self.show()
        self._timer.start()

    def _work_out(self) -> None:
        amount, generation = self.wanted, self._generation
        if amount is None:
            return

        def work() -> ChangeResult | None:
            try:
                return self.cash.change_for(self.actor, amount.amount)
            except ValidationError as error:
                if error.field == "Cash session":  # none open at this counter
                    return None
                raise

        _Quiet(self, work).success(lambda result: self._answer(generation, result)) \
            .failure(lambda error: self._failed(generation, error)).run_in_background()

    def _answer(self, generation: int, result: ChangeResult | None) -> None:
        if generation != self._generation:
            return
        if result is None:
            self._set(NO_SESSION, HINT_COLOUR)
        elif result.exact_possible:
            pieces = pieces_text(result.pieces, result.requested.currency, self.display.locale)
            self._set(f"Hand back: {pieces}", None)
        else:
            text = result.message.rstrip(".") + "."
            if result.given:
                pieces = pieces_text(result.pieces, result.requested.currency, self.display.locale)
                text += f" The closest it can make is {self.display.money(result.given)}: {pieces}."
            self._set(text, WARNING_COLOUR, warning=True)

    def _failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._set(f"The notes and coins could not be worked out ({error}): count the change "
                      "by hand.", WARNING_COLOUR, warning=True)

    def _set(self, text: str, colour: str | None, *, warning: bool = False) -> None:
        self.setText(text)
        self.warning = warning
        self.setStyleSheet(f"color: {colour};" if colour else "")

"""On the Record Payment form, for cash: says when no cash session is open at this counter (a
cash payment would be refused) and offers to open one there, counting the float."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.services.cash.sessions import CashSessionsService, CounterState
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.cash.count_table import DenominationCounts
from app.views.common.widgets import named
from app.views.payments.display import QuietBackground, error_label, show_error

MESSAGE = "No cash session is open at this counter: a cash payment needs one."


class OpenCashSessionDialog(QDialog):
    """Count the float note by note, then open the session (as on the Cash screen)."""

    def __init__(self, cash: CashSessionsService, actor: Actor, state: CounterState,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Open cash session")
        self.setWindowTitle("Open cash session")
        self.cash, self.actor = cash, actor
        self.counts = DenominationCounts(state.denominations, state.currency, state.locale,
                                         "Opening float")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.counts)
        self.error = error_label("Opening float")
        self.open_button = named(QPushButton("Open session"), "Open session")
        self.open_button.setDefault(True)
        cancel = named(QPushButton("Cancel"), "Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Count the float in the drawer at {state.counter}."))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self._open)
        cancel.clicked.connect(self.reject)
        self.resize(420, 520)

    def _open(self) -> None:
        counts = self.counts.counts()
        self.open_button.setEnabled(False)
        QuietBackground(self, lambda: self.cash.open_session(self.actor, counts), writes=True) \
            .success(lambda _s: self.accept()).failure(self._failed).run_in_background()

    def _failed(self, error: Exception) -> None:
        self.open_button.setEnabled(True)
        show_error(self.error, getattr(error, "message", str(error)))


class CashSessionNotice(QWidget):
    opened = Signal()

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Cash session")
        self.cash, self.actor = CashSessionsService(services.app), actor
        self.services = services
        self.allowed = can(actor.role, Permission.OPERATE_CASH)
        self.text = named(QLabel(MESSAGE), "Cash session message")
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.open_button = named(QPushButton("Open cash session"), "Open cash session")
        self.open_button.setToolTip("Count the float and open a cash session here (Ctrl+Shift+O)")
        self.open_button.setShortcut("Ctrl+Shift+O")
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.text, 1)
        line.addWidget(self.open_button)
        self.open_button.clicked.connect(self.offer)
        self.dialog: OpenCashSessionDialog | None = None
        self.hide()

    def refresh(self) -> None:
        """Ask (off the GUI thread) whether this counter has a session open."""
        if not self.allowed or not self.services.settings.current().get(
                "counter.cash_needs_open_session"):
            self.hide()
            return
        QuietBackground(self, lambda: self.cash.counter_state(self.actor)) \
            .success(lambda state: self.setVisible(state.session is None)) \
            .failure(lambda _e: self.hide()).run_in_background()

    def offer(self) -> None:
        QuietBackground(self, lambda: self.cash.counter_state(self.actor)) \
            .success(self._show_dialog).run_in_background()

    def _show_dialog(self, state: CounterState) -> None:
        self.dialog = OpenCashSessionDialog(self.cash, self.actor, state, self)
        self.dialog.accepted.connect(self._opened)
        self.dialog.open()

    def _opened(self) -> None:
        self.hide()
        # Back to the form, where the cashier was, once the dialog has gone.
        QTimer.singleShot(0, lambda: (self.window().activateWindow(), self.opened.emit()))

"""Import gateway events…: pick a JSON file of payment gateway events, import it off the GUI
thread, and show what it did (created, updated, unchanged, ignored) or every problem it has."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.core.context import Actor
from app.services.payments.gateway_import import (
    CREATED,
    IGNORED,
    UNCHANGED,
    UPDATED,
    EventOutcome,
    GatewayErrors,
    GatewayImportService,
    GatewayImportSummary,
)
from app.services.registry import Services
from app.views.common.errors import show_error
from app.views.common.rows import RowsTableModel
from app.views.common.widgets import named
from app.views.payments.display import Background
from app.views.payments.plans_models import rows_table
from app.views.payments.reconciliation_dialogs import ImportProblemsDialog

FILES = "Gateway events (*.json);;All files (*)"


class GatewayImportSummaryDialog(QDialog):
    def __init__(self, summary: GatewayImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Gateway import summary")
        self.setWindowTitle("Gateway events imported")
        counts = " · ".join(f"{summary.count(kind)} {kind}"
                            for kind in (CREATED, UPDATED, UNCHANGED, IGNORED))
        settled = "".join(f"<br>{number} settled after {days} days" for number, days in summary.settled)
        self.result = named(QLabel(f"<b>{counts}</b>{settled}"), "Import result")
        self.result.setWordWrap(True)

        def cells(o: EventOutcome) -> tuple[str, ...]:
            return (o.event_id, o.kind, o.result.capitalize(), o.payment_no, o.detail)

        self.outcomes = RowsTableModel(("Event", "Type", "Result", "Payment #", "Status"), cells)
        self.outcomes.set_items(summary.outcomes)
        close = named(QPushButton("Close"), "Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result)
        layout.addWidget(rows_table(self.outcomes, "Imported events", 4), 1)
        layout.addLayout(buttons)
        self.resize(860, 420)


class GatewayImportAction(QObject):
    """The "Import gateway events…" action of the Reconciliation tab."""

    changed = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, parent: QWidget) -> None:
        super().__init__(parent)
        self.actor, self.parent_widget = actor, parent
        self.gateway = GatewayImportService(services.app)
        self.dialog: QDialog | None = None

    def run(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self.parent_widget, "Import gateway events",
                                                    "", FILES)
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        Background(self.parent_widget, lambda: self.gateway.import_file(self.actor, path),
                   writes=True, label="Importing gateway events…") \
            .success(self._imported).failure(self._failed).run_in_background()

    def _imported(self, summary: GatewayImportSummary) -> None:
        self._open(GatewayImportSummaryDialog(summary, self.parent_widget))
        self.changed.emit(summary.changes)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, GatewayErrors):
            self._open(ImportProblemsDialog("Gateway events not imported", error.message,
                                            [str(p) for p in error.problems], self.parent_widget))
        else:
            show_error(self.parent_widget, error)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

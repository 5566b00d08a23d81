"""The "Sync problems" dialog: operations the central service refused, to retry or discard."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.formatting import Formats
from app.services.core.changes import Changes
from app.services.core.context import Actor
from app.services.core.settings import SettingsService
from app.views.common.dialogs import keyboard_dialog
from app.views.common.operations import Operation
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from sync.desktop import SyncProblemView, SyncStatusService

COL_RECORDED, COL_RECORD, COL_CHANGE, COL_RESULT, COL_REASON = range(5)
HEADERS = ("Recorded", "Record", "Change", "Result", "Reason")
OPERATION_WORDS = {"insert": "New", "update": "Changed", "delete": "Deleted", "command": "Command"}
SEQ_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class SyncProblemsTableModel(QAbstractTableModel):
    def __init__(self, problems: list[SyncProblemView] | None = None, formats: Formats | None = None) -> None:
        super().__init__()
        self.problems = problems or []
        self.formats = formats or Formats()

    def set_problems(self, problems: list[SyncProblemView]) -> None:
        self.beginResetModel()
        self.problems = problems
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        problem = self.problems[index.row()]
        if role == SEQ_ROLE:
            return problem.seq
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell_text(problem, index.column(), self.formats)
        return None


def cell_text(problem: SyncProblemView, column: int, formats: Formats) -> str:
    if column == COL_RECORDED:
        return formats.moment(problem.recorded_at)
    if column == COL_RECORD:
        return f"{problem.record_type} {problem.record}"
    if column == COL_CHANGE:
        return OPERATION_WORDS.get(problem.operation, problem.operation)
    if column == COL_RESULT:
        return "Conflict" if problem.state == "Conflict" else "Rejected"
    return problem.reason


def details_html(problem: SyncProblemView, formats: Formats) -> str:
    """What the person needs to decide: the reason, and for a conflict what differs and who changed it."""
    title = f"<b>{escape(problem.record_type)} {escape(problem.record)}</b> · {escape(problem.state)}"
    if problem.state != "Conflict":
        return f"{title}<p>{escape(problem.reason)}</p><p>Retry sends it again, with the rejected " \
               "operations that depend on it.</p>"
    who = f" by {escape(problem.changed_by)}" if problem.changed_by else ""
    when = f" at {formats.moment(problem.changed_at)}" if problem.changed_at else ""
    rows = "".join(f"<tr><td>{escape(c.field)}</td><td>{escape(c.mine)}</td><td>{escape(c.central)}</td></tr>"
                   for c in problem.differences)
    table = (f"<table cellspacing='6'><tr><th align='left'>Field</th><th align='left'>Your change</th>"
             f"<th align='left'>Central service now</th></tr>{rows}</table>") if rows else ""
    return (f"{title}<p>Changed on the central service{who}{when} before your change arrived "
            f"({escape(problem.reason)}).</p>{table}<p>Retry puts your change on top of theirs; "
            "Discard my change keeps theirs.</p>")


class SyncProblemsDialog(QDialog):
    handled = Signal(object, bool)  # Changes, and whether anything was queued again

    def __init__(self, status: SyncStatusService, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status, self.actor = status, actor
        named(self, "Sync problems")
        self.setWindowTitle("Sync problems")
        self.model = SyncProblemsTableModel(formats=Formats.of(SettingsService(status.app).current()))
        self.table = keyboard_table(named(QTableView(), "Refused operations"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        fit_columns(self.table, COL_REASON)
        self.summary = named(QLabel(), "Sync problems summary")
        self.details = named(QLabel(), "Problem details")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = named(QPushButton("Retry"), "Retry")
        self.discard_button = named(QPushButton("Discard my change"), "Discard my change")
        close = named(QPushButton("Close"), "Close")
        self.retry_button.clicked.connect(self.retry)
        self.discard_button.clicked.connect(self.discard)
        close.clicked.connect(self.accept)
        self._lay_out(close)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selection())
        self.resize(860, 480)
        self.reload()
        keyboard_dialog(self, accept=close, first=self.table)

    def _lay_out(self, close: QPushButton) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)

    def reload(self) -> None:
        self.model.set_problems(self.status.problems())
        count = len(self.model.problems)
        self.summary.setText("No sync problems: the central service accepted everything it was sent."
                             if not count else
                             f"The central service refused {count:,} operation(s). Operations queued "
                             "behind them were sent as usual.")
        if count:
            self.table.selectRow(0)
        self._show_selection()

    def selected(self) -> list[SyncProblemView]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.problems[row] for row in rows]

    def _show_selection(self) -> None:
        chosen = self.selected()
        self.details.setText(details_html(chosen[0], self.model.formats) if len(chosen) == 1 else
                             f"{len(chosen)} operations selected." if chosen else "")
        self.retry_button.setEnabled(bool(chosen))
        self.discard_button.setEnabled(len(chosen) == 1 and chosen[0].can_discard)
        self.discard_button.setToolTip("" if self.discard_button.isEnabled() else
                                       "Only a conflicting change of a record that is not money can be "
                                       "discarded; payments, credit notes and the ledger are corrected "
                                       "with new records.")

    def retry(self) -> None:
        seqs = [problem.seq for problem in self.selected()]
        self._run(lambda: self.status.retry(self.actor, seqs), retried=True)

    def discard(self) -> None:
        (problem,) = self.selected()
        self._run(lambda: self.status.discard(self.actor, problem.seq), retried=False)

    def _run(self, work, *, retried: bool) -> None:
        self.retry_button.setEnabled(False)
        self.discard_button.setEnabled(False)

        def done(changes: Changes) -> None:
            self.reload()
            self.handled.emit(changes, retried)

        Operation(self, work, writes=True, label="Saving…").success(done).failure(self._failed) \
            .run_in_background()

    def _failed(self, error: Exception) -> None:
        from app.views.common.errors import show_error

        self.reload()
        show_error(self, error)

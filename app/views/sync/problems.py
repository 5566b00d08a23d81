"""The "Sync problems" dialog: operations the central service refused, to retry or discard."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.formatting import Formats
from app.services.core.context import Actor
from app.services.core.settings import SettingsService
from app.views.common.list_detail import ListDetailDialog
from app.views.common.rows import RowsTableModel
from app.views.common.widgets import named
from sync.desktop import SyncProblemView, SyncStatusService

COL_RECORDED, COL_RECORD, COL_CHANGE, COL_RESULT, COL_REASON = range(5)
HEADERS = ("Recorded", "Record", "Change", "Result", "Reason")
OPERATION_WORDS = {"insert": "New", "update": "Changed", "delete": "Deleted", "command": "Command"}


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


class SyncProblemsDialog(ListDetailDialog):
    handled = Signal(object, bool)  # Changes, and whether anything was queued again

    def __init__(self, status: SyncStatusService, actor: Actor, parent: QWidget | None = None) -> None:
        retry_button = named(QPushButton("Retry"), "Retry")
        discard_button = named(QPushButton("Discard my change"), "Discard my change")
        formats = Formats.of(SettingsService(status.app).current())
        model = RowsTableModel(HEADERS, lambda problem: tuple(cell_text(problem, column, formats)
                                                              for column in range(len(HEADERS))))
        super().__init__("Sync problems", model, list_name="Refused operations",
                         summary_name="Sync problems summary", detail_name="Problem details",
                         actions=(retry_button, discard_button), stretch=COL_REASON, multi=True,
                         parent=parent)
        self.status, self.actor, self.formats = status, actor, formats
        self.retry_button, self.discard_button = retry_button, discard_button
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.retry_button.clicked.connect(self.retry)
        self.discard_button.clicked.connect(self.discard)
        self.resize(860, 480)
        self.reload()

    def reload(self) -> None:
        problems = self.status.problems()
        self.show_items(problems, "No sync problems: the central service accepted everything it was sent."
                        if not problems else
                        f"The central service refused {len(problems):,} operation(s). Operations queued "
                        "behind them were sent as usual.")

    def show_selection(self) -> None:
        chosen = self.selected()
        self.details.setText(details_html(chosen[0], self.formats) if len(chosen) == 1 else
                             f"{len(chosen)} operations selected." if chosen else "")
        self.retry_button.setEnabled(bool(chosen))
        self.discard_button.setEnabled(len(chosen) == 1 and chosen[0].can_discard)
        self.discard_button.setToolTip("" if self.discard_button.isEnabled() else
                                       "Only a conflicting change of a record that is not money can be "
                                       "discarded; payments, credit notes and the ledger are corrected "
                                       "with new records.")

    def retry(self) -> None:
        seqs = [problem.seq for problem in self.selected()]
        self.run(lambda: self.status.retry(self.actor, seqs), lambda changes: self.handled.emit(changes, True))

    def discard(self) -> None:
        (problem,) = self.selected()
        self.run(lambda: self.status.discard(self.actor, problem.seq),
                 lambda changes: self.handled.emit(changes, False))

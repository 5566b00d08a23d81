"""The questions the tariff and plan screens ask: a reason, a confirmation, a file; and the
import report. One object asks them, so a test can answer instead of a person."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import UtilityDeskError
from app.services.core.changes import Changes
from app.services.tariffs.import_export import ImportReport
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form, multiline
from app.views.common.widgets import named
from app.views.tariffs.ui import message_label, show_message

FILE_FILTER = "Tariff files (*.csv *.xlsx);;CSV (*.csv);;Excel workbook (*.xlsx)"


class ReasonDialog(QDialog):
    """A status change needs a reason: it is kept in the version history."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, title)
        self.setWindowTitle(title)
        self.reason = named(QLineEdit(), "Reason")
        self.message = message_label("Reason message")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        named(buttons.button(QDialogButtonBox.StandardButton.Ok), "OK")
        named(buttons.button(QDialogButtonBox.StandardButton.Cancel), "Cancel")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        form = Form(self)
        form.addRow(QLabel(prompt))
        form.addRow("Reason", self.reason)
        form.addRow("", self.message)
        form.addRow(buttons)
        keyboard_dialog(self, first=self.reason)

    def _ok(self) -> None:
        if not self.reason.text().strip():
            show_message(self.message, "Give a reason for the status change")
            return
        self.accept()


class Asker:
    """Asks the user; replace it in tests with one that answers."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def reason(self, title: str, prompt: str) -> str | None:
        dialog = ReasonDialog(title, prompt, self.parent)
        return dialog.reason.text().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def open_file(self, title: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, "", FILE_FILTER)
        return Path(path) if path else None

    def save_file(self, title: str, suggested: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, FILE_FILTER)
        return Path(path) if path else None

    def tell(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)




def deactivate_confirming(ask: Asker, kind: str, name: str, deactivate: Callable[..., Changes],
                          in_use: type[UtilityDeskError]) -> Changes | None:
    """Ask why, then deactivate; an item still in use needs a second yes. None: the user gave up.
    Other refusals propagate for the caller to show."""
    reason = ask.reason(f"Deactivate {kind}", f"Why deactivate '{name}'?")
    if not reason:
        return None
    try:
        return deactivate(reason=reason)
    except in_use as warning:
        if not ask.confirm(f"{kind.capitalize()} in use", warning.message):
            return None
        return deactivate(reason=reason, confirm_in_use=True)

class ImportReportDialog(QDialog):
    """What an import did, or each bad row (line, column, rule) when it imported nothing."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None,
                 read_with_comma: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        named(self, "Import report")
        self.setWindowTitle("Tariff import")
        self.resize(640, 360)
        summary = named(QLabel(report.describe().splitlines()[0]), "Import summary")
        summary.setWordWrap(True)
        summary.setStyleSheet("color: #1b6e20;" if report.ok else "color: #b3261e; font-weight: bold;")
        details = multiline(named(QPlainTextEdit(), "Import problems"))
        details.setReadOnly(True)
        lines = [str(problem) for problem in report.problems] if not report.ok else [
            *(f"New tariff: {name}" for name in report.created),
            *(f"New version: {name}" for name in report.versioned),
            *(f"Unchanged: {name}" for name in report.unchanged)]
        details.setPlainText("\n".join(lines))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        if report.comma_refused and read_with_comma is not None:
            again = named(QPushButton("Read decimals with a comma"), "Read decimals with a comma")
            again.setToolTip("Import the file again reading 0,12 as 0.12 and 1.000,5 as 1000.5")
            buttons.addButton(again, QDialogButtonBox.ButtonRole.ActionRole)
            again.clicked.connect(lambda: (self.accept(), read_with_comma()))
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(details, 1)
        layout.addWidget(buttons)
        keyboard_dialog(self)

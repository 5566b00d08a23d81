"""Close request: a reason from settings and additional notes ("Other" needs them)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
)

from app.views.common.widgets import named
from app.views.payments.display import error_label, show_error


class CloseRequestDialog(QDialog):
    def __init__(self, parent, request_no: str, reasons: tuple[str, ...], close) -> None:
        super().__init__(parent)
        named(self, "Close request")
        self.setWindowTitle(f"Close request {request_no}")
        self._close = close
        self.reason = named(QComboBox(), "Close reason")
        self.reason.addItems(reasons)
        self.notes = named(QPlainTextEdit(), "Close notes")
        self.notes.setTabChangesFocus(True)
        self.error = error_label("Close")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm = named(buttons.addButton("Close request", QDialogButtonBox.ButtonRole.AcceptRole),
                             "Confirm close request")
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        for text, widget in (("&Reason", self.reason), ("Additional &notes", self.notes)):
            caption = QLabel(text + ":")
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        form.addRow(self.error)
        form.addRow(buttons)

    def _confirm(self) -> None:
        try:
            self._close(self.reason.currentText(), self.notes.toPlainText())
        except Exception as error:  # noqa: BLE001 - a refusal is shown beside the form
            show_error(self.error, str(getattr(error, "message", error)))
            return
        self.accept()

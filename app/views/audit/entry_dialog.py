"""One audit entry in full, in words: who, when, on which device, what was done to which record,
and every fact of its summary on a line of its own (the list cuts long values)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.formatting import Formats
from app.services.core.audit import AuditRow
from app.views.audit.audit_text import action_words, detail_lines, moment_text, record_number
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form, multiline
from app.views.common.widgets import named


class AuditEntryDialog(QDialog):
    def __init__(self, row: AuditRow, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"Audit entry {row.seq}")
        self.setWindowTitle(f"Audit entry #{row.seq}")
        self.resize(620, 480)
        form = Form()
        record = f"{action_words(row.entity)} {record_number(row)}"
        for label, value in (("Time", f"{moment_text(row.at, formats)} ({formats.time_zone})"), ("User", row.user_name),
                             ("Device", row.device_id), ("Action", action_words(row.action)),
                             ("Record", record)):
            shown = named(QLabel(value), label)
            shown.setToolTip(f"{row.entity} {row.entity_id}" if label == "Record" else "")
            form.addRow(f"{label}:", shown)
        self.summary = named(multiline(QPlainTextEdit()), "Details")
        self.summary.setReadOnly(True)
        self.summary.setPlainText("\n".join(detail_lines(row, formats)))
        form.addRow("&Details:", self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        keyboard_dialog(self, first=self.summary)

"""One audit entry in full: who, when, on which device, what, and the whole before/after summary
(the list shows only its first 200 characters)."""

from __future__ import annotations

import json

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
from app.views.audit.audit_text import moment_text
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
        for label, value in (("Time", f"{moment_text(row.at, formats)} ({formats.time_zone})"), ("User", row.user_name),
                             ("Device", row.device_id), ("Action", row.action), ("Entity", row.entity),
                             ("Entity id", row.entity_id)):
            form.addRow(f"{label}:", named(QLabel(value), label))
        self.summary = named(multiline(QPlainTextEdit()), "Details")
        self.summary.setReadOnly(True)
        self.summary.setPlainText(json.dumps(row.summary, indent=2, sort_keys=True, ensure_ascii=False,
                                             default=str))
        form.addRow("&Details:", self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        keyboard_dialog(self, first=self.summary)

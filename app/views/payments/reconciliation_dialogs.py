"""Reconciliation dialogs: resolving an exception (an unmatched or discrepant bank line, or a payment
the bank does not show) with a required, audited note; and the list of problems of a refused file."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.core.changes import Changes
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import multiline
from app.views.common.widgets import named
from app.views.payments.display import Background, error_label, show_error


class ResolveDialog(QDialog):
    resolved = Signal(object)  # Changes

    def __init__(self, subject: str, facts: str, resolve: Callable[[str], Changes],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"Resolve {subject}")
        self.setWindowTitle(f"Resolve {subject}")
        self.resolve_with = resolve
        info = named(QLabel(facts), "Exception details")
        info.setWordWrap(True)
        label = QLabel("Resolution &note (required)")
        self.note = multiline(named(QPlainTextEdit(), "Resolution note"))
        self.note.setTabChangesFocus(True)
        label.setBuddy(self.note)
        self.error = error_label("Resolution note")
        self.resolve_button = named(QPushButton("Resolve"), "Resolve")
        self.resolve_button.setEnabled(False)
        self.resolve_button.setDefault(True)
        cancel = named(QPushButton("Cancel"), "Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.resolve_button)
        layout = QVBoxLayout(self)
        for widget in (info, label, self.note, self.error):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.note.textChanged.connect(
            lambda: self.resolve_button.setEnabled(bool(self.note.toPlainText().strip())))
        self.resolve_button.clicked.connect(self.resolve)
        cancel.clicked.connect(self.reject)
        self.resize(480, 300)
        keyboard_dialog(self, accept=self.resolve_button, first=self.note)

    def resolve(self) -> None:
        note = self.note.toPlainText()
        self.resolve_button.setEnabled(False)

        def done(changes: Changes) -> None:
            self.resolved.emit(changes)
            self.accept()

        def failed(error: Exception) -> None:
            self.resolve_button.setEnabled(True)
            show_error(self.error, f"Not resolved: {error}")

        Background(self, lambda: self.resolve_with(note), writes=True).success(done) \
            .failure(failed).run_in_background()


class ImportProblemsDialog(QDialog):
    """A refused file: every problem (line or event, field, rule); nothing was imported."""

    def __init__(self, title: str, message: str, problems: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, title)
        self.setWindowTitle(title)
        summary = named(QLabel(f"<b>{message}</b><br>Correct the file and import it again."),
                        "Import result")
        summary.setWordWrap(True)
        self.problems = named(QListWidget(), "Problems")
        self.problems.addItems(problems)
        close = named(QPushButton("Close"), "Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.problems, 1)
        layout.addLayout(buttons)
        self.resize(560, 360)
        keyboard_dialog(self, accept=close)

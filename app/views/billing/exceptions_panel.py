"""The exceptions queue: accounts that failed to bill, by severity, with recommended steps."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.billing.exceptions import Category, Severity
from app.services.billing.exceptions import ACTIONS, ExceptionRow
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.billing.tables import fill, read_only_table, selected_row
from app.views.common.errors import show_error
from app.views.common.operations import Operation
from app.views.common.widgets import named

HEADERS = ("Severity", "Category", "Consumer", "Account", "Cycle", "Age (days)", "Status", "Detail")
ALL = "All"


class ExceptionsPanel(QWidget):
    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Exceptions panel")
        self.services, self.actor = services, actor
        self.rows: list[ExceptionRow] = []
        self.category = named(QComboBox(), "Category")
        self.category.addItems([ALL, *[c.value for c in Category]])
        self.severity = named(QComboBox(), "Severity")
        self.severity.addItems([ALL, *[s.value for s in Severity]])
        self.refresh_button = named(QPushButton("Refresh"), "Refresh")
        for combo in (self.category, self.severity):
            combo.currentIndexChanged.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.table = read_only_table("Exceptions", HEADERS)
        self.table.itemSelectionChanged.connect(self._show_steps)
        self.steps = named(QLabel("Select an exception to see the recommended resolution steps."),
                           "Recommended steps")
        self.steps.setWordWrap(True)
        self.note = named(QLineEdit(), "Note")
        self.note.setPlaceholderText("What was done or found")
        self.assignee = named(QLineEdit(), "Assign to")
        self.assignee.setPlaceholderText("Specialist's user name")
        self.action_buttons = {action: named(QPushButton(action), action) for action in ACTIONS}
        for action, button in self.action_buttons.items():
            button.clicked.connect(lambda _checked=False, chosen=action: self.act(chosen))
        workflow = QHBoxLayout()
        for label, edit in (("Note", self.note), ("Assign to", self.assignee)):
            caption = QLabel(f"{label}:")
            caption.setBuddy(edit)
            workflow.addWidget(caption)
            workflow.addWidget(edit, 1 if edit is self.note else 0)
        for button in self.action_buttons.values():
            workflow.addWidget(button)
        filters = QHBoxLayout()
        for label, combo in (("Category", self.category), ("Severity", self.severity)):
            caption = QLabel(f"{label}:")
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.steps, 1)
        layout.addLayout(workflow)

    def refresh(self) -> None:
        category = None if self.category.currentText() == ALL else self.category.currentText()
        severity = None if self.severity.currentText() == ALL else self.severity.currentText()
        Operation(self, lambda: self.services.billing.exceptions(
            self.actor, category=category, severity=severity)).success(self._show).run_in_background()

    def _show(self, rows: list[ExceptionRow]) -> None:
        self.rows = rows
        fill(self.table, [(r.severity, r.category, r.consumer, r.account_no, r.cycle,
                           f"{r.age_days:.1f}", r.status, r.detail) for r in rows], right=(5,))
        self._show_steps()

    def _show_steps(self) -> None:
        row = selected_row(self.table)
        if row is None or row >= len(self.rows):
            self.steps.setText("No open exceptions." if not self.rows else self.steps.text())
            return
        chosen = self.rows[row]
        steps = "".join(f"<li>{step}</li>" for step in chosen.steps)
        self.steps.setText(f"<b>{chosen.category}</b> ({chosen.severity}): {chosen.detail}"
                           f"<br>Recommended steps:<ol>{steps}</ol>")

    def act(self, action: str) -> None:
        row = selected_row(self.table)
        if row is None or row >= len(self.rows):
            return
        chosen, note, assignee = self.rows[row].id, self.note.text(), self.assignee.text()
        Operation(self, lambda: self.services.billing.act_on_exception(
            self.actor, chosen, action, note, assignee), writes=True).success(
            self._acted).failure(lambda error: show_error(self, error)).run_in_background()

    def _acted(self, _changes) -> None:
        self.note.clear()
        self.assignee.clear()
        self.refresh()

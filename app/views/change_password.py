"""Change password dialog."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import UtilityDeskError, ValidationError
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form
from app.views.common.widgets import named


class ChangePasswordDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor = services, actor
        self.setWindowTitle("Change password")
        self.fields = {}
        form = Form()
        for label in ("Current password", "New password", "Repeat new password"):
            edit = named(QLineEdit(), label)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(label, edit)
            self.fields[label] = edit
        self.message = named(QLabel(""), "Password message")
        self.message.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox()
        save = named(buttons.addButton("Change password", QDialogButtonBox.ButtonRole.AcceptRole),
                     "Change password")
        cancel = named(buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole), "Cancel")
        save.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        keyboard_dialog(self, accept=save)

    def save(self) -> None:
        values = [self.fields[k].text() for k in ("Current password", "New password", "Repeat new password")]
        try:
            self.services.auth.change_password(self.actor, *values)
        except ValidationError as error:
            self.message.setText(f"{error.field} {error.rule}.")
            self.fields.get(error.field, self.fields["New password"]).setFocus()
        except UtilityDeskError as error:
            self.message.setText(error.message)
        else:
            self.accept()

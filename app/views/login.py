"""The login window: username and password against this centre's users (works offline)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import UtilityDeskError, ValidationError
from app.runtime import StartFailed
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form
from app.views.common.widgets import named


class LoginDialog(QDialog):
    def __init__(self, services: Services, utility_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.setWindowTitle(f"{utility_name} · UtilityDesk: log in")
        self.setAccessibleName("Log in")
        self.setMinimumWidth(380)

        title = QLabel(f"<h2>{utility_name}</h2><p>Service centre desktop. Log in to continue.</p>")
        title.setTextFormat(Qt.TextFormat.RichText)
        self.username = named(QLineEdit(), "Username")
        self.password = named(QLineEdit(), "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = named(QLabel(""), "Login message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")

        form = Form()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        buttons = QDialogButtonBox()
        self.login_button = named(buttons.addButton("Log in", QDialogButtonBox.ButtonRole.AcceptRole), "Log in")
        self.login_button.setDefault(True)
        quit_button = named(buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole), "Quit")
        self.login_button.clicked.connect(self.try_login)
        quit_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.username.setFocus()
        keyboard_dialog(self, accept=self.login_button, first=self.username)

    def try_login(self) -> None:
        # Login is one quick local query plus an argon2 check (~50 ms): done inline on purpose.
        # On the desktop's start `services.auth` first waits for the database to finish opening
        # behind this window (app.runtime.OpeningRuntime); if it could not, the window closes
        # and the start reports why (app.views.application.run_gui).
        try:
            auth = self.services.auth
        except StartFailed:
            self.reject()
            return
        try:
            self.actor = auth.login(self.username.text(), self.password.text())
        except ValidationError as error:
            self._fail(f"{error.field} {error.rule}.", error.field)
        except UtilityDeskError as error:
            self._fail(error.message, "Password")
        else:
            self.message.clear()
            self.accept()

    def _fail(self, text: str, field: str) -> None:
        self.message.setText(text)
        self.adjustSize()  # a message of two or three lines makes the window taller, not the title shorter
        target = self.username if field == "Username" else self.password
        if field == "Password":
            self.password.clear()
        target.setFocus()

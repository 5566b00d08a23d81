"""Connecting this desktop to a central service: address, enrolment code, sign-in, first download."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import UtilityDeskError, ValidationError
from app.services.core.context import SYSTEM_ACTOR, Actor
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form
from app.views.common.operations import QuietOperation
from app.views.common.widgets import named
from sync.desktop import CONNECT_STEPS, Connected, ConnectStep, SyncLink

INTRO = ("Connect this desktop to your utility's central service. An administrator gives you a one-time "
         "enrolment code for this service centre. The first sync downloads reference data first (settings, "
         "tariffs, users), then the centre's accounts; the desktop stays usable meanwhile.")


class ConnectDialog(QDialog):
    connected = Signal(object)  # Connected
    _stepped = Signal()  # argument-free (see Operation): the step itself waits in self._latest_step

    def __init__(self, link: SyncLink, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link, self.actor = link, actor
        named(self, "Connect to central service")
        self.setWindowTitle("Connect to central service")
        self.server_url = named(QLineEdit(link.server_url), "Server URL")
        self.server_url.setPlaceholderText("https://sync.example.org")
        self.code = named(QLineEdit(), "Enrolment code")
        self.username = named(QLineEdit("" if actor is SYSTEM_ACTOR else actor.username), "Username")
        self.password = named(QLineEdit(), "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.progress = named(QProgressBar(), "Connection progress")
        self.progress.setRange(0, CONNECT_STEPS)
        self.progress.setValue(0)
        self.progress.setFormat("Step %v of %m")
        self.progress.hide()  # until Connect is pressed
        self.step = named(QLabel(""), "Connection step")
        self.step.setWordWrap(True)
        self.message = named(QLabel(""), "Connect message")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "error")
        self.connect_button = named(QPushButton("Connect"), "Connect")
        self.connect_button.setDefault(True)
        self.close_button = named(QPushButton("Cancel"), "Cancel")
        self.connect_button.clicked.connect(self.connect_desktop)
        self.close_button.clicked.connect(self.reject)
        self._latest_step: ConnectStep | None = None
        self._stepped.connect(self._show_step)
        self._lay_out()
        (self.code if link.server_url else self.server_url).setFocus()
        keyboard_dialog(self, accept=self.connect_button, first=self.code if link.server_url else self.server_url)

    def _lay_out(self) -> None:
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        form = Form()
        for label, field in (("Server &URL", self.server_url), ("&Enrolment code", self.code),
                             ("User&name", self.username), ("&Password", self.password)):
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.connect_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        for widget in (self.progress, self.step, self.message):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    @property
    def fields(self) -> tuple[QLineEdit, ...]:
        return self.server_url, self.code, self.username, self.password

    def connect_desktop(self) -> None:
        values = [field.text() for field in self.fields]
        self._busy(True)
        self.message.clear()
        self.progress.setValue(0)
        self.progress.show()
        QuietOperation(self, lambda: self.link.connect(self.actor, *values, progress=self._report_step),
                       label="Connecting…").success(self._done).failure(self._failed).run_in_background()

    def _busy(self, busy: bool) -> None:
        for widget in (*self.fields, self.connect_button):
            widget.setEnabled(not busy)
        self.close_button.setEnabled(not busy)

    def _report_step(self, step: ConnectStep) -> None:  # on the worker thread
        self._latest_step = step
        self._stepped.emit()

    def _show_step(self) -> None:
        step = self._latest_step
        if step is None:
            return
        self.progress.setValue(max(self.progress.value(), step.step - 1))
        self.step.setText(step.text)

    def _done(self, connected: Connected) -> None:
        self.progress.setValue(CONNECT_STEPS)
        report = connected.report
        if report is not None:
            self.step.setText(f"Connected to {connected.server_url}. Downloaded {connected.downloaded:,} "
                              f"records; sent {report.pushed:,} queued operations.")
            self.message.setText(connected.notice)
        else:
            self.step.setText(f"Connected to {connected.server_url}.")
            self.message.setText(f"The first download did not finish: {connected.problem} "
                                 f"It continues in the background. {connected.notice}".strip())
        self.connect_button.hide()
        self.close_button.setText("Close")
        named(self.close_button, "Close")
        self.close_button.setEnabled(True)
        self.close_button.clicked.disconnect()
        self.close_button.clicked.connect(self.accept)
        self.close_button.setFocus()
        self.connected.emit(connected)

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        self.step.clear()
        self.progress.hide()
        if isinstance(error, ValidationError):
            self.message.setText(f"{error.field} {error.rule}.")
            target = {f.accessibleName(): f for f in self.fields}.get(error.field, self.server_url)
            target.setFocus()
        elif isinstance(error, UtilityDeskError):
            self.message.setText(f"Not connected: {error.message}")
            self.password.clear()
            self.password.setFocus()
        else:
            from app.views.common.errors import show_error

            show_error(self, error)


def connect_new_desktop(link: SyncLink, data_folder: Path, users_exist: Callable[[], bool]) -> bool:
    """First start on an empty database: connect to the central service, whose users then arrive."""
    box = QMessageBox(QMessageBox.Icon.Information, "UtilityDesk",
                      f"The database in {data_folder} has no users yet.\n\nConnect this desktop to your "
                      "utility's central service (an administrator gives you an enrolment code), or build "
                      "the demo utility with:  utilitydesk demo")
    connect = named(box.addButton("Connect to central service…", QMessageBox.ButtonRole.AcceptRole),
                    "Connect to central service…")
    box.addButton("Close", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not connect:
        return False
    ConnectDialog(link, SYSTEM_ACTOR).exec()
    return users_exist()

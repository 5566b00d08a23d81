"""After Submit Request: the request's number and details, Save receipt (PDF, to print or hand
over), View request and Add another request."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.core.context import Actor
from app.services.registry import Services
from app.services.requests import CreatedRequest
from app.views.common.widgets import named
from app.views.payments.display import Background


class ReceiptPanel(QWidget):
    add_another = Signal()
    view_request = Signal(str)

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Request receipt")
        self.services, self.actor = services, actor
        self.created: CreatedRequest | None = None
        self.summary = named(QLabel(""), "Request submitted")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("background: #e3f4e8; color: #1e6b3a; padding: 8px; border-radius: 6px;")
        self.print_button = named(QPushButton("Print receipt"), "Print receipt")
        self.save_button = named(QPushButton("Save receipt (PDF)"), "Save receipt (PDF)")
        self.view_button = named(QPushButton("View request"), "View request")
        self.another_button = named(QPushButton("Add another request"), "Add another request")
        self.saved = named(QLabel(""), "Receipt saved")
        buttons = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.view_button, self.another_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.saved)
        self.save_button.clicked.connect(self._choose_path)
        self.print_button.clicked.connect(self.print_slip)
        self.view_button.clicked.connect(lambda: self.view_request.emit(self.created.request_id))
        self.another_button.clicked.connect(self.add_another.emit)
        self.hide()

    def show_created(self, created: CreatedRequest) -> None:
        self.created = created
        told = (f"An e-mail was queued to {created.notified}." if created.notified
                else "No notification was sent.")
        provisional = " (provisional number: this desk is offline)" if created.provisional_number else ""
        self.summary.setText(f"{created.request_type} request {created.request_no}{provisional} "
                             f"was submitted. {told}")
        self.saved.setText("")
        self.show()
        self.another_button.setFocus()

    def print_slip(self) -> None:
        """On the counter printer; a printer problem is said here, the request is kept."""
        created = self.created
        Background(self, lambda: self.services.requests.print_request_receipt(
            self.actor, created.request_id, created.notified)) \
            .success(self.saved.setText) \
            .failure(lambda error: self.saved.setText(f"Not printed: {getattr(error, 'message', error)}")) \
            .run_in_background()

    def _choose_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save receipt", f"{self.created.request_no}.pdf",
                                              "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        created = self.created
        Background(self, lambda: self.services.requests.write_receipt(
            self.actor, created.request_id, path, created.notified)) \
            .success(lambda written: self.saved.setText(f"Receipt saved to {written}")).run_in_background()

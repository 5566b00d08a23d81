"""SLA breaches escalate on every desktop, whether or not anyone has the Disconnections module
open (or may see it): once at login, then every minute, in the background. Escalation is
idempotent across desktops (see RequestWorkflow.escalate_breaches), so many watchers are safe."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.services.registry import Services
from app.views.disconnections.quiet import QuietBackground

log = logging.getLogger(__name__)
ESCALATION_MS = 60_000


class SlaWatch(QObject):
    escalated = Signal()  # something was escalated now: request screens refresh

    def __init__(self, services: Services, owner: QWidget) -> None:
        super().__init__(owner)
        self.services, self.owner = services, owner
        self.timer = QTimer(self)
        self.timer.setInterval(ESCALATION_MS)
        self.timer.timeout.connect(self.run)
        self.timer.start()
        QTimer.singleShot(0, self.run)  # at login

    def run(self) -> None:
        QuietBackground(self.owner, self.services.requests.escalate_breaches, writes=True) \
            .success(lambda escalated: self.escalated.emit() if escalated else None) \
            .failure(lambda error: log.warning("SLA escalation failed: %s", error)).run_in_background()

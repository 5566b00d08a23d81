"""SLA breaches escalate from every desktop whose user works requests, whichever module is on
screen: once at login, then every minute, in the background. Escalation is idempotent across
desktops (see RequestWorkflow.escalate_breaches), so many watchers are safe. A user who may not
write request events (a billing manager) does not escalate: the central service would refuse
the events that desktop pushed."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.domain.core.permissions import Permission, can
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.disconnections.quiet import QuietBackground

log = logging.getLogger(__name__)
ESCALATION_MS = 60_000
ESCALATES = (Permission.CREATE_REQUEST, Permission.WORK_REQUEST, Permission.NOTE_REQUEST)


class SlaWatch(QObject):
    escalated = Signal()  # something was escalated now: request screens refresh

    def __init__(self, services: Services, actor: Actor, owner: QWidget) -> None:
        super().__init__(owner)
        self.services, self.owner = services, owner
        self.active = any(can(actor.role, permission) for permission in ESCALATES)
        self.timer = QTimer(self)
        if not self.active:
            return
        self.timer.setInterval(ESCALATION_MS)
        self.timer.timeout.connect(self.run)
        self.timer.start()
        QTimer.singleShot(0, self.run)  # at login

    def run(self) -> None:
        QuietBackground(self.owner, self.services.requests.escalate_breaches, writes=True) \
            .success(lambda escalated: self.escalated.emit() if escalated else None) \
            .failure(lambda error: log.warning("SLA escalation failed: %s", error)).run_in_background()

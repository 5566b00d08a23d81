"""Scheduled reports defined from the dashboard: the "reports.schedules" setting (a Billing
dashboard summary or the daily collections summary, mailed by the central service's scheduler
once a day after its send time), changed by a Utility Administrator and read by the rest."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton

from app.domain.core import settings as registry
from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission, can
from app.domain.core.settings_catalog import REPORTS
from app.services.core.context import Actor
from app.services.dashboard.scheduled import DASHBOARD_REPORT
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.widgets import named
from app.views.dashboard.quick_billing import QuickActionDialog
from app.views.settings.editors import RecordListEditor

KEY = "reports.schedules"


class SchedulesDialog(QuickActionDialog):
    def __init__(self, services: Services, actor: Actor, parent=None) -> None:
        super().__init__("Scheduled Reports", parent)
        self.services, self.actor = services, actor
        spec = registry.spec_of(KEY)
        self.editor = RecordListEditor(spec.kind, spec.label)
        self.editor.setToolTip(f"{spec.help} Reports: {', '.join(REPORTS)}.")
        self.save_button = named(QPushButton("Save schedules"), "Save schedules")
        self.save_button.clicked.connect(self.save)
        admin = can(actor.role, Permission.MANAGE_SETTINGS)
        self.save_button.setEnabled(admin)
        self.save_button.setToolTip("" if admin else "Only a Utility Administrator changes the schedules")
        self.editor.setEnabled(admin)
        hint = named(QLabel(f'Add a row with the report "{DASHBOARD_REPORT}" to mail the dashboard\'s '
                            "figures (the month to the day before) to its recipients every day."), "Hint")
        hint.setWordWrap(True)
        self.body.addWidget(hint)
        self.body.addWidget(self.editor, 1)
        self.body.addWidget(self.save_button)
        self.editor.load(services.settings.current().get(KEY))
        self.resize(1000, 420)
        keyboard_dialog(self, accept=self.save_button if admin else self.close_button)

    def save(self) -> None:
        try:
            self.services.settings.update(self.actor, {KEY: self.editor.value()})
        except ValidationError as error:
            self.say(f"Not saved. {error.field}: {error.rule}.", problem=True)
            return
        except Exception as error:  # noqa: BLE001 - shown in the dialog
            self.failed(error)
            return
        self.editor.load(self.services.settings.current().get(KEY))
        self.did("Schedules saved; the central service mails each once a day after its send time")

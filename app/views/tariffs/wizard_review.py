"""Tariff wizard, step 4: Review & publish: a preview of the version and its change summary."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWizardPage,
)

from app.domain.core.permissions import Permission, can
from app.services.tariffs.compare import describe
from app.views.common.forms import Form, multiline, scroll_area
from app.views.common.widgets import named
from app.views.tariffs.ui import add_field, message_label, show_message
from app.views.tariffs.wizard_owner import TariffWizardOwner


class ReviewPage(QWizardPage):
    def __init__(self, wizard: TariffWizardOwner) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Review & publish")
        self.setSubTitle("Check the tariff, describe the change, and publish it or keep it as a draft.")
        self.preview = named(QLabel(""), "Tariff preview")
        self.preview.setWordWrap(True)
        scroll = scroll_area(self.preview, name="Tariff preview")
        self.summary = multiline(QPlainTextEdit())
        self.summary.setMaximumHeight(70)
        self.summary_message = message_label("Change summary message")
        self.publish = named(QCheckBox("Publish now (otherwise saved as a draft)"),
                             "Publish now (otherwise saved as a draft)")
        may_publish = can(wizard.actor.role, Permission.PUBLISH_TARIFFS)
        self.publish.setChecked(may_publish)
        self.publish.setEnabled(may_publish)
        if not may_publish:
            self.publish.setToolTip("Your role saves drafts; a Billing Manager or Administrator publishes")
        self.result = message_label("Save message")
        form = Form()
        add_field(form, "Change summary", self.summary, self.summary_message,
                  "What was modified in this version; kept in the version history")
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(form)
        layout.addWidget(self.publish)
        layout.addWidget(self.result)
        self.summary.textChanged.connect(lambda: wizard.field_changed("change_summary"))
        self._suggested = ""

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        version, _ = self.owner.build()
        day = self.owner.formats.day
        rows = describe(version, self.owner.basics.chosen_categories(), day)
        before = describe(self.owner.start_version, self.owner.start_categories, day) \
            if self.owner.start_version is not None and self.owner.mode != "create" else {}
        cells = "".join(
            f"<tr><td><b>{escape(label)}</b></td><td>{escape(text)}</td>"
            f"<td style='color:#8a5300'>{escape(_change_note(label, text, before))}</td></tr>"
            for label, text in rows.items())
        samples = "".join(f"<li>{s.units} {version.unit.value}: {self.owner.money(s.bill.total)}</li>"
                          for s in self.owner.samples.current)
        self.preview.setText(f"<h3>{escape(version.name)} · v{version.version}</h3>"
                             f"<table cellspacing='6'>{cells}</table>"
                             + (f"<p><b>Sample bills</b></p><ul>{samples}</ul>" if samples else ""))
        self._suggest(rows, before)

    def _suggest(self, rows: dict[str, str], before: dict[str, str]) -> None:
        """Proposes a summary from the differences; the user's own words are never replaced."""
        if self.owner.mode == "create":
            suggestion = "Initial tariff creation"
        else:
            suggestion = "; ".join(f"{label} updated from {before.get(label, '—')} to {text}"
                                   for label, text in rows.items() if before.get(label) != text)
        current = self.summary.toPlainText().strip()
        if not current or current == self._suggested:
            self.summary.setPlainText(suggestion)
            self._suggested = suggestion

    def change_summary(self) -> str:
        return self.summary.toPlainText().strip()

    def show_errors(self, messages: dict[str, str], visible: set[str]) -> None:
        show_message(self.summary_message,
                     messages.get("change_summary", "") if "change_summary" in visible else "")

    def show_result(self, text: str) -> None:
        show_message(self.result, text)


def _change_note(label: str, text: str, before: dict[str, str]) -> str:
    if not before:
        return ""
    if label not in before:
        return "new"
    return f"changed from {before[label]}" if before[label] != text else ""

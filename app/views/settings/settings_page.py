"""Settings (Utility Administrator): one page per section, thin load/save over the registry."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.core import settings as registry
from app.domain.core.errors import ValidationError
from app.domain.core.settings import Settings
from app.services.core.changes import SETTINGS, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.errors import show_error
from app.views.common.forms import Form, scroll_area
from app.views.common.widgets import described, named
from app.views.settings.editors import RecordListEditor, editor_for


class SectionPage(QWidget):
    """The settings of one section, with Save and Revert."""

    saved = Signal(object)

    def __init__(self, section: str, services: Services, actor: Actor) -> None:
        super().__init__()
        self.section, self.services, self.actor = section, services, actor
        self.specs = registry.specs_in(section)
        self.editors = {spec.key: editor_for(spec) for spec in self.specs}
        form = Form()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if any(isinstance(editor, RecordListEditor) for editor in self.editors.values()):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # tables get the full width
        for spec in self.specs:
            label = QLabel(spec.label)
            label.setToolTip(spec.help)
            self.editors[spec.key].setToolTip(spec.help)
            form.addRow(label, self.editors[spec.key])
        self.message = named(QLabel(""), f"{section} settings message")
        self.message.setWordWrap(True)
        save = described(named(QPushButton("Save"), "Save"), f"Saves the {section} settings")
        revert = described(named(QPushButton("Revert"), "Revert"), f"Reverts the {section} settings to what is saved")
        save.clicked.connect(self.save)
        revert.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addWidget(revert)
        buttons.addStretch(1)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(QLabel(f"<h3>{section}</h3>"))
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)
        scroll = scroll_area(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def load(self, settings: Settings | None = None) -> None:
        settings = settings or self.services.settings.current()
        for key, editor in self.editors.items():
            editor.load(settings.get(key))
        self.loaded_values = self.edited_values()
        self._say("", ok=True)

    @property
    def has_unsaved_edits(self) -> bool:
        return self.edited_values() != self.loaded_values

    def edited_values(self) -> dict[str, object]:
        return {key: editor.value() for key, editor in self.editors.items()}

    def save(self) -> None:
        try:
            changes = self.services.settings.update(self.actor, self.edited_values())
        except ValidationError as error:
            self._say(f"Not saved. {error.field}: {error.rule}.", ok=False)
            self._focus(error.field)
        except Exception as error:  # noqa: BLE001 - shown to the user, logged by show_error
            show_error(self, error)
        else:
            self.load()
            self._say("Saved.", ok=True)
            self.saved.emit(changes)

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #1b6e20;" if ok else "color: #b3261e; font-weight: bold;")

    def _focus(self, label: str) -> None:
        for spec in self.specs:
            if spec.label == label:
                self.editors[spec.key].setFocus()


class SettingsPage(QWidget):
    operation_done = Signal(object)

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Settings page")
        self.services = services
        self.sections = named(QListWidget(), "Settings sections")
        self.sections.setFixedWidth(190)
        self.stack = QStackedWidget()
        self.pages: dict[str, SectionPage] = {}
        settings = services.settings.current()
        for section in registry.sections():
            page = SectionPage(section, services, actor)
            page.load(settings)
            page.saved.connect(self.operation_done.emit)
            self.pages[section] = page
            self.sections.addItem(section)
            self.stack.addWidget(page)
        self.sections.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sections.setCurrentRow(0)
        title = QLabel("<h2>Settings</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignLeft)
        body = QHBoxLayout()
        body.addWidget(self.sections)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(body, 1)

    def show_section(self, section: str) -> SectionPage:
        self.sections.setCurrentRow(list(self.pages).index(section))
        return self.pages[section]

    def on_changes(self, changes: Changes) -> None:
        # Another change (sync, another page) refreshes pages, never over unsaved edits.
        if changes.touches(SETTINGS):
            settings = self.services.settings.current()
            for page in self.pages.values():
                if not page.has_unsaved_edits:
                    page.load(settings)

"""Tariff wizard, step 1: Basics (name, utility, unit, rate type, validity), tips and templates."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import UNITS_BY_UTILITY, RateType, TariffVersion, Unit, Utility
from app.views.common.forms import DateEdit, Form, multiline
from app.views.common.widgets import named
from app.views.tariffs.tips import BENEFITS, CHOOSE, TIPS
from app.views.tariffs.ui import add_field, chosen, message_label, show_message
from app.views.tariffs.wizard_basis import FIELDS as BASIS_FIELDS
from app.views.tariffs.wizard_basis import BasisFields
from app.views.tariffs.wizard_owner import TariffWizardOwner

FIELDS = ("name", "utility", "unit", "rate_type", "valid_from", "valid_to", "validity",
          "currency", "categories", "version", *BASIS_FIELDS)
TARIFF_UTILITIES = (Utility.ELECTRICITY, Utility.WATER, Utility.GAS, Utility.SEWER, Utility.WASTE)


def _date_edit(day: date) -> QDateEdit:
    edit = DateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    return edit


class BasicsPage(QWizardPage):
    def __init__(self, wizard: TariffWizardOwner, templates: list[tuple[str, object]]) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Basics")
        self.setSubTitle("Name the tariff, choose its utility, unit and rate type, and when it applies.")
        self.template = named(QComboBox(), "Start from")
        self.template.addItem("Blank form", None)
        for label, key in templates:
            self.template.addItem(label, key)
        self.name = QLineEdit()
        self.utility = QComboBox()
        self.utility.addItem("Select a utility…", None)
        for utility in TARIFF_UTILITIES:
            self.utility.addItem(utility.label, utility)
        self.unit = QComboBox()
        self.basis = BasisFields(wizard.field_changed)
        self.rate_type = QComboBox()
        self.rate_type.addItem("Select a rate type…", None)
        for rate_type in RateType:
            self.rate_type.addItem(rate_type.label, rate_type)
        today = wizard.today
        self.valid_from = _date_edit(today)
        self.ongoing = named(QCheckBox("Ongoing (no end date)"), "Ongoing (no end date)")
        self.ongoing.setChecked(True)
        self.valid_to = _date_edit(today)
        self.valid_to.setEnabled(False)
        self.categories = QListWidget()
        self.categories.setMaximumHeight(84)
        for category in wizard.consumer_categories:
            item = QListWidgetItem(category)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.categories.addItem(item)
        self.description = multiline(QPlainTextEdit())
        self.description.setMaximumHeight(60)
        self.messages = {field: message_label(f"{label} message") for field, label in (
            ("name", "Tariff name"), ("utility", "Utility"), ("unit", "Unit"),
            ("rate_type", "Rate type"), ("valid_from", "Valid from"), ("valid_to", "Valid to"),
            ("categories", "Consumer categories"))}
        self._layout()
        self._connect()

    def _layout(self) -> None:
        form = Form()
        if self.owner.mode == "create":
            form.addRow("Start from", self.template)
        m = self.messages
        add_field(form, "Tariff name", self.name, m["name"], "Unique across all tariffs")
        add_field(form, "Utility", self.utility, m["utility"])
        add_field(form, "Unit", self.unit, m["unit"], "The unit the meter reads")
        self.basis.add_to(form)
        add_field(form, "Rate type", self.rate_type, m["rate_type"])
        add_field(form, "Valid from", self.valid_from, m["valid_from"])
        validity = QHBoxLayout()
        validity.addWidget(self.ongoing)
        validity.addWidget(self.valid_to, 1)
        form.addRow("Valid to", validity)
        named(self.valid_to, "Valid to")
        form.addRow("", m["valid_to"])
        add_field(form, "Consumer categories", self.categories, m["categories"],
                  "Leave all unchecked for a tariff open to every category")
        add_field(form, "Description", self.description)
        self.tip = named(QLabel(CHOOSE), "Tip")
        self.tip.setWordWrap(True)
        self.benefits_button = named(QPushButton("Show benefits"), "Show benefits")
        self.benefits_button.setCheckable(True)
        self.benefits = named(QLabel(""), "Benefits")
        self.benefits.setWordWrap(True)
        self.benefits.hide()
        tips = QGroupBox("Tips")
        tips_layout = QVBoxLayout(tips)
        tips_layout.addWidget(self.tip)
        tips_layout.addWidget(self.benefits_button, alignment=Qt.AlignmentFlag.AlignLeft)
        tips_layout.addWidget(self.benefits)
        tips_layout.addStretch(1)
        tips.setMaximumWidth(300)
        layout = QHBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(tips)

    def _connect(self) -> None:
        changed = self.owner.field_changed
        self.name.textChanged.connect(lambda _t: changed("name"))
        self.utility.currentIndexChanged.connect(self._utility_changed)
        self.unit.currentIndexChanged.connect(lambda _i: changed("unit"))
        self.rate_type.currentIndexChanged.connect(self._rate_type_changed)
        self.valid_from.dateChanged.connect(lambda _d: changed("valid_from"))
        self.valid_to.dateChanged.connect(lambda _d: changed("valid_to"))
        self.ongoing.toggled.connect(self._ongoing_toggled)
        self.categories.itemChanged.connect(lambda _i: changed("categories"))
        self.description.textChanged.connect(lambda: changed("description"))
        self.template.currentIndexChanged.connect(lambda _i: self.owner.start_from(self.template.currentData()))
        self.benefits_button.toggled.connect(self._benefits_toggled)

    def _utility_changed(self) -> None:
        utility = chosen(self.utility, Utility)
        current = chosen(self.unit, Unit)
        self.unit.blockSignals(True)
        self.unit.clear()
        for unit in UNITS_BY_UTILITY.get(utility, ()):
            self.unit.addItem(unit.value, unit)
        if current is not None and self.unit.findData(current) >= 0:
            self.unit.setCurrentIndex(self.unit.findData(current))
        self.unit.blockSignals(False)
        self.basis.utility_changed(utility)
        self.owner.field_changed("utility")

    def _rate_type_changed(self) -> None:
        rate_type = chosen(self.rate_type, RateType)
        self.tip.setText(TIPS.get(rate_type, CHOOSE))
        self.benefits.setText(BENEFITS.get(rate_type, ""))
        self.owner.rates.show_rate_type(rate_type)
        self.owner.field_changed("rate_type")

    def _ongoing_toggled(self, ongoing: bool) -> None:
        self.valid_to.setEnabled(not ongoing)
        self.owner.field_changed("valid_to")

    def _benefits_toggled(self, shown: bool) -> None:
        self.benefits.setVisible(shown)
        self.benefits_button.setText("Hide benefits" if shown else "Show benefits")
        if shown:
            self.owner.benefits_viewed(chosen(self.rate_type, RateType))

    # reading and loading ------------------------------------------------------------------

    def collect(self, errors: list[ValidationError]) -> dict[str, object]:
        return {
            "name": self.name.text().strip(),
            "utility": chosen(self.utility, Utility),
            "unit": chosen(self.unit, Unit),
            "rate_type": chosen(self.rate_type, RateType),
            "valid_from": self.valid_from.date().toPython(),
            "valid_to": None if self.ongoing.isChecked() else self.valid_to.date().toPython(),
            **self.basis.collect(errors),
        }

    def chosen_categories(self) -> list[str]:
        return [self.categories.item(row).text() for row in range(self.categories.count())
                if self.categories.item(row).checkState() == Qt.CheckState.Checked]

    def load(self, version: TariffVersion, categories: tuple[str, ...], description: str,
             keep_name: bool = True) -> None:
        self.name.setText(version.name if keep_name else "")
        self.utility.setCurrentIndex(max(0, self.utility.findData(version.utility)))
        self.unit.setCurrentIndex(max(0, self.unit.findData(Unit(version.unit))))
        self.basis.load(version)
        self.rate_type.setCurrentIndex(max(0, self.rate_type.findData(version.rate_type)))
        self.valid_from.setDate(QDate(version.valid_from.year, version.valid_from.month,
                                      version.valid_from.day))
        self.ongoing.setChecked(version.valid_to is None)
        if version.valid_to is not None:
            self.valid_to.setDate(QDate(version.valid_to.year, version.valid_to.month, version.valid_to.day))
        for row in range(self.categories.count()):
            item = self.categories.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.text() in categories else Qt.CheckState.Unchecked)
        self.description.setPlainText(description)

    def preset(self, utility: Utility, rate_type: RateType | None) -> None:
        """Opened from a plan's "Add rate": the service's utility (and rate type) chosen."""
        self.utility.setCurrentIndex(max(0, self.utility.findData(utility)))
        if rate_type is not None:
            self.rate_type.setCurrentIndex(max(0, self.rate_type.findData(rate_type)))

    def lock_identity(self) -> None:
        """A new version keeps the tariff's utility and rate type."""
        for combo in (self.utility, self.rate_type):
            combo.setEnabled(False)
            combo.setToolTip("A new version keeps the tariff's utility and rate type")

    def show_errors(self, messages: dict[str, str], visible: set[str]) -> None:
        also = {"valid_from": ("validity",), "name": ("currency", "version")}
        for field, label in self.messages.items():
            fields = (field, *also.get(field, ()))
            text = next((messages[f] for f in fields if f in messages and f in visible), "")
            show_message(label, text)
        self.basis.show_errors(messages, visible)

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        return self.owner.page_ok(self, FIELDS)

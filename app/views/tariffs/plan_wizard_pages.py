"""The plan wizard's four steps: Basic Details, Consumer Categories, Utility Services, Service Charges.

Each step reads its widgets into its part of a PlanDraft and shows the domain's messages for
its own fields; the wizard refuses Next until the step has none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
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
from app.domain.tariffs.plans import BillingFrequency, PlanDraft, PlanServiceChoice, TaxType
from app.domain.tariffs.validation import RateType, Utility
from app.views.common.forms import DateEdit, Form, multiline
from app.views.common.widgets import named
from app.views.tariffs.ui import (
    add_field,
    chosen,
    field_root,
    first_per_field,
    message_label,
    parse_decimal,
    show_message,
)
from app.views.tariffs.wizard_owner import PlanWizardOwner


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class PlanStep(QWizardPage):
    step = 0

    def __init__(self, wizard: PlanWizardOwner, title: str, subtitle: str) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.messages: dict[str, QLabel] = {}

    def show_errors(self, errors: list[ValidationError]) -> None:
        roots = first_per_field(errors)
        by_root: dict[str, str] = {}
        for field, rule in roots.items():
            by_root.setdefault(field, rule)
            by_root.setdefault(field_root(field), rule)
        for field, label in self.messages.items():
            show_message(label, by_root.get(field, ""))

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        return self.owner.step_ok(self)


class BasicDetailsPage(PlanStep):
    step = 0

    def __init__(self, wizard: PlanWizardOwner) -> None:
        super().__init__(wizard, "Basic Details", "Name the plan, its billing frequency, tax and validity.")
        self.name, self.short_name = QLineEdit(), QLineEdit()
        self.description = multiline(QPlainTextEdit())
        self.description.setMaximumHeight(70)
        self.frequency = QComboBox()
        self.frequency.addItem("Select…", None)
        for frequency in BillingFrequency:
            self.frequency.addItem(frequency.value, frequency)
        self.tax_type = QComboBox()
        self.tax_type.addItem("Select…", None)
        for tax in TaxType:
            self.tax_type.addItem(tax.value, tax)
        self.tax_rate = QLineEdit()
        self.tax_rate.setPlaceholderText("e.g. 5 for 5%, or an amount for a flat tax")
        today = wizard.context.today
        self.start, self.end = DateEdit(_qdate(today)), DateEdit(_qdate(today))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
        self.ongoing = named(QCheckBox("No end date (ongoing)"), "No end date (ongoing)")
        self.ongoing.setChecked(True)
        self.end.setEnabled(False)
        self.ongoing.toggled.connect(lambda on: self.end.setEnabled(not on))
        self.tax_type.currentIndexChanged.connect(self._tax_type_changed)
        self.messages = {f: message_label(f"{label} message") for f, label in (
            ("name", "Plan name"), ("short_name", "Short name"), ("description", "Description"),
            ("billing_frequency", "Billing frequency"), ("tax_type", "Tax type"),
            ("tax_rate", "Tax rate"), ("valid_from", "Start date"), ("valid_to", "End date"))}
        m = self.messages
        form = Form(self)
        add_field(form, "Plan name", self.name, m["name"], "Unique across all plans")
        add_field(form, "Short name", self.short_name, m["short_name"], "At most 15 characters")
        add_field(form, "Description", self.description, m["description"], "Briefly outline the plan's benefits")
        add_field(form, "Billing frequency", self.frequency, m["billing_frequency"])
        add_field(form, "Tax type", self.tax_type, m["tax_type"])
        add_field(form, "Tax rate", self.tax_rate, m["tax_rate"])
        add_field(form, "Start date", self.start, m["valid_from"], "Cannot be in the past")
        dates = QHBoxLayout()
        dates.addWidget(self.ongoing)
        dates.addWidget(self.end, 1)
        named(self.end, "End date")
        form.addRow("End date", dates)
        form.addRow("", m["valid_to"])

    def _tax_type_changed(self) -> None:
        exempt = chosen(self.tax_type, TaxType) is TaxType.EXEMPT
        self.tax_rate.setEnabled(not exempt)
        if exempt:
            self.tax_rate.clear()

    def fill(self, draft: PlanDraft) -> PlanDraft:
        try:
            rate = parse_decimal(self.tax_rate.text(), "tax_rate", "Tax rate", required=False)
        except ValidationError:
            rate = None
        return replace(draft, name=self.name.text(), short_name=self.short_name.text(),
                       description=self.description.toPlainText(),
                       billing_frequency=chosen(self.frequency, BillingFrequency),
                       tax_type=chosen(self.tax_type, TaxType),
                       tax_rate=rate, valid_from=self.start.date().toPython(),
                       valid_to=None if self.ongoing.isChecked() else self.end.date().toPython())

    def load(self, draft: PlanDraft) -> None:
        self.name.setText(draft.name)
        self.short_name.setText(draft.short_name)
        self.description.setPlainText(draft.description)
        self.frequency.setCurrentIndex(max(0, self.frequency.findData(draft.billing_frequency)))
        self.tax_type.setCurrentIndex(max(0, self.tax_type.findData(draft.tax_type)))
        self.tax_rate.setText("" if draft.tax_rate is None else format(draft.tax_rate.normalize(), "f"))
        if draft.valid_from:
            self.start.setDate(_qdate(draft.valid_from))
        self.ongoing.setChecked(draft.valid_to is None)
        if draft.valid_to:
            self.end.setDate(_qdate(draft.valid_to))


class CategoriesPage(PlanStep):
    step = 1

    def __init__(self, wizard: PlanWizardOwner) -> None:
        super().__init__(wizard, "Consumer Categories",
                         "Choose the consumer categories, then at least one sub category of each.")
        self.boxes = {c: named(QCheckBox(c), c) for c in wizard.context.sub_categories}
        self.subs = named(QListWidget(), "Sub categories")
        self.messages = {"categories": message_label("Consumer categories message"),
                         "sub_categories": message_label("Sub categories message")}
        row = QHBoxLayout()
        for box in self.boxes.values():
            box.toggled.connect(lambda _on: self._show_subs())
            row.addWidget(box)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Main categories</b>"))
        layout.addLayout(row)
        layout.addWidget(self.messages["categories"])
        layout.addWidget(QLabel("<b>Sub categories</b> (only those of the categories chosen above)"))
        layout.addWidget(self.subs, 1)
        layout.addWidget(self.messages["sub_categories"])

    def _show_subs(self, checked: set[tuple[str, str]] | None = None) -> None:
        """Sub-categories filtered by the chosen categories; ticks survive the refresh."""
        kept = checked if checked is not None else self._ticked()
        self.subs.clear()
        for category, box in self.boxes.items():
            if not box.isChecked():
                continue
            for sub in self.owner.context.sub_categories[category]:
                item = QListWidgetItem(f"{category} · {sub}")
                item.setData(Qt.ItemDataRole.UserRole, (category, sub))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if (category, sub) in kept else Qt.CheckState.Unchecked)
                self.subs.addItem(item)

    def _ticked(self) -> set[tuple[str, str]]:
        return {self.subs.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.subs.count())
                if self.subs.item(i).checkState() == Qt.CheckState.Checked}

    def tick(self, category: str, sub: str) -> None:
        self.boxes[category].setChecked(True)
        self._show_subs(self._ticked() | {(category, sub)})

    def fill(self, draft: PlanDraft) -> PlanDraft:
        ticked = self._ticked()
        pairs: list[tuple[str, str]] = []
        for category, box in self.boxes.items():
            if box.isChecked():
                subs = [pair for pair in sorted(ticked) if pair[0] == category]
                pairs += subs or [(category, "")]
        return replace(draft, categories=tuple(pairs))

    def load(self, draft: PlanDraft) -> None:
        for category, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(category in draft.main_categories)
            box.blockSignals(False)
        self._show_subs(set(draft.categories))


class ServicesPage(PlanStep):
    step = 2

    def __init__(self, wizard: PlanWizardOwner) -> None:
        super().__init__(wizard, "Utility Services",
                         "Choose the services; each needs a rate type and a rate name (an existing tariff).")
        self.rows: dict[Utility, tuple[QCheckBox, QComboBox, QComboBox, QLabel]] = {}
        grid = QGridLayout()
        for column, title in enumerate(("Service", "Rate type", "Rate name", "Rate", "")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        self.messages = {"services": message_label("Utility services message")}
        for row, utility in enumerate(Utility, start=1):
            box = named(QCheckBox(utility.label), utility.label)
            rate_type = named(QComboBox(), f"{utility.label} rate type")
            rate_type.addItem("Select…", None)
            for kind in RateType:
                rate_type.addItem(kind.label, kind)
            rate_name = named(QComboBox(), f"{utility.label} rate name")
            rate_name.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # names whole
            rate_text = named(QLabel(""), f"{utility.label} rate")
            add = named(QPushButton(f"Add {utility.label} rate"), f"Add {utility.label} rate")
            add.clicked.connect(lambda _c=False, u=utility: wizard.add_rate(u))
            for widget in (rate_type, rate_name):
                widget.setEnabled(False)
            box.toggled.connect(lambda on, rt=rate_type, rn=rate_name: (rt.setEnabled(on), rn.setEnabled(on)))
            rate_type.currentIndexChanged.connect(lambda _i, u=utility: self.refresh_names(u))
            rate_name.currentIndexChanged.connect(lambda _i, u=utility: self._show_rate(u))
            for column, widget in enumerate((box, rate_type, rate_name, rate_text, add)):
                grid.addWidget(widget, row * 2 - 1, column)
            message = message_label(f"{utility.label} service message")
            grid.addWidget(message, row * 2, 0, 1, 5)
            self.messages[utility.value] = message
            self.rows[utility] = (box, rate_type, rate_name, rate_text)
        grid.setColumnStretch(3, 1)  # room left over goes to the rate's description
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.messages["services"])
        layout.addStretch(1)

    def refresh_names(self, utility: Utility, select: str | None = None) -> None:
        """Rate names filtered by the service's utility and rate type."""
        _, rate_type, rate_name, _ = self.rows[utility]
        current = select or rate_name.currentData()
        rate_name.blockSignals(True)
        rate_name.clear()
        rate_name.addItem("Select…", None)
        kind = chosen(rate_type, RateType)
        if kind is not None:
            for choice in self.owner.tariff_choices(utility, kind):
                rate_name.addItem(choice.option.name, choice.option.id)
        rate_name.setCurrentIndex(max(0, rate_name.findData(current)))
        rate_name.blockSignals(False)
        self._show_rate(utility)

    def _show_rate(self, utility: Utility) -> None:
        _, _, rate_name, text = self.rows[utility]
        choice = self.owner.choice(rate_name.currentData())
        text.setText(choice.rate_text if choice else "")

    def fill(self, draft: PlanDraft) -> PlanDraft:
        services = tuple(PlanServiceChoice(utility, chosen(rate_type, RateType), rate_name.currentData())
                         for utility, (box, rate_type, rate_name, _) in self.rows.items() if box.isChecked())
        return replace(draft, services=services)

    def load(self, draft: PlanDraft) -> None:
        for service in draft.services:
            box, rate_type, _, _ = self.rows[service.utility]
            box.setChecked(True)
            rate_type.setCurrentIndex(max(0, rate_type.findData(service.rate_type)))
            self.refresh_names(service.utility, select=service.tariff_id)

    def show_errors(self, errors: list[ValidationError]) -> None:
        services = self.owner.draft().services
        by_utility: dict[str, str] = {}
        for error in errors:
            index = error.field.split("[", 1)[1].split("]", 1)[0] if "[" in error.field else None
            key = services[int(index)].utility.value if index is not None and int(index) < len(services) else "services"
            by_utility.setdefault(key, error.rule)
        for key, label in self.messages.items():
            show_message(label, by_utility.get(key, ""))

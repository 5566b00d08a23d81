"""Tariff wizard, step 2: Rates for the chosen rate type, and the tariff's charges."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import (
    RateType,
    SlabMode,
    SlabRow,
    TariffVersion,
    slabs_from_rows,
)
from app.views.common.forms import Form
from app.views.common.widgets import named
from app.views.tariffs.rate_tables import ChargeEditor, SeasonEditor, SlabEditor, TouEditor
from app.views.tariffs.ui import (
    add_field,
    chosen,
    field_root,
    message_label,
    parse_decimal,
    show_message,
)
from app.views.tariffs.wizard_owner import TariffWizardOwner

FIELDS = ("unit_rate", "slabs", "seasons", "tou_periods", "charges", "allowance_units", "slab_mode")
_PAGES = (None, RateType.FLAT, RateType.SLAB, RateType.SEASONAL, RateType.TIME_OF_USE, RateType.FIXED)


class RatesPage(QWizardPage):
    def __init__(self, wizard: TariffWizardOwner) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Rates")
        self.setSubTitle("Set the unit rates for the rate type, and any charges besides consumption.")
        self.unit_rate = QLineEdit()
        self.unit_rate.setPlaceholderText("e.g. 0.1200")
        self.unit_rate_message = message_label("Unit rate message")
        self.slab_mode = named(QComboBox(), "Slab mode")
        self.slab_mode.addItem("Telescopic: each slab's rate on the units inside it", SlabMode.TELESCOPIC)
        self.slab_mode.addItem("Volume: one rate for all units, by the slab the total falls in", SlabMode.VOLUME)
        self.slabs, self.seasons, self.periods = SlabEditor(), SeasonEditor(), TouEditor()
        self.charges = ChargeEditor()
        self.allowance_message = message_label("Allowance message")
        self.stack = QStackedWidget()
        self.stack.addWidget(QLabel("Choose a rate type on the Basics step first."))
        flat = QWidget()
        form = Form(flat)
        add_field(form, "Unit rate", self.unit_rate, self.unit_rate_message,
                  "Price per unit (or per the price basis), up to 6 decimal places")
        slab = QWidget()
        slab_layout = QVBoxLayout(slab)
        slab_layout.addWidget(QLabel("Slab mode"))
        slab_layout.addWidget(self.slab_mode)
        slab_layout.addWidget(self.slabs)
        fixed = QLabel("A Fixed tariff's bill is its fixed charges: add at least one below.")
        for widget in (flat, slab, self.seasons, self.periods, fixed):
            self.stack.addWidget(widget)
        charges = QGroupBox("Charges (fixed, per day, per kW, adders, minimum, percentage)")
        charges_layout = QVBoxLayout(charges)
        charges_layout.addWidget(self.charges)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 3)
        layout.addWidget(charges, 2)
        layout.addWidget(self.allowance_message)
        self.unit_rate.textChanged.connect(lambda _t: wizard.field_changed("unit_rate"))
        self.slab_mode.currentIndexChanged.connect(lambda _i: wizard.field_changed("slab_mode"))
        for editor, field in ((self.slabs, "slabs"), (self.seasons, "seasons"),
                              (self.periods, "tou_periods"), (self.charges, "charges")):
            editor.changed.connect(lambda field=field: wizard.field_changed(field))

    def show_rate_type(self, rate_type: RateType | None) -> None:
        self.stack.setCurrentIndex(_PAGES.index(rate_type))
        if rate_type is RateType.SLAB and not self.slabs.table.rowCount():
            self.slabs.add_row(["0", "", ""])

    def collect(self, rate_type: RateType | None, errors: list[ValidationError]) -> dict[str, object]:
        """The energy fields the rate type uses (the others stay empty) and the charges."""
        fields: dict[str, object] = {"charges": tuple(self.charges.collect(errors))}
        self.slab_rows: list[SlabRow] = []
        if rate_type is RateType.FLAT:
            try:
                fields["unit_rate"] = parse_decimal(self.unit_rate.text(), "unit_rate", "Unit rate")
            except ValidationError as error:
                errors.append(error)
        elif rate_type is RateType.SLAB:
            self.slab_rows = self.slabs.collect(errors)
            fields["slabs"] = slabs_from_rows(self.slab_rows)
            fields["slab_mode"] = chosen(self.slab_mode, SlabMode)
        elif rate_type is RateType.SEASONAL:
            fields["seasons"] = tuple(self.seasons.collect(errors))
        elif rate_type is RateType.TIME_OF_USE:
            fields["tou_periods"] = tuple(self.periods.collect(errors))
        return fields

    def load(self, version: TariffVersion) -> None:
        self.unit_rate.setText("" if version.unit_rate is None else str(version.unit_rate))
        self.slab_mode.setCurrentIndex(max(0, self.slab_mode.findData(version.slab_mode)))
        self.slabs.load(version.slabs)
        self.seasons.load(version.seasons)
        self.periods.load(version.tou_periods)
        self.charges.load(version.charges)

    def show_errors(self, errors: list[ValidationError], visible: set[str]) -> None:
        def shown(root: str) -> list[ValidationError]:
            return [e for e in errors if field_root(e.field) == root and root in visible]

        unit_rate = shown("unit_rate")
        show_message(self.unit_rate_message, unit_rate[0].rule if unit_rate else "")
        self.slabs.show_errors(shown("slabs"))
        self.seasons.show_errors(shown("seasons"))
        self.periods.show_errors(shown("tou_periods"))
        self.charges.show_errors(shown("charges"))
        allowance = shown("allowance_units")
        show_message(self.allowance_message, allowance[0].rule if allowance else "")

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        return self.owner.page_ok(self, FIELDS)

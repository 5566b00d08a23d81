"""The plan wizard's last step: Service Charges, common to all services or specific to one."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout

from app.domain.core.errors import ValidationError
from app.domain.tariffs.plans import COMMON_SCOPE, ChargeType, PlanChargeLine, PlanDraft
from app.domain.tariffs.validation import Utility
from app.views.common.widgets import named
from app.views.tariffs.plan_wizard_pages import PlanStep
from app.views.tariffs.rate_tables import RowTable
from app.views.tariffs.ui import chosen, parse_decimal
from app.views.tariffs.wizard_owner import PlanWizardOwner

COMMON_LABEL = "Common (all services)"


class PlanChargeTable(RowTable):
    """Name, Applies to (Common or one service), Type, Amount."""

    def __init__(self) -> None:
        super().__init__("Service charges", "charge", ("Charge name", "Applies to", "Charge type",
                                                       "Rate amount"))
        self.scopes: list[tuple[str, str]] = [(COMMON_LABEL, COMMON_SCOPE)]

    def _fill(self, row: int, column: int, text: str) -> None:
        if column == 1:
            combo = named(QComboBox(), f"Applies to, charge {row + 1}")
            for label, scope in self.scopes:
                combo.addItem(label, scope)
            combo.setCurrentIndex(max(0, combo.findData(text or COMMON_SCOPE)))
        elif column == 2:
            combo = named(QComboBox(), f"Charge type, charge {row + 1}")
            combo.addItem("Select…", None)
            for kind in ChargeType:
                combo.addItem(kind.value, kind)
            combo.setCurrentIndex(max(0, combo.findData(ChargeType(text) if text else None)))
        else:
            super()._fill(row, column, text)
            return
        combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.table.setCellWidget(row, column, combo)

    def set_scopes(self, utilities: list[Utility]) -> None:
        """Service-specific charges may apply to the plan's chosen services only."""
        self.scopes = [(COMMON_LABEL, COMMON_SCOPE)] + [(u.label, u.value) for u in utilities]
        for row in range(self.table.rowCount()):
            combo: QComboBox = self.table.cellWidget(row, 1)  # type: ignore[assignment]
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for label, scope in self.scopes:
                combo.addItem(label, scope)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def lines(self) -> tuple[PlanChargeLine, ...]:
        lines = []
        for row in range(self.table.rowCount()):
            try:
                amount = parse_decimal(self.text(row, 3), "amount", "Rate amount", required=False)
            except ValidationError:
                amount = None
            scope = self.table.cellWidget(row, 1).currentData()  # type: ignore[union-attr]
            kind = chosen(self.table.cellWidget(row, 2), ChargeType)  # type: ignore[arg-type]
            lines.append(PlanChargeLine(self.text(row, 0), scope, kind, amount))
        return tuple(lines)


class ChargesPage(PlanStep):
    step = 3

    def __init__(self, wizard: PlanWizardOwner) -> None:
        super().__init__(wizard, "Service Charges",
                         "Add charges common to all services or specific to one (optional). Each "
                         "charge needs a name, a type and a rate amount.")
        self.charges = PlanChargeTable()
        self.messages = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Fixed: an amount per bill · Variable: a rate that varies with "
                                "usage conditions · Consumption-based: a rate per unit"))
        layout.addWidget(self.charges, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        self.charges.set_scopes([s.utility for s in self.owner.draft().services])

    def fill(self, draft: PlanDraft) -> PlanDraft:
        return replace(draft, charges=self.charges.lines())

    def load(self, draft: PlanDraft) -> None:
        self.charges.set_scopes([s.utility for s in draft.services])
        self.charges.set_rows([[c.name, c.scope, c.charge_type.value if c.charge_type else "",
                                "" if c.amount is None else format(c.amount.normalize(), "f")]
                               for c in draft.charges])

    def show_errors(self, errors: list[ValidationError]) -> None:
        self.charges.show_errors(errors)

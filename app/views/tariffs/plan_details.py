"""A plan's details (the spec's Plan Details example) and its version history."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.money import Money
from app.domain.tariffs.plans import COMMON_SCOPE, ChargeType, PlanChargeLine, TaxType
from app.domain.tariffs.validation import Utility
from app.formatting import Formats
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.tariffs.plan_records import plain
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import scroll_area
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.tariffs.ui import badge_style, money_text


class PlanDetailsDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, plan_id: str, *, history: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.formats = Formats.of(services.settings.current())
        self.locale = self.formats.locale
        self.detail = services.plans.details(actor, plan_id)
        named(self, "Plan details")
        self.setWindowTitle(f"Plan details · {self.detail.row.name}")
        self.resize(760, 560)
        self.text = named(QLabel(self.details_html()), "Plan details text")
        self.text.setWordWrap(True)
        scroll = scroll_area(self.text, name="Plan details")
        self.history = keyboard_table(named(QTableWidget(0, 4), "Plan version history"))
        self.history.setHorizontalHeaderLabels(["Version", "Date Modified", "Modified By", "Changes"])
        fit_columns(self.history, 3)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        entries = services.plans.history(actor, plan_id)
        self.history.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            for column, text in enumerate((entry.label, self.formats.moment(entry.changed_at),
                                           entry.changed_by, self.formats.text("\n".join(entry.changes)))):
                self.history.setItem(row, column, QTableWidgetItem(text))
        self.history.resizeRowsToContents()
        self.tabs = named(QTabWidget(), "Plan tabs")
        self.tabs.addTab(scroll, "Details")
        self.tabs.addTab(self.history, "Version history")
        if history:
            self.tabs.setCurrentIndex(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        keyboard_dialog(self, first=self.tabs.currentWidget())

    def details_html(self) -> str:
        detail, draft = self.detail, self.detail.draft
        row = detail.row
        validity = self.formats.span(row.valid_from, row.valid_to, "No Expiry")
        tax = "Exempt" if draft.tax_type is TaxType.EXEMPT or draft.tax_rate is None else (
            f"{draft.tax_type.value} ({plain(draft.tax_rate)}%)" if draft.tax_type is not TaxType.FLAT
            else f"Flat ({self._money(draft.tax_rate)})")  # type: ignore[union-attr]
        basic = [("Plan Name", row.name), ("Short Name", row.short_name), ("Description", draft.description),
                 ("Billing Frequency", row.billing_frequency), ("Tax Information", tax),
                 ("Validity", validity), ("Version", row.version_label)]
        html = [f"<h2>{escape(row.name)} <span style='{badge_style(row.status.value)}'>"
                f"{row.status.value}</span></h2>", "<h3>Basic Information</h3><ul>"]
        html += [f"<li><b>{label}:</b> {escape(value)}</li>" for label, value in basic]
        html.append("</ul><h3>Consumer Categories</h3><ul>")
        for category in draft.main_categories:
            subs = ", ".join(sub for cat, sub in draft.categories if cat == category)
            html.append(f"<li><b>Main Category:</b> {escape(category)} · <b>Sub Category:</b> {escape(subs)}</li>")
        html.append("</ul><h3>Utility Services</h3><ul>")
        for service in draft.services:
            tariff_id = service.tariff_id or ""
            html.append(f"<li><b>{service.utility.label}</b><ul>"
                        f"<li>Rate Type: {service.rate_type.label if service.rate_type else ''}</li>"
                        f"<li>Rate Name: {escape(detail.tariff_names.get(tariff_id, ''))}</li>"
                        f"<li>Base Rate: {escape(detail.tariff_rates.get(tariff_id, ''))}</li></ul></li>")
        html.append("</ul><h3>Service Charges</h3>")
        html += self._charges_html("Service-Specific Charges", [c for c in draft.charges if c.scope != COMMON_SCOPE])
        html += self._charges_html("Common Charges", [c for c in draft.charges if c.scope == COMMON_SCOPE])
        return "".join(html)

    def _charges_html(self, title: str, charges: list[PlanChargeLine]) -> list[str]:
        if not charges:
            return []
        items = []
        for charge in charges:
            scope = "" if charge.scope == COMMON_SCOPE else f" ({Utility(charge.scope).label})"
            amount = self._money(charge.amount) if charge.charge_type is ChargeType.FIXED \
                else f"{plain(charge.amount)}"  # type: ignore[arg-type]
            kind = charge.charge_type.value if charge.charge_type else ""
            items.append(f"<li>{escape(charge.name)}{scope}: {amount} ({kind})</li>")
        return [f"<p><b>{title}:</b></p><ul>", *items, "</ul>"]

    def _money(self, amount) -> str:
        return money_text(Money(amount, self.detail.currency), self.locale)

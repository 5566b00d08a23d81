"""The plans list: search and status filter, the plan wizard, details, history, status."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import UtilityDeskError
from app.domain.core.permissions import Permission, can
from app.domain.tariffs.validation import TariffStatus
from app.formatting import Formats
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.tariffs.plans import PlanInUse, PlanRow
from app.views.common.forms import caption
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.tariffs.assign_plan_dialog import AssignPlanDialog
from app.views.tariffs.batch_dialog import BatchEditDialog
from app.views.tariffs.dialogs import Asker, deactivate_confirming
from app.views.tariffs.plan_details import PlanDetailsDialog
from app.views.tariffs.plan_wizard import PlanWizard
from app.views.tariffs.ui import BadgeDelegate, chosen

HEADERS = ("Plan name", "Short name", "Consumer categories", "Billing frequency", "Validity",
           "Utility services", "Status", "Version")
COL_STATUS = 6
P = Permission
ACTIONS = (("New plan", P.EDIT_TARIFFS), ("Edit plan", P.EDIT_TARIFFS), ("Plan details", P.VIEW_TARIFFS),
           ("Version history", P.VIEW_TARIFFS), ("Deactivate plan", P.PUBLISH_TARIFFS),
           ("Activate plan", P.PUBLISH_TARIFFS), ("Assign plan", P.EDIT_TARIFFS),
           ("Batch edit plans", P.PUBLISH_TARIFFS))


class PlanListPanel(QWidget):
    changed = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Plans panel")
        self.services, self.actor = services, actor
        self.formats = Formats.of(services.settings.current())
        self.ask = Asker(self)
        self.wizard: PlanWizard | None = None
        self.dialog: PlanDetailsDialog | None = None
        self.assigning: AssignPlanDialog | None = None
        self.rows: list[PlanRow] = []
        self.search = named(QLineEdit(), "Search plans")
        self.search.setPlaceholderText("Search by name, short name or category")
        self.status = named(QComboBox(), "Plan status filter")
        self.status.addItem("All statuses", None)
        for status in TariffStatus:
            self.status.addItem(status.value, status)
        self.table = keyboard_table(named(QTableWidget(0, len(HEADERS)), "Plan list"),
                                    lambda _index: self.show_details())
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        fit_columns(self.table, 0)  # the plan's name takes the rest
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows (Ctrl/Shift) for a batch edit; the other actions take exactly one
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setItemDelegateForColumn(COL_STATUS, BadgeDelegate(self.table))
        self.table.verticalHeader().hide()
        self.message = named(QLabel(""), "Plan list message")
        self.message.setWordWrap(True)
        self.buttons = {label: named(QPushButton(label), label) for label, permission in ACTIONS
                        if can(actor.role, permission)}
        filters = QHBoxLayout()
        filters.addWidget(caption("&Search", self.search))
        filters.addWidget(self.search, 2)
        filters.addWidget(self.status)
        actions = QHBoxLayout()
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.itemSelectionChanged.connect(self._enable)
        handlers = {"New plan": self.new_plan, "Edit plan": self.edit_plan, "Plan details": self.show_details,
                    "Version history": lambda: self.show_details(history=True),
                    "Deactivate plan": self.deactivate, "Activate plan": self.activate,
                    "Assign plan": self.assign, "Batch edit plans": self.batch_edit}
        for label, button in self.buttons.items():
            button.clicked.connect(handlers[label])
        self.refresh()

    def refresh(self) -> None:
        selected = self.selected()
        self.rows = self.services.plans.list_plans(self.actor, self.search.text(),
                                                    chosen(self.status, TariffStatus))
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            validity = self.formats.span(row.valid_from, row.valid_to, "No Expiry")
            cells = (row.name, row.short_name, ", ".join(row.categories), row.billing_frequency, validity,
                     ", ".join(u.label for u in row.utilities), row.status.value, row.version_label)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
            if selected is not None and row.id == selected.id:
                self.table.selectRow(r)
        self._enable()

    def selected(self) -> PlanRow | None:
        """The one selected plan; None when none or several are selected."""
        rows = self.selected_rows()
        return rows[0] if len(rows) == 1 else None

    def selected_rows(self) -> list[PlanRow]:
        indexes = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.rows[i.row()] for i in sorted(indexes, key=lambda i: i.row()) if i.row() < len(self.rows)]

    def select(self, plan_id: str) -> None:
        for r, row in enumerate(self.rows):
            if row.id == plan_id:
                self.table.selectRow(r)

    def _enable(self) -> None:
        row = self.selected()
        states = {"Edit plan": row is not None, "Plan details": row is not None,
                  "Version history": row is not None,
                  "Deactivate plan": row is not None and row.status is TariffStatus.ACTIVE,
                  "Activate plan": row is not None and row.status is TariffStatus.INACTIVE,
                  "Assign plan": row is not None and row.status is TariffStatus.ACTIVE,
                  "Batch edit plans": bool(self.selected_rows())}
        for label, enabled in states.items():
            if label in self.buttons:
                self.buttons[label].setEnabled(enabled)

    def _done(self, changes: object, message: str) -> None:
        self.message.setText(message)
        self.refresh()
        self.changed.emit(changes)

    def new_plan(self) -> PlanWizard:
        return self._open(PlanWizard(self.services, self.actor, parent=self))

    def edit_plan(self) -> PlanWizard | None:
        row = self.selected()
        return self._open(PlanWizard(self.services, self.actor, plan_id=row.id, parent=self)) if row else None

    def _open(self, wizard: PlanWizard) -> PlanWizard:
        self.wizard = wizard
        wizard.saved.connect(lambda saved: (self._done(saved.changes, f"Saved plan version {saved.version_label}."),
                                            self.select(saved.plan_id)))
        wizard.tariff_saved.connect(lambda saved: self.changed.emit(saved.changes))
        wizard.open()
        return wizard

    def show_details(self, history: bool = False) -> PlanDetailsDialog | None:
        row = self.selected()
        if row is None:
            return None
        self.dialog = PlanDetailsDialog(self.services, self.actor, row.id, history=history, parent=self)
        self.dialog.open()
        return self.dialog

    def assign(self) -> AssignPlanDialog | None:
        """Only an Active plan takes customers; the dialog says how many a bulk change moves."""
        row = self.selected()
        if row is None:
            return None
        self.assigning = AssignPlanDialog(self.services, self.actor, row, self.ask, parent=self)
        self.assigning.assigned.connect(self.changed.emit)
        self.assigning.open()
        return self.assigning

    def batch_edit(self) -> BatchEditDialog | None:
        rows = self.selected_rows()
        if not rows:
            return None
        self.batch = BatchEditDialog(self.services, self.actor, {r.id: r.name for r in rows},
                                     kind="plan", parent=self)
        self.batch.applied.connect(lambda changes: self._done(changes, ""))
        self.batch.open()
        return self.batch

    def deactivate(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            changes = deactivate_confirming(self.ask, "plan", row.name, partial(
                self.services.plans.deactivate, self.actor, row.id, base_version=row.base_version), PlanInUse)
        except UtilityDeskError as error:
            self.message.setText(error.message)
            return
        if changes is not None:
            self._done(changes, f"'{row.name}' is now inactive; existing customers stay on it until "
                                "their next billing cycle.")

    def activate(self) -> None:
        row = self.selected()
        reason = row and self.ask.reason("Activate plan", f"Why activate '{row.name}' again?")
        if not row or not reason:
            return
        try:
            changes = self.services.plans.activate(self.actor, row.id, reason=reason,
                                                   base_version=row.base_version)
        except UtilityDeskError as error:
            self.message.setText(error.message)
            return
        self._done(changes, f"'{row.name}' is active again.")

"""The Payment plans tab (Recovery Executive): the plan list (status, consumer, next due, missed),
the selected plan's installments and history, New payment plan, Modify and Check compliance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.payments.installments import PlanStatus
from app.services.core.changes import LEDGER, PAYMENTS, Changes
from app.services.core.context import Actor
from app.services.payments.payment_plans import (
    PAYMENT_PLANS,
    ComplianceReport,
    PaymentPlansService,
    PlanDetails,
    PlanFilter,
)
from app.services.registry import Services
from app.views.common.forms import caption, scroll_area
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, alive, error_label, show_error
from app.views.payments.list_widgets import chosen, combo
from app.views.payments.plans_compliance import ComplianceDialog
from app.views.payments.plans_create import CreatePlanDialog
from app.views.payments.plans_details import PlanDetailsPanel
from app.views.payments.plans_models import (
    COL_PLAN_CONSUMER,
    COL_PLAN_CREATED,
    PlansTableModel,
    rows_table,
)
from app.views.payments.plans_modify import ModifyPlanDialog


class PaymentPlansTab(QWidget):
    changed = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, display: Display,
                 today: Callable[[], date]) -> None:
        super().__init__()
        named(self, "Payment plans tab")
        self.services, self.actor, self.display, self.today = services, actor, display, today
        self.plans = PaymentPlansService(services.app)
        self.dialog: QWidget | None = None
        self.search = named(QLineEdit(), "Search plans")
        self.search.setPlaceholderText("Search by plan #, consumer name or account number")
        self.search.setClearButtonEnabled(True)
        self.status = combo("Plan status", ("All statuses", *(s.value for s in PlanStatus)))
        self.new_button = named(QPushButton("New payment plan…"), "New payment plan…")
        self.modify_button = named(QPushButton("Modify plan…"), "Modify plan…")
        self.modify_button.setEnabled(False)
        self.check_button = named(QPushButton("Check compliance"), "Check compliance")
        self.error = error_label("Payment plans")
        self.count_label = named(QLabel(""), "Plans count")
        self.model = PlansTableModel(self._fetcher(PlanFilter()), display)
        self.table = rows_table(self.model, "Payment plans list", COL_PLAN_CONSUMER,
            on_row=lambda _index: self.details.installments_table.setFocus())  # into the plan
        self.table.horizontalHeader().setSortIndicator(COL_PLAN_CREATED, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.details = PlanDetailsPanel(display)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._generation = 0
        self._layout()
        self._connect()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(caption("&Search", self.search))
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status)
        bar.addWidget(self.check_button)
        bar.addWidget(self.modify_button)
        bar.addWidget(self.new_button)
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addWidget(self.count_label)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(scroll_area(self.details))  # the list keeps its rows on a small screen
        split.setSizes([300, 380])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        self.search.textEdited.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.apply)
        self._debounce.timeout.connect(self.apply)
        self.status.currentIndexChanged.connect(lambda _i: self.apply())
        self.new_button.clicked.connect(self.new_plan)
        self.modify_button.clicked.connect(self.modify_plan)
        self.check_button.clicked.connect(self.check_compliance)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.model.fetch_failed.connect(lambda e: show_error(self.error, str(e)))

    # the list -------------------------------------------------------------------------------

    def _fetcher(self, flt: PlanFilter):
        def fetch(offset: int, limit: int, key: str, descending: bool):
            return self.plans.list_plans(self.actor, flt, offset, limit, key, descending)
        return fetch

    def current_filter(self) -> PlanFilter:
        return PlanFilter(self.search.text().strip(), chosen(self.status))

    def apply(self, keep: str | None = None) -> None:
        """Reload the list (SQL paging and sorting); re-select plan `keep` or the shown one."""
        keep = keep or (self.details.details.plan_id if self.details.details else None)
        flt = self.current_filter()
        self.model.reset(self._fetcher(flt))
        self._generation += 1
        generation = self._generation

        def counted(total: int) -> None:
            if alive(self.count_label) and generation == self._generation:
                self.count_label.setText(f"{total:,} payment plan{'s' if total != 1 else ''}")

        Background(self, lambda: self.plans.count_plans(self.actor, flt)).success(counted) \
            .failure(lambda e: show_error(self.error, str(e))).run_in_background()
        rows = [self.model.row_at(r).plan_id for r in range(self.model.rowCount())]
        if keep in rows:
            self.table.selectRow(rows.index(keep))
        elif keep:
            self.load(keep)

    def _selected(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.load(self.model.row_at(indexes[0].row()).plan_id)

    def load(self, plan_id: str) -> None:
        Background(self, lambda: self.plans.plan_details(self.actor, plan_id)) \
            .success(self.show_plan).failure(lambda e: show_error(self.error, str(e))) \
            .run_in_background()

    def show_plan(self, details: PlanDetails | None) -> None:
        self.details.show_plan(details)
        self.modify_button.setEnabled(details is not None
                                      and details.status is not PlanStatus.COMPLETED)

    def use_display(self, display: Display) -> None:
        self.display = self.model.display = self.details.display = display

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(PAYMENT_PLANS, PAYMENTS, LEDGER):
            self.apply()

    # actions --------------------------------------------------------------------------------

    def _open(self, dialog) -> None:
        self.dialog = dialog
        dialog.open()

    def new_plan(self) -> None:
        dialog = CreatePlanDialog(self.services, self.plans, self.actor, self.display, self)
        dialog.created.connect(self._done)
        self._open(dialog)

    def modify_plan(self) -> None:
        details = self.details.details
        if details is None:
            return
        dialog = ModifyPlanDialog(self.plans, self.actor, self.display, details, self.today(), self)
        dialog.modified.connect(self._done)
        self._open(dialog)

    def _done(self, details: PlanDetails) -> None:
        self.show_plan(details)
        self.apply(keep=details.plan_id)
        self.changed.emit(Changes.of(PAYMENT_PLANS))

    def check_compliance(self) -> None:
        self.check_button.setEnabled(False)
        plans, actor = self.plans, self.actor
        Background(self, lambda: (plans.check_compliance(actor),
                                  plans.plans_flagged_for_disconnection(actor)), writes=True) \
            .success(self._checked).failure(self._check_failed).run_in_background()

    def _checked(self, result: tuple[ComplianceReport, list]) -> None:
        report, flagged = result
        self.check_button.setEnabled(True)
        self.apply()
        self.changed.emit(report.changes)
        self._open(ComplianceDialog(self.display, report, flagged, self))

    def _check_failed(self, error: Exception) -> None:
        self.check_button.setEnabled(True)
        show_error(self.error, f"The compliance check failed: {error}")

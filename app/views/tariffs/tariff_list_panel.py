"""The tariff list: search, filters, sortable columns with status badges, and the actions
the user's role may take (the others are hidden)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import UtilityDeskError
from app.domain.core.permissions import Permission, can
from app.domain.tariffs.validation import RateType, TariffStatus, Utility
from app.formatting import Formats
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.tariffs.service import TariffFilter, TariffInUse, TariffRow
from app.views.common.errors import show_error
from app.views.common.forms import caption
from app.views.common.operations import Operation
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.tariffs.batch_dialog import BatchEditDialog
from app.views.tariffs.dialogs import Asker, ImportReportDialog, deactivate_confirming
from app.views.tariffs.history_dialog import VersionHistoryDialog
from app.views.tariffs.tariff_model import (
    COL_NAME,
    COL_STATUS,
    RAW_ROLE,
    SORT_ROLE,
    TariffTableModel,
)
from app.views.tariffs.tariff_wizard import TariffWizard
from app.views.tariffs.ui import BadgeDelegate, chosen

P = Permission
ACTIONS = (  # label, permission needed to see it
    ("New tariff", P.EDIT_TARIFFS), ("New version", P.EDIT_TARIFFS), ("Publish draft", P.PUBLISH_TARIFFS),
    ("History", P.VIEW_TARIFFS), ("Compare", P.VIEW_TARIFFS), ("Deactivate", P.PUBLISH_TARIFFS),
    ("Activate", P.PUBLISH_TARIFFS), ("Delete", P.DELETE_TARIFFS), ("Import", P.EDIT_TARIFFS),
    ("Export", P.VIEW_TARIFFS), ("Batch edit", P.PUBLISH_TARIFFS),
)


def _combo(name: str, everything: str, choices: list[tuple[str, object]]) -> QComboBox:
    combo = named(QComboBox(), name)
    combo.addItem(everything, None)
    for label, value in choices:
        combo.addItem(label, value)
    return combo


class TariffListPanel(QWidget):
    changed = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Tariffs panel")
        self.services, self.actor = services, actor
        self.ask = Asker(self)
        self.wizard: TariffWizard | None = None
        self.dialog: VersionHistoryDialog | None = None
        self.search = named(QLineEdit(), "Search tariffs")
        self.search.setPlaceholderText("Search by name, description or category")
        self.utility = _combo("Utility filter", "All utilities", [(u.label, u) for u in Utility])
        self.rate_type = _combo("Rate type filter", "All rate types", [(r.label, r) for r in RateType])
        self.status = _combo("Status filter", "All statuses", [(s.value, s) for s in TariffStatus])
        self.clear = named(QPushButton("Clear filters"), "Clear filters")
        self.count = named(QLabel(""), "Tariff count")
        self.model = TariffTableModel(Formats.of(services.settings.current()))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = keyboard_table(named(QTableView(), "Tariff list"), lambda _index: self.show_history())
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows (Ctrl/Shift) for a batch edit; the other actions take exactly one
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setItemDelegateForColumn(COL_STATUS, BadgeDelegate(self.table))
        fit_columns(self.table, COL_NAME)
        self.table.verticalHeader().hide()
        self.message = named(QLabel(""), "Tariff list message")
        self.message.setWordWrap(True)
        self.buttons = {label: named(QPushButton(label), label) for label, permission in ACTIONS
                        if can(actor.role, permission)}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._layout()
        self._connect()
        self.refresh()

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(caption("&Search", self.search))
        filters.addWidget(self.search, 2)
        for widget in (self.utility, self.rate_type, self.status, self.clear):
            filters.addWidget(widget)
        actions = QHBoxLayout()
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        below = QHBoxLayout()  # the count under the table: the row of actions has no room left
        below.addWidget(self.message, 1)
        below.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)

    def _connect(self) -> None:
        self._timer.timeout.connect(lambda: self.refresh(record_search=True))
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.utility, self.rate_type, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.refresh(record_search=True))
        self.clear.clicked.connect(self.clear_filters)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        handlers = {"New tariff": self.new_tariff, "New version": self.new_version,
                    "Publish draft": self.publish, "History": self.show_history,
                    "Compare": lambda: self.show_history(compare=True), "Deactivate": self.deactivate,
                    "Activate": self.activate, "Delete": self.delete, "Import": self.choose_import,
                    "Export": self.choose_export, "Batch edit": self.batch_edit}
        for label, button in self.buttons.items():
            button.clicked.connect(handlers[label])

    # list -----------------------------------------------------------------------------------

    def current_filter(self) -> TariffFilter:
        return TariffFilter(search=self.search.text(), utility=chosen(self.utility, Utility),
                            rate_type=chosen(self.rate_type, RateType),
                            status=chosen(self.status, TariffStatus))

    def refresh(self, record_search: bool = False) -> None:
        selected = self.selected()
        rows = self.services.tariffs.list_tariffs(self.actor, self.current_filter(),
                                                  record_search=record_search)
        self.model.set_rows(rows)
        self.count.setText(f"{len(rows)} tariff{'' if len(rows) == 1 else 's'}")
        if selected is not None:
            self.select(selected.id)
        self._enable()

    def clear_filters(self) -> None:
        for combo in (self.utility, self.rate_type, self.status):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()

    def show_status(self, status: TariffStatus | None) -> None:
        self.status.setCurrentIndex(max(0, self.status.findData(status)))

    def selected(self) -> TariffRow | None:
        """The one selected tariff; None when none or several are selected."""
        rows = self.selected_rows()
        return rows[0] if len(rows) == 1 else None

    def selected_rows(self) -> list[TariffRow]:
        indexes = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [index.data(RAW_ROLE) for index in sorted(indexes, key=lambda index: index.row())]

    def select(self, tariff_id: str) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(RAW_ROLE).id == tariff_id:
                self.table.selectRow(row)
                return

    def _enable(self) -> None:
        row = self.selected()
        states = {
            "New version": row is not None, "History": row is not None, "Compare": row is not None,
            "Publish draft": row is not None and row.version_state == "Draft",
            "Deactivate": row is not None and row.status is TariffStatus.ACTIVE,
            "Activate": row is not None and row.status is TariffStatus.INACTIVE,
            "Delete": row is not None, "Batch edit": bool(self.selected_rows()),
        }
        for label, enabled in states.items():
            if label in self.buttons:
                self.buttons[label].setEnabled(enabled)
        if "New version" in self.buttons:
            draft = row is not None and row.version_state == "Draft"
            self.buttons["New version"].setText("Edit draft" if draft else "New version")

    def _done(self, changes: object, message: str) -> None:
        self.message.setText(message)
        self.refresh()
        self.changed.emit(changes)

    # actions --------------------------------------------------------------------------------

    def new_tariff(self) -> TariffWizard:
        return self._open_wizard(TariffWizard(self.services, self.actor, parent=self))

    def new_version(self) -> TariffWizard | None:
        row = self.selected()
        if row is None:
            return None
        detail = self.services.tariffs.get(self.actor, row.id)
        return self._open_wizard(TariffWizard(self.services, self.actor, detail=detail, parent=self))

    def _open_wizard(self, wizard: TariffWizard) -> TariffWizard:
        self.wizard = wizard
        wizard.saved.connect(lambda saved: (self._done(saved.changes, f"Saved v{saved.version_no} "
                                                                        f"({saved.state.lower()})."),
                                            self.select(saved.tariff_id)))
        wizard.open()
        return wizard

    def show_history(self, compare: bool = False) -> VersionHistoryDialog | None:
        row = self.selected()
        if row is None:
            return None
        self.dialog = VersionHistoryDialog(self.services, self.actor, row.id, compare=compare, parent=self)
        self.dialog.open()
        return self.dialog

    def batch_edit(self) -> BatchEditDialog | None:
        rows = self.selected_rows()
        if not rows:
            return None
        self.batch = BatchEditDialog(self.services, self.actor, {row.id: row.name for row in rows},
                                     parent=self)
        self.batch.applied.connect(lambda changes: (self.refresh(), self.changed.emit(changes)))
        self.batch.open()
        return self.batch

    def publish(self) -> None:
        row = self.selected()
        if row is not None:
            self._run(lambda: self.services.tariffs.publish(self.actor, row.id, base_version=row.base_version).changes,
                      f"Published the draft of '{row.name}'.")

    def deactivate(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            changes = deactivate_confirming(self.ask, "tariff", row.name, partial(
                self.services.tariffs.deactivate, self.actor, row.id, base_version=row.base_version),
                TariffInUse)
        except UtilityDeskError as error:
            self.message.setText(error.message)
            return
        if changes is not None:
            self._done(changes, f"'{row.name}' is now inactive.")

    def activate(self) -> None:
        row = self.selected()
        reason = row and self.ask.reason("Activate tariff", f"Why activate '{row.name}' again?")
        if row and reason:
            self._run(lambda: self.services.tariffs.activate(self.actor, row.id, reason=reason,
                                                             base_version=row.base_version),
                      f"'{row.name}' is active again.")

    def delete(self) -> None:
        row = self.selected()
        if row is None or not self.ask.confirm("Delete tariff", f"Delete '{row.name}' and all its versions?"):
            return
        self._run(lambda: self.services.tariffs.delete(self.actor, row.id, base_version=row.base_version),
                  f"Deleted '{row.name}'.")

    def _run(self, action, message: str) -> None:
        try:
            changes = action()
        except UtilityDeskError as error:
            self.message.setText(error.message)
            return
        self._done(changes, message)

    # import and export ------------------------------------------------------------------------

    def choose_import(self) -> None:
        path = self.ask.open_file("Import tariffs")
        if path is not None:
            self.import_from(path)

    def import_from(self, path: Path, decimal_comma: bool = False) -> None:
        transfer = self.services.tariffs.transfer
        (Operation(self, lambda progress: transfer.import_file(
            self.actor, path, decimal_comma=decimal_comma, progress=progress),
                   writes=True, label="Importing tariffs…", reports_progress=True)
         .success(lambda report: self._imported(report, path, decimal_comma))
         .run_in_background())

    def _imported(self, report, path: Path, decimal_comma: bool) -> None:
        again = None if decimal_comma else (lambda: self.import_from(path, decimal_comma=True))
        self.report = ImportReportDialog(report, self, again)
        self.report.open()
        self.message.setText(report.describe().splitlines()[0])
        if report.ok:
            self._done(report.changes, self.message.text())

    def choose_export(self) -> None:
        path = self.ask.save_file("Export tariffs", "tariffs.xlsx")
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        ids = [self.proxy.index(row, 0).data(RAW_ROLE).id for row in range(self.proxy.rowCount())]
        transfer = self.services.tariffs.transfer
        (Operation(self, lambda: transfer.export(self.actor, ids, path), label="Exporting tariffs…")
         .success(lambda result: self.message.setText(
             f"Exported {result.tariffs} tariff(s) to {result.path.name}."))
         .failure(lambda error: show_error(self, error)).run_in_background())

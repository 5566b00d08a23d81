"""Global search results: a lazy table of bills (pages from SQL), batch actions and saved searches."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.money import Money
from app.reports.dashboard_export import write_rows
from app.services.billing.printing import PrintedCycle
from app.services.core.context import Actor
from app.services.dashboard.search import SearchHit
from app.services.registry import Services
from app.views.common.errors import show_error
from app.views.common.operations import Operation
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.dashboard.quick_print import default_folder
from app.views.payments.display import Display
from app.views.payments.table_models import LazyTableModel


class SearchTableModel(LazyTableModel):
    HEADERS = ("Bill #", "Consumer", "Account #", "Address", "Billing Cycle", "Bill Date", "Type",
               "Status", "Amount")
    SORT_KEYS = ("invoice_no", "consumer", "account_no", None, None, "bill_date", None, None, "total")
    LINK_COLUMNS = frozenset({0})
    RIGHT_COLUMNS = frozenset({8})

    def cells(self, hit: SearchHit) -> tuple[str, ...]:
        d = self.display
        return (hit.invoice_no, hit.consumer, hit.account_no, hit.address, hit.cycle, d.day(hit.bill_date),
                hit.bill_type, hit.status, d.money(Money(hit.total, d.currency)))


class SearchTab(QWidget):
    message = Signal(str)
    run_saved = Signal(str, bool)

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        named(self, "Search")
        self.services, self.actor = services, actor
        self.words, self.all_cycles = "", True
        self.model = SearchTableModel(self._fetch, display, "bill_date")
        self.model.fetch_failed.connect(lambda error: show_error(self, error))
        self.table = keyboard_table(named(QTableView(), "Search results"))
        self.table.setModel(self.model)
        fit_columns(self.table, 3)  # the address takes the rest
        self.table.horizontalHeader().setSortIndicator(5, Qt.SortOrder.DescendingOrder)  # bill date
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.count = named(QLabel("Search by bill number, consumer name, address or account number."),
                           "Search result count")
        self.count.setWordWrap(True)
        self.saved = named(QComboBox(), "Saved searches")
        self.run_button = named(QPushButton("Run Saved Search"), "Run Saved Search")
        self.save_button = named(QPushButton("Save Search"), "Save Search")
        self.print_button = named(QPushButton("Print Selected"), "Print Selected")
        self.export_button = named(QPushButton("Export Results"), "Export Results")
        self.run_button.clicked.connect(self._run_saved)
        self.save_button.clicked.connect(self.save_search)
        self.print_button.clicked.connect(lambda: self.print_selected())
        self.export_button.clicked.connect(lambda: self.export())
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        label = QLabel("Sa&ved searches:")
        label.setBuddy(self.saved)
        for widget in (label, self.saved, self.run_button, self.save_button, self.print_button,
                       self.export_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh_saved()

    def _fetch(self, offset: int, limit: int, sort: str, descending: bool) -> list[SearchHit]:
        if not self.words:
            return []
        return self.services.dashboard_lists.search(self.actor, self.words, self.all_cycles, offset, limit,
                                                    sort, descending)

    def search(self, words: str, all_cycles: bool) -> int:
        self.words, self.all_cycles = " ".join(words.split()), all_cycles
        total = self.services.dashboard_lists.search_count(self.actor, self.words, all_cycles)
        self.model.reset()
        where = "all cycles" if all_cycles else "the current cycles"
        self.count.setText(f"{total:,} bill{'s' if total != 1 else ''} match “{self.words}” in {where}")
        return total

    def refresh_saved(self) -> None:
        self.saved.clear()
        for name in self.services.dashboard_preferences.saved(self.actor, "search"):
            self.saved.addItem(name)

    def save_search(self, name: str | None = None) -> None:
        if not self.words:
            self.message.emit("Search first, then save the search.")
            return
        if name is None:
            from PySide6.QtWidgets import QInputDialog

            name, ok = QInputDialog.getText(self, "Save Search", "Name:", text=self.words)
            if not ok:
                return
        try:
            self.services.dashboard_preferences.save_named(
                self.actor, "search", name, {"words": self.words, "all_cycles": self.all_cycles})
        except Exception as error:  # noqa: BLE001 - shown; nothing saved
            show_error(self, error)
            return
        self.refresh_saved()
        self.saved.setCurrentText(" ".join(name.split()))
        self.message.emit(f"Search “{name}” saved.")

    def _run_saved(self) -> None:
        name = self.saved.currentText()
        if name:
            stored = self.services.dashboard_preferences.load_saved(self.actor, "search", name)
            self.run_saved.emit(stored["words"], bool(stored["all_cycles"]))

    def selected_invoices(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(row).invoice_no for row in rows]

    def print_selected(self, folder: Path | None = None) -> None:
        """The selected bills as PDFs in a folder (asked for unless given), off the GUI thread;
        each printed bill is marked printed. Drafts and cancelled bills are named, not printed."""
        invoices = self.selected_invoices()
        if not invoices:
            self.message.emit("Select the bills to print first (Shift or Ctrl with the arrows or a click).")
            return
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, "Folder for the bill PDFs",
                                                      str(default_folder("Search results")))
            if not chosen:
                return
            folder = Path(chosen)
        self.print_button.setEnabled(False)
        Operation(self, lambda progress: self.services.billing.print_bills(
            self.actor, invoices, folder, lambda done, total: progress("bill PDFs", done, total)),
            writes=True, label="Printing bills…", reports_progress=True).success(
            lambda batch: self._printed(folder, batch)).failure(self._not_printed).run_in_background()

    def _printed(self, folder: Path, batch: PrintedCycle) -> None:
        self.print_button.setEnabled(True)
        refused = (f"; {len(batch.refused):,} not printed: " + "; ".join(batch.refused)) if batch.refused else ""
        self.message.emit(f"{len(batch.written):,} bill PDF(s) written to {folder}{refused}")
        self.model.reset()  # the printed marks

    def _not_printed(self, error: Exception) -> None:
        self.print_button.setEnabled(True)
        show_error(self, error)

    def export(self, path: Path | None = None, fmt: str = "csv") -> Path | None:
        if not self.words:
            self.message.emit("Search first, then export the results.")
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export search results", "search.csv")
            if not chosen:
                return None
            path = Path(chosen)
            fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"

        def every_row():
            offset = 0
            while True:
                hits = self.services.dashboard_lists.search(self.actor, self.words, self.all_cycles,
                                                            offset, 5000)
                yield from (self.model.cells(hit) for hit in hits)
                if len(hits) < 5000:
                    return
                offset += len(hits)

        count = write_rows(SearchTableModel.HEADERS, every_row(), path, fmt)
        self.services.dashboard.record(self.actor, "dashboard_search_exported", self.words[:80],
                                       "Report_Export", format=fmt, rows=count)
        self.message.emit(f"{count:,} bills exported to {path.name}.")
        return path

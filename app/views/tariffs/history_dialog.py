"""A tariff's version history, and a side-by-side comparison of two of its versions."""

from __future__ import annotations

import time

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.tariffs.validation import SlabRow
from app.formatting import Formats
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.tariffs.compare import TariffHistory, VersionComparison
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import caption
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.tariffs.ui import BadgeDelegate, money_text

HISTORY_HEADERS = ("Version", "Changed by", "Change summary", "Date/Time", "Status", "Valid from",
                   "Valid to")


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = keyboard_table(named(QTableWidget(0, len(headers)), name))
    table.setHorizontalHeaderLabels(list(headers))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


def _slab(row: SlabRow | None) -> str:
    if row is None:
        return "—"
    return f"{row.start}–{'No limit' if row.end is None else row.end} at {row.rate}"


class VersionHistoryDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, tariff_id: str, *, compare: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.tariff_id = services, actor, tariff_id
        self.formats = Formats.of(services.settings.current())
        self.locale = self.formats.locale
        self.opened = time.monotonic()
        self.history: TariffHistory = services.tariffs.history(actor, tariff_id, record_view=False)
        self.comparison: VersionComparison | None = None
        named(self, "Version history")
        self.setWindowTitle(f"Version history · {self.history.name}")
        self.resize(980, 560)
        self.tabs = named(QTabWidget(), "History tabs")
        self.tabs.addTab(self._history_tab(), "Version history")
        self.tabs.addTab(self._compare_tab(), "Compare versions")
        copy = named(QPushButton("Copy details"), "Copy details")
        copy.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "Close")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(copy)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h3>{self.history.name}</h3>"))
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        if compare:
            self.tabs.setCurrentIndex(1)
            if len(self.history.version_numbers) >= 2:
                self.compare()
        keyboard_dialog(self, first=self.first if compare else self.table)

    def _history_tab(self) -> QWidget:
        self.table = _table("Version history table", HISTORY_HEADERS)
        self.table.setItemDelegateForColumn(4, BadgeDelegate(self.table))
        _fill(self.table, [
            (entry.label, entry.changed_by, self.formats.text(entry.change_summary),
             self.formats.moment(entry.changed_at), entry.state,
             self.formats.day(entry.valid_from),
             (self.formats.day(entry.valid_to) if entry.valid_to else "Ongoing") if entry.valid_from else "")
            for entry in self.history.entries])
        fit_columns(self.table, 2)  # the change summary takes the rest
        return self.table

    def _compare_tab(self) -> QWidget:
        numbers = self.history.version_numbers
        self.first, self.second = named(QComboBox(), "Version A"), named(QComboBox(), "Version B")
        for combo in (self.first, self.second):
            for number in numbers:
                combo.addItem(f"v{number}.0", number)
        if len(numbers) >= 2:
            self.first.setCurrentIndex(len(numbers) - 2)
            self.second.setCurrentIndex(len(numbers) - 1)
        button = named(QPushButton("Compare"), "Compare")
        button.clicked.connect(self.compare)
        button.setEnabled(len(numbers) >= 2)
        pick = QHBoxLayout()
        for widget in (caption("Version A", self.first), self.first, caption("Version B", self.second),
                       self.second, button):
            pick.addWidget(widget)
        pick.addStretch(1)
        self.fields = _table("Field changes", ("Field", "Version A", "Version B"))
        self.slabs = _table("Slab changes", ("Slab", "Version A", "Version B"))
        self.samples = _table("Sample bill comparison", ("Consumption", "Version A", "Version B",
                                                          "Difference"))
        self.compare_note = named(QLabel("Choose two versions and press Compare." if len(numbers) >= 2
                                         else "This tariff has one version: nothing to compare yet."),
                                  "Comparison note")
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(pick)
        layout.addWidget(self.compare_note)
        layout.addWidget(QLabel("<b>What changed</b>"))
        layout.addWidget(self.fields, 2)
        self.slabs_title = QLabel("<b>Slabs side by side</b>")
        layout.addWidget(self.slabs_title)
        layout.addWidget(self.slabs, 1)
        layout.addWidget(QLabel("<b>Sample bills at the same consumption</b>"))
        layout.addWidget(self.samples, 1)
        return tab

    def compare(self) -> None:
        first, second = self.first.currentData(), self.second.currentData()
        result = self.services.tariffs.compare(self.actor, self.tariff_id, first, second)
        self.comparison = result
        _fill(self.fields, [(c.label, c.before, c.after) for c in result.field_changes])
        _fill(self.slabs, [(f"{change.table + ' ' if change.table else ''}{change.index}",
                            _slab(change.before), _slab(change.after))
                           for change in result.slab_changes])
        for widget in (self.slabs, self.slabs_title):
            widget.setVisible(bool(result.slab_changes))
        unit = result.second.unit.value
        _fill(self.samples, [(f"{s.units} {unit}", money_text(s.before, self.locale),
                              money_text(s.after, self.locale),
                              ("+" if not s.difference.is_negative else "") + money_text(s.difference, self.locale))
                             for s in result.samples])
        season = f" (season {result.season})" if result.season else ""
        self.compare_note.setText(f"v{first}.0 against v{second}.0{season}: "
                                  f"{len(result.field_changes)} field(s) changed.")

    def details_text(self) -> str:
        lines = [f"{self.history.name}: version history"]
        lines += [f"{e.label}\t{e.changed_by}\t{self.formats.text(e.change_summary)}\t{self.formats.moment(e.changed_at)}\t{e.state}"
                  for e in self.history.entries]
        if self.comparison is not None:
            lines.append("Changes:")
            lines += [f"{c.label}: {c.before} → {c.after}" for c in self.comparison.field_changes]
        return "\n".join(lines)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.services.tariffs.track(self.actor, "Tariff details printed/shared", format="text",
                                    destination="clipboard", tariff_id=self.tariff_id)

    def done(self, result: int) -> None:
        self.services.tariffs.track(self.actor, "Version history viewed", tariff_id=self.tariff_id,
                                    seconds_spent=int(time.monotonic() - self.opened),
                                    compared=self.comparison is not None)
        super().done(result)

"""Audit log screen: filter by user, action, entity and date; verify the hash chain."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.formatting import Formats
from app.services.core.audit import AuditFilter, ChainCheck
from app.services.core.changes import AUDIT, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.audit.audit_model import (
    COL_SUMMARY,
    RAW_ROLE,
    AuditTableModel,
)
from app.views.audit.audit_text import action_words
from app.views.audit.entry_dialog import AuditEntryDialog
from app.views.common.forms import DateEdit, caption
from app.views.common.operations import Operation
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named


def _combo(label: str) -> QComboBox:
    combo = named(QComboBox(), label)
    combo.setEditable(True)
    combo.setMinimumWidth(130)
    return combo


def _date_edit(label: str, today: date) -> QDateEdit:
    edit = named(DateEdit(), label)
    edit.setCalendarPopup(True)
    edit.setDate(QDate(today.year, today.month, today.day))
    return edit


def _stored(combo: QComboBox) -> str:
    """The stored name behind the words chosen, or what the user typed (matched as a fragment)."""
    text = combo.currentText().strip()
    index = combo.findText(text)
    if index >= 0 and combo.itemData(index):
        return str(combo.itemData(index))
    return text.replace(" ", "_").lower()


class AuditModulePage(QTabWidget):
    """The Audit log module: entries for auditors, plus usage for administrators."""

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Audit log page")
        self.entries = AuditPage(services, actor)
        self.addTab(self.entries, "Audit entries")
        if can(actor.role, Permission.VIEW_USAGE_REPORT):
            self.usage = UsagePanel(services, actor)
            self.addTab(self.usage, "Usage")

    def on_changes(self, changes: Changes) -> None:
        self.entries.on_changes(changes)


class UsagePanel(QWidget):
    """How the product is used: events per role (the specs' behaviour tracking)."""

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Usage panel")
        self.services, self.actor = services, actor
        self.formats = Formats.of(services.settings.current())
        self.table = keyboard_table(named(QTableWidget(0, 5), "Usage events"))
        self.table.setHorizontalHeaderLabels(["Event", "Role", "Count", "Users", "Last seen"])
        fit_columns(self.table, 0)
        refresh = named(QPushButton("Refresh"), "Refresh usage")
        refresh.clicked.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Usage events recorded on this desktop, most frequent first."))
        layout.addWidget(self.table, 1)
        layout.addWidget(refresh)
        self.refresh()

    def refresh(self) -> None:
        rows = self.services.usage.summary(self.actor)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (row.event, row.role, str(row.count), str(row.users), self.formats.moment(row.last_at))
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))


class AuditPage(QWidget):
    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Audit entries panel")
        self.services, self.actor = services, actor
        self.user_filter = _combo("User")
        self.action_filter = _combo("Action")
        self.entity_filter = _combo("Entity")
        settings = services.settings.current()
        formats = Formats.of(settings)
        today = services.app.clock.today(formats.zone)
        self.use_dates = named(QCheckBox("Limit to dates"), "Limit to dates")
        self.date_from = _date_edit("From", today)
        self.date_to = _date_edit("To", today)
        self.search_button = named(QPushButton("Search"), "Search")
        self.verify_button = named(QPushButton("Verify chain"), "Verify chain")
        self.chain_label = named(QLabel("Chain not verified yet."), "Chain status")
        self.chain_label.setWordWrap(True)
        self.model = AuditTableModel(self._fetcher(AuditFilter()), formats)
        self.table = keyboard_table(named(QTableView(), "Audit entries"), self.show_entry)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        fit_columns(self.table, COL_SUMMARY)
        self.table.verticalHeader().hide()
        self._layout()
        self.search_button.clicked.connect(self.search)
        self.verify_button.clicked.connect(self.verify)
        self.refresh_choices()
        self.search()

    def _layout(self) -> None:
        filters = QHBoxLayout()
        for label, widget in (("User", self.user_filter), ("Action", self.action_filter),
                              ("Entity", self.entity_filter)):
            filters.addWidget(caption(label, widget))
            filters.addWidget(widget)
        filters.addSpacing(16)
        for widget in (self.use_dates, caption("From", self.date_from), self.date_from,
                       caption("To", self.date_to), self.date_to, self.search_button):
            filters.addWidget(widget)
        filters.addStretch(1)
        chain = QHBoxLayout()
        chain.addWidget(self.verify_button)
        chain.addWidget(self.chain_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Audit log</h2>"))
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(chain)

    def show_entry(self, index: QModelIndex) -> None:
        """Enter or a double-click: the whole entry, with the summary the list cuts short."""
        row = index.data(RAW_ROLE)
        if row is not None:
            self.entry_dialog = AuditEntryDialog(row, self.model.formats, self)
            self.entry_dialog.open()

    def current_filter(self) -> AuditFilter:
        def pick(edit: QDateEdit) -> date | None:
            return edit.date().toPython() if self.use_dates.isChecked() else None

        return AuditFilter(user_name=self.user_filter.currentText().strip(),
                           action=_stored(self.action_filter), entity=_stored(self.entity_filter),
                           date_from=pick(self.date_from), date_to=pick(self.date_to))

    def _fetcher(self, flt: AuditFilter):
        return lambda offset, limit: self.services.audit.search(self.actor, flt, limit=limit, offset=offset)

    def search(self) -> None:
        self.model.reset(self._fetcher(self.current_filter()))

    def refresh_choices(self) -> None:
        """Actions and records are offered in words; the filter uses the stored names."""
        for combo, column in ((self.user_filter, "user"), (self.action_filter, "action"),
                              (self.entity_filter, "entity")):
            current = combo.currentText()
            combo.clear()
            combo.addItem("", "")
            for value in self.services.audit.distinct_values(self.actor, column):
                combo.addItem(value if column == "user" else action_words(value), value)
            combo.setCurrentText(current)

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.chain_label.setText("Verifying…")
        (Operation(self, lambda: self.services.audit.verify_chain(self.actor), label="Verifying the audit chain…")
         .success(self.show_check).failure(self._verify_failed).run_in_background())

    def show_check(self, check: ChainCheck) -> None:
        self.verify_button.setEnabled(True)
        if check.intact:
            self.chain_label.setText(f"Chain intact: all {check.entries_checked} entries verified.")
            self.chain_label.setStyleSheet("color: #1b6e20;")
        else:
            self.chain_label.setText(f"Chain BROKEN at entry #{check.first_broken_seq}: {check.problem}.")
            self.chain_label.setStyleSheet("color: #b3261e; font-weight: bold;")

    def _verify_failed(self, error: Exception) -> None:
        self.verify_button.setEnabled(True)
        self.chain_label.setText(f"Could not verify: {error}")

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(AUDIT):
            self.refresh_choices()
            self.search()

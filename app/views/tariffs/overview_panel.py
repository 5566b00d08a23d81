"""The Plans & Tariffs overview: KPI cards with growth, status breakdowns, recent changes."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.dashboard.trends import trend
from app.domain.tariffs.validation import TariffStatus
from app.formatting import Formats
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.tariffs.overview import Kpi, RecentItem, StatusCounts, TariffOverview
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.tariffs.ui import BAD, GOOD, BadgeDelegate, badge_style

KPI_METRICS = {"Total plans": "total_plans", "Total tariffs": "total_tariffs",
               "Active subscribers": "active_subscribers"}
CARD_STYLE = "QFrame#Card { background: #ffffff; border: 1px solid #d5dae1; border-radius: 8px; }"


def _card(name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = named(QFrame(), name)
    frame.setObjectName("Card")
    frame.setStyleSheet(CARD_STYLE)
    layout = QVBoxLayout(frame)
    return frame, layout


def growth_text(kpi: Kpi) -> tuple[str, str]:
    """'▲ +7.2% from last month', coloured by the dashboard's one good/bad rule (trends.py):
    more is good for all three totals, and any change is coloured (threshold 0)."""
    growth = kpi.growth_percent
    if growth is None:
        return "No figure for last month yet", "#5f6b7a"
    arrow = "▲" if growth > 0 else ("▼" if growth < 0 else "■")
    sign = "+" if growth > 0 else ""
    change = trend(KPI_METRICS[kpi.label], kpi.value, kpi.previous, threshold=Decimal(0))
    colour = {"green": GOOD, "red": BAD}.get(change.highlight if change else None, "#5f6b7a")
    return f"{arrow} {sign}{growth}% from last month", colour


class OverviewPanel(QWidget):
    view_all_plans = Signal()
    view_all_tariffs = Signal(object)  # a TariffStatus to filter by, or None
    open_item = Signal(str, str)  # ("plan" or "tariff", its id): Enter or double-click on a recent row

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Overview panel")
        self.services, self.actor = services, actor
        self.formats = Formats.of(services.settings.current())
        self.kpis: dict[str, tuple[QLabel, QLabel]] = {}
        self.breakdown: dict[str, QLabel] = {}
        self._shown: dict[str, tuple[RecentItem, ...]] = {}  # each recent table's rows
        top = QHBoxLayout()
        for label in ("Total plans", "Total tariffs", "Active subscribers"):
            top.addWidget(self._kpi_card(label))
        status = QHBoxLayout()
        status.addWidget(self._status_card("Plans"))
        status.addWidget(self._status_card("Tariffs"))
        self.recent_plans = self._recent_table("Recently updated plans", ("Plan", "Categories", "Status",
                                                                           "Version", "Updated"))
        self.recent_tariffs = self._recent_table("Recently updated tariffs", ("Tariff", "Category", "Status",
                                                                               "Version", "Updated"))
        self.expiring = self._recent_table("Tariffs nearing expiry", ("Tariff", "Category", "Status",
                                                                      "Version", "Ends on"))
        all_plans = named(QPushButton("View all plans"), "View all plans")
        all_tariffs = named(QPushButton("View all tariffs"), "View all tariffs")
        all_plans.clicked.connect(self.view_all_plans.emit)
        all_tariffs.clicked.connect(lambda: self.view_all_tariffs.emit(None))
        self.as_of = named(QLabel(""), "Overview date")
        layout = QVBoxLayout(self)
        layout.addWidget(self.as_of)
        layout.addLayout(top)
        layout.addLayout(status)
        # One list under the other, each the full width: names and times read whole.
        for title, button, table in (("Recently updated plans", all_plans, self.recent_plans),
                                     ("Recently updated tariffs", all_tariffs, self.recent_tariffs),
                                     ("Tariffs nearing expiry (next 30 days)", None, self.expiring)):
            heading = QHBoxLayout()
            heading.addWidget(QLabel(f"<b>{title}</b>"), 1)
            if button is not None:
                heading.addWidget(button)
            layout.addLayout(heading)
            layout.addWidget(table, 1 if button is None else 2)  # the recent lists show more rows

    def _kpi_card(self, label: str) -> QFrame:
        frame, layout = _card(f"{label} card")
        value = named(QLabel("—"), label)
        value.setStyleSheet("font-size: 22pt; font-weight: bold; color: #16324f;")
        growth = named(QLabel(""), f"{label} growth")
        layout.addWidget(QLabel(label))
        layout.addWidget(value)
        layout.addWidget(growth)
        self.kpis[label] = (value, growth)
        return frame

    def _status_card(self, kind: str) -> QFrame:
        frame, layout = _card(f"{kind} by status")
        layout.addWidget(QLabel(f"<b>{kind} by status</b>"))
        row = QHBoxLayout()
        for status in TariffStatus:
            button = named(QPushButton(f"{status.value}: —"), f"{status.value}: — {kind.lower()}")
            button.setStyleSheet(badge_style(status.value) + " padding: 8px 16px; font-size: 11pt;")
            button.setFlat(True)
            if kind == "Tariffs":
                button.clicked.connect(lambda _c=False, s=status: self.view_all_tariffs.emit(s))
            else:
                button.clicked.connect(self.view_all_plans.emit)
            row.addWidget(button)
            self.breakdown[f"{status.value} {kind.lower()}"] = button  # type: ignore[assignment]
        row.addStretch(1)
        layout.addLayout(row)
        return frame

    def _recent_table(self, name: str, headers: tuple[str, ...]) -> QTableWidget:
        table = named(QTableWidget(0, len(headers)), name)
        keyboard_table(table, lambda index: self._open_row(table, index.row()))
        table.setHorizontalHeaderLabels(list(headers))
        fit_columns(table, 0)  # the name takes the rest
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setItemDelegateForColumn(2, BadgeDelegate(table))
        table.verticalHeader().hide()
        return table

    def refresh(self) -> None:
        self.show_overview(self.services.tariffs.overview(self.actor))

    def show_overview(self, overview: TariffOverview) -> None:
        self.as_of.setText(f"As of {self.formats.day(overview.as_of)}")
        for kpi in (overview.plans, overview.tariffs, overview.subscribers):
            value, growth = self.kpis[kpi.label]
            value.setText(f"{kpi.value:,}")
            text, colour = growth_text(kpi)
            growth.setText(text)
            growth.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self._counts("plans", overview.plan_status)
        self._counts("tariffs", overview.tariff_status)
        self._fill(self.recent_plans, overview.recent_plans, ends=False)
        self._fill(self.recent_tariffs, overview.recent_tariffs, ends=False)
        self._fill(self.expiring, overview.expiring_soon, ends=True)

    def _counts(self, kind: str, counts: StatusCounts) -> None:
        for status, count in ((TariffStatus.ACTIVE, counts.active), (TariffStatus.INACTIVE, counts.inactive),
                              (TariffStatus.EXPIRED, counts.expired)):
            button = self.breakdown[f"{status.value} {kind}"]
            button.setText(f"{status.value}: {count}")
            button.setAccessibleName(f"{status.value}: {count} {kind}")  # starts with what it shows

    def _open_row(self, table: QTableWidget, row: int) -> None:
        items = self._shown.get(table.accessibleName(), ())
        if 0 <= row < len(items):
            self.open_item.emit(items[row].kind, items[row].id)

    def _fill(self, table: QTableWidget, items: tuple[RecentItem, ...], *, ends: bool) -> None:
        self._shown[table.accessibleName()] = items
        table.setRowCount(len(items))
        for row, item in enumerate(items):
            last = (self.formats.day(item.valid_to) if item.valid_to else "Ongoing") if ends else \
                f"{self.formats.moment(item.updated_at)} · {item.updated_by}"
            for column, text in enumerate((item.name, item.category, item.status.value, item.version, last)):
                table.setItem(row, column, QTableWidgetItem(text))

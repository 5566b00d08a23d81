"""The landing page's header KPIs: Total Collected (with its month), Received Today, Collection
Rate and Avg Collection Time, computed by SQL aggregates off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QWidget

from app.domain.dashboard.trends import trend
from app.services.core.context import Actor
from app.services.payments.posting import PaymentKpis
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.dashboard.cards import GREY, comparison
from app.views.payments.display import Background, Display, alive, card_frame

MONTHS_OFFERED = 24
TITLES = ("Total Collected", "Received Today", "Collection Rate", "Avg Collection Time")
DRILLABLE = {"Total Collected": "total_collected", "Received Today": "received_today"}


def months_back(today: date, count: int) -> list[date]:
    first, months = today.replace(day=1), []
    for _ in range(count):
        months.append(first)
        first = (first.replace(day=1) - date.resolution).replace(day=1)
    return months


def collection_rate_definition(month: str) -> str:
    """Both sides count the same bills: those falling due in the month."""
    return (f"Collection Rate: what posted payments applied to the bills due in {month} "
            f"(whenever they were paid), divided by the total of those bills. Payments kept on "
            f"account and payments of other months' bills or of services are not counted.")


class KpiCard(QWidget):
    drill = Signal()  # the card was clicked, or its Details button pressed

    def __init__(self, title: str, extra: QWidget | None = None, drillable: bool = False) -> None:
        super().__init__()
        frame, layout = card_frame(f"{title} card")
        self.frame = frame
        heading = QLabel(title)
        heading.setStyleSheet("color: #5b6775; font-weight: 600;")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        if extra is not None:
            top.addWidget(extra)
        if drillable:
            details = named(QToolButton(), f"Details: {title}")
            details.setText("Details")
            details.setToolTip(f"{title} by payment method and by day or week")
            details.setAutoRaise(True)
            details.clicked.connect(self.drill.emit)
            top.addWidget(details)
            frame.setCursor(Qt.CursorShape.PointingHandCursor)
        self.drillable = drillable
        self.value = named(QLabel("…"), f"{title} value")
        self.value.setStyleSheet("font-size: 18pt; font-weight: 600; color: #16324f;")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change = named(QLabel(""), f"{title} change")
        self.detail = named(QLabel(""), f"{title} detail")
        self.detail.setStyleSheet("color: #5b6775;")
        self.detail.setWordWrap(True)
        layout.addLayout(top)
        layout.addWidget(self.value)
        layout.addWidget(self.change)
        layout.addWidget(self.detail)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.drillable and event.button() == Qt.MouseButton.LeftButton:
            self.drill.emit()
        super().mouseReleaseEvent(event)

    def show_figure(self, value: str, detail: str) -> None:
        self.value.setText(value)
        self.detail.setText(detail)

    def show_change(self, metric: str, current: object, previous: object, against: str) -> None:
        """'▲ +2.0% vs March 2025', green or red by the one good/bad rule (trends.py: more
        collected is good, a longer collection time bad); any change is coloured."""
        change = None if current is None or previous is None else trend(
            metric, current, previous, threshold=Decimal(0))
        text, colour = comparison(change, against) if change is not None \
            else (f"No figure for {against} to compare with", GREY)
        self.change.setText(text)
        self.change.setStyleSheet(f"color: {colour};")


class KpiStrip(QWidget):
    alerts_raised = Signal(tuple)  # the subjects of payment alerts these figures breached
    drill = Signal(str)  # a metric key: its card asked for its drill-down

    def __init__(self, services: Services, actor: Actor, display: Display,
                 today: Callable[[], date]) -> None:
        super().__init__()
        named(self, "Payment KPIs")
        self.services, self.actor, self.display, self.today = services, actor, display, today
        self.month = named(QComboBox(), "Month")
        self.month.setToolTip("The month of Total Collected, Collection Rate and Avg Collection Time")
        for month in months_back(today(), MONTHS_OFFERED):
            self.month.addItem(display.month(month), month)
        self.month.currentIndexChanged.connect(self.refresh)
        self.cards = {title: KpiCard(title, self.month if i == 0 else None, title in DRILLABLE)
                      for i, title in enumerate(TITLES)}
        for title, metric in DRILLABLE.items():
            self.cards[title].drill.connect(lambda m=metric: self.drill.emit(m))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for card in self.cards.values():
            layout.addWidget(card, 1)
        self._generation = 0
        self.kpis: PaymentKpis | None = None

    def selected_month(self) -> date:
        return self.month.currentData()

    def refresh(self) -> None:
        self._generation += 1
        generation, month = self._generation, self.selected_month()

        def show(kpis: PaymentKpis) -> None:
            if alive(self) and generation == self._generation:
                self.show_kpis(kpis)

        def failed(error: Exception) -> None:
            for card in self.cards.values():
                card.show_figure("—", f"Not loaded: {error}")

        Background(self, lambda: self.services.payments.kpis(self.actor, month, self.today())) \
            .success(show).failure(failed).run_in_background()

    def show_kpis(self, kpis: PaymentKpis) -> None:
        self.kpis = kpis
        d, month = self.display, self.display.month(kpis.month)
        count = kpis.received_today_count
        self.cards["Total Collected"].show_figure(d.money(kpis.total_collected),
                                                  f"Posted payments in {month}")
        self.cards["Received Today"].show_figure(
            d.money(kpis.received_today), f"{count} payment{'s' if count != 1 else ''} today")
        rate = "—" if kpis.collection_rate is None else f"{kpis.collection_rate}%"
        self.cards["Collection Rate"].show_figure(
            rate, f"{d.money(kpis.applied_to_due)} paid of {d.money(kpis.total_due)} due in {month}"
            if kpis.collection_rate is not None else f"Nothing fell due in {month}")
        self.cards["Collection Rate"].frame.setToolTip(collection_rate_definition(month))
        days = "—" if kpis.avg_collection_days is None else f"{kpis.avg_collection_days} days"
        self.cards["Avg Collection Time"].show_figure(
            days, f"Bill or service date to payment, {month}")
        self._show_changes(kpis)
        if kpis.alerts_raised:
            self.alerts_raised.emit(kpis.alerts_raised)

    def _show_changes(self, kpis: PaymentKpis) -> None:
        before = kpis.previous
        if before is None:
            return
        last = self.display.month(before.month)
        for title, metric, now, then, against in (
                ("Total Collected", "total_collected", kpis.total_collected.amount,
                 before.total_collected.amount, last),
                ("Received Today", "received_today", kpis.received_today.amount,
                 before.received_yesterday.amount, "yesterday"),
                ("Collection Rate", "collection_rate", kpis.collection_rate,
                 before.collection_rate, last),
                ("Avg Collection Time", "avg_collection_time", kpis.avg_collection_days,
                 before.avg_collection_days, last)):
            self.cards[title].show_change(metric, now, then, against)

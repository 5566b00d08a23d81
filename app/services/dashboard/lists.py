"""The dashboard's long lists: drill-downs behind the metrics and the global bill search, read a
page at a time (sorted and filtered in SQL), counted, and read whole only for an export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.dashboard.metrics import LABELS
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.dashboard import drilldown, search
from app.services.dashboard.scope import DashboardFilter, resolve, with_ledger_until
from app.services.dashboard.service import DashboardService, require_dashboard

EXPORT_PAGE = 5_000
CONSUMPTION = frozenset({"high_consumption_accounts", "low_consumption_accounts",
                         "zero_consumption_accounts", "total_consumption"})
FINANCIAL = frozenset({"total_billed", "service_charges", "outstanding_amount", "late_payment_revenue"})


@dataclass(frozen=True)
class DrillRequest:
    metric: str
    filter: DashboardFilter
    text: str = ""
    bucket: str | None = None  # an ageing bucket of the outstanding drill-down
    sort: str | None = None
    descending: bool = True


class DashboardLists:
    def __init__(self, app: AppContext, dashboard: DashboardService) -> None:
        self.app = app
        self.dashboard = dashboard

    def _query(self, session: Session, request: DrillRequest):
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(load_settings(session).time_zone)
        today = self.app.clock.today(tz)
        scope = with_ledger_until(resolve(session, request.filter, today, tz).current, today)
        return drilldown.base_query(request.metric, scope, today, self.app.dialect)

    def open_drill(self, actor: Actor, request: DrillRequest) -> drilldown.Drill:
        """The drill-down's columns; audited and tracked as the spec's drill-down events."""
        require_dashboard(actor)
        drill = drilldown.drill_of(request.metric)
        event = ("Consumption_Account_Drilldown" if request.metric in CONSUMPTION
                 else "Financial_Metric_View" if request.metric in FINANCIAL else "Metric_Drilldown")
        self.dashboard.record(actor, "dashboard_drilldown_opened", request.metric, event,
                              metric=LABELS.get(request.metric, request.metric),
                              filter=request.filter.to_json())
        return drill

    def drill_page(self, actor: Actor, request: DrillRequest, offset: int, limit: int) -> list[tuple]:
        require_dashboard(actor)
        with self.app.sessions() as session:
            return drilldown.page(session, request.metric, self._query(session, request), offset=offset,
                                  limit=limit, sort=request.sort, descending=request.descending,
                                  text=request.text, bucket=request.bucket)

    def drill_count(self, actor: Actor, request: DrillRequest) -> int:
        require_dashboard(actor)
        with self.app.sessions() as session:
            return drilldown.count(session, request.metric, self._query(session, request),
                                   request.text, request.bucket)

    def aging(self, actor: Actor, flt: DashboardFilter) -> dict[str, tuple[int, object]]:
        require_dashboard(actor)
        with self.app.sessions() as session:
            return drilldown.aging(session, self._query(session, DrillRequest("outstanding_amount", flt)))

    def drill_rows(self, actor: Actor, request: DrillRequest) -> Iterator[tuple]:
        """Every row, a page at a time (for an export)."""
        offset = 0
        while True:
            rows = self.drill_page(actor, request, offset, EXPORT_PAGE)
            yield from rows
            if len(rows) < EXPORT_PAGE:
                return
            offset += len(rows)

    # search -----------------------------------------------------------------------------------

    def search(self, actor: Actor, words: str, all_cycles: bool, offset: int = 0, limit: int = 100,
               sort: str = "bill_date", descending: bool = True) -> list[search.SearchHit]:
        require_dashboard(actor)
        query = search.search_query(words, all_cycles, self.app.dialect)
        with self.app.sessions() as session:
            hits = search.search_page(session, query, offset=offset, limit=limit, sort=sort,
                                      descending=descending)
        if offset == 0:
            self.dashboard.record(actor, "dashboard_search", words.strip()[:80], "Search_Initiated",
                                  terms=words.strip()[:80], all_cycles=all_cycles,
                                  first_page=len(hits))
        return hits

    def search_count(self, actor: Actor, words: str, all_cycles: bool) -> int:
        require_dashboard(actor)
        query = search.search_query(words, all_cycles, self.app.dialect)
        with self.app.sessions() as session:
            return search.search_count(session, query)

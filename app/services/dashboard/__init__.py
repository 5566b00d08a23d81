"""The billing dashboard: overview, panels, drill-downs, search and per-user preferences."""

from app.services.dashboard.lists import DashboardLists, DrillRequest
from app.services.dashboard.preferences import DashboardPreferences, Layout
from app.services.dashboard.scope import DashboardFilter
from app.services.dashboard.service import DashboardService, StaleData

__all__ = ["DashboardFilter", "DashboardLists", "DashboardPreferences", "DashboardService", "DrillRequest",
           "Layout", "StaleData"]

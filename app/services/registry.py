"""Every service the screens may call, built once per running app."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services.billing import BillingService
from app.services.cash.drawer import DrawerService
from app.services.core.audit import AuditService
from app.services.core.auth import AuthService
from app.services.core.context import AppContext
from app.services.core.inbox import Inbox
from app.services.core.settings import SettingsService
from app.services.core.usage import UsageService
from app.services.dashboard import DashboardLists, DashboardPreferences, DashboardService
from app.services.dashboard.simulation import TariffSimulation
from app.services.payments.posting import PaymentsService
from app.services.payments.receipts import ReceiptsService
from app.services.requests import RequestsService
from app.services.tariffs.assignments import PlanAssignments
from app.services.tariffs.batch import TariffBatch
from app.services.tariffs.plan_batch import PlanBatch
from app.services.tariffs.plans import PlansService
from app.services.tariffs.service import TariffsService


@dataclass
class Services:
    app: AppContext
    auth: AuthService = field(init=False)
    audit: AuditService = field(init=False)
    settings: SettingsService = field(init=False)
    payments: PaymentsService = field(init=False)
    receipts: ReceiptsService = field(init=False)
    drawer: DrawerService = field(init=False)
    usage: UsageService = field(init=False)
    inbox: Inbox = field(init=False)
    tariffs: TariffsService = field(init=False)
    plans: PlansService = field(init=False)
    plan_assignments: PlanAssignments = field(init=False)
    tariff_batch: TariffBatch = field(init=False)
    plan_batch: PlanBatch = field(init=False)
    billing: BillingService = field(init=False)
    requests: RequestsService = field(init=False)
    dashboard: DashboardService = field(init=False)
    dashboard_lists: DashboardLists = field(init=False)
    dashboard_preferences: DashboardPreferences = field(init=False)
    dashboard_simulation: TariffSimulation = field(init=False)

    def __post_init__(self) -> None:
        self.auth = AuthService(self.app)
        self.audit = AuditService(self.app)
        self.settings = SettingsService(self.app)
        self.payments = PaymentsService(self.app)
        self.receipts = ReceiptsService(self.app)
        self.drawer = DrawerService(self.app)
        self.usage = UsageService(self.app)
        self.inbox = Inbox(self.app)
        self.tariffs = TariffsService(self.app)
        self.plans = PlansService(self.app)
        self.plan_assignments = PlanAssignments(self.app)
        self.tariff_batch = TariffBatch(self.app)
        self.plan_batch = PlanBatch(self.app)
        self.billing = BillingService(self.app)
        self.requests = RequestsService(self.app)
        self.dashboard = DashboardService(self.app)
        self.dashboard_lists = DashboardLists(self.app, self.dashboard)
        self.dashboard_preferences = DashboardPreferences(self.app)
        self.dashboard_simulation = TariffSimulation(self.app)

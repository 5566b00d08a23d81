"""Every service the screens may call, built once per running app.

Each is built (and its module imported) when first used: the login window needs only `auth`
and `settings`, and starts without importing billing, printing or the dashboard."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from app.services.core.context import AppContext

if TYPE_CHECKING:
    from app.services.billing import BillingService
    from app.services.cash.drawer import DrawerService
    from app.services.core.audit import AuditService
    from app.services.core.auth import AuthService
    from app.services.core.inbox import Inbox
    from app.services.core.settings import SettingsService
    from app.services.core.usage import UsageService
    from app.services.dashboard import DashboardLists, DashboardPreferences, DashboardService
    from app.services.dashboard.simulation import TariffSimulation
    from app.services.payments.alerts import PaymentAlerts
    from app.services.payments.inquiries import PaymentInquiries
    from app.services.payments.posting import PaymentsService
    from app.services.payments.receipts import ReceiptsService
    from app.services.requests import RequestsService
    from app.services.tariffs.assignments import PlanAssignments
    from app.services.tariffs.batch import TariffBatch
    from app.services.tariffs.plan_batch import PlanBatch
    from app.services.tariffs.plans import PlansService
    from app.services.tariffs.service import TariffsService


class Services:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    @cached_property
    def auth(self) -> AuthService:
        from app.services.core.auth import AuthService

        return AuthService(self.app)

    @cached_property
    def audit(self) -> AuditService:
        from app.services.core.audit import AuditService

        return AuditService(self.app)

    @cached_property
    def settings(self) -> SettingsService:
        from app.services.core.settings import SettingsService

        return SettingsService(self.app)

    @cached_property
    def payments(self) -> PaymentsService:
        from app.services.payments.posting import PaymentsService

        return PaymentsService(self.app)

    @cached_property
    def inquiries(self) -> PaymentInquiries:
        from app.services.payments.inquiries import PaymentInquiries

        return PaymentInquiries(self.app)

    @cached_property
    def alerts(self) -> PaymentAlerts:
        from app.services.payments.alerts import PaymentAlerts

        return PaymentAlerts(self.app)

    @cached_property
    def receipts(self) -> ReceiptsService:
        from app.services.payments.receipts import ReceiptsService

        return ReceiptsService(self.app)

    @cached_property
    def drawer(self) -> DrawerService:
        from app.services.cash.drawer import DrawerService

        return DrawerService(self.app)

    @cached_property
    def usage(self) -> UsageService:
        from app.services.core.usage import UsageService

        return UsageService(self.app)

    @cached_property
    def inbox(self) -> Inbox:
        from app.services.core.inbox import Inbox

        return Inbox(self.app)

    @cached_property
    def tariffs(self) -> TariffsService:
        from app.services.tariffs.service import TariffsService

        return TariffsService(self.app)

    @cached_property
    def plans(self) -> PlansService:
        from app.services.tariffs.plans import PlansService

        return PlansService(self.app)

    @cached_property
    def plan_assignments(self) -> PlanAssignments:
        from app.services.tariffs.assignments import PlanAssignments

        return PlanAssignments(self.app)

    @cached_property
    def tariff_batch(self) -> TariffBatch:
        from app.services.tariffs.batch import TariffBatch

        return TariffBatch(self.app)

    @cached_property
    def plan_batch(self) -> PlanBatch:
        from app.services.tariffs.plan_batch import PlanBatch

        return PlanBatch(self.app)

    @cached_property
    def billing(self) -> BillingService:
        from app.services.billing import BillingService

        return BillingService(self.app)

    @cached_property
    def requests(self) -> RequestsService:
        from app.services.requests import RequestsService

        return RequestsService(self.app)

    @cached_property
    def dashboard(self) -> DashboardService:
        from app.services.dashboard import DashboardService

        return DashboardService(self.app)

    @cached_property
    def dashboard_lists(self) -> DashboardLists:
        from app.services.dashboard import DashboardLists

        return DashboardLists(self.app, self.dashboard)

    @cached_property
    def dashboard_preferences(self) -> DashboardPreferences:
        from app.services.dashboard import DashboardPreferences

        return DashboardPreferences(self.app)

    @cached_property
    def dashboard_simulation(self) -> TariffSimulation:
        from app.services.dashboard.simulation import TariffSimulation

        return TariffSimulation(self.app)

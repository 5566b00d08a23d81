"""Every service the screens may call, built once per running app."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services.cash.drawer import DrawerService
from app.services.core.audit import AuditService
from app.services.core.auth import AuthService
from app.services.core.context import AppContext
from app.services.core.settings import SettingsService
from app.services.core.usage import UsageService
from app.services.payments.posting import PaymentsService
from app.services.payments.receipts import ReceiptsService
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
    tariffs: TariffsService = field(init=False)
    plans: PlansService = field(init=False)

    def __post_init__(self) -> None:
        self.auth = AuthService(self.app)
        self.audit = AuditService(self.app)
        self.settings = SettingsService(self.app)
        self.payments = PaymentsService(self.app)
        self.receipts = ReceiptsService(self.app)
        self.drawer = DrawerService(self.app)
        self.usage = UsageService(self.app)
        self.tariffs = TariffsService(self.app)
        self.plans = PlansService(self.app)

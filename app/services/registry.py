"""Every service the screens may call, built once per running app."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services.audit import AuditService
from app.services.auth import AuthService
from app.services.context import AppContext
from app.services.payments import PaymentsService
from app.services.plans import PlansService
from app.services.receipts import ReceiptsService
from app.services.settings import SettingsService
from app.services.tariffs import TariffsService
from app.services.usage import UsageService


@dataclass
class Services:
    app: AppContext
    auth: AuthService = field(init=False)
    audit: AuditService = field(init=False)
    settings: SettingsService = field(init=False)
    payments: PaymentsService = field(init=False)
    receipts: ReceiptsService = field(init=False)
    usage: UsageService = field(init=False)
    tariffs: TariffsService = field(init=False)
    plans: PlansService = field(init=False)

    def __post_init__(self) -> None:
        self.auth = AuthService(self.app)
        self.audit = AuditService(self.app)
        self.settings = SettingsService(self.app)
        self.payments = PaymentsService(self.app)
        self.receipts = ReceiptsService(self.app)
        self.usage = UsageService(self.app)
        self.tariffs = TariffsService(self.app)
        self.plans = PlansService(self.app)

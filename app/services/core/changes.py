"""What an operation changed, so screens refresh only when it concerns them (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass

SETTINGS = "settings"
USERS = "users"
AUDIT = "audit"
PAYMENTS = "payments"
LEDGER = "ledger"
CREDIT_NOTES = "credit_notes"
TARIFFS = "tariffs"
PLANS = "plans"
REQUESTS = "requests"
CASH = "cash"
BILLS = "bills"
NOTICES = "notices"
INQUIRIES = "payment_inquiries"
ALERTS = "payment_alerts"


@dataclass(frozen=True)
class Changes:
    areas: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *areas: str) -> Changes:
        return cls(frozenset(areas) | {AUDIT})

    def touches(self, *areas: str) -> bool:
        return bool(self.areas & set(areas))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.areas | other.areas)

"""The counter: cash sessions (sessions), what payments do to the drawer (takings), the
counter row (counter), X/Z reports (reports) and the receipt printer (printers)."""

from app.services.cash.printers import PrintersService
from app.services.cash.sessions import CashSessionsService

__all__ = ["CashSessionsService", "PrintersService"]

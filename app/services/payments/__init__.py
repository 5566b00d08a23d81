"""Payments: posting and voiding (posting), reading back (reads, details, listing, queries),
credit notes, payment plans, bank reconciliation, gateway imports and receipts."""

from app.services.payments.credit_notes import CreditNotesService
from app.services.payments.gateway_import import GatewayImportService
from app.services.payments.payment_plans import PaymentPlansService
from app.services.payments.posting import PaymentsService
from app.services.payments.receipts import ReceiptsService
from app.services.payments.reconciliation import ReconciliationService

__all__ = ["CreditNotesService", "GatewayImportService", "PaymentPlansService", "PaymentsService",
           "ReceiptsService", "ReconciliationService"]

"""Disconnection and reconnection requests: the profile lock, raising a request, its statuses and
SLA escalation, service orders, notes and messages, the settlement read from the ledger, and
executing the disconnection or reconnection."""

from app.services.requests.create import CreatedRequest, RequestDraft
from app.services.requests.execute import DisconnectionOrder, Executed, ReconnectionOrder
from app.services.requests.reads import RequestDetail, RequestFilter, RequestKpis, RequestRow
from app.services.requests.service import RequestsService

__all__ = ["CreatedRequest", "DisconnectionOrder", "Executed", "ReconnectionOrder", "RequestDetail",
           "RequestDraft", "RequestFilter", "RequestKpis", "RequestRow", "RequestsService"]

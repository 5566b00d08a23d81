"""RequestsService: the one object the screens and the command line call for requests."""

from __future__ import annotations

from app.services.core.context import AppContext
from app.services.requests.collections import CollectionsLink
from app.services.requests.create import RequestCreation
from app.services.requests.execute import RequestExecution
from app.services.requests.final_bill import RequestFinalBill
from app.services.requests.inbox import RequestInbox
from app.services.requests.lock import ProfileLocks
from app.services.requests.notes import RequestNotes
from app.services.requests.orders import ServiceOrders
from app.services.requests.reads import RequestReads
from app.services.requests.receipt_slip import RequestReceiptSlip
from app.services.requests.workflow import RequestWorkflow


class RequestsService(RequestReads, ProfileLocks, RequestCreation, RequestWorkflow, ServiceOrders,
                      RequestNotes, RequestExecution, CollectionsLink, RequestInbox,
                      RequestReceiptSlip, RequestFinalBill):
    """Disconnection and reconnection requests, from the counter to the meter."""

    def __init__(self, app: AppContext) -> None:
        self.app = app

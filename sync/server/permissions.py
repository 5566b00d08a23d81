"""Which permission each pushed operation needs, from the domain's single permission matrix."""

from __future__ import annotations

from app.domain.core.permissions import Permission as P
from app.domain.core.permissions import can
from sync.protocol import Operation
from sync.server.auth import Caller

_REFERENCE = (P.MANAGE_SETTINGS,)
_TARIFFS = (P.EDIT_TARIFFS, P.PUBLISH_TARIFFS)
_BILLING = (P.RUN_BILLING,)
_REQUESTS = (P.CREATE_REQUEST, P.WORK_REQUEST)
_PLANS = (P.MANAGE_PAYMENT_PLANS,)
# A disconnection's final bill: its reads, its one-off draft run, bills, lines, the ledger
# postings and deposit applied at approval, its timeline events and e-mail.
_FINAL = (P.GENERATE_FINAL_BILL,)
PASSWORD_COLUMNS = frozenset({"password_hash", "password_changed_at"})
NOTICE_COLUMNS = frozenset({"read_at"})
PLAN_COLUMNS = frozenset({"plan_id"})  # what a plan assignment changes on a service account
SUPPLY_COLUMNS = frozenset({"status"})  # what a disconnection or reconnection changes on one
# what printing or e-mailing a bill changes on it
DISTRIBUTION_COLUMNS = frozenset({"printed_at", "printed_by", "sent_at", "sent_by"})

# (entity, operation) first, then the entity for any operation.
NEEDS: dict[tuple[str, str] | str, tuple[P, ...]] = {
    # Reconciliation imports the gateway's online payments and follows their status changes.
    ("payments", "insert"): (P.RECORD_PAYMENT, P.RECONCILE),
    "payments": (P.VOID_PAYMENT, P.VERIFY_PAYMENT, P.RECONCILE),
    "payment_allocations": (P.RECORD_PAYMENT, P.RECONCILE),
    "receipt_prints": (P.RECORD_PAYMENT, P.OPERATE_CASH),
    "credit_notes": (P.CREATE_CREDIT_NOTE,),
    "credit_note_applications": (P.APPLY_CREDIT_NOTE,),
    "ledger_entries": (P.RECORD_PAYMENT, P.CREATE_CREDIT_NOTE, P.APPLY_CREDIT_NOTE, P.RUN_BILLING,
                       P.SETTLE_ACCOUNT, P.VOID_PAYMENT) + _FINAL,
    "cash_sessions": (P.OPERATE_CASH,),
    "counters": (P.OPERATE_CASH,),  # a counter's row is created when its first session opens
    "cash_movements": (P.OPERATE_CASH,),
    "service_requests": _REQUESTS,
    "service_orders": (P.WORK_REQUEST,),
    "meters": (P.WORK_REQUEST,) + _REFERENCE,  # executing a request unassigns or assigns meters
    "meter_movements": (P.WORK_REQUEST,),
    "communications": _REQUESTS + (P.NOTE_REQUEST,),
    "request_events": _REQUESTS + (P.NOTE_REQUEST,) + _FINAL,
    "notifications": _REQUESTS + _TARIFFS + (P.RECORD_PAYMENT, P.RUN_BILLING) + _FINAL,
    "consumers": _REQUESTS + _REFERENCE,
    "bills": _BILLING + _FINAL,
    # printing or e-mailing marks a bill printed or sent: whoever sees bills (an administrator)
    # or prints final bills (a supervisor); only those columns unless they bill (writable_columns)
    ("bills", "update"): _BILLING + _FINAL + (P.VIEW_BILLING, P.PRINT_FINAL_BILL),
    "bill_lines": _BILLING + _FINAL,
    "billing_cycles": _BILLING,
    "bill_runs": _BILLING + _FINAL,
    # Opened by a bill run, by a gateway import that meets a refused payment, by a bill that does
    # not fit its template when printed; worked (updated) only by those who resolve them.
    ("billing_exceptions", "insert"): (P.RESOLVE_EXCEPTIONS, P.RUN_BILLING, P.RECONCILE, P.VIEW_BILLING)
    + _FINAL,
    "billing_exceptions": (P.RESOLVE_EXCEPTIONS,),
    "service_charges": _BILLING + (P.WORK_REQUEST,) + _FINAL,
    "meter_reads": _BILLING + _FINAL,
    "security_deposits": _BILLING + (P.SETTLE_ACCOUNT,) + _FINAL,
    "payment_plans": _PLANS,
    "installments": _PLANS,
    "payment_plan_revisions": _PLANS,
    "bank_statement_lines": (P.RECONCILE,),
    "tariffs": _TARIFFS,
    "tariff_versions": _TARIFFS,
    "plans": _TARIFFS,
    "plan_categories": _TARIFFS,
    "plan_services": _TARIFFS,
    "plan_charges": _TARIFFS,
    "plan_versions": _TARIFFS,
    "plan_assignments": _TARIFFS,  # a service account's plan history
    # assigning a plan updates the account's plan_id, a disconnection or reconnection its status;
    # only that column unless MANAGE_SETTINGS (see writable_columns)
    ("service_accounts", "update"): _REFERENCE + _TARIFFS + (P.WORK_REQUEST,),
    "users": (P.MANAGE_USERS,),
    "dashboard_preferences": (P.VIEW_DASHBOARD,),  # a user's own dashboard layout and views
    "payment_inquiries": (P.HANDLE_INQUIRIES,),  # logged and resolved at the counter
    "payment_alerts": (P.VIEW_DASHBOARD,),  # a manager's own KPI thresholds (rules.py: whose)
}

# Numbers a role may lease: the documents it creates.
SERIES_NEEDS: dict[str, tuple[P, ...]] = {
    "receipt": (P.RECORD_PAYMENT,),
    "payment": (P.RECORD_PAYMENT,),
    "transaction": (P.RECORD_PAYMENT,),
    "credit_note": (P.CREATE_CREDIT_NOTE,),
    "invoice": _BILLING + _FINAL,
    "disconnection_request": (P.CREATE_REQUEST,),
    "reconnection_request": (P.CREATE_REQUEST,),
    "service_order": (P.WORK_REQUEST,),
    "payment_plan": _PLANS,
}


def needed(entity: str, operation: str) -> tuple[P, ...]:
    return NEEDS.get((entity, operation)) or NEEDS.get(entity) or _REFERENCE


def permission_problem(caller: Caller, op: Operation) -> str:
    """Empty when allowed; otherwise the reason, naming the role and what it lacks."""
    if _own_password_change(caller, op) or _notice(op):
        return ""
    permissions = needed(op.entity, op.operation)
    if any(can(caller.role, p) for p in permissions):
        return ""
    names = " or ".join(p.value for p in permissions)
    return f"A {caller.role.value} may not {op.operation} {op.entity} (needs {names})"


def _own_password_change(caller: Caller, op: Operation) -> bool:
    return op.entity == "users" and op.operation == "update" and op.entity_id == caller.user_id


def _notice(op: Operation) -> bool:
    """Any signed-in user: whichever desk sees an event first (an SLA breach, a tariff's
    expiry) raises its notices, and everyone reads and marks their own (rules.py checks whose)."""
    return op.entity == "notices" and op.operation in ("insert", "update")


def writable_columns(caller: Caller, op: Operation) -> frozenset[str] | None:
    """None: every column. A user changing their own row without MANAGE_USERS may only
    change their password (the rest of the row, such as the role, is kept)."""
    if _own_password_change(caller, op) and not can(caller.role, P.MANAGE_USERS):
        return PASSWORD_COLUMNS
    if _notice(op):
        return NOTICE_COLUMNS  # marking read; the notice itself is kept as raised
    if op.entity == "service_accounts" and not can(caller.role, P.MANAGE_SETTINGS):
        columns = set()
        if any(can(caller.role, p) for p in _TARIFFS):
            columns |= PLAN_COLUMNS
        if can(caller.role, P.WORK_REQUEST):
            columns |= SUPPLY_COLUMNS
        return frozenset(columns)
    if op.entity == "bills" and not any(can(caller.role, p) for p in _BILLING + _FINAL):
        return DISTRIBUTION_COLUMNS
    return None


def leasable_series(caller: Caller) -> list[str]:
    return [series for series, needs in SERIES_NEEDS.items() if any(can(caller.role, p) for p in needs)]

"""The role/permission matrix: the single source for what each role may see and do."""

from __future__ import annotations

from enum import StrEnum

from app.domain.core.errors import PermissionDenied


class Role(StrEnum):
    BILLING_MANAGER = "Billing Manager"
    BILLING_SPECIALIST = "Billing Specialist"
    UTILITY_ADMINISTRATOR = "Utility Administrator"
    CUSTOMER_SERVICE_EXECUTIVE = "Customer Service Executive"
    CALL_CENTER_REPRESENTATIVE = "Call Center Representative"
    RECOVERY_EXECUTIVE = "Recovery Executive"
    SUPERVISOR = "Supervisor"


class Module(StrEnum):
    """Navigation modules, in rail order."""

    DASHBOARD = "Dashboard"
    BILLING = "Billing"
    PAYMENTS = "Payments"
    CASH = "Cash"
    TARIFFS = "Plans & Tariffs"
    DISCONNECTIONS = "Disconnections"
    SETTINGS = "Settings"
    AUDIT = "Audit log"


class Permission(StrEnum):
    VIEW_DASHBOARD = "dashboard.view"
    RUN_BILLING = "billing.run"
    VIEW_BILLING = "billing.view"
    RESOLVE_EXCEPTIONS = "billing.exceptions.resolve"
    VIEW_PAYMENTS = "payments.view"
    RECORD_PAYMENT = "payments.record"
    VOID_PAYMENT = "payments.void"
    VERIFY_PAYMENT = "payments.verify"
    CREATE_CREDIT_NOTE = "credit_notes.create"
    APPLY_CREDIT_NOTE = "credit_notes.apply"
    PRINT_CREDIT_NOTE = "credit_notes.print"
    MANAGE_PAYMENT_PLANS = "payment_plans.manage"
    RECONCILE = "payments.reconcile"
    HANDLE_INQUIRIES = "payments.inquiries"  # log and resolve customers' payment inquiries
    OPERATE_CASH = "cash.operate"
    NO_SALE = "cash.no_sale"
    CLOSE_CASH_SESSION = "cash.close"
    APPROVE_VARIANCE = "cash.approve_variance"
    VIEW_TARIFFS = "tariffs.view"
    EDIT_TARIFFS = "tariffs.edit"
    PUBLISH_TARIFFS = "tariffs.publish"
    DELETE_TARIFFS = "tariffs.delete"
    VIEW_REQUESTS = "requests.view"
    CREATE_REQUEST = "requests.create"
    WORK_REQUEST = "requests.work"
    NOTE_REQUEST = "requests.note"  # internal notes and messages to the consumer
    SETTLE_ACCOUNT = "requests.settle"
    PRINT_FINAL_BILL = "bills.final.print"
    GENERATE_FINAL_BILL = "bills.final.generate"
    MANAGE_SETTINGS = "settings.manage"
    MANAGE_USERS = "users.manage"
    VIEW_AUDIT = "audit.view"
    VIEW_USAGE_REPORT = "usage.view"


P = Permission
_DASHBOARD = {P.VIEW_DASHBOARD, P.VIEW_BILLING}
_TARIFF_READ = {P.VIEW_TARIFFS}
_REQUEST_WORK = {P.VIEW_REQUESTS, P.WORK_REQUEST, P.NOTE_REQUEST}

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.BILLING_MANAGER: frozenset(
        _DASHBOARD | _TARIFF_READ
        | {P.RUN_BILLING, P.RESOLVE_EXCEPTIONS, P.EDIT_TARIFFS, P.PUBLISH_TARIFFS,
           P.VIEW_PAYMENTS, P.PRINT_FINAL_BILL, P.VIEW_AUDIT}
    ),
    # The disconnection story: billing specialists produce the final bill from a request.
    Role.BILLING_SPECIALIST: frozenset(
        _DASHBOARD | _TARIFF_READ
        | {P.RUN_BILLING, P.RESOLVE_EXCEPTIONS, P.VIEW_PAYMENTS, P.VIEW_REQUESTS,
           P.GENERATE_FINAL_BILL, P.PRINT_FINAL_BILL}
    ),
    Role.UTILITY_ADMINISTRATOR: frozenset(
        _DASHBOARD | _TARIFF_READ
        | {P.EDIT_TARIFFS, P.PUBLISH_TARIFFS, P.DELETE_TARIFFS, P.MANAGE_SETTINGS,
           P.MANAGE_USERS, P.VIEW_AUDIT, P.VIEW_USAGE_REPORT, P.VIEW_PAYMENTS,
           P.VIEW_REQUESTS}
    ),
    Role.CUSTOMER_SERVICE_EXECUTIVE: frozenset(
        _REQUEST_WORK
        | {P.VIEW_PAYMENTS, P.RECORD_PAYMENT, P.CREATE_CREDIT_NOTE, P.OPERATE_CASH,
           P.CLOSE_CASH_SESSION, P.CREATE_REQUEST, P.VIEW_TARIFFS, P.HANDLE_INQUIRIES}
    ),
    # The story: call-centre staff raise requests by phone and add notes; the field work is others'.
    Role.CALL_CENTER_REPRESENTATIVE: frozenset(
        {P.VIEW_REQUESTS, P.CREATE_REQUEST, P.NOTE_REQUEST, P.VIEW_PAYMENTS, P.VIEW_TARIFFS}
    ),
    Role.RECOVERY_EXECUTIVE: frozenset(
        _REQUEST_WORK
        | {P.VIEW_PAYMENTS, P.MANAGE_PAYMENT_PLANS, P.RECONCILE, P.CREATE_REQUEST,
           P.SETTLE_ACCOUNT, P.GENERATE_FINAL_BILL}
    ),
    Role.SUPERVISOR: frozenset(
        {P.VIEW_PAYMENTS, P.RECORD_PAYMENT, P.VOID_PAYMENT, P.VERIFY_PAYMENT, P.HANDLE_INQUIRIES,
         P.CREATE_CREDIT_NOTE, P.APPLY_CREDIT_NOTE, P.PRINT_CREDIT_NOTE, P.RECONCILE,
         P.OPERATE_CASH, P.NO_SALE, P.CLOSE_CASH_SESSION, P.APPROVE_VARIANCE,
         P.VIEW_REQUESTS, P.WORK_REQUEST, P.NOTE_REQUEST, P.SETTLE_ACCOUNT, P.PRINT_FINAL_BILL,
         P.VIEW_AUDIT, P.VIEW_TARIFFS}
    ),
}

# A module is visible when the role holds any of these.
MODULE_GATES: dict[Module, frozenset[Permission]] = {
    Module.DASHBOARD: frozenset({P.VIEW_DASHBOARD}),
    Module.BILLING: frozenset({P.VIEW_BILLING, P.RUN_BILLING}),
    Module.PAYMENTS: frozenset({P.VIEW_PAYMENTS}),
    Module.CASH: frozenset({P.OPERATE_CASH}),
    Module.TARIFFS: frozenset({P.VIEW_TARIFFS}),
    Module.DISCONNECTIONS: frozenset({P.VIEW_REQUESTS}),
    Module.SETTINGS: frozenset({P.MANAGE_SETTINGS}),
    Module.AUDIT: frozenset({P.VIEW_AUDIT}),
}


def permissions_of(role: Role) -> frozenset[Permission]:
    return MATRIX[role]


def can(role: Role, permission: Permission) -> bool:
    return permission in MATRIX[role]


def require(role: Role, permission: Permission) -> None:
    """Refuse in the service layer, whatever the screen showed."""
    if not can(role, permission):
        raise PermissionDenied(f"A {role.value} may not do this ({permission.value})")


def visible_modules(role: Role) -> list[Module]:
    held = MATRIX[role]
    return [module for module in Module if MODULE_GATES[module] & held]

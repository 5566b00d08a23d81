"""Who may do what with disconnection requests: the story's roles against the matrix."""

from __future__ import annotations

import pytest

from app.domain.core.permissions import Module, Permission, Role, can, visible_modules

P = Permission
EXPECTED = {
    Role.CUSTOMER_SERVICE_EXECUTIVE: {P.VIEW_REQUESTS, P.CREATE_REQUEST, P.WORK_REQUEST, P.NOTE_REQUEST},
    # raises requests by phone and adds notes; the field work and execution are not theirs
    Role.CALL_CENTER_REPRESENTATIVE: {P.VIEW_REQUESTS, P.CREATE_REQUEST, P.NOTE_REQUEST},
    Role.RECOVERY_EXECUTIVE: {P.VIEW_REQUESTS, P.CREATE_REQUEST, P.WORK_REQUEST, P.NOTE_REQUEST,
                              P.SETTLE_ACCOUNT, P.GENERATE_FINAL_BILL},
    # produces final bills from a request's settlement tab
    Role.BILLING_SPECIALIST: {P.VIEW_REQUESTS, P.GENERATE_FINAL_BILL, P.PRINT_FINAL_BILL},
    Role.SUPERVISOR: {P.VIEW_REQUESTS, P.WORK_REQUEST, P.NOTE_REQUEST, P.SETTLE_ACCOUNT,
                      P.PRINT_FINAL_BILL},
    Role.UTILITY_ADMINISTRATOR: {P.VIEW_REQUESTS},
    Role.BILLING_MANAGER: {P.PRINT_FINAL_BILL},
}
REQUEST_PERMISSIONS = {P.VIEW_REQUESTS, P.CREATE_REQUEST, P.WORK_REQUEST, P.NOTE_REQUEST,
                       P.SETTLE_ACCOUNT, P.GENERATE_FINAL_BILL, P.PRINT_FINAL_BILL}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_exactly_its_request_permissions(role):
    held = {p for p in REQUEST_PERMISSIONS if can(role, p)}
    assert held == EXPECTED[role]
    assert (Module.DISCONNECTIONS in visible_modules(role)) == (P.VIEW_REQUESTS in EXPECTED[role])

"""A plan assignment made on a desktop reaches the central service: the history row needs a
tariff editor, and the account's update may change only its plan unless the role manages
settings."""

from __future__ import annotations

from app.domain.core.permissions import Role
from sync.protocol import Operation
from sync.server.auth import Caller
from sync.server.permissions import permission_problem, writable_columns


def caller(role: Role) -> Caller:
    return Caller("u1", "someone", role, None, "d1", "c1")


def op(entity: str, operation: str = "update") -> Operation:
    return Operation(seq=1, entity=entity, entity_id="x", operation=operation, payload={}, base_version=1)


def test_a_billing_manager_pushes_an_assignment_and_only_the_accounts_plan():
    manager = caller(Role.BILLING_MANAGER)
    assert permission_problem(manager, op("plan_assignments", "insert")) == ""
    assert permission_problem(manager, op("service_accounts")) == ""
    assert writable_columns(manager, op("service_accounts")) == frozenset({"plan_id"})
    assert writable_columns(caller(Role.UTILITY_ADMINISTRATOR), op("service_accounts")) is None


def test_a_cashier_may_not_change_plans_but_a_disconnection_sets_the_accounts_status():
    cashier = caller(Role.CUSTOMER_SERVICE_EXECUTIVE)
    assert "may not insert plan_assignments" in permission_problem(cashier, op("plan_assignments", "insert"))
    assert permission_problem(cashier, op("service_accounts")) == ""  # executing a request
    assert writable_columns(cashier, op("service_accounts")) == frozenset({"status"})  # never the plan
    assert "may not update service_accounts" in permission_problem(caller(Role.BILLING_SPECIALIST),
                                                                   op("service_accounts"))
    assert "may not insert service_accounts" in permission_problem(
        caller(Role.BILLING_MANAGER), op("service_accounts", "insert"))

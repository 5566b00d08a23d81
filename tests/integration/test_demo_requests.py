"""The demo's requests speak the domain's language: statuses as the domain spells them, reasons
that exist in the settings for their type, service orders with their type, own number series."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.requests.disconnection import RequestStatus
from app.models.requests import ServiceOrder, ServiceRequest
from app.services.core.settings import load_settings
from tests.integration.test_demo import demo, session  # noqa: F401 - the module's demo, built once here

STATUSES = {status.value for status in RequestStatus}


def test_demo_statuses_and_reasons_come_from_the_domain_and_settings(session):  # noqa: F811
    settings = load_settings(session)
    reasons = {"Disconnection": {r.code: r.reason for r in settings.disconnection_reasons},
               "Reconnection": {r.code: r.reason for r in settings.get("disconnections.reconnection_reasons")}}
    requests = session.execute(select(ServiceRequest)).scalars().all()
    assert {r.request_type for r in requests} == {"Disconnection", "Reconnection"}
    for request in requests:
        assert request.status in STATUSES, request.status
        assert reasons[request.request_type].get(request.reason_code) == request.reason, request.reason_code
        prefix = "REC-" if request.request_type == "Reconnection" else "DIS-"
        assert request.request_no.startswith(prefix)
    smith = next(r for r in requests if r.request_no == "DIS-2024-001234")
    assert smith.status == "In progress"
    orders = session.execute(select(ServiceOrder)).scalars().all()
    assert orders and all(o.order_type in ("Disconnection", "Reconnection") for o in orders)
    assert all(o.template.endswith(o.order_type) for o in orders)

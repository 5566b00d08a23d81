"""Requests from the counter to the meter, on a real SQLite file: lock, create, statuses, SLA
escalation, settlement, service orders, notes, disconnection and reconnection."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import ConflictError, PermissionDenied, ValidationError
from app.models.billing import LedgerEntry, ServiceCharge
from app.models.consumers import Consumer, Meter, MeterMovement, ServiceAccount
from app.models.notices import Notice
from app.models.requests import Communication, Notification, ServiceRequest
from app.models.system import AuditEntry
from app.services.requests import DisconnectionOrder, ReconnectionOrder, RequestDraft, RequestFilter
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world

TODAY = date(2025, 4, 20)  # the fixed clock's day in New York


@pytest.fixture
def world(runtime, services):
    return build_requests_world(runtime, services)


def _raise(runtime, services, consumer_id, username="cashier", **changes):
    who = actor(runtime, username)
    services.requests.verify_and_lock(who, consumer_id)
    draft = RequestDraft(consumer_id, "NP-001", TODAY + timedelta(days=2), "10:00-12:00",
                         "Customer requested morning slot due to work schedule")
    fields = {**draft.__dict__, **changes}
    return services.requests.create_request(who, RequestDraft(**fields))


def _count(runtime, model, *where):
    with runtime.app.sessions() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def _audits(runtime, action):
    with runtime.app.sessions() as session:
        return session.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars().all()


# AC002: the profile lock ----------------------------------------------------------------------

def test_verifying_locks_the_profile_others_see_who_and_submit_releases_it(runtime, services, world):
    cashier, callcenter = actor(runtime, "cashier"), actor(runtime, "callcenter")
    services.requests.verify_and_lock(cashier, world.smith)
    assert services.requests.lock_status(callcenter, world.smith).holder == "cashier"
    with pytest.raises(ConflictError, match="locked by cashier") as refused:
        services.requests.verify_and_lock(callcenter, world.smith)
    until = services.requests.lock_status(callcenter, world.smith).until
    local = until.astimezone(ZoneInfo(services.settings.current().time_zone))
    assert "UTC" not in str(refused.value) and f"until {local:%-I:%M}" in str(refused.value)  # the utility's zone
    runtime.app.clock.advance(timedelta(minutes=10))
    renewed = services.requests.renew_lock(cashier, world.smith)
    assert renewed.until == runtime.app.clock.now() + timedelta(minutes=15)
    services.requests.create_request(cashier, RequestDraft(world.smith, "NP-001", TODAY, "10:00-12:00"))
    assert services.requests.lock_status(callcenter, world.smith).holder is None
    services.requests.verify_and_lock(callcenter, world.smith)
    services.requests.release_lock(callcenter, world.smith)
    assert services.requests.lock_status(cashier, world.smith).holder is None


def test_a_request_needs_the_profile_verified_by_its_author(runtime, services, world):
    with pytest.raises(ValidationError, match="verify the customer first"):
        services.requests.create_request(actor(runtime, "cashier"),
                                         RequestDraft(world.smith, "NP-001", TODAY, "10:00-12:00"))


# AC003, AC004, AC005, AC006, AC019: creating ------------------------------------------------------

def test_an_active_consumer_gets_a_disconnection_numbered_in_its_series(runtime, services, world):
    created = _raise(runtime, services, world.smith)
    assert (created.request_type, created.request_no) == ("Disconnection", "DIS-2025-000001")
    detail = services.requests.request_detail(actor(runtime, "callcenter"), created.request_id)
    assert (detail.status, detail.priority, detail.reason_code) == ("Pending", "High", "NP-001")
    assert detail.required_approval  # NP-001 requires approval
    assert detail.created_by == "Jane Smith" and detail.action_label == "Acknowledge"


def test_an_inactive_consumer_gets_a_reconnection_with_its_own_series(runtime, services, world):
    created = _raise(runtime, services, world.inactive, reason_code="RC-001")
    assert (created.request_type, created.request_no) == ("Reconnection", "REC-2025-000001")
    with pytest.raises(ValidationError, match="NP-001 is not one of the configured reasons"):
        _raise(runtime, services, world.inactive)


@pytest.mark.parametrize(("changes", "field", "rule"), [
    ({"preferred_date": TODAY - timedelta(days=1)}, "Preferred date", "Cannot select past date"),
    ({"time_slot": "09:00-11:00"}, "Time slot", "09:00-11:00 is not one of the configured slots"),
    ({"notes": "x" * 251}, "Additional notes", "must be at most 250 characters (251 given)"),
    ({"notes": "<b>now</b>"}, "Additional notes", "must be text only (remove the markup tag)"),
    ({"reason_code": ""}, "Reason", "is required"),
])
def test_bad_input_names_the_field_and_writes_nothing(runtime, services, world, changes, field, rule):
    with pytest.raises(ValidationError) as refused:
        _raise(runtime, services, world.smith, **changes)
    assert (refused.value.field, refused.value.rule) == (field, rule)
    assert _count(runtime, ServiceRequest) == 0 and _count(runtime, Notification) == 0


def test_checked_notification_queues_an_email_and_audits_it(runtime, services, world):
    created = _raise(runtime, services, world.smith)
    assert created.notified == "john.smith@email.com"
    with runtime.app.sessions() as session:
        mail = session.execute(select(Notification)).scalar_one()
    assert (mail.recipient, mail.status) == ("john.smith@email.com", "Queued")
    # the day as ISO: the mailer writes it in the date format setting when it sends the letter
    assert "DIS-2025-000001" in mail.subject and "2025-04-22 between 10:00 and 12:00" in mail.body
    [audit] = _audits(runtime, "Customer notified")
    assert audit.user_name == "cashier" and audit.summary["recipient"] == "john.smith@email.com"


def test_unchecked_notification_sends_nothing(runtime, services, world):
    created = _raise(runtime, services, world.smith, notify_customer=False)
    assert created.notified == ""
    assert _count(runtime, Notification) == 0 and _count(runtime, Communication) == 0
    assert _audits(runtime, "Customer notified") == []


# AC010, AC011: statuses -----------------------------------------------------------------------------

def test_acknowledge_hold_resume_close(runtime, services, world):
    request_id = _raise(runtime, services, world.smith).request_id
    recovery = actor(runtime, "recovery")
    services.requests.acknowledge(recovery, request_id)
    detail = services.requests.request_detail(recovery, request_id)
    assert (detail.status, detail.action_label) == ("In progress", "Put on Hold")
    services.requests.put_on_hold(recovery, request_id)
    assert services.requests.request_detail(recovery, request_id).action_label == "Resume"
    services.requests.resume(recovery, request_id)
    with pytest.raises(ValidationError, match="cannot move from In progress to In progress"):
        services.requests.acknowledge(recovery, request_id)
    with pytest.raises(ValidationError, match="choose one of the configured reasons"):
        services.requests.close(recovery, request_id, "Because")
    with pytest.raises(ValidationError, match="say why when the reason is Other"):
        services.requests.close(recovery, request_id, "Other")
    services.requests.close(recovery, request_id, "Cancelled by consumer", "Paid in full at the counter")
    detail = services.requests.request_detail(recovery, request_id)
    assert (detail.status, detail.close_reason, detail.action_label) == ("Closed", "Cancelled by consumer", None)
    events = [row.event for row in services.requests.timeline(recovery, request_id)]
    assert events == ["Request created", "Customer notified", "Status changed", "Put on hold",
                      "Status changed", "Request closed"]


def test_a_stale_copy_conflicts_instead_of_overwriting(runtime, services, world):
    request_id = _raise(runtime, services, world.smith).request_id
    recovery, supervisor = actor(runtime, "recovery"), actor(runtime, "supervisor")
    seen = services.requests.request_detail(recovery, request_id).version
    services.requests.acknowledge(supervisor, request_id, base_version=seen)
    with pytest.raises(ConflictError, match="was changed by Karen Miller meanwhile"):
        services.requests.put_on_hold(recovery, request_id, base_version=seen)


# AC008, AC009 and escalation ---------------------------------------------------------------------

def test_sla_in_real_time_and_a_breach_escalates_to_supervisors_once(runtime, services, world):
    request_id = _raise(runtime, services, world.smith).request_id
    callcenter = actor(runtime, "callcenter")
    sla = services.requests.request_detail(callcenter, request_id).sla
    assert sla.due_at == runtime.app.clock.now() + timedelta(hours=24) and sla.status == "On Track"
    assert services.requests.escalate_breaches() == []
    runtime.app.clock.advance(timedelta(hours=2, minutes=1))  # not acknowledged within 2 hours
    assert services.requests.request_detail(callcenter, request_id).sla.status == "Breached"
    assert services.requests.escalate_breaches() == ["DIS-2025-000001"]
    assert services.requests.escalate_breaches() == []
    with runtime.app.sessions() as session:
        sent = session.execute(select(Notification.recipient, Notification.status)
                               .where(Notification.kind == "sla_breach")).all()
        told = session.execute(select(Notice.recipient, Notice.read_at, Notice.link)).all()
    assert sent == [("karen@utility.example", "Queued")]
    assert told == [("supervisor", None, f"service_request:{request_id}")]
    assert _audits(runtime, "SLA breach escalated")[0].summary["supervisors"] == ["supervisor"]


# AC012, AC013: settlement from the ledger ---------------------------------------------------------

def test_the_settlement_of_the_spec_sample(runtime, services, world):
    request_id = _raise(runtime, services, world.smith).request_id
    view = services.requests.request_detail(actor(runtime, "recovery"), request_id).settlement
    assert str(view.total_due.amount) == "606.78" and str(view.payments_made.amount) == "150.00"
    assert view.outstanding.amount == Decimal("456.78") and view.due_date == date(2025, 4, 15)
    assert view.last_payment.amount == Decimal("150.00") and view.last_payment_method == "Online Banking"
    assert view.settlement.use_in_bill and view.settlement.deposit_applied.amount == Decimal("200.00")
    assert view.settlement.net.amount == Decimal("256.78")
    assert view.settlement.toggled(False).net.amount == Decimal("456.78")


# AC014, AC020: detail and communications --------------------------------------------------------

def test_vip_consumer_card_and_audited_communications(runtime, services, world):
    request_id = _raise(runtime, services, world.inactive, reason_code="RC-001", notify_customer=False).request_id
    callcenter = actor(runtime, "callcenter")
    assert services.requests.request_detail(callcenter, request_id).consumer.vip
    services.requests.add_communication(callcenter, request_id, "Internal", "Called back, told her Friday")
    services.requests.add_communication(callcenter, request_id, "Consumer", "Your reconnection is on Friday")
    rows = services.requests.communications(callcenter, request_id)
    assert [(r.audience, r.channel, r.user_name) for r in rows] == [
        ("Internal", "Note", "Callcenter"), ("Consumer", "Email", "Callcenter")]
    with runtime.app.sessions() as session:
        assert session.execute(select(Notification.recipient).where(
            Notification.kind == "request_message")).scalar_one() == "mary@email.com"
    audits = _audits(runtime, "Internal note added") + _audits(runtime, "Message sent to consumer")
    assert [(a.user_name, a.at) for a in audits] == [("callcenter", runtime.app.clock.now())] * 2


# roles ---------------------------------------------------------------------------------------------

def test_each_role_may_do_what_the_story_gives_it(runtime, services, world):
    callcenter = actor(runtime, "callcenter")
    request_id = _raise(runtime, services, world.smith, username="callcenter").request_id
    with pytest.raises(PermissionDenied):
        services.requests.acknowledge(callcenter, request_id)
    specialist = actor(runtime, "specialist")
    assert services.requests.request_detail(specialist, request_id).request_no == "DIS-2025-000001"
    with pytest.raises(PermissionDenied):
        services.requests.verify_and_lock(actor(runtime, "admin"), world.smith)
    with pytest.raises(PermissionDenied):
        services.requests.add_communication(actor(runtime, "manager"), request_id, "Internal", "hi")


# AC015, AC016, AC017: disconnection and reconnection ----------------------------------------------

def _in_progress_with_order(runtime, services, consumer_id, template, **changes):
    created = _raise(runtime, services, consumer_id, **changes)
    recovery, supervisor = actor(runtime, "recovery"), actor(runtime, "supervisor")
    services.requests.acknowledge(recovery, created.request_id)
    order = services.requests.create_service_order(recovery, created.request_id, template,
                                                   TODAY + timedelta(days=1), "Bring tools", "Mike Thompson")
    services.requests.approve_service_order(supervisor, order.order_id)
    return created, order


def test_execute_disconnection_checks_everything_then_unassigns_and_deactivates(runtime, services, world):
    recovery = actor(runtime, "recovery")
    templates = [t.name for t in services.requests.order_templates(
        recovery, _raise(runtime, services, world.smith, notify_customer=False).request_id)]
    assert "Residential Disconnection" in templates and "Commercial Disconnection" not in templates
    created, order = _in_progress_with_order(runtime, services, world.smith, "Residential Disconnection",
                                             notify_customer=False)
    assert order.so_no == "SO-2025-000001" and order.order_type == "Disconnection"
    facts = services.requests.lookup_order(recovery, created.request_id, order.so_no)
    assert (facts.assigned_to, facts.approved_by) == ("Mike Thompson", "Karen Miller")
    assert services.requests.lookup_device(recovery, created.request_id, "DEV-9001").meter_no == "EM-1001"
    checklist = frozenset(services.settings.current().closure_checklist)
    good = DisconnectionOrder(order.so_no, ("DEV-9001", "DEV-9002"), "Unassign Meter Only", checked=checklist)
    for bad, message in ((good.__class__(**{**good.__dict__, "so_no": "SO-2025-999999"}),
                          "Service order not found or not applicable"),
                         (good.__class__(**{**good.__dict__, "device_nos": ("DEV-9001", "DEV-9003")}),
                          "Meter not linked to this account"),
                         (good.__class__(**{**good.__dict__, "checked": frozenset(list(checklist)[:5])}),
                          "Completion: 5/6 items; 6 required")):
        with pytest.raises(ValidationError, match=message):
            services.requests.execute_disconnection(recovery, created.request_id, bad)
    assert _count(runtime, MeterMovement) == 0
    done = services.requests.execute_disconnection(recovery, created.request_id, good)
    assert done.consumer_status == "Inactive"
    with runtime.app.sessions() as session:
        assert session.get(Consumer, world.smith).status == "Inactive"
        meters = session.execute(select(Meter.meter_no, Meter.status, Meter.service_account_id)
                                 .where(Meter.meter_no.in_(["EM-1001", "WM-2001"]))).all()
        assert sorted(meters) == [("EM-1001", "Uninstalled", None), ("WM-2001", "Uninstalled", None)]
    detail = services.requests.request_detail(recovery, created.request_id)
    assert detail.status == "Completed" and detail.sla.metrics[2].achieved_hours is not None
    assert _count(runtime, MeterMovement, MeterMovement.action == "Unassigned") == 2
    assert services.requests.service_orders(recovery, created.request_id)[0].status == "Completed"


def test_remove_completely_moves_the_meters_to_the_warehouse(runtime, services, world):
    recovery = actor(runtime, "recovery")
    created, order = _in_progress_with_order(runtime, services, world.smith, "Residential Disconnection")
    checklist = frozenset(services.settings.current().closure_checklist)
    services.requests.execute_disconnection(recovery, created.request_id, DisconnectionOrder(
        order.so_no, ("DEV-9001", "DEV-9002"), "Remove Meter Completely", "Decommissioned", checklist))
    assert _count(runtime, MeterMovement, MeterMovement.to_status == "Decommissioned",
                  MeterMovement.action == "Removed") == 2
    with runtime.app.sessions() as session:
        kinds = session.execute(select(Notification.kind)).scalars().all()
    assert "request_disconnected" in kinds


def test_execute_reconnection_charges_the_fee_assigns_the_meter_and_activates(runtime, services, world):
    recovery = actor(runtime, "recovery")
    created, order = _in_progress_with_order(runtime, services, world.inactive, "Residential Reconnection",
                                             reason_code="RC-001")
    with pytest.raises(ValidationError, match="WM-2001 is not free to assign"):
        services.requests.execute_reconnection(recovery, created.request_id,
                                               ReconnectionOrder(order.so_no, ("WM-2001",)))
    services.requests.execute_reconnection(recovery, created.request_id,
                                           ReconnectionOrder(order.so_no, ("WM-3001",)))
    with runtime.app.sessions() as session:
        assert session.get(Consumer, world.inactive).status == "Active"
        meter = session.get(Meter, world.spare_meter)
        assert meter.status == "Installed" and meter.service_account_id is not None
        fee = session.execute(select(ServiceCharge)).scalar_one()
        assert (fee.description, fee.amount, fee.gl_code) == ("Reconnection Fee", Decimal("75.00"), "4300")
        assert session.execute(select(LedgerEntry.amount).where(
            LedgerEntry.source_id == fee.id)).scalar_one() == Decimal("75.00")


def test_the_list_tabs_and_the_kpis(runtime, services, world):
    recovery = actor(runtime, "recovery")
    first = _raise(runtime, services, world.smith)
    _raise(runtime, services, world.inactive, reason_code="RC-001")
    services.requests.close(recovery, first.request_id, "Duplicate request")
    current = services.requests.list_requests(recovery, RequestFilter(history=False))
    history = services.requests.list_requests(recovery, RequestFilter(history=True))
    assert [r.request_no for r in current] == ["REC-2025-000001"]
    assert [(r.request_no, r.outstanding.amount) for r in history] == [("DIS-2025-000001", Decimal("456.78"))]
    assert [r.request_no for r in services.requests.list_requests(recovery, RequestFilter(text="mary"))] \
        == ["REC-2025-000001"]
    kpis = services.requests.kpis(recovery)
    assert (kpis.pending_disconnections, kpis.pending_reconnections) == (0, 1)


# the collections link --------------------------------------------------------------------------------

def test_overdue_balances_are_suggested_and_a_compliant_plan_is_the_reason_not_to(runtime, services, world):
    from app.models.payments import PaymentPlan

    recovery = actor(runtime, "recovery")
    assert services.requests.suggested_disconnections(recovery) == []  # 36 days overdue < 90
    services.settings.update(actor(runtime, "admin"), {"disconnections.suggest_after_days": 30})
    [suggested] = services.requests.suggested_disconnections(recovery)
    assert (suggested.account_no, suggested.why, suggested.reason_not_to) == (
        "ACC-2024-001789", "Bill unpaid 36 days past due", "")
    assert suggested.outstanding.amount == Decimal("456.78") and suggested.overdue_since == date(2025, 3, 15)
    with runtime.app.sessions() as session, session.begin():
        session.add(PaymentPlan(plan_no="PP-2025-0001", consumer_id=world.smith, total_amount=Decimal("456.78"),
                                down_payment=Decimal(0), installments_count=3, frequency="Monthly",
                                start_date=TODAY, created_by="Recovery"))
    [suggested] = services.requests.suggested_disconnections(recovery)
    assert suggested.reason_not_to == "Compliant payment plan PP-2025-0001"
    _raise(runtime, services, world.smith)
    assert services.requests.suggested_disconnections(recovery) == []  # a request is already open
    with pytest.raises(PermissionDenied):
        services.requests.suggested_disconnections(actor(runtime, "callcenter"))


def test_a_defaulted_plan_is_suggested_for_non_payment(runtime, services, world):
    from app.models.payments import PaymentPlan

    with runtime.app.sessions() as session, session.begin():
        session.add(PaymentPlan(plan_no="PP-2025-0002", consumer_id=world.smith, total_amount=Decimal("456.78"),
                                down_payment=Decimal(0), installments_count=3, frequency="Monthly",
                                start_date=TODAY, created_by="Recovery", status="Defaulted"))
    [suggested] = services.requests.suggested_disconnections(actor(runtime, "recovery"))
    assert (suggested.why, suggested.reason_not_to) == ("Payment plan PP-2025-0002 defaulted", "")


def test_execution_waits_while_someone_else_holds_the_profile(runtime, services, world):
    recovery = actor(runtime, "recovery")
    created, order = _in_progress_with_order(runtime, services, world.smith, "Residential Disconnection")
    services.requests.verify_and_lock(actor(runtime, "callcenter"), world.smith)
    checklist = frozenset(services.settings.current().closure_checklist)
    with pytest.raises(ConflictError, match="locked by callcenter"):
        services.requests.execute_disconnection(recovery, created.request_id, DisconnectionOrder(
            order.so_no, ("DEV-9001", "DEV-9002"), "Unassign Meter Only", checked=checklist))
    assert _count(runtime, MeterMovement) == 0


@pytest.mark.parametrize("text", ["michael sm", "001789", "555) 123-45", "ACC-2024-001789"])
def test_customer_search_by_name_account_or_phone_partially(runtime, services, world, text):
    """AC001: the create form's search (the payments find_consumers, reused) for a call centre rep."""
    found = services.payments.find_consumers(actor(runtime, "callcenter"), text)
    assert found[0].account_no == "ACC-2024-001789"


def test_a_service_order_report_only_once_completed(runtime, services, world, tmp_path):
    from tests.integration.test_receipts import pdf_text

    recovery = actor(runtime, "recovery")
    created, order = _in_progress_with_order(runtime, services, world.smith, "Residential Disconnection")
    with pytest.raises(ValidationError, match="SO-2025-000001 is Assigned, not Completed"):
        services.requests.write_order_report(recovery, order.order_id, tmp_path / "early.pdf")
    checklist = frozenset(services.settings.current().closure_checklist)
    services.requests.execute_disconnection(recovery, created.request_id, DisconnectionOrder(
        order.so_no, ("DEV-9001", "DEV-9002"), "Remove Meter Completely", "Warehouse", checklist))
    path = services.requests.write_order_report(recovery, order.order_id, tmp_path / "so.pdf")
    _pages, text = pdf_text(path)
    assert "SO-2025-000001" in text and "EM-1001" in text and "In warehouse" in text


def test_the_request_receipt_prints_on_the_counter_printer(runtime, services, world):
    from app.printing.escpos.decode import decode
    from tests.loopback_printer import LoopbackPrinter

    created = _raise(runtime, services, world.smith)
    cashier = actor(runtime, "cashier")
    with pytest.raises(ValidationError, match="no receipt printer is set up"):
        services.requests.print_request_receipt(cashier, created.request_id)
    printer = LoopbackPrinter()
    try:
        services.settings.update(actor(runtime, "admin"), {"printing.printer_url": printer.url})
        message = services.requests.print_request_receipt(cashier, created.request_id, created.notified)
        text = decode(printer.wait_for_jobs(1)[0]).text
    finally:
        printer.close()
    assert message == f"Receipt for DIS-2025-000001 printed on 127.0.0.1:{printer.port}."
    assert "DISCONNECTION REQUEST" in text and "DIS-2025-000001" in text and "John Michael Smith" in text
    assert "Notified: john.smith@email.com" in text


def test_a_meter_left_linked_at_the_premises_can_be_reconnected(runtime, services, world):
    """The demo's disconnected consumers keep their meters linked (Uninstalled): reconnecting
    them with their own meter works; a decommissioned one is refused."""
    with runtime.app.sessions() as session, session.begin():
        account_id = session.execute(select(ServiceAccount.id).where(
            ServiceAccount.consumer_id == world.inactive)).scalar_one()
        spare = session.get(Meter, world.spare_meter)
        spare.service_account_id, spare.status = account_id, "Uninstalled"
    recovery = actor(runtime, "recovery")
    created, order = _in_progress_with_order(runtime, services, world.inactive, "Residential Reconnection",
                                             reason_code="RC-001")
    services.requests.execute_reconnection(recovery, created.request_id,
                                           ReconnectionOrder(order.so_no, ("WM-3001",)))
    with runtime.app.sessions() as session:
        assert session.get(Meter, world.spare_meter).status == "Installed"

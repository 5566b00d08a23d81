"""A disconnection's final bill on a real SQLite file: reads checked (AC015, AC016), the
accounts rated by the billing module's run, the spec's $456.78 outstanding and $200.00 deposit,
discard and generate again, approve and send (ledger, deposit, e-mail), and the freeze."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import ValidationError
from app.domain.requests.final_bill import FinalRead
from app.models.billing import Bill, BillRun, LedgerEntry
from app.models.consumers import MeterRead, SecurityDeposit
from app.models.requests import Notification, RequestEvent
from app.services.requests import DisconnectionOrder
from tests.final_bill_fixtures import TODAY, disconnection_in_progress, rate_smith
from tests.integration.test_bill_pdfs import pdf_text
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world

D = Decimal
READS = (FinalRead("EM-1001", D("4620.5"), TODAY), FinalRead("WM-2001", D("320"), TODAY))


@pytest.fixture
def world(runtime, services):
    built = build_requests_world(runtime, services)
    rate_smith(runtime, services, built)
    return built


@pytest.fixture
def request_id(runtime, services, world):
    return disconnection_in_progress(runtime, services, world)


def _count(runtime, model, *where):
    with runtime.app.sessions() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def _balance(runtime, consumer_id):
    with runtime.app.sessions() as session:
        return session.execute(select(func.sum(LedgerEntry.amount))
                               .where(LedgerEntry.consumer_id == consumer_id)).scalar()


def test_the_spec_sample_final_bill_is_rated_by_the_bill_run_then_approved_and_sent(
        runtime, services, world, request_id):
    specialist = actor(runtime, "specialist")
    draft = services.requests.generate_final_bill(specialist, request_id, READS)
    assert draft.status == "Draft" and not draft.locked
    assert [(p.utility, p.invoice_no, p.billed.amount) for p in draft.parts] == [
        ("Electricity", "INV-414013", D("12.00")), ("Water", "INV-414014", D("15.00"))]
    assert (draft.period_start, draft.period_end) == (TODAY.replace(day=1), TODAY)
    assert draft.period == "April 2025 – April 2025"
    figures = draft.figures
    assert (figures.billed.amount, figures.outstanding.amount) == (D("27.00"), D("456.78"))
    assert figures.use_in_bill and figures.deposit_applied.amount == D("200.00")
    assert figures.amount_due.amount == D("283.78")  # (27.00 + 456.78) - 200.00
    assert _balance(runtime, world.smith) == D("456.78")  # a draft is not on the ledger
    with runtime.app.sessions() as session:
        run = session.execute(select(BillRun).where(BillRun.scope_label.like("Final bill%"))).scalar_one()
        assert (run.as_draft, run.billed, run.off_cycle) == (True, 2, True)
        assert {b.bill_type for b in session.execute(select(Bill).where(Bill.run_id == run.id)).scalars()} \
            == {"Final"}

    sent = services.requests.approve_final_bill(specialist, request_id, use_in_bill=True)
    assert sent.locked and sent.status == "Approved" and sent.sent_at is not None
    assert sent.figures.deposit_applied.amount == D("200.00") and sent.figures.amount_due.amount == D("283.78")
    assert _balance(runtime, world.smith) == D("283.78")
    with runtime.app.sessions() as session:
        entries = session.execute(select(LedgerEntry.entry_type, LedgerEntry.amount).where(
            LedgerEntry.consumer_id == world.smith, LedgerEntry.entry_type.in_(("bill", "deposit_applied")))
            .order_by(LedgerEntry.amount)).all()
        assert [(t, a) for t, a in entries if a in (D("12.00"), D("15.00"), D("-200.00"))] == [
            ("deposit_applied", D("-200.00")), ("bill", D("12.00")), ("bill", D("15.00"))]
        assert session.execute(select(SecurityDeposit.status)).scalar_one() == "Applied"
        mail = session.execute(select(Notification).where(Notification.kind == "final_bill")).scalar_one()
        assert mail.recipient == "john.smith@email.com" and "283.78" in mail.body
        events = session.execute(select(RequestEvent.event).where(
            RequestEvent.request_id == request_id)).scalars().all()
        assert {"Final bill generated", "Final bill approved", "Final bill sent"} <= set(events)
    with pytest.raises(ValidationError, match="approved and locked"):
        services.requests.discard_final_bill(specialist, request_id)


def test_deposit_off_leaves_it_held(runtime, services, world, request_id):
    specialist = actor(runtime, "specialist")
    services.requests.generate_final_bill(specialist, request_id, READS)
    off = services.requests.final_bill(specialist, request_id, use_in_bill=False)
    assert off.figures.deposit_applied.amount == 0 and off.figures.amount_due.amount == D("483.78")
    services.requests.approve_final_bill(specialist, request_id, use_in_bill=False)
    assert _balance(runtime, world.smith) == D("483.78")
    assert _count(runtime, SecurityDeposit, SecurityDeposit.status == "Held") == 1


@pytest.mark.parametrize(("reads", "field", "rule"), [
    ((FinalRead("WM-3001", D("320"), TODAY), READS[0]), "Meter number", "Meter not linked to this account"),
    ((READS[0],), "Water meter number", "enter the final read of meter WM-2001"),
    ((FinalRead("EM-1001", D("4500"), TODAY), READS[1]), "Electricity last reading", "Below the previous read"),
    ((FinalRead("EM-1001", D("4700"), TODAY + timedelta(days=1)), READS[1]), "Electricity reading date",
     "Cannot select future date"),
])
def test_bad_final_reads_name_the_field_and_write_nothing(runtime, services, world, request_id,
                                                         reads, field, rule):
    reads_before = _count(runtime, MeterRead)
    with pytest.raises(ValidationError, match=rule) as refused:
        services.requests.generate_final_bill(actor(runtime, "specialist"), request_id, reads)
    assert refused.value.field == field
    assert (_count(runtime, MeterRead), _count(runtime, Bill, Bill.bill_type == "Final")) == (reads_before, 0)
    assert _count(runtime, BillRun) == 0


def test_ac016_the_meter_number_fills_in_the_device(runtime, services, world, request_id):
    found = services.requests.lookup_meter(actor(runtime, "specialist"), request_id, "WM-2001")
    assert (found.device_no, found.utility) == ("DEV-9002", "Water")


def test_discard_and_generate_new_bill_takes_the_next_numbers(runtime, services, world, request_id, tmp_path):
    specialist = actor(runtime, "specialist")
    services.requests.generate_final_bill(specialist, request_id, READS)
    printed = services.requests.final_bill_pdf(specialist, request_id, tmp_path / "final.pdf")
    assert [p.name for p in printed] == ["final.pdf", "final-INV-414014.pdf"]
    _, text = pdf_text(printed[0])
    assert "Final bill · Draft" in text and "Final settlement" in text
    assert "$283.78" in text and "-$200.00" in text
    _, off = pdf_text(services.requests.final_bill_pdf(specialist, request_id, tmp_path / "off.pdf", False)[0])
    assert "$483.78" in off
    services.requests.discard_final_bill(specialist, request_id)
    assert services.requests.final_bill(specialist, request_id) is None
    again = services.requests.generate_final_bill(specialist, request_id, (
        FinalRead("EM-1001", D("4720.5"), TODAY), FinalRead("WM-2001", D("320"), TODAY)))
    assert again.invoice_nos == "INV-414015, INV-414016" and again.parts[0].billed.amount == D("24.00")
    assert _count(runtime, Bill, Bill.status == "Cancelled") == 2
    assert _balance(runtime, world.smith) == D("456.78")


def test_executing_the_disconnection_freezes_final_billing(runtime, services, world, request_id):
    recovery, specialist = actor(runtime, "recovery"), actor(runtime, "specialist")
    order = services.requests.create_service_order(recovery, request_id, "Residential Disconnection",
                                                   TODAY + timedelta(days=1), "", "Mike Thompson")
    services.requests.approve_service_order(actor(runtime, "supervisor"), order.order_id)
    services.requests.execute_disconnection(recovery, request_id, DisconnectionOrder(
        order.so_no, ("DEV-9001", "DEV-9002"), "Unassign Meter Only",
        checked=frozenset(services.settings.current().closure_checklist)))
    with pytest.raises(ValidationError, match="final billing is frozen"):
        services.requests.generate_final_bill(specialist, request_id, READS)
    with pytest.raises(ValidationError, match="final billing is frozen"):
        services.billing.account_scope("ACC-2024-001789-E")
    assert _count(runtime, Bill, Bill.bill_type == "Final") == 0


def test_only_the_billing_roles_generate_it(runtime, services, world, request_id):
    from app.domain.core.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.requests.generate_final_bill(actor(runtime, "cashier"), request_id, READS)


@pytest.mark.parametrize("username", ["specialist", "recovery"])
def test_the_central_service_accepts_what_a_final_bill_pushes(runtime, services, world, request_id, username):
    """Every row the final bill queues for the central service is one its author may push
    (the server authorises by the token's role), and the invoice series may be leased."""
    from app.domain.core.permissions import can
    from app.models.system import OutboxEntry
    from sync.server.permissions import SERIES_NEEDS, needed

    who = actor(runtime, username)
    services.requests.generate_final_bill(who, request_id, READS)
    services.requests.approve_final_bill(who, request_id, use_in_bill=True)
    with runtime.app.sessions() as session:
        pushed = set(session.execute(select(OutboxEntry.entity, OutboxEntry.operation)
                                     .where(OutboxEntry.actor_username == username)).all())
    assert {"bills", "bill_lines", "bill_runs", "meter_reads", "ledger_entries"} <= {e for e, _ in pushed}
    refused = [(e, o) for e, o in pushed if not any(can(who.role, p) for p in needed(e, o))]
    assert refused == []
    assert any(can(who.role, p) for p in SERIES_NEEDS["invoice"])


def test_the_mailer_sends_the_approved_final_bill_with_its_pdfs(runtime, services, world, request_id):
    """Approve and Send queues the e-mail naming the bills; the central mailer attaches them."""
    from sync.server.mailer import SmtpSettings, _deliver
    from tests.sync_helpers import SmtpSink

    specialist = actor(runtime, "specialist")
    services.requests.generate_final_bill(specialist, request_id, READS)
    services.requests.approve_final_bill(specialist, request_id, use_in_bill=True)
    sink = SmtpSink()
    try:
        with runtime.app.sessions() as session, session.begin():
            mail = session.execute(select(Notification).where(Notification.kind == "final_bill")).scalar_one()
            assert mail.attachment == "bills:INV-414013,INV-414014"
            assert _deliver(session, SmtpSettings.from_url(sink.url), mail, runtime.app.clock.now()) == "Sent"
        (message,) = sink.messages
        assert "To: john.smith@email.com" in message and "Subject: Final bill INV-414013, INV-414014" in message
        assert message.count("Content-Type: application/pdf") == 2
        assert 'filename="INV-414013.pdf"' in message and 'filename="INV-414014.pdf"' in message
    finally:
        sink.close()


@pytest.mark.parametrize("username", ["supervisor", "manager"])
def test_whoever_may_print_an_approved_final_bill_prints_it_and_it_is_marked_printed(
        runtime, services, world, request_id, tmp_path, username):
    """Supervisors and billing managers print final bills (PRINT_FINAL_BILL) without running
    billing; the printed mark they push is one the central service takes from them."""
    specialist = actor(runtime, "specialist")
    services.requests.generate_final_bill(specialist, request_id, READS)
    services.requests.approve_final_bill(specialist, request_id, use_in_bill=True)
    printed = services.requests.final_bill_pdf(actor(runtime, username), request_id, tmp_path / "final.pdf")
    assert printed[0].exists()
    with runtime.app.sessions() as session:
        marks = session.execute(select(Bill.printed_by).where(Bill.bill_type == "Final",
                                                              Bill.status != "Cancelled")).scalars().all()
    assert marks and set(marks) == {username}

"""BillingService: what the billing screens and the command line call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.models.billing import Bill, BillRun
from app.services.billing import bills as bill_lifecycle
from app.services.billing import (
    cycles,
    distribute,
    exceptions,
    journal,
    meter_reads,
    printing,
    scope,
)
from app.services.billing.bills import BillDetail
from app.services.billing.cycles import CycleRow
from app.services.billing.exceptions import ExceptionRow
from app.services.billing.journal import CycleJournal
from app.services.billing.meter_reads import ReadEntry, ReadsImported
from app.services.billing.runs import Progress, RunProgress, execute_run, start_run
from app.services.billing.scope import RunScope
from app.services.core.changes import BILLS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from app.services.payments.queries import local_today


class BillingService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    # cycles and scopes ------------------------------------------------------------------

    def cycles(self, actor: Actor, zone: str | None = None) -> list[CycleRow]:
        actor.require(Permission.VIEW_BILLING)
        with self.app.sessions() as session:
            settings = load_settings(session)
            return cycles.list_cycles(session, settings, self.app.clock.now(),
                                      local_today(self.app, settings), zone)

    def cycle_scope(self, name: str) -> RunScope:
        with self.app.sessions() as session:
            return scope.cycle_scope(session, name)

    def zone_scope(self, zone: str, month: str) -> RunScope:
        with self.app.sessions() as session:
            return scope.zone_scope(session, zone, month)

    def segment_scope(self, segment: str, month: str) -> RunScope:
        return scope.segment_scope(segment, month)

    def account_scope(self, account_no: str, period: tuple[date, date] | None = None) -> RunScope:
        with self.app.sessions() as session:
            return scope.account_scope(session, account_no, period)

    # runs ---------------------------------------------------------------------------------

    def start_run(self, actor: Actor, run_scope: RunScope, bill_date: date | None = None, *,
                  as_draft: bool = False) -> str:
        return start_run(self.app, actor, run_scope, bill_date, as_draft=as_draft)

    def execute(self, actor: Actor, run_id: str, progress: Progress | None = None,
                should_stop: Callable[[], bool] | None = None) -> RunProgress:
        return execute_run(self.app, actor, run_id, progress, should_stop)

    def generate(self, actor: Actor, run_scope: RunScope, progress: Progress | None = None
                 ) -> RunProgress:
        return self.execute(actor, self.start_run(actor, run_scope), progress)

    def unfinished_runs(self, actor: Actor) -> list[str]:
        """Runs left Running or Stopped (a crash, a stop): each can be resumed."""
        actor.require(Permission.RUN_BILLING)
        with self.app.sessions() as session:
            return list(session.execute(select(BillRun.id).where(
                BillRun.state.in_(("Running", "Stopped"))).order_by(BillRun.started_at)).scalars())

    # bills ----------------------------------------------------------------------------------

    def bill(self, actor: Actor, invoice_no: str) -> BillDetail:
        actor.require(Permission.VIEW_BILLING)
        with self.app.sessions() as session:
            return bill_lifecycle.bill_detail(session, invoice_no)

    def cancel(self, actor: Actor, invoice_no: str, reason: str) -> Changes:
        return bill_lifecycle.cancel_bill(self.app, actor, invoice_no, reason)

    def rebill(self, actor: Actor, invoice_no: str) -> RunProgress:
        """A cancelled bill's account billed again for the same period (a single run)."""
        with self.app.sessions() as session:
            bill = session.execute(select(Bill).where(Bill.invoice_no == invoice_no)).scalar_one_or_none()
            if bill is None or bill.status != "Cancelled":
                raise ValidationError("invoice_no", "Only a cancelled bill is re-billed; cancel it first")
            account = scope.find_account_by_id(session, bill.service_account_id)
            period = (bill.period_start, bill.period_end)
        return self.generate(actor, self.account_scope(account, period))

    def bill_pdf(self, actor: Actor, invoice_no: str, path: Path) -> Path:
        return printing.bill_pdf(self.app, actor, invoice_no, path)

    def print_cycle(self, actor: Actor, cycle_name: str, folder: Path,
                    progress: Callable[[int, int], None] | None = None) -> printing.PrintedCycle:
        return printing.print_cycle(self.app, actor, cycle_name, folder, progress)

    def print_bills(self, actor: Actor, invoices: Sequence[str], folder: Path,
                    progress: Callable[[int, int], None] | None = None) -> printing.PrintedCycle:
        return printing.print_bills(self.app, actor, invoices, folder, progress)

    def email_cycle(self, actor: Actor, cycle_name: str,
                    progress: Callable[[int, int], None] | None = None) -> distribute.EmailedBills:
        return distribute.email_cycle(self.app, actor, cycle_name, progress)

    def email_bills(self, actor: Actor, invoices: Sequence[str],
                    progress: Callable[[int, int], None] | None = None) -> distribute.EmailedBills:
        return distribute.email_bills(self.app, actor, invoices, progress)

    def approve_run(self, actor: Actor, run_id: str) -> int:
        return bill_lifecycle.approve_run(self.app, actor, run_id)

    def mark_printed(self, actor: Actor, invoice_no: str, *, sent: bool = False) -> Changes:
        return bill_lifecycle.mark_printed(self.app, actor, invoice_no, sent=sent)

    # reads, exceptions, journal ------------------------------------------------------------

    def enter_read(self, actor: Actor, entry: ReadEntry) -> Changes:
        meter_reads.enter_read(self.app, actor, entry)
        return Changes.of(BILLS)

    def import_reads(self, actor: Actor, path: Path) -> ReadsImported:
        return meter_reads.import_reads(self.app, actor, path)

    def exceptions(self, actor: Actor, *, cycle_id: str | None = None, category: str | None = None,
                   severity: str | None = None) -> list[ExceptionRow]:
        actor.require(Permission.VIEW_BILLING)
        with self.app.sessions() as session:
            return exceptions.list_exceptions(session, self.app.clock.now(), cycle_id=cycle_id,
                                              category=category, severity=severity)

    def escalate_due(self, actor: Actor) -> int:
        """Escalates every open exception older than its severity's threshold; how many."""
        actor.require(Permission.RESOLVE_EXCEPTIONS)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            due = exceptions.due_for_escalation(work.session, settings, work.now)
            for row in due:
                base = row.version
                row.status, row.version, row.updated_at = "Escalated", base + 1, work.now
                work.record(row, "update", base_version=base)
                work.audit("exception_escalated", "billing_exception", row.id,
                           category=row.category, severity=row.severity)
            return len(due)

    def act_on_exception(self, actor: Actor, exception_id: str, action: str, note: str = "",
                         assignee: str = "") -> Changes:
        actor.require(Permission.RESOLVE_EXCEPTIONS)
        with unit_of_work(self.app, actor) as work:
            exceptions.act_on_exception(work.session, work, exception_id, action, note, assignee)
        return Changes.of(BILLS)

    def journal(self, actor: Actor, cycle_name: str) -> CycleJournal:
        actor.require(Permission.VIEW_BILLING)
        with self.app.sessions() as session:
            return journal.cycle_journal(session, load_settings(session), cycle_name)

    def export_journal(self, actor: Actor, cycle_name: str, path: Path) -> CycleJournal:
        result = self.journal(actor, cycle_name)
        journal.write_journal(result, path)
        self.app_track(actor, "GL_Journal_Exported", cycle=cycle_name, entries=len(result.entries))
        return result

    def app_track(self, actor: Actor, event: str, **properties: object) -> None:
        with unit_of_work(self.app, actor) as work:
            work.track(event, **properties)

"""A disconnection request's final bill: final reads stored, the consumer's accounts rated by the
billing module's own bill run (a one-off draft run, the same code a cycle bills with), then
printed, discarded and re-generated, or approved and sent (posted to the ledger with the
security deposit applied, an e-mail queued). Each step is one transaction: a refused read or
an account the engine cannot rate leaves nothing written, not even the reads.

The final bill must be generated before Execute Disconnection: execution unassigns the meters
and freezes billing (the accounts become Disconnected, and no bill run bills them again).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.billing.lifecycle import FINAL_BILL
from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.requests.final_bill import (
    FinalFigures,
    FinalRead,
    check_final_reads,
    final_period,
    period_text,
)
from app.models.billing import Bill, BillingException, BillRun, LedgerEntry
from app.models.consumers import SecurityDeposit, ServiceAccount
from app.models.requests import ServiceRequest
from app.printing.pdf.bill_pdf import write_bill_pdf
from app.services.billing.bills import approve_bills, mark_printed
from app.services.billing.meter_reads import ReadEntry, ReadsRefused, store_reads
from app.services.billing.printing import bill_document
from app.services.billing.runs import bill_accounts
from app.services.billing.scope import FROZEN
from app.services.core.changes import BILLS, REQUESTS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import queue_email
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.queries import local_today
from app.services.requests.common import bump, consumer_row, event, request_by_id
from app.services.requests.meters import linked_meters

DEPOSIT_APPLIED = "deposit_applied"
READ_FIELDS = {"reading": "last reading", "read_on": "reading date", "meter_no": "meter number"}


@dataclass(frozen=True)
class FinalBillPart:
    invoice_no: str
    utility: str
    account_no: str
    consumption: Decimal
    billed: Money


@dataclass(frozen=True)
class FinalBillView:
    request_no: str
    status: str  # Draft until approved, then Approved (locked)
    parts: tuple[FinalBillPart, ...]
    period_start: date
    period_end: date
    bill_date: date
    due_date: date
    figures: FinalFigures
    sent_at: datetime | None

    @property
    def invoice_nos(self) -> str:
        return ", ".join(p.invoice_no for p in self.parts)

    @property
    def period(self) -> str:
        return period_text(self.period_start, self.period_end)

    @property
    def locked(self) -> bool:
        return self.status != "Draft"


def _final_bills(session: Session, request: ServiceRequest) -> list[Bill]:
    return list(session.execute(select(Bill).where(
        Bill.consumer_id == request.consumer_id, Bill.bill_type == FINAL_BILL, Bill.status != "Cancelled",
        Bill.bill_date >= request.created_at.date()).order_by(Bill.invoice_no)).scalars())


def _held(session: Session, consumer_id: str) -> list[SecurityDeposit]:
    return list(session.execute(select(SecurityDeposit).where(
        SecurityDeposit.consumer_id == consumer_id, SecurityDeposit.status == "Held",
        SecurityDeposit.deleted.is_(False)).order_by(SecurityDeposit.deposited_on)).scalars())


def _view(session: Session, request: ServiceRequest, bills: list[Bill], currency: str,
          use_in_bill: bool | None) -> FinalBillView | None:
    if not bills:
        return None
    accounts = {a.id: a for a in session.execute(select(ServiceAccount).where(
        ServiceAccount.id.in_([b.service_account_id for b in bills]))).scalars()}
    parts = tuple(FinalBillPart(b.invoice_no, accounts[b.service_account_id].utility,
                                accounts[b.service_account_id].account_no, b.consumption,
                                Money(b.total, currency)) for b in bills)
    billed = Money(sum((b.total for b in bills), Decimal(0)), currency)
    outstanding = Money(max(b.arrears for b in bills), currency)  # the ledger at generation
    status = bills[0].status
    if status == "Draft":
        held = Money(sum((d.amount for d in _held(session, request.consumer_id)), Decimal(0)), currency)
        use = (outstanding + billed).amount > 0 if use_in_bill is None else use_in_bill
        figures = FinalFigures(billed, outstanding, held, use)
    else:  # approved: what was applied is on the ledger
        applied = -(session.execute(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.entry_type == DEPOSIT_APPLIED, LedgerEntry.consumer_id == request.consumer_id,
            LedgerEntry.description == _deposit_text(bills[0]))).scalar() or Decimal(0))
        figures = FinalFigures(billed, outstanding, Money(Decimal(applied), currency), applied > 0)
    first = bills[0]
    return FinalBillView(request.request_no, status, parts, first.period_start, first.period_end,
                         first.bill_date, first.due_date, figures, first.sent_at)


def _deposit_text(bill: Bill) -> str:
    return f"Security deposit applied to final bill {bill.invoice_no}"


class RequestFinalBill:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def final_bill(self, actor: Actor, request_id: str, use_in_bill: bool | None = None
                   ) -> FinalBillView | None:
        """The request's final bill, if one was generated; a draft's deposit as toggled."""
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            request = request_by_id(session, request_id)
            return _view(session, request, _final_bills(session, request),
                         load_settings(session).currency, use_in_bill)

    def generate_final_bill(self, actor: Actor, request_id: str, reads: tuple[FinalRead, ...]
                            ) -> FinalBillView:
        actor.require(Permission.GENERATE_FINAL_BILL)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            request = self._disconnection(work, request_id)
            if _final_bills(work.session, request):
                raise ValidationError("Final bill", "a final bill exists: discard it to generate a new one")
            accounts = self._billable(work, request)
            today = local_today(self.app, settings)
            checked = check_final_reads(reads, linked_meters(work.session, request.consumer_id), today)
            consumer = consumer_row(work.session, request.consumer_id)
            self._store(work, consumer.account_no, checked, today)
            run = self._run(work, request, accounts, today)
            bills = self._rate(work, run, settings, [a.id for a in accounts])
            event(work, request, "Final bill generated",
                  f"{', '.join(b.invoice_no for b in bills)} (draft), period "
                  f"{period_text(run.period_start, run.period_end)}")
            work.audit("final_bill_generated", "service_request", request.id,
                       request_no=request.request_no, invoices=[b.invoice_no for b in bills],
                       billed=str(sum(b.total for b in bills)))
            return _view(work.session, request, bills, settings.currency, None)

    def discard_final_bill(self, actor: Actor, request_id: str) -> Changes:
        """Discard and Generate New Bill: the draft is cancelled (it was never on the ledger)."""
        actor.require(Permission.GENERATE_FINAL_BILL)
        with unit_of_work(self.app, actor) as work:
            request = request_by_id(work.session, request_id)
            bills = self._draft(work, request)
            for bill in bills:
                bill.status = "Cancelled"
                bump(work, bill)
            event(work, request, "Final bill discarded", ", ".join(b.invoice_no for b in bills))
            work.audit("final_bill_discarded", "service_request", request.id,
                       invoices=[b.invoice_no for b in bills])
            return Changes.of(BILLS, REQUESTS)

    def approve_final_bill(self, actor: Actor, request_id: str, use_in_bill: bool) -> FinalBillView:
        """Approve and Send: the bill locked and posted, the deposit applied, the e-mail queued."""
        actor.require(Permission.GENERATE_FINAL_BILL)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            request = request_by_id(work.session, request_id)
            bills = self._draft(work, request)
            figures = _view(work.session, request, bills, settings.currency, use_in_bill).figures
            approve_bills(work, bills)
            self._apply_deposit(work, request, bills[0], figures.deposit_applied)
            for bill in bills:
                bill.sent_at, bill.sent_by = work.now, actor.username
                bump(work, bill)
            self._send(work, request, bills, figures)
            work.audit("final_bill_approved", "service_request", request.id,
                       invoices=[b.invoice_no for b in bills], billed=str(figures.billed.amount),
                       deposit_applied=str(figures.deposit_applied.amount),
                       amount_due=str(figures.amount_due.amount))
            return _view(work.session, request, bills, settings.currency, None)

    def final_bill_pdf(self, actor: Actor, request_id: str, path: Path,
                       use_in_bill: bool | None = None) -> list[Path]:
        """Print Bill: the bill's PDF (one per utility's account beside the first); the first
        carries the final settlement, with a draft's deposit as toggled."""
        actor.require(Permission.PRINT_FINAL_BILL)
        with self.app.sessions() as session:
            request = request_by_id(session, request_id)
            bills = _final_bills(session, request)
            if not bills:
                raise ValidationError("Final bill", "generate the final bill first")
            figures = _view(session, request, bills, load_settings(session).currency, use_in_bill).figures
            documents = [bill_document(session, b.invoice_no, actor, self.app.clock.now(), draft_ok=True)
                         for b in bills]
        documents[0] = replace(documents[0], settlement=(
            ("Billed amount", figures.billed.amount), ("Outstanding amount", figures.outstanding.amount),
            ("Security deposit applied", -figures.deposit_applied.amount),
            ("Final amount due", figures.amount_due.amount)))
        written = []
        for index, document in enumerate(documents):
            target = path if index == 0 else path.with_name(f"{path.stem}-{document.invoice_no}.pdf")
            written.append(write_bill_pdf(document, target))
            if document.status != "Draft":
                mark_printed(self.app, actor, document.invoice_no)
        return written

    # the steps ------------------------------------------------------------------------------

    @staticmethod
    def _disconnection(work: Work, request_id: str) -> ServiceRequest:
        request = request_by_id(work.session, request_id)
        if request.request_type != "Disconnection":
            raise ValidationError("Final bill", "only a disconnection request has a final bill")
        return request

    @staticmethod
    def _billable(work: Work, request: ServiceRequest) -> list[ServiceAccount]:
        accounts = list(work.session.execute(select(ServiceAccount).where(
            ServiceAccount.consumer_id == request.consumer_id, ServiceAccount.deleted.is_(False))
            .order_by(ServiceAccount.account_no)).scalars())
        if any(a.status == FROZEN for a in accounts):
            raise ValidationError("Final bill", "final billing is frozen: the disconnection was "
                                                "executed (generate the final bill before executing)")
        if not accounts:
            raise ValidationError("Final bill", "the consumer has no service account to bill")
        return accounts

    @staticmethod
    def _store(work: Work, account_no: str, checked, today: date) -> None:
        entries = [ReadEntry(account_no, c.meter.meter_no, c.read_on, c.reading) for c in checked]
        try:
            store_reads(work, entries, today)  # the meter-read rules: not below the previous, ...
        except ReadsRefused as refused:
            problem = refused.problems[0]
            utility = checked[problem.row - 1].meter.utility
            raise ValidationError(f"{utility} {READ_FIELDS.get(problem.field, problem.field)}",
                                  problem.rule) from None

    @staticmethod
    def _run(work: Work, request: ServiceRequest, accounts: list[ServiceAccount], today: date) -> BillRun:
        last = work.session.execute(select(func.max(Bill.period_end)).where(
            Bill.service_account_id.in_([a.id for a in accounts]), Bill.status != "Cancelled")).scalar()
        connected = min(a.connected_on for a in accounts)
        disconnection_on = min(request.preferred_date or today, today)
        start, end = final_period(last, connected, disconnection_on)
        run = BillRun(scope="account", scope_label=f"Final bill {request.request_no}", cycle_id=None,
                      account_no=accounts[0].account_no, period_start=start, period_end=end,
                      bill_date=today, off_cycle=True, as_draft=True, started_by=work.actor.username,
                      started_at=work.now, finished_at=work.now, state="Completed",
                      accounts_total=len(accounts))
        work.record(run)
        return run

    @staticmethod
    def _rate(work: Work, run: BillRun, settings, account_ids: list[str]) -> list[Bill]:
        billed, _skipped, failed = bill_accounts(work, run, settings, account_ids)
        if failed:
            problem = work.session.execute(select(BillingException.message).where(
                BillingException.run_id == run.id)).scalars().first()
            raise ValidationError("Final bill", problem or "an account could not be billed")
        run.billed = billed
        bills = list(work.session.execute(select(Bill).where(Bill.run_id == run.id)
                                          .order_by(Bill.invoice_no)).scalars())
        for bill in bills:
            bill.bill_type = FINAL_BILL
            bump(work, bill)
        return bills

    @staticmethod
    def _draft(work: Work, request: ServiceRequest) -> list[Bill]:
        bills = _final_bills(work.session, request)
        if not bills:
            raise ValidationError("Final bill", "generate the final bill first")
        if any(b.status != "Draft" for b in bills):
            raise ValidationError("Final bill", "the final bill is approved and locked")
        return bills

    @staticmethod
    def _apply_deposit(work: Work, request: ServiceRequest, bill: Bill, applied: Money) -> None:
        """The deposit held applied to the bill, never more than held; the deposit rows are
        marked Applied (what is left of them is the refund the event names)."""
        deposits = _held(work.session, request.consumer_id)
        if applied.amount <= 0 or not deposits:
            return
        for deposit in deposits:
            deposit.status = "Applied"
            bump(work, deposit)
        # not a document of its own (the dashboard's reconciliation counts it as such)
        work.record(LedgerEntry(consumer_id=request.consumer_id, entry_type=DEPOSIT_APPLIED,
                                amount=-applied.amount, source_type="security_deposit",
                                source_id=deposits[0].id, description=_deposit_text(bill),
                                posted_at=work.now))

    @staticmethod
    def _send(work: Work, request: ServiceRequest, bills: list[Bill], figures: FinalFigures) -> None:
        consumer = consumer_row(work.session, request.consumer_id)
        invoices = ", ".join(b.invoice_no for b in bills)
        event(work, request, "Final bill approved",
              f"{invoices}: billed {figures.billed}, deposit applied {figures.deposit_applied}, "
              f"amount due {figures.amount_due}")
        if not consumer.email:
            event(work, request, "Final bill not e-mailed", "the consumer has no e-mail address")
            return
        body = (f"Dear {consumer.name}, your final bill {invoices} for account {consumer.account_no}: "
                f"billed {figures.billed}, outstanding {figures.outstanding}, security deposit "
                f"applied {figures.deposit_applied}, final amount due {figures.amount_due}.")
        queue_email(work, "final_bill", consumer.email, f"Final bill {invoices}", body,
                    attachment="bills:" + ",".join(b.invoice_no for b in bills))
        event(work, request, "Final bill sent", f"Email queued to {consumer.email}")

"""Bank reconciliation: import a statement CSV, match its lines to recorded payments, resolve the rest.

The rules (format, matching) are in app.domain.payments.reconciliation. Only posted
payments take part; the posted non-cash payments of the statement's period that
no bank line matched are the other side's Unmatched. Each exception is resolved
with a note, audited: a bank line keeps its note, a payment's note is its audit entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound, ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.payments.reconciliation import (
    DISCREPANCY,
    MATCHED,
    UNMATCHED,
    WINDOW_DAYS,
    Candidate,
    StatementEntry,
    match_statement,
    parse_statement,
    tokens,
)
from app.domain.payments.rules import CASH, PaymentStatus
from app.models.consumers import Consumer
from app.models.payments import BankStatementLine, Payment
from app.models.system import AuditEntry
from app.services.core.changes import Changes
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.queries import local_today, utc_bounds, zone

RECONCILIATION = "reconciliation"  # a Changes area
PAYMENT_RESOLVED = "reconciliation_payment_resolved"


# what the screens get ---------------------------------------------------------------------

@dataclass(frozen=True)
class StatementInfo:
    statement_ref: str
    first_day: date
    last_day: date
    lines: int
    open_exceptions: int  # unmatched or discrepant lines without a resolution note


@dataclass(frozen=True)
class StatementSummary:
    statement_ref: str
    lines: int
    matched: int
    unmatched: int
    discrepancies: int
    changes: Changes


@dataclass(frozen=True)
class ReconLine:
    line_id: str
    line_no: int
    booked_on: date
    reference: str
    amount: Money
    state: str
    payment_id: str | None
    receipt_no: str
    consumer_name: str
    payment_amount: Money | None
    note: str

    @property
    def difference(self) -> Money | None:
        return None if self.payment_amount is None else self.amount - self.payment_amount

    @property
    def resolved(self) -> bool:
        return bool(self.note)


@dataclass(frozen=True)
class ReconPayment:
    payment_id: str
    receipt_no: str
    transaction_no: str
    consumer_name: str
    amount: Money
    method: str
    channel: str
    paid_at: datetime
    note: str

    @property
    def resolved(self) -> bool:
        return bool(self.note)


@dataclass(frozen=True)
class Reconciliation:
    statement: StatementInfo
    matched: tuple[ReconLine, ...]
    unmatched_lines: tuple[ReconLine, ...]
    unmatched_payments: tuple[ReconPayment, ...]
    discrepancies: tuple[ReconLine, ...]


class ReconciliationService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    # importing ------------------------------------------------------------------------------

    def import_statement_file(self, actor: Actor, path: Path | str) -> StatementSummary:
        path = Path(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("Bank statement", "must be a UTF-8 CSV file") from None
        except OSError as error:
            raise ValidationError("Bank statement", f"cannot be read ({error.strerror})") from None
        return self.import_statement(actor, path.name, text)

    def import_statement(self, actor: Actor, name: str, text: str) -> StatementSummary:
        actor.require(Permission.RECONCILE)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            entries = parse_statement(text, settings.currency, local_today(self.app, settings))
            digest = hashlib.sha256(text.replace("\r\n", "\n").strip().encode()).hexdigest()[:12]
            ref = f"{name.strip()[:60] or 'statement'} #{digest}"
            if work.session.execute(select(BankStatementLine.id).where(
                    BankStatementLine.statement_ref.like(f"% #{digest}"))).first():
                raise ValidationError("Bank statement", "was already imported")
            matches = match_statement(entries, _candidates(work.session, entries, zone(settings)))
            for entry in entries:
                match = matches[entry.line_no]
                work.record(BankStatementLine(statement_ref=ref, line_no=entry.line_no,
                                              booked_on=entry.booked_on, reference=entry.reference,
                                              amount=entry.amount, payment_id=match.payment_id,
                                              match_state=match.state))
            counts = {state: sum(m.state == state for m in matches.values())
                      for state in (MATCHED, UNMATCHED, DISCREPANCY)}
            work.audit("bank_statement_imported", "bank_statement", ref, lines=len(entries),
                       matched=counts[MATCHED], unmatched=counts[UNMATCHED],
                       discrepancies=counts[DISCREPANCY])
            work.track("bank_statement_imported", lines=len(entries), matched=counts[MATCHED],
                       unmatched=counts[UNMATCHED], discrepancies=counts[DISCREPANCY])
        return StatementSummary(ref, len(entries), counts[MATCHED], counts[UNMATCHED],
                                counts[DISCREPANCY], Changes.of(RECONCILIATION))

    # reading ---------------------------------------------------------------------------------

    def statements(self, actor: Actor) -> list[StatementInfo]:
        actor.require(Permission.RECONCILE)
        line = BankStatementLine
        open_ = func.sum(case((and_(line.match_state != MATCHED, line.resolution_note == ""), 1),
                              else_=0))
        with self.app.sessions() as session:
            rows = session.execute(
                select(line.statement_ref, func.min(line.booked_on), func.max(line.booked_on),
                       func.count(), open_, func.min(line.updated_at))
                .where(line.deleted.is_(False)).group_by(line.statement_ref)
                .order_by(func.min(line.updated_at).desc(), line.statement_ref)).all()
        return [StatementInfo(ref, _day(first), _day(last), n, int(left or 0))
                for ref, first, last, n, left, _at in rows]

    def reconciliation(self, actor: Actor, statement_ref: str) -> Reconciliation:
        actor.require(Permission.RECONCILE)
        info = next((s for s in self.statements(actor) if s.statement_ref == statement_ref), None)
        if info is None:
            raise NotFound(f"No statement {statement_ref}")
        with self.app.sessions() as session:
            settings = load_settings(session)
            lines = _recon_lines(session, statement_ref, settings.currency)
            payments = _unmatched_payments(session, info, zone(settings), settings.currency)
        by_state = {state: tuple(x for x in lines if x.state == state)
                    for state in (MATCHED, UNMATCHED, DISCREPANCY)}
        return Reconciliation(info, by_state[MATCHED], by_state[UNMATCHED], payments,
                              by_state[DISCREPANCY])

    # resolving ---------------------------------------------------------------------------------

    def resolve_line(self, actor: Actor, line_id: str, note: str) -> Changes:
        actor.require(Permission.RECONCILE)
        note = _note(note)
        with unit_of_work(self.app, actor) as work:
            line = work.session.get(BankStatementLine, line_id)
            if line is None:
                raise NotFound("No such bank statement line")
            if line.match_state == MATCHED:
                raise ValidationError("Bank line", "is matched; it needs no resolution")
            if line.resolution_note:
                raise ValidationError("Bank line", "is already resolved")
            base = line.version
            line.resolution_note, line.version, line.updated_at = note, base + 1, work.now
            work.record(line, "update", base_version=base)
            work.audit("reconciliation_resolved", "bank_statement_line", line.id,
                       statement=line.statement_ref, line_no=line.line_no, state=line.match_state,
                       reference=line.reference, amount=line.amount, note=note)
            work.track("reconciliation_resolved", kind=line.match_state)
        return Changes.of(RECONCILIATION)

    def resolve_payment(self, actor: Actor, statement_ref: str, payment_id: str, note: str) -> Changes:
        """A posted payment no bank line matched: the note is kept in the audit trail."""
        actor.require(Permission.RECONCILE)
        note = _note(note)
        view = self.reconciliation(actor, statement_ref)
        unmatched = next((p for p in view.unmatched_payments if p.payment_id == payment_id), None)
        if unmatched is None:
            raise ValidationError("Payment", "is not unmatched in this statement")
        if unmatched.resolved:
            raise ValidationError("Payment", "is already resolved")
        with unit_of_work(self.app, actor) as work:
            _audit_payment(work, unmatched, statement_ref, note)
        return Changes.of(RECONCILIATION)


# queries and helpers ------------------------------------------------------------------------

def _note(note: str | None) -> str:
    text = (note or "").strip()
    if not text:
        raise ValidationError("Resolution note", "is required")
    if len(text) > 500:
        raise ValidationError("Resolution note", "must be at most 500 characters")
    return text


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _linked(session: Session) -> set[str]:
    return set(session.execute(select(BankStatementLine.payment_id).where(
        BankStatementLine.payment_id.is_not(None))).scalars())


def _candidates(session: Session, entries: list[StatementEntry], tz: ZoneInfo) -> list[Candidate]:
    words = set().union(*(tokens(e.reference) for e in entries))
    words |= {w.upper() for w in words} | {w.lower() for w in words}
    first = min(e.booked_on for e in entries) - timedelta(days=WINDOW_DAYS)
    last = max(e.booked_on for e in entries) + timedelta(days=WINDOW_DAYS)
    start, end = utc_bounds(first, last, tz)
    by_reference = or_(Payment.transaction_no.in_(words), Payment.receipt_no.in_(words),
                       Payment.payment_no.in_(words), Payment.gateway_ref.in_(words))
    by_window = (Payment.paid_at >= start) & (Payment.paid_at < end) & (Payment.method != CASH)
    rows = session.execute(select(Payment).where(
        Payment.status == PaymentStatus.POSTED.value, or_(by_reference, by_window))
        .order_by(Payment.paid_at)).scalars().all()
    linked = _linked(session)
    return [Candidate(p.id, frozenset(r.casefold() for r in (p.transaction_no, p.receipt_no,
                                                                p.payment_no, p.gateway_ref) if r),
                      p.amount, p.paid_at.astimezone(tz).date(), p.method != CASH)
            for p in rows if p.id not in linked]


def _recon_lines(session: Session, statement_ref: str, currency: str) -> list[ReconLine]:
    rows = session.execute(
        select(BankStatementLine, Payment, Consumer.name)
        .outerjoin(Payment, Payment.id == BankStatementLine.payment_id)
        .outerjoin(Consumer, Consumer.id == Payment.consumer_id)
        .where(BankStatementLine.statement_ref == statement_ref)
        .order_by(BankStatementLine.line_no)).all()
    return [ReconLine(line.id, line.line_no, line.booked_on, line.reference,
                      Money(line.amount, currency), line.match_state, line.payment_id,
                      payment.receipt_no if payment else "", name or "",
                      Money(payment.amount, currency) if payment else None, line.resolution_note)
            for line, payment, name in rows]


def _unmatched_payments(session: Session, info: StatementInfo, tz: ZoneInfo,
                        currency: str) -> tuple[ReconPayment, ...]:
    start, end = utc_bounds(info.first_day, info.last_day, tz)
    rows = session.execute(
        select(Payment, Consumer.name).join(Consumer, Consumer.id == Payment.consumer_id)
        .where(Payment.status == PaymentStatus.POSTED.value, Payment.method != CASH,
               Payment.paid_at >= start, Payment.paid_at < end)
        .order_by(Payment.paid_at)).all()
    linked = _linked(session)
    rows = [(p, name) for p, name in rows if p.id not in linked]
    notes = _payment_notes(session, [p.id for p, _n in rows])
    return tuple(ReconPayment(p.id, p.receipt_no, p.transaction_no, name, Money(p.amount, currency),
                              p.method, p.channel, p.paid_at, notes.get(p.id, ""))
                 for p, name in rows)


def _payment_notes(session: Session, payment_ids: list[str]) -> dict[str, str]:
    if not payment_ids:
        return {}
    entries = session.execute(select(AuditEntry.entity_id, AuditEntry.summary).where(
        AuditEntry.action == PAYMENT_RESOLVED, AuditEntry.entity_id.in_(payment_ids))).all()
    return {entity_id: str(summary.get("note", "")) for entity_id, summary in entries}


def _audit_payment(work: Work, payment: ReconPayment, statement_ref: str, note: str) -> None:
    work.audit(PAYMENT_RESOLVED, "payment", payment.payment_id, statement=statement_ref,
               receipt_no=payment.receipt_no, amount=payment.amount.amount, note=note)
    work.track("reconciliation_resolved", kind="Unmatched payment")

"""Cash sessions at the counter: open with a counted float, cash in/out, no sale, X report, close, Z report.

The counter is this device's (see cash_counter.py; its row is made when the
first session opens). A session's drawer is what it opened with plus its
movements; payments taken at the counter while it is open belong to it, and
cash ones move the drawer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.cash.drawer import (
    ChangeResult,
    Denomination,
    close_requirements,
    counted_total,
    make_change,
    variance,
)
from app.domain.core.errors import (
    AuthenticationError,
    ConflictError,
    NotFound,
    PermissionDenied,
    PrinterError,
    ValidationError,
)
from app.domain.core.money import Money
from app.domain.core.permissions import Permission, can
from app.domain.core.settings import Settings
from app.domain.payments.rules import parse_amount
from app.formatting import Formats, format_money
from app.models.cash import CashMovement, CashSession
from app.models.reference import Counter
from app.printing.escpos.printers import PrintOutcome, print_receipt
from app.printing.pdf.z_report_pdf import ReportDocument, write_report_pdf
from app.services.cash.counter import (
    check_drawer_holds,
    counter_for_opening,
    expected_at,
    find_counter,
    open_session_at,
)
from app.services.cash.printers import PrintersService, no_sale_slip, report_slip
from app.services.cash.report_prints import PDF, as_copy, audit_print, z_prints_before
from app.services.cash.reports import (
    CLOSED,
    NO_SALE,
    OPEN,
    DrawerCounts,
    SessionReport,
    ZReport,
    build_report,
    clean_counts,
    counts_to_json,
    local_moment,
    report_document,
)
from app.services.core.auth import AuthService
from app.services.core.changes import CASH as CASH_AREA
from app.services.core.changes import Changes
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work

__all__ = ["CashSessionsService", "CounterState", "OpenSession", "SessionReport", "ZReport"]


@dataclass(frozen=True)
class OpenSession:
    session_id: str
    session_no: int
    counter: str
    opened_by: str
    opened_at: datetime
    opening_float: Money
    expected_cash: Money
    expected_counts: DrawerCounts | None


@dataclass(frozen=True)
class CounterState:
    """What the Cash screen needs to draw itself."""

    counter: str
    currency: str
    locale: str
    time_zone: str
    denominations: tuple[Denomination, ...]
    reason_threshold: Money
    supervisor_threshold: Money
    printer_url: str
    session: OpenSession | None
    formats: Formats = Formats()  # days and moments as the settings write them


@dataclass(frozen=True)
class NoSaleResult:
    printer: str
    changes: Changes


# the service --------------------------------------------------------------------------------------

class CashSessionsService:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.printers = PrintersService(app)
        self.auth = AuthService(app)

    def counter_state(self, actor: Actor) -> CounterState:
        actor.require(Permission.OPERATE_CASH)
        printer = self.printers.counter_printer()
        with self.app.sessions() as db:
            s = load_settings(db)
            return CounterState(s.get("general.counter_name"), s.currency, s.locale, s.time_zone,
                                s.denominations(),
                                s.money("counter.variance_reason_threshold"),
                                s.money("counter.variance_supervisor_threshold"), printer.url,
                                self._session_view(db, s, actor), Formats.of(s))

    def current_session(self, actor: Actor) -> OpenSession | None:
        actor.require(Permission.OPERATE_CASH)
        with self.app.sessions() as db:
            return self._session_view(db, load_settings(db), actor)

    def _session_view(self, db: Session, settings: Settings, actor: Actor) -> OpenSession | None:
        counter = find_counter(db, settings, actor, self.app.device_id)
        cash = open_session_at(db, counter.id) if counter else None
        if cash is None:
            return None
        drawer = expected_at(db, cash, settings.currency)
        return OpenSession(cash.id, cash.session_no, counter.name, cash.opened_by, cash.opened_at,
                           Money(cash.opening_float, settings.currency), drawer.total,
                           None if drawer.counts is None else dict(drawer.counts))

    def _current(self, db: Session, settings: Settings, actor: Actor) -> tuple[Counter, CashSession]:
        counter = find_counter(db, settings, actor, self.app.device_id)
        cash = open_session_at(db, counter.id) if counter else None
        if cash is None:
            raise ValidationError("Cash session", f"no session is open at {settings.get('general.counter_name')}; "
                                                  "open one with a counted float first")
        return counter, cash

    # opening and moving cash ------------------------------------------------------------------

    def open_session(self, actor: Actor, counts: Mapping[object, int]) -> OpenSession:
        actor.require(Permission.OPERATE_CASH)
        with unit_of_work(self.app, actor) as work:
            s = load_settings(work.session)
            pieces = clean_counts("Opening float", counts, s.denominations(), s.currency)
            counter = counter_for_opening(work, s)
            if open_session_at(work.session, counter.id) is not None:
                raise ConflictError(f"A cash session is already open at {counter.name}; close it first")
            last = work.session.execute(select(func.max(CashSession.session_no)).where(
                CashSession.counter_id == counter.id)).scalar() or 0
            float_ = counted_total(pieces, s.currency)
            cash = CashSession(session_no=last + 1, counter_id=counter.id, opened_by=actor.full_name,
                               opened_at=work.now, opening_counts=counts_to_json(pieces, s.currency),
                               opening_float=float_.amount, status=OPEN)
            work.record(cash)
            work.audit("cash_session_opened", "cash_session", cash.id, session_no=cash.session_no,
                       counter=counter.name, opening_float=float_.amount, counts=cash.opening_counts)
            work.track("cash_session_opened", counter=counter.name)
            return self._session_view(work.session, s, actor)  # type: ignore[return-value]

    def cash_in(self, actor: Actor, amount: object, reason: str,
                counts: Mapping[object, int] | None = None) -> Changes:
        return self._move(actor, "cash_in", amount, reason, counts)

    def cash_out(self, actor: Actor, amount: object, reason: str,
                 counts: Mapping[object, int] | None = None) -> Changes:
        return self._move(actor, "cash_out", amount, reason, counts)

    def _move(self, actor: Actor, kind: str, amount: object, reason: str,
              counts: Mapping[object, int] | None) -> Changes:
        actor.require(Permission.OPERATE_CASH)
        reason = _required_reason(reason)
        with unit_of_work(self.app, actor) as work:
            s = load_settings(work.session)
            counter, cash = self._current(work.session, s, actor)
            money = parse_amount("Amount", amount, s.currency)
            pieces = clean_counts("Denominations", counts, s.denominations(), s.currency) if counts else None
            if pieces is not None and counted_total(pieces, s.currency) != money:
                raise ValidationError("Denominations", f"add up to {counted_total(pieces, s.currency).amount}, "
                                                       f"not {money.amount}")
            if kind == "cash_out":
                check_drawer_holds(expected_at(work.session, cash, s.currency), money, pieces, s.locale)
                pieces = None if pieces is None else {v: -n for v, n in pieces.items()}
            row = CashMovement(session_id=cash.id, kind=kind, amount=money.amount, reason=reason,
                               counts=None if pieces is None else counts_to_json(pieces, s.currency),
                               user_name=actor.username, at=work.now)
            work.record(row)
            work.audit(kind, "cash_session", cash.id, session_no=cash.session_no, counter=counter.name,
                       amount=money.amount, reason=reason, counts=row.counts)
        return Changes.of(CASH_AREA)

    def no_sale(self, actor: Actor, reason: str) -> NoSaleResult:
        """Opens the drawer through the printer; recorded and audited only if the printer took it."""
        actor.require(Permission.NO_SALE)
        reason = _required_reason(reason)
        printer = self.printers.counter_printer()
        address = printer.address()
        try:
            with unit_of_work(self.app, actor) as work:
                s = load_settings(work.session)
                counter, cash = self._current(work.session, s, actor)
                work.record(CashMovement(session_id=cash.id, kind=NO_SALE, amount=Decimal(0),
                                         reason=reason, user_name=actor.username, at=work.now))
                work.audit("cash_no_sale", "cash_session", cash.id, session_no=cash.session_no,
                           counter=counter.name, reason=reason, printer=str(address))
                rows = [("Counter", counter.name), ("Session No", str(cash.session_no)),
                        ("By", actor.full_name), ("At", local_moment(work.now, s)),
                        ("Reason", reason)]
                print_receipt(address, no_sale_slip(rows, printer.profile))
        except PrinterError as error:
            with unit_of_work(self.app, actor) as work:
                work.audit("cash_no_sale_failed", "printer", str(address), reason=reason,
                           error=error.message)
            raise
        return NoSaleResult(str(address), Changes.of(CASH_AREA))

    # reports -------------------------------------------------------------------------------------

    def report(self, actor: Actor, session_id: str) -> SessionReport:
        """The X report of an open session, the Z report of a closed one."""
        actor.require(Permission.OPERATE_CASH)
        with self.app.sessions() as db:
            s = load_settings(db)
            cash = db.get(CashSession, session_id)
            if cash is None:
                raise NotFound("No such cash session")
            return build_report(db, cash, s.currency, self.app.clock.now())

    def x_report(self, actor: Actor, session_id: str) -> SessionReport:
        report = self.report(actor, session_id)
        if report.status != OPEN:
            raise ValidationError("Cash session", f"{report.session_no} is closed: see its Z report")
        return report

    def z_report(self, actor: Actor, session_id: str) -> ZReport:
        report = self.report(actor, session_id)
        if report.status != CLOSED:
            raise ValidationError("Cash session", f"{report.session_no} is still open; "
                                                  "its Z report is made when it closes")
        return ZReport(report)

    def session_id_by_number(self, actor: Actor, session_no: int) -> str:
        """Session numbers count per counter: this device's counter."""
        actor.require(Permission.OPERATE_CASH)
        with self.app.sessions() as db:
            counter = find_counter(db, load_settings(db), actor, self.app.device_id)
            found = counter and db.execute(select(CashSession.id).where(
                CashSession.counter_id == counter.id, CashSession.session_no == session_no)).scalar()
            if not found:
                raise NotFound(f"No cash session {session_no} at this counter")
            return found

    def report_document(self, actor: Actor, report: SessionReport) -> ReportDocument:
        actor.require(Permission.OPERATE_CASH)
        return report_document(report, self.app_settings())

    def print_report(self, actor: Actor, report: SessionReport, url: str | None = None) -> PrintOutcome:
        printer = self.printers.counter_printer(url)
        document, copy_no = self._numbered_copy(actor, report, "printer")
        outcome = self.printers.send(printer, report_slip(document, printer.profile))
        with unit_of_work(self.app, actor) as work:
            audit_print(work, report, copy_no, str(outcome.address))
        return outcome

    def save_report_pdf(self, actor: Actor, report: SessionReport, path: Path) -> Path:
        document, copy_no = self._numbered_copy(actor, report, PDF)
        written = write_report_pdf(document, path)
        with unit_of_work(self.app, actor) as work:
            audit_print(work, report, copy_no, PDF)
        return written

    def _numbered_copy(self, actor: Actor, report: SessionReport,
                       output: str) -> tuple[ReportDocument, int]:
        document = self.report_document(actor, report)
        with self.app.sessions() as db:
            settings, copy_no = load_settings(db), z_prints_before(db, report, output) + 1
        return as_copy(document, copy_no, local_moment(self.app.clock.now(), settings)), copy_no

    def app_settings(self) -> Settings:
        with self.app.sessions() as db:
            return load_settings(db)

    # closing -------------------------------------------------------------------------------------

    def close_session(self, actor: Actor, counted: Mapping[object, int], reason: str | None = None,
                      supervisor_username: str | None = None,
                      supervisor_password: str | None = None) -> ZReport:
        """Expected against counted; a variance beyond the thresholds needs a reason, then a supervisor."""
        actor.require(Permission.CLOSE_CASH_SESSION)
        reason = (reason or "").strip()
        with self.app.sessions() as db:
            s = load_settings(db)
            _, cash = self._current(db, s, actor)
            pieces = clean_counts("Counted notes and coins", counted, s.denominations(), s.currency)
            session_id = cash.id
            needs_supervisor = self._check_close(s, expected_at(db, cash, s.currency).total, pieces,
                                                 reason, approved=False, check_supervisor=False)
        approver = self._approver(actor, supervisor_username, supervisor_password) if needs_supervisor else None
        with unit_of_work(self.app, actor) as work:
            cash = work.session.get(CashSession, session_id)
            if cash is None or cash.status != OPEN:
                raise ConflictError("This cash session is already closed; a closed session cannot be changed")
            expected = expected_at(work.session, cash, s.currency).total
            self._check_close(s, expected, pieces, reason, approved=approver is not None)
            counted_cash = counted_total(pieces, s.currency)
            base = cash.version
            cash.status, cash.closed_by, cash.closed_at = CLOSED, actor.full_name, work.now
            cash.closing_counts = counts_to_json(pieces, s.currency)
            cash.expected_cash, cash.counted_cash = expected.amount, counted_cash.amount
            cash.variance_reason, cash.approved_by = reason, approver.full_name if approver else ""
            cash.version, cash.updated_at = base + 1, work.now
            work.record(cash, "update", base_version=base)
            diff = variance(expected, counted_cash)
            work.audit("cash_session_closed", "cash_session", cash.id, session_no=cash.session_no,
                       expected=expected.amount, counted=counted_cash.amount, variance=diff.amount,
                       reason=reason, approved_by=cash.approved_by)
            work.track("cash_session_closed", variance=diff.amount)
            report = build_report(work.session, cash, s.currency, work.now)
        return ZReport(report, Changes.of(CASH_AREA))

    @staticmethod
    def _check_close(s: Settings, expected: Money, pieces: DrawerCounts, reason: str, *,
                     approved: bool, check_supervisor: bool = True) -> bool:
        diff = variance(expected, counted_total(pieces, s.currency))
        reason_at = s.money("counter.variance_reason_threshold")
        supervisor_at = s.money("counter.variance_supervisor_threshold")
        needs = close_requirements(diff, reason_at, supervisor_at)
        side = "short" if diff.is_negative else "over"
        size = format_money(abs(diff), s.locale)
        if needs.needs_reason and not reason:
            raise ValidationError("Reason", f"is required: the drawer is {side} by {size}, "
                                            f"more than {format_money(reason_at, s.locale)}")
        if check_supervisor and needs.needs_supervisor and not approved:
            raise ValidationError("Supervisor username", f"a supervisor must approve: the drawer is "
                                  f"{side} by {size}, more than {format_money(supervisor_at, s.locale)}")
        return needs.needs_supervisor

    def _approver(self, actor: Actor, username: str | None, password: str | None) -> Actor:
        if not (username or "").strip():
            raise ValidationError("Supervisor username", "is required to approve this variance")
        if not password:
            raise ValidationError("Supervisor password", "is required to approve this variance")
        try:
            approver = self.auth.login(username, password)  # type: ignore[arg-type]
        except AuthenticationError as error:
            raise ValidationError("Supervisor password", error.message) from None
        if not can(approver.role, Permission.APPROVE_VARIANCE):
            raise PermissionDenied(f"{approver.full_name} ({approver.role.value}) may not approve "
                                   "a cash variance")
        if approver.user_id == actor.user_id:
            raise ValidationError("Supervisor username", "another supervisor must approve your own drawer")
        return approver

    # change ---------------------------------------------------------------------------------------

    def change_for(self, actor: Actor, amount_due_back: object) -> ChangeResult:
        """Pieces to hand back, chosen from what the drawer should hold now."""
        actor.require(Permission.OPERATE_CASH)
        with self.app.sessions() as db:
            s = load_settings(db)
            _, cash = self._current(db, s, actor)
            amount = parse_amount("Amount due back", amount_due_back, s.currency)
            drawer = expected_at(db, cash, s.currency)
        if drawer.counts is None:
            return ChangeResult(amount, Money.zero(s.currency), (), False,
                                "The drawer's notes and coins are not known: a movement this session "
                                "did not record its pieces. Count the change by hand.")
        return make_change(amount, {v: n for v, n in drawer.counts.items() if n > 0})


def _required_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError("Reason", "is required")
    return text

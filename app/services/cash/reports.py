"""What a cash session adds up to (X and Z reports), read from its payments and drawer movements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.cash.drawer import Denomination, SessionMovement, expected_drawer
from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, MoneyError, to_decimal
from app.domain.core.settings import Settings
from app.domain.payments.rules import COUNTED_STATUSES, PaymentStatus
from app.formatting import Formats, format_money
from app.models.cash import CashMovement, CashSession
from app.models.payments import Payment
from app.models.reference import Counter, ServiceCentre
from app.models.system import OutboxEntry
from app.printing.pdf.z_report_pdf import ReportDocument, ReportSection
from app.services.core.changes import Changes

OPEN, CLOSED = "Open", "Closed"
NO_SALE = "no_sale"
DrawerCounts = dict[Decimal, int]


# denomination counts: Decimal value -> pieces; stored as minor units (str) -> pieces ----------

def counts_to_json(counts: Mapping[Decimal, int], currency: str) -> dict[str, int]:
    return {str(Money.of(value, currency).to_minor()): n for value, n in sorted(counts.items()) if n}


def counts_from_json(raw: Mapping[str, int] | None, currency: str) -> DrawerCounts:
    return {Money.from_minor(int(k), currency).amount: int(n) for k, n in (raw or {}).items()}


def clean_counts(field: str, raw: Mapping[object, object], allowed: tuple[Denomination, ...],
                 currency: str) -> DrawerCounts:
    """Counts keyed by Denomination or value; notes and coins of one value share a count."""
    values = {d.value for d in allowed}
    counts: DrawerCounts = {}
    for key, count in raw.items():
        value = key.value if isinstance(key, Denomination) else _value(field, key)
        if value not in values:
            raise ValidationError(field, f"{value} is not a {currency} note or coin in the settings")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValidationError(field, f"the count of {value} must be a whole number, not negative")
        counts[value] = counts.get(value, 0) + count
    return {v: n for v, n in counts.items() if n}


def _value(field: str, key: object) -> Decimal:
    try:
        return to_decimal(key)
    except MoneyError:
        raise ValidationError(field, f"{key!r} is not a denomination") from None


# the report -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    count: int
    amount: Money


@dataclass(frozen=True)
class MethodTotal:
    method: str
    count: int
    amount: Money


@dataclass(frozen=True)
class Closing:
    closed_by: str
    closed_at: datetime
    counted: Money
    counted_counts: DrawerCounts
    variance: Money  # over is positive, short negative
    reason: str
    approved_by: str

    @property
    def over_short(self) -> str:
        if self.variance.is_negative:
            return "Short"
        return "Over" if self.variance.amount else "Balanced"


@dataclass(frozen=True)
class SessionReport:
    kind: str  # "X" mid-shift, "Z" at close
    session_id: str
    session_no: int
    counter: str
    centre: str
    status: str
    opened_by: str
    opened_at: datetime
    generated_at: datetime
    opening_float: Money
    opening_counts: DrawerCounts
    by_method: tuple[MethodTotal, ...]
    voided_payments: Tally
    cash_payments: Tally
    cash_in: Tally
    cash_out: Tally
    voids: Tally
    refunds: Tally
    no_sales: int
    expected_cash: Money
    expected_counts: DrawerCounts | None  # None: a movement did not record its notes and coins
    closing: Closing | None = None
    warnings: tuple[str, ...] = ()

    @property
    def takings(self) -> Money:
        return sum((t.amount for t in self.by_method), Money.zero(self.expected_cash.currency))

    @property
    def payment_count(self) -> int:
        return sum(t.count for t in self.by_method)


@dataclass(frozen=True)
class ZReport:
    report: SessionReport
    changes: Changes = Changes()

    @property
    def closing(self) -> Closing:
        assert self.report.closing is not None
        return self.report.closing

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.report.warnings


def session_movements(db: Session, session_id: str) -> list[CashMovement]:
    return list(db.execute(select(CashMovement).where(CashMovement.session_id == session_id)
                           .order_by(CashMovement.at, CashMovement.id)).scalars())


def drawer_movements(rows: list[CashMovement], currency: str) -> list[SessionMovement]:
    """The movements that change the drawer's cash (a no-sale only opens it)."""
    return [SessionMovement(row.kind, Money(row.amount, currency),  # type: ignore[arg-type]
                            None if row.counts is None else counts_from_json(row.counts, currency))
            for row in rows if row.kind != NO_SALE]


def build_report(db: Session, cash: CashSession, currency: str, now: datetime) -> SessionReport:
    counter = db.get(Counter, cash.counter_id)
    centre = db.get(ServiceCentre, counter.centre_id)
    rows = session_movements(db, cash.id)
    opening = counts_from_json(cash.opening_counts, currency)
    drawer = expected_drawer(opening, drawer_movements(rows, currency), currency)
    closed = cash.status == CLOSED
    payments = list(db.execute(select(Payment).where(Payment.cash_session_id == cash.id)).scalars())
    counted, voided = _split_payments(payments, cash.closed_at if closed else None)
    return SessionReport(
        kind="Z" if closed else "X", session_id=cash.id, session_no=cash.session_no,
        counter=counter.name, centre=centre.name if centre else "", status=cash.status, opened_by=cash.opened_by, opened_at=cash.opened_at,
        generated_at=now, opening_float=Money(cash.opening_float, currency), opening_counts=opening,
        by_method=_by_method(counted, currency), voided_payments=_tally(voided, currency),
        cash_payments=_kind(rows, "cash_payment", currency), cash_in=_kind(rows, "cash_in", currency),
        cash_out=_kind(rows, "cash_out", currency), voids=_kind(rows, "void", currency),
        refunds=_kind(rows, "refund", currency), no_sales=sum(r.kind == NO_SALE for r in rows),
        expected_cash=Money(cash.expected_cash, currency) if closed else drawer.total,
        expected_counts=None if drawer.counts is None else {
            v: n for v, n in sorted(drawer.counts.items(), reverse=True) if n},
        closing=_closing(cash, currency) if closed else None,
        warnings=unsynced_warning(db, [p.id for p in payments]))


def _split_payments(payments: list[Payment], closed_at: datetime | None) -> tuple[list, list]:
    """A closed session reports payments as they stood at its close, whatever was voided later."""
    def voided(p: Payment) -> bool:
        return p.status == PaymentStatus.VOIDED.value and (
            closed_at is None or p.voided_at is None or p.voided_at <= closed_at)

    counted = [p for p in payments if p.status in COUNTED_STATUSES or
               (p.status == PaymentStatus.VOIDED.value and not voided(p))]
    return counted, [p for p in payments if voided(p)]


def _by_method(payments: list[Payment], currency: str) -> tuple[MethodTotal, ...]:
    methods: dict[str, list[Payment]] = {}
    for payment in payments:
        methods.setdefault(payment.method, []).append(payment)
    return tuple(MethodTotal(m, len(ps), _tally(ps, currency).amount)
                 for m, ps in sorted(methods.items()))


def _tally(rows: list, currency: str) -> Tally:
    return Tally(len(rows), sum((Money(r.amount, currency) for r in rows), Money.zero(currency)))


def _kind(rows: list[CashMovement], kind: str, currency: str) -> Tally:
    return _tally([r for r in rows if r.kind == kind], currency)


def _closing(cash: CashSession, currency: str) -> Closing:
    counted = Money(cash.counted_cash or 0, currency)
    return Closing(cash.closed_by, cash.closed_at, counted,  # type: ignore[arg-type]
                   counts_from_json(cash.closing_counts, currency),
                   counted - Money(cash.expected_cash or 0, currency), cash.variance_reason,
                   cash.approved_by)


def unsynced_warning(db: Session, payment_ids: list[str]) -> tuple[str, ...]:
    if not payment_ids:
        return ()
    pending = set(db.execute(select(OutboxEntry.entity_id).where(
        OutboxEntry.entity == Payment.__tablename__, OutboxEntry.state == "Pending",
        OutboxEntry.entity_id.in_(payment_ids))).scalars())
    if not pending:
        return ()
    return (f"{len(pending)} payment(s) of this session are not yet synced to the central service; "
            "they will be sent when the counter is online.",)


# the report as lines, for paper and the screen ------------------------------------------------

def report_document(report: SessionReport, settings: Settings) -> ReportDocument:
    money = _money_formatter(settings.locale)
    when = lambda moment: local_moment(moment, settings)  # noqa: E731
    header = [("Utility", settings.utility_name),
              ("Centre", settings.get("general.centre_name") or report.centre),
              ("Counter", report.counter), ("Session No", str(report.session_no)),
              ("Status", report.status), ("Opened by", report.opened_by),
              ("Opened at", when(report.opened_at))]
    if report.closing:
        header += [("Closed by", report.closing.closed_by), ("Closed at", when(report.closing.closed_at))]
    header.append(("Printed at", when(report.generated_at)))
    sections = [_takings(report, money), _drawer(report, money),
                _pieces("Expected notes and coins", report.expected_counts, report, money)]
    if report.closing:
        sections += [_close(report.closing, money),
                     _pieces("Counted notes and coins", report.closing.counted_counts, report, money)]
    title = f"{report.kind} REPORT" + ("" if report.kind == "Z" else " (mid-shift)")
    return ReportDocument(title, tuple(header), tuple(sections), report.warnings)


def local_moment(moment: datetime, settings: Settings) -> str:
    """In the utility's time zone: the counter's clock, not UTC."""
    return Formats.of(settings).moment(moment)


def _money_formatter(locale: str):
    return lambda amount: format_money(amount, locale)


def _takings(report: SessionReport, money) -> ReportSection:
    rows = [(f"{t.method} ({t.count})", money(t.amount)) for t in report.by_method]
    rows.append((f"Total takings ({report.payment_count})", money(report.takings)))
    rows.append((f"Voided payments ({report.voided_payments.count})",
                 money(report.voided_payments.amount)))
    return ReportSection("Takings by payment method", tuple(rows),
                         frozenset({f"Total takings ({report.payment_count})"}))


def _drawer(report: SessionReport, money) -> ReportSection:
    minus = lambda t: money(-t.amount) if t.amount.amount else money(t.amount)  # noqa: E731
    rows = (("Opening float", money(report.opening_float)),
            (f"Cash payments ({report.cash_payments.count})", money(report.cash_payments.amount)),
            (f"Cash in ({report.cash_in.count})", money(report.cash_in.amount)),
            (f"Cash out ({report.cash_out.count})", minus(report.cash_out)),
            (f"Voids ({report.voids.count})", minus(report.voids)),
            (f"Refunds ({report.refunds.count})", minus(report.refunds)),
            ("No sales", str(report.no_sales)),
            ("Expected cash", money(report.expected_cash)))
    return ReportSection("Cash drawer", rows, frozenset({"Expected cash"}))


def _pieces(heading: str, counts: DrawerCounts | None, report: SessionReport, money) -> ReportSection:
    if counts is None:
        return ReportSection(heading, (("Not known", "a movement did not record its pieces"),))
    currency = report.expected_cash.currency
    rows = tuple((f"{money(Money(v, currency))} x {n}", money(Money(v * n, currency)))
                 for v, n in sorted(counts.items(), reverse=True) if n)
    return ReportSection(heading, rows or (("None", money(Money.zero(currency))),))


def _close(closing: Closing, money) -> ReportSection:
    rows = [("Counted cash", money(closing.counted)),
            (closing.over_short, money(abs(closing.variance)))]
    if closing.reason:
        rows.append(("Reason", closing.reason))
    if closing.approved_by:
        rows.append(("Approved by", closing.approved_by))
    return ReportSection("Close", tuple(rows), frozenset({closing.over_short}))

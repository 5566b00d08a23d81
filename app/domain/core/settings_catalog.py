"""Every utility setting, declared once, with the specs' examples as defaults."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.domain.cash.drawer import DEFAULT_DENOMINATIONS, Denomination
from app.domain.core.errors import ValidationError
from app.domain.core.money import MINOR_DIGITS, Money
from app.domain.core.numbering import NumberFormat
from app.domain.core.setting_kinds import (
    BooleanKind,
    ChoiceKind,
    DecimalKind,
    Field,
    IntegerKind,
    MoneyKind,
    PercentKind,
    RecordListKind,
    SettingSpec,
    StringListKind,
    TextKind,
    declare,
    declare_rule,
    parse_time_range,
)
from app.domain.dashboard.trends import Granularity

SEVERITIES = ("Critical", "High", "Medium", "Low")
REQUEST_TYPES = ("Disconnection", "Reconnection")
SERVICE_ORDER_TYPES = ("Disconnection", "Reconnection", "Meter removal", "Inspection")
GL_ACCOUNT_TYPES = ("Revenue", "Tax", "Receivable", "Deposit", "Cash")
# what bills, charges and receipts post: "<utility> charges" per metered service, then the rest
GL_POSTINGS = ("Electricity charges", "Water charges", "Gas charges", "Service charges",
               "Tax", "Late payment", "Receivable", "Cash receipts", "Other receipts")
WEBHOOK_STATUSES = ("In Settlement", "Failed", "Not Confirmed", "Settled")
SETTLEMENT_STATUSES = ("In Progress", "Success", "Failed", "N/A")
KEEP_PREVIOUS = "Keep previous"
REPORTS = ("Daily collections summary", "Billing dashboard summary")
ALL_CENTRES = "All centres"
CURRENCIES = tuple(sorted(MINOR_DIGITS))
LOCALES = ("en_IN", "hi_IN", "en_US", "en_GB", "en_AU", "en_CA", "en_ZA", "en_KE", "en_NG",
           "en_AE", "fr_FR", "de_DE", "ja_JP")
DATE_FORMATS = ("dd/MM/yyyy", "dd-MM-yyyy", "dd MMM yyyy", "MM/dd/yyyy", "MMM d, yyyy",
                "yyyy-MM-dd")
CODE_PAGES = ("CP437", "CP850", "CP852", "CP858", "CP860", "CP863", "CP865", "CP866", "CP1252")
SERIAL_BAUDS = ("9600", "19200", "38400", "57600", "115200")
SERIES: dict[str, tuple[str, str, int]] = {
    # series: (visible name, format, first number) -- the specs' sample numbers
    "receipt": ("Receipt", "R-{seq}", 5001),
    "payment": ("Payment", "PAY-{yyyy}-{seq:06}", 1),
    "transaction": ("Transaction", "TXN-{yyyy}-{seq:06}", 1),
    "credit_note": ("Credit note", "CN-{seq}", 46129),
    "invoice": ("Invoice", "INV-{seq}", 414013),
    "disconnection_request": ("Disconnection request", "DIS-{yyyy}-{seq:06}", 1),
    # A reconnection is its own series: the consumer and the field read REC- for what it is.
    "reconnection_request": ("Reconnection request", "REC-{yyyy}-{seq:06}", 1),
    "service_order": ("Service order", "SO-{yyyy}-{seq:06}", 1),
    "payment_plan": ("Payment plan", "PP-{yyyy}-{seq:04}", 1),
}


# record shapes ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class GatewayStatusMapping:
    gateway_status: str
    webhook_status: str
    settlement_status: str


@dataclass(frozen=True, slots=True)
class DisconnectionReason:
    code: str
    reason: str
    priority: str
    description: str
    requires_approval: bool
    approval_threshold: Decimal | None = None
    """With requires_approval: approval only when the outstanding exceeds it; None = always."""


@dataclass(frozen=True, slots=True)
class ServiceOrderTemplate:
    name: str
    order_type: str
    estimated_hours: Decimal
    consumer_categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SlaTarget:
    request_type: str
    acknowledgement_hours: Decimal
    response_hours: Decimal
    resolution_hours: Decimal


@dataclass(frozen=True, slots=True)
class EscalationThreshold:
    severity: str
    hours: int


@dataclass(frozen=True, slots=True)
class GlCode:
    code: str
    description: str
    account_type: str


@dataclass(frozen=True, slots=True)
class GlPosting:
    """Which GL code a kind of bill line, charge or receipt posts to."""

    posting: str
    code: str


@dataclass(frozen=True, slots=True)
class CashDenomination:
    currency: str
    value: Decimal
    kind: str  # "note" or "coin", as in cash.Denomination


@dataclass(frozen=True, slots=True)
class ReportSchedule:
    """A report mailed every day once its send time has passed (utility time zone)."""

    name: str
    report: str
    centre: str  # a service centre's code, or ALL_CENTRES
    recipients: tuple[str, ...]
    send_at: str  # "HH:MM"
    enabled: bool

    @property
    def centre_code(self) -> str | None:
        return None if self.centre == ALL_CENTRES else self.centre

    @property
    def send_time(self) -> time:
        return parse_clock_time(self.send_at)


def parse_clock_time(text: str) -> time:
    """"07:00" -> time(7, 0); raises ValueError saying what is wrong."""
    found = re.fullmatch(r"\s*(\d{2}):(\d{2})\s*", text)
    if not found:
        raise ValueError("must be written HH:MM, e.g. 07:00")
    hour, minute = (int(part) for part in found.groups())
    if hour > 23 or minute > 59:
        raise ValueError("must be a time from 00:00 to 23:59")
    return time(hour, minute)


def denominations_of(rows: Iterable[CashDenomination], currency: str) -> tuple[Denomination, ...]:
    mine = [Denomination(row.value, row.kind) for row in rows if row.currency == currency]  # type: ignore[arg-type]
    return tuple(sorted(mine, key=lambda d: (-d.value, d.kind != "note")))


# single-setting rules --------------------------------------------------------

def _number_format(text: str) -> str | None:
    try:
        NumberFormat.parse(text)
    except ValidationError as error:
        return error.rule
    return None


def _printer_url(text: str) -> str | None:
    url = urlsplit(text)
    place = url.netloc + url.path
    if url.scheme == "tcp":
        try:
            ok = bool(url.hostname) and url.port is not None and url.path in ("", "/")
        except ValueError:
            ok = False
        return None if ok else "must be tcp://host:port, e.g. tcp://192.168.1.50:9100"
    if url.scheme == "usb":
        ok = re.fullmatch(r"[0-9A-Fa-f]{4}:[0-9A-Fa-f]{4}", url.netloc) and url.path in ("", "/")
        return None if ok else "must be usb://VID:PID in hex, e.g. usb://04b8:0202"
    if url.scheme == "serial":
        bauds = parse_qs(url.query).get("baud", ["9600"])
        if not place.strip("/") or len(bauds) != 1 or bauds[0] not in SERIAL_BAUDS:
            return "must be serial://device?baud=N, e.g. serial:///dev/ttyUSB0?baud=19200"
        return None
    if url.scheme == "file":
        return None if url.path.startswith("/") and not url.netloc else "must be file:///path"
    return "must start with tcp://, usb://, serial:// or file://"


def _time_zone(text: str) -> str | None:
    ok = text == "UTC" or re.fullmatch(r"[A-Z][A-Za-z_]+(/[A-Za-z0-9_+\-]+){1,2}", text)
    return None if ok else "must be a time zone name such as Asia/Kolkata"


def _time_range(text: str) -> str | None:
    try:
        parse_time_range(text)
    except ValueError as error:
        return str(error)
    return None


def _two_hour_slot(text: str) -> str | None:
    if broken := _time_range(text):
        return broken
    start, end = parse_time_range(text)
    length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return None if length == 120 else "must be 2 hours long, e.g. 08:00-10:00"


def _no_overlap(slots: tuple[str, ...]) -> str | None:
    for earlier, later in zip(slots, slots[1:], strict=False):
        if parse_time_range(later)[0] < parse_time_range(earlier)[1]:
            return f"{earlier} and {later} overlap"
    return None


def _includes_overpayment(reasons: tuple[str, ...]) -> str | None:
    found = "overpayment" in (reason.casefold() for reason in reasons)
    return None if found else "must include Overpayment (used for automatic credit notes)"


def _reason_code(text: str) -> str | None:
    ok = re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", text)
    return None if ok else "must be capital letters and digits, e.g. NP-001"


def _gl_code(text: str) -> str | None:
    ok = re.fullmatch(r"[A-Z0-9][A-Z0-9.\-]+", text)
    return None if ok else "must be capital letters, digits, dots or hyphens, e.g. 4000"


def _reason_approval(reason: DisconnectionReason) -> str | None:
    if reason.approval_threshold is not None and not reason.requires_approval:
        return "an approval threshold needs Requires approval"
    return None


def _sla_order(target: SlaTarget) -> str | None:
    if target.acknowledgement_hours > target.response_hours:
        return "acknowledgement must not take longer than response"
    if target.response_hours > target.resolution_hours:
        return "response must not take longer than resolution"
    return None


def _every_request_type(targets: tuple[SlaTarget, ...]) -> str | None:
    missing = [t for t in REQUEST_TYPES if t not in {row.request_type for row in targets}]
    return f"must have a row for {missing[0]}" if missing else None


def _escalation_order(rows: tuple[EscalationThreshold, ...]) -> str | None:
    hours = {row.severity: row.hours for row in rows}
    if len(rows) != len(SEVERITIES) or set(hours) != set(SEVERITIES):
        return "must have one row for each of " + ", ".join(SEVERITIES)
    for graver, lesser in zip(SEVERITIES, SEVERITIES[1:], strict=False):
        if hours[lesser] <= hours[graver]:
            return f"{lesser} must allow more hours than {graver}"
    return None


def _denomination_fits(row: CashDenomination) -> str | None:
    fits = Money(row.value, row.currency).is_exact
    return None if fits else f"{row.value} has more decimals than {row.currency} allows"


def _clock_time(text: str) -> str | None:
    try:
        parse_clock_time(text)
    except ValueError as error:
        return str(error)
    return None


def _email(text: str) -> str | None:
    ok = re.fullmatch(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.][^@\s,;<>]*", text)
    return None if ok else "is not an e-mail address, e.g. billing.manager@example.com"


def _report_centre(text: str) -> str | None:
    ok = text == ALL_CENTRES or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", text)
    return None if ok else f"must be a service centre code, e.g. CSC, or {ALL_CENTRES}"


# the settings ----------------------------------------------------------------

def _section(name: str) -> Callable[..., SettingSpec]:
    def setting(key: str, label: str, kind: Any, default: Any, help: str,
                per_device: bool = False) -> SettingSpec:
        return SettingSpec(key, label, name, kind, default, help, per_device)
    return setting


s = _section("General")
declare(
    s("general.utility_name", "Utility name", TextKind(80), "Sunrise Utilities",
      "Printed on receipts, bills and credit notes."),
    s("general.currency", "Currency", ChoiceKind(CURRENCIES), "INR",
      "The currency the utility bills in."),
    s("general.locale", "Locale", ChoiceKind(LOCALES), "en_IN",
      "Number and currency formatting: en_IN for rupees (Indian grouping), en_US for dollars."),
    s("general.date_format", "Date format", ChoiceKind(DATE_FORMATS), "dd/MM/yyyy",
      "How dates are shown and printed."),
    s("general.time_zone", "Time zone", TextKind(60, rule=_time_zone), "Asia/Kolkata",
      "The utility's time zone, for due dates, SLA clocks and reports."),
    s("general.centre_name", "Service centre name", TextKind(80), "Main Service Centre",
      "Printed on receipts from this desktop.", per_device=True),
    s("general.counter_name", "Counter name", TextKind(40), "Counter 1",
      "Printed on receipts and Z reports from this desktop.", per_device=True),
    s("general.consumer_categories", "Consumer categories", StringListKind(40),
      ["Residential", "Commercial", "Industrial"],
      "Categories that plans and service order templates apply to."),
)

s = _section("Payments")
_GATEWAY_STATUS = Field("gateway_status", "Stripe status", TextKind(40))
_SETTLEMENT_STATUS = Field("settlement_status", "Our settlement status", ChoiceKind(SETTLEMENT_STATUSES))
declare(
    s("payments.channels", "Payment channels", StringListKind(40),
      ["Walk-in", "Online Portal", "Mobile App", "Bank Counter", "Kiosk", "Field Collection"],
      "Channels offered when recording a payment."),
    s("payments.default_channel", "Default payment channel", TextKind(40), "Walk-in",
      "Selected when the Record Payment form opens; one of the payment channels."),
    s("payments.modes", "Payment modes", StringListKind(40),
      ["Cash", "Credit Card", "Debit Card", "Bank Transfer", "Cheque", "UPI", "Online Banking"],
      "Payment methods offered when recording a payment."),
    s("payments.overpayment_threshold", "Overpayment threshold", MoneyKind(), "500.00",
      "How far above the outstanding balance a payment may go."),
    s("payments.notes_max_length", "Payment notes maximum length", IntegerKind(1, 2000), 250,
      "Characters allowed in a payment's additional notes."),
    s("payments.stripe_payment_statuses", "Stripe payment status mapping",
      RecordListKind(GatewayStatusMapping, (
          _GATEWAY_STATUS,
          Field("webhook_status", "Our webhook status", ChoiceKind(WEBHOOK_STATUSES)),
          _SETTLEMENT_STATUS), unique=(("gateway_status",),)),
      [GatewayStatusMapping("Succeeded", "In Settlement", "In Progress"),
       GatewayStatusMapping("Failed", "Failed", "N/A"),
       GatewayStatusMapping("Pending", "Not Confirmed", "N/A")],
      "How Stripe payment statuses map to ours."),
    s("payments.stripe_settlement_statuses", "Stripe settlement status mapping",
      RecordListKind(GatewayStatusMapping, (
          _GATEWAY_STATUS,
          Field("webhook_status", "Our webhook status",
                ChoiceKind((*WEBHOOK_STATUSES, KEEP_PREVIOUS))),
          _SETTLEMENT_STATUS), unique=(("gateway_status",),)),
      [GatewayStatusMapping("Created", "In Settlement", "In Progress"),
       GatewayStatusMapping("Paid", "Settled", "Success"),
       GatewayStatusMapping("Failed", KEEP_PREVIOUS, "Failed")],
      f"How Stripe settlement statuses map to ours; {KEEP_PREVIOUS} leaves the webhook status."),
)

s = _section("Credit notes")
declare(
    s("credit_notes.reasons", "Credit note reasons",
      StringListKind(40, list_rule=_includes_overpayment),
      ["Overpayment", "Duplicate Payment", "Billing Error", "Billing Adjustment",
       "Refund Request", "Customer Request", "Other"],
      "Reasons offered when creating a credit note."),
    s("credit_notes.expiry_days", "Credit note expiry (days)", IntegerKind(1, 3650), 365,
      "A credit note expires this many days after it is created."),
    s("credit_notes.remarks_max_length", "Credit note remarks maximum length",
      IntegerKind(1, 2000), 500, "Characters allowed in a credit note's remarks."),
)

s = _section("Numbering")
for _series, (_name, _template, _start) in SERIES.items():
    declare(
        s(f"numbering.{_series}.format", f"{_name} number format",
          TextKind(40, rule=_number_format), _template,
          "Contains {seq} (e.g. {seq:06} for six digits); may contain {yyyy}, {yy} and {mm}."),
        s(f"numbering.{_series}.start", f"{_name} first number", IntegerKind(1, 10**12), _start,
          "The first sequence number; numbers are never reused."),
    )
declare(
    s("numbering.lease_block_size", "Number block size", IntegerKind(10, 100_000), 100,
      "How many numbers of a series the server leases to a desktop at a time."),
    s("numbering.low_water_mark", "Number block low-water mark", IntegerKind(1, 100_000), 20,
      "A desktop asks for a new block when fewer numbers than this remain."),
)

s = _section("Counter & printing")
declare(
    s("printing.printer_url", "Receipt printer", TextKind(200, required=False, rule=_printer_url),
      "", "tcp://host:9100, usb://VID:PID, serial:///dev/ttyUSB0?baud=19200 or file:///path; "
      "empty when this counter has no receipt printer.", per_device=True),
    s("printing.printer_profile", "Printer profile", TextKind(40), "default",
      "The python-escpos printer profile, e.g. TM-T88V.", per_device=True),
    s("printing.paper_width_mm", "Paper width (mm)", ChoiceKind((58, 80)), 80,
      "Receipt paper width.", per_device=True),
    s("printing.code_page", "Printer code page", ChoiceKind(CODE_PAGES), "CP437",
      "Characters the code page lacks (such as ₹) are printed as Rs.", per_device=True),
    s("printing.receipt_footer", "Receipt footer lines",
      StringListKind(48, min_items=0, max_items=5, unique=False),
      ["Thank you for your payment.", "Please keep this receipt for your records."],
      "Printed at the bottom of every receipt; long lines wrap."),
    s("printing.cut_paper", "Cut paper after each receipt", BooleanKind(), True,
      "Needs a printer with a cutter.", per_device=True),
    s("printing.drawer_pin", "Cash drawer pin", ChoiceKind((2, 5)), 2,
      "The printer pin the cash drawer is wired to.", per_device=True),
    s("counter.denominations", "Cash denominations",
      RecordListKind(CashDenomination, (
          Field("currency", "Currency", ChoiceKind(CURRENCIES)),
          Field("value", "Value", MoneyKind(positive=True)),
          Field("kind", "Note or coin", ChoiceKind(("note", "coin")))),
          unique=(("currency", "value", "kind"),), row_rule=_denomination_fits),
      [CashDenomination(currency, d.value, d.kind)
       for currency, ds in DEFAULT_DENOMINATIONS.items() for d in ds],
      "Notes and coins counted in the drawer and given as change."),
    s("counter.variance_reason_threshold", "Cash variance needing a reason", MoneyKind(), "1.00",
      "An over/short at close larger than this needs a reason."),
    s("counter.variance_supervisor_threshold", "Cash variance needing a supervisor", MoneyKind(),
      "20.00", "An over/short at close larger than this needs a supervisor's approval."),
    s("counter.cash_needs_open_session", "Cash payments need an open cash session",
      BooleanKind(), True,
      "A cash payment is refused at a counter with no open cash session, so that every cash "
      "payment is in an X and a Z report.", per_device=True),
    s("counter.change_confirm_limit", "Change needing confirmation", MoneyKind(), "2000.00",
      "Change larger than this is shown for confirmation before the payment is posted "
      "(a mistyped amount received)."),
)

def _reason_kind() -> RecordListKind:
    return RecordListKind(DisconnectionReason, (
        Field("code", "Code", TextKind(12, rule=_reason_code)),
        Field("reason", "Reason", TextKind(80)),
        Field("priority", "Priority", ChoiceKind(SEVERITIES)),
        Field("description", "Description", TextKind(250)),
        Field("requires_approval", "Requires approval", BooleanKind()),
        Field("approval_threshold", "Approval threshold", MoneyKind(), optional=True)),
        unique=(("code",), ("reason",)), row_rule=_reason_approval)


s = _section("Disconnections")
declare(
    s("disconnections.reasons", "Disconnection reasons",
      _reason_kind(),
      [DisconnectionReason("NP-001", "Non-payment of bills", "High",
                           "Customer has outstanding balance exceeding 90 days", True),
       DisconnectionReason("CR-001", "Customer request", "Medium",
                           "Customer asked for the supply to be disconnected", False),
       DisconnectionReason("SH-001", "Safety hazard", "Critical",
                           "Unsafe wiring, leak or installation found on site", False),
       DisconnectionReason("MT-001", "Meter tampering", "High",
                           "Evidence of meter tampering or bypass", True),
       DisconnectionReason("PV-001", "Property vacant", "Low",
                           "Premises vacant or demolished", False)],
      "Offered when raising a request; an approval threshold limits approval to larger dues."),
    s("disconnections.close_reasons", "Request close reasons", StringListKind(60),
      ["Issue resolved", "Duplicate request", "Cancelled by consumer",
       "No consumer response", "Other"],
      "Reasons offered when closing a request."),
    s("disconnections.reconnection_reasons", "Reconnection reasons", _reason_kind(),
      [DisconnectionReason("RC-001", "Dues cleared, reconnection requested", "Medium",
                           "Outstanding dues paid or settled; supply to be restored", False),
       DisconnectionReason("RC-002", "Customer request", "Medium",
                           "Customer asked for the supply to be restored", False),
       DisconnectionReason("RC-003", "Property re-occupied", "Low",
                           "Premises occupied again after a vacancy", False)],
      "Offered when raising a reconnection request (an Inactive consumer)."),
    s("disconnections.reconnection_fee", "Reconnection fee", MoneyKind(), "75.00",
      "Charged as a service charge when a reconnection is executed (0 charges nothing)."),
    s("disconnections.suggest_after_days", "Suggest disconnection after (days overdue)",
      IntegerKind(1, 3650), 90,
      "A bill unpaid this many days past its due date puts the consumer on the recovery "
      "executive's suggested disconnections (a compliant payment plan is the reason not to)."),
    s("disconnections.profile_lock_minutes", "Consumer profile lock (minutes)",
      IntegerKind(1, 240), 15,
      "How long verifying a consumer locks the profile; renewed while the request is raised."),
    s("disconnections.time_slots", "Time slots",
      StringListKind(11, item_rule=_two_hour_slot, list_rule=_no_overlap,
                     order_by=lambda slot: parse_time_range(slot)[0]),
      ["08:00-10:00", "10:00-12:00", "12:00-14:00", "14:00-16:00", "16:00-18:00"],
      "Preferred-time slots of 2 hours, HH:MM-HH:MM, not overlapping."),
    s("disconnections.notes_max_length", "Request notes maximum length", IntegerKind(1, 2000),
      250, "Characters allowed in a request's additional notes."),
    s("disconnections.closure_checklist", "Account closure checklist", StringListKind(80),
      ["Final meter reading recorded", "Meter seal verified", "Outstanding dues reviewed",
       "Security deposit settled", "Customer informed", "Safety isolation confirmed"],
      "Checked by the operator before executing a disconnection."),
    s("disconnections.checklist_minimum", "Checklist items required to execute",
      IntegerKind(1, 50), 6, "Execute Disconnection is enabled once this many items are checked."),
)

s = _section("Service orders")
declare(
    s("service_orders.templates", "Service order templates",
      RecordListKind(ServiceOrderTemplate, (
          Field("name", "Name", TextKind(80)),
          Field("order_type", "Type", ChoiceKind(SERVICE_ORDER_TYPES)),
          Field("estimated_hours", "Estimated duration (hours)",
                DecimalKind(places=2, above=Decimal(0), maximum=Decimal(72))),
          Field("consumer_categories", "Consumer categories", StringListKind(40))),
          unique=(("name",),)),
      [ServiceOrderTemplate("Residential Disconnection", "Disconnection", Decimal(2),
                            ("Residential",)),
       ServiceOrderTemplate("Commercial Disconnection", "Disconnection", Decimal(3),
                            ("Commercial", "Industrial")),
       ServiceOrderTemplate("Residential Reconnection", "Reconnection", Decimal("1.5"),
                            ("Residential",)),
       ServiceOrderTemplate("Commercial Reconnection", "Reconnection", Decimal(2),
                            ("Commercial", "Industrial")),
       ServiceOrderTemplate("Meter Removal", "Meter removal", Decimal(2),
                            ("Residential", "Commercial", "Industrial")),
       ServiceOrderTemplate("Safety Inspection", "Inspection", Decimal(1),
                            ("Residential", "Commercial", "Industrial"))],
      "A request offers only the templates of its consumer's category."),
)

_HOURS = DecimalKind(places=2, above=Decimal(0), maximum=Decimal(720))
s = _section("SLA")
declare(
    s("sla.targets", "SLA targets",
      RecordListKind(SlaTarget, (
          Field("request_type", "Request type", ChoiceKind(REQUEST_TYPES)),
          Field("acknowledgement_hours", "Acknowledgement (hours)", _HOURS),
          Field("response_hours", "Response (hours)", _HOURS),
          Field("resolution_hours", "Resolution (hours)", _HOURS)),
          unique=(("request_type",),), row_rule=_sla_order, list_rule=_every_request_type),
      [SlaTarget(t, Decimal(2), Decimal(4), Decimal(24)) for t in REQUEST_TYPES],
      "Per request type; the SLA due time is creation plus resolution hours."),
)

s = _section("Billing & dashboard")
declare(
    s("dashboard.refresh_minutes", "Dashboard refresh interval (minutes)", IntegerKind(1, 240),
      15, "The dashboard refreshes this often during business hours."),
    s("dashboard.business_hours", "Business hours", TextKind(11, rule=_time_range),
      "08:00-18:00", "HH:MM-HH:MM, in the utility's time zone."),
    s("dashboard.trend_highlight_percent", "Trend highlight threshold (%)", PercentKind(), "5",
      "A change larger than this is shown green or red."),
    s("dashboard.stale_data_minutes", "Stale data warning (minutes)", IntegerKind(1, 1440), 30,
      "Acting on data older than this asks for confirmation."),
    s("dashboard.default_time_period", "Default time period",
      ChoiceKind(tuple(g.value for g in Granularity)), Granularity.MONTHLY.value,
      "The period the dashboard opens with."),
    s("billing.cycle_deadline_alert_hours", "Cycle deadline alert (hours)", IntegerKind(1, 720),
      48, "A cycle this close to its deadline shows an alert."),
    s("billing.cycle_metrics_min_completion_percent", "Cycle metrics minimum completion (%)",
      PercentKind(places=0), "80", "Cycle metrics are calculated once a cycle is this complete."),
    s("billing.completed_cycle_retention_months", "Completed cycle retention (months)",
      IntegerKind(18, 240), 18, "Completed cycles stay available for review this long."),
    s("billing.cycle_deadline_days", "Cycle deadline after period end (days)", IntegerKind(1, 60),
      10, "A cycle opened by a zone's first run must be billed this many days after its period."),
    s("billing.due_days", "Bill due after (days)", IntegerKind(1, 90), 15,
      "A bill falls due this many days after its bill date."),
    s("billing.late_penalty_percent", "Late payment penalty (%)", PercentKind(), "2",
      "Charged once per bill on the principal overdue at the bill date, as late-payment "
      "revenue (never added to the principal)."),
    s("billing.late_interest_percent", "Late payment interest (% per month)", PercentKind(),
      "1.5", "Charged per bill on the principal overdue at the bill date, pro rata by days."),
    s("billing.estimate_recent_reads", "Reads behind an average estimate", IntegerKind(1, 12), 3,
      "Without last year's same period, an estimate averages this many recent periods."),
)

s = _section("Consumption rules")
declare(
    s("consumption.high_percent", "High consumption threshold (%)",
      PercentKind(above=Decimal(100), maximum=Decimal(1000)), "150",
      "High: above this percent of the same period's average in previous years."),
    s("consumption.low_percent", "Low consumption threshold (%)",
      PercentKind(above=Decimal(0), below=Decimal(100)), "50",
      "Low: below this percent of the same period's average in previous years."),
    s("consumption.zero_lookback_cycles", "Zero consumption look-back (cycles)",
      IntegerKind(1, 24), 2, "Zero is flagged when the previous cycles had consumption."),
)

s = _section("Exceptions")
declare(
    s("exceptions.escalation_hours", "Escalation thresholds",
      RecordListKind(EscalationThreshold, (
          Field("severity", "Severity", ChoiceKind(SEVERITIES)),
          Field("hours", "Hours", IntegerKind(1, 8760))),
          unique=(("severity",),), list_rule=_escalation_order),
      [EscalationThreshold(severity, hours)
       for severity, hours in zip(SEVERITIES, (4, 24, 72, 168), strict=True)],
      "An unresolved exception escalates after this many hours."),
)

s = _section("GL codes")
_GL = [("1000", "Cash at counters", "Cash"), ("1010", "Bank collections clearing", "Cash"),
       ("1200", "Consumer accounts receivable", "Receivable"),
       ("2200", "Tax payable", "Tax"), ("2300", "Consumer security deposits", "Deposit"),
       ("4000", "Electricity energy charges", "Revenue"),
       ("4010", "Water consumption charges", "Revenue"),
       ("4020", "Gas consumption charges", "Revenue"),
       ("4100", "Fixed and service charges", "Revenue"),
       ("4200", "Late payment penalties and interest", "Revenue"),
       ("4300", "Reconnection and service fees", "Revenue")]
declare(
    s("gl.codes", "GL codes",
      RecordListKind(GlCode, (
          Field("code", "Code", TextKind(20, rule=_gl_code)),
          Field("description", "Description", TextKind(80)),
          Field("account_type", "Account type", ChoiceKind(GL_ACCOUNT_TYPES))),
          unique=(("code",),)),
      [GlCode(*row) for row in _GL],
      "The chart of accounts that bills, payments and deposits post to."),
    s("gl.postings", "GL postings",
      RecordListKind(GlPosting, (
          Field("posting", "Posting", ChoiceKind(GL_POSTINGS)),
          Field("code", "GL code", TextKind(20, rule=_gl_code))),
          unique=(("posting",),), min_items=len(GL_POSTINGS),
          list_rule=lambda rows: None if {r.posting for r in rows} == set(GL_POSTINGS)
          else "must give a code for every posting"),
      [GlPosting(posting, code) for posting, code in zip(
          GL_POSTINGS, ("4000", "4010", "4020", "4100", "2200", "4200", "1200", "1000", "1010"),
          strict=True)],
      "The GL code each kind of bill line, charge and receipt posts to."),
)

s = _section("Reports")
declare(
    s("reports.schedules", "Scheduled reports",
      RecordListKind(ReportSchedule, (
          Field("name", "Name", TextKind(60)),
          Field("report", "Report", ChoiceKind(REPORTS)),
          Field("centre", "Service centre", TextKind(20, rule=_report_centre)),
          Field("recipients", "Recipients",
                StringListKind(160, max_items=20, item_rule=_email)),
          Field("send_at", "Send at (HH:MM)", TextKind(5, rule=_clock_time)),
          Field("enabled", "Enabled", BooleanKind())),
          unique=(("name",),), min_items=0, max_items=50),
      [ReportSchedule("Daily collections summary", REPORTS[0], ALL_CENTRES,
                      ("billing.manager@example.com",), "07:00", True)],
      "Mailed by the central service once a day after the send time (utility time zone); "
      "each covers the previous day. Recipients are e-mail addresses separated by commas; "
      f"the service centre is a centre code or {ALL_CENTRES}."),
)
del s


# rules across settings -------------------------------------------------------

def _fits_currency(amount: Decimal | None, values: Mapping[str, Any]) -> str | None:
    currency = values["general.currency"]
    if amount is None or Money(amount, currency).is_exact:
        return None
    return f"{amount} has more decimal places than {currency} allows"


for _key in ("payments.overpayment_threshold", "counter.variance_reason_threshold",
             "counter.variance_supervisor_threshold", "counter.change_confirm_limit"):
    declare_rule(_key, lambda v, key=_key: _fits_currency(v[key], v))
for _key in ("disconnections.reasons", "disconnections.reconnection_reasons"):
    declare_rule(_key, lambda v, key=_key: next(
        (broken for r in v[key] if (broken := _fits_currency(r.approval_threshold, v))), None))
declare_rule("disconnections.reconnection_fee",
             lambda v: _fits_currency(v["disconnections.reconnection_fee"], v))
declare_rule("gl.postings", lambda v: next(
    (f'"{row.code}" ({row.posting}) is not one of the GL codes' for row in v["gl.postings"]
     if row.code not in {code.code for code in v["gl.codes"]}), None))
declare_rule("payments.default_channel", lambda v: (
    None if v["payments.default_channel"] in v["payments.channels"]
    else "must be one of the payment channels"))
declare_rule("numbering.low_water_mark", lambda v: (
    None if v["numbering.low_water_mark"] < v["numbering.lease_block_size"]
    else f"must be less than the number block size ({v['numbering.lease_block_size']})"))
declare_rule("disconnections.checklist_minimum", lambda v: (
    None if v["disconnections.checklist_minimum"] <= len(v["disconnections.closure_checklist"])
    else "must be at most the number of checklist items "
         f"({len(v['disconnections.closure_checklist'])})"))
declare_rule("counter.variance_supervisor_threshold", lambda v: (
    None if v["counter.variance_supervisor_threshold"] >= v["counter.variance_reason_threshold"]
    else "must be at least the cash variance needing a reason"))
declare_rule("counter.denominations", lambda v: (
    None if denominations_of(v["counter.denominations"], v["general.currency"])
    else f"must list the notes and coins of {v['general.currency']}"))
declare_rule("service_orders.templates", lambda v: next(
    (f'"{category}" is not one of the consumer categories'
     for template in v["service_orders.templates"] for category in template.consumer_categories
     if category not in v["general.consumer_categories"]), None))

"""The counter's receipt printer: its profile from settings, test prints, report slips, the drawer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.domain.core.settings import Settings
from app.models.cash import ReceiptPrint
from app.models.reference import Counter
from app.printing.escpos.printers import (
    PrinterAddress,
    PrinterStatus,
    PrintOutcome,
    parse_printer_url,
    print_receipt,
)
from app.printing.escpos.receipt import (
    Pair,
    PrinterProfile,
    Rule,
    Text,
    drawer_kick_bytes,
    render_lines,
    render_receipt,
    render_test_page,
)
from app.printing.pdf.z_report_pdf import ReportDocument
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from app.services.payments.receipts import ReceiptsService, currency_symbol

NO_PRINTER = "no receipt printer is set up for this counter (Settings, Counter & printing)"


@dataclass(frozen=True)
class CounterPrinter:
    """Where this counter prints and how: the profile comes from the per-device settings."""

    url: str
    profile: PrinterProfile
    footer: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def address(self) -> PrinterAddress:
        if not self.url:
            raise ValidationError("Printer", NO_PRINTER)
        return parse_printer_url(self.url)


@dataclass(frozen=True)
class TestPrintResult:
    printer: str
    status: PrinterStatus
    bytes_sent: int
    warnings: tuple[str, ...]

    @property
    def summary(self) -> str:
        return f"Test page sent to {self.printer} ({self.bytes_sent} bytes). {describe_status(self.status)}"


def printer_profile(settings: Settings) -> PrinterProfile:
    return PrinterProfile.for_paper(
        settings.get("printing.paper_width_mm"), code_page=settings.get("printing.code_page").lower(),
        cut=settings.get("printing.cut_paper"), drawer_pin=settings.get("printing.drawer_pin"))


def counter_printer(settings: Settings, url: str | None = None) -> CounterPrinter:
    chosen = (url if url is not None else settings.get("printing.printer_url")).strip()
    return CounterPrinter(chosen, printer_profile(settings), tuple(settings.get("printing.receipt_footer")))


def describe_status(status: PrinterStatus) -> str:
    if not status.reported:
        return "The printer did not report its status."
    problems = [text for flag, text in ((not status.online, "offline"), (status.paper_out, "paper out"),
                                        (status.paper_near_end, "paper nearly out"),
                                        (status.cover_open, "cover open")) if flag]
    return "Printer status: " + (", ".join(problems) if problems else "online, paper OK") + "."


def report_slip(document: ReportDocument, profile: PrinterProfile) -> bytes:
    """An X or Z report on receipt paper (no drawer kick)."""
    rows: list = list(document.header)
    for section in document.sections:
        rows += [Rule(), Text(section.heading, bold=True)]
        rows += [Pair(label, value, bold=label in section.emphasis) for label, value in section.rows]
    rows.append(Rule())
    return render_lines(document.title, rows, profile, footer=document.notes)


def no_sale_slip(rows: list[tuple[str, str]], profile: PrinterProfile) -> bytes:
    """The drawer kick, then a slip saying who opened it and why."""
    return drawer_kick_bytes(profile.drawer_pin) + render_lines("NO SALE", rows, profile)


class PrintersService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def counter_printer(self, url: str | None = None) -> CounterPrinter:
        """The settings' printer, else the one stored on this counter's row, else none."""
        with self.app.sessions() as session:
            settings = load_settings(session)
            printer = counter_printer(settings, url)
            if printer.configured or url is not None:
                return printer
            stored = session.execute(select(Counter.printer_url).where(
                Counter.name == settings.get("general.counter_name"), Counter.printer_url != "")
            ).scalars().first()
            return counter_printer(settings, stored or "")

    def test_print(self, url: str | None = None) -> TestPrintResult:
        """Prints the test page and says how the printer reports itself (if it does)."""
        printer = self.counter_printer(url)
        outcome = print_receipt(printer.address(), render_test_page(printer.profile),
                                allow_unknown=True)
        return TestPrintResult(str(outcome.address), outcome.status, outcome.bytes_sent,
                               outcome.warnings)

    def send(self, printer: CounterPrinter, data: bytes) -> PrintOutcome:
        return print_receipt(printer.address(), data)

    def reprint_receipt_to(self, actor: Actor, payment_id: str, url: str) -> PrintOutcome:
        """A DUPLICATE copy on a printer other than the counter's (the command line's --printer).
        Never opens the drawer; recorded and audited like any reprint."""
        actor.require(Permission.RECORD_PAYMENT)
        data = ReceiptsService(self.app).receipt_data(actor, payment_id, duplicate=True)
        with self.app.sessions() as session:
            symbol = currency_symbol(load_settings(session))
        printer = self.counter_printer(url)
        outcome = self.send(printer, render_receipt(data, printer.profile, symbol))
        with unit_of_work(self.app, actor) as work:
            work.record(ReceiptPrint(payment_id=payment_id, printer_url=url, duplicate=True,
                                     outcome="Printed", user_name=actor.full_name, at=work.now))
            work.audit("receipt_reprinted", "payment", payment_id, receipt_no=data.receipt_no,
                       printer=url, duplicate=True)
        return outcome

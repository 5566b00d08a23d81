"""A request's receipt on the counter's ESC/POS printer (the PDF is reads.write_receipt)."""

from __future__ import annotations

from app.domain.core.errors import ValidationError
from app.formatting import Formats
from app.printing.escpos.receipt import Pair, Rule, Text, render_lines
from app.services.cash.printers import NO_PRINTER, PrintersService
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings


class RequestReceiptSlip:
    app: AppContext

    def print_request_receipt(self, actor: Actor, request_id: str, notified: str = "") -> str:
        """Prints the slip; says where. A printer that refuses raises PrinterError (the request
        is stored all the same)."""
        detail = self.request_detail(actor, request_id)
        printers = PrintersService(self.app)
        printer = printers.counter_printer()
        if not printer.configured:
            raise ValidationError("Printer", NO_PRINTER)
        with self.app.sessions() as session:
            s = load_settings(session)
        formats = Formats.of(s)
        created = formats.moment(detail.created_at)
        rows = [Pair("Request", detail.request_no, bold=True), Pair("Type", detail.request_type),
                Pair("Status", detail.status), Rule(),
                Text(detail.consumer.name, bold=True), Pair("Account", detail.consumer.account_no),
                Text(detail.consumer.service_address), Rule(),
                Pair("Reason", detail.reason_code), Text(detail.reason), Pair("Priority", detail.priority),
                Pair("Preferred", detail.preferred_text(formats)), Pair("Created", created),
                Pair("By", detail.created_by), Rule(),
                Text(f"Notified: {notified}" if notified else "No notification sent")]
        outcome = printers.send(printer, render_lines(f"{detail.request_type.upper()} REQUEST", rows,
                                                      printer.profile, footer=printer.footer))
        return f"Receipt for {detail.request_no} printed on {outcome.address}."

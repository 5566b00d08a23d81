"""The Cash module: open a session with a counted float, work the drawer, X report, close with a Z report."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import PrinterError, UtilityDeskError
from app.domain.core.permissions import Permission, can
from app.formatting import format_money
from app.services.cash.sessions import CashSessionsService, CounterState, SessionReport, ZReport
from app.services.core.changes import CASH, PAYMENTS, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.cash.close_panel import ClosePanel, CloseRequest
from app.views.cash.dialogs import CashMovementDialog, NoSaleDialog
from app.views.cash.open_panel import OpenPanel
from app.views.cash.report_panel import ReportPanel
from app.views.cash.session_panel import SessionPanel
from app.views.common.errors import show_error
from app.views.common.operations import Operation
from app.views.common.widgets import named

COUNTER, CLOSING, REPORT = "counter", "closing", "report"


def default_reports_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home()) / "reports"


class CashModulePage(QWidget):
    operation_done = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Cash page")
        self.services, self.actor = services, actor
        self.cash = CashSessionsService(services.app)
        self.reports_dir = default_reports_dir()
        self.mode = COUNTER
        self.state: CounterState | None = None
        self.report: SessionReport | None = None
        self.open_panel = OpenPanel()
        self.session_panel = SessionPanel(can(actor.role, Permission.NO_SALE),
                                          can(actor.role, Permission.CLOSE_CASH_SESSION))
        self.close_panel = ClosePanel()
        self.report_panel = ReportPanel()
        self.stack = QStackedWidget()
        for panel in (self.open_panel, self.session_panel, self.close_panel, self.report_panel):
            self.stack.addWidget(panel)
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        self._connect()
        self.refresh()

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("<h2>Cash</h2>"))
        row.addStretch(1)
        self.printer_label = named(QLabel(""), "Receipt printer")
        self.test_print_button = named(QPushButton("Test print"), "Test print")
        self.test_print_button.clicked.connect(self.test_print)
        row.addWidget(self.printer_label)
        row.addWidget(self.test_print_button)
        self.message = named(QLabel(""), "Cash message")
        self.message.setWordWrap(True)
        return row

    def _connect(self) -> None:
        self.open_panel.open_requested.connect(self.open_session)
        self.session_panel.action.connect(self._action)
        self.session_panel.change_requested.connect(self.work_out_change)
        self.close_panel.close_requested.connect(self.close_session)
        self.close_panel.cancelled.connect(lambda: self._set_mode(COUNTER))
        self.report_panel.print_requested.connect(self.print_report)
        self.report_panel.save_requested.connect(self.save_report)
        self.report_panel.back_requested.connect(lambda: self._set_mode(COUNTER))

    # state -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.state = state = self.cash.counter_state(self.actor)
        self.printer_label.setText(f"Receipt printer: {state.printer_url or 'none set up'}")
        self.test_print_button.setEnabled(bool(state.printer_url))
        if state.session is None:
            self.open_panel.show_state(state)
        else:
            self.session_panel.show_state(state)
        if self.mode == CLOSING and state.session is None:
            self.mode = COUNTER
        self._set_mode(self.mode)

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        if mode == REPORT:
            self.stack.setCurrentWidget(self.report_panel)
        elif mode == CLOSING:
            self.stack.setCurrentWidget(self.close_panel)
        elif self.state is not None and self.state.session is not None:
            self.stack.setCurrentWidget(self.session_panel)
        else:
            self.stack.setCurrentWidget(self.open_panel)

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(CASH, PAYMENTS) and self.mode != CLOSING:
            self.refresh()

    def _done(self, text: str, changes: Changes | None = None) -> None:
        self.message.setText(text)
        if changes is not None:
            self.operation_done.emit(changes)
        self.refresh()

    def _failed(self, error: Exception, show=None) -> None:
        if isinstance(error, UtilityDeskError):
            (show or self.message.setText)(error.message)
        else:
            show_error(self, error)

    def _money(self, money) -> str:
        return format_money(money, self.state.locale if self.state else "en_IN")

    # opening and the drawer ---------------------------------------------------------------------

    def open_session(self, counts: dict) -> None:
        (Operation(self, lambda: self.cash.open_session(self.actor, counts), writes=True,
                   label="Opening the session…")
         .success(lambda opened: self._done(
             f"Session {opened.session_no} opened with a float of {self._money(opened.opening_float)}.",
             Changes.of(CASH)))
         .failure(self._failed).run_in_background())

    def _action(self, name: str) -> None:
        if name in ("Cash in", "Cash out"):
            self.movement_dialog(name)
        elif name == "No sale":
            self.no_sale_dialog()
        elif name == "X report":
            self.x_report()
        elif name == "Close session" and self.state is not None:
            self.close_panel.show_state(self.state)
            self._set_mode(CLOSING)

    def movement_dialog(self, kind: str) -> CashMovementDialog:
        dialog = CashMovementDialog(self, kind, self.state)
        move = self.cash.cash_in if kind == "Cash in" else self.cash.cash_out

        def submit(amount: str, reason: str, counts) -> None:
            (Operation(dialog, lambda: move(self.actor, amount, reason, counts), writes=True)
             .success(lambda changes: (dialog.accept(), self._done(f"{kind} recorded.", changes)))
             .failure(lambda error: self._failed(error, dialog.show_error)).run_in_background())

        dialog.submitted.connect(submit)
        dialog.open()
        return dialog

    def no_sale_dialog(self) -> NoSaleDialog:
        dialog = NoSaleDialog(self)

        def submit(reason: str) -> None:
            (Operation(dialog, lambda: self.cash.no_sale(self.actor, reason), writes=True,
                       label="Opening the drawer…")
             .success(lambda result: (dialog.accept(), self._done(
                 f"Drawer opened through {result.printer}; the no sale is recorded.", result.changes)))
             .failure(lambda error: self._failed(error, dialog.show_error)).run_in_background())

        dialog.submitted.connect(submit)
        dialog.open()
        return dialog

    def work_out_change(self, amount: str) -> None:
        try:
            result = self.cash.change_for(self.actor, amount)
        except UtilityDeskError as error:
            self.session_panel.show_change_error(error.message)
            return
        self.session_panel.show_change(result, self.state.locale if self.state else "en_IN")

    def test_print(self) -> None:
        self.message.setText("Printing the test page…")
        (Operation(self, self.cash.printers.test_print, label="Printing the test page…")
         .success(lambda result: self.message.setText(result.summary))
         .failure(self._failed).run_in_background())

    # reports and closing ---------------------------------------------------------------------------

    def x_report(self) -> None:
        session = self.state.session if self.state else None
        if session is not None:
            (Operation(self, lambda: self.cash.x_report(self.actor, session.session_id))
             .success(self._show_report).failure(self._failed).run_in_background())

    def _show_report(self, report: SessionReport) -> None:
        self.report = report
        document = self.cash.report_document(self.actor, report)
        self.report_panel.show_document(document, bool(self.state and self.state.printer_url))
        self._set_mode(REPORT)

    def print_report(self) -> None:
        report = self.report
        if report is None:
            return
        self.report_panel.message.setText("Printing…")
        (Operation(self, lambda: self.cash.print_report(self.actor, report))
         .success(lambda outcome: self.report_panel.message.setText(
             f"{report.kind} report printed on {outcome.address}."))
         .failure(lambda error: self._failed(error, self.report_panel.message.setText))
         .run_in_background())

    def save_report(self) -> None:
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save report as PDF",
                                              str(self.reports_dir / self._pdf_name(self.report)),
                                              "PDF files (*.pdf)")
        if path:
            self._save_pdf(self.report, Path(path))

    def _save_pdf(self, report: SessionReport, path: Path) -> None:
        (Operation(self, lambda: self.cash.save_report_pdf(self.actor, report, path))
         .success(lambda saved: self.report_panel.message.setText(f"Saved {saved}."))
         .failure(lambda error: self._failed(error, self.report_panel.message.setText))
         .run_in_background())

    @staticmethod
    def _pdf_name(report: SessionReport) -> str:
        counter = re.sub(r"[^A-Za-z0-9]+", "-", report.counter).strip("-")
        return f"{report.kind}-report-{counter}-session-{report.session_no}.pdf"

    def close_session(self, request: CloseRequest) -> None:
        self.close_panel.message.setText("Closing…")
        (Operation(self, lambda: self.cash.close_session(
            self.actor, request.counts, request.reason, request.supervisor_username or None,
            request.supervisor_password or None), writes=True, label="Closing the session…")
         .success(self._closed)
         .failure(lambda error: self._failed(error, self.close_panel.show_error))
         .run_in_background())

    def _closed(self, z: ZReport) -> None:
        self.mode = REPORT
        self._done(f"Session {z.report.session_no} closed: {z.closing.over_short.lower()} "
                   f"{self._money(abs(z.closing.variance))}.", z.changes)
        self._show_report(z.report)
        path = self.reports_dir / self._pdf_name(z.report)
        (Operation(self, lambda: self._file_z_report(z.report, path))
         .success(self.report_panel.message.setText)
         .failure(lambda error: self._failed(error, self.report_panel.message.setText))
         .run_in_background())

    def _file_z_report(self, report: SessionReport, path: Path) -> str:
        """Off the GUI thread: the PDF always, the receipt printer when there is one."""
        lines = [f"Z report saved as {self.cash.save_report_pdf(self.actor, report, path)}."]
        if self.state is not None and self.state.printer_url:
            try:
                outcome = self.cash.print_report(self.actor, report)
                lines.append(f"Printed on {outcome.address}.")
            except PrinterError as error:
                lines.append(f"Not printed: {error.message}. Print it again from here.")
        return " ".join(lines)

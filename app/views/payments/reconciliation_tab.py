"""The Reconciliation tab: import a bank statement, see its lines Matched, Unmatched (both ways)
and Discrepancies, and resolve each exception with a note; import gateway events from here too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.payments.reconciliation import StatementErrors
from app.services.core.changes import LEDGER, PAYMENTS, Changes
from app.services.core.context import Actor
from app.services.payments.reconciliation import (
    RECONCILIATION,
    Reconciliation,
    ReconciliationService,
    ReconLine,
    ReconPayment,
    StatementInfo,
    StatementSummary,
)
from app.services.registry import Services
from app.views.common.forms import caption
from app.views.common.rows import RowsTableModel
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, error_label, show_error
from app.views.payments.gateway_import import GatewayImportAction
from app.views.payments.plans_models import rows_table, selected_item
from app.views.payments.reconciliation_dialogs import ImportProblemsDialog, ResolveDialog

FILES = "Bank statements (*.csv);;All files (*)"
LINE_HEADERS = ("Line", "Date", "Reference", "Bank amount", "Receipt #", "Consumer",
                "Payment amount", "Difference", "State", "Resolution")
PAYMENT_HEADERS = ("Receipt #", "Transaction #", "Consumer", "Amount", "Method", "Channel",
                   "Paid", "State", "Resolution")


def _right(button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    return row


class ReconciliationTab(QWidget):
    changed = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, display: Display,
                 today: Callable[[], date]) -> None:
        super().__init__()
        named(self, "Reconciliation tab")
        self.actor, self.display = actor, display
        self.recon = ReconciliationService(services.app)
        self.gateway = GatewayImportAction(services, actor, self)
        self.view: Reconciliation | None = None
        self.dialog: QWidget | None = None
        self.import_button = named(QPushButton("Import statement…"), "Import statement…")
        self.gateway_button = named(QPushButton("Import gateway events…"), "Import gateway events…")
        self.statement = named(QComboBox(), "Statement")
        self.statement.setMinimumWidth(360)
        self.notice = named(QLabel(""), "Reconciliation notice")
        self.error = error_label("Reconciliation")
        self.matched, self.matched_table = self._lines("Matched lines")
        self.unmatched, self.unmatched_table = self._lines("Unmatched bank lines")
        self.payments = RowsTableModel(PAYMENT_HEADERS, self._payment_cells, badges={7: "status"},
                                       right=frozenset({3}))
        self.payments_table = rows_table(self.payments, "Payments not in the statement", 8)
        self.discrepancies, self.discrepancies_table = self._lines("Discrepancies")
        self.resolve_line_button = named(QPushButton("Resolve bank line…"), "Resolve bank line…")
        self.resolve_payment_button = named(QPushButton("Resolve payment…"), "Resolve payment…")
        self.resolve_discrepancy_button = named(QPushButton("Resolve discrepancy…"),
                                                "Resolve discrepancy…")
        self.lists = named(QTabWidget(), "Reconciliation lists")
        self._layout()
        self._connect()
        self.reload()

    def _lines(self, name: str) -> tuple[RowsTableModel, QTableView]:
        model = RowsTableModel(LINE_HEADERS, self._line_cells, badges={8: "status"},
                               right=frozenset({3, 6, 7}))
        return model, rows_table(model, name, 9)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(caption("Statement:", self.statement))
        bar.addWidget(self.statement, 1)
        bar.addWidget(self.gateway_button)
        bar.addWidget(self.import_button)
        unmatched = QWidget()
        column = QVBoxLayout(unmatched)
        for title, table, button in (("Bank lines with no payment", self.unmatched_table,
                                      self.resolve_line_button),
                                     ("Posted non-cash payments with no bank line",
                                      self.payments_table, self.resolve_payment_button)):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(table)
            inner.addLayout(_right(button))
            column.addWidget(box)
        discrepancies = QWidget()
        QVBoxLayout(discrepancies).addWidget(self.discrepancies_table)
        discrepancies.layout().addLayout(_right(self.resolve_discrepancy_button))
        self.lists.addTab(self.matched_table, "Matched")
        self.lists.addTab(unmatched, "Unmatched")
        self.lists.addTab(discrepancies, "Discrepancies")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.lists, 1)

    def _connect(self) -> None:
        self.import_button.clicked.connect(self.choose_statement)
        self.gateway_button.clicked.connect(self.gateway.run)
        self.gateway.changed.connect(self._gateway_changed)
        self.statement.currentIndexChanged.connect(lambda _i: self.load())
        self.resolve_line_button.clicked.connect(lambda: self.resolve_line(self.unmatched_table))
        self.resolve_discrepancy_button.clicked.connect(
            lambda: self.resolve_line(self.discrepancies_table))
        self.resolve_payment_button.clicked.connect(self.resolve_payment)

    # cells -------------------------------------------------------------------------------------

    def _line_cells(self, line: ReconLine) -> tuple[str, ...]:
        d = self.display
        difference = line.difference
        return (str(line.line_no), d.day(line.booked_on), line.reference, d.money(line.amount),
                line.receipt_no, line.consumer_name, d.money(line.payment_amount),
                d.money(difference) if difference else "", "Resolved" if line.resolved else line.state,
                line.note)

    def _payment_cells(self, payment: ReconPayment) -> tuple[str, ...]:
        d = self.display
        return (payment.receipt_no, payment.transaction_no, payment.consumer_name,
                d.money(payment.amount), payment.method, payment.channel, d.local_day(payment.paid_at),
                "Resolved" if payment.resolved else "Unmatched", payment.note)

    # loading -----------------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        """The statements, newest first; keeps (or moves to) the chosen one."""
        select = select or self.statement.currentData()
        Background(self, lambda: self.recon.statements(self.actor)) \
            .success(lambda found: self._fill(found, select)) \
            .failure(lambda e: show_error(self.error, str(e))).run_in_background()

    def _fill(self, statements: list[StatementInfo], select: str | None) -> None:
        d = self.display
        self.statement.blockSignals(True)
        self.statement.clear()
        for s in statements:
            self.statement.addItem(f"{s.statement_ref} · {d.day(s.first_day)} – {d.day(s.last_day)}"
                                   f" · {s.lines} lines · {s.open_exceptions} open", s.statement_ref)
        index = self.statement.findData(select) if select else 0
        self.statement.setCurrentIndex(max(index, 0) if statements else -1)
        self.statement.blockSignals(False)
        if not statements:
            self.notice.setText("No bank statement imported yet: Import statement… to start.")
        self.load()

    def load(self) -> None:
        ref = self.statement.currentData()
        if not ref:
            self.show_reconciliation(None)
            return
        Background(self, lambda: self.recon.reconciliation(self.actor, ref)) \
            .success(self.show_reconciliation) \
            .failure(lambda e: show_error(self.error, str(e))).run_in_background()

    def show_reconciliation(self, view: Reconciliation | None) -> None:
        self.view = view
        parts = ((self.matched, "matched"), (self.unmatched, "unmatched_lines"),
                 (self.payments, "unmatched_payments"), (self.discrepancies, "discrepancies"))
        for model, attribute in parts:
            model.set_items(getattr(view, attribute) if view else ())
        if view is None:
            return
        open_count = sum(not x.resolved for x in (*view.unmatched_lines, *view.unmatched_payments))
        self.lists.setTabText(0, f"Matched ({len(view.matched)})")
        self.lists.setTabText(1, f"Unmatched ({open_count} open)")
        self.lists.setTabText(2, f"Discrepancies ({sum(not x.resolved for x in view.discrepancies)}"
                                 " open)")

    def use_display(self, display: Display) -> None:
        self.display = display

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(RECONCILIATION, PAYMENTS, LEDGER):
            self.reload()

    # importing ---------------------------------------------------------------------------------

    def choose_statement(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Import bank statement", "", FILES)
        if path:
            self.import_statement(path)

    def import_statement(self, path: str) -> None:
        self.import_button.setEnabled(False)
        Background(self, lambda: self.recon.import_statement_file(self.actor, path), writes=True,
                   label="Importing the bank statement…") \
            .success(self._imported).failure(self._import_failed).run_in_background()

    def _imported(self, summary: StatementSummary) -> None:
        self.import_button.setEnabled(True)
        show_error(self.error, "")
        odd = summary.discrepancies
        self.notice.setText(f"{summary.statement_ref}: {summary.lines} lines imported · "
                            f"{summary.matched} matched · {summary.unmatched} unmatched · "
                            f"{odd} discrepanc{'y' if odd == 1 else 'ies'}")
        self.reload(select=summary.statement_ref)
        self.lists.setCurrentIndex(2 if summary.discrepancies else 1 if summary.unmatched else 0)
        self.changed.emit(summary.changes)

    def _import_failed(self, error: Exception) -> None:
        self.import_button.setEnabled(True)
        if isinstance(error, StatementErrors):
            self._open(ImportProblemsDialog("Statement not imported", error.message,
                                            [str(p) for p in error.problems], self))
        else:
            show_error(self.error, f"The statement was not imported: {error}")

    def _gateway_changed(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.reload()

    # resolving ---------------------------------------------------------------------------------

    def resolve_line(self, table: QTableView) -> None:
        line: ReconLine | None = selected_item(table)
        if line is None or line.resolved:
            show_error(self.error, "Select an open exception to resolve.")
            return
        d = self.display
        facts = (f"Line {line.line_no} · {d.day(line.booked_on)} · {line.reference or 'no reference'}"
                 f" · {d.money(line.amount)}")
        if line.payment_amount is not None:
            facts += (f"<br>Payment {line.receipt_no} ({line.consumer_name}): "
                      f"{d.money(line.payment_amount)} · difference {d.money(line.difference)}")
        self._resolve(f"line {line.line_no}", facts,
                      lambda note: self.recon.resolve_line(self.actor, line.line_id, note))

    def resolve_payment(self) -> None:
        payment: ReconPayment | None = selected_item(self.payments_table)
        if payment is None or payment.resolved or self.view is None:
            show_error(self.error, "Select an open exception to resolve.")
            return
        ref = self.view.statement.statement_ref
        facts = (f"Payment {payment.receipt_no} · {payment.consumer_name} · "
                 f"{self.display.money(payment.amount)} by {payment.method}")
        self._resolve(f"payment {payment.receipt_no}", facts,
                      lambda note: self.recon.resolve_payment(self.actor, ref, payment.payment_id,
                                                              note))

    def _resolve(self, subject: str, facts: str, resolve) -> None:
        show_error(self.error, "")
        dialog = ResolveDialog(subject, facts, resolve, self)
        dialog.resolved.connect(self._resolved)
        self._open(dialog)

    def _resolved(self, changes: Changes) -> None:
        self.reload()
        self.changed.emit(changes)

    def _open(self, dialog) -> None:
        self.dialog = dialog
        dialog.open()

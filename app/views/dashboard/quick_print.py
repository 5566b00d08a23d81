"""The dashboard's quick actions over bills already made: Print & Distribute (a cycle's bills as
PDFs, with progress, optionally marked sent; or e-mailed to the consumers with an address) and GL Codes Management (the chart of accounts and
postings settings, and a cycle's GL journal exported). Both call the Billing module's services."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from app.domain.core import settings as registry
from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission, can
from app.services.billing.distribute import EmailedBills
from app.services.billing.journal import CycleJournal
from app.services.billing.printing import PrintedCycle
from app.services.core.changes import BILLS, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.operations import Operation
from app.views.common.widgets import named
from app.views.dashboard.quick_billing import (
    BulkBillDialog,
    QuickActionDialog,
    SingleBillDialog,
    cycle_picker,
    labelled,
)
from app.views.payments.display import Display
from app.views.settings.editors import RecordListEditor

GL_SETTINGS = ("gl.codes", "gl.postings")


def default_folder(cycle: str) -> Path:
    return Path.home() / "UtilityDesk bills" / "".join(c if c.isalnum() else "_" for c in cycle)


def _text(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100:,}.{abs(minor) % 100:02d}"


class PrintDialog(QuickActionDialog):
    """Every approved bill of a cycle written as a PDF into a folder, off the GUI thread."""

    def __init__(self, services: Services, actor: Actor, display: Display, parent=None) -> None:
        super().__init__("Print & Distribute", parent)
        self.services, self.actor = services, actor
        self.cycle = cycle_picker(self, services, actor, "Billing cycle")
        self.folder = named(QLineEdit(), "Output folder")
        self.folder.setPlaceholderText("Folder for the bill PDFs (the cycle's name under your home)")
        self.sent = named(QCheckBox("Mark as sent"), "Mark as sent")
        self.sent.setToolTip("Record each bill as sent to the consumer once its PDF is written")
        self.print_button = named(QPushButton("Print bills"), "Print bills")
        self.print_button.clicked.connect(self.print_bills)
        self.email_button = named(QPushButton("E-mail bills"), "E-mail bills")
        self.email_button.setToolTip("Queue each approved bill not sent yet to its consumer's e-mail address, "
                                     "with its PDF attached; the central service sends them")
        self.email_button.clicked.connect(self.email_bills)
        self.body.addLayout(labelled("Billing cycle", self.cycle))
        self.body.addLayout(labelled("Output folder", self.folder))
        line = QHBoxLayout()
        line.addWidget(self.sent)
        line.addStretch(1)
        line.addWidget(self.email_button)
        line.addWidget(self.print_button)
        self.body.addLayout(line)
        self.resize(640, 200)
        keyboard_dialog(self, accept=self.print_button, first=self.cycle)

    def print_bills(self) -> None:
        cycle = self.cycle.currentData()
        if not cycle:
            self.say("Billing cycle: choose the cycle whose bills to print", problem=True)
            return
        folder = Path(self.folder.text().strip()) if self.folder.text().strip() else default_folder(cycle)
        sent = self.sent.isChecked()
        self.print_button.setEnabled(False)
        Operation(self, lambda progress: self._print(cycle, folder, sent, progress), writes=True,
                  label="Printing bills…", reports_progress=True).success(
            lambda batch: self._printed(cycle, folder, sent, batch)).failure(
            self._not_printed).run_in_background()

    def _print(self, cycle: str, folder: Path, sent: bool, progress) -> PrintedCycle:
        billing = self.services.billing
        batch = billing.print_cycle(self.actor, cycle, folder,
                                    lambda done, total: progress("bill PDFs", done, total))
        for done, path in enumerate(batch.written if sent else (), start=1):
            billing.mark_printed(self.actor, path.stem, sent=True)
            progress("marked sent", done, len(batch.written))
        return batch

    def _printed(self, cycle: str, folder: Path, sent: bool, batch: PrintedCycle) -> None:
        self.print_button.setEnabled(True)
        written = batch.written
        marked = f", {len(written):,} marked sent" if sent else ""
        refused = (f"; {len(batch.refused):,} not printed (see the Print Format Errors exceptions): "
                   + "; ".join(batch.refused)) if batch.refused else ""
        self.did(f"{cycle}: {len(written):,} bill PDF(s) written to {folder}{marked}{refused}")
        self.changed.emit(Changes.of(BILLS))

    def _not_printed(self, error: Exception) -> None:
        self.print_button.setEnabled(True)
        self.email_button.setEnabled(True)
        self.failed(error)

    def email_bills(self) -> None:
        cycle = self.cycle.currentData()
        if not cycle:
            self.say("Billing cycle: choose the cycle whose bills to e-mail", problem=True)
            return
        self.email_button.setEnabled(False)
        Operation(self, lambda progress: self.services.billing.email_cycle(
            self.actor, cycle, lambda done, total: progress("bills", done, total)), writes=True,
            label="Queueing bills for e-mail…", reports_progress=True).success(
            lambda emailed: self._emailed(cycle, emailed)).failure(self._not_printed).run_in_background()

    def _emailed(self, cycle: str, emailed: EmailedBills) -> None:
        self.email_button.setEnabled(True)
        self.did(f"{cycle}: {emailed.describe()}")
        self.changed.emit(Changes.of(BILLS))


class GlCodesDialog(QuickActionDialog):
    """The GL codes and postings settings (changed by a Utility Administrator, read by the rest),
    and a cycle's GL journal exported as CSV or JSON."""

    def __init__(self, services: Services, actor: Actor, display: Display, parent=None) -> None:
        super().__init__("GL Codes Management", parent)
        self.services, self.actor = services, actor
        self.editors = {key: RecordListEditor(registry.spec_of(key).kind, registry.spec_of(key).label)
                        for key in GL_SETTINGS}
        self.save_button = named(QPushButton("Save GL codes"), "Save GL codes")
        self.save_button.clicked.connect(self.save)
        if not can(actor.role, Permission.MANAGE_SETTINGS):
            self.save_button.setEnabled(False)
            self.save_button.setToolTip("Only a Utility Administrator changes the GL codes")
        self.load()
        codes = QHBoxLayout()
        for editor in self.editors.values():
            codes.addWidget(editor, 1)
        settings_box = named(QGroupBox("GL codes and postings"), "GL codes and postings")
        inner = QVBoxLayout(settings_box)
        inner.addLayout(codes)
        inner.addWidget(self.save_button)
        self.body.addWidget(settings_box, 1)
        self.body.addWidget(self._journal_box())
        self.resize(1000, 640)
        keyboard_dialog(self, accept=self.export_button)

    def _journal_box(self) -> QGroupBox:
        box = named(QGroupBox("GL journal"), "GL journal")
        self.cycle = cycle_picker(self, self.services, self.actor, "Journal cycle")
        self.journal_file = named(QLineEdit(), "Journal file")
        self.journal_file.setPlaceholderText("A .csv or .json file")
        self.export_button = named(QPushButton("Export journal"), "Export journal")
        self.export_button.clicked.connect(self.export_journal)
        layout = QVBoxLayout(box)
        layout.addLayout(labelled("Journal cycle", self.cycle))
        line = labelled("Journal file", self.journal_file)
        line.addWidget(self.export_button)
        layout.addLayout(line)
        return box

    def load(self) -> None:
        settings = self.services.settings.current()
        for key, editor in self.editors.items():
            editor.load(settings.get(key))

    def save(self) -> None:
        try:
            changes = self.services.settings.update(
                self.actor, {key: editor.value() for key, editor in self.editors.items()})
        except ValidationError as error:
            self.say(f"Not saved. {error.field}: {error.rule}.", problem=True)
            return
        except Exception as error:  # noqa: BLE001 - shown in the dialog
            self.failed(error)
            return
        self.load()
        self.did("GL codes saved")
        self.changed.emit(changes)

    def export_journal(self) -> None:
        cycle, file = self.cycle.currentData(), self.journal_file.text().strip()
        if not cycle:
            self.say("Journal cycle: choose the cycle whose journal to export", problem=True)
            return
        if Path(file).suffix.lower() not in (".csv", ".json"):
            self.say("Journal file: give a file name ending in .csv or .json", problem=True)
            return
        Operation(self, lambda: self.services.billing.export_journal(self.actor, cycle, Path(file)),
                  label="Exporting the GL journal…").success(
            lambda journal: self._exported(journal, Path(file))).failure(self.failed).run_in_background()

    def _exported(self, journal: CycleJournal, path: Path) -> None:
        self.did(f"GL journal of {journal.cycle} exported to {path.name}: {len(journal.entries)} "
                 f"GL code(s), debits {_text(journal.debits)} = credits {_text(journal.credits)}")


QUICK_DIALOGS: dict[str, type[QuickActionDialog]] = {
    "Bulk Bill Generation": BulkBillDialog, "Single Bill Generation": SingleBillDialog,
    "Print & Distribute": PrintDialog, "GL Codes Management": GlCodesDialog}

"""The dashboard's quick actions and exceptions workflow, driven by accessible name in dialogs over
the dashboard: what each stored (bills, PDFs, sent marks, the GL setting, the journal file, an
exception resolved) and the audit entry carrying each action's real outcome."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QTableWidget
from sqlalchemy import select

from app.models.billing import Bill, BillingException
from app.models.system import AuditEntry
from app.views.dashboard.dashboard_page import DashboardPage
from tests.billing_fixtures import CYCLE, build_world
from tests.gui.helpers import click, find, type_into
from tests.tariff_fixtures import actor


@pytest.fixture
def world(runtime, services):
    world = build_world(runtime, services)
    for n in range(6):  # Consumer 4 has no reads: the run sends it to the exceptions queue
        reads = [(date(2025, 3, 16), "100"), (date(2025, 4, 16), str(180 + 25 * n))]
        world.consumer(f"Consumer {n}", meters={"electricity": reads if n != 4 else []})
    return world


def open_page(qtbot, services, runtime, username="manager") -> DashboardPage:
    page = DashboardPage(services, actor(runtime, username))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.loaded is not None, timeout=10000)
    return page


def open_action(qtbot, page, action: str):
    click(qtbot, find(page, action, QPushButton))
    dialog = page.quick_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def wait_for_cycles(qtbot, dialog, name="Billing cycle") -> None:
    combo = find(dialog, name, QComboBox)
    qtbot.waitUntil(lambda: combo.count() == 1, timeout=5000)
    assert combo.currentData() == CYCLE


def outcomes(runtime) -> list[tuple[str, str]]:
    with runtime.app.sessions() as session:
        rows = session.execute(select(AuditEntry.entity_id, AuditEntry.summary).where(
            AuditEntry.action == "dashboard_quick_action").order_by(AuditEntry.seq)).all()
    return [(entity, str(summary)) for entity, summary in rows]


def bills(runtime) -> list[Bill]:
    with runtime.app.sessions() as session:
        return list(session.execute(select(Bill).order_by(Bill.invoice_no)).scalars())


def bill_the_cycle(services, runtime) -> None:
    billing = services.billing
    billing.generate(actor(runtime, "manager"), billing.cycle_scope(CYCLE))


def test_bulk_bill_generation_runs_a_cycle_with_progress(qtbot, services, runtime, world, tmp_path):
    page = open_page(qtbot, services, runtime)
    dialog = open_action(qtbot, page, "Bulk Bill Generation")
    wait_for_cycles(qtbot, dialog)
    click(qtbot, find(dialog, "Run billing", QPushButton))
    run = dialog.run_dialog
    summary = find(run, "Run summary", QLabel)
    qtbot.waitUntil(summary.isVisible, timeout=15000)
    assert "5 bill(s) generated" in summary.text()
    dialog.grab().save(str(tmp_path / "bulk.png"))
    click(qtbot, find(run, "Close", QPushButton))
    assert "5 bill(s) generated" in find(dialog, "Outcome", QLabel).text()
    click(qtbot, find(dialog, "Close", QPushButton))
    assert len(bills(runtime)) == 5
    [(action, summary_text)] = outcomes(runtime)
    assert action == "Bulk Bill Generation" and "5 bill(s) generated, 0 already billed, 1 sent" in summary_text


def test_single_bill_generation_bills_one_consumer_and_shows_the_bill(qtbot, services, runtime, world):
    page = open_page(qtbot, services, runtime, "specialist")
    dialog = open_action(qtbot, page, "Single Bill Generation")
    search = find(dialog, "Find consumer", QLineEdit)
    type_into(qtbot, search, "C0002")
    qtbot.keyClick(search, "\r")
    generate = find(dialog, "Generate bill", QPushButton)
    qtbot.waitUntil(generate.isEnabled, timeout=5000)
    click(qtbot, generate)
    qtbot.waitUntil(lambda: "generated for C0002-A" in find(dialog, "Outcome", QLabel).text(), timeout=15000)
    [bill] = bills(runtime)
    assert find(dialog, "Bill", QLabel).text().startswith(bill.invoice_no)
    assert find(dialog, "Bill lines", QTableWidget).rowCount() >= 1
    click(qtbot, generate)  # again: one bill per account and period
    qtbot.waitUntil(lambda: "already billed" in find(dialog, "Outcome", QLabel).text(), timeout=15000)
    assert len(bills(runtime)) == 1
    click(qtbot, find(dialog, "Close", QPushButton))
    [(action, summary_text)] = outcomes(runtime)
    assert action == "Single Bill Generation" and f"{bill.invoice_no} generated" in summary_text


def test_print_and_distribute_writes_pdfs_and_marks_them_sent(qtbot, services, runtime, world, tmp_path):
    bill_the_cycle(services, runtime)
    page = open_page(qtbot, services, runtime)
    dialog = open_action(qtbot, page, "Print & Distribute")
    wait_for_cycles(qtbot, dialog)
    type_into(qtbot, find(dialog, "Output folder", QLineEdit), str(tmp_path / "bills"))
    find(dialog, "Mark as sent", QCheckBox).setChecked(True)
    click(qtbot, find(dialog, "Print bills", QPushButton))
    qtbot.waitUntil(lambda: "marked sent" in find(dialog, "Outcome", QLabel).text(), timeout=30000)
    made = bills(runtime)
    assert sorted(p.stem for p in (tmp_path / "bills").glob("*.pdf")) == [b.invoice_no for b in made]
    assert all(b.printed_at and b.sent_at for b in made)
    click(qtbot, find(dialog, "Close", QPushButton))
    assert "5 bill PDF(s) written" in outcomes(runtime)[0][1]


def test_gl_codes_are_changed_by_an_administrator_and_the_journal_exported(qtbot, services, runtime, world,
                                                                           tmp_path):
    bill_the_cycle(services, runtime)
    page = open_page(qtbot, services, runtime, "admin")
    dialog = open_action(qtbot, page, "GL Codes Management")
    table = find(dialog, "GL codes", QTableWidget)
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "4000")
    table.item(row, 1).setText("Electricity energy revenue")
    click(qtbot, find(dialog, "Save GL codes", QPushButton))
    assert find(dialog, "Outcome", QLabel).text() == "GL codes saved"
    codes = {code.code: code.description for code in services.settings.current().gl_codes}
    assert codes["4000"] == "Electricity energy revenue"
    wait_for_cycles(qtbot, dialog, "Journal cycle")
    type_into(qtbot, find(dialog, "Journal file", QLineEdit), str(tmp_path / "journal.txt"))
    click(qtbot, find(dialog, "Export journal", QPushButton))
    assert "ending in .csv or .json" in find(dialog, "Outcome", QLabel).text()
    find(dialog, "Journal file", QLineEdit).setText(str(tmp_path / "journal.csv"))
    click(qtbot, find(dialog, "Export journal", QPushButton))
    qtbot.waitUntil(lambda: "exported to journal.csv" in find(dialog, "Outcome", QLabel).text(), timeout=10000)
    assert "Electricity energy revenue" in (tmp_path / "journal.csv").read_text()
    click(qtbot, find(dialog, "Close", QPushButton))
    assert "GL codes saved; GL journal of" in outcomes(runtime)[0][1]

    click(qtbot, find(page, "Bulk Bill Generation", QPushButton))  # no bill runs for this role
    assert "may not run it" in find(page, "Message", QLabel).text()
    assert "refused" in outcomes(runtime)[1][1]


def test_a_manager_sees_the_gl_codes_but_may_not_change_them(qtbot, services, runtime, world):
    page = open_page(qtbot, services, runtime)
    dialog = open_action(qtbot, page, "GL Codes Management")
    assert not find(dialog, "Save GL codes", QPushButton).isEnabled()
    assert find(dialog, "GL postings", QTableWidget).rowCount() == 9
    click(qtbot, find(dialog, "Close", QPushButton))
    assert "closed without acting" in outcomes(runtime)[0][1]


def test_the_exceptions_tab_opens_the_billing_exceptions_workflow(qtbot, services, runtime, world):
    bill_the_cycle(services, runtime)
    page = open_page(qtbot, services, runtime, "specialist")
    page.tabs.setCurrentWidget(page.exceptions)
    click(qtbot, find(page, "Open Exception Workflow", QPushButton))
    dialog = page.exceptions_dialog
    table = find(dialog, "Exceptions", QTableWidget)
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=5000)
    type_into(qtbot, find(dialog, "Note", QLineEdit), "Meter read taken on site")
    click(qtbot, find(dialog, "Resolve", QPushButton))
    qtbot.waitUntil(lambda: table.rowCount() == 0, timeout=5000)
    with runtime.app.sessions() as session:
        [exception] = session.execute(select(BillingException)).scalars().all()
    assert exception.status == "Resolved" and "Meter read taken on site" in exception.resolution


def test_a_dashboard_report_is_scheduled_from_the_dashboard(qtbot, services, runtime, world):
    page = open_page(qtbot, services, runtime, "admin")
    click(qtbot, find(page, "Scheduled Reports", QPushButton))
    dialog = page.schedules_dialog
    table = find(dialog, "Scheduled reports", QTableWidget)
    assert table.rowCount() == 1  # the daily collections summary
    click(qtbot, find(dialog, "Add row", QPushButton))
    for column, text in enumerate(("Dashboard to managers", "Billing dashboard summary", "All centres",
                                   "billing.manager@example.com", "07:30")):
        table.item(1, column).setText(text)
    table.item(1, 5).setCheckState(Qt.CheckState.Checked)
    click(qtbot, find(dialog, "Save schedules", QPushButton))
    assert find(dialog, "Outcome", QLabel).text().startswith("Schedules saved")
    [_, schedule] = services.settings.current().get("reports.schedules")
    assert (schedule.report, schedule.recipients, schedule.send_at, schedule.enabled) == (
        "Billing dashboard summary", ("billing.manager@example.com",), "07:30", True)
    table.item(1, 4).setText("7 am")
    click(qtbot, find(dialog, "Save schedules", QPushButton))
    assert "Not saved. Scheduled reports" in find(dialog, "Outcome", QLabel).text()
    assert services.settings.current().get("reports.schedules")[1].send_at == "07:30"

    manager_page = open_page(qtbot, services, runtime)
    click(qtbot, find(manager_page, "Scheduled Reports", QPushButton))
    assert not find(manager_page.schedules_dialog, "Save schedules", QPushButton).isEnabled()


def test_a_schedule_s_report_is_picked_from_the_reports_there_are(qtbot, services, runtime, world):
    page = open_page(qtbot, services, runtime, "admin")
    click(qtbot, find(page, "Scheduled Reports", QPushButton))
    dialog = page.schedules_dialog
    table = find(dialog, "Scheduled reports", QTableWidget)
    click(qtbot, find(dialog, "Add row", QPushButton))
    assert table.item(1, 1).text() == "Daily collections summary"  # a new row starts on a real report
    table.setFocus()
    table.setCurrentCell(1, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    picker = find(table, "Report", QComboBox)
    assert [picker.itemText(i) for i in range(picker.count())] == \
        ["Daily collections summary", "Billing dashboard summary"]
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    qtbot.keyClick(picker, Qt.Key.Key_Return)  # the delegate commits on the next turn of the loop
    qtbot.waitUntil(lambda: table.item(1, 1).text() == "Billing dashboard summary", timeout=2000)


def test_print_and_distribute_e_mails_each_bill_once_and_names_those_without_an_address(
        qtbot, services, runtime, world):
    from app.models.consumers import Consumer
    from app.models.requests import Notification

    bill_the_cycle(services, runtime)
    with runtime.app.sessions() as session, session.begin():
        for consumer in session.execute(select(Consumer).where(Consumer.name.in_(
                ("Consumer 0", "Consumer 1", "Consumer 2")))).scalars():
            consumer.email = f"{consumer.name.replace(' ', '').lower()}@example.com"
    page = open_page(qtbot, services, runtime, "admin")  # an administrator sends, not bills
    dialog = open_action(qtbot, page, "Print & Distribute")
    wait_for_cycles(qtbot, dialog)
    click(qtbot, find(dialog, "E-mail bills", QPushButton))
    outcome = find(dialog, "Outcome", QLabel)
    qtbot.waitUntil(lambda: "queued for e-mail" in outcome.text(), timeout=30000)
    assert "3 bill(s) queued for e-mail" in outcome.text()
    assert "2 without an e-mail address (print them)" in outcome.text()
    with runtime.app.sessions() as session:
        mails = session.execute(select(Notification).where(Notification.kind == "bill")).scalars().all()
    sent = {b.invoice_no: b for b in bills(runtime) if b.sent_at}
    assert sorted(m.attachment for m in mails) == sorted(f"bills:{invoice}" for invoice in sent)
    assert {m.recipient for m in mails} == {"consumer0@example.com", "consumer1@example.com",
                                            "consumer2@example.com"}
    assert all(b.sent_by == "admin" for b in sent.values())
    assert all("Amount due:" in m.body and " USD" in m.body for m in mails)  # neutral, formatted at sending
    click(qtbot, find(dialog, "E-mail bills", QPushButton))  # again: nobody gets a second e-mail
    qtbot.waitUntil(lambda: "0 bill(s) queued" in outcome.text(), timeout=30000)
    with runtime.app.sessions() as session:
        assert len(session.execute(select(Notification).where(Notification.kind == "bill")).all()) == 3

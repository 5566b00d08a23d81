"""Bill PDFs: what a consumer reads on paper, and each bill marked printed with when and who."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.core.errors import ValidationError
from tests.billing_fixtures import CYCLE, build_world
from tests.tariff_fixtures import actor


def pdf_text(path) -> tuple[int, str]:
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    document.load(str(path))
    text = "\n".join(document.getAllText(page).text() for page in range(document.pageCount()))
    return document.pageCount(), text


@pytest.fixture
def billed(runtime, services):
    world = build_world(runtime, services)
    for n in range(3):
        world.consumer(f"Consumer {n}", address=f"{n} Elm Road",
                       meters={"electricity": [(date(2025, 3, 16), "1000"), (date(2025, 4, 16), str(1120 + n))]})
    billing = services.billing
    billing.generate(actor(runtime, "specialist"), billing.cycle_scope(CYCLE))
    return billing


def test_a_bill_pdf_shows_reads_lines_with_versions_totals_and_is_marked_printed(runtime, billed, tmp_path):
    specialist = actor(runtime, "specialist")
    path = billed.bill_pdf(specialist, "INV-414013", tmp_path / "bill.pdf")
    pages, text = pdf_text(path)
    assert pages == 1
    for expected in ("Bill INV-414013", "Consumer 0", "0 Elm Road", "M-C0001-electricity",
                     "1,120", "Energy charge", "v1", "Administrative Fee", "Tax (5% of 20.39)",
                     "$21.41", "Total due", "Pay by"):
        assert expected in text, expected
    assert billed.bill(specialist, "INV-414013").printed.endswith("by specialist")


def test_a_cycle_prints_as_a_batch_with_progress(runtime, billed, tmp_path):
    seen = []
    batch = billed.print_cycle(actor(runtime, "specialist"), CYCLE, tmp_path / "out",
                               lambda done, total: seen.append((done, total)))
    assert [p.name for p in batch.written] == ["INV-414013.pdf", "INV-414014.pdf", "INV-414015.pdf"]
    assert batch.refused == []
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_cancelled_bill_is_not_printed(runtime, billed, tmp_path):
    billed.cancel(actor(runtime, "manager"), "INV-414013", "Wrong read")
    with pytest.raises(ValidationError, match="Only an approved bill is printed"):
        billed.bill_pdf(actor(runtime, "manager"), "INV-414013", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_bill_too_large_for_its_template_is_a_print_format_error_and_the_batch_goes_on(
        runtime, billed, tmp_path):
    from sqlalchemy import select, update

    from app.models.billing import Bill, BillingException
    from app.models.consumers import Consumer

    with runtime.app.sessions() as session, session.begin():
        consumer_id = session.execute(select(Bill.consumer_id).where(
            Bill.invoice_no == "INV-414014")).scalar_one()
        session.execute(update(Consumer).where(Consumer.id == consumer_id)
                        .values(billing_address="Unit 7, " * 3000))  # bad data from a migration, say
    specialist = actor(runtime, "specialist")
    with pytest.raises(ValidationError, match="Consumer .a Print Format Errors exception was opened.: is too "
                                              "large to fit on a page of Bill INV-414014"):
        billed.bill_pdf(specialist, "INV-414014", tmp_path / "one.pdf")
    assert not (tmp_path / "one.pdf").exists()  # no half-written document
    batch = billed.print_cycle(specialist, CYCLE, tmp_path / "out")
    assert [p.name for p in batch.written] == ["INV-414013.pdf", "INV-414015.pdf"]
    assert [r.split(":")[0] for r in batch.refused] == ["INV-414014"]
    with runtime.app.sessions() as session:
        opened = session.execute(select(BillingException)).scalars().all()
        printed = session.execute(select(Bill.printed_at).where(Bill.invoice_no == "INV-414014")).scalar_one()
    assert [(e.category, e.severity, e.consumer_id) for e in opened] == [
        ("Print Format Errors", "Low", consumer_id)]  # once, though it failed twice
    assert "Bill INV-414014 cannot be printed: the Consumer block is too large" in opened[0].message
    assert printed is None

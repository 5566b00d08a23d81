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
    paths = billed.print_cycle(actor(runtime, "specialist"), CYCLE, tmp_path / "out",
                               lambda done, total: seen.append((done, total)))
    assert [p.name for p in paths] == ["INV-414013.pdf", "INV-414014.pdf", "INV-414015.pdf"]
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_cancelled_bill_is_not_printed(runtime, billed, tmp_path):
    billed.cancel(actor(runtime, "manager"), "INV-414013", "Wrong read")
    with pytest.raises(ValidationError, match="Only an approved bill is printed"):
        billed.bill_pdf(actor(runtime, "manager"), "INV-414013", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()

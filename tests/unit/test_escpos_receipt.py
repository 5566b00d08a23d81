"""Receipts as the paper shows them: rendered to ESC/POS bytes, then decoded back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.printing.escpos.decode import decode
from app.printing.escpos.receipt import (
    Pair,
    PrinterProfile,
    ReceiptData,
    Rule,
    drawer_kick_bytes,
    format_money,
    printable,
    render_lines,
    render_receipt,
    render_test_page,
)


def usd(value: str) -> Money:
    return Money.of(value, "USD")


SAMPLE = ReceiptData(
    utility_name="City Utilities",
    header_lines=("12 Main Street, Springfield", "Helpline 1800-000-000"),
    centre="Central Service Centre",
    counter="3",
    receipt_no="R-5001",
    printed_at=datetime(2025, 1, 15, 10, 30),
    cashier="Jane Smith",
    consumer_name="John Doe",
    account_no="WU-10001",
    payment_type="Bill",
    reference="INV-2025-001234",
    method="Cash",
    amount_applied=usd("145.50"),
    tendered=usd("150.00"),
    change=usd("4.50"),
    balance_after=usd("0.00"),
    footer_lines=("Thank you for your payment",),
)


def paper(data: ReceiptData, columns: int, symbol: str = "$", **profile: object) -> list[str]:
    return decode(render_receipt(data, PrinterProfile(columns=columns, **profile), symbol)).text_lines


@pytest.mark.parametrize("columns", [32, 48])
def test_sample_receipt_reads_back(columns: int) -> None:
    lines = paper(SAMPLE, columns)
    assert all(len(line) <= columns for line in lines)
    expected_pairs = [
        ("Receipt No", "R-5001"), ("Date", "15-Jan-2025 10:30"), ("Cashier", "Jane Smith"),
        ("Consumer", "John Doe"), ("Account No", "WU-10001"), ("Payment For", "Bill"),
        ("Invoice No", "INV-2025-001234"), ("Method", "Cash"), ("Amount Paid", "$145.50"),
        ("Tendered", "$150.00"), ("Change", "$4.50"), ("Balance After Payment", "$0.00"),
    ]
    for label, value in expected_pairs:
        assert label + " " * (columns - len(label) - len(value)) + value in lines
    assert lines[0] == "City Utilities"
    assert "-" * columns in lines
    assert "DUPLICATE" not in "\n".join(lines)


def test_sample_commands_carry_qr_styles_and_cut() -> None:
    decoded = decode(render_receipt(SAMPLE, PrinterProfile(columns=48), "$"))
    assert decoded.commands[:2] == ["init", "codepage:cp437"]
    assert "qr:R-5001" in decoded.commands
    assert {"bold_on", "bold_off", "size:1x2", "align_center"} <= set(decoded.commands)
    assert decoded.commands[-1] == "cut"
    assert "drawer_kick:pin0" not in decoded.commands  # the drawer is kicked separately


def test_reprint_says_duplicate_and_void_says_void() -> None:
    lines = paper(replace(SAMPLE, duplicate=True, void=True), 32)
    assert lines.count("*** DUPLICATE ***") == 2
    assert lines.count("*** VOID ***") == 2


def test_no_cut_when_the_profile_has_no_cutter() -> None:
    decoded = decode(render_receipt(SAMPLE, PrinterProfile(columns=32, cut=False), "$"))
    assert "cut" not in decoded.commands and "feed:4" in decoded.commands


def test_rupee_becomes_rs_in_cp437_with_indian_grouping() -> None:
    rupees = replace(
        SAMPLE,
        amount_applied=Money.of("145000.50", "INR"),
        tendered=None,
        change=None,
        balance_after=Money.of("0", "INR"),
        credit_note_no="CN-46129",
        credit_note_amount=Money.of("4.50", "INR"),
    )
    lines = paper(rupees, 32, symbol="₹")
    assert "Amount Paid" + " " * 7 + "Rs.1,45,000.50" in lines
    assert any(line.startswith("Credit Note") and line.endswith("CN-46129") for line in lines)
    assert any(line.endswith("Rs.4.50") for line in lines)
    assert not any("Tendered" in line or "Change" in line for line in lines)


def test_characters_the_code_page_lacks() -> None:
    assert printable("₹ 10", "cp437") == "Rs. 10"
    assert printable("€5", "cp437") == "EUR5"
    assert printable("€5", "cp858") == "€5"  # cp858 has the euro
    assert printable("Zoë Ōkubo", "cp437") == "Zoë Okubo"  # accent dropped only where missing
    assert printable("日本", "cp437") == "??"
    assert printable("A\x1bB\tC", "cp437") == "A?B C"  # a control byte must not reach the printer


def test_euro_prints_in_cp858() -> None:
    eur = replace(SAMPLE, amount_applied=Money.of("145.50", "EUR"), balance_after=Money.of("0", "EUR"),
                  tendered=None, change=None)
    decoded = decode(render_receipt(eur, PrinterProfile(columns=32, code_page="cp858"), "€"))
    assert "codepage:cp858" in decoded.commands
    assert any(line.endswith("€145.50") for line in decoded.text_lines)


def test_long_values_wrap_within_the_width() -> None:
    long = replace(SAMPLE, consumer_name="Maria Fernanda de los Santos Rodriguez-Villanueva",
                   footer_lines=("Pay online at https://pay.example-utility.com/consumers/WU-10001",))
    for columns in (32, 48):
        lines = paper(long, columns)
        assert all(len(line) <= columns for line in lines)
        assert "Consumer" in lines


def test_centred_lines_are_padded_in_a_preview() -> None:
    lines = decode(render_receipt(SAMPLE, PrinterProfile(columns=32), "$"), columns=32).text_lines
    assert lines[0] == " " * 9 + "City Utilities"


def test_drawer_kick_pins() -> None:
    assert drawer_kick_bytes(2) == b"\x1bp\x00\x19\xfa"
    assert drawer_kick_bytes(5) == b"\x1bp\x01\x19\xfa"
    assert decode(drawer_kick_bytes(0)).commands == ["drawer_kick:pin0"]
    with pytest.raises(ValidationError):
        drawer_kick_bytes(3)


def test_render_lines_for_reports() -> None:
    data = render_lines(
        "X REPORT",
        [("Opening float", "$200.00"), Rule(), Pair("Expected", "$345.50", bold=True)],
        PrinterProfile(columns=32),
        footer=("Counter 3",),
    )
    decoded = decode(data)
    assert decoded.text_lines[:2] == ["X REPORT", "-" * 32]
    assert "Expected" + " " * 17 + "$345.50" in decoded.text_lines
    assert decoded.commands[-1] == "cut"


def test_test_page_shows_ruler_and_profile() -> None:
    lines = decode(render_test_page(PrinterProfile(columns=32, code_page="cp858"))).text_lines
    assert "12345678901234567890123456789012" in lines
    assert "Characters: Rs. € £ é ñ ü" in lines


def test_logo_is_rasterised(tmp_path) -> None:
    from PIL import Image

    path = tmp_path / "logo.png"
    Image.new("L", (1000, 200), 0).save(path)
    decoded = decode(render_receipt(SAMPLE, PrinterProfile(columns=32, logo_path=str(path)), "$"))
    assert "image:384x76" in decoded.commands
    missing = PrinterProfile(columns=32, logo_path=str(tmp_path / "none.png"))
    assert decode(render_receipt(SAMPLE, missing, "$")).text_lines == paper(SAMPLE, 32)


def test_decoder_reads_python_escpos_output() -> None:
    from escpos.printer import Dummy

    printer = Dummy()
    printer.set(align="center", bold=True)
    printer.text("Hello\n")
    printer.qr("R-5001", native=True)
    printer.cut()
    decoded = decode(printer.output)
    assert "Hello" in decoded.text_lines
    assert "qr:R-5001" in decoded.commands
    assert {"bold_on", "align_center"} <= set(decoded.commands)


def test_money_formatting() -> None:
    assert format_money(Money.of("1234567.5", "USD"), "$") == "$1,234,567.50"
    assert format_money(Money.of("-4.5", "USD"), "$") == "-$4.50"
    assert format_money(Money.of("12345678", "INR"), "₹") == "₹1,23,45,678.00"
    assert format_money(Money.of("999", "INR"), "₹") == "₹999.00"


def test_profile_rules() -> None:
    assert PrinterProfile.for_paper(58).columns == 32
    assert PrinterProfile.for_paper(80).columns == 48
    with pytest.raises(ValidationError):
        PrinterProfile(code_page="utf-8")
    with pytest.raises(ValidationError):
        PrinterProfile.for_paper(76)

"""Payment receipts and counter reports laid out for ESC/POS thermal printers, as bytes."""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal

from app import formatting
from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.formatting import Formats

ESC, GS = b"\x1b", b"\x1d"
LF = b"\n"
INIT = ESC + b"@"
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
SIZE_NORMAL, SIZE_TALL = GS + b"!\x00", GS + b"!\x01"  # tall keeps the column count
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
PARTIAL_CUT = GS + b"V\x01"
FEED_BEFORE_CUT = 4  # lines between the last text and the cutter blade

# ESC t n numbers of the Epson character code tables.
CODE_PAGES = {
    "cp437": 0, "cp850": 2, "cp860": 3, "cp863": 4, "cp865": 5,
    "cp1252": 16, "cp866": 17, "cp852": 18, "cp858": 19,
}
# Tried only when the code page lacks the character; anything else becomes '?'.
SUBSTITUTES = {
    "₹": "Rs.", "€": "EUR", "£": "GBP", "¥": "JPY", "—": "-", "–": "-", "‘": "'", "’": "'",
    "“": '"', "”": '"', "…": "...", "•": "*", "\u00a0": " ",
}
REFERENCE_LABELS = {"Bill": "Invoice No", "Service": "Service Ref", "Installment": "Installment"}
PAPER_COLUMNS = {58: 32, 80: 48}

Align = Literal["left", "center", "right"]
PaymentType = Literal["Bill", "Service", "Installment"]


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    columns: int = 48
    code_page: str = "cp437"
    cut: bool = True
    drawer_pin: int = 2
    logo_path: str | None = None

    def __post_init__(self) -> None:
        if self.code_page not in CODE_PAGES:
            raise ValidationError("Code page", f"must be one of {', '.join(CODE_PAGES)}")
        if not 16 <= self.columns <= 64:
            raise ValidationError("Columns", "must be between 16 and 64")
        if self.drawer_pin not in (0, 1, 2, 5):
            raise ValidationError("Drawer pin", "must be 2 or 5 (or 0/1)")

    @classmethod
    def for_paper(cls, width_mm: int, **options: object) -> PrinterProfile:
        if width_mm not in PAPER_COLUMNS:
            raise ValidationError("Paper width", "must be 58 mm or 80 mm")
        return cls(columns=PAPER_COLUMNS[width_mm], **options)  # type: ignore[arg-type]

    @property
    def dots(self) -> int:
        """Printable width in dots at 203 dpi, for the logo."""
        return 384 if self.columns <= 32 else 576


# --- layout items: what a line on paper is, before it becomes bytes -------------


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    align: Align = "left"
    bold: bool = False
    tall: bool = False


@dataclass(frozen=True, slots=True)
class Pair:
    """A label on the left, its value on the right."""

    label: str
    value: str
    bold: bool = False
    tall: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True, slots=True)
class Qr:
    payload: str
    module_size: int = 6


@dataclass(frozen=True, slots=True)
class Logo:
    path: str


Line = Text | Pair | Rule | Qr | Logo


# --- receipts ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceiptData:
    utility_name: str
    centre: str
    counter: str
    receipt_no: str
    printed_at: datetime
    cashier: str
    consumer_name: str
    account_no: str
    payment_type: PaymentType
    reference: str
    method: str
    amount_applied: Money
    balance_after: Money
    header_lines: tuple[str, ...] = ()
    tendered: Money | None = None
    change: Money | None = None
    credit_note_no: str | None = None
    credit_note_amount: Money | None = None
    footer_lines: tuple[str, ...] = ()
    duplicate: bool = False
    void: bool = False
    qr_payload: str | None = None
    amount_paid: Money | None = None  # applied + kept on account; the applied amount when None
    copy_no: int | None = None  # a DUPLICATE's copy number (the original is copy 1)
    reprinted_at: datetime | None = None
    method_lines: tuple[tuple[str, str], ...] = ()  # card, cheque or transfer details
    settled: tuple[tuple[str, Money], ...] = ()  # several items in one payment: each and its amount
    formats: Formats | None = None  # the utility's date format and zone; None: 15-Jan-2025 10:30

    @property
    def qr(self) -> str:
        return self.qr_payload or self.receipt_no

    def moment(self, at: datetime) -> str:
        return self.formats.moment(at) if self.formats is not None else at.strftime("%d-%b-%Y %H:%M")


def render_receipt(data: ReceiptData, profile: PrinterProfile, currency_symbol: str) -> bytes:
    return render_items(receipt_layout(data, currency_symbol, profile.logo_path), profile)


def receipt_layout(data: ReceiptData, symbol: str, logo_path: str | None = None) -> list[Line]:
    """The receipt as lines, top to bottom (shared by the printer and a preview)."""
    lines: list[Line] = [Logo(logo_path)] if logo_path else []
    lines += _heading(data)
    lines += _banners(data)
    lines += [Text("PAYMENT RECEIPT", "center", bold=True)]
    lines += _who_and_when(data) + [Rule()] + _what_for(data) + [Rule()]
    lines += _settled(data, currency_symbol=symbol)
    lines += _amounts(data, symbol) + [Rule()]
    lines += [Text(line, "center") for line in data.footer_lines]
    lines += [Qr(data.qr), Text(data.qr, "center")]
    return lines + _banners(data)


def _heading(data: ReceiptData) -> list[Line]:
    return [
        Text(data.utility_name, "center", bold=True, tall=True),
        *(Text(line, "center") for line in data.header_lines),
        Text(data.centre, "center"),
        Text(f"Counter {data.counter}", "center"),
        Rule(),
    ]


def _banners(data: ReceiptData) -> list[Line]:
    # Both at the top and the bottom, so a torn-off half still says what it is.
    banners = ["*** VOID ***"] if data.void else []
    banners += ["*** DUPLICATE ***"] if data.duplicate else []
    lines: list[Line] = [Text(b, "center", bold=True, tall=True) for b in banners]
    if data.duplicate:
        lines.append(Text(duplicate_note(data.copy_no, data.reprinted_at, data.moment), "center"))
    return lines


def duplicate_note(copy_no: int | None, reprinted_at: datetime | None,
                   moment: Callable[[datetime], str] = lambda at: at.strftime("%d-%b-%Y %H:%M")) -> str:
    parts = [f"Copy {copy_no}"] if copy_no else []
    parts += [f"Reprinted {moment(reprinted_at)}"] if reprinted_at else []
    return " - ".join(parts)


def _who_and_when(data: ReceiptData) -> list[Line]:
    return [
        Pair("Receipt No", data.receipt_no),
        Pair("Date", data.moment(data.printed_at)),
        Pair("Cashier", data.cashier),
    ]


def _what_for(data: ReceiptData) -> list[Line]:
    return [
        Pair("Consumer", data.consumer_name),
        Pair("Account No", data.account_no),
        Pair("Payment For", data.payment_type),
        *([] if len(data.settled) > 1 else
          [Pair(REFERENCE_LABELS.get(data.payment_type, "Reference"), data.reference)]),
        Pair("Method", data.method),
        *(Pair(label, value) for label, value in data.method_lines),
    ]


def _settled(data: ReceiptData, currency_symbol: str) -> list[Line]:
    """A payment of several items lists each one with what it settled."""
    if len(data.settled) < 2:
        return []
    lines: list[Line] = [Text("Items Settled", bold=True)]
    lines += [Pair(reference, format_money(part, currency_symbol)) for reference, part in data.settled]
    return lines + [Rule()]


def _amounts(data: ReceiptData, symbol: str) -> list[Line]:
    paid = data.amount_paid if data.amount_paid is not None else data.amount_applied
    lines: list[Line] = [Pair("Amount Paid", format_money(paid, symbol), True, True)]
    if data.credit_note_amount is not None:
        lines.append(Pair("Applied", format_money(data.amount_applied, symbol)))
        lines.append(Pair("Kept on Account", format_money(data.credit_note_amount, symbol)))
    if data.credit_note_no:
        lines.append(Pair("Credit Note", data.credit_note_no))
    if data.tendered is not None:
        lines.append(Pair("Tendered", format_money(data.tendered, symbol)))
    if data.change is not None:
        lines.append(Pair("Change", format_money(data.change, symbol)))
    return lines + [Pair("Balance After Payment", format_money(data.balance_after, symbol))]


def format_money(money: Money, symbol: str, locale: str | None = None) -> str:
    """Symbol and grouped digits in the utility's locale; rupees use Indian grouping (1,45,000.00)."""
    return formatting.format_money(money, locale or ("en_IN" if money.currency == "INR" else "en_US"),
                                   symbol=symbol)


# --- other documents ----------------------------------------------------------------


def render_lines(
    title: str,
    rows: Iterable[Line | tuple[str, str]],
    profile: PrinterProfile,
    footer: Sequence[str] = (),
) -> bytes:
    """A titled list of label/value rows and separators: X and Z reports, no-sale slips."""
    lines: list[Line] = [Text(title, "center", bold=True, tall=True), Rule()]
    lines += [Pair(*row) if isinstance(row, tuple) else row for row in rows]
    lines += [Text(line, "center") for line in footer]
    return render_items(lines, profile)


def render_test_page(profile: PrinterProfile) -> bytes:
    ruler = "".join(str(i % 10) for i in range(1, profile.columns + 1))
    lines: list[Line] = [
        Text("PRINTER TEST", "center", bold=True, tall=True),
        Rule("="),
        Text(ruler),
        Pair("Columns", str(profile.columns)),
        Pair("Code page", profile.code_page),
        Pair("Cut", "yes" if profile.cut else "no"),
        Pair("Drawer pin", str(profile.drawer_pin)),
        Rule(),
        Text("Bold line", bold=True),
        Text("Tall line", tall=True),
        Text("Right", "right"),
        Text("Characters: ₹ € £ é ñ ü"),
        Qr("TEST"),
    ]
    return render_items(lines, profile)


def drawer_kick_bytes(pin: int) -> bytes:
    """ESC p m t1 t2: pulse the drawer connector (m 0 = pin 2, 1 = pin 5) on 50 ms, off 500 ms."""
    if pin not in (0, 1, 2, 5):
        raise ValidationError("Drawer pin", "must be 2 or 5 (or 0/1)")
    return ESC + b"p" + bytes([0 if pin in (0, 2) else 1, 25, 250])


# --- bytes ------------------------------------------------------------------------------


def render_items(lines: Iterable[Line], profile: PrinterProfile) -> bytes:
    out = bytearray(INIT + ESC + b"t" + bytes([CODE_PAGES[profile.code_page]]))
    for line in lines:
        out += _encode(line, profile)
    out += ESC + b"d" + bytes([FEED_BEFORE_CUT])
    if profile.cut:
        out += PARTIAL_CUT
    return bytes(out)


def _encode(line: Line, profile: PrinterProfile) -> bytes:
    width, code_page = profile.columns, profile.code_page
    match line:
        case Text(text, align, bold, tall):
            rows = textwrap.wrap(printable(text, code_page), width) or [""]
            return _styled(rows, align, bold, tall, code_page)
        case Pair(label, value, bold, tall):
            rows = pair_rows(printable(label, code_page), printable(value, code_page), width)
            return _styled(rows, "left", bold, tall, code_page)
        case Rule(char):
            return (printable(char, code_page)[:1] or "-").encode(code_page) * width + LF
        case Qr(payload, module_size):
            return ALIGN["center"] + qr_bytes(payload, module_size) + LF + ALIGN["left"]
        case Logo(path):
            return _logo_bytes(path, profile.dots)
    raise TypeError(f"Not a receipt line: {line!r}")


def _styled(rows: list[str], align: Align, bold: bool, tall: bool, code_page: str) -> bytes:
    body = b"".join(row.encode(code_page) + LF for row in rows)
    if align != "left":
        body = ALIGN[align] + body + ALIGN["left"]
    if tall:
        body = SIZE_TALL + body + SIZE_NORMAL
    if bold:
        body = BOLD_ON + body + BOLD_OFF
    return body


def pair_rows(label: str, value: str, width: int) -> list[str]:
    """One line when both fit; otherwise the label, then the value right-aligned below."""
    if len(label) + 1 + len(value) <= width:
        return [label + " " * (width - len(label) - len(value)) + value]
    return (textwrap.wrap(label, width) or [""]) + [
        row.rjust(width) for row in textwrap.wrap(value, width)
    ]


def printable(text: str, code_page: str) -> str:
    """The text as the printer can show it: each character kept, substituted or '?'."""
    return "".join(_printable_char(ch, code_page) for ch in text)


@lru_cache(maxsize=4096)
def _printable_char(ch: str, code_page: str) -> str:
    if unicodedata.category(ch).startswith("C"):
        # Control bytes in a name would be read by the printer as commands.
        return " " if ch.isspace() else "?"
    try:
        ch.encode(code_page)
        return ch
    except UnicodeEncodeError:
        pass
    if ch in SUBSTITUTES:
        return SUBSTITUTES[ch]
    plain = unicodedata.normalize("NFKD", ch).encode(code_page, "ignore").decode(code_page)
    return plain or "?"


def qr_bytes(payload: str, module_size: int = 6) -> bytes:
    """GS ( k: model 2, module size, error correction M, store the data, print it."""
    data = payload.encode("utf-8")
    store = len(data) + 3
    return b"".join([
        _qr_function(b"A", b"2\x00"),
        _qr_function(b"C", bytes([module_size])),
        _qr_function(b"E", b"1"),  # 49 = level M
        GS + b"(k" + bytes([store % 256, store // 256]) + b"1P0" + data,
        _qr_function(b"Q", b"0"),
    ])


def _qr_function(fn: bytes, params: bytes) -> bytes:
    size = len(params) + 2
    return GS + b"(k" + bytes([size % 256, size // 256]) + b"1" + fn + params


def _logo_bytes(path: str, dots: int) -> bytes:
    """GS v 0 raster of the logo, centred. A missing logo must never stop a receipt."""
    try:
        from PIL import Image, ImageOps

        with Image.open(path) as source:
            image = source.convert("RGBA")
    except (ImportError, OSError, ValueError):
        return b""
    white = Image.new("RGBA", image.size, "white")
    gray = Image.alpha_composite(white, image).convert("L")
    if gray.width > dots:
        gray = gray.resize((dots, max(1, gray.height * dots // gray.width)))
    ink = ImageOps.invert(gray).point(lambda p: 255 if p >= 128 else 0).convert("1")
    width_bytes, height = (ink.width + 7) // 8, ink.height
    header = GS + b"v0\x00" + bytes([width_bytes % 256, width_bytes // 256, height % 256, height // 256])
    return ALIGN["center"] + header + ink.tobytes() + LF + ALIGN["left"]

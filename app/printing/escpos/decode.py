"""Reads ESC/POS bytes back into the text on paper and the commands around it (tests, preview)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.printing.escpos.receipt import CODE_PAGES

_PAGE_OF = {number: name for name, number in CODE_PAGES.items()}
_ALIGNS = {0: "align_left", 1: "align_center", 2: "align_right"}


@dataclass(frozen=True, slots=True)
class DecodedReceipt:
    text_lines: list[str]
    commands: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines)


@dataclass(slots=True)
class _Reader:
    data: bytes
    pos: int = 0
    code_page: str = "cp437"
    line: bytearray = field(default_factory=bytearray)
    lines: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    qr_data: bytes = b""
    columns: int | None = None
    align: str = "align_left"

    def take(self, count: int) -> bytes:
        chunk = self.data[self.pos:self.pos + count]
        if len(chunk) < count:
            raise ValueError(f"ESC/POS stream ends inside a command at byte {self.pos}")
        self.pos += count
        return chunk

    def end_line(self) -> None:
        text = self.line.decode(self.code_page, "replace")
        self.lines.append(_place(text, self.align, self.columns))
        self.line.clear()


def _place(text: str, align: str, columns: int | None) -> str:
    """Pad as the printer would, when the paper width is known (for a preview)."""
    if not columns or align == "align_left" or len(text) >= columns:
        return text
    spare = columns - len(text)
    return " " * (spare // 2 if align == "align_center" else spare) + text


def decode(data: bytes, columns: int | None = None) -> DecodedReceipt:
    """Lines as printed; with `columns`, centred and right-aligned lines are padded to match."""
    reader = _Reader(data, columns=columns)
    while reader.pos < len(data):
        byte = reader.take(1)[0]
        if byte == 0x0A:
            reader.end_line()
        elif byte in _PREFIXES:
            _PREFIXES[byte](reader)
        elif byte >= 0x20:
            reader.line.append(byte)
        # other control bytes (CR, NUL) put nothing on paper
    if reader.line:
        reader.end_line()
    return DecodedReceipt(reader.lines, reader.commands)


def _esc(reader: _Reader) -> None:
    op = reader.take(1)
    if op == b"@":
        reader.commands.append("init")
    elif op == b"t":
        number = reader.take(1)[0]
        reader.code_page = _PAGE_OF.get(number, reader.code_page)
        reader.commands.append(f"codepage:{_PAGE_OF.get(number, number)}")
    elif op == b"a":
        reader.align = _ALIGNS.get(reader.take(1)[0] % 48, "align_left")
        reader.commands.append(reader.align)
    elif op == b"E":
        reader.commands.append("bold_on" if reader.take(1)[0] & 1 else "bold_off")
    elif op == b"d":
        _feed(reader, reader.take(1)[0])
    elif op == b"p":
        pin, _on, _off = reader.take(3)
        reader.commands.append(f"drawer_kick:pin{pin % 48}")
    else:
        reader.commands.append(f"unknown:1b{op.hex()}")


def _feed(reader: _Reader, count: int) -> None:
    if reader.line:
        reader.end_line()
    reader.lines.extend([""] * count)
    reader.commands.append(f"feed:{count}")


def _gs(reader: _Reader) -> None:
    op = reader.take(1)
    if op == b"!":
        size = reader.take(1)[0]
        reader.commands.append(f"size:{(size >> 4) + 1}x{(size & 0x0F) + 1}")
    elif op == b"V":
        _cut(reader, reader.take(1)[0])
    elif op == b"(":
        _gs_paren(reader)
    elif op == b"v":
        _raster(reader)
    else:
        reader.commands.append(f"unknown:1d{op.hex()}")


def _cut(reader: _Reader, mode: int) -> None:
    if mode in (65, 66):  # function B: feed to the cutter, then cut
        reader.take(1)
    partial = mode in (1, 49, 66)
    reader.commands.append("cut" if partial else "cut:full")


def _gs_paren(reader: _Reader) -> None:
    kind = reader.take(1)
    low, high = reader.take(2)
    body = reader.take(low + high * 256)
    if kind != b"k" or body[:1] != b"1":
        reader.commands.append(f"unknown:1d28{kind.hex()}")
        return
    function = body[1:2]
    if function == b"P":
        reader.qr_data = body[3:]
    elif function == b"Q":
        reader.commands.append(f"qr:{reader.qr_data.decode('utf-8', 'replace')}")


def _raster(reader: _Reader) -> None:
    _zero, _mode, x_low, x_high, y_low, y_high = reader.take(6)
    width_bytes, height = x_low + x_high * 256, y_low + y_high * 256
    reader.take(width_bytes * height)
    reader.commands.append(f"image:{width_bytes * 8}x{height}")


def _dle(reader: _Reader) -> None:
    op, n = reader.take(2)
    if op == 0x14 and n == 1:  # DLE DC4 1 m t: real-time drawer pulse
        pin, _units = reader.take(2)
        reader.commands.append(f"drawer_pulse:pin{pin}")
    else:
        reader.commands.append(f"status_query:{n}" if op == 0x04 else f"unknown:10{op:02x}")


_PREFIXES: dict[int, Callable[[_Reader], None]] = {0x1B: _esc, 0x1D: _gs, 0x10: _dle}

"""Document numbers: templates, their inverse for search, leased blocks and provisional numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.numbering import (
    Allocation,
    BlockAllocator,
    NumberBlock,
    NumberFormat,
    format_number,
    parse_number,
)

ON = date(2025, 3, 7)


@pytest.mark.parametrize(("template", "seq", "text"), [
    ("R-{seq}", 5001, "R-5001"),
    ("PAY-{yyyy}-{seq:06}", 4521, "PAY-2025-004521"),
    ("CN-{seq}", 46129, "CN-46129"),
    ("INV-{seq}", 414013, "INV-414013"),
    ("DIS-{yyyy}-{seq:06}", 1234, "DIS-2025-001234"),
    ("TXN-{yyyy}-{seq:06}", 1, "TXN-2025-000001"),
    ("SO-{yyyy}-{seq:06}", 1234567, "SO-2025-1234567"),
    ("PP-{yyyy}-{seq:04}", 42, "PP-2025-0042"),
    ("B{yy}{mm}/{seq:05}", 7, "B2503/00007"),
])
def test_format_and_parse_are_inverse(template, seq, text):
    assert format_number(template, seq, ON) == text
    assert parse_number(template, text) == seq


@pytest.mark.parametrize("text", [
    "R-", "R-05001", "R-0", "R-5001x", "X-5001", "R-D3-P0001", "R-12.5",
])
def test_parse_refuses_what_format_cannot_write(text):
    assert parse_number("R-{seq}", text) is None


def test_parse_is_lenient_on_case_and_spaces():
    assert parse_number("PAY-{yyyy}-{seq:06}", "  pay-2024-004521 ") == 4521
    assert parse_number("PAY-{yyyy}-{seq:06}", "PAY-2024-000000") is None
    assert parse_number("PAY-{yyyy}-{seq:06}", "PAY-2024-4521") is None


@pytest.mark.parametrize("template", [
    "R-", "R-{seq}-{seq}", "R-{number}", "R-{seq:6}", "R-{seq:>06}", "R-{seq!r}",
    "R-{yyyy:04}-{seq}", "R-{seq", "R-{}", "R-{seq.real}",
])
def test_bad_templates_are_refused(template):
    with pytest.raises(ValidationError) as error:
        NumberFormat.parse(template)
    assert error.value.field == "Number format"


def test_literal_braces_are_allowed():
    assert format_number("{{R}}-{seq}", 3, ON) == "{R}-3"
    assert parse_number("{{R}}-{seq}", "{R}-3") == 3


def test_sequence_must_be_positive():
    with pytest.raises(ValidationError):
        format_number("R-{seq}", 0, ON)


def test_provisional_numbers_replace_the_sequence():
    receipt = NumberFormat.parse("R-{seq}")
    payment = NumberFormat.parse("PAY-{yyyy}-{seq:06}")
    assert receipt.format_provisional("D3", 1, ON) == "R-D3-P0001"
    assert payment.format_provisional("D3", 12, ON) == "PAY-2025-D3-P0012"
    assert receipt.match_provisional("r-d3-p0001") == ("D3", 1)
    assert receipt.match("R-D3-P0001") is None
    assert receipt.match_provisional("R-5001") is None
    with pytest.raises(ValidationError):
        receipt.format_provisional("d-3", 1, ON)


def test_render_an_allocation():
    receipt = NumberFormat.parse("R-{seq}")
    assert receipt.render(Allocation(5001, False), ON, "D3") == "R-5001"
    assert receipt.render(Allocation(2, True), ON, "D3") == "R-D3-P0002"


@given(st.integers(1, 10**12), st.integers(1, 10**5), st.dates())
def test_provisional_and_leased_numbers_never_collide(seq, n, on):
    for template in ("R-{seq}", "PAY-{yyyy}-{seq:06}", "{seq}{mm}"):
        fmt = NumberFormat.parse(template)
        assert fmt.format(seq, on) != fmt.format_provisional("D3", n, on)
        assert fmt.match(fmt.format(seq, on)) == seq


# leased blocks ---------------------------------------------------------------

def test_blocks_are_used_in_order_then_provisional():
    allocator = BlockAllocator([NumberBlock("receipt", 5004, 5005), NumberBlock("receipt", 5001, 5002)])
    taken = [allocator.next("receipt") for _ in range(6)]
    assert taken == [(5001, False), (5002, False), (5004, False), (5005, False), (1, True), (2, True)]
    assert allocator.last_used("receipt") == 5005
    assert allocator.last_provisional("receipt") == 2


def test_resumes_after_the_last_number_used():
    allocator = BlockAllocator([NumberBlock("receipt", 5001, 5100)], last_used={"receipt": 5050},
                               last_provisional={"receipt": 3})
    assert allocator.remaining("receipt") == 50
    assert allocator.next("receipt") == Allocation(5051, False)


def test_refill_at_low_water_and_back_to_leased_numbers():
    allocator = BlockAllocator([NumberBlock("receipt", 1, 3)], last_used={"receipt": 1})
    assert allocator.needs_refill("receipt", low_water=3)
    assert not allocator.needs_refill("receipt", low_water=2)
    allocator.next("receipt"), allocator.next("receipt")
    assert allocator.next("receipt") == Allocation(1, True)
    allocator.add_block(NumberBlock("receipt", 101, 200))
    assert allocator.next("receipt") == Allocation(101, False)
    assert allocator.next("receipt") == Allocation(102, False)


def test_series_are_independent():
    allocator = BlockAllocator([NumberBlock("receipt", 1, 5), NumberBlock("payment", 1, 5)])
    allocator.next("receipt")
    assert allocator.next("payment") == Allocation(1, False)
    assert allocator.next("credit_note") == Allocation(1, True)
    assert allocator.needs_refill("credit_note", low_water=1)


def test_bad_blocks_are_refused():
    with pytest.raises(ValidationError):
        NumberBlock("receipt", 10, 9)
    with pytest.raises(ValidationError):
        NumberBlock("receipt", 0, 9)
    with pytest.raises(ValidationError):
        BlockAllocator([NumberBlock("receipt", 1, 10), NumberBlock("receipt", 10, 20)])
    allocator = BlockAllocator([NumberBlock("receipt", 1, 10)], last_used={"receipt": 10})
    with pytest.raises(ValidationError):
        allocator.add_block(NumberBlock("receipt", 5, 5))  # numbers are never reused


@st.composite
def disjoint_blocks(draw):
    bounds = sorted(draw(st.sets(st.integers(1, 10_000), min_size=2, max_size=12)))
    pairs = [(bounds[i], bounds[i + 1] - 1) for i in range(0, len(bounds) - 1, 2)]
    blocks = [NumberBlock("receipt", start, end) for start, end in pairs if end >= start]
    return draw(st.permutations(blocks))


@given(disjoint_blocks(), st.integers(0, 400))
def test_allocations_are_unique_increasing_and_leased(blocks, count):
    allocator = BlockAllocator(blocks)
    taken = [allocator.next("receipt") for _ in range(count)]
    leased = [a.seq for a in taken if not a.provisional]
    provisional = [a.seq for a in taken if a.provisional]
    assert leased == sorted(set(leased))
    assert all(any(b.start <= seq <= b.end for b in blocks) for seq in leased)
    assert len(leased) == min(count, sum(b.size for b in blocks))
    assert provisional == list(range(1, len(provisional) + 1))
    assert allocator.remaining("receipt") == sum(b.size for b in blocks) - len(leased)


def test_a_quick_round_sees_the_counter_s_real_rate():
    from app.domain.core.numbering import usage_rate

    assert usage_rate(None, 10.0, 50) == 0.0  # nothing seen yet
    assert usage_rate((10.0, 58), 10.2, 50) == 32.0  # 8 in a fifth of a second: over a quarter second
    assert usage_rate((10.0, 100), 12.0, 60) == 20.0  # 40 in two seconds
    assert usage_rate((10.0, 50), 11.0, 70) == 0.0  # a refill in between is no use of numbers


@given(st.floats(0, 100), st.integers(0, 10_000), st.integers(0, 10_000))
def test_the_rate_is_never_negative_nor_above_the_numbers_over_the_window(elapsed, before, remaining):
    from app.domain.core.numbering import RATE_WINDOW, usage_rate

    rate = usage_rate((0.0, before), elapsed, remaining)
    assert 0 <= rate <= max(0, before - remaining) / RATE_WINDOW

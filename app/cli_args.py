"""Argument types for the `utilitydesk` command: each refuses bad input with a line that says
what is expected, which argparse prints with the option's name and exit code 2."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-10-31") from None


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """A whole number in [minimum, maximum]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and at most {maximum:,}" if maximum is not None else ""
            raise argparse.ArgumentTypeError(f"must be at least {minimum:,}{upper}, not {value:,}")
        return value

    parse.__name__ = "whole number"
    return parse

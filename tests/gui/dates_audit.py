"""Dates as the settings write them, in the utility's zone: the date check the screen walk makes
of every label, cell and date field (clipping_audit.py calls it).

A day written as ISO (2026-11-22) while the setting says MM/dd/yyyy, a date field showing another
format than the setting's, or a moment of something that has happened later than the utility's
now (a UTC time shown as local runs hours ahead) is a problem. Deadlines, due dates and the like
lie ahead by nature: a column or label named for one is not held to now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtWidgets import QDateEdit

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SLASHED_MOMENT = re.compile(r"\b(\d{2})/(\d{2})/(\d{4}),? (\d{1,2}):(\d{2})(?::\d{2})?\s?([AP]M)?", re.IGNORECASE)
# Texts that quote stored data rather than write a date: the audit log's record of what changed.
DATA_COLUMNS = {("Audit entries", "What changed")}
AHEAD = re.compile(r"deadline|due|expir|ends|until|scheduled|next|preferred|valid", re.IGNORECASE)


@dataclass
class DateCheck:
    date_format: str  # the setting, a Qt/CLDR pattern: "MM/dd/yyyy"
    now: datetime  # the utility's now, on its clock
    problems: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def fail(self, where: str, text: str) -> None:
        if text not in self.seen:
            self.seen.add(text)
            self.problems.append(f"{where}: {text}")

    def text(self, where: str, what: str, text: str, *, table: str = "", column: str = "") -> None:
        """`what` names the text for the report, and (with `column`) says whether it may lie ahead."""
        if not text or (table, column) in DATA_COLUMNS:
            return
        iso = ISO_DAY.search(text)
        if iso and self.date_format != "yyyy-MM-dd":
            self.fail(where, f"{what} shows {iso.group()} (ISO), not the date format setting "
                             f"{self.date_format}: {text[:60]!r}")
        if not self.date_format.startswith(("MM/dd", "dd/MM")) or AHEAD.search(f"{what} {column}"):
            return
        for match in SLASHED_MOMENT.finditer(text):
            first, second, year, hour, minute, half = match.groups()
            month, day = (first, second) if self.date_format.startswith("MM") else (second, first)
            hour_24 = int(hour) % 12 + (12 if (half or "").upper() == "PM" else 0) if half else int(hour)
            try:
                moment = datetime(int(year), int(month), int(day), hour_24, int(minute),
                                  tzinfo=self.now.tzinfo)
            except ValueError:
                self.fail(where, f"{what} shows {match.group()!r}, not a {self.date_format} date")
                continue
            if moment > self.now:
                self.fail(where, f"{what} shows {match.group()!r}, later than the utility's now "
                                 f"({self.now:%m/%d/%Y %H:%M} {self.now.tzinfo}): a time in UTC?")

    def date_edit(self, where: str, edit: QDateEdit) -> None:
        if edit.displayFormat() != self.date_format:
            self.fail(where, f"date field {edit.accessibleName()!r} shows {edit.displayFormat()}, "
                             f"not the date format setting {self.date_format}")

"""How a new published version joins a tariff's chain of versions without a hole in it.

Versions chain by start date: each is in force from its start until the next one starts (or
its own end). A new version may start after the latest one, or on the same day to replace
it (a correction, kept in the history as archived). It may not start before a published
version, which it would shadow (the days already priced by that version would lose it),
nor leave days between the version before it and itself with no tariff at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from app.domain.core.errors import ValidationError
from app.domain.tariffs.model import TariffVersion


def chain_errors(published: Sequence[TariffVersion], new: TariffVersion) -> list[ValidationError]:
    """Problems with publishing `new` after the tariff's `published` versions (as stored)."""
    shadowed = [other for other in published if new.valid_from < other.valid_from]
    if shadowed:
        other = max(shadowed, key=lambda version: version.valid_from)
        return [ValidationError("valid_from", (
            f"Version {other.version} starts on {other.valid_from.isoformat()}: a version from "
            f"{new.valid_from.isoformat()} would shadow it. Start on or after "
            f"{other.valid_from.isoformat()}"))]
    before = [other for other in published if other.valid_from < new.valid_from]
    if not before:
        return []
    previous = max(before, key=lambda version: version.valid_from)
    if previous.valid_to is None or previous.valid_to >= new.valid_from - timedelta(days=1):
        return []
    first_free = previous.valid_to + timedelta(days=1)
    return [ValidationError("valid_from", (
        f"Version {previous.version} ends on {previous.valid_to.isoformat()}: a version from "
        f"{new.valid_from.isoformat()} would leave {first_free.isoformat()} to "
        f"{(new.valid_from - timedelta(days=1)).isoformat()} with no tariff. Start on "
        f"{first_free.isoformat()} at the latest"))]


def chained(published: Sequence[TariffVersion]) -> list[TariffVersion]:
    """Published versions by start date, each ending where its successor starts (or at its
    own end, if earlier): the versions in force, as the rating engine takes them."""
    ordered = sorted(published, key=lambda version: (version.valid_from, version.version))
    result = []
    for index, version in enumerate(ordered):
        end = version.valid_to
        if index + 1 < len(ordered):
            successor_eve = ordered[index + 1].valid_from - timedelta(days=1)
            end = successor_eve if end is None else min(end, successor_eve)
        result.append(replace(version, valid_to=end))
    return result

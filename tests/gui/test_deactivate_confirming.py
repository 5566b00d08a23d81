"""Deactivating a plan or tariff: a reason first, and a second yes when it is still in use."""

from __future__ import annotations

from app.domain.core.errors import UtilityDeskError
from app.services.core.changes import TARIFFS, Changes
from app.views.tariffs.dialogs import deactivate_confirming


class InUse(UtilityDeskError):
    pass


class Answers:
    def __init__(self, reason: str | None, confirm: bool) -> None:
        self.reason_text, self.confirm_answer, self.asked = reason, confirm, []

    def reason(self, title: str, prompt: str) -> str | None:
        self.asked.append(title)
        return self.reason_text

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(title)
        return self.confirm_answer


def service(in_use: bool):
    calls = []

    def deactivate(*, reason: str, confirm_in_use: bool = False) -> Changes:
        calls.append((reason, confirm_in_use))
        if in_use and not confirm_in_use:
            raise InUse("Used by 3 plans")
        return Changes.of(TARIFFS)

    return deactivate, calls


def test_no_reason_changes_nothing():
    deactivate, calls = service(in_use=False)
    assert deactivate_confirming(Answers(None, True), "tariff", "Old", deactivate, InUse) is None
    assert calls == []


def test_in_use_needs_a_second_yes():
    deactivate, calls = service(in_use=True)
    ask = Answers("Replaced", confirm=False)
    assert deactivate_confirming(ask, "tariff", "Old", deactivate, InUse) is None
    assert calls == [("Replaced", False)] and ask.asked == ["Deactivate tariff", "Tariff in use"]

    deactivate, calls = service(in_use=True)
    changes = deactivate_confirming(Answers("Replaced", True), "tariff", "Old", deactivate, InUse)
    assert changes is not None and changes.touches(TARIFFS)
    assert calls == [("Replaced", False), ("Replaced", True)]


def test_not_in_use_is_one_step():
    deactivate, calls = service(in_use=False)
    assert deactivate_confirming(Answers("Seasonal end", True), "plan", "P", deactivate, InUse) is not None
    assert calls == [("Seasonal end", False)]

"""Background work the user did not ask for (a list refreshing, the SLA clock, escalation): it
never shows a progress dialog, which would take the keyboard focus from whatever screen is in use."""

from __future__ import annotations

from app.views.payments.display import Background


class QuietBackground(Background):
    def _show_progress(self) -> None:
        pass

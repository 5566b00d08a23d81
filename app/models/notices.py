"""The in-app inbox: one notice per recipient, read or unread, synced to every desk the user uses.

The e-mail copy of a notice is a separate row (`Notification`, the central mailer's outbox,
never sent back to a desktop): an inbox notice must reach the recipient wherever they sign in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Synced, UTCDateTime, utcnow


class Notice(Synced, Base):
    """Its id is derived from (event key, recipient): the same event raised on two desktops
    makes the same row, which the central service takes once (a duplicate the second time)."""

    __tablename__ = "notices"
    recipient: Mapped[str] = mapped_column(String(80), index=True)  # a username
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(80), default="")  # "service_request:<id>", ...
    event_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

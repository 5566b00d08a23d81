"""The mailer: sends queued notifications by SMTP, in any number of processes without doubles."""

from __future__ import annotations

import logging
import smtplib
import tempfile
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound
from app.domain.core.permissions import Role
from app.formatting import Formats
from app.models.requests import Notification
from app.models.users import User
from app.printing.pdf.bill_pdf import write_bill_pdf
from app.services.billing.printing import bill_document
from app.services.core.context import Actor
from app.services.core.settings import load_settings
from sync.server.changelog import current_txid, record_change
from sync.server.periodic import PeriodicTask
from sync.server.scope import SERVER_ONLY
from sync.server.state import Central

log = logging.getLogger("utilitydesk.mailer")
MAX_ATTEMPTS = 5
MAILER = Actor(user_id="mailer", username="mailer", full_name="UtilityDesk mailer", role=Role.SUPERVISOR)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = False

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """smtp://user:password@host:port?from=noreply@utility.example&starttls=1"""
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        return cls(host=parts.hostname or "localhost", port=parts.port or 25,
                   sender=query.get("from", ["noreply@localhost"])[0],
                   username=unquote(parts.username or ""), password=unquote(parts.password or ""),
                   starttls=query.get("starttls", ["0"])[0] == "1")


@dataclass(frozen=True)
class MailerReport:
    sent: int
    failed: int
    retrying: int


def send_queued(central: Central, smtp: SmtpSettings, limit: int = 50) -> MailerReport:
    """One pass over the queue. SKIP LOCKED: two processes never take the same message."""
    counts = {"Sent": 0, "Failed": 0, "Queued": 0}
    with central.sessions() as session, session.begin():
        queued = session.execute(
            select(Notification).where(Notification.status == "Queued", Notification.deleted.is_(False))
            .order_by(Notification.created_at).limit(limit).with_for_update(skip_locked=True)
        ).scalars().all()
        txid = current_txid(session)
        for notification in queued:
            counts[_deliver(session, smtp, notification, central.now())] += 1
            notification.version, notification.updated_at = notification.version + 1, central.now()
            if notification.status == "Sent":
                notification.sent_at = central.now()
            session.flush()
            record_change(session, notification, "update", SERVER_ONLY, txid=txid, now=central.now())
    return MailerReport(counts["Sent"], counts["Failed"], counts["Queued"])


def _deliver(session: Session, smtp: SmtpSettings, notification: Notification, now: datetime) -> str:
    notification.attempts += 1
    try:
        # the stored body keeps its facts neutral (ISO days, "45.50 USD"): the letter writes them
        # as the utility's settings say at the moment it is sent
        written = Formats.of(load_settings(session)).text
        _send(smtp, _address(session, notification.recipient), written(notification.subject),
              written(notification.body), attachments(session, notification.attachment, now))
        notification.status = "Sent"
    except (smtplib.SMTPException, OSError, ValueError, NotFound) as error:
        log.warning("notification not sent", extra={"notification": notification.id, "error": str(error)})
        notification.status = "Failed" if notification.attempts >= MAX_ATTEMPTS else "Queued"
    return notification.status


def _address(session: Session, recipient: str) -> str:
    """A notification may name a user instead of an address."""
    if "@" in recipient:
        return recipient
    email = session.execute(select(User.email).where(User.username == recipient)).scalar_one_or_none()
    if not email:
        raise ValueError(f"{recipient} has no e-mail address")
    return email


def attachments(session: Session, reference: str, now: datetime) -> list[tuple[str, bytes]]:
    """(file name, PDF) for each document the notification names: "bills:INV-1,INV-2"."""
    kind, _, names = (reference or "").partition(":")
    if not kind:
        return []
    if kind != "bills":
        raise ValueError(f"unknown attachment kind '{kind}'")
    files = []
    with tempfile.TemporaryDirectory() as folder:
        for invoice_no in filter(None, names.split(",")):
            document = bill_document(session, invoice_no, MAILER, now)
            path = write_bill_pdf(document, Path(folder) / f"{invoice_no}.pdf")
            files.append((path.name, path.read_bytes()))
    return files


def _send(smtp: SmtpSettings, to: str, subject: str, body: str,
          files: list[tuple[str, bytes]] = ()) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, to, subject
    message.set_content(body)
    for name, content in files:
        message.add_attachment(content, maintype="application", subtype="pdf", filename=name)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(message)


class MailerThread(PeriodicTask):
    """Polls the queue in the background of a service process until stopped."""

    def __init__(self, central: Central, smtp: SmtpSettings, interval: float = 30.0) -> None:
        self.central, self.smtp = central, smtp
        super().__init__("mailer", lambda: send_queued(central, smtp), interval)

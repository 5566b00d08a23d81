"""Tokens (random, stored as sha256, expiring, revocable), enrolment codes and devices."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.core.permissions import Permission, Role, can
from app.models.central import AuthToken, Device, EnrolmentCode
from app.models.reference import ServiceCentre, Zone
from app.models.users import User
from sync.server.errors import ApiError


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_enrolment_code() -> str:
    # Typed by an administrator at the desk: short groups, no ambiguous characters.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


@dataclass(frozen=True)
class Caller:
    """Who is calling: a user, and the enrolled device the token is bound to (if any)."""

    user_id: str
    username: str
    role: Role
    centre_id: str | None
    device_id: str | None
    device_centre_id: str | None

    def require(self, *permissions: Permission) -> None:
        """Any one of the permissions will do."""
        if not any(can(self.role, p) for p in permissions):
            names = ", ".join(p.value for p in permissions)
            raise ApiError(403, "forbidden", f"A {self.role.value} may not do this ({names})")

    def require_device(self) -> str:
        if self.device_id is None or self.device_centre_id is None:
            raise ApiError(403, "device_required",
                           "This needs a token issued to an enrolled desktop; log in from the desktop.")
        return self.device_id


def issue_token(session: Session, user: User, device_id: str | None, now: datetime,
                ttl: timedelta) -> tuple[str, datetime]:
    token = new_secret()
    expires = now + ttl
    session.add(AuthToken(token_hash=hash_secret(token), user_id=user.id, device_id=device_id,
                          issued_at=now, expires_at=expires))
    return token, expires


def authenticate(session: Session, token: str | None, now: datetime) -> Caller:
    if not token:
        raise ApiError(401, "unauthenticated", "Log in first: this request carries no token.")
    # One round trip for the token, its device and its user: every request pays for it.
    found = session.execute(select(AuthToken, Device, User)
                            .outerjoin(Device, Device.id == AuthToken.device_id)
                            .outerjoin(User, User.id == AuthToken.user_id)
                            .where(AuthToken.token_hash == hash_secret(token))).first()
    if found is None:
        raise ApiError(401, "unauthenticated", "The token is not known; log in again.")
    row, device, user = found
    if device is not None and device.revoked:
        raise ApiError(401, "device_revoked", "This desktop's enrolment was revoked; enrol it again.")
    if row.revoked_at is not None:
        raise ApiError(401, "token_revoked", "The token was revoked; log in again.")
    if row.expires_at <= now:
        raise ApiError(401, "token_expired", "The session has expired; log in again.")
    if user is None or not user.active or user.deleted:
        raise ApiError(401, "unauthenticated", "This user may no longer log in.")
    return Caller(user.id, user.username, Role(user.role), user.centre_id,
                  device.id if device else None, device.centre_id if device else None)


def check_device_login(session: Session, device_id: str, secret: str | None, user: User) -> Device:
    device = session.get(Device, device_id)
    if device is None or device.revoked or secret is None or not secrets.compare_digest(
            device.secret_hash, hash_secret(secret)):
        raise ApiError(401, "device_unknown", "This desktop is not enrolled (or was revoked); "
                                              "enrol it with a code from an administrator.")
    if user.centre_id is not None and user.centre_id != device.centre_id:
        raise ApiError(403, "wrong_centre", "This user belongs to another service centre than this desktop.")
    return device


def revoke_token(session: Session, token: str, now: datetime) -> None:
    session.execute(update(AuthToken).where(AuthToken.token_hash == hash_secret(token))
                    .values(revoked_at=now))


def revoke_device(session: Session, device_id: str, now: datetime) -> None:
    device = session.get(Device, device_id)
    if device is None:
        raise ApiError(404, "not_found", f"No device {device_id}")
    device.revoked = True
    session.execute(update(AuthToken).where(AuthToken.device_id == device_id,
                                            AuthToken.revoked_at.is_(None)).values(revoked_at=now))


def create_enrolment_code(session: Session, centre_code: str, created_by: str, now: datetime,
                          valid: timedelta) -> tuple[str, EnrolmentCode]:
    centre = session.execute(select(ServiceCentre).where(ServiceCentre.code == centre_code)).scalar_one_or_none()
    if centre is None:
        raise ApiError(404, "not_found", f"No service centre with code {centre_code}")
    code = new_enrolment_code()
    row = EnrolmentCode(code_hash=hash_secret(code), centre_id=centre.id, created_by=created_by,
                        created_at=now, expires_at=now + valid)
    session.add(row)
    return code, row


def enrol_device(session: Session, code: str, device_id: str, device_code: str, name: str,
                 now: datetime) -> tuple[Device, str]:
    """Use a code once; (re-)enrolling a device id gives it a new secret and un-revokes it."""
    row = session.get(EnrolmentCode, hash_secret(code.strip().upper()), with_for_update=True)
    if row is None or row.used_by_device is not None or row.expires_at <= now:
        raise ApiError(403, "enrolment_refused", "The enrolment code is unknown, used or expired; "
                                                 "ask an administrator for a new one.")
    secret = new_secret()
    device = session.get(Device, device_id)
    if device is None:
        taken = session.execute(select(Device.id).where(Device.code == device_code)).first()
        if taken is not None:
            raise ApiError(409, "device_code_taken", f"Device code {device_code} is already used.")
        device = Device(id=device_id, code=device_code, name=name, centre_id=row.centre_id,
                        secret_hash=hash_secret(secret), enrolled_at=now, applied_seq=0)
        session.add(device)
    else:
        device.centre_id, device.secret_hash, device.revoked = row.centre_id, hash_secret(secret), False
    row.used_by_device = device_id
    return device, secret


def zone_ids_of(session: Session, centre_id: str) -> list[str]:
    return list(session.execute(select(Zone.id).where(Zone.centre_id == centre_id).order_by(Zone.id)).scalars())

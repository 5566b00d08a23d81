"""SQLAlchemy rows for the local cache and the central database (one set of models)."""

from app.models import (
    billing,
    cash,
    central,
    consumers,
    dashboard,
    inquiries,
    notices,
    payments,
    reference,
    requests,
    system,
    tariffs,
    users,
)
from app.models.base import Base

__all__ = ["Base", "billing", "cash", "central", "consumers", "dashboard", "inquiries", "notices", "payments", "reference", "requests", "system", "tariffs", "users"]

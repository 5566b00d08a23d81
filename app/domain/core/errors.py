"""The small hierarchy of errors a screen knows how to show."""

from __future__ import annotations


class UtilityDeskError(Exception):
    """Base of every error the product raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(UtilityDeskError):
    """Bad input: names the field and the rule, so the screen can show it beside the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.rule = message


class ImportRefused(ValidationError):
    """An all-or-nothing import found bad rows: every problem is listed and nothing was imported."""

    def __init__(self, what: str, problems: list) -> None:
        count = len(problems)
        super().__init__(what, f"{count} problem{'s' if count != 1 else ''} found; nothing was imported")
        self.problems = tuple(problems)


class PermissionDenied(UtilityDeskError):
    pass


class NotFound(UtilityDeskError):
    pass


class ConflictError(UtilityDeskError):
    """Someone else changed the record first (stale version) or it is locked."""


class AuthenticationError(UtilityDeskError):
    pass


class AccountLocked(AuthenticationError):
    pass


class PrinterError(UtilityDeskError):
    pass


class SyncError(UtilityDeskError):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind

"""Errors a service raises; ``str(error)`` is one line a user can act on (field, value, accepted).

The UI shows the message as is; the CLI prints it and exits 2. Nothing is stored when any of
these is raised: the transaction is rolled back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One refused field. ``path`` is relative to what was submitted (``temperature_c``,
    ``ice.naming``) or, for a whole case, as in case-format.md (``assessments[0].ice.naming``)."""

    path: str
    value: Any
    message: str

    def describe(self) -> str:
        try:
            shown = json.dumps(self.value, ensure_ascii=False)
        except (TypeError, ValueError):
            shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        where = self.path or "input"
        return f"{where} = {shown}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "value": self.value, "message": self.message}


class ServiceError(Exception):
    """Base class: a refused action, explained in one line."""


class ValidationFailed(ServiceError):
    """Input refused; ``errors`` names every bad field at once. Nothing was stored."""

    def __init__(self, errors: list[FieldIssue], what: str = "input") -> None:
        self.errors = errors
        self.what = what
        first = errors[0].describe() if errors else "invalid input"
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        super().__init__(f"{what} refused, nothing was saved: {first}{more}")

    def to_json(self) -> dict[str, Any]:
        return {"errors": [e.to_json() for e in self.errors]}


class NotFound(ServiceError):
    """No such patient, record or user."""


class PermissionDenied(ServiceError):
    """The acting user's role does not allow this action (21 CFR 11.10(g) authority checks)."""


class AuthenticationFailed(ServiceError):
    """Wrong user name or password (login or electronic signature)."""


class AccountLocked(AuthenticationFailed):
    """Too many failed attempts; the account is locked until ``until`` (UTC ISO) or an admin unlocks it."""

    def __init__(self, message: str, until: str | None) -> None:
        super().__init__(message)
        self.until = until


class SignatureRequired(ServiceError):
    """This save needs the user's password again and a signature meaning (21 CFR 11.50/11.200).

    The UI asks for the password and calls the same service again with a ``Signature``.
    """

    def __init__(self, message: str, meaning: str) -> None:
        super().__init__(message)
        self.meaning = meaning


@dataclass
class ConflictDetails:
    entity: str
    record_id: int
    your_version: int
    current_version: int
    changed_by: str | None
    changed_at: str | None
    attempted: dict[str, Any] = field(default_factory=dict)


class ConflictError(ServiceError):
    """Optimistic-lock conflict: someone saved this record since it was opened.

    Nothing of either save is lost: the stored record is the other user's version, and
    ``details.attempted`` holds what this user tried to save, to reapply after reloading.
    """

    def __init__(self, details: ConflictDetails) -> None:
        self.details = details
        who = f" by {details.changed_by}" if details.changed_by else ""
        when = f" at {details.changed_at}" if details.changed_at else ""
        super().__init__(
            f"{details.entity} {details.record_id} was changed{who}{when} (now version "
            f"{details.current_version}; you opened version {details.your_version}); your changes were "
            "not saved and are kept: reload the record and apply them again"
        )

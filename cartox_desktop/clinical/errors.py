"""Validation errors that name the field, the value and what is accepted (case-format.md, "Errors")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldError:
    """One refused field: ``path`` as in case-format.md (``assessments[0].ice.naming``)."""

    path: str
    value: Any
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "value": self.value, "message": self.message}


class CaseInvalid(ValueError):
    """Raised with every bad field of a case at once; nothing is graded or stored."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        first = errors[0] if errors else None
        summary = f"{first.path}: {first.message}" if first else "invalid case"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(summary + more)

    def to_json(self) -> dict[str, Any]:
        return {"errors": [e.to_json() for e in self.errors]}

"""Helpers shared by the services: clock, JSON, row → view conversion, acting-user checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from cartox_desktop.storage.canonical import canonical_json
from cartox_desktop.storage.models import Patient, PatientCourse, User

from .dto import Actor, CourseView, GradeSet, PatientView, RecordView
from .errors import PermissionDenied


def utc_now() -> datetime:
    """The app's clock (tests may replace it). Audit times are taken here, never typed by a user."""
    return datetime.now(UTC)


def stamps(now: datetime | None = None) -> tuple[str, str]:
    """(UTC, local) ISO stamps of the same instant, as stored in every audit event."""
    now = now or utc_now()
    utc = now.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    local = now.astimezone().isoformat(timespec="microseconds")
    return utc, local


def dumps(value: Any) -> str:
    return canonical_json(value)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def parse_local_time(value: str) -> datetime:
    """A case-format time (``2026-03-04T08:00``) or date (placed at 00:00)."""
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time())
    return datetime.fromisoformat(value)


def time_key(value: str) -> str:
    """The sortable ``YYYY-MM-DDTHH:MM:SS`` form stored in the indexed ``time`` column."""
    return parse_local_time(value).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class ActingUser:
    """Who is acting, read for a change that does not alter the user (``acting_identity``)."""

    id: int
    username: str
    display_name: str
    role: str


_IDENTITY = select(User.__table__.c.username, User.__table__.c.display_name, User.__table__.c.role,
                   User.__table__.c.active, User.__table__.c.locked_until).where(
    User.__table__.c.id == bindparam("user_id"))


def acting_identity(session: Session, actor: Actor, now: datetime | None = None) -> ActingUser:
    """``acting_user``'s checks on one Core query, for the save path (the row is not changed).
    The ORM load of the whole user row was a tenth of a save."""
    found = _checked(actor, session.connection().execute(_IDENTITY, {"user_id": actor.user_id}).first(), now)
    return ActingUser(actor.user_id, found.username, found.display_name, found.role)


def acting_user(session: Session, actor: Actor, now: datetime | None = None) -> User:
    """The acting user's current row; refuses a deactivated or locked account (11.10(d))."""
    user: User = _checked(actor, session.get(User, actor.user_id), now)
    return user


def _checked(actor: Actor, user: Any, now: datetime | None) -> Any:
    """``user`` (a row or a Core result of it) when it may act now, else ``PermissionDenied``."""
    if user is None or user.username != actor.username:
        raise PermissionDenied(f"user {actor.username!r} does not exist in this database; log in again")
    if not user.active:
        raise PermissionDenied(f"user {user.username!r} is deactivated; ask an admin")
    if user.locked_until and user.locked_until > stamps(now)[0]:
        raise PermissionDenied(
            f"user {user.username!r} is locked until {user.locked_until} (UTC) after repeated wrong "
            "passwords; wait or ask an admin to unlock")
    return user


def require_role(user: User | ActingUser, allowed: tuple[str, ...], action: str) -> None:
    if user.role not in allowed:
        raise PermissionDenied(
            f"role: {user.username!r} is a {user.role}; {action} needs role {' or '.join(allowed)}")


def patient_view(p: Patient) -> PatientView:
    return PatientView(
        id=p.id, mrn=p.mrn, name=p.name,
        date_of_birth=_as_date(p.date_of_birth), age_years=float(p.age_years),
        weight_kg=float(p.weight_kg) if p.weight_kg is not None else None,
        ward=p.ward, bed=p.bed, product=p.product, infusion_date=_as_date(p.infusion_date) or date.min,
        baseline_labs=loads(p.baseline_labs) or {}, upper_limits=loads(p.upper_limits) or {},
        death=loads(p.death), status=p.status, discharged_at=p.discharged_at, version=p.version,
        created_at=p.created_at, created_by=p.created_by, updated_at=p.updated_at, updated_by=p.updated_by,
        ice_baseline=loads(p.ice_baseline),
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def grade_view(g: Any) -> GradeSet | None:
    if g is None:
        return None
    return GradeSet(g.rules_version, g.crs_astct, g.crs_ctcae, g.icans_astct, g.result, g.graded_at)


def course_view(c: PatientCourse | None) -> CourseView | None:
    if c is None:
        return None
    return CourseView(c.rules_version, c.crs_max_grade, c.icans_max_grade, json.loads(c.result), c.graded_at)


def record_view(kind: str, row: Any, infusion_date: date, grade: Any = None) -> RecordView:
    when = datetime.fromisoformat(row.time)
    return RecordView(
        kind=kind, id=row.id, patient_id=row.patient_id, time=when, day=(when.date() - infusion_date).days,
        content=json.loads(row.content), version=row.version, voided=bool(row.voided),
        void_reason=row.void_reason, created_at=row.created_at, created_by=row.created_by,
        updated_at=row.updated_at, updated_by=row.updated_by,
        case_id=getattr(row, "case_id", None), given_by=getattr(row, "given_by", None),
        grades=grade_view(grade) if kind == "assessment" else None,
    )

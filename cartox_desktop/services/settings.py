"""Ward settings kept in the database and audited (the Vorta/Anki pattern: one place, every
front end reads it, every change is an event with the old and new value).

Each setting is one row of ``app_setting`` (key, canonical-JSON value); a key without a row has
its default (``dto.Settings``). ``update_settings`` is for admins only, validates every change
first (one ``ValidationFailed`` naming each refused field, its value and what is accepted;
nothing is saved), then writes the changed rows and one ``setting`` audit event per change in
one transaction. A new protocol file is loaded before it is accepted, and becomes the protocol
the services grade with once saved (``services.protocols``).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cartox_desktop.storage.canonical import sha256_hex
from cartox_desktop.storage.models import AppSetting
from cartox_desktop.storage.store import Store

from . import audit, protocols
from .common import acting_user, dumps, loads, require_role, stamps
from .dto import Actor, Settings
from .errors import FieldIssue, ValidationFailed

_BOOKKEEPING = ("updated_at", "updated_by")
KEYS: tuple[str, ...] = tuple(f.name for f in fields(Settings) if f.name not in _BOOKKEEPING)
DEFAULTS: dict[str, Any] = {k: getattr(Settings(), k) for k in KEYS}
ADMIN_ONLY = ("admin",)

IDLE_RANGE = (1, 240)  # minutes
IGG_RANGE = (100.0, 1500.0)  # mg/dL
TEMPERATURE_UNITS = ("C", "F")
_TEXT_LIMITS = {"institution_name": 200, "ward_name": 100, "ice_city": 100, "ice_hospital": 200,
                "ice_sentence": 200}
PHONE_LIMIT = 40
_PHONE_CHARS = set("0123456789 +()-/.")
PATH_LIMIT = 1000
MAPPINGS_LIMIT = 200_000


# ------------------------------------------------------------------------------------------------
# validation


def _text(key: str, value: Any, limit: int, issues: list[FieldIssue]) -> str | None:
    if not isinstance(value, str):
        issues.append(FieldIssue(key, value, f"text of at most {limit} characters (empty to clear)"))
        return None
    text = value.strip()
    if len(text) > limit or any(ord(c) < 32 for c in text):
        issues.append(FieldIssue(key, value, f"at most {limit} printable characters on one line"))
        return None
    return text


def _phone(value: Any, issues: list[FieldIssue]) -> str | None:
    text = _text("ward_phone", value, PHONE_LIMIT, issues)
    if text is None:
        return None
    if text and (not set(text) <= _PHONE_CHARS or sum(c.isdigit() for c in text) < 3):
        issues.append(FieldIssue("ward_phone", value, f"a telephone number of at most {PHONE_LIMIT} characters: "
                                 "at least 3 digits, and only digits, spaces and + ( ) - / ."))
        return None
    return text


def _integer(key: str, value: Any, lo: int, hi: int, unit: str, issues: list[FieldIssue]) -> int | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
    if not ok or not lo <= value <= hi:
        issues.append(FieldIssue(key, value, f"a whole number of {unit} from {lo} to {hi}"))
        return None
    return int(value)


def _number(key: str, value: Any, lo: float, hi: float, unit: str, issues: list[FieldIssue]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        issues.append(FieldIssue(key, value, f"a number of {unit} from {lo:g} to {hi:g}"))
        return None
    return float(value)


def _protocol_file(value: Any, issues: list[FieldIssue]) -> str | None:
    if not isinstance(value, str) or len(value) > PATH_LIMIT or any(ord(c) < 32 for c in value):
        issues.append(FieldIssue("protocol_file", value, f"the path of a protocol .toml file (at most {PATH_LIMIT} "
                                 "characters), or empty for the bundled protocol"))
        return None
    path = value.strip()
    if path:
        try:
            protocols.load_protocol_file(path)
        except protocols.ProtocolError as exc:
            issues.append(FieldIssue("protocol_file", value, f"{exc}; the setting was not changed"))
            return None
    return path


def _lab_mappings(value: Any, issues: list[FieldIssue]) -> str | None:
    from cartox_desktop.interop.labcsv import MappingInvalid, mappings_from_text

    if not isinstance(value, str) or len(value) > MAPPINGS_LIMIT:
        issues.append(FieldIssue("lab_mappings_toml", value, f"TOML text of at most {MAPPINGS_LIMIT} characters "
                                 "with [name] tables as in resources/lab-mappings.toml (empty: none)"))
        return None
    text = value.strip()
    if text:
        try:
            mappings_from_text(text, "TOML")
        except MappingInvalid as exc:
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            issues.append(FieldIssue("lab_mappings_toml", text, f"{exc.problems[0]}{more}; accepted: column "
                                     "mappings as in resources/lab-mappings.toml"))
            return None
    return text + "\n" if text else ""


def check_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """The normalised values of ``changes``; ``ValidationFailed`` names every refused field.
    ``ice_baseline={"city", "hospital", "sentence"}`` is accepted for the three ICE keys."""
    issues: list[FieldIssue] = []
    changes = dict(changes)
    if "ice_baseline" in changes:
        base = changes.pop("ice_baseline")
        if not isinstance(base, dict) or not set(base) <= {"city", "hospital", "sentence"}:
            issues.append(FieldIssue("ice_baseline", base, "an object with keys city, hospital, sentence"))
        else:
            for k, v in base.items():
                changes.setdefault(f"ice_{k}", "" if v is None else v)
    out: dict[str, Any] = {}
    for key, value in changes.items():
        checked: Any = None
        if key in _TEXT_LIMITS:
            checked = _text(key, value, _TEXT_LIMITS[key], issues)
        elif key == "ward_phone":
            checked = _phone(value, issues)
        elif key == "protocol_file":
            checked = _protocol_file(value, issues)
        elif key == "idle_lock_minutes":
            checked = _integer(key, value, *IDLE_RANGE, "minutes", issues)
        elif key == "temperature_unit":
            if value not in TEMPERATURE_UNITS:
                issues.append(FieldIssue(key, value, "accepted: C (°C) or F (°F)"))
            checked = value
        elif key == "igg_threshold_mg_dl":
            checked = _number(key, value, *IGG_RANGE, "mg/dL", issues)
        elif key == "lab_mappings_toml":
            checked = _lab_mappings(value, issues)
        else:
            issues.append(FieldIssue(key, value, f"no such setting; accepted: {', '.join(KEYS)}, ice_baseline"))
            continue
        out[key] = checked
    if issues:
        raise ValidationFailed(issues, "settings")
    return out


# ------------------------------------------------------------------------------------------------
# reading and writing


def _rows(session: Session) -> dict[str, AppSetting]:
    return {row.key: row for row in session.scalars(select(AppSetting))}


def settings_in(session: Session) -> Settings:
    """The settings as seen by ``session`` (other services use this inside their transaction)."""
    rows = _rows(session)
    values: dict[str, Any] = dict(DEFAULTS)
    newest: AppSetting | None = None
    for key, row in rows.items():
        if key in values:
            values[key] = loads(row.value)
            if newest is None or row.updated_at > newest.updated_at:
                newest = row
    return Settings(**values, updated_at=newest.updated_at if newest else None,
                    updated_by=newest.updated_by if newest else None)


def get_settings(store: Store) -> Settings:
    """The ward settings (defaults for any never set)."""
    with store.reading() as session:
        return settings_in(session)


def _row_hash(row: AppSetting) -> str:
    return setting_hash(row.key, row.value, row.updated_at, row.updated_by, row.version)


def setting_hash(key: str, value_text: str, updated_at: str, updated_by: str, version: int) -> str:
    """The ``record_hash`` of a setting's audit event: what ``audit verify`` compares the stored
    row with."""
    return sha256_hex(dumps({"key": key, "updated_at": updated_at, "updated_by": updated_by,
                             "value": loads(value_text), "version": version}))


def update_settings(store: Store, actor: Actor, **changes: Any) -> Settings:
    """Change ward settings (admins only). Every changed value is one ``setting`` audit event
    with the old and the new value; values equal to the stored ones are left alone. Raises
    ``ValidationFailed`` (nothing saved) or ``PermissionDenied``."""
    with store.reading() as session:  # role first: a nurse is told so before any validation
        require_role(acting_user(session, actor), ADMIN_ONLY, "changing the ward settings")
    checked = check_settings(changes)
    with store.writing() as session:
        user = acting_user(session, actor)
        require_role(user, ADMIN_ONLY, "changing the ward settings")
        rows = _rows(session)
        utc, _ = stamps()
        for key, new in checked.items():
            row = rows.get(key)
            old = loads(row.value) if row is not None else DEFAULTS[key]
            if old == new:
                continue
            if row is None:
                row = AppSetting(key=key, value=dumps(new), updated_at=utc, updated_by=user.username)
                session.add(row)
            else:
                row.value = dumps(new)
                row.updated_at, row.updated_by = utc, user.username
            session.flush()
            audit.append(session, actor=user.username, action="setting", record_hash=_row_hash(row),
                         detail={"setting": key, "old": old, "new": new, "version": row.version})
        result = settings_in(session)
    if "protocol_file" in checked:
        protocols.activate(result.protocol_file)
    return result


def activate_protocol(store: Store) -> protocols.ProtocolStatus:
    """Load the protocol named in the settings as the one the services grade with; the status
    says which it is, or the one-line error (file and TOML path) when it cannot be used."""
    return protocols.activate(get_settings(store).protocol_file)


def effective_ice_baseline(settings: Settings, patient_answers: dict[str, str] | None) -> dict[str, str]:
    """The ICE answers to expect for a patient: the patient's own, else the ward's."""
    out = dict(settings.ice_baseline)
    out.update({k: v for k, v in (patient_answers or {}).items() if v})
    return out

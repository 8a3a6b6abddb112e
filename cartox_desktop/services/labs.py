"""Storing a whole lab file at once: every entry or none (one transaction).

``import_labs`` validates and grades each entry against its patient's case exactly as
``add_lab`` does, but in one write transaction: a refused entry (or any other error) leaves
nothing of the file stored. Each ``create`` event carries the file's ``source`` (name, SHA-256,
mapping ...) as its ``audit_detail``, plus, when given, that entry's own provenance (rows, raw
values, units, conversions); one ``import`` event per patient then lists the records stored.
The events are written in the same transaction as the records, so the trail never shows a
partial import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from cartox_desktop.storage.models import Patient
from cartox_desktop.storage.store import Store

from . import audit
from .common import acting_user, dumps
from .dto import Actor, LabsImported
from .errors import FieldIssue, NotFound, ValidationFailed
from .records import AUDIT_DETAIL_LIMIT, create_in_session

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
SOURCE_LIMIT = 4000  # characters of canonical JSON


def _check_source(source: Any) -> dict[str, Any]:
    issues: list[FieldIssue] = []
    if not isinstance(source, dict):
        raise ValidationFailed([FieldIssue("source", source, "an object with file_name and sha256 (the lab file)")],
                               "lab import")
    name = source.get("file_name")
    if not isinstance(name, str) or not name.strip() or len(name) > 260:
        issues.append(FieldIssue("source.file_name", name, "the lab file's name (1–260 characters)"))
    sha = source.get("sha256")
    if not isinstance(sha, str) or not SHA256_RE.match(sha):
        issues.append(FieldIssue("source.sha256", sha, "the file's SHA-256: 64 lower-case hexadecimal digits"))
    try:
        if len(dumps(source)) > SOURCE_LIMIT:
            issues.append(FieldIssue("source", "…", f"at most {SOURCE_LIMIT} characters of JSON"))
    except (TypeError, ValueError):
        issues.append(FieldIssue("source", repr(source)[:60], "JSON values only (text, numbers, lists, objects)"))
    if issues:
        raise ValidationFailed(issues, "lab import")
    return dict(source)


def _patient(session: Any, key: int | str) -> Patient:
    patient: Patient | None
    if isinstance(key, int) and not isinstance(key, bool):
        patient = session.get(Patient, key)
        what = f"id {key}"
    else:
        patient = session.scalar(select(Patient).where(Patient.mrn == str(key).strip()))
        what = f"MRN {str(key)!r}"
    if patient is None:
        raise NotFound(f"patient {what} does not exist; nothing of the lab file was stored")
    return patient


def import_labs(store: Store, actor: Actor, entries_by_patient: Mapping[Any, Sequence[dict[str, Any]]], *,
                source: dict[str, Any],
                entry_details: Mapping[Any, Sequence[dict[str, Any] | None]] | None = None) -> LabsImported:
    """Store every lab entry of a file in ONE transaction, or nothing.

    ``entries_by_patient``: patient id (int) or MRN (str) -> case-format lab entries.
    ``source``: the file (``file_name``, ``sha256``, optional ``mapping`` ...), stored in each
    create event as its ``audit_detail``. ``entry_details`` (same keys, one dict or None per
    entry) adds an entry's own provenance (e.g. ``{"values": [rows, raw values, conversions]}``)
    to its create event's ``audit_detail`` and to the patient's ``import`` event.

    Raises ``ValidationFailed`` naming the MRN, the entry and the field; ``NotFound`` for an
    unknown patient; nothing is stored then.
    """
    src = _check_source(source)
    lab_seqs: list[int] = []
    import_seqs: list[int] = []
    entries = values = 0
    with store.writing() as session:
        user = acting_user(session, actor)
        for key, lab_entries in entries_by_patient.items():
            patient = _patient(session, key)
            details = list((entry_details or {}).get(key) or [])
            stored: list[dict[str, Any]] = []
            for index, entry in enumerate(lab_entries):
                if not isinstance(entry, dict):
                    raise ValidationFailed([FieldIssue(f"MRN {patient.mrn}, lab entry {index + 1}", entry,
                                                       "a lab entry must be a JSON object (case-format.md)")],
                                           f"lab file {src['file_name']}")
                own = dict(details[index] or {}) if index < len(details) else {}
                detail = {**own, **src}
                if len(dumps(detail)) > AUDIT_DETAIL_LIMIT:  # the file itself is always named
                    detail = dict(src)
                key = "date" if "date" in entry and "time" not in entry else "time"
                when = entry.get(key)
                try:
                    result = create_in_session(session, user, "lab", patient.id, dict(entry), proof=None,
                                               given_by=None, extra={"note": None, "audit_detail": detail})
                except ValidationFailed as exc:
                    where = f"MRN {patient.mrn}, lab entry {index + 1}" + (f" ({when})" if when else "")
                    raise ValidationFailed([FieldIssue(f"{where}: {i.path}" if i.path else where, i.value, i.message)
                                            for i in exc.errors], f"lab file {src['file_name']}") from exc
                lab_seqs.append(result.event_seq)
                entries += 1
                values += sum(1 for k in entry if k not in ("time", "date"))
                stored.append({"lab_id": result.record.id, "event_seq": result.event_seq, key: when, **own})
            if stored:
                event = audit.append(session, actor=user.username, action="import", patient_id=patient.id,
                                     detail={"kind": "lab_csv", "mrn": patient.mrn, **src, "records": stored})
                import_seqs.append(event.seq)
    return LabsImported(len(import_seqs), entries, values, tuple(lab_seqs), tuple(import_seqs))

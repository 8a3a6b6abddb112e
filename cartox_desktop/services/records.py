"""Recording clinical entries (assessments, labs, interventions): add, amend, void, review.

Each call is one transaction: validate through the clinical core (nothing stored on invalid
input), grade the course, store record + grades, append the audit events. Records are never
overwritten silently or deleted: an amendment is a new version with a reason and a signature;
a void is an event with a reason and a signature; every version stays in the audit trail
(21 CFR 11.10(e)). Saving an assessment graded 3 or more, any amendment and any void require an
electronic signature (11.50): the password re-entered and the meaning of the signature.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from cartox_desktop.storage.rowwrite import insert_row
from cartox_desktop.storage.snapshot import PRIVATE_KEYS, record_hash_of
from cartox_desktop.storage.store import Store

from . import audit
from .auth import signature_proof
from .common import (
    acting_identity,
    acting_user,
    course_view,
    dumps,
    record_view,
    require_role,
    stamps,
    time_key,
)
from .dto import Actor, GradeChange, SaveResult, Signature
from .errors import (
    ConflictDetails,
    ConflictError,
    FieldIssue,
    NotFound,
    SignatureRequired,
    ValidationFailed,
)
from .grading import (
    MODELS,
    NOUN,
    Applied,
    PatientState,
    apply_grades,
    build_case,
    grade,
    grade_summary,
    remember_saved_assessment,
    stored_summary,
    validate,
)
from .statecache import load_state_for_save

SIGNATURE_GRADE = 3  # a grade of 3 or more needs an electronic signature
VOID_ROLES = ("physician", "admin")
KINDS = tuple(MODELS)


def _check_kind(kind: str) -> None:
    if kind not in MODELS:
        raise ValidationFailed([FieldIssue("kind", kind, f"accepted: {', '.join(KINDS)}")], "record")


def _check_entry(kind: str, content: Any) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise ValidationFailed([FieldIssue("", content, f"an {NOUN[kind]} must be a JSON object (case-format.md)")],
                               NOUN[kind])
    return dict(content)


def _reason(reason: str | None, action: str) -> str:
    if reason is None or not reason.strip():
        raise ValidationFailed([FieldIssue("reason", reason, f"required for {action}: say why (ALCOA+ attributable)")],
                               action)
    if len(reason) > 2000:
        raise ValidationFailed([FieldIssue("reason", reason[:40], "at most 2000 characters")], action)
    return reason.strip()


NOTE_LIMIT = 2000
AUDIT_DETAIL_LIMIT = 20_000  # characters of canonical JSON


def check_note(note: str | None, audit_detail: dict[str, Any] | None, what: str) -> dict[str, Any]:
    """The ``note`` and ``audit_detail`` keys for a record's audit event (None values left out).

    ``note``: free text stored with this version (how an ICE was adapted: interpreter, pointing
    instead of naming, a motor or sight limitation ...). ``audit_detail``: a JSON object of
    provenance (a lab import: the file name and its SHA-256)."""
    issues: list[FieldIssue] = []
    text = None
    if note is not None:
        if not isinstance(note, str) or len(note.strip()) > NOTE_LIMIT or \
                any(ord(c) < 32 and c not in "\n\t" for c in note):
            issues.append(FieldIssue("note", note, f"text of at most {NOTE_LIMIT} printable characters"))
        else:
            text = note.strip() or None
    if audit_detail is not None:
        try:
            size = len(dumps(audit_detail)) if isinstance(audit_detail, dict) else -1
        except (TypeError, ValueError):
            size = -1
        if size < 0 or size > AUDIT_DETAIL_LIMIT:
            issues.append(FieldIssue("audit_detail", audit_detail, "a JSON object (text, numbers, lists, objects) "
                                     f"of at most {AUDIT_DETAIL_LIMIT} characters"))
    if issues:
        raise ValidationFailed(issues, what)
    return {"note": text, "audit_detail": audit_detail or None}


def _entry_time(kind: str, content: dict[str, Any]) -> str:
    value = content.get("time") if kind != "lab" or content.get("time") else content.get("date")
    return time_key(str(value))


def _public_record(text: str) -> dict[str, Any]:
    return {k: v for k, v in json.loads(text).items() if k not in PRIVATE_KEYS}


def _next_case_id(state: PatientState) -> str:
    taken = {a.case_id for a in state.rows["assessment"]}
    n = len(taken) + 1
    while f"a{n}" in taken:
        n += 1
    return f"a{n}"


def _max_grade(summary: dict[str, Any] | None) -> int:
    if not summary:
        return -1
    values = [summary.get(k) for k in ("crs_astct", "crs_ctcae", "icans_astct")]
    return max((v for v in values if isinstance(v, int)), default=-1)


def _write_events(session: Any, actor: str, action: str, kind: str, row: Any, state: PatientState,
                  applied: Applied, detail: dict[str, Any]) -> int:
    """The subject's event, then one ``regrade`` event per other assessment whose grades changed."""
    session.flush()
    grade_row = state.grades.get(row.id) if kind == "assessment" else None
    text, digest = record_hash_of(kind, row, grade_row)
    own = next((u for u in applied.updates if u.row is row), None)
    if kind == "assessment":
        detail.setdefault("grades_before", own.before if own else stored_summary(grade_row))
        detail.setdefault("grades_after", stored_summary(grade_row))
    detail.setdefault("course_before", applied.course_before)
    detail.setdefault("course_after", applied.course_after)
    event = audit.append(session, actor=actor, action=action, entity=kind, entity_id=row.id,
                         patient_id=row.patient_id, record_hash=digest,
                         detail={"record": _public_record(text), "mrn": state.patient.mrn, **detail})
    for update in applied.updates:
        if update.row is row:
            continue
        r_text, r_digest = record_hash_of("assessment", update.row, update.grade)
        audit.append(session, actor=actor, action="regrade", entity="assessment", entity_id=update.row.id,
                     patient_id=update.row.patient_id, record_hash=r_digest,
                     detail={"record": _public_record(r_text), "mrn": state.patient.mrn,
                             "reason": f"course re-graded after {action} of {NOUN[kind]} {row.id}",
                             "grades_before": update.before, "grades_after": update.after})
    return event.seq


def _result(kind: str, row: Any, state: PatientState, applied: Applied, seq: int) -> SaveResult:
    grade_row = state.grades.get(row.id) if kind == "assessment" else None
    changes = tuple(GradeChange(u.row.id, u.row.case_id, u.before, u.after) for u in applied.updates
                    if u.row is not row)
    return SaveResult(record_view(kind, row, state.patient.infusion_date, grade_row), seq,
                      course_view(applied.course), changes)


def add_record(store: Store, actor: Actor, kind: str, patient_id: int, content: dict[str, Any], *,
               signature: Signature | None = None, given_by: str | None = None, note: str | None = None,
               audit_detail: dict[str, Any] | None = None) -> SaveResult:
    """Store a new assessment, lab entry or intervention (a case-format entry) for a patient.
    ``note`` and ``audit_detail`` are stored in its audit event (``check_note``) and shown in
    ``record_history``.

    Raises ``ValidationFailed`` (fields relative to the entry), ``SignatureRequired`` (an
    assessment graded ≥ 3 without a signature), ``NotFound``, ``PermissionDenied``.
    """
    _check_kind(kind)
    content = _check_entry(kind, content)
    extra = check_note(note, audit_detail, f"new {NOUN[kind]}")
    proof = signature_proof(store, actor, signature, ("recorded", "reviewed"))
    with store.writing() as session:
        user = acting_identity(session, actor)
        return create_in_session(session, user, kind, patient_id, content, proof=proof, given_by=given_by,
                                 extra=extra)


def create_in_session(session: Any, user: Any, kind: str, patient_id: int, content: dict[str, Any], *,
                      proof: dict[str, Any] | None, given_by: str | None, extra: dict[str, Any]) -> SaveResult:
    """``add_record`` inside the caller's write transaction (``import_labs`` stores a whole file
    in one): validate, grade, store the row, its grades, the board summary and the events."""
    state = load_state_for_save(session, patient_id)
    if kind == "assessment" and content.get("id") is None:
        content["id"] = _next_case_id(state)
    build = build_case(state, (kind, None, content))
    parsed = validate(build, kind, f"new {NOUN[kind]}")
    output = grade(parsed, shared=True)
    if kind == "assessment":
        mine = grade_summary(output["assessments"][-1])
        if _max_grade(mine) >= SIGNATURE_GRADE and proof is None:
            raise SignatureRequired(
                f"grade {_max_grade(mine)}: saving an assessment graded 3 or more needs your electronic "
                "signature (password again, meaning 'recorded'); nothing was saved yet", "recorded")
    model = MODELS[kind]
    utc, _ = stamps()
    row = model(patient_id=patient_id, time=_entry_time(kind, content), content=dumps(content), voided=False,
                created_at=utc, created_by=user.username)
    if kind == "assessment":
        row.case_id = str(content["id"])
    if kind == "intervention":
        row.given_by = given_by or user.display_name
    insert_row(session, row)
    state.add_row(kind, row)
    if kind == "assessment":
        remember_saved_assessment(row.content, build, parsed)
    applied = apply_grades(session, state, build, output, pending_row=row)
    seq = _write_events(session, user.username, "create", kind, row, state, applied, {"signature": proof, **extra})
    return _result(kind, row, state, applied, seq)


def add_assessment(store: Store, actor: Actor, patient_id: int, assessment: dict[str, Any], *,
                   signature: Signature | None = None, note: str | None = None,
                   audit_detail: dict[str, Any] | None = None) -> SaveResult:
    return add_record(store, actor, "assessment", patient_id, assessment, signature=signature, note=note,
                      audit_detail=audit_detail)


def add_lab(store: Store, actor: Actor, patient_id: int, lab: dict[str, Any], *,
            signature: Signature | None = None, note: str | None = None,
            audit_detail: dict[str, Any] | None = None) -> SaveResult:
    return add_record(store, actor, "lab", patient_id, lab, signature=signature, note=note,
                      audit_detail=audit_detail)


def add_intervention(store: Store, actor: Actor, patient_id: int, intervention: dict[str, Any], *,
                     given_by: str | None = None, signature: Signature | None = None, note: str | None = None,
                     audit_detail: dict[str, Any] | None = None) -> SaveResult:
    return add_record(store, actor, "intervention", patient_id, intervention, signature=signature,
                      given_by=given_by, note=note, audit_detail=audit_detail)


def load_for_change(session: Any, model: Any, entity: str, noun: str, record_id: int, expected_version: int,
                    attempted: dict[str, Any], noun_of: Callable[[Any], str] | None = None) -> Any:
    """The record to amend or void: it exists, nobody saved it since ``expected_version`` was read
    (else ``ConflictError`` with what was attempted, so nothing is lost) and it is not voided.
    ``noun_of(row)`` names a record whose kind is stored on the row (late effects)."""
    row = session.get(model, record_id)
    if row is None:
        raise NotFound(f"{noun} id {record_id} does not exist")
    if row.version != expected_version:
        raise ConflictError(ConflictDetails(entity, record_id, expected_version, row.version,
                                            row.updated_by or row.created_by, row.updated_at or row.created_at,
                                            attempted))
    if row.voided:
        what = noun_of(row) if noun_of is not None else noun
        raise ValidationFailed([FieldIssue("voided", True, f"this {what} was voided ({row.void_reason}); "
                                           "it can no longer be changed")], what)
    return row


def _load_for_change(session: Any, kind: str, record_id: int, expected_version: int,
                     attempted: dict[str, Any]) -> Any:
    return load_for_change(session, MODELS[kind], kind, NOUN[kind], record_id, expected_version, attempted)


def amend_record(store: Store, actor: Actor, kind: str, record_id: int, content: dict[str, Any], *,
                 expected_version: int, reason: str, signature: Signature | None,
                 given_by: str | None = None, note: str | None = None,
                 audit_detail: dict[str, Any] | None = None) -> SaveResult:
    """Replace a record's content with a new version. Needs the version the user opened
    (optimistic lock: ``ConflictError`` if someone saved since), a reason and a signature
    with meaning "amended". The previous version stays in the audit trail. ``note`` and
    ``audit_detail`` belong to this version (as in ``add_record``)."""
    _check_kind(kind)
    content = _check_entry(kind, content)
    why = _reason(reason, "an amendment")
    extra = check_note(note, audit_detail, "amendment")
    if signature is None:
        raise SignatureRequired(f"amending this {NOUN[kind]} needs your electronic signature (password again, "
                                "meaning 'amended'); nothing was saved yet", "amended")
    proof = signature_proof(store, actor, signature, ("amended",))
    with store.writing() as session:
        user = acting_identity(session, actor)
        row = _load_for_change(session, kind, record_id, expected_version, content)
        state = load_state_for_save(session, row.patient_id)
        if kind == "assessment":
            given_id = content.setdefault("id", row.case_id)
            if str(given_id) != row.case_id:
                raise ValidationFailed([FieldIssue("id", given_id, f"the id of a stored assessment cannot change; "
                                                   f"accepted: {row.case_id!r}")], "amendment")
        build = build_case(state, (kind, row.id, content))
        parsed = validate(build, kind, "amendment")
        output = grade(parsed, shared=True)
        utc, _ = stamps()
        row.content = dumps(content)
        row.time = _entry_time(kind, content)
        state.reorder(kind)  # the time may have changed
        row.updated_at = utc
        row.updated_by = user.username
        if kind == "intervention" and given_by is not None:
            row.given_by = given_by
        session.flush()
        applied = apply_grades(session, state, build, output, pending_row=row)
        seq = _write_events(session, user.username, "amend", kind, row, state, applied,
                            {"reason": why, "signature": proof, **extra})
        return _result(kind, row, state, applied, seq)


def void_record(store: Store, actor: Actor, kind: str, record_id: int, *, expected_version: int, reason: str,
                signature: Signature | None) -> SaveResult:
    """Void a record entered in error (physicians and admins only): it stays stored, flagged,
    with the reason; grades are recomputed without it."""
    _check_kind(kind)
    why = _reason(reason, "a void")
    if signature is None:
        raise SignatureRequired(f"voiding this {NOUN[kind]} needs your electronic signature (password again, "
                                "meaning 'amended'); nothing was changed yet", "amended")
    with store.reading() as session:  # role first: do not make a nurse type a password for nothing
        require_role(acting_identity(session, actor), VOID_ROLES, "voiding a record")
    proof = signature_proof(store, actor, signature, ("amended", "reviewed"))
    with store.writing() as session:
        user = acting_identity(session, actor)
        require_role(user, VOID_ROLES, "voiding a record")
        row = _load_for_change(session, kind, record_id, expected_version, {})
        state = load_state_for_save(session, row.patient_id)
        build = build_case(state, (kind, row.id, None))
        output = grade(validate(build, None, "void"), shared=True)
        utc, _ = stamps()
        row.voided = True
        row.void_reason = why
        row.updated_at = utc
        row.updated_by = user.username
        session.flush()
        applied = apply_grades(session, state, build, output)
        seq = _write_events(session, user.username, "void", kind, row, state, applied,
                            {"reason": why, "signature": proof})
        return _result(kind, row, state, applied, seq)


def review_record(store: Store, actor: Actor, kind: str, record_id: int, *, signature: Signature,
                  note: str | None = None) -> int:
    """Sign a record as reviewed (meaning "reviewed"); returns the event number."""
    _check_kind(kind)
    proof = signature_proof(store, actor, signature, ("reviewed",))
    with store.writing() as session:
        user = acting_user(session, actor)
        row = session.get(MODELS[kind], record_id)
        if row is None:
            raise NotFound(f"{NOUN[kind]} id {record_id} does not exist")
        state_grade = None
        if kind == "assessment":
            from cartox_desktop.storage.models import AssessmentGrade

            state_grade = session.get(AssessmentGrade, row.id)
        text, digest = record_hash_of(kind, row, state_grade)
        from cartox_desktop.storage.models import Patient

        mrn = session.scalar(select(Patient.mrn).where(Patient.id == row.patient_id))
        event = audit.append(session, actor=user.username, action="review", entity=kind, entity_id=row.id,
                             patient_id=row.patient_id, record_hash=digest,
                             detail={"record": _public_record(text), "mrn": mrn, "signature": proof, "note": note,
                                     "grades": stored_summary(state_grade)})
        return event.seq

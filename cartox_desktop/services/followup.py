"""After discharge: late effects on the record, the follow-up schedule and the follow-up board.

* ``add_late_effect`` / ``amend_late_effect`` / ``void_late_effect``: infections (CTCAE v5.0
  grade), IgG levels, new malignancies and follow-up visits, validated by the clinical core
  (``clinical.followup``: every bad field named, nothing stored), each change one transaction
  with its audit event (entity ``late_effect``), exactly like the other records: an amendment
  needs a reason and a signature meaning "amended" and keeps the previous version in the trail;
  a void needs a physician or admin, a reason and a signature; an infection graded 3 or more
  needs a signature to be saved (as an assessment graded 3 or more does). ``record_history``
  (``services.timeline``) shows every version.
* ``late_effects``: one patient's entries, IgG levels (entries and lab results) flagged against
  the ward's threshold (``services.settings``), immunoglobulin replacement (interventions with
  drug ``immunoglobulin``), late ICAHT (prolonged cytopenia, graded by the core), and the
  follow-up schedule's status.
* ``follow_up_board``: every discharged patient with the checks due and overdue on a date.

The schedule and the product advice come from the protocol the services use
(``services.protocols``: the ward's protocol file, else the bundled one).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from cartox_desktop.clinical.errors import FieldError
from cartox_desktop.clinical.followup import (
    NOUNS,
    FollowUpPlan,
    LateEffectInvalid,
    follow_up_plan,
    follow_up_status,
    igg_low,
    validate_late_effect,
)
from cartox_desktop.clinical.protocol import ProtocolInvalid
from cartox_desktop.storage.models import Assessment, Intervention, LabResult, Patient, PatientCourse
from cartox_desktop.storage.models_followup import LateEffect
from cartox_desktop.storage.snapshot import record_hash_of
from cartox_desktop.storage.store import Store

from . import audit
from .auth import signature_proof
from .common import acting_user, dumps, loads, patient_view, record_view, require_role, stamps, utc_now
from .dto import Actor, PatientView, RecordView, Signature
from .dto_followup import FollowUpRow, IggLevel, LateEffects, LateEffectSaved, LateEffectView
from .errors import (
    FieldIssue,
    NotFound,
    SignatureRequired,
    ValidationFailed,
)
from .protocols import ProtocolError, active_protocol, status
from .records import (  # the same rules as for the other records
    SIGNATURE_GRADE,
    VOID_ROLES,
    _reason,
    load_for_change,
)
from .settings import settings_in

ENTITY = "late_effect"
BLOOD_COUNT_LABS = ("anc_per_ul", "wbc_per_ul", "platelets_per_ul", "hemoglobin_g_dl")


def today_local() -> date:
    """Today on this computer's clock (``common.utc_now``, which tests may replace)."""
    return utc_now().astimezone().date()


def active_follow_up_plan() -> FollowUpPlan:
    """The follow-up schedule and product advice of the active protocol; ``ProtocolError`` (one
    line naming the TOML path) when those sections are broken."""
    protocol = active_protocol()
    try:
        return follow_up_plan(protocol.extra)
    except ProtocolInvalid as exc:
        first = exc.errors[0]
        more = f" (and {len(exc.errors) - 1} more)" if len(exc.errors) > 1 else ""
        where = status().path or "the bundled protocol file"
        raise ProtocolError(status().path, f"{where}: TOML path {first.path} = {first.value!r}: "
                                           f"{first.message}{more}") from exc


# ------------------------------------------------------------------------------------------------
# writing


def _issues(errors: Iterable[FieldError]) -> list[FieldIssue]:
    return [FieldIssue(e.path, e.value, e.message) for e in errors]


def _check(kind: str, content: Any, patient: Patient, today: date, what: str) -> dict[str, Any]:
    try:
        return validate_late_effect(kind, content, infusion_date=_infusion(patient), today=today)
    except LateEffectInvalid as exc:
        raise ValidationFailed(_issues(exc.errors), what) from exc


def _view(row: LateEffect, infusion: date) -> LateEffectView:
    content = json.loads(row.content)
    when = date.fromisoformat(row.time[:10])
    return LateEffectView(row.id, row.patient_id, row.kind, when, (when - infusion).days, content, row.version,
                          bool(row.voided), row.void_reason, row.created_at, row.created_by, row.updated_at,
                          row.updated_by)


def _infusion(patient: Patient) -> date:
    value = patient.infusion_date
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _event(session: Any, username: str, action: str, row: LateEffect, patient: Patient,
           detail: dict[str, Any]) -> int:
    session.flush()
    text, digest = record_hash_of(ENTITY, row)
    event = audit.append(session, actor=username, action=action, entity=ENTITY, entity_id=row.id,
                         patient_id=row.patient_id, record_hash=digest,
                         detail={"record": json.loads(text), "mrn": patient.mrn, "kind": row.kind, **detail})
    return event.seq


def _igg_note(session: Any, kind: str, content: dict[str, Any]) -> str | None:
    if kind != "igg":
        return None
    threshold = settings_in(session).igg_threshold_mg_dl
    if igg_low(float(content["igg_mg_dl"]), threshold):
        return f"IgG {content['igg_mg_dl']} mg/dL is below the ward threshold of {threshold:g} mg/dL"
    return None


def add_late_effect(store: Store, actor: Actor, patient_id: int, kind: str, content: dict[str, Any], *,
                    signature: Signature | None = None, today: date | None = None) -> LateEffectSaved:
    """Record an infection, IgG level, new malignancy or follow-up visit for a patient (any role).

    Raises ``ValidationFailed`` naming every bad field (``date``, ``igg_mg_dl`` ...; nothing is
    stored), ``SignatureRequired`` (an infection of grade 3 or more without a signature),
    ``NotFound``, ``PermissionDenied``."""
    today = today or today_local()
    what = f"new {NOUNS.get(kind, 'late effect')}"
    proof = signature_proof(store, actor, signature, ("recorded", "reviewed"))
    with store.writing() as session:
        user = acting_user(session, actor)
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFound(f"patient id {patient_id} does not exist")
        checked = _check(kind, content, patient, today, what)
        if kind == "infection" and checked["ctcae_grade"] >= SIGNATURE_GRADE and proof is None:
            raise SignatureRequired(
                f"infection grade {checked['ctcae_grade']}: saving an infection graded 3 or more needs your "
                "electronic signature (password again, meaning 'recorded'); nothing was saved yet", "recorded")
        utc, _ = stamps()
        row = LateEffect(patient_id=patient_id, kind=kind, time=f"{checked['date']}T00:00:00", content=dumps(checked),
                         voided=False, created_at=utc, created_by=user.username)
        session.add(row)
        seq = _event(session, user.username, "create", row, patient,
                     {"signature": proof, "flag": _igg_note(session, kind, checked)})
        return LateEffectSaved(_view(row, _infusion(patient)), seq)


def _load(session: Any, record_id: int, expected_version: int, attempted: dict[str, Any]) -> LateEffect:
    row: LateEffect = load_for_change(session, LateEffect, ENTITY, "late effect", record_id, expected_version,
                                      attempted, lambda r: NOUNS[r.kind])
    return row


def amend_late_effect(store: Store, actor: Actor, record_id: int, content: dict[str, Any], *, expected_version: int,
                      reason: str, signature: Signature | None, today: date | None = None) -> LateEffectSaved:
    """Replace an entry's content with a new version (same kind): the version the user opened,
    a reason and a signature meaning "amended". The previous version stays in the audit trail."""
    today = today or today_local()
    why = _reason(reason, "an amendment")
    if signature is None:
        raise SignatureRequired("amending this entry needs your electronic signature (password again, meaning "
                                "'amended'); nothing was saved yet", "amended")
    proof = signature_proof(store, actor, signature, ("amended",))
    with store.writing() as session:
        user = acting_user(session, actor)
        row = _load(session, record_id, expected_version, dict(content) if isinstance(content, dict) else {})
        patient = session.get(Patient, row.patient_id)
        assert patient is not None
        checked = _check(row.kind, content, patient, today, "amendment")
        utc, _ = stamps()
        row.content = dumps(checked)
        row.time = f"{checked['date']}T00:00:00"
        row.updated_at, row.updated_by = utc, user.username
        seq = _event(session, user.username, "amend", row, patient,
                     {"reason": why, "signature": proof, "flag": _igg_note(session, row.kind, checked)})
        return LateEffectSaved(_view(row, _infusion(patient)), seq)


def void_late_effect(store: Store, actor: Actor, record_id: int, *, expected_version: int, reason: str,
                     signature: Signature | None) -> LateEffectSaved:
    """Void an entry made in error (physicians and admins): it stays stored, flagged, with the reason."""
    why = _reason(reason, "a void")
    if signature is None:
        raise SignatureRequired("voiding this entry needs your electronic signature (password again, meaning "
                                "'amended'); nothing was changed yet", "amended")
    with store.reading() as session:  # role first: do not make a nurse type a password for nothing
        require_role(acting_user(session, actor), VOID_ROLES, "voiding a record")
    proof = signature_proof(store, actor, signature, ("amended", "reviewed"))
    with store.writing() as session:
        user = acting_user(session, actor)
        require_role(user, VOID_ROLES, "voiding a record")
        row = _load(session, record_id, expected_version, {})
        patient = session.get(Patient, row.patient_id)
        assert patient is not None
        utc, _ = stamps()
        row.voided, row.void_reason = True, why
        row.updated_at, row.updated_by = utc, user.username
        seq = _event(session, user.username, "void", row, patient, {"reason": why, "signature": proof})
        return LateEffectSaved(_view(row, _infusion(patient)), seq)


def get_late_effect(store: Store, record_id: int) -> LateEffectView:
    with store.reading() as session:
        row = session.get(LateEffect, record_id)
        if row is None:
            raise NotFound(f"late effect id {record_id} does not exist")
        patient = session.get(Patient, row.patient_id)
        assert patient is not None
        return _view(row, _infusion(patient))


# ------------------------------------------------------------------------------------------------
# reading


class _PatientData:
    """What the follow-up needs of one patient, loaded in bulk for many (plain values only)."""

    def __init__(self) -> None:
        self.entries: list[LateEffectView] = []
        self.labs: list[tuple[str, dict[str, Any], int]] = []  # (time, values, lab id)
        self.assessment_labs: list[tuple[str, dict[str, Any]]] = []
        self.immunoglobulin: list[RecordView] = []
        self.course: dict[str, Any] = {}


def _load_many(session: Any, patients: list[PatientView]) -> dict[int, _PatientData]:
    data: dict[int, _PatientData] = defaultdict(_PatientData)
    infusion = {p.id: p.infusion_date for p in patients}
    ids = list(infusion)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for row in session.scalars(select(LateEffect).where(LateEffect.patient_id.in_(chunk))
                                   .order_by(LateEffect.time, LateEffect.id)):
            data[row.patient_id].entries.append(_view(row, infusion[row.patient_id]))
        for pid, time, content, lab_id in session.execute(
                select(LabResult.patient_id, LabResult.time, LabResult.content, LabResult.id)
                .where(LabResult.patient_id.in_(chunk), LabResult.voided.is_(False))):
            data[pid].labs.append((time, json.loads(content), lab_id))
        for pid, time, content in session.execute(
                select(Assessment.patient_id, Assessment.time, Assessment.content)
                .where(Assessment.patient_id.in_(chunk), Assessment.voided.is_(False),
                       Assessment.content.contains('"labs":'))):
            data[pid].assessment_labs.append((time, json.loads(content).get("labs") or {}))
        for row in session.scalars(select(Intervention).where(Intervention.patient_id.in_(chunk),
                                                              Intervention.voided.is_(False),
                                                              Intervention.content.contains('"immunoglobulin"'))
                                   .order_by(Intervention.time, Intervention.id)):
            if json.loads(row.content).get("drug") == "immunoglobulin":
                data[row.patient_id].immunoglobulin.append(
                    record_view("intervention", row, infusion[row.patient_id]))
        for pid, result in session.execute(select(PatientCourse.patient_id, PatientCourse.result)
                                           .where(PatientCourse.patient_id.in_(chunk))):
            data[pid].course = loads(result) or {}
    return data


def _igg_levels(d: _PatientData, infusion: date, threshold: float) -> tuple[IggLevel, ...]:
    levels = []
    for e in d.entries:
        if e.kind == "igg" and not e.voided:
            value = float(e.content["igg_mg_dl"])
            levels.append(IggLevel(e.date, e.day, value, igg_low(value, threshold), ENTITY, e.id))
    for time, values, lab_id in d.labs:
        if isinstance(values.get("igg_mg_dl"), int | float):
            value = float(values["igg_mg_dl"])
            when = date.fromisoformat(time[:10])
            levels.append(IggLevel(when, (when - infusion).days, value, igg_low(value, threshold), "lab", lab_id))
    return tuple(sorted(levels, key=lambda g: (g.date, g.entity, g.record_id)))


def _evidence(d: _PatientData) -> dict[str, list[date]]:
    """The dates each scheduled check was done: lab results, IgG entries and follow-up visits."""
    out: dict[str, list[date]] = defaultdict(list)
    for time, values in [(t, v) for t, v, _ in d.labs] + d.assessment_labs:
        when = date.fromisoformat(time[:10])
        if any(values.get(k) is not None for k in BLOOD_COUNT_LABS):
            out["blood_counts"].append(when)
        if values.get("igg_mg_dl") is not None:
            out["igg"].append(when)
    for e in d.entries:
        if e.voided:
            continue
        if e.kind == "igg":
            out["igg"].append(e.date)
        elif e.kind == "visit":
            for check in e.content.get("checks") or ():
                out[check].append(e.date)
    return out


def _died(p: PatientView) -> date | None:
    if not p.death or not p.death.get("date"):
        return None
    return date.fromisoformat(str(p.death["date"]))


def _late_effects(p: PatientView, d: _PatientData, plan: FollowUpPlan, threshold: float, today: date) -> LateEffects:
    icaht = d.course.get("icaht") or {}
    statuses = () if _died(p) else follow_up_status(plan, p.infusion_date, today, _evidence(d))
    return LateEffects(
        patient=p, today=today, entries=tuple(d.entries),
        igg=_igg_levels(d, p.infusion_date, threshold), igg_threshold_mg_dl=threshold,
        immunoglobulin=tuple(d.immunoglobulin),
        icaht_late_grade=icaht.get("late_grade"),
        icaht_reasons=tuple(str(r) for r in icaht.get("reasons") or ()), follow_up=statuses)


def late_effects(store: Store, patient_id: int | None = None, *, mrn: str | None = None,
                 today: date | None = None) -> LateEffects:
    """One patient's late effects and follow-up status as of ``today`` (default: today)."""
    today = today or today_local()
    plan = active_follow_up_plan()
    with store.reading() as session:
        if patient_id is not None:
            patient = session.get(Patient, patient_id)
        else:
            patient = session.scalar(select(Patient).where(Patient.mrn == (mrn or "").strip()))
        if patient is None:
            what = f"id {patient_id}" if patient_id is not None else f"MRN {mrn!r}"
            raise NotFound(f"patient {what} does not exist")
        view = patient_view(patient)
        data = _load_many(session, [view])[patient.id]
        threshold = settings_in(session).igg_threshold_mg_dl
    return _late_effects(view, data, plan, threshold, today)


def follow_up_board(store: Store, today: date | None = None, *, ward: str | None = None) -> list[FollowUpRow]:
    """Every discharged patient (optionally of one ward) with the scheduled checks due and
    overdue on ``today``, the last IgG (flagged), infections, new malignancies, late ICAHT.
    Patients with something overdue come first, then due, then by name."""
    today = today or today_local()
    plan = active_follow_up_plan()
    query = select(Patient).where(Patient.status == "discharged").order_by(Patient.name, Patient.id)
    if ward is not None:
        query = query.where(Patient.ward == ward)
    with store.reading() as session:
        patients = [patient_view(p) for p in session.scalars(query)]
        data = _load_many(session, patients)
        threshold = settings_in(session).igg_threshold_mg_dl
    rows = []
    for p in patients:
        le = _late_effects(p, data[p.id], plan, threshold, today)
        grades = [int(e.content["ctcae_grade"]) for e in le.infections]
        rows.append(FollowUpRow(
            patient=p, day=p.day_on(today), statuses=le.follow_up, last_igg=le.igg[-1] if le.igg else None,
            infections=len(grades), worst_infection_grade=max(grades, default=None),
            malignancies=len(le.malignancies), icaht_late_grade=le.icaht_late_grade,
            last_immunoglobulin=le.immunoglobulin[-1].time.date() if le.immunoglobulin else None,
            died=_died(p)))
    rows.sort(key=lambda r: (not r.overdue, not r.due, r.patient.name.lower(), r.patient.id))
    return rows


def registry_follow_up(le: LateEffects) -> dict[str, Any]:
    """The registry export's follow-up columns for one patient (``interop.registry``)."""
    grades = [int(e.content["ctcae_grade"]) for e in le.infections]
    last = le.igg[-1] if le.igg else None
    return {
        "follow_up_as_of": le.today.isoformat(),
        "follow_up_overdue": [s.describe() for s in le.follow_up if s.status == "overdue"],
        "follow_up_due": [s.describe() for s in le.follow_up if s.status == "due"],
        "late_infections": len(grades),
        "late_infection_max_grade": max(grades, default=None),
        "igg_last_mg_dl": last.igg_mg_dl if last else None,
        "igg_low": last.low if last else None,
        "immunoglobulin_replacement": bool(le.immunoglobulin),
        "new_malignancy": bool(le.malignancies),
        "car_transgene_positive": any(e.content.get("car_transgene_result") == "positive" for e in le.malignancies),
    }

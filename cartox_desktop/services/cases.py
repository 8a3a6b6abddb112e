"""Import a whole case file (case-format.md) as a new patient, in one transaction.

Used by ``cartox record FILE``: the case is validated as a whole first (paths exactly as in
case-format.md), so invalid input stores nothing. Each entry becomes a record with its own
audit event; grades come from grading the full course once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cartox_desktop.clinical import CaseInvalid, parse_case
from cartox_desktop.storage.store import Store

from .auth import signature_proof
from .common import acting_user, course_view, dumps, patient_view, stamps
from .dto import Actor, CaseRecorded, PatientInput, Signature
from .errors import FieldIssue, SignatureRequired, ValidationFailed
from .grading import MODELS, apply_grades, build_case, grade, grade_summary, load_state
from .patients import check_patient, insert_patient
from .records import SIGNATURE_GRADE, _entry_time, _max_grade, _write_events

_LISTS = (("assessment", "assessments"), ("lab", "labs"), ("intervention", "interventions"))


def record_case(store: Store, actor: Actor, case: Any, *, mrn: str, name: str, ward: str | None = None,
                bed: str | None = None, date_of_birth: date | str | None = None,
                signature: Signature | None = None) -> CaseRecorded:
    """Store ``case`` as a new patient with all its assessments, labs and interventions.

    Raises ``ValidationFailed`` (case-format paths, plus ``mrn``/``name``), or
    ``SignatureRequired`` when an assessment grades 3 or more and no signature was given.
    """
    errors: list[FieldIssue] = []
    try:
        parsed = parse_case(case)
    except CaseInvalid as exc:
        errors += [FieldIssue(e.path, e.value, e.message) for e in exc.errors]
        parsed = None
    if not isinstance(case, dict):
        raise ValidationFailed(errors or [FieldIssue("", case, "a case must be a JSON object")], "case")
    raw_person = case.get("patient")
    person: dict[str, Any] = raw_person if isinstance(raw_person, dict) else {}
    try:
        values = check_patient(PatientInput(
            mrn=mrn, name=name, infusion_date=case.get("infusion_date") or "", age_years=person.get("age_years"),
            date_of_birth=date_of_birth, weight_kg=person.get("weight_kg"), ward=ward, bed=bed,
            product=case.get("product"), baseline_labs=case.get("baseline_labs"),
            upper_limits=case.get("upper_limits"), death=case.get("death")))
    except ValidationFailed as exc:
        known = {e.path for e in errors}
        for e in exc.errors:
            path = {"age_years": "patient.age_years", "weight_kg": "patient.weight_kg"}.get(e.path, e.path)
            if path not in known:
                errors.append(FieldIssue(path, e.value, e.message))
        values = None
    if errors or parsed is None or values is None:
        raise ValidationFailed(errors, "case")
    output = grade(parsed)
    highest = max((_max_grade(grade_summary(a)) for a in output["assessments"]), default=-1)
    if highest >= SIGNATURE_GRADE and signature is None:
        raise SignatureRequired(f"grade {highest}: this case has an assessment graded 3 or more; recording it "
                                "needs your electronic signature (password, meaning 'recorded')", "recorded")
    proof = signature_proof(store, actor, signature, ("recorded",))
    counts = {"assessment": 0, "lab": 0, "intervention": 0}
    with store.writing() as session:
        user = acting_user(session, actor)
        patient = insert_patient(session, user.username, values)
        events = 1
        utc, _ = stamps()
        state = load_state(session, patient.id)
        for kind, list_name in _LISTS:
            for entry in case.get(list_name) or []:
                row = MODELS[kind](patient_id=patient.id, time=_entry_time(kind, entry), content=dumps(entry),
                                   voided=False, created_at=utc, created_by=user.username)
                if kind == "assessment":
                    row.case_id = str(entry["id"])
                if kind == "intervention":
                    row.given_by = user.display_name
                session.add(row)
                state.rows[kind].append(row)
                counts[kind] += 1
        session.flush()
        for rows in state.rows.values():
            rows.sort(key=lambda r: (r.time, r.id))
        build = build_case(state)
        output = grade(parse_case(build.case))
        applied = apply_grades(session, state, build, output)
        applied.updates = []  # each record's own create event carries its grades
        for kind, _ in _LISTS:
            for row in state.rows[kind]:
                detail: dict[str, Any] = {"signature": proof, "source": "case file", "grades_before": None}
                _write_events(session, user.username, "create", kind, row, state, applied, detail)
                events += 1
        return CaseRecorded(patient_view(patient), counts["assessment"], counts["lab"], counts["intervention"],
                            events, course_view(applied.course))

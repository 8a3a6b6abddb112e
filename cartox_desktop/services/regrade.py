"""``cartox audit regrade``: re-grade every stored assessment with the current rules and list
each stored grade that now differs (both grades, both rules versions), so a quality team can
find grades made by an older rules version, a defect, or a change made outside the app.

Also compares the full stored grading output (reasons, flags, EASIX), which ``audit verify``
leaves to this check. Read-only: nothing is re-stored (the next save of that patient re-grades
and audits it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cartox_desktop.clinical import RULES_VERSION, CaseInvalid, parse_case
from cartox_desktop.storage.models import Patient
from cartox_desktop.storage.store import Store

from .common import dumps
from .dto import GradeDifference
from .grading import build_case, grade, load_state

SCALES = ("crs_astct", "crs_ctcae", "icans_astct")


def regrade_all(store: Store) -> list[GradeDifference]:
    differences: list[GradeDifference] = []
    with store.reading() as session:
        ids = list(session.scalars(select(Patient.id).order_by(Patient.id)))
    for patient_id in ids:
        with store.reading() as session:
            state = load_state(session, patient_id)
            build = build_case(state)
            mrn = state.patient.mrn
            try:
                output = grade(parse_case(build.case))
            except CaseInvalid as exc:
                differences.append(GradeDifference(mrn, patient_id, None, None, None, "validation",
                                                   None, None, None, RULES_VERSION + f": {exc}"))
                continue
            for row, entry in zip(build.sources["assessment"], output["assessments"], strict=True):
                stored = state.grades.get(row.id)
                found = False
                for scale in SCALES:
                    now = (entry.get(scale) or {}).get("grade")
                    before = getattr(stored, scale) if stored else None
                    if stored is None or before != now:
                        found = True
                        differences.append(GradeDifference(
                            mrn, patient_id, row.id, row.case_id, datetime.fromisoformat(row.time), scale, before,
                            stored.rules_version if stored else None, now, RULES_VERSION))
                if stored is not None and not found and stored.result != dumps(entry):
                    differences.append(GradeDifference(
                        mrn, patient_id, row.id, row.case_id, datetime.fromisoformat(row.time), "details",
                        None, stored.rules_version, None, RULES_VERSION,
                        note="same grades, but the stored reasons, flags or scores differ"))
            course = output["course"]
            stored_course = state.course
            for key in ("crs_max_grade", "icans_max_grade"):
                before = getattr(stored_course, key) if stored_course else None
                if stored_course is None or before != course.get(key):
                    differences.append(GradeDifference(
                        mrn, patient_id, None, None, None, f"course.{key}", before,
                        stored_course.rules_version if stored_course else None, course.get(key), RULES_VERSION))
    return differences

"""Rebuild a patient's case from stored rows, validate a change through the clinical core, grade
the course, and store the grades (with the rules version) — inside the caller's transaction.

The stored rows are the only input: the case dict given to ``parse_case``/``grade_case`` is
rebuilt from them each time, so what was graded is exactly what is stored. A change can alter
other assessments' grades (a backdated intervention waives fever, an amended infusion date
shifts every day); each such stored grade change gets its own ``regrade`` audit event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cartox_desktop.clinical import RULES_VERSION, CaseInvalid, grade_case, parse_case
from cartox_desktop.clinical.validation import validate_assessment
from cartox_desktop.storage.models import (
    Assessment,
    AssessmentGrade,
    Intervention,
    LabResult,
    Patient,
    PatientCourse,
)
from cartox_desktop.storage.rowwrite import insert_row, update_row

from .board import board_text
from .common import dumps, loads, stamps
from .errors import FieldIssue, ValidationFailed
from .protocols import active_protocol

MODELS: dict[str, Any] = {"assessment": Assessment, "lab": LabResult, "intervention": Intervention}
CASE_LIST = {"assessment": "assessments", "lab": "labs", "intervention": "interventions"}
NOUN = {"assessment": "assessment", "lab": "lab result", "intervention": "intervention"}


def _protocol() -> Any:
    """The protocol of the ward settings (bundled when empty), loaded by ``services.protocols``.
    A broken protocol file raises ``ProtocolError`` (file and TOML path): never graded without."""
    return active_protocol()


@lru_cache(maxsize=65536)
def _decoded_cached(text: str) -> Any:
    return json.loads(text)


def _decoded(text: str) -> Any:
    """Decode stored JSON once per distinct text: a save re-reads the whole course, and the same
    rows come back on every save. Callers only read the result (it is shared)."""
    return _decoded_cached(text)


@dataclass
class PatientState:
    """Everything stored for one patient, loaded in one transaction."""

    patient: Patient
    rows: dict[str, list[Any]]
    grades: dict[int, AssessmentGrade]
    course: PatientCourse | None
    # assessment row -> the graded JSON object last found equal to (or stored as) its stored
    # result; ``apply_grades`` then need not compare an unchanged entry again (``grade(shared=True)``).
    # Keyed by the row object itself: a row replaced in ``rows`` (amended) is compared afresh.
    same_result: dict[Any, Any] = field(default_factory=dict)

    def add_row(self, kind: str, row: Any) -> None:
        """Add a new stored row, keeping ``rows`` in ``load_state``'s (time, id) order."""
        rows = self.rows[kind]
        rows.append(row)
        if len(rows) > 1 and (rows[-2].time, rows[-2].id) > (row.time, row.id):
            self.reorder(kind)  # a backdated entry

    def reorder(self, kind: str) -> None:
        """Back to (time, id) order after a row's time changed (an amendment)."""
        self.rows[kind].sort(key=_row_order)


def _row_order(row: Any) -> tuple[str, int]:
    return (row.time, row.id)


def load_state(session: Session, patient_id: int) -> PatientState:
    patient = session.get(Patient, patient_id)
    if patient is None:
        from .errors import NotFound

        raise NotFound(f"patient id {patient_id} does not exist")
    rows: dict[str, list[Any]] = {}
    for kind, model in MODELS.items():
        rows[kind] = list(session.scalars(
            select(model).where(model.patient_id == patient_id).order_by(model.time, model.id)))
    ids = [a.id for a in rows["assessment"]]
    grades = {g.assessment_id: g for g in session.scalars(
        select(AssessmentGrade).where(AssessmentGrade.assessment_id.in_(ids)))} if ids else {}
    return PatientState(patient, rows, grades, session.get(PatientCourse, patient_id))


def patient_case_fields(p: Patient) -> dict[str, Any]:
    """The case-format top-level fields held on the patient row."""
    person: dict[str, Any] = {"age_years": case_number(p.age_years)}
    if p.weight_kg is not None:
        person["weight_kg"] = case_number(p.weight_kg)
    infusion = p.infusion_date if isinstance(p.infusion_date, str) else p.infusion_date.isoformat()
    case: dict[str, Any] = {"patient": person, "infusion_date": infusion}
    if p.product is not None:
        case["product"] = p.product
    for key in ("baseline_labs", "upper_limits", "death"):
        value = loads(getattr(p, key))
        if value is not None:
            case[key] = value
    return case


def case_number(value: float) -> float | int:
    """A stored number as the case format writes it (80.0 kg → 80)."""
    return int(value) if float(value).is_integer() else float(value)


@dataclass
class CaseBuild:
    """A case dict plus, per list, which stored row (or the pending change) each entry came from
    and that row's stored JSON text (None for the pending change)."""

    case: dict[str, Any]
    sources: dict[str, list[Any]] = field(default_factory=dict)  # row, or "pending"
    texts: dict[str, list[str | None]] = field(default_factory=dict)


def build_case(state: PatientState, pending: tuple[str, int | None, dict[str, Any] | None] | None = None,
               patient_fields: dict[str, Any] | None = None) -> CaseBuild:
    """The patient's case from stored rows (voided ones left out). ``pending`` = (kind, row id or
    None for a new record, new content or None to leave the row out): the change being saved,
    which is placed last in its list so an error path points at it."""
    case = dict(patient_fields if patient_fields is not None else patient_case_fields(state.patient))
    build = CaseBuild(case)
    for kind, rows in state.rows.items():
        entries: list[Any] = []
        sources: list[Any] = []
        texts: list[str | None] = []
        left_out = pending[1] if pending is not None and pending[0] == kind else None
        for row in rows:
            if row.voided or (left_out is not None and row.id == left_out):
                continue
            text = row.content
            entries.append(_decoded(text))
            sources.append(row)
            texts.append(text)
        if pending and pending[0] == kind and pending[2] is not None:
            entries.append(pending[2])
            sources.append("pending")
            texts.append(None)
        case[CASE_LIST[kind]] = entries
        build.sources[kind] = sources
        build.texts[kind] = texts
    return build


# Stored assessments validated before, by (stored text, position): a save validates only what
# is new. Bounded like the grade memo (emptied when full).
_VALIDATED: dict[tuple[str, int], Any] = {}
_VALIDATED_LIMIT = 20_000
_MISSING = object()


def _validated_assessment(text: str, index: int) -> Any:
    found = _VALIDATED.get((text, index), _MISSING)
    if found is _MISSING:
        found = validate_assessment(_decoded(text), index)
        _remember(text, index, found)
    return found


def _remember(text: str, index: int, assessment: Any) -> None:
    if len(_VALIDATED) >= _VALIDATED_LIMIT:
        _VALIDATED.clear()
    _VALIDATED[(text, index)] = assessment


def remember_saved_assessment(text: str, build: CaseBuild, parsed: Any) -> None:
    """After a new assessment is stored as ``text``: the next save finds its validated object
    (the one just graded, so its grades are in the memo too) instead of validating it again.
    ``build``/``parsed``: the case the save validated, the new assessment last in its list."""
    position = len(build.sources.get("assessment", [])) - 1
    if parsed.assessments and parsed.assessments[-1].index == position:
        _remember(text, position, parsed.assessments[-1])


def known_assessments(build: CaseBuild) -> Any:
    """For ``parse_case``: stored assessments validated before (same stored text, same position)
    are taken from a cache, so a save validates the new entry and not the whole course again."""
    entries = build.case.get("assessments", [])
    texts = build.texts.get("assessment", [])

    def known(raw: Any, index: int) -> Any:
        if index >= len(texts) or entries[index] is not raw:
            return None
        text = texts[index]
        return None if text is None else _validated_assessment(text, index)

    return known


def validate(build: CaseBuild, kind: str | None, what: str) -> Any:
    """``parse_case`` the rebuilt case; map error paths back to the pending record."""
    try:
        return parse_case(build.case, known_assessments(build))
    except CaseInvalid as exc:
        raise ValidationFailed(map_errors(exc, build, kind), what) from exc


def map_errors(exc: CaseInvalid, build: CaseBuild, kind: str | None) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    pending_prefix = None
    if kind is not None:
        sources = build.sources.get(kind, [])
        if sources and sources[-1] == "pending":
            pending_prefix = f"{CASE_LIST[kind]}[{len(sources) - 1}]"
    for err in exc.errors:
        path = err.path
        if pending_prefix and (path == pending_prefix or path.startswith(pending_prefix + ".")):
            issues.append(FieldIssue(path[len(pending_prefix) + 1:], err.value, err.message))
            continue
        issues.append(FieldIssue(_describe_stored(path, build), err.value, err.message))
    return issues


def _describe_stored(path: str, build: CaseBuild) -> str:
    """Name a stored record an error points at (after a rules change made it invalid)."""
    for kind, list_name in CASE_LIST.items():
        if path.startswith(list_name + "["):
            index_text, _, rest = path[len(list_name) + 1:].partition("]")
            try:
                row = build.sources[kind][int(index_text)]
            except (ValueError, IndexError, KeyError):
                return path
            label = f"stored {NOUN[kind]} id {row.id}" if row != "pending" else NOUN[kind]
            return f"{label}{rest}" if rest else label
    if path.startswith("patient."):
        return path[len("patient."):]
    return path


# Per-assessment grades kept between saves (see grade_case's memo): the validated Assessment
# objects come from _validated_assessment, so an unchanged stored entry is the same object on the
# next save. Emptied when it grows past the limit: about 1.1 kB an entry, so at most ~22 MB
# (a 40-bed ward of 35-day courses holds about 6,000).
_GRADE_MEMO: dict[Any, Any] = {}
_GRADE_MEMO_LIMIT = 20_000


# The JSON of each memoised AssessmentGrades (keyed by id, the object kept alive beside it), for
# saves: most of a course is unchanged, and building its JSON again was a third of a save's grading.
_ENTRY_JSON: dict[int, tuple[Any, dict[str, Any]]] = {}


def _entry_json(graded: Any) -> dict[str, Any]:
    hit = _ENTRY_JSON.get(id(graded))
    if hit is not None and hit[0] is graded:
        return hit[1]
    entry: dict[str, Any] = graded.to_json()
    _ENTRY_JSON[id(graded)] = (graded, entry)
    return entry


def grade(parsed: Any, *, shared: bool = False) -> dict[str, Any]:
    """The case-format output of ``parsed``, graded with the ward's protocol. ``shared``: the
    per-assessment JSON objects may be shared with earlier and later calls (the save path, which
    only reads them); otherwise every object is new and the caller's to change."""
    if len(_GRADE_MEMO) > _GRADE_MEMO_LIMIT:
        _GRADE_MEMO.clear()
        _ENTRY_JSON.clear()
    graded = grade_case(parsed, _protocol(), memo=_GRADE_MEMO)
    return graded.to_json(_entry_json if shared else None)


def grade_summary(entry: dict[str, Any] | None, rules_version: str = RULES_VERSION) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "crs_astct": (entry.get("crs_astct") or {}).get("grade"),
        "crs_ctcae": (entry.get("crs_ctcae") or {}).get("grade"),
        "icans_astct": (entry.get("icans_astct") or {}).get("grade"),
        "rules_version": rules_version,
    }


def stored_summary(g: AssessmentGrade | None) -> dict[str, Any] | None:
    if g is None:
        return None
    return {"crs_astct": g.crs_astct, "crs_ctcae": g.crs_ctcae, "icans_astct": g.icans_astct,
            "rules_version": g.rules_version}


def course_summary(course: dict[str, Any] | None) -> dict[str, Any] | None:
    if course is None:
        return None
    keys = ("crs_max_grade", "crs_onset_day", "icans_max_grade", "icans_onset_day")
    out = {k: course.get(k) for k in keys}
    out["icaht"] = {k: (course.get("icaht") or {}).get(k) for k in ("early_grade", "late_grade")}
    out["iec_hs"] = {k: (course.get("iec_hs") or {}).get(k) for k in ("met", "grade")}
    return out


@dataclass
class GradeUpdate:
    row: Assessment
    grade: AssessmentGrade
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class Applied:
    updates: list[GradeUpdate]
    course_before: dict[str, Any] | None
    course_after: dict[str, Any] | None
    course: PatientCourse


def apply_grades(session: Session, state: PatientState, build: CaseBuild, output: dict[str, Any],
                 pending_row: Any = None) -> Applied:
    """Store the new grades of every assessment whose stored grades differ, and the course with
    its ward-board summary (``board.board_text``), by Core statements (``storage.rowwrite``)."""
    utc, _ = stamps()
    updates: list[GradeUpdate] = []
    same = state.same_result
    for source, entry in zip(build.sources.get("assessment", []), output["assessments"], strict=True):
        row = pending_row if isinstance(source, str) else source
        if same.get(row) is entry:
            continue  # stored by, or found equal to, this very object (current rules version)
        row_id = row.id
        old = state.grades.get(row_id) if row_id is not None else None
        if old is not None and old.rules_version == RULES_VERSION and _decoded(old.result) == entry:
            same[row] = entry
            continue  # unchanged: most of a course keeps its grades when one entry is added
        before = stored_summary(old)
        values = grade_summary(entry) or {}
        stored = {"rules_version": RULES_VERSION, "crs_astct": values["crs_astct"],
                  "crs_ctcae": values["crs_ctcae"], "icans_astct": values["icans_astct"],
                  "result": dumps(entry), "graded_at": utc}
        if old is None:
            old = insert_row(session, AssessmentGrade(assessment_id=row_id, **stored))
            state.grades[row_id] = old
        else:  # a row of this session, or one kept detached by services.statecache
            update_row(session, old, stored)
        same[row] = entry
        updates.append(GradeUpdate(row, old, before, stored_summary(old)))
    course_json = output["course"]
    course = state.course
    before_course = course_summary(loads(course.result)) if course is not None else None
    course_values = {
        "rules_version": RULES_VERSION, "crs_max_grade": course_json.get("crs_max_grade"),
        "icans_max_grade": course_json.get("icans_max_grade"), "result": dumps(course_json), "graded_at": utc,
        "board": board_text(state, course_json),
    }
    if course is None:
        course = insert_row(session, PatientCourse(patient_id=state.patient.id, **course_values))
        state.course = course
    else:
        update_row(session, course, course_values)
    return Applied(updates, before_course, course_summary(course_json), course)


def day_of(infusion: date | str, time_text: str) -> int:
    d = infusion if isinstance(infusion, date) else date.fromisoformat(infusion)
    return (date.fromisoformat(time_text[:10]) - d).days

"""A patient's stored rows kept between saves in this process, so a save does not re-read and
re-build the whole course through the ORM (issue 3: saves per second).

Safe because every service change to a patient's records, grades or course writes an audit
event with that ``patient_id`` in the same transaction, and each event's hash covers the whole
chain before it. So (seq, hash) of the patient's newest event names exactly the stored state a
cached copy was taken at. It is compared with one indexed query inside the write transaction,
after the writer lock is held (``BEGIN IMMEDIATE`` / the advisory lock): another window, a CLI
command or another ward computer that saved for the patient since makes it differ, and the rows
are read from the database as before. A copy is only kept after its transaction committed; a
rolled-back save drops it. ``audit verify`` still reads every row from the database: a value
changed behind the app's back is caught there, never hidden by this cache.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from cartox_desktop.storage.models import AssessmentGrade, Patient, PatientCourse

from .grading import MODELS, PatientState, load_state

CACHE_KEY = "patient_states"
MAX_PATIENTS = 64  # a ward's worth; the least recently saved patient is dropped first
_ROW_TYPES = frozenset(MODELS.values())


# The chain head and the patient's newest event in one round trip (both use an index).
_MARKS = text(
    "SELECT 0 AS which, h.seq, h.hash FROM (SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1) h "
    "UNION ALL SELECT 1 AS which, p.seq, p.hash FROM (SELECT seq, hash FROM audit_event "
    "WHERE patient_id = :patient_id ORDER BY seq DESC LIMIT 1) p")


def newest_event(session: Session, patient_id: int) -> tuple[int, str] | None:
    """(seq, hash) of the patient's newest audit event; also tells ``audit.append`` the chain
    head, which a save needs next (the writer lock is held, so neither can move meanwhile)."""
    mark = None
    for which, seq, digest in session.connection().execute(_MARKS, {"patient_id": patient_id}):
        if which == 1:
            mark = (seq, digest)
        else:
            session.info.setdefault("audit_head", (seq, digest))
    return mark


def load_state_for_save(session: Session, patient_id: int) -> PatientState:
    """``grading.load_state`` for a write transaction of ``Store.writing``: the copy this
    process kept after its last committed save for the patient when nothing was written for the
    patient since, else the rows from the database; kept again once this transaction commits.

    The returned state is this transaction's alone (taken out of the cache), and rows the
    session already holds (an amended row read by ``load_for_change``) replace the kept ones.
    A second call in the same transaction (a lab file with several entries for one patient)
    gets the same state, with the first call's changes in it."""
    store = session.info.get("store")
    if store is None:  # not a Store.writing() session: nothing may be kept
        return load_state(session, patient_id)
    in_use: dict[int, PatientState] = session.info.setdefault("patient_states", {})
    if patient_id in in_use:
        return in_use[patient_id]  # already this session's rows
    mark = newest_event(session, patient_id)
    with store.cache_lock:
        kept = store.cache.setdefault(CACHE_KEY, {}).pop(patient_id, None)
    state: PatientState
    if kept is not None and mark is not None and kept[0] == mark:
        state = kept[1]
        _prefer_session_rows(session, state)
    else:
        state = load_state(session, patient_id)
    in_use[patient_id] = state
    session.info["after_commit"].append(lambda: _keep(store, session, patient_id, mark, state))
    return state


def _prefer_session_rows(session: Session, state: PatientState) -> None:
    """Rows the session loaded itself replace the kept copies (one object per row per session)."""
    present: dict[tuple[type, int], Any] = {}
    obj: Any
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Patient):
            if obj.id == state.patient.id:
                state.patient = obj
        elif isinstance(obj, PatientCourse):
            if obj.patient_id == state.patient.id:
                state.course = obj
        elif isinstance(obj, AssessmentGrade):
            if obj.assessment_id in state.grades:
                state.grades[obj.assessment_id] = obj
        elif type(obj) in _ROW_TYPES:
            present[(type(obj), obj.id)] = obj
    if present:  # one pass over the course (an amendment's row, typically)
        for rows in state.rows.values():
            for i, row in enumerate(rows):
                found = present.get((type(row), row.id))
                if found is not None:
                    rows[i] = found


def _keep(store: Any, session: Session, patient_id: int, mark: tuple[int, str] | None, state: PatientState) -> None:
    """After the commit: keep the state under the patient's newest event as this save left it."""
    mark = (session.info.get("patient_heads") or {}).get(patient_id, mark)
    if mark is None:
        return
    with store.cache_lock:
        states = store.cache.setdefault(CACHE_KEY, {})
        states.pop(patient_id, None)
        states[patient_id] = (mark, state)
        while len(states) > MAX_PATIENTS:
            del states[next(iter(states))]



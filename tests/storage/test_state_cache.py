"""Saves reuse the patient's rows kept from this process's previous save (services.statecache).

What a user would notice if the kept copy were ever stale: a save made on another ward
computer missing from the next grade, a duplicate assessment id, a failed save leaving a ghost
entry in the next one, or grades that differ from grading the stored rows afresh. Each test
checks the stored result through a second, freshly opened store (no kept rows).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cartox_desktop.services import (
    Actor,
    SaveResult,
    Signature,
    ValidationFailed,
    add_assessment,
    add_intervention,
    add_user,
    amend_patient,
    amend_record,
    create_patient,
    import_labs,
    login,
    patient_timeline,
    regrade_all,
    verify,
    void_record,
)
from cartox_desktop.services import audit as audit_module
from cartox_desktop.services.board import board_summary
from cartox_desktop.services.grading import load_state
from cartox_desktop.storage import Store, open_store
from cartox_desktop.storage.models import User

from .conftest import Backend
from .helpers import PASSWORD, admission, assessment

SIGN = Signature(PASSWORD, "recorded")
AMEND = Signature(PASSWORD, "amended")


@pytest.fixture
def other_computer(backend: Backend, store: Store) -> Iterator[Store]:
    """A second ward computer: its own store (and kept rows) on the same database."""
    second = open_store(backend.url)
    try:
        yield second
    finally:
        second.close()


def _fresh_view(url: str, patient_id: int) -> tuple[Any, list[Any], bool, str | None, str]:
    """What a computer that never saved for the patient reads: timeline, regrade differences,
    verify, the stored board and the board computed from the stored rows."""
    fresh = open_store(url, migrate=False)
    try:
        timeline = patient_timeline(fresh, patient_id)
        with fresh.reading() as session:
            state = load_state(session, patient_id)
            stored_board = state.course.board if state.course is not None else None
            course = json.loads(state.course.result) if state.course is not None else {}
            computed = json.dumps(board_summary(state.rows["assessment"], state.grades,
                                                state.rows["intervention"], course, float(state.patient.age_years)),
                                  sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return timeline, regrade_all(fresh), verify(fresh).ok, stored_board, computed
    finally:
        fresh.close()


def test_a_save_from_another_computer_is_in_the_next_grade(backend: Backend, store: Store,
                                                           other_computer: Store, nurse: Actor,
                                                           patient: Any) -> None:
    first = add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00", temperature_c=38.9))
    assert first.record.case_id == "a1"
    elsewhere = login(other_computer, "nurse", PASSWORD)
    # On the other computer: tocilizumab at 09:00, so the fever is waived from then on.
    add_intervention(other_computer, elsewhere, patient.id, {"time": "2026-03-03T09:00", "drug": "tocilizumab",
                                                             "dose_mg": 656})
    add_assessment(other_computer, elsewhere, patient.id, assessment("2026-03-03T12:00", temperature_c=37.0))
    # Back on the first computer: hypotension after tocilizumab is CRS grade 2 only if the
    # intervention entered elsewhere is part of the course this save grades.
    third = add_assessment(store, nurse, patient.id, assessment("2026-03-03T16:00", temperature_c=37.1,
                                                                 systolic_bp_mmhg=86, hypotension=True))
    assert third.record.case_id == "a3"  # not a second "a2"
    assert third.record.grades is not None and third.record.grades.crs_astct == 2
    timeline, differences, intact, stored_board, computed_board = _fresh_view(backend.url, patient.id)
    assert [a.case_id for a in timeline.assessments] == ["a1", "a2", "a3"]
    assert differences == [] and intact
    assert stored_board == computed_board


def test_a_failed_save_leaves_nothing_behind_in_the_next(backend: Backend, store: Store, nurse: Actor,
                                                         patient: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00", temperature_c=37.0))
    real_append = audit_module.append

    def broken_append(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")

    # The row and its grades were added to the course before the audit event failed.
    monkeypatch.setattr(audit_module, "append", broken_append)
    with pytest.raises(OSError):
        add_assessment(store, nurse, patient.id, assessment("2026-03-03T12:00", temperature_c=39.5))
    monkeypatch.setattr(audit_module, "append", real_append)
    saved = add_assessment(store, nurse, patient.id, assessment("2026-03-03T16:00", temperature_c=37.2))
    assert saved.record.case_id == "a2"  # the failed "a2" at 12:00 was never stored
    assert saved.course is not None and saved.course.crs_max_grade == 0  # its fever is not in the course
    timeline, differences, intact, stored_board, computed_board = _fresh_view(backend.url, patient.id)
    assert [a.time for a in timeline.assessments] == [datetime(2026, 3, 3, 8), datetime(2026, 3, 3, 16)]
    assert differences == [] and intact and stored_board == computed_board


def test_amend_and_void_after_kept_saves_store_what_a_fresh_grading_gives(backend: Backend, store: Store,
                                                                          physician: Actor, patient: Any) -> None:
    saves = [add_assessment(store, physician, patient.id, assessment(f"2026-03-0{d}T08:00", temperature_c=t),
                            signature=SIGN) for d, t in ((3, 38.4), (4, 37.0), (5, 38.8))]
    second = saves[1].record
    amended = amend_record(store, physician, "assessment", second.id, {**second.content, "temperature_c": 39.2},
                           expected_version=1, reason="misread", signature=AMEND)
    # The time corrected to after every other entry: it is now the latest on the board.
    again = amend_record(store, physician, "assessment", second.id,
                         {**amended.record.content, "spo2_percent": 91, "time": "2026-03-06T08:00"},
                         expected_version=2, reason="SpO2 added, time corrected", signature=AMEND)
    assert again.record.version == 3 and again.record.content["temperature_c"] == 39.2
    _, differences, intact, stored_board, computed_board = _fresh_view(backend.url, patient.id)
    assert differences == [] and intact and stored_board == computed_board
    assert json.loads(stored_board or "{}")["latest"]["time"] == "2026-03-06T08:00:00"
    void_record(store, physician, "assessment", saves[0].record.id, expected_version=1, reason="wrong patient",
                signature=AMEND)
    # Backdated before every other entry: the kept rows must be back in time order.
    last = add_assessment(store, physician, patient.id, assessment("2026-03-02T20:00", temperature_c=38.1),
                          signature=SIGN)
    timeline, differences, intact, stored_board, computed_board = _fresh_view(backend.url, patient.id)
    assert [(a.case_id, a.version, a.voided) for a in timeline.assessments] == [
        ("a4", 1, False), ("a1", 2, True), ("a3", 1, False), ("a2", 3, False)]
    assert differences == [] and intact and stored_board == computed_board
    assert last.course is not None and timeline.course is not None
    assert last.course.result == timeline.course.result


# ------------------------------------------------------------------------------------------------
# Property: any sequence of saves, amendments, voids and saves from a second computer stores
# exactly what grading the stored rows afresh gives.

_MRNS = itertools.count(1)
START = datetime(2026, 3, 1, 0, 0)

_add = st.tuples(st.just("add"), st.integers(0, 160), st.sampled_from([36.8, 37.9, 38.3, 39.4]),
                 st.sampled_from([118, 86]), st.booleans())
_toci = st.tuples(st.just("toci"), st.integers(0, 160), st.booleans())
_amend = st.tuples(st.just("amend"), st.integers(0, 20), st.sampled_from([36.9, 38.6, 39.9]),
                   st.one_of(st.none(), st.integers(0, 160)))  # a corrected time, or the same
_void = st.tuples(st.just("void"), st.integers(0, 20))
OPERATIONS = st.lists(st.one_of(_add, _add, _toci, _amend, _void), min_size=1, max_size=14)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPERATIONS)
def test_kept_rows_store_what_grading_the_stored_rows_afresh_gives(sqlite_backend: Backend,
                                                                   operations: list[Any]) -> None:
    here, there = _two_computers(sqlite_backend.url)
    try:
        doctor = login(here, "doc", PASSWORD)
        doctor_there = login(there, "doc", PASSWORD)
        pid = create_patient(here, doctor, admission(f"P-{next(_MRNS)}")).id
        last: SaveResult | None = None  # the newest save, when it was made here
        for op in operations:
            saved = _apply(op, here, there, doctor, doctor_there, pid)
            if saved is not None:
                last = saved[1] if saved[0] is here else None
        timeline, differences, intact, stored_board, computed_board = _fresh_view(sqlite_backend.url, pid)
        assert differences == [] and intact
        assert stored_board == computed_board
        if last is not None:
            assert last.course is not None and timeline.course is not None
            assert last.course.result == timeline.course.result
    finally:
        here.close()
        there.close()


def _two_computers(url: str) -> tuple[Store, Store]:
    """Two stores on one database; its users are added by the first example."""
    here = open_store(url)
    with here.reading() as session:
        first_example = not session.scalar(select(func.count()).select_from(User))
    if first_example:
        add_user(here, None, "admin", PASSWORD, "admin")
        add_user(here, login(here, "admin", PASSWORD), "doc", PASSWORD, "physician")
    return here, open_store(url, migrate=False)


def _apply_target(op: tuple[Any, ...]) -> str:
    return "there" if op[0] in ("add", "toci") and op[-1] else "here"


def _apply(op: tuple[Any, ...], here: Store, there: Store, doctor: Actor, doctor_there: Actor,
           pid: int) -> tuple[Store, SaveResult] | None:
    target, who = (there, doctor_there) if _apply_target(op) == "there" else (here, doctor)
    try:
        if op[0] == "add":
            when = (START + timedelta(hours=op[1])).isoformat(timespec="minutes")
            entry = assessment(when, temperature_c=op[2], systolic_bp_mmhg=op[3], hypotension=op[3] < 90)
            return target, add_assessment(target, who, pid, entry, signature=SIGN)
        if op[0] == "toci":
            when = (START + timedelta(hours=op[1])).isoformat(timespec="minutes")
            return target, add_intervention(target, who, pid, {"time": when, "drug": "tocilizumab", "dose_mg": 656})
        stored = [a for a in patient_timeline(target, pid).assessments if not a.voided]
        if not stored:
            return None
        record = stored[op[1] % len(stored)]
        if op[0] == "amend":
            content = {**record.content, "temperature_c": op[2]}
            if op[3] is not None:
                content["time"] = (START + timedelta(hours=op[3])).isoformat(timespec="minutes")
            return target, amend_record(target, who, "assessment", record.id, content,
                                        expected_version=record.version, reason="re-measured", signature=AMEND)
        return target, void_record(target, who, "assessment", record.id, expected_version=record.version,
                                   reason="entered in error", signature=AMEND)
    except ValidationFailed:
        return None  # e.g. two assessments at the same time, or too many tocilizumab doses


def test_a_lab_file_with_several_entries_for_one_patient_then_a_save(backend: Backend, store: Store, nurse: Actor,
                                                                     patient: Any) -> None:
    add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00", temperature_c=37.0))
    import_labs(store, nurse, {patient.id: [{"time": "2026-03-03T06:00", "anc_per_ul": 400, "crp_mg_dl": 4.8},
                                            {"time": "2026-03-04T06:00", "anc_per_ul": 300},
                                            {"time": "2026-03-05T06:00", "anc_per_ul": 200}]},
                source={"file_name": "labs.csv", "sha256": "0" * 64})
    saved = add_assessment(store, nurse, patient.id, assessment("2026-03-05T08:00", temperature_c=37.1))
    timeline, differences, intact, stored_board, computed_board = _fresh_view(backend.url, patient.id)
    assert len(timeline.labs) == 3 and [a.case_id for a in timeline.assessments] == ["a1", "a2"]
    assert differences == [] and intact and stored_board == computed_board
    assert saved.course is not None and timeline.course is not None
    assert saved.course.result == timeline.course.result  # the three labs are in the grade of the next save


def test_a_corrected_infusion_date_between_two_saves_moves_the_next_grade(backend: Backend, store: Store,
                                                                          physician: Actor, patient: Any) -> None:
    add_assessment(store, physician, patient.id, assessment("2026-03-03T08:00", temperature_c=38.4))
    amend_patient(store, physician, patient.id, admission(infusion_date="2026-03-02"),
                  expected_version=patient.version, reason="infusion was on 2 March", signature=AMEND)
    saved = add_assessment(store, physician, patient.id, assessment("2026-03-04T08:00", temperature_c=37.0))
    assert saved.record.day == 2  # counted from the corrected infusion date
    assert saved.course is not None and saved.course.result["crs_onset_day"] == 1
    timeline, differences, intact, stored_board, computed_board = _fresh_view(backend.url, patient.id)
    assert differences == [] and intact and stored_board == computed_board
    assert timeline.course is not None and saved.course.result == timeline.course.result

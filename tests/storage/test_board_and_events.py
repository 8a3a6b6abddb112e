"""The ward board from the stored course summary, and the audit trail filtered in SQL
(``events``, ``print_events``); on SQLite and, with CARTOX_TEST_PG_URL, PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from cartox_desktop.qt.data import board_row, board_row_from_ward
from cartox_desktop.services import (
    Actor,
    Signature,
    add_assessment,
    add_intervention,
    create_patient,
    events,
    open_store,
    patient_timeline,
    print_events,
    record_document_printed,
    verify,
    void_record,
    ward_board,
)
from cartox_desktop.storage import Store

from .helpers import PASSWORD, admission, assessment, grade3, raw_exec


def _course(store: Store, nurse: Actor, physician: Actor, patient: Any) -> None:
    add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00"))
    add_assessment(store, nurse, patient.id, grade3("2026-03-03T12:00"), signature=Signature(PASSWORD, "recorded"))
    add_intervention(store, physician, patient.id, {"time": "2026-03-03T13:00", "drug": "tocilizumab", "dose_mg": 656})
    add_intervention(store, physician, patient.id, {"time": "2026-03-04T08:00", "drug": "tocilizumab", "dose_mg": 656})
    add_assessment(store, nurse, patient.id, assessment("2026-03-04T09:00", temperature_c=37.2, ice=None,
                                                        ice_score=7))


def test_board_line_from_the_stored_summary_equals_the_timeline(store: Store, nurse: Actor, physician: Actor,
                                                                 patient: Any) -> None:
    _course(store, nurse, physician, patient)
    child = create_patient(store, nurse, admission("MRN-2", name="Ben Klein", age_years=8, bed="4"))
    add_assessment(store, nurse, child.id, {"time": "2026-03-02T08:00", "temperature_c": 36.9, "capd_score": 2,
                                            "consciousness": "awake"})
    for now in (datetime(2026, 3, 4, 10, 0), datetime(2026, 3, 5, 14, 0), datetime(2026, 3, 9, 8, 0)):
        rows = ward_board(store, now=now)
        assert [r.patient.mrn for r in rows] == ["MRN-1", "MRN-2"]
        for row in rows:
            expected = board_row(patient_timeline(store, row.patient.id), now)  # the old, timeline-reading way
            assert asdict(board_row_from_ward(row)) == asdict(expected), (row.patient.mrn, now)
    row = ward_board(store, now=datetime(2026, 3, 4, 10, 0))[0]
    assert (row.latest_crs_astct, row.previous_crs_astct, row.crs_max_grade) == (0, 3, 3)
    assert (row.last_ice_kind, row.last_ice_score, row.last_ice_time) == ("ICE", 7, datetime(2026, 3, 4, 9, 0))
    assert (row.toci_24h, row.toci_total) == (2, 2)
    assert row.next_ice_due is not None and not row.ice_overdue
    later = ward_board(store, now=datetime(2026, 3, 9, 8, 0))[0]
    assert later.ice_overdue and (later.toci_24h, later.toci_total) == (0, 2) and later.day == 8
    assert ward_board(store, now=datetime(2026, 3, 4, 10, 0))[1].last_ice_kind == "CAPD"


def test_board_follows_voids_and_reads_courses_saved_before_the_summary(store: Store, nurse: Actor,
                                                                         physician: Actor, patient: Any) -> None:
    _course(store, nurse, physician, patient)
    now = datetime(2026, 3, 4, 10, 0)
    latest = patient_timeline(store, patient.id).active_assessments[-1]
    void_record(store, physician, "assessment", latest.id, expected_version=latest.version, reason="wrong patient",
                signature=Signature(PASSWORD, "amended"))
    row = ward_board(store, now=now)[0]
    assert (row.latest_crs_astct, row.previous_crs_astct, row.last_ice_score) == (3, 1, 10)
    before = ward_board(store, now=now)
    raw_exec(store, "UPDATE patient_course SET board = NULL")  # as a course saved before revision 0003
    assert ward_board(store, now=now) == before  # built on the fly meanwhile
    reopened = open_store(store.url)  # the first start after the upgrade stores them once
    try:
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM patient_course WHERE board IS NULL").scalar() == 0
        assert ward_board(reopened, now=now) == before
    finally:
        reopened.close()
    assert verify(store).ok


def test_events_are_filtered_in_sql(store: Store, admin: Actor, nurse: Actor, physician: Actor,
                                    patient: Any) -> None:
    _course(store, nurse, physician, patient)
    everything = events(store)
    assert [e.seq for e in events(store, newest_first=True)] == [e.seq for e in reversed(everything)]
    mine = events(store, actor="nurse")
    assert mine and {e.actor for e in mine} == {"nurse"} and len(mine) < len(everything)
    creates = events(store, action="create", patient_id=patient.id)
    assert {e.action for e in creates} == {"create"} and {e.patient_id for e in creates} == {patient.id}
    both = events(store, action=("create", "login"))
    assert {e.action for e in both} == {"create", "login"}
    assert [e.seq for e in events(store, action="create", newest_first=True, limit=2)] == [
        e.seq for e in reversed(everything) if e.action == "create"][:2]
    # a period: stamps are UTC; naive datetimes and dates are local time
    middle = everything[len(everything) // 2]
    stamp = datetime.fromisoformat(middle.ts_utc.replace("Z", "+00:00"))
    after = events(store, since=stamp)
    assert after[0].seq == middle.seq and after[-1].seq == everything[-1].seq
    upto = events(store, until=stamp)
    assert upto and upto[-1].seq == middle.seq - 1
    today = datetime.now(UTC).astimezone().date()
    assert events(store, since=today, until=today) == everything
    assert events(store, until=today - timedelta(days=1)) == []
    assert events(store, since=middle.ts_utc) == after  # ISO text as stored


def test_print_events_finds_the_last_handover_of_a_ward(store: Store, nurse: Actor) -> None:
    def printed(kind: str, ward: str, n: int) -> int:
        inputs = {"ward": ward, "snapshot": {"n": n}}
        return record_document_printed(store, nurse, kind, None, f"%PDF-{n}".encode(), inputs).seq

    first = printed("handover", "7B", 1)
    printed("handover", "ICU", 2)
    printed("patient_report", "7B", 3)
    third = printed("handover", "7B", 4)
    found = print_events(store, "handover", ward="7B", limit=5)
    assert [e.seq for e in found] == [third, first]
    assert print_events(store, "handover", ward="7B")[0].seq == third  # limit=1: the previous handover
    assert [e.detail["inputs"]["ward"] for e in print_events(store, "handover", limit=3)] == ["7B", "ICU", "7B"]
    assert print_events(store, "handover", ward="5A") == []
    assert print_events(store, "patient_report")[0].detail["kind"] == "patient_report"

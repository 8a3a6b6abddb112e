"""The audit trail is append-only and tamper-evident: every kind of alteration is reported.

Tampering is done as an attacker with database access would: drop the guard trigger first,
change the data, put the trigger back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import DBAPIError

from cartox_desktop.cli.main import main as cli_main
from cartox_desktop.services import (
    Actor,
    Signature,
    add_assessment,
    add_lab,
    add_user,
    chain_head,
    open_store,
    verify,
)
from cartox_desktop.services.anchors import LocalAnchor, local_anchor
from cartox_desktop.services.audit import event_message
from cartox_desktop.storage import Store
from cartox_desktop.storage.canonical import canonical_json, sha256_hex
from cartox_desktop.storage.snapshot import SNAPSHOT_FIELDS, snapshot_text
from cartox_desktop.storage.triggers import ddl_v1

from .helpers import PASSWORD, assessment, grade3, raw_exec


def _drop(store: Store, name: str, table: str) -> str:
    return f"DROP TRIGGER {name}" + ("" if store.dialect == "sqlite" else f" ON {table}")


def _restore(store: Store, table: str, append_only: bool) -> list[str]:
    kw: dict[str, Any] = {"append_only": (table,)} if append_only else {"no_delete": (table,)}
    return ddl_v1(store.dialect, **kw)


@pytest.fixture
def ward(store: Store, nurse: Actor, patient: Any) -> dict[str, Any]:
    """A small trail: users, a patient, three assessments (one signed grade 3) and a lab."""
    first = add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00")).record
    add_assessment(store, nurse, patient.id, grade3("2026-03-03T12:00"), signature=Signature(PASSWORD, "recorded"))
    add_assessment(store, nurse, patient.id, assessment("2026-03-04T08:00", temperature_c=37.0))
    add_lab(store, nurse, patient.id, {"date": "2026-03-05", "anc_per_ul": 300})
    report = verify(store)
    assert report.ok, report.problems
    return {"first": first, "events": report.events}


def test_intact_trail_verifies_and_head_matches(store: Store, ward: dict[str, Any]) -> None:
    report = verify(store)
    head = chain_head(store)
    assert report.ok and report.events == ward["events"] and report.records >= 7
    assert head is not None and report.head == head and head.seq == ward["events"]


def test_database_refuses_update_and_delete_of_events(store: Store, ward: dict[str, Any]) -> None:
    for statement in ("UPDATE audit_event SET actor = 'mallory' WHERE seq = 3",
                      "DELETE FROM audit_event WHERE seq = 3",
                      "DELETE FROM assessment WHERE id = 1"):
        with pytest.raises(DBAPIError, match="append-only"):
            raw_exec(store, statement)
    if store.dialect == "postgresql":
        for table in ("audit_event", "assessment"):
            with pytest.raises(DBAPIError, match="append-only"):
                raw_exec(store, f"TRUNCATE {table} CASCADE")
    assert verify(store).ok


def test_edited_event_is_reported(store: Store, ward: dict[str, Any]) -> None:
    raw_exec(store, _drop(store, "audit_event_no_update", "audit_event"),
             "UPDATE audit_event SET actor = 'mallory' WHERE seq = 5",
             *_restore(store, "audit_event", append_only=True))
    report = verify(store)
    assert not report.ok
    assert report.problems[0].seq == 5 and "was altered" in report.problems[0].message


def test_edited_event_detail_is_reported(store: Store, ward: dict[str, Any]) -> None:
    raw_exec(store, _drop(store, "audit_event_no_update", "audit_event"),
             "UPDATE audit_event SET detail = replace(detail, '38.6', '36.6') WHERE seq = "
             "(SELECT MIN(seq) FROM audit_event WHERE entity = 'assessment')",
             *_restore(store, "audit_event", append_only=True))
    report = verify(store)
    assert not report.ok and "was altered" in report.problems[0].message


def test_deleted_event_is_reported(store: Store, ward: dict[str, Any]) -> None:
    raw_exec(store, _drop(store, "audit_event_no_delete", "audit_event"), "DELETE FROM audit_event WHERE seq = 4",
             *_restore(store, "audit_event", append_only=True))
    report = verify(store)
    assert not report.ok
    assert report.problems[0].seq == 4 and "#4 is missing" in report.problems[0].message


def test_reordered_events_are_reported(store: Store, ward: dict[str, Any]) -> None:
    raw_exec(store, _drop(store, "audit_event_no_update", "audit_event"),
             "UPDATE audit_event SET seq = -1 WHERE seq = 6",
             "UPDATE audit_event SET seq = 6 WHERE seq = 7",
             "UPDATE audit_event SET seq = 7 WHERE seq = -1",
             *_restore(store, "audit_event", append_only=True))
    report = verify(store)
    assert not report.ok and report.problems[0].seq == 6


def test_rewritten_suffix_is_caught_by_the_links(store: Store, ward: dict[str, Any]) -> None:
    """An attacker who re-hashes one edited event (but not all later ones) breaks the next link."""
    raw_exec(store, _drop(store, "audit_event_no_update", "audit_event"))
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id, "
                                   "record_hash, detail, prev_hash FROM audit_event WHERE seq = 3").one()
        forged = sha256_hex(event_message(row[0], row[1], row[2], "mallory", *row[4:]))
        conn.exec_driver_sql(f"UPDATE audit_event SET actor = 'mallory', hash = '{forged}' WHERE seq = 3")
        conn.commit()
    report = verify(store)
    assert not report.ok and report.problems[0].seq == 4 and "does not link" in report.problems[0].message


def test_clinical_value_changed_behind_the_app_is_reported(store: Store, ward: dict[str, Any]) -> None:
    first = ward["first"]
    raw_exec(store, f"UPDATE assessment SET content = replace(content, '38.6', '36.6') WHERE id = {first.id}")
    report = verify(store)
    assert not report.ok
    problem = report.problems[0]
    assert f"assessment {first.id} no longer matches its latest audited version" in problem.message
    assert problem.seq is not None


def test_ice_answers_changed_behind_the_app_are_reported(store: Store, ward: dict[str, Any]) -> None:
    """The patient's ICE baseline answers are part of the audited patient record."""
    pid = ward["first"].patient_id
    raw_exec(store, "UPDATE patient SET ice_baseline = '{\"city\":\"Elsewhere\"}' " f"WHERE id = {pid}")
    report = verify(store)
    assert not report.ok
    assert f"patient {pid} no longer matches its latest audited version" in report.problems[0].message


def test_stored_grade_changed_behind_the_app_is_reported(store: Store, ward: dict[str, Any]) -> None:
    raw_exec(store, "UPDATE assessment_grade SET crs_astct = 1 WHERE crs_astct = 3")
    report = verify(store)
    assert not report.ok and "no longer matches" in report.problems[0].message


def test_deleted_record_is_reported(store: Store, ward: dict[str, Any]) -> None:
    raw_exec(store, _drop(store, "lab_result_no_delete", "lab_result"), "DELETE FROM lab_result",
             *_restore(store, "lab_result", append_only=False))
    report = verify(store)
    assert not report.ok and "missing from the database" in report.problems[0].message


def test_record_inserted_behind_the_app_is_reported(store: Store, ward: dict[str, Any], patient: Any) -> None:
    raw_exec(store, "INSERT INTO lab_result (patient_id, time, content, voided, created_at, created_by, version) "
                    f"VALUES ({patient.id}, '2026-03-06T00:00:00', '{{\"date\":\"2026-03-06\",\"anc_per_ul\":50}}', "
                    "false, '2026-03-06T00:00:00Z', 'nurse', 1)")
    report = verify(store)
    assert not report.ok and "has no audit event" in report.problems[0].message


def test_truncated_tail_with_a_record_is_reported(store: Store, ward: dict[str, Any]) -> None:
    raw_exec(store, _drop(store, "audit_event_no_delete", "audit_event"),
             "DELETE FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event)")
    report = verify(store)
    assert not report.ok
    assert any("has no audit event" in p.message for p in report.problems)
    assert any("audit_event_no_delete" in p.message for p in report.problems)


def test_dropped_guard_trigger_is_reported(store: Store, ward: dict[str, Any]) -> None:
    raw_exec(store, _drop(store, "audit_event_no_update", "audit_event"))
    report = verify(store)
    assert not report.ok and "audit_event_no_update" in report.problems[0].message


def test_cli_verify_prints_count_or_first_broken_event(store: Store, ward: dict[str, Any],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["--db", store.url, "audit", "verify"]) == 0
    assert f"verified {ward['events']} events" in capsys.readouterr().out
    raw_exec(store, _drop(store, "audit_event_no_update", "audit_event"),
             "UPDATE audit_event SET ts_utc = '2020-01-01T00:00:00.000000Z' WHERE seq = 2",
             *_restore(store, "audit_event", append_only=True))
    assert cli_main(["--db", store.url, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "event #2" in err and "altered" in err


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(seq=st.integers(1, 10**12), actor=_text, action=_text, entity=st.none() | _text,
       entity_id=st.none() | st.integers(0, 10**15), patient_id=st.none() | st.integers(0, 10**15),
       detail=st.dictionaries(_text, st.none() | st.booleans() | st.integers() | _text
                              | st.floats(allow_nan=False, allow_infinity=False), max_size=5))
def test_spliced_event_json_is_canonical_json(seq: int, actor: str, action: str, entity: str | None,
                                              entity_id: int | None, patient_id: int | None,
                                              detail: dict[str, Any]) -> None:
    detail_text = canonical_json(detail)
    fields = {"seq": seq, "ts_utc": "2026-03-01T08:00:00.000000Z", "ts_local": "2026-03-01T09:00:00.000000+01:00",
              "actor": actor, "action": action, "entity": entity, "entity_id": entity_id,
              "patient_id": patient_id, "record_hash": None, "detail": detail, "prev_hash": "0" * 64}
    spliced = event_message(seq, fields["ts_utc"], fields["ts_local"], actor, action, entity, entity_id,
                            patient_id, None, detail_text, "0" * 64)
    assert spliced == canonical_json(fields)
    assert json.loads(spliced) == json.loads(canonical_json(fields))


@settings(max_examples=100, deadline=None)
@given(name=_text, ward=st.none() | _text, age=st.floats(0, 120), version=st.integers(1, 10**6))
def test_spliced_snapshot_is_canonical_json(name: str, ward: str | None, age: float, version: int) -> None:
    row = {"age_years": age, "baseline_labs": canonical_json({"anc_per_ul": 1800}), "bed": None,
           "created_at": "2026-03-01T08:00:00Z", "created_by": "nurse", "date_of_birth": None, "death": None,
           "discharged_at": None, "ice_baseline": None, "id": 7, "infusion_date": "2026-03-01", "mrn": "M-1", "name": name,
           "product": "axi-cel", "status": "active", "updated_at": None, "updated_by": None,
           "upper_limits": None, "version": version, "ward": ward, "weight_kg": 80.0}
    values = [row[column] for _, column, _ in SNAPSHOT_FIELDS["patient"]]
    expected = {k: (json.loads(v) if k == "baseline_labs" else v) for k, v in row.items() if v is not None}
    assert snapshot_text("patient", values) == canonical_json(expected)


def test_parallel_verify_reports_the_same_first_break(store: Store, ward: dict[str, Any]) -> None:
    """Large trails are verified by several processes; the answer must not change."""
    intact = verify(store, workers=2)
    assert intact.ok and intact.events == ward["events"] and intact.head == chain_head(store)
    raw_exec(store, _drop(store, "audit_event_no_delete", "audit_event"), "DELETE FROM audit_event WHERE seq = 6",
             *_restore(store, "audit_event", append_only=True))
    raw_exec(store, "UPDATE assessment SET content = replace(content, '38.6', '36.6')")
    sequential, parallel = verify(store, workers=1), verify(store, workers=3)
    assert not parallel.ok and parallel.problems[0] == sequential.problems[0]
    assert parallel.problems[0].seq == 6 and "missing" in parallel.problems[0].message
    assert {p.message for p in parallel.problems} == {p.message for p in sequential.problems}


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_sqlite_json_quote_escapes_exactly_like_python(value: str) -> None:
    """verify lets SQLite quote the small fields; it must match the canonical JSON the app hashed."""
    import sqlite3
    from json.encoder import encode_basestring

    with sqlite3.connect(":memory:") as conn:
        assert conn.execute("SELECT json_quote(?)", (value,)).fetchone()[0] == encode_basestring(value)


def test_verify_on_sqlite_uses_the_same_snapshot_as_the_app(store: Store, ward: dict[str, Any]) -> None:
    """The SQL-built snapshots of the fast path equal the Python ones (no false alarms)."""
    from cartox_desktop.storage.chainwalk import Reader, _sqlite_record_sql, check_records

    if store.dialect != "sqlite":
        pytest.skip("the SQL-built snapshot is the SQLite fast path")
    reader = Reader(("sqlite", str(store.sqlite_path)))
    try:
        for entity in ("assessment", "lab"):
            sql = _sqlite_record_sql(entity, 1, 10**9)
            assert sql is not None
            fast = check_records(reader, entity, 1, 10**9)
            assert fast.checked > 0 and fast.problems == []
    finally:
        reader.close()


@pytest.mark.parametrize("tamper", [
    ["UPDATE audit_event SET actor = 'mallory' WHERE seq = 5"],
    ["DELETE FROM audit_event WHERE seq = 4"],
    ["UPDATE audit_event SET seq = -1 WHERE seq = 6", "UPDATE audit_event SET seq = 6 WHERE seq = 7",
     "UPDATE audit_event SET seq = 7 WHERE seq = -1"],
    ["UPDATE audit_event SET prev_hash = 'f' || substr(prev_hash, 2) WHERE seq = 8"],
    ["UPDATE audit_event SET detail = detail || ' ' WHERE seq = 3"],
], ids=["edited", "deleted", "reordered", "relinked", "detail-whitespace"])
def test_batched_walk_reports_what_the_row_walk_reports(store: Store, ward: dict[str, Any], tamper: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """verify walks SQLite in batches and hands a failing batch to the row-by-row walk: with
    batches of two events, tampering in a later batch must give the same report."""
    from cartox_desktop.storage import chainwalk

    if store.dialect != "sqlite":
        pytest.skip("the batched walk is the SQLite path")
    raw_exec(store, _drop(store, "audit_event_no_update", "audit_event"),
             _drop(store, "audit_event_no_delete", "audit_event"), *tamper)
    reader = chainwalk.Reader(("sqlite", str(store.sqlite_path)))
    try:
        last = next(iter(reader.rows("SELECT MAX(seq) FROM audit_event")))[0]
        rows = chainwalk._walk_chain_sqlite(reader, 1, last, None)
        monkeypatch.setattr(chainwalk, "_BATCH", 2)
        batched = chainwalk._walk_chain_sqlite_batches(reader, 1, last, None)
    finally:
        reader.close()
    assert rows.problem is not None and batched == rows


def test_anchor_outside_the_database_catches_deleted_newest_events(store: Store, ward: dict[str, Any]) -> None:
    """Deleting the newest events leaves a chain that still links; the printed head does not."""
    head = chain_head(store)
    assert head is not None
    assert verify(store, anchors=[(head.seq, head.hash)]).ok
    raw_exec(store, _drop(store, "audit_event_no_delete", "audit_event"),
             f"DELETE FROM audit_event WHERE seq = {head.seq}", *_restore(store, "audit_event", append_only=True))
    report = verify(store, anchors=[(head.seq, head.hash)], check_records=False)
    assert not report.ok and f"event #{head.seq}" in report.problems[0].message
    assert "newest events were deleted" in report.problems[0].message
    assert not verify(store, anchors=[(head.seq - 1, "0" * 64)], check_records=False).ok


@pytest.mark.parametrize("statement", [
    "UPDATE assessment SET updated_at = '2026-03-09T00:00:00Z' WHERE id = {id}",  # NULL -> value
    "UPDATE assessment SET updated_by = 'mallory', updated_at = '2026-03-09T00:00:00Z' WHERE id = {id}",
    "UPDATE assessment SET void_reason = 'x' WHERE id = {id}",
    "UPDATE assessment SET voided = NOT voided WHERE id = {id}",
    "UPDATE assessment SET case_id = case_id || ' ' WHERE id = {id}",
    "UPDATE assessment SET content = content || ' ' WHERE id = {id}",  # whitespace only
])
def test_record_changes_are_reported_by_the_fast_record_check(store: Store, ward: dict[str, Any],
                                                             statement: str) -> None:
    """verify builds SQLite snapshots with json_object() per NULL pattern: a change of pattern,
    a flag or a single space must still be reported with the record's latest event."""
    raw_exec(store, statement.format(id=ward["first"].id))
    report = verify(store)
    assert not report.ok
    assert f"assessment {ward['first'].id} no longer matches its latest audited version" in report.problems[0].message


def test_amended_and_voided_records_verify(store: Store, ward: dict[str, Any], nurse: Actor, physician: Actor,
                                           patient: Any) -> None:
    """The usual NULL patterns (as saved, amended, voided) all verify on the fast record check."""
    from cartox_desktop.services import amend_record, void_record

    lab = add_lab(store, nurse, patient.id, {"date": "2026-03-06", "anc_per_ul": 400}).record
    amend_record(store, nurse, "lab", lab.id, {"date": "2026-03-06", "anc_per_ul": 450}, expected_version=1,
                 reason="typo", signature=Signature(PASSWORD, "amended"))
    void_record(store, physician, "assessment", ward["first"].id, expected_version=1, reason="wrong patient",
                signature=Signature(PASSWORD, "amended"))
    report = verify(store)
    assert report.ok, report.problems
    raw_exec(store, f"UPDATE lab_result SET updated_by = 'mallory' WHERE id = {lab.id}")
    report = verify(store)
    assert not report.ok and f"lab {lab.id} no longer matches" in report.problems[0].message


def test_parallel_verify_reports_deleted_records(store: Store, ward: dict[str, Any]) -> None:
    """Records named by events but deleted are looked for in the worker pool too."""
    raw_exec(store, _drop(store, "lab_result_no_delete", "lab_result"), "DELETE FROM lab_result",
             *_restore(store, "lab_result", append_only=False))
    sequential, parallel = verify(store, workers=1), verify(store, workers=2)
    assert not parallel.ok and "missing from the database" in parallel.problems[0].message
    assert parallel.problems == sequential.problems


def test_cli_verify_checks_an_anchor(store: Store, ward: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    head = chain_head(store)
    assert head is not None
    assert cli_main(["--db", store.url, "audit", "verify", "--anchor", f"{head.seq}:{head.hash}"]) == 0
    raw_exec(store, _drop(store, "audit_event_no_delete", "audit_event"),
             f"DELETE FROM audit_event WHERE seq = {head.seq}", *_restore(store, "audit_event", append_only=True))
    capsys.readouterr()
    assert cli_main(["--db", store.url, "audit", "verify", "--anchor", f"#{head.seq} {head.hash}"]) == 1
    assert "newest events were deleted" in capsys.readouterr().err
    assert cli_main(["--db", store.url, "audit", "verify", "--anchor", "12:xyz"]) == 2


def test_this_computer_catches_deleted_newest_events_without_a_typed_anchor(store: Store,
                                                                            ward: dict[str, Any]) -> None:
    """verify() keeps the head of an intact trail in this computer's data folder (outside the
    database) and checks it next time: deleting the newest events is reported unasked."""
    head = chain_head(store)
    assert head is not None
    assert local_anchor(store) == LocalAnchor(head.seq, head.hash, local_anchor(store).recorded_at)  # type: ignore[union-attr]
    raw_exec(store, _drop(store, "audit_event_no_delete", "audit_event"),
             f"DELETE FROM audit_event WHERE seq >= {head.seq - 1}", *_restore(store, "audit_event", append_only=True))
    report = verify(store, check_records=False)  # the chain that is left still links
    assert not report.ok
    assert report.problems[0].seq == head.seq
    assert "the chain head this computer recorded" in report.problems[0].message
    assert "the newest events were deleted, or an older copy of the database was put back" in report.problems[0].message
    # the evidence stays: opening the store and verifying again does not move the anchor
    again = open_store(store.url)
    try:
        assert local_anchor(again).seq == head.seq  # type: ignore[union-attr]
        assert not verify(again, check_records=False).ok
    finally:
        again.close()


def test_this_computer_catches_a_rehashed_newest_event(store: Store, ward: dict[str, Any]) -> None:
    """An attacker who rewrites the newest event and re-hashes it leaves a chain that links; the
    head this computer recorded does not match."""
    head = chain_head(store)
    assert head is not None and verify(store).ok
    raw_exec(store, _drop(store, "audit_event_no_update", "audit_event"))
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id, "
                                   f"record_hash, detail, prev_hash FROM audit_event WHERE seq = {head.seq}").one()
        forged = sha256_hex(event_message(row[0], row[1], row[2], "mallory", *row[4:]))
        conn.exec_driver_sql(f"UPDATE audit_event SET actor = 'mallory', hash = '{forged}' WHERE seq = {head.seq}")
        conn.commit()
    report = verify(store, check_records=False)
    assert not report.ok and report.problems[0].seq == head.seq
    assert "does not have the hash this computer recorded" in report.problems[0].message


def test_a_new_database_at_the_same_place_starts_a_new_anchor(backend: Any, nurse: Actor, store: Store,
                                                                patient: Any) -> None:
    """Anchors belong to one database (its place and first event): a fresh database where an old
    one was is not reported as truncated."""
    add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00"))
    assert verify(store).ok and local_anchor(store) is not None
    if store.dialect != "sqlite":
        pytest.skip("replacing the database file is the embedded-database case")
    path = store.sqlite_path
    assert path is not None
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    fresh = open_store(f"sqlite:///{path}")
    try:
        add_user(fresh, None, "admin", PASSWORD, "admin")
        assert local_anchor(fresh) is None  # the old database's anchor does not apply here
        assert verify(fresh).ok
        head = chain_head(fresh)
        assert head is not None and local_anchor(fresh) == LocalAnchor(head.seq, head.hash,
                                                                       local_anchor(fresh).recorded_at)  # type: ignore[union-attr]
    finally:
        fresh.close()

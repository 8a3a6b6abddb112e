"""Rows written by one Core statement (the save path) read back exactly as the ORM object shows them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from cartox_desktop.storage import Store
from cartox_desktop.storage.models import Assessment, AssessmentGrade, Patient
from cartox_desktop.storage.rowwrite import insert_row, update_row


def test_inserted_and_updated_rows_match_their_objects_and_are_not_written_twice(store: Store,
                                                                                 patient: Any) -> None:
    statements: list[str] = []
    with store.writing() as session:
        row = insert_row(session, Assessment(patient_id=patient.id, time="2026-03-03T08:00:00", content="{}",
                                             case_id="a1", created_at="2026-03-03T08:01:00Z", created_by="nurse"))
        grade = insert_row(session, AssessmentGrade(assessment_id=row.id, rules_version="r1", crs_astct=1,
                                                    crs_ctcae=1, icans_astct=0, result="{}", graded_at="t0"))
        update_row(session, grade, {"crs_astct": 2, "result": '{"x":1}'})
        # Nothing is left for the ORM to write or to reload: the next flush emits no statement.
        event.listen(session.connection(), "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        session.flush()
        assert (row.version, row.voided, row.void_reason, row.updated_at) == (1, False, None, None)
    assert statements == []
    with store.reading() as session:
        stored = session.execute(select(Assessment.version, Assessment.voided, AssessmentGrade.crs_astct,
                                        AssessmentGrade.result).join(AssessmentGrade)).one()
    assert tuple(stored) == (1, False, 2, '{"x":1}')


def test_a_versioned_row_is_not_updated_behind_its_optimistic_lock(store: Store, patient: Any) -> None:
    with store.writing() as session:
        row = session.get(Patient, patient.id)
        with pytest.raises(TypeError, match="versioned"):
            update_row(session, row, {"bed": "9"})

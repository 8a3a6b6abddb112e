"""``audit regrade`` finds stored grades the current rules would not give (older rules, a
defect, or a change made outside the app)."""

from __future__ import annotations

from typing import Any

import pytest

from cartox_desktop.clinical import RULES_VERSION
from cartox_desktop.services import Actor, add_assessment, regrade_all
from cartox_desktop.services import regrade as regrade_module
from cartox_desktop.storage import Store

from .helpers import assessment, raw_exec


def test_no_differences_right_after_saving(store: Store, nurse: Actor, patient: Any) -> None:
    add_assessment(store, nurse, patient.id, assessment())
    assert regrade_all(store) == []


def test_a_rules_change_is_listed_with_both_grades_and_versions(store: Store, nurse: Actor, patient: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    saved = add_assessment(store, nurse, patient.id, assessment()).record
    real_grade = regrade_module.grade

    def stricter_rules(parsed: Any) -> dict[str, Any]:
        output = real_grade(parsed)
        output["assessments"][0]["crs_astct"]["grade"] = 2
        return output

    monkeypatch.setattr(regrade_module, "grade", stricter_rules)
    raw_exec(store, "UPDATE assessment_grade SET rules_version = 'cartox-rules 0.9'")
    [difference] = regrade_all(store)
    assert (difference.mrn, difference.case_id, difference.scale) == ("MRN-1", saved.case_id, "crs_astct")
    assert (difference.stored_grade, difference.current_grade) == (1, 2)
    assert (difference.stored_rules_version, difference.current_rules_version) == ("cartox-rules 0.9", RULES_VERSION)


def test_changed_reasons_with_the_same_grade_are_listed(store: Store, nurse: Actor, patient: Any) -> None:
    add_assessment(store, nurse, patient.id, assessment())
    raw_exec(store, "UPDATE assessment_grade SET result = replace(result, 'fever', 'no fever')")
    [difference] = regrade_all(store)
    assert difference.scale == "details" and difference.note and "reasons" in difference.note

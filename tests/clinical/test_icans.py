"""ICE and ICANS by ASTCT 2019 (clinical-rules §3; case-format "missing is never normal")."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import ABSENT, ICE_FULL, assessment, at, bare, case, flags_of, grade, grade_one, ice_items

ALL_DOMAINS_ADULT = {"ice", "consciousness", "seizure", "motor", "raised_icp"}
ALL_DOMAINS_CHILD = {"capd", "consciousness", "seizure", "motor", "raised_icp"}


def icans(age: Any = ABSENT, **fields: Any) -> dict[str, Any]:
    return grade_one(age=age, **fields)["icans_astct"]


def child(age: float = 8, **fields: Any) -> dict[str, Any]:
    return icans(age=age, **{"ice_score": ABSENT, **fields})


# ---------------------------------------------------------------------------------------------
# ICE domain: 10 → 0; 7–9 → 1; 3–6 → 2; 0–2 → 3 (§3)
# ---------------------------------------------------------------------------------------------
ICE = [
    (10, 0, "clinical-rules §3 ICE: 10 → 0"),
    (9, 1, "clinical-rules §3 ICE: 9 → 1 (7–9)"),
    (8, 1, "clinical-rules §3 ICE: 8 → 1"),
    (7, 1, "clinical-rules §3 ICE: 7 → 1 (bottom of 7–9)"),
    (6, 2, "clinical-rules §3 ICE: 6 → 2 (top of 3–6)"),
    (5, 2, "clinical-rules §3 ICE: 5 → 2"),
    (4, 2, "clinical-rules §3 ICE: 4 → 2"),
    (3, 2, "clinical-rules §3 ICE: 3 → 2 (bottom of 3–6)"),
    (2, 3, "clinical-rules §3 ICE: 2 → 3 (top of 0–2)"),
    (1, 3, "clinical-rules §3 ICE: 1 → 3"),
    (0, 3, "clinical-rules §3 ICE: 0 without ice_not_possible → 3"),
]


@pytest.mark.parametrize("score,expected,rule", ICE, ids=[f"ice_score-{r[0]}" for r in ICE])
def test_ice_score_domain(score: int, expected: int, rule: str) -> None:
    g = icans(ice_score=score)
    assert g["grade"] == expected, rule
    assert g["ice_score"] == score
    assert g["complete"] is True and g["unassessed"] == [], rule


@pytest.mark.parametrize("score,expected,rule", ICE, ids=[f"ice-items-{r[0]}" for r in ICE])
def test_ice_items_domain(score: int, expected: int, rule: str) -> None:
    """clinical-rules §3 ICE (10 points): the eight items are summed."""
    g = icans(ice_score=ABSENT, ice=ice_items(score))
    assert g["grade"] == expected, rule
    assert g["ice_score"] == score, "clinical-rules §3: ICE is the sum of the eight items"
    assert type(g["ice_score"]) is int


ITEM_SUMS = [
    ("naming-only", {**{k: 0 for k in ICE_FULL}, "naming": 3}, 3),
    ("orientation-only", {**{k: 0 for k in ICE_FULL}, "year": 1, "month": 1, "city": 1, "hospital": 1}, 4),
    ("naming-2-rest-full", {**ICE_FULL, "naming": 2}, 9),
    ("naming-0-rest-full", {**ICE_FULL, "naming": 0}, 7),
    ("no-writing-attention", {**ICE_FULL, "writing": 0, "attention": 0}, 8),
]


@pytest.mark.parametrize("items,total", [r[1:] for r in ITEM_SUMS], ids=[r[0] for r in ITEM_SUMS])
def test_ice_item_sums(items: dict[str, int], total: int) -> None:
    g = icans(ice_score=ABSENT, ice=items)
    assert g["ice_score"] == total, "clinical-rules §3: year, month, city, hospital 1 each; naming 0–3; commands, writing, attention 1"


def test_ice_and_ice_score_agreeing() -> None:
    g = icans(ice=ice_items(8), ice_score=8)
    assert g["grade"] == 1 and g["ice_score"] == 8


def test_ice_reason_names_score() -> None:
    g = icans(ice_score=9)
    assert any("ICE" in r and "9" in r for r in g["reasons"]), g["reasons"]


NOT_POSSIBLE = [
    ("unarousable", {"ice_not_possible": "unarousable", "consciousness": "unarousable"}, 4,
     "clinical-rules §3: ice_not_possible unarousable → 4, ice_score 0"),
    ("unarousable-consciousness-absent", {"ice_not_possible": "unarousable", "consciousness": ABSENT}, 4,
     "clinical-rules §3: ice_not_possible unarousable → 4"),
    ("unarousable-with-ice-0", {"ice_not_possible": "unarousable", "consciousness": "unarousable", "ice_score": 0}, 4,
     "case-format: ice_not_possible is refused only with a NON-ZERO ICE"),
    ("global-aphasia-awake", {"ice_not_possible": "global_aphasia"}, 3,
     "clinical-rules §3: ice_not_possible global_aphasia → 3 (awake), ice_score 0"),
    ("global-aphasia-ice-0", {"ice_not_possible": "global_aphasia", "ice_score": 0}, 3,
     "clinical-rules §3: global_aphasia → 3"),
    ("global-aphasia-items-0", {"ice_not_possible": "global_aphasia", "ice": ice_items(0)}, 3,
     "clinical-rules §3: global_aphasia → 3"),
    ("global-aphasia-touch", {"ice_not_possible": "global_aphasia", "consciousness": "awakens_to_touch"}, 3,
     "clinical-rules §3: max(3, 3)"),
]


@pytest.mark.parametrize("fields,expected,rule", [r[1:] for r in NOT_POSSIBLE], ids=[r[0] for r in NOT_POSSIBLE])
def test_ice_not_possible(fields: dict[str, Any], expected: int, rule: str) -> None:
    g = icans(**{"ice_score": ABSENT, **fields})
    assert g["grade"] == expected, rule
    assert g["ice_score"] == 0, "clinical-rules §3: either reason gives ice_score 0"


# ---------------------------------------------------------------------------------------------
# Tool by age (§3 Decision: ICE at ≥ 12 years, CAPD under 12; §0 completed years)
# ---------------------------------------------------------------------------------------------
TOOL = [
    ("age12-ice6", 12, {"ice_score": 6}, 2, None, "clinical-rules §3: ICE at age ≥ 12"),
    ("age12.0-ice2", 12.0, {"ice_score": 2}, 3, None, "clinical-rules §3: ICE at age 12.0"),
    ("age55-ice6", 55, {"ice_score": 6}, 2, None, "clinical-rules §3: ICE for adults"),
    ("age11-capd12", 11, {"capd_score": 12}, 3, None, "clinical-rules §3: CAPD under 12"),
    ("age11.9-capd12", 11.9, {"capd_score": 12}, 3, None, "clinical-rules §0/§3: 11.9 → 11 → CAPD"),
    ("age0-capd9", 0, {"capd_score": 9}, 3, None, "clinical-rules §3: CAPD under 12 (infant)"),
    ("age11-ice6-ignored", 11, {"ice_score": 6}, 0, "ice_not_used_under_12",
     "clinical-rules §3: an ICE under 12 is ignored for grading, flag ice_not_used_under_12"),
    ("age11.9-ice2-ignored", 11.9, {"ice_score": 2}, 0, "ice_not_used_under_12",
     "clinical-rules §0/§3: 11.9 → 11 → ICE ignored"),
    ("age8-ice-items-ignored", 8, {"ice": ice_items(3)}, 0, "ice_not_used_under_12",
     "clinical-rules §3: ICE items under 12 ignored"),
    ("age12-capd12-ignored", 12, {"capd_score": 12}, 0, "capd_not_used_at_12_or_over",
     "clinical-rules §3: a CAPD at 12 or over is ignored, flag capd_not_used_at_12_or_over"),
    ("age40-capd20-ignored", 40, {"capd_score": 20}, 0, "capd_not_used_at_12_or_over",
     "clinical-rules §3: CAPD ignored for adults"),
]


@pytest.mark.parametrize("age,tool,expected,flag,rule", [r[1:] for r in TOOL], ids=[r[0] for r in TOOL])
def test_tool_by_age(age: float, tool: dict[str, Any], expected: int, flag: str | None, rule: str) -> None:
    g = icans(age=age, **{"ice_score": ABSENT, **tool})
    assert g["grade"] == expected, rule
    if flag is None:
        assert not {"ice_not_used_under_12", "capd_not_used_at_12_or_over"} & set(g["flags"]), rule
        assert g["complete"] is True, rule
    else:
        assert flag in g["flags"], rule
        assert g["complete"] is False, "the ignored tool leaves its domain unassessed"
        assert ("capd" if age < 12 else "ice") in g["unassessed"], rule


def test_child_with_both_tools_uses_capd() -> None:
    g = icans(age=11, ice_score=2, capd_score=0)
    assert g["grade"] == 0
    assert "ice_not_used_under_12" in g["flags"]
    assert g["complete"] is True and g["unassessed"] == []


def test_adult_with_both_tools_uses_ice() -> None:
    g = icans(age=12, ice_score=10, capd_score=20)
    assert g["grade"] == 0
    assert "capd_not_used_at_12_or_over" in g["flags"]


# ---------------------------------------------------------------------------------------------
# CAPD domain (§3): 0 → 0; 1–8 → 1 (2 when awakens to voice); ≥ 9 → 3; not possible
# ---------------------------------------------------------------------------------------------
CAPD = [
    ("capd-0", {"capd_score": 0}, 0, "clinical-rules §3 CAPD: 0 → 0"),
    ("capd-1", {"capd_score": 1}, 1, "clinical-rules §3 CAPD: 1 → 1 (bottom of 1–8)"),
    ("capd-8", {"capd_score": 8}, 1, "clinical-rules §3 CAPD: 8 → 1 (top of 1–8)"),
    ("capd-9", {"capd_score": 9}, 3, "clinical-rules §3 CAPD: 9 → 3"),
    ("capd-12", {"capd_score": 12}, 3, "clinical-rules §3 CAPD: 12 → 3 (P-PED-01)"),
    ("capd-32", {"capd_score": 32}, 3, "clinical-rules §3 CAPD: 32 → 3"),
    ("capd-5-voice", {"capd_score": 5, "consciousness": "awakens_to_voice"}, 2,
     "clinical-rules §3 CAPD: 1–8 with awakens to voice → 2 (consciousness domain)"),
    ("capd-0-spontaneously", {"capd_score": 0, "consciousness": "awakens_spontaneously"}, 1,
     "clinical-rules §3: consciousness awakens_spontaneously → 1"),
    ("capd-1-touch", {"capd_score": 1, "consciousness": "awakens_to_touch"}, 3, "clinical-rules §3: touch → 3"),
    ("capd-not-possible-unarousable", {"capd_not_possible": True, "consciousness": "unarousable"}, 4,
     "clinical-rules §3: capd_not_possible with consciousness unarousable → 4"),
    ("capd-possible-false", {"capd_not_possible": False, "capd_score": 4}, 1, "case-format: capd_not_possible false is fine"),
]


@pytest.mark.parametrize("fields,expected,rule", [r[1:] for r in CAPD], ids=[r[0] for r in CAPD])
def test_capd_domain(fields: dict[str, Any], expected: int, rule: str) -> None:
    g = child(**fields)
    assert g["grade"] == expected, rule
    assert g["complete"] is True, rule


@pytest.mark.parametrize("consciousness", ["awake", "awakens_to_voice", ABSENT], ids=["awake", "voice", "absent"])
def test_capd_not_possible_not_unarousable(consciousness: Any) -> None:
    """clinical-rules §3: otherwise capd_not_possible leaves the domain unassessed (flag capd_not_possible_not_unarousable)."""
    g = child(capd_not_possible=True, consciousness=consciousness)
    assert "capd_not_possible_not_unarousable" in g["flags"]
    assert g["complete"] is False
    assert "capd" in g["unassessed"]
    assert g["grade"] == (2 if consciousness == "awakens_to_voice" else 0)


# ---------------------------------------------------------------------------------------------
# Consciousness, seizure, motor, raised ICP (§3)
# ---------------------------------------------------------------------------------------------
CONSCIOUSNESS = [
    ("awake", 0), ("awakens_spontaneously", 1), ("awakens_to_voice", 2), ("awakens_to_touch", 3), ("unarousable", 4),
]


@pytest.mark.parametrize("level,expected", CONSCIOUSNESS, ids=[c for c, _ in CONSCIOUSNESS])
def test_consciousness_domain(level: str, expected: int) -> None:
    """clinical-rules §3 consciousness: awake 0, spontaneously 1, voice 2, touch 3, unarousable 4."""
    g = icans(ice_score=10 if expected < 4 else ABSENT, consciousness=level)
    assert g["grade"] == expected


def test_ice_10_with_drowsiness_is_grade_1() -> None:
    assert icans(ice_score=10, consciousness="awakens_spontaneously")["grade"] == 1


SEIZURE = [
    ("none", "none", ABSENT, 0, "clinical-rules §3 seizure: none → 0"),
    ("clinical-no-duration", "clinical", ABSENT, 3, "clinical-rules §3: clinical → 3 (flag seizure_duration_unknown)"),
    ("eeg-no-duration", "nonconvulsive_eeg", ABSENT, 3, "clinical-rules §3: nonconvulsive_eeg → 3"),
    ("clinical-0", "clinical", 0, 3, "clinical-rules §3: 0 min → 3"),
    ("clinical-4.9", "clinical", 4.9, 3, "clinical-rules §3: 4.9 min → 3"),
    ("clinical-5-int", "clinical", 5, 3, "clinical-rules §3: 5 min exactly is 3 (> 5 needed for 4)"),
    ("clinical-5.0", "clinical", 5.0, 3, "clinical-rules §3: 5.0 exactly is 3"),
    ("clinical-5.01", "clinical", 5.01, 4, "clinical-rules §3: > 5 → 4"),
    ("clinical-5.1", "clinical", 5.1, 4, "clinical-rules §3: 5.1 → 4"),
    ("clinical-6", "clinical", 6, 4, "clinical-rules §3: 6 min → 4 (P-ICANS-03)"),
    ("clinical-1440", "clinical", 1440, 4, "clinical-rules §3: 1440 min → 4"),
    ("eeg-5.0", "nonconvulsive_eeg", 5.0, 3, "clinical-rules §3: nonconvulsive 5.0 → 3"),
    ("eeg-5.1", "nonconvulsive_eeg", 5.1, 4, "clinical-rules §3: nonconvulsive 5.1 → 4"),
    ("repetitive", "repetitive_without_recovery", ABSENT, 4, "clinical-rules §3: repetitive_without_recovery → 4"),
    ("repetitive-short", "repetitive_without_recovery", 1, 4, "clinical-rules §3: repetitive → 4 whatever the duration"),
]


@pytest.mark.parametrize("kind,duration,expected,rule", [r[1:] for r in SEIZURE], ids=[r[0] for r in SEIZURE])
def test_seizure_domain(kind: str, duration: Any, expected: int, rule: str) -> None:
    g = icans(seizure=kind, seizure_duration_min=duration)
    assert g["grade"] == expected, rule
    if kind in ("clinical", "nonconvulsive_eeg"):
        assert ("seizure_duration_unknown" in g["flags"]) is (duration is ABSENT), rule
    if kind == "none":
        assert "seizure_duration_unknown" not in g["flags"]


@pytest.mark.parametrize("motor,expected", [("none", 0), ("deep_focal", 4)], ids=["none", "deep_focal"])
def test_motor_domain(motor: str, expected: int) -> None:
    """clinical-rules §3 motor: none 0, deep_focal 4."""
    g = icans(motor_weakness=motor)
    assert g["grade"] == expected
    assert g["complete"] is True


ICP = [
    ("empty", [], 0), ("focal_edema", ["focal_edema"], 3), ("diffuse_edema", ["diffuse_edema"], 4),
    ("posturing", ["posturing"], 4), ("cn-vi-palsy", ["cranial_nerve_vi_palsy"], 4), ("papilledema", ["papilledema"], 4),
    ("cushings", ["cushings_triad"], 4), ("focal+papilledema", ["focal_edema", "papilledema"], 4),
]


@pytest.mark.parametrize("icp,expected", [r[1:] for r in ICP], ids=[r[0] for r in ICP])
def test_raised_icp_domain(icp: list[str], expected: int) -> None:
    """clinical-rules §3 raised ICP: [] 0; focal_edema 3; the other five 4."""
    assert icans(raised_icp=icp)["grade"] == expected


MAXIMUM = [
    ("ice8+voice", {"ice_score": 8, "consciousness": "awakens_to_voice"}, 2, "clinical-rules §3: max(1, 2)"),
    ("ice3+seizure", {"ice_score": 3, "seizure": "clinical", "seizure_duration_min": 1}, 3,
     "clinical-rules §3: max(2, 3) (Lee 2019: ICE 3 + generalized seizure → 3)"),
    ("ice9+deep-focal", {"ice_score": 9, "motor_weakness": "deep_focal"}, 4, "clinical-rules §3: max(1, 4)"),
    ("ice10+focal-edema", {"ice_score": 10, "raised_icp": ["focal_edema"]}, 3, "clinical-rules §3: max(0, 3)"),
    ("ice0+eeg", {"ice_score": 0, "seizure": "nonconvulsive_eeg", "seizure_duration_min": 2}, 3, "max(3, 3)"),
]


@pytest.mark.parametrize("fields,expected,rule", [r[1:] for r in MAXIMUM], ids=[r[0] for r in MAXIMUM])
def test_grade_is_maximum_of_domains(fields: dict[str, Any], expected: int, rule: str) -> None:
    assert icans(**fields)["grade"] == expected, rule


def test_other_cause_neurologic() -> None:
    """clinical-rules §3: other_cause neurologic → grade 0, flag neurologic_findings_attributed_elsewhere."""
    g = icans(ice_score=2, seizure="clinical", seizure_duration_min=8, consciousness="awakens_to_touch",
              other_cause=["neurologic"])
    assert g["grade"] == 0
    assert "neurologic_findings_attributed_elsewhere" in g["flags"]


def test_other_cause_fever_does_not_touch_icans() -> None:
    assert icans(ice_score=6, other_cause=["fever", "hypotension", "hypoxia"])["grade"] == 2


# ---------------------------------------------------------------------------------------------
# Missing data (case-format; §3 Grade)
# ---------------------------------------------------------------------------------------------
MISSING = [
    ("ice10-only", 55, {"ice_score": 10}, 0, ALL_DOMAINS_ADULT - {"ice"}, "case-format: floor 0, others unassessed"),
    ("ice8+awake", 55, {"ice_score": 8, "consciousness": "awake"}, 1, {"seizure", "motor", "raised_icp"},
     "case-format: floor 1"),
    ("consciousness-only", 55, {"consciousness": "awake"}, 0, ALL_DOMAINS_ADULT - {"consciousness"},
     "case-format: ICE unassessed for an adult"),
    ("capd3-only-child", 8, {"capd_score": 3}, 1, ALL_DOMAINS_CHILD - {"capd"}, "case-format: CAPD domain for a child"),
    ("voice-only-child", 8, {"consciousness": "awakens_to_voice"}, 2, ALL_DOMAINS_CHILD - {"consciousness"},
     "case-format: CAPD unassessed for a child"),
    ("seizure-clinical-only", 55, {"seizure": "clinical", "seizure_duration_min": 2}, 3,
     ALL_DOMAINS_ADULT - {"seizure"}, "clinical-rules §3: complete false when the grade is below 4"),
    ("motor-none-only", 55, {"motor_weakness": "none"}, 0, ALL_DOMAINS_ADULT - {"motor"}, "case-format"),
]


@pytest.mark.parametrize("age,fields,expected,unassessed,rule", [r[1:] for r in MISSING], ids=[r[0] for r in MISSING])
def test_icans_missing_data(age: float, fields: dict[str, Any], expected: int, unassessed: set[str], rule: str) -> None:
    g = grade(case(age=age, assessments=[bare(**fields)]))["assessments"][0]["icans_astct"]
    assert g["grade"] == expected, rule
    assert g["complete"] is False, rule
    assert set(g["unassessed"]) == unassessed, rule


def test_raised_icp_empty_list_assesses_the_domain() -> None:
    # literal reading: §3 "Raised ICP: `[]` → 0" — unlike `vasopressors`, an empty raised_icp list is an
    # assessment (no exception is written for it).
    g = grade(assessments=[bare(raised_icp=[])])["assessments"][0]["icans_astct"]
    assert g["grade"] == 0
    assert g["complete"] is False
    assert set(g["unassessed"]) == ALL_DOMAINS_ADULT - {"raised_icp"}


COMPLETE_AT_4 = [
    ("deep-focal", {"motor_weakness": "deep_focal"}),
    ("repetitive", {"seizure": "repetitive_without_recovery"}),
    ("unarousable", {"consciousness": "unarousable"}),
    ("diffuse-edema", {"raised_icp": ["diffuse_edema"]}),
    ("ice-not-possible-unarousable", {"ice_not_possible": "unarousable"}),
]


@pytest.mark.parametrize("fields", [r[1] for r in COMPLETE_AT_4], ids=[r[0] for r in COMPLETE_AT_4])
def test_icans_grade_4_is_complete(fields: dict[str, Any]) -> None:
    """clinical-rules §3: complete false only when the grade is below 4."""
    g = grade(assessments=[bare(**fields)])["assessments"][0]["icans_astct"]
    assert g["grade"] == 4
    assert g["complete"] is True


@pytest.mark.parametrize("fields", [
    pytest.param({}, id="nothing"),
    pytest.param({"temperature_c": 38.5, "o2_device": "room_air"}, id="crs-fields-only"),
    pytest.param({"labs": {"ferritin_ng_ml": 500}}, id="labs-only"),
    pytest.param({"ice_not_possible": None, "consciousness": None}, id="nulls"),
])
def test_icans_null_without_any_neuro_domain(fields: dict[str, Any]) -> None:
    """clinical-rules §3: grade and ice_score null (the object stays) when no domain was assessed."""
    g = grade(assessments=[bare(**fields)])["assessments"][0]["icans_astct"]
    assert g["grade"] is None
    assert g["ice_score"] is None
    assert g["version"] == "ASTCT 2019"


def test_icans_null_for_child_with_only_ignored_ice() -> None:
    # literal reading: an ICE under 12 is "ignored for grading", so with no other domain nothing was assessed.
    g = grade(case(age=8, assessments=[bare(ice_score=6)]))["assessments"][0]["icans_astct"]
    assert g["grade"] is None
    assert "ice_not_used_under_12" in g["flags"]


def test_icans_grade_object_shape() -> None:
    g = icans(ice_score=9)
    assert g["version"] == "ASTCT 2019"
    assert "source" in g
    for key in ("grade", "ice_score", "complete", "unassessed", "reasons", "flags"):
        assert key in g
    assert type(g["grade"]) is int


# ---------------------------------------------------------------------------------------------
# Course (§3): onset day, maximum, grade 5
# ---------------------------------------------------------------------------------------------
def _course(*assessments: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return grade(case(assessments=list(assessments), **kw))["course"]


def test_icans_onset_and_max() -> None:
    c = _course(assessment(id="d5", time=at(5), ice_score=5), assessment(id="d1", time=at(1), ice_score=10),
                assessment(id="d3", time=at(3), ice_score=8))
    assert c["icans_onset_day"] == 3, "clinical-rules §3: earliest assessment (by time) with ICANS ≥ 1"
    assert c["icans_max_grade"] == 2


def test_icans_onset_on_day_0_same_day_order() -> None:
    c = _course(assessment(id="late", time=at(0, "20:00"), ice_score=9),
                assessment(id="early", time=at(0, "06:00"), ice_score=10))
    assert c["icans_onset_day"] == 0
    assert c["icans_max_grade"] == 1


def test_icans_no_onset_when_all_zero() -> None:
    c = _course(assessment(id="d1", time=at(1)), assessment(id="d2", time=at(2)))
    assert c["icans_onset_day"] is None
    assert c["icans_max_grade"] == 0


def test_icans_max_counts_floors_and_skips_nulls() -> None:
    c = _course(bare(id="d1", time=at(1), ice_score=6), bare(id="d2", time=at(2), temperature_c=37.0))
    assert c["icans_max_grade"] == 2
    assert c["icans_onset_day"] == 1


def test_icans_death_makes_5() -> None:
    c = _course(assessment(id="d1", time=at(1), ice_score=8), death={"date": "2026-03-09", "cause": "icans"})
    assert c["icans_max_grade"] == 5, "clinical-rules §3: death.cause icans → icans_max_grade 5"
    assert c["icans_onset_day"] == 1


def test_icans_death_from_crs_keeps_icans_max() -> None:
    c = _course(assessment(id="d1", time=at(1), ice_score=8), death={"date": "2026-03-09", "cause": "crs"})
    assert c["icans_max_grade"] == 1


def test_icans_neurologic_other_cause_course() -> None:
    out = grade(case(assessments=[assessment(id="d1", time=at(1), ice_score=2, other_cause=["neurologic"])]))
    assert out["course"]["icans_max_grade"] == 0
    assert out["course"]["icans_onset_day"] is None
    assert "neurologic_findings_attributed_elsewhere" in flags_of(out["assessments"][0])

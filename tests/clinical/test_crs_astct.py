"""CRS by ASTCT 2019, boundary by boundary (clinical-rules §0, §1, §8; case-format "missing is never normal")."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import ABSENT, assessment, at, bare, case, flags_of, grade, grade_one, is_grade

NE = {"agent": "norepinephrine", "dose_mcg_kg_min": 0.1}
EPI = {"agent": "epinephrine", "dose_mcg_kg_min": 0.05}
PHE = {"agent": "phenylephrine", "dose_mcg_kg_min": 1.0}
DOPA = {"agent": "dopamine", "dose_mcg_kg_min": 5.0}
VASO = {"agent": "vasopressin", "dose_units_min": 0.03}


def crs(age: Any = ABSENT, **fields: Any) -> dict[str, Any]:
    return grade_one(age=age, **fields)["crs_astct"]


# ---------------------------------------------------------------------------------------------
# Fever (§1 "Fever: temperature_c ≥ 38.0 (inclusive), unless other_cause contains fever")
# ---------------------------------------------------------------------------------------------
FEVER = [
    ("38.0-exactly", 38.0, [], 1, "clinical-rules §1 fever: 38.0 °C is inclusive → grade 1"),
    ("37.9-below", 37.9, [], 0, "clinical-rules §1 fever: 37.9 °C is below 38.0 → no fever, grade 0"),
    ("37.99-below", 37.99, [], 0, "clinical-rules §1 fever: 37.99 °C is below 38.0 (raw value, never rounded)"),
    ("38.01-above", 38.01, [], 1, "clinical-rules §1 fever: 38.01 °C is fever"),
    ("38.1-above", 38.1, [], 1, "clinical-rules §1 fever: 38.1 °C is fever"),
    ("44.0-top", 44.0, [], 1, "clinical-rules §1 fever: 44.0 °C (top of the accepted range) is fever"),
    ("30.0-bottom", 30.0, [], 0, "clinical-rules §1 fever: 30.0 °C is no fever"),
    ("int-38", 38, [], 1, "clinical-rules §1 fever: integer 38 is 38.0 °C → fever"),
    ("other-cause-fever", 39.5, ["fever"], 0, "clinical-rules §1 fever: other_cause fever removes it → grade 0"),
    ("other-cause-hypotension-keeps-fever", 38.0, ["hypotension"], 1,
     "clinical-rules §1 fever: other_cause hypotension does not remove fever"),
    ("other-cause-neuro-keeps-fever", 38.5, ["neurologic"], 1,
     "clinical-rules §3: other_cause neurologic concerns ICANS only; CRS fever stays"),
]


@pytest.mark.parametrize("temp,other,expected,rule", [r[1:] for r in FEVER], ids=[r[0] for r in FEVER])
def test_fever_threshold(temp: float, other: list[str], expected: int, rule: str) -> None:
    g = crs(temperature_c=temp, other_cause=other)
    assert g["grade"] == expected, rule
    assert g["complete"] is True, rule
    assert g["unassessed"] == [], rule


def test_fever_reason_names_value_and_unit() -> None:
    """case-format Output: reasons name each finding with its value and unit ("fever 38.6 °C")."""
    g = crs(temperature_c=38.6)
    assert g["grade"] == 1
    assert any("38.6" in r and "°C" in r for r in g["reasons"]), g["reasons"]


# ---------------------------------------------------------------------------------------------
# Hypotension derived from SBP by age (§1 Decision: <90 above age 10; <70+2×age at 1–10; <70 under 1;
# §0: ages are completed years, 5.9 → 5)
# ---------------------------------------------------------------------------------------------
SBP = [
    ("adult-89", 55, 89, True, "clinical-rules §1: SBP < 90 above age 10 → 89 is hypotension"),
    ("adult-89.9", 55, 89.9, True, "clinical-rules §1: SBP 89.9 < 90 → hypotension"),
    ("adult-90", 55, 90, False, "clinical-rules §1: SBP 90 is not < 90 → no hypotension"),
    ("age12-89", 12, 89, True, "clinical-rules §1: age 12 uses < 90"),
    ("age12-90", 12, 90, False, "clinical-rules §1: age 12 uses < 90"),
    ("age11-89", 11, 89, True, "clinical-rules §1: age 11 is above 10 → < 90"),
    ("age11-90", 11, 90, False, "clinical-rules §1: age 11 → threshold 90, not 70+2×11=92"),
    ("age11-91", 11, 91, False, "clinical-rules §1: age 11 → threshold 90, not 70+2×11=92 (91 is normal)"),
    ("age10-89", 10, 89, True, "clinical-rules §1: age 10 → 70+2×10 = 90"),
    ("age10-90", 10, 90, False, "clinical-rules §1: age 10 → 70+2×10 = 90"),
    ("age10.9-90", 10.9, 90, False, "clinical-rules §0/§1: 10.9 → 10 completed years → 90"),
    ("age10.9-89", 10.9, 89, True, "clinical-rules §0/§1: 10.9 → 10 completed years → 90"),
    ("age9-87", 9, 87, True, "clinical-rules §1: age 9 → 70+18 = 88"),
    ("age9-88", 9, 88, False, "clinical-rules §1: age 9 → 70+18 = 88"),
    ("age5.9-79", 5.9, 79, True, "clinical-rules §0: age 5.9 → 5 → threshold 80"),
    ("age5.9-80", 5.9, 80, False, "clinical-rules §0: age 5.9 → 5 → threshold 80 (not 81.8)"),
    ("age5.9-81", 5.9, 81, False, "clinical-rules §0: age 5.9 → 5 → threshold 80 (not 81.8)"),
    ("age5-79", 5, 79, True, "clinical-rules §1: age 5 → 80"),
    ("age5-80", 5, 80, False, "clinical-rules §1: age 5 → 80"),
    ("age1-71", 1, 71, True, "clinical-rules §1: age 1 → 70+2 = 72"),
    ("age1-72", 1, 72, False, "clinical-rules §1: age 1 → 70+2 = 72"),
    ("age1.5-71", 1.5, 71, True, "clinical-rules §0: 1.5 → 1 → 72"),
    ("age1.5-72", 1.5, 72, False, "clinical-rules §0: 1.5 → 1 → 72 (not 73)"),
    ("age0.9-69", 0.9, 69, True, "clinical-rules §0/§1: 0.9 → 0 → under 1 → < 70"),
    ("age0.9-70", 0.9, 70, False, "clinical-rules §0/§1: 0.9 → 0 → under 1 → < 70 (not 71.8)"),
    ("age0-69", 0, 69, True, "clinical-rules §1: under 1 → < 70"),
    ("age0-70", 0, 70, False, "clinical-rules §1: under 1 → < 70"),
]


@pytest.mark.parametrize("age,sbp,hypo,rule", [r[1:] for r in SBP], ids=[r[0] for r in SBP])
def test_hypotension_derived_from_sbp_by_age(age: float, sbp: float, hypo: bool, rule: str) -> None:
    g = crs(age=age, temperature_c=38.5, hypotension=ABSENT, systolic_bp_mmhg=sbp)
    assert g["grade"] == (2 if hypo else 1), rule
    assert g["complete"] is True and g["unassessed"] == [], rule
    if hypo:
        assert "hypotension_derived_from_sbp" in g["flags"], rule


def test_derived_normal_sbp_flag() -> None:
    # literal reading: "when absent, derived from systolic_bp_mmhg ..., flag hypotension_derived_from_sbp"
    # attaches the flag to the derivation itself, also when it finds no hypotension.
    g = crs(temperature_c=38.5, hypotension=ABSENT, systolic_bp_mmhg=120)
    assert g["grade"] == 1
    assert "hypotension_derived_from_sbp" in g["flags"]


GIVEN = [
    ("given-false-beats-sbp-60", False, 60, 1, "clinical-rules §1: `hypotension` as given; derived only when absent"),
    ("given-true-beats-sbp-130", True, 130, 2, "clinical-rules §1: `hypotension` as given (clinician's call)"),
    ("given-true-no-sbp", True, ABSENT, 2, "clinical-rules §1: hypotension without vasopressor → 2"),
    ("given-false-no-sbp", False, ABSENT, 1, "clinical-rules §1: no hypotension → component 0"),
]


@pytest.mark.parametrize("hypo,sbp,expected,rule", [r[1:] for r in GIVEN], ids=[r[0] for r in GIVEN])
def test_hypotension_as_given(hypo: bool, sbp: Any, expected: int, rule: str) -> None:
    g = crs(temperature_c=38.5, hypotension=hypo, systolic_bp_mmhg=sbp)
    assert g["grade"] == expected, rule
    assert "hypotension_derived_from_sbp" not in g["flags"], rule


# ---------------------------------------------------------------------------------------------
# Hypotension component: vasopressor counting (§1)
# ---------------------------------------------------------------------------------------------
PRESSORS = [
    ("none-listed", [], 2, "clinical-rules §1: hypotension without vasopressor → 2"),
    ("norepinephrine", [NE], 3, "clinical-rules §1: any vasopressor → 3"),
    ("epinephrine", [EPI], 3, "clinical-rules §1: any vasopressor → 3"),
    ("phenylephrine", [PHE], 3, "clinical-rules §1: any vasopressor → 3"),
    ("dopamine", [DOPA], 3, "clinical-rules §1: any vasopressor → 3"),
    ("no-dose", [{"agent": "norepinephrine"}], 3, "case-format: doses optional; one vasopressor → 3"),
    ("vasopressin-alone", [VASO], 3, "clinical-rules §1: vasopressin alone included → 3 (flag vasopressin_only)"),
    ("ne+vasopressin", [NE, VASO], 3, "clinical-rules §1: ≥ 2 distinct agents other than vasopressin → 4; NE+vasopressin is one"),
    ("epi+vasopressin", [EPI, VASO], 3, "clinical-rules §1: vasopressin does not count toward 4"),
    ("ne+epi", [NE, EPI], 4, "clinical-rules §1: ≥ 2 distinct agents other than vasopressin → 4"),
    ("phe+dopa", [PHE, DOPA], 4, "clinical-rules §1: ≥ 2 distinct agents other than vasopressin → 4"),
    ("ne+epi+vaso", [NE, EPI, VASO], 4, "clinical-rules §1: two non-vasopressin agents → 4"),
    ("ne+ne-same-agent", [NE, {"agent": "norepinephrine", "dose_mcg_kg_min": 0.2}], 3,
     "clinical-rules §1: DISTINCT agents: norepinephrine twice is one agent → 3"),
]


@pytest.mark.parametrize("pressors,expected,rule", [r[1:] for r in PRESSORS], ids=[r[0] for r in PRESSORS])
def test_vasopressor_component(pressors: list[dict[str, Any]], expected: int, rule: str) -> None:
    g = crs(temperature_c=38.5, hypotension=True, vasopressors=pressors)
    assert g["grade"] == expected, rule
    assert g["complete"] is True, rule
    if pressors == [VASO]:
        assert "vasopressin_only" in g["flags"], rule
    else:
        assert "vasopressin_only" not in g["flags"], rule


def test_vasopressor_reason_names_agent() -> None:
    g = crs(temperature_c=38.6, hypotension=True, vasopressors=[NE])
    assert g["grade"] == 3
    assert any("norepinephrine" in r.lower() for r in g["reasons"]), g["reasons"]


def test_vasopressor_without_hypotension_field_assesses_hypotension() -> None:
    """clinical-rules §1: hypotension is unassessed only when neither field is given AND no vasopressor is listed."""
    g = crs(temperature_c=38.5, hypotension=ABSENT, vasopressors=[NE])
    assert g["grade"] == 3
    assert g["complete"] is True and g["unassessed"] == []


def test_absent_vasopressor_list_means_none() -> None:
    """clinical-rules §1: an absent `vasopressors` list means none."""
    assert crs(temperature_c=38.5, hypotension=True, vasopressors=ABSENT)["grade"] == 2


OTHER_HYPO = [
    ("given-with-ne", {"hypotension": True, "vasopressors": [NE, EPI]}, 1,
     "clinical-rules §1: other_cause hypotension removes hypotension and vasopressors"),
    ("derived-from-sbp", {"hypotension": ABSENT, "systolic_bp_mmhg": 70}, 1,
     "clinical-rules §1: other_cause hypotension removes derived hypotension"),
    ("keeps-hypoxia", {"hypotension": True, "vasopressors": [NE], "o2_device": "nasal_cannula", "o2_flow_l_min": 3}, 2,
     "clinical-rules §1: other_cause hypotension leaves hypoxia (low-flow → 2)"),
]


@pytest.mark.parametrize("fields,expected,rule", [r[1:] for r in OTHER_HYPO], ids=[r[0] for r in OTHER_HYPO])
def test_other_cause_hypotension(fields: dict[str, Any], expected: int, rule: str) -> None:
    g = crs(temperature_c=38.5, other_cause=["hypotension"], **fields)
    assert g["grade"] == expected, rule


# ---------------------------------------------------------------------------------------------
# Hypoxia component (§1)
# ---------------------------------------------------------------------------------------------
HYPOXIA = [
    ("room-air", "room_air", ABSENT, 1, "clinical-rules §1: room_air → 0 (fever alone → 1)"),
    ("room-air-flow-0", "room_air", 0, 1, "case-format: room_air with flow 0 is accepted; → 0"),
    ("blow-by", "blow_by", ABSENT, 2, "clinical-rules §1: blow_by → 2"),
    ("nc-0.5", "nasal_cannula", 0.5, 2, "clinical-rules §1 hypoxia: nasal cannula 0.5 L/min is low-flow → 2"),
    ("nc-5.99", "nasal_cannula", 5.99, 2, "clinical-rules §1 hypoxia: nasal cannula 5.99 L/min is low-flow → 2"),
    ("nc-6-exactly", "nasal_cannula", 6, 2, "clinical-rules §1 hypoxia: nasal cannula 6 L/min is low-flow (≤ 6) → 2"),
    ("nc-6.0-float", "nasal_cannula", 6.0, 2, "clinical-rules §1 hypoxia: nasal cannula 6.0 L/min is low-flow → 2"),
    ("nc-6.1", "nasal_cannula", 6.1, 3, "clinical-rules §1 hypoxia: nasal cannula 6.1 L/min is > 6 → 3"),
    ("nc-6.01", "nasal_cannula", 6.01, 3, "clinical-rules §1 hypoxia: nasal cannula 6.01 L/min is > 6 → 3"),
    ("nc-7", "nasal_cannula", 7, 3, "clinical-rules §1 hypoxia: nasal cannula 7 L/min → 3"),
    ("nc-80", "nasal_cannula", 80, 3, "clinical-rules §1 hypoxia: nasal cannula 80 L/min → 3"),
    ("hfnc-2", "high_flow_nasal_cannula", 2, 3, "clinical-rules §1: high_flow_nasal_cannula whatever the flow → 3"),
    ("hfnc-6", "high_flow_nasal_cannula", 6, 3, "clinical-rules §1: high_flow_nasal_cannula whatever the flow → 3"),
    ("hfnc-40", "high_flow_nasal_cannula", 40, 3, "clinical-rules §1: high_flow_nasal_cannula → 3"),
    ("hfnc-no-flow", "high_flow_nasal_cannula", ABSENT, 3, "clinical-rules §1: high_flow_nasal_cannula → 3"),
    ("simple-face-mask", "simple_face_mask", 5, 3, "clinical-rules §1: simple_face_mask → 3"),
    ("venturi", "venturi_mask", 8, 3, "clinical-rules §1: venturi_mask → 3"),
    ("non-rebreather", "non_rebreather_mask", 15, 3, "clinical-rules §1: non_rebreather_mask → 3"),
    ("cpap", "cpap", ABSENT, 4, "clinical-rules §1: cpap → 4"),
    ("bipap", "bipap", ABSENT, 4, "clinical-rules §1: bipap → 4"),
    ("mechanical-ventilation", "mechanical_ventilation", ABSENT, 4, "clinical-rules §1: mechanical_ventilation → 4"),
]


@pytest.mark.parametrize("device,flow,expected,rule", [r[1:] for r in HYPOXIA], ids=[r[0] for r in HYPOXIA])
def test_hypoxia_component(device: str, flow: Any, expected: int, rule: str) -> None:
    g = crs(temperature_c=38.5, o2_device=device, o2_flow_l_min=flow)
    assert g["grade"] == expected, rule
    assert g["complete"] is True and g["unassessed"] == [], rule
    if device == "nasal_cannula" and flow > 6:
        assert "nasal_cannula_above_6_l_min" in g["flags"], rule
    else:
        assert "nasal_cannula_above_6_l_min" not in g["flags"], rule


def test_nasal_cannula_without_flow_is_floor_2_incomplete() -> None:
    """clinical-rules §1: `nasal_cannula` with no flow → 2 with `complete: false`."""
    g = crs(temperature_c=38.5, o2_device="nasal_cannula", o2_flow_l_min=ABSENT)
    assert g["grade"] == 2
    assert g["complete"] is False


def test_nasal_cannula_null_flow_is_absent() -> None:
    """case-format: `null` for an optional field means absent."""
    g = crs(temperature_c=38.5, o2_device="nasal_cannula", o2_flow_l_min=None)
    assert g["grade"] == 2 and g["complete"] is False


OTHER_HYPOX = [
    ("cpap", {"o2_device": "cpap"}, 1, "clinical-rules §1: other_cause hypoxia makes the hypoxia component 0"),
    ("nrb", {"o2_device": "non_rebreather_mask", "o2_flow_l_min": 15}, 1, "clinical-rules §1: other_cause hypoxia → 0"),
    ("keeps-pressor", {"o2_device": "cpap", "hypotension": True, "vasopressors": [NE]}, 3,
     "clinical-rules §1: other_cause hypoxia leaves hypotension (one vasopressor → 3)"),
]


@pytest.mark.parametrize("fields,expected,rule", [r[1:] for r in OTHER_HYPOX], ids=[r[0] for r in OTHER_HYPOX])
def test_other_cause_hypoxia(fields: dict[str, Any], expected: int, rule: str) -> None:
    assert crs(temperature_c=38.5, other_cause=["hypoxia"], **fields)["grade"] == expected, rule


# ---------------------------------------------------------------------------------------------
# Combination: the most severe component decides (§1 Grade = max(...))
# ---------------------------------------------------------------------------------------------
COMBO = [
    ("ne+low-flow", {"hypotension": True, "vasopressors": [NE], "o2_device": "nasal_cannula", "o2_flow_l_min": 3}, 3,
     "clinical-rules §1: max(hypotension 3, hypoxia 2) → 3 (Lee 2019 example)"),
    ("hypo+nrb", {"hypotension": True, "o2_device": "non_rebreather_mask", "o2_flow_l_min": 12}, 3,
     "clinical-rules §1: max(2, 3) → 3"),
    ("two-pressors+room-air", {"hypotension": True, "vasopressors": [NE, EPI]}, 4, "clinical-rules §1: max(4, 0) → 4"),
    ("hypo+cpap", {"hypotension": True, "o2_device": "cpap"}, 4, "clinical-rules §1: max(2, 4) → 4"),
    ("hypo+blow-by", {"hypotension": True, "o2_device": "blow_by"}, 2, "clinical-rules §1: max(2, 2) → 2"),
]


@pytest.mark.parametrize("fields,expected,rule", [r[1:] for r in COMBO], ids=[r[0] for r in COMBO])
def test_most_severe_component_decides(fields: dict[str, Any], expected: int, rule: str) -> None:
    assert crs(temperature_c=38.9, **fields)["grade"] == expected, rule


NO_ROLE = [
    ("spo2-85", {"spo2_percent": 85}, "case-format: spo2_percent is context only (no grading role)"),
    ("spo2-50", {"spo2_percent": 50}, "case-format: spo2_percent is context only"),
    ("fluid-bolus", {"fluid_bolus_given": True}, "case-format: fluid_bolus_given has no grading role"),
    ("organ-labs", {"labs": {"creatinine_mg_dl": 6.0, "alt_u_l": 2000, "bilirubin_mg_dl": 12}},
     "clinical-rules §1: organ toxicities never change the CRS grade"),
    ("map-dbp-normal", {"systolic_bp_mmhg": 120, "diastolic_bp_mmhg": 70, "mean_arterial_pressure_mmhg": 85},
     "clinical-rules §1: given hypotension false stands"),
]


@pytest.mark.parametrize("fields,rule", [r[1:] for r in NO_ROLE], ids=[r[0] for r in NO_ROLE])
def test_fields_without_grading_role(fields: dict[str, Any], rule: str) -> None:
    assert crs(temperature_c=38.5, **fields)["grade"] == 1, rule


# ---------------------------------------------------------------------------------------------
# Missing data: floors, complete/unassessed, null (case-format "missing is never normal"; §1 Grade)
# ---------------------------------------------------------------------------------------------
MISSING = [
    ("fever-only", {"temperature_c": 38.5}, 1, False, {"hypotension", "hypoxia"},
     "case-format: floor 1 from fever; hypotension and hypoxia unassessed"),
    ("fever+hypo-no-o2", {"temperature_c": 38.5, "hypotension": True}, 2, False, {"hypoxia"},
     "case-format: floor 2; hypoxia (o2_device absent) unassessed"),
    ("fever+nc4-no-bp", {"temperature_c": 38.7, "o2_device": "nasal_cannula", "o2_flow_l_min": 4}, 2, False,
     {"hypotension"}, "case-format: floor 2; hypotension unassessed (P-MISS-01)"),
    ("fever+empty-pressor-list", {"temperature_c": 38.5, "vasopressors": [], "o2_device": "room_air"}, 1, False,
     {"hypotension"}, "clinical-rules §1: an empty vasopressors list alone does not assess hypotension"),
    ("fever+ne-no-o2", {"temperature_c": 38.5, "hypotension": True, "vasopressors": [NE]}, 3, False, {"hypoxia"},
     "clinical-rules §1: floor 3 is below 4 → complete false"),
    ("fever+cpap-no-bp", {"temperature_c": 38.5, "o2_device": "cpap"}, 4, True, set(),
     "clinical-rules §1: complete false only when the floor is below 4"),
    ("fever+2-pressors-no-o2", {"temperature_c": 38.5, "vasopressors": [NE, EPI]}, 4, True, set(),
     "clinical-rules §1: floor 4 cannot be raised → complete"),
    ("fever+sbp+room-air", {"temperature_c": 38.5, "systolic_bp_mmhg": 120, "o2_device": "room_air"}, 1, True, set(),
     "clinical-rules §1: SBP assesses hypotension; room_air assesses hypoxia"),
    ("fever-all-assessed", {"temperature_c": 38.5, "hypotension": False, "o2_device": "room_air"}, 1, True, set(),
     "clinical-rules §1: every component assessed → complete"),
]


@pytest.mark.parametrize("fields,expected,complete,unassessed,rule", [r[1:] for r in MISSING],
                         ids=[r[0] for r in MISSING])
def test_missing_data_floors(fields: dict[str, Any], expected: int, complete: bool, unassessed: set[str],
                             rule: str) -> None:
    g = grade(assessments=[bare(**fields)])["assessments"][0]["crs_astct"]
    assert g["grade"] == expected, rule
    assert g["complete"] is complete, rule
    assert set(g["unassessed"]) == unassessed, rule


def test_afebrile_without_other_data_is_decided_zero() -> None:
    """case-format: "no fever and no earlier CRS means CRS grade 0 even without oxygen data"."""
    g = grade(assessments=[bare(temperature_c=37.0)])["assessments"][0]["crs_astct"]
    assert g["grade"] == 0
    # literal reading: a decided grade that no unassessed domain could raise is complete.
    assert g["complete"] is True
    assert g["unassessed"] == []


NULLS = [
    ("no-temp-no-waiver", {"hypotension": True, "vasopressors": [NE], "o2_device": "cpap"},
     "clinical-rules §1: null when temperature_c is absent and no waiver holds"),
    ("no-temp-nothing", {}, "clinical-rules §1: null when temperature_c is absent"),
    ("temp-null", {"temperature_c": None, "o2_device": "room_air", "hypotension": False},
     "case-format: null means absent → null grade"),
]


@pytest.mark.parametrize("fields,rule", [r[1:] for r in NULLS], ids=[r[0] for r in NULLS])
def test_null_without_temperature(fields: dict[str, Any], rule: str) -> None:
    out = grade(assessments=[bare(**fields)])
    g = out["assessments"][0]["crs_astct"]
    assert g["grade"] is None, rule
    assert g["version"] == "ASTCT 2019"
    assert out["assessments"][0]["crs_ctcae"]["grade"] is None, "clinical-rules §2: the same gate and null"


# ---------------------------------------------------------------------------------------------
# Afebrile, no waiver: 0, flag hypotension_or_hypoxia_without_fever (§1 Grade)
# ---------------------------------------------------------------------------------------------
WITHOUT_FEVER = [
    ("hypotension", {"hypotension": True}, True, "clinical-rules §1: afebrile with hypotension → 0 + flag"),
    ("pressors", {"hypotension": True, "vasopressors": [NE, EPI]}, True, "clinical-rules §1: afebrile → 0 + flag"),
    ("derived-sbp", {"hypotension": ABSENT, "systolic_bp_mmhg": 80}, True, "clinical-rules §1: derived hypotension counts"),
    ("nasal-cannula", {"o2_device": "nasal_cannula", "o2_flow_l_min": 2}, True, "clinical-rules §1: afebrile with hypoxia → 0 + flag"),
    ("cpap", {"o2_device": "cpap"}, True, "clinical-rules §1: afebrile with hypoxia → 0 + flag"),
    ("nothing", {}, False, "clinical-rules §1: no hypotension, no hypoxia → no flag"),
    ("hypo-other-cause", {"hypotension": True, "other_cause": ["hypotension"]}, False,
     "clinical-rules §1: flag only when, after the other_cause removals, either is present"),
    ("hypox-other-cause", {"o2_device": "cpap", "other_cause": ["hypoxia"]}, False,
     "clinical-rules §1: flag only after the other_cause removals"),
    ("fever-other-cause+cpap", {"temperature_c": 39.5, "other_cause": ["fever"], "o2_device": "cpap"}, True,
     "clinical-rules §1: fever attributed elsewhere is no fever; cpap present → 0 + flag"),
]


@pytest.mark.parametrize("fields,flag,rule", [r[1:] for r in WITHOUT_FEVER], ids=[r[0] for r in WITHOUT_FEVER])
def test_hypotension_or_hypoxia_without_fever(fields: dict[str, Any], flag: bool, rule: str) -> None:
    merged = {"temperature_c": 37.2, **fields}
    out = grade(assessments=[assessment(**merged)])["assessments"][0]
    for scale in ("crs_astct", "crs_ctcae"):
        g = out[scale]
        assert g["grade"] == 0, (scale, rule)
        assert ("hypotension_or_hypoxia_without_fever" in g["flags"]) is flag, (scale, rule)


# ---------------------------------------------------------------------------------------------
# Onset and course maxima (§0, §1 Onset)
# ---------------------------------------------------------------------------------------------
def _a(aid: str, day: int, hhmm: str = "08:00", **fields: Any) -> dict[str, Any]:
    return assessment(id=aid, time=at(day, hhmm), **fields)


def test_onset_day_is_first_fever_by_time() -> None:
    out = grade(assessments=[_a("d3", 3, temperature_c=39.0), _a("d1", 1, temperature_c=37.0),
                             _a("d2", 2, temperature_c=38.2)])
    assert [a["id"] for a in out["assessments"]] == ["d3", "d1", "d2"], "case-format: input order kept"
    assert [a["day"] for a in out["assessments"]] == [3, 1, 2]
    assert out["course"]["crs_onset_day"] == 2, "clinical-rules §1 onset: earliest febrile assessment by time"
    assert out["course"]["crs_max_grade"] == 1


def test_onset_on_infusion_day() -> None:
    out = grade(assessments=[_a("d0", 0, "06:00", temperature_c=38.0)])
    assert out["course"]["crs_onset_day"] == 0, "clinical-rules §1 onset: day ≥ 0 (day 0 included)"


def test_fever_before_infusion_is_not_onset() -> None:
    out = grade(assessments=[_a("pre", -1, temperature_c=38.8), _a("d2", 2, temperature_c=38.3)])
    assert out["course"]["crs_onset_day"] == 2, "clinical-rules §1 onset: on or after the infusion date (day ≥ 0)"
    assert out["assessments"][0]["day"] == -1, "clinical-rules §0: negative days are allowed"


def test_fever_before_infusion_only() -> None:
    out = grade(assessments=[_a("pre", -1, temperature_c=38.8)])
    assert out["course"]["crs_onset_day"] is None, "clinical-rules §1 onset: day ≥ 0"
    # literal reading: §1 "Grade: when fever ... holds, max(1 if fever, ...)" has no day condition,
    # so a febrile pre-infusion assessment is graded 1 even though CRS has no onset.
    assert out["assessments"][0]["crs_astct"]["grade"] == 1


def test_course_max_ignores_nulls_and_counts_floors() -> None:
    """case-format: course maxima are the maxima of the non-null assessment grades (floors included)."""
    out = grade(assessments=[
        bare(id="a1", time=at(1), temperature_c=38.7, o2_device="nasal_cannula", o2_flow_l_min=4),  # floor 2
        bare(id="a2", time=at(2), hypotension=True, vasopressors=[NE]),  # null: no temperature
    ])
    assert out["assessments"][0]["crs_astct"]["grade"] == 2
    assert out["assessments"][1]["crs_astct"]["grade"] is None
    assert out["course"]["crs_max_grade"] == 2
    assert out["course"]["crs_onset_day"] == 1


def test_course_max_null_when_every_grade_null() -> None:
    # literal reading: the maximum of no non-null grade cannot be decided → null.
    out = grade(assessments=[bare(id="a1", hypotension=True)])
    assert out["course"]["crs_max_grade"] is None
    assert out["course"]["crs_onset_day"] is None


def test_course_max_null_with_no_assessments() -> None:
    # literal reading: "assessments may be empty, for a course of lab values alone" → no CRS grade → null.
    out = grade(case())
    assert out["assessments"] == []
    assert out["course"]["crs_max_grade"] is None
    assert out["course"]["crs_onset_day"] is None


# ---------------------------------------------------------------------------------------------
# Fever waiver (§1 Decision)
# ---------------------------------------------------------------------------------------------
def _waiver_case(drug: str, drug_time: str, later: dict[str, Any], later_time: str = at(2),
                 onset_time: str = at(1)) -> dict[str, Any]:
    interv: dict[str, Any] = {"time": drug_time, "drug": drug}
    if drug == "other":
        interv["name"] = "ruxolitinib"
    return case(
        assessments=[assessment(id="onset", time=onset_time, temperature_c=38.6),
                     assessment(id="later", time=later_time, **later)],
        interventions=[interv],
    )


WAIVER_DRUGS = [
    ("tocilizumab", True), ("siltuximab", True), ("dexamethasone", True), ("methylprednisolone", True),
    ("hydrocortisone", True), ("anakinra", True), ("antipyretic", True),
    ("g_csf", False), ("levetiracetam", False), ("immunoglobulin", False), ("other", False),
]


@pytest.mark.parametrize("drug,waives", WAIVER_DRUGS, ids=[d for d, _ in WAIVER_DRUGS])
def test_waiver_drugs(drug: str, waives: bool) -> None:
    """clinical-rules §1 fever waiver: only the seven listed drugs waive fever."""
    out = grade(_waiver_case(drug, at(1, "10:00"), {"temperature_c": 37.1, "hypotension": True}))
    later = out["assessments"][1]
    for scale in ("crs_astct", "crs_ctcae"):
        g = later[scale]
        if waives:
            assert g["grade"] == 2, f"{scale}: {drug} after onset waives fever → hypotension grade 2"
            assert "fever_waived" in g["flags"]
        else:
            assert g["grade"] == 0, f"{scale}: {drug} is not in the waiver list"
            assert "fever_waived" not in g["flags"]
            assert "hypotension_or_hypoxia_without_fever" in g["flags"]


WAIVER_TIMING = [
    ("drug-at-onset-time", at(1, "08:00"), at(1, "12:00"), True,
     "clinical-rules §1: an intervention at or after the onset time waives"),
    ("drug-1min-before-onset", at(1, "07:59"), at(1, "12:00"), False,
     "clinical-rules §1: treatment before onset waives nothing"),
    ("prophylactic-day0", at(0, "06:00"), at(2), False,
     "clinical-rules §1: prophylactic dexamethasone before onset waives nothing"),
    ("assessment-at-drug-time", at(1, "10:00"), at(1, "10:00"), False,
     "clinical-rules §1: waiver only for assessments strictly later than the intervention"),
    ("assessment-1min-after", at(1, "10:00"), at(1, "10:01"), True,
     "clinical-rules §1: strictly later → waived"),
    ("assessment-before-drug", at(3, "10:00"), at(2), False,
     "clinical-rules §1: an assessment before the intervention is not waived"),
    ("rest-of-course", at(1, "10:00"), at(25), True, "clinical-rules §1: the waiver lasts for the rest of the course"),
]


@pytest.mark.parametrize("drug_time,later_time,waived,rule", [r[1:] for r in WAIVER_TIMING],
                         ids=[r[0] for r in WAIVER_TIMING])
def test_waiver_timing(drug_time: str, later_time: str, waived: bool, rule: str) -> None:
    out = grade(_waiver_case("dexamethasone", drug_time, {"temperature_c": 37.0, "hypotension": True,
                                                          "vasopressors": [NE]}, later_time=later_time))
    g = out["assessments"][1]["crs_astct"]
    assert g["grade"] == (3 if waived else 0), rule
    assert ("fever_waived" in g["flags"]) is waived, rule
    assert out["course"]["crs_onset_day"] == 1


def test_waiver_with_seconds_precision() -> None:
    """clinical-rules §0: "before" and "after" compare full times (seconds allowed)."""
    out = grade(_waiver_case("tocilizumab", "2026-03-02T10:00:30", {"temperature_c": 37.0, "hypotension": True},
                             later_time="2026-03-02T10:00:15"))
    assert out["assessments"][1]["crs_astct"]["grade"] == 0


def test_prophylaxis_before_onset_then_treatment_after() -> None:
    """clinical-rules §1: a second dose after onset does waive, the prophylactic one does not."""
    data = case(
        assessments=[_a("d1", 1, temperature_c=38.6), _a("d2", 2, temperature_c=37.0, hypotension=True),
                     _a("d3", 3, temperature_c=37.0, hypotension=True)],
        interventions=[{"time": at(0, "06:00"), "drug": "dexamethasone", "dose_mg": 10},
                       {"time": at(2, "12:00"), "drug": "tocilizumab", "dose_mg": 640}],
    )
    out = grade(data)
    assert [a["crs_astct"]["grade"] for a in out["assessments"]] == [1, 0, 2]


def test_waiver_never_starts_crs() -> None:
    """clinical-rules §1: the waiver never lets CRS start without fever."""
    data = case(assessments=[_a("d1", 1, temperature_c=37.0, hypotension=True),
                             _a("d2", 2, temperature_c=37.0, hypotension=True, vasopressors=[NE])],
                interventions=[{"time": at(0, "12:00"), "drug": "tocilizumab"}])
    out = grade(data)
    assert [a["crs_astct"]["grade"] for a in out["assessments"]] == [0, 0]
    assert out["course"]["crs_onset_day"] is None
    assert out["course"]["crs_max_grade"] == 0


def test_pre_infusion_fever_plus_drug_is_no_waiver() -> None:
    """clinical-rules §1: onset needs day ≥ 0, so a drug after a day −1 fever waives nothing."""
    data = case(assessments=[_a("pre", -1, temperature_c=38.9), _a("d1", 1, temperature_c=37.0, hypotension=True)],
                interventions=[{"time": at(-1, "10:00"), "drug": "tocilizumab"}])
    g = grade(data)["assessments"][1]["crs_astct"]
    assert g["grade"] == 0
    assert "hypotension_or_hypoxia_without_fever" in g["flags"]


def test_crs_not_active() -> None:
    """clinical-rules §1: an afebrile waived assessment with no hypotension and no oxygen need → 0, crs_not_active."""
    out = grade(_waiver_case("tocilizumab", at(1, "10:00"), {"temperature_c": 36.8}))
    g = out["assessments"][1]["crs_astct"]
    assert g["grade"] == 0
    assert "crs_not_active" in g["flags"]
    assert g["complete"] is True
    assert out["course"]["crs_max_grade"] == 1


def test_waived_febrile_assessment_still_counts_fever() -> None:
    out = grade(_waiver_case("tocilizumab", at(1, "10:00"), {"temperature_c": 39.1}))
    g = out["assessments"][1]["crs_astct"]
    assert g["grade"] == 1
    assert "crs_not_active" not in g["flags"]


def test_waiver_without_temperature_is_not_null() -> None:
    """clinical-rules §1: null only when temperature_c is absent AND no waiver holds."""
    out = grade(_waiver_case("tocilizumab", at(1, "10:00"), {"temperature_c": ABSENT, "hypotension": True}))
    g = out["assessments"][1]["crs_astct"]
    assert g["grade"] == 2
    assert "fever_waived" in g["flags"]


def test_waiver_without_temperature_floor_zero() -> None:
    # literal reading: under the waiver an unassessed fever could raise a 0 floor to 1, so the grade
    # is 0 with complete false and `fever` unassessed (not null, not crs_not_active).
    out = grade(_waiver_case("tocilizumab", at(1, "10:00"), {"temperature_c": ABSENT}))
    g = out["assessments"][1]["crs_astct"]
    assert g["grade"] == 0
    assert g["complete"] is False
    assert "fever" in g["unassessed"]


def test_waiver_uses_time_order_not_input_order() -> None:
    """clinical-rules §0: assessments are processed in time order; output keeps the input order."""
    data = case(assessments=[_a("d2", 2, temperature_c=37.2, hypotension=True, vasopressors=[NE]),
                             _a("d1", 1, temperature_c=38.5)],
                interventions=[{"time": at(1, "10:00"), "drug": "tocilizumab", "dose_mg": 640}])
    out = grade(data)
    assert [a["id"] for a in out["assessments"]] == ["d2", "d1"]
    assert out["assessments"][0]["crs_astct"]["grade"] == 3
    assert out["assessments"][1]["crs_astct"]["grade"] == 1
    assert out["course"]["crs_onset_day"] == 1
    assert out["course"]["crs_max_grade"] == 3


def test_waived_hypoxia_with_pressors() -> None:
    out = grade(_waiver_case("tocilizumab", at(1, "10:00"),
                             {"temperature_c": 37.0, "hypotension": True, "vasopressors": [NE, EPI],
                              "o2_device": "cpap"}))
    assert out["assessments"][1]["crs_astct"]["grade"] == 4


# ---------------------------------------------------------------------------------------------
# Grade 5 (§1 Grade 5)
# ---------------------------------------------------------------------------------------------
def test_death_from_crs_after_graded_crs() -> None:
    data = case(assessments=[_a("d1", 1, temperature_c=39.0, hypotension=True)],
                death={"date": "2026-03-04", "cause": "crs"})
    out = grade(data)
    assert out["assessments"][0]["crs_astct"]["grade"] == 2, "assessment grades are not changed by death"
    assert out["course"]["crs_max_grade"] == 5, "clinical-rules §1: death.cause crs → crs_max_grade 5"
    assert out["course"]["crs_onset_day"] == 1
    assert "death_without_graded_crs" not in flags_of(out["course"])


@pytest.mark.parametrize("assessments", [
    pytest.param([], id="no-assessments"),
    pytest.param([{"id": "d1", "time": at(1), "temperature_c": 37.0, "hypotension": True}], id="afebrile-only"),
    pytest.param([{"id": "d1", "time": at(1), "hypotension": True}], id="null-only"),
])
def test_death_from_crs_without_graded_crs(assessments: list[dict[str, Any]]) -> None:
    """clinical-rules §1: flag death_without_graded_crs when CRS was never established; onset stays null."""
    out = grade(case(assessments=assessments, death={"date": "2026-03-05", "cause": "crs"}))
    assert out["course"]["crs_max_grade"] == 5
    assert out["course"]["crs_onset_day"] is None
    assert "death_without_graded_crs" in flags_of(out["course"])


@pytest.mark.parametrize("cause", ["icans", "iec_hs", "infection", "disease", "other"])
def test_death_from_other_causes_keeps_crs_max(cause: str) -> None:
    out = grade(case(assessments=[_a("d1", 1, temperature_c=39.0, hypotension=True)],
                     death={"date": "2026-03-06", "cause": cause}))
    assert out["course"]["crs_max_grade"] == 2, f"clinical-rules §1: only death.cause crs makes 5 ({cause})"
    assert "death_without_graded_crs" not in flags_of(out["course"])


# ---------------------------------------------------------------------------------------------
# Days (case-format: day N = N calendar days after infusion_date)
# ---------------------------------------------------------------------------------------------
DAYS = [
    ("midnight-day0", "2026-03-01", "2026-03-01T00:00", 0),
    ("late-day0", "2026-03-01", "2026-03-01T23:59", 0),
    ("seconds", "2026-03-01", "2026-03-01T23:59:59", 0),
    ("midnight-day1", "2026-03-01", "2026-03-02T00:00", 1),
    ("day-minus1", "2026-03-01", "2026-02-28T23:00", -1),
    ("day-minus7", "2026-03-01", "2026-02-22T08:00", -7),
    ("feb-2026-not-leap", "2026-02-27", "2026-03-01T08:00", 2),
    ("feb-2028-leap", "2028-02-27", "2028-03-01T08:00", 3),
    ("year-boundary", "2025-12-31", "2026-01-01T01:00", 1),
    ("day-100", "2026-03-01", "2026-06-09T08:00", 100),
]


@pytest.mark.parametrize("infusion,time,day", [r[1:] for r in DAYS], ids=[r[0] for r in DAYS])
def test_calendar_days(infusion: str, time: str, day: int) -> None:
    """case-format: Day N means N calendar days after infusion_date (day 0)."""
    out = grade(case(infusion_date=infusion, assessments=[assessment(time=time)]))
    assert out["assessments"][0]["day"] == day
    assert type(out["assessments"][0]["day"]) is int


# ---------------------------------------------------------------------------------------------
# Output shape of the grade object (case-format Output; clinical-rules preamble)
# ---------------------------------------------------------------------------------------------
def test_grade_object_shape() -> None:
    a = grade_one(temperature_c=38.6, hypotension=True, vasopressors=[NE])
    g = a["crs_astct"]
    assert g["version"] == "ASTCT 2019"
    assert "Lee" in g["source"]
    assert type(g["grade"]) is int and g["grade"] == 3
    assert isinstance(g["complete"], bool)
    assert isinstance(g["unassessed"], list) and isinstance(g["flags"], list)
    assert g["reasons"] and all(isinstance(r, str) and r for r in g["reasons"])
    for key in ("id", "day", "crs_astct", "crs_ctcae", "icans_astct", "easix", "m_easix"):
        assert key in a


def test_grade_zero_is_integer_not_false() -> None:
    """case-format: grades are integers 0–5 (never booleans)."""
    g = crs(temperature_c=37.0)
    assert g["grade"] == 0 and type(g["grade"]) is int and is_grade(g["grade"])


# ---------------------------------------------------------------------------------------------
# Tocilizumab alerts (§8): alerts, never blocks
# ---------------------------------------------------------------------------------------------
def _toci_alerts(weight: Any, doses: list[tuple[str, Any]], age: float = 55) -> list[str]:
    patient: dict[str, Any] = {"age_years": age}
    if weight is not ABSENT:
        patient["weight_kg"] = weight
    interventions = []
    for time, mg in doses:
        entry: dict[str, Any] = {"time": time, "drug": "tocilizumab"}
        if mg is not ABSENT:
            entry["dose_mg"] = mg
        interventions.append(entry)
    out = grade(case(patient=patient, assessments=[_a("d1", 1, temperature_c=39.0, hypotension=True)],
                     interventions=interventions))
    alerts = out["course"]["alerts"]
    assert isinstance(alerts, list) and all(isinstance(x, str) for x in alerts)
    return alerts


DOSE = [
    # (weight, dose, reference dose that needs no alert, alert expected, rule)
    ("80kg-704-is-+10%", 80.0, 704, 640, False, "clinical-rules §8: 8 mg/kg = 640; a dose MORE than 10 % above alerts; 704 is exactly +10 %"),
    ("80kg-705", 80.0, 705, 640, True, "clinical-rules §8: 705 mg is more than 10 % above 640"),
    ("80kg-under-dose", 80.0, 400, 640, False, "clinical-rules §8: only doses above the computed dose alert"),
    ("120kg-800", 120.0, 800, 800, False, "clinical-rules §8: at most 800 mg a dose; 800 is allowed"),
    ("120kg-801", 120.0, 801, 800, True, "clinical-rules §8: above 800 mg is an alert"),
    ("20kg-264", 20.0, 264, 240, False, "clinical-rules §8: 12 mg/kg under 30 kg = 240; 264 is exactly +10 %"),
    ("20kg-265", 20.0, 265, 240, True, "clinical-rules §8: 12 mg/kg under 30 kg; 265 is more than +10 %"),
    ("29kg-380", 29.0, 380, 348, False, "clinical-rules §8: 29 kg is under 30 → 12 mg/kg = 348; 380 within +10 %"),
    ("30kg-300", 30.0, 300, 240, True, "clinical-rules §8: 30 kg is not under 30 → 8 mg/kg = 240; 300 is +25 %"),
]


@pytest.mark.parametrize("weight,dose,ref,alert,rule", [r[1:] for r in DOSE], ids=[r[0] for r in DOSE])
def test_tocilizumab_dose_alert(weight: float, dose: float, ref: float, alert: bool, rule: str) -> None:
    base = _toci_alerts(weight, [(at(1, "10:00"), ref)])
    got = _toci_alerts(weight, [(at(1, "10:00"), dose)])
    if alert:
        assert len(got) > len(base), (rule, got, base)
    else:
        assert len(got) == len(base), (rule, got, base)


def test_tocilizumab_interval_alert() -> None:
    """clinical-rules §8: ≥ 8 h apart; 7 h 59 min is an alert, 8 h is not."""
    ok = _toci_alerts(80.0, [(at(1, "10:00"), 640), (at(1, "18:00"), 640)])
    short = _toci_alerts(80.0, [(at(1, "10:00"), 640), (at(1, "17:59"), 640)])
    assert len(short) > len(ok), (short, ok)


def test_tocilizumab_total_doses_alert() -> None:
    """clinical-rules §8: at most 4 doses in total."""
    four = _toci_alerts(80.0, [(at(d, "10:00"), 640) for d in (1, 2, 3, 4)])
    five = _toci_alerts(80.0, [(at(d, "10:00"), 640) for d in (1, 2, 3, 4, 5)])
    assert len(five) > len(four), (five, four)


def test_tocilizumab_without_weight_alerts_weight_needed() -> None:
    """clinical-rules §8: no weight → alert "weight needed" (an alert, never a block)."""
    alerts = _toci_alerts(ABSENT, [(at(1, "10:00"), 640)])
    assert any("weight" in a.lower() for a in alerts), alerts


# ---------------------------------------------------------------------------------------------
# More of the missing-data contract and onset subtleties
# ---------------------------------------------------------------------------------------------
ASSESSES = [
    ("map-only", {"mean_arterial_pressure_mmhg": 50}, {"hypotension"},
     "clinical-rules §1: hypotension is unassessed when neither `hypotension` nor `systolic_bp_mmhg` is given "
     "(a MAP alone does not assess it)"),
    ("dbp-only", {"diastolic_bp_mmhg": 40}, {"hypotension"}, "clinical-rules §1: a diastolic alone does not assess it"),
    ("spo2-only", {"spo2_percent": 85, "hypotension": False}, {"hypoxia"},
     "clinical-rules §1: hypoxia unassessed when o2_device is absent (SpO2 has no grading role)"),
    ("flow-without-device", {"o2_flow_l_min": 10, "hypotension": False}, {"hypoxia"},
     "clinical-rules §1: unassessed when o2_device is absent"),
]


@pytest.mark.parametrize("fields,unassessed,rule", [r[1:] for r in ASSESSES], ids=[r[0] for r in ASSESSES])
def test_what_assesses_a_component(fields: dict[str, Any], unassessed: set[str], rule: str) -> None:
    extra = {} if "hypoxia" in unassessed else {"o2_device": "room_air"}
    g = grade(assessments=[bare(temperature_c=38.4, **extra, **fields)])["assessments"][0]["crs_astct"]
    assert g["grade"] == 1, rule
    assert g["complete"] is False, rule
    assert set(g["unassessed"]) == unassessed, rule


def test_waived_afebrile_with_unassessed_hypotension() -> None:
    """clinical-rules §1: under the waiver the grade is the floor over the assessed components."""
    data = _waiver_case("tocilizumab", at(1, "10:00"), {"temperature_c": 36.9, "hypotension": ABSENT})
    g = grade(data)["assessments"][1]["crs_astct"]
    assert g["grade"] == 0
    assert g["complete"] is False
    assert "hypotension" in g["unassessed"]


def test_fever_attributed_elsewhere_is_not_onset() -> None:
    """clinical-rules §1: onset needs fever, and a fever in other_cause is no fever; a drug before the real
    onset waives nothing."""
    data = case(
        assessments=[_a("d1", 1, temperature_c=39.2, other_cause=["fever"]),
                     _a("d2", 2, temperature_c=38.5),
                     _a("d3", 3, temperature_c=37.0, hypotension=True)],
        interventions=[{"time": at(1, "12:00"), "drug": "antipyretic"}],
    )
    out = grade(data)
    assert out["course"]["crs_onset_day"] == 2
    assert [a["crs_astct"]["grade"] for a in out["assessments"]] == [0, 1, 0]


def test_death_without_graded_crs_despite_pre_infusion_fever() -> None:
    """clinical-rules §1: CRS is never established by a day −1 fever → flag death_without_graded_crs."""
    out = grade(case(assessments=[_a("pre", -1, temperature_c=38.9)], death={"date": "2026-03-04", "cause": "crs"}))
    assert out["course"]["crs_max_grade"] == 5
    assert out["course"]["crs_onset_day"] is None
    assert "death_without_graded_crs" in flags_of(out["course"])


def test_hypoxia_reason_names_flow_and_unit() -> None:
    """case-format Output: reasons name the finding with its value and unit."""
    g = crs(temperature_c=38.5, o2_device="nasal_cannula", o2_flow_l_min=7)
    assert g["grade"] == 3
    assert any("7" in r and "L/min" in r for r in g["reasons"]), g["reasons"]


OTHER_CAUSE_ASSESSES = [
    ("hypotension-removed", {"other_cause": ["hypotension"], "o2_device": "room_air"},
     "clinical-rules §1: other_cause hypotension removes hypotension from grading — nothing left to assess"),
    ("hypoxia-removed", {"other_cause": ["hypoxia"], "hypotension": False},
     "clinical-rules §1: other_cause hypoxia makes the component 0 — nothing left to assess"),
]


@pytest.mark.parametrize("fields,rule", [r[1:] for r in OTHER_CAUSE_ASSESSES], ids=[r[0] for r in OTHER_CAUSE_ASSESSES])
def test_other_cause_component_is_decided(fields: dict[str, Any], rule: str) -> None:
    # literal reading: a component that other_cause removes (or makes 0) cannot raise the grade, so it is not
    # "unassessed" even when its fields are absent.
    g = grade(assessments=[bare(temperature_c=38.5, **fields)])["assessments"][0]["crs_astct"]
    assert g["grade"] == 1, rule
    assert g["complete"] is True and g["unassessed"] == [], rule

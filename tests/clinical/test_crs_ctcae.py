"""CRS by CTCAE v5.0 (`crs_ctcae`), clinical-rules §2 (with §1's definitions, gate and null)."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import ABSENT, assessment, at, bare, case, grade, grade_one

NE = {"agent": "norepinephrine", "dose_mcg_kg_min": 0.1}
EPI = {"agent": "epinephrine", "dose_mcg_kg_min": 0.05}
VASO = {"agent": "vasopressin", "dose_units_min": 0.03}


def both(**fields: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    a = grade_one(**fields)
    return a["crs_ctcae"], a["crs_astct"]


def ctcae(**fields: Any) -> dict[str, Any]:
    return grade_one(**fields)["crs_ctcae"]


# ---------------------------------------------------------------------------------------------
# Hypotension and vasopressors (§2 grades 2–4)
# ---------------------------------------------------------------------------------------------
HYPO = [
    ("fever-only", {}, 1, "clinical-rules §2: grade 1 fever"),
    ("fever-38.0", {"temperature_c": 38.0}, 1, "clinical-rules §1/§2: 38.0 °C inclusive"),
    ("afebrile-37.9", {"temperature_c": 37.9}, 0, "clinical-rules §1/§2: 37.9 °C is no fever"),
    ("hypotension-no-pressor", {"hypotension": True}, 2, "clinical-rules §2: hypotension without vasopressor → 2"),
    ("derived-sbp-85", {"hypotension": ABSENT, "systolic_bp_mmhg": 85}, 2,
     "clinical-rules §2: §1's derivation applies (SBP < 90 adult)"),
    ("derived-sbp-90", {"hypotension": ABSENT, "systolic_bp_mmhg": 90}, 1, "clinical-rules §2/§1: SBP 90 is not < 90"),
    ("one-pressor", {"hypotension": True, "vasopressors": [NE]}, 3, "clinical-rules §2: any vasopressor not meeting 4 → 3"),
    ("vasopressin-alone", {"hypotension": True, "vasopressors": [VASO]}, 3, "clinical-rules §2: vasopressin alone → 3"),
    ("ne+vasopressin", {"hypotension": True, "vasopressors": [NE, VASO]}, 3,
     "clinical-rules §2: vasopressin with one other agent → 3"),
    ("ne+ne", {"hypotension": True, "vasopressors": [NE, NE]}, 3, "clinical-rules §2: distinct agents; NE twice is one"),
    ("ne+epi", {"hypotension": True, "vasopressors": [NE, EPI]}, 4,
     "clinical-rules §2: ≥ 2 distinct agents other than vasopressin → 4 (ctcae_grade4_inferred)"),
    ("other-cause-hypotension", {"hypotension": True, "vasopressors": [NE, EPI], "other_cause": ["hypotension"]}, 1,
     "clinical-rules §2: §1's other_cause removals apply"),
]


@pytest.mark.parametrize("fields,expected,rule", [r[1:] for r in HYPO], ids=[r[0] for r in HYPO])
def test_ctcae_hypotension(fields: dict[str, Any], expected: int, rule: str) -> None:
    g = ctcae(**{"temperature_c": 38.5, **fields})
    assert g["grade"] == expected, rule
    assert g["version"] == "CTCAE v5.0"
    assert ("ctcae_grade4_inferred" in g["flags"]) is (expected == 4), rule


# ---------------------------------------------------------------------------------------------
# Oxygen by FiO2 (§2): > 21 and < 40 → 2; ≥ 40 → 3; cpap/bipap/ventilation → 4
# ---------------------------------------------------------------------------------------------
FIO2 = [
    ("venturi-21", "venturi_mask", 21, 1, "clinical-rules §2: FiO2 must be ABOVE 21 % for grade 2"),
    ("venturi-22", "venturi_mask", 22, 2, "clinical-rules §2: FiO2 22 % → 2"),
    ("venturi-35", "venturi_mask", 35, 2, "clinical-rules §2: FiO2 35 % → 2 (P-CTCAE-01)"),
    ("venturi-39", "venturi_mask", 39, 2, "clinical-rules §2: FiO2 39 % is below 40 → 2"),
    ("venturi-39.9", "venturi_mask", 39.9, 2, "clinical-rules §2: FiO2 39.9 % is below 40 → 2"),
    ("venturi-40", "venturi_mask", 40, 3, "clinical-rules §2: FiO2 ≥ 40 % (inclusive) → 3"),
    ("venturi-40.1", "venturi_mask", 40.1, 3, "clinical-rules §2: FiO2 40.1 % → 3"),
    ("hfnc-30", "high_flow_nasal_cannula", 30, 2, "clinical-rules §2: FiO2 decides, not the device (ASTCT 3)"),
    ("hfnc-50", "high_flow_nasal_cannula", 50, 3, "clinical-rules §2: FiO2 50 % → 3"),
    ("face-mask-35", "simple_face_mask", 35, 2, "clinical-rules §2: FiO2 35 % → 2"),
    ("nrb-80", "non_rebreather_mask", 80, 3, "clinical-rules §2: FiO2 80 % → 3"),
    ("nrb-100", "non_rebreather_mask", 100, 3, "clinical-rules §2: FiO2 100 % → 3"),
    ("blow-by-25", "blow_by", 25, 2, "clinical-rules §2: supplemental oxygen with FiO2 25 % → 2"),
    ("nc-given-fio2-45", "nasal_cannula", 45, 3, "clinical-rules §2: fio2_percent when given wins over the estimate"),
    ("room-air-21", "room_air", 21, 1, "clinical-rules §2: room_air is 21 (no hypoxia)"),
    ("cpap-30", "cpap", 30, 4, "clinical-rules §2: cpap → 4 (ctcae_grade4_inferred)"),
    ("bipap-60", "bipap", 60, 4, "clinical-rules §2: bipap → 4"),
    ("mv-30", "mechanical_ventilation", 30, 4, "clinical-rules §2: mechanical_ventilation → 4"),
]


@pytest.mark.parametrize("device,fio2,expected,rule", [r[1:] for r in FIO2], ids=[r[0] for r in FIO2])
def test_ctcae_fio2(device: str, fio2: float, expected: int, rule: str) -> None:
    flow: Any = 2 if device == "nasal_cannula" else ABSENT
    g = ctcae(temperature_c=38.5, o2_device=device, fio2_percent=fio2, o2_flow_l_min=flow)
    assert g["grade"] == expected, rule
    assert g["complete"] is True and g["unassessed"] == [], rule
    assert "fio2_estimated" not in g["flags"], rule
    assert ("ctcae_grade4_inferred" in g["flags"]) is (expected == 4), rule


def test_ctcae_and_astct_differ_for_venturi_35() -> None:
    c, a = both(temperature_c=38.5, o2_device="venturi_mask", o2_flow_l_min=8, fio2_percent=35)
    assert (a["grade"], c["grade"]) == (3, 2), "clinical-rules §1 device-based vs §2 FiO2-based"


# ---------------------------------------------------------------------------------------------
# Estimated FiO2 for nasal cannula: min(100, 21 + 4 × flow), flag fio2_estimated (§2 Decision)
# ---------------------------------------------------------------------------------------------
ESTIMATE = [
    ("flow-0", 0, 1, "clinical-rules §2: 21 + 4×0 = 21 → not above 21 → no hypoxia"),
    ("flow-0.25", 0.25, 2, "clinical-rules §2: 21 + 1 = 22 % → 2"),
    ("flow-1", 1, 2, "clinical-rules §2: 25 % → 2"),
    ("flow-4", 4, 2, "clinical-rules §2: 37 % → 2"),
    ("flow-4.7", 4.7, 2, "clinical-rules §2: 39.8 % → 2"),
    ("flow-4.75", 4.75, 3, "clinical-rules §2: exactly 40 % → 3"),
    ("flow-5", 5, 3, "clinical-rules §2: 41 % → 3"),
    ("flow-6", 6, 3, "clinical-rules §2: 45 % → 3 (ASTCT 2: low-flow)"),
    ("flow-20", 20, 3, "clinical-rules §2: min(100, 101) = 100 % → 3"),
    ("flow-80", 80, 3, "clinical-rules §2: capped at 100 % → 3"),
]


@pytest.mark.parametrize("flow,expected,rule", [r[1:] for r in ESTIMATE], ids=[r[0] for r in ESTIMATE])
def test_ctcae_fio2_estimated_from_nasal_cannula(flow: float, expected: int, rule: str) -> None:
    g = ctcae(temperature_c=38.5, o2_device="nasal_cannula", o2_flow_l_min=flow)
    assert g["grade"] == expected, rule
    assert "fio2_estimated" in g["flags"], rule
    assert g["complete"] is True, rule


def test_ctcae_room_air_needs_no_fio2() -> None:
    g = ctcae(temperature_c=38.5, o2_device="room_air")
    assert g["grade"] == 1 and g["complete"] is True and g["unassessed"] == []
    assert "fio2_estimated" not in g["flags"]


# ---------------------------------------------------------------------------------------------
# Other devices without fio2_percent leave the oxygen part unassessed (§2)
# ---------------------------------------------------------------------------------------------
NO_FIO2 = [
    ("blow-by", "blow_by", 2), ("hfnc", "high_flow_nasal_cannula", 3), ("face-mask", "simple_face_mask", 3),
    ("venturi", "venturi_mask", 3), ("nrb", "non_rebreather_mask", 3),
]


@pytest.mark.parametrize("device,astct", [r[1:] for r in NO_FIO2], ids=[r[0] for r in NO_FIO2])
def test_ctcae_device_without_fio2_unassessed(device: str, astct: int) -> None:
    """clinical-rules §2: any other device without fio2_percent leaves the oxygen part unassessed (complete: false)."""
    c, a = both(temperature_c=38.5, o2_device=device)
    assert a["grade"] == astct
    assert c["grade"] == 1
    assert c["complete"] is False
    # literal reading: case-format "CTCAE adds `fio2`" to the CRS domain names, so the missing FiO2 is named `fio2`.
    assert "fio2" in c["unassessed"]


def test_ctcae_device_without_fio2_with_pressors() -> None:
    c = ctcae(temperature_c=38.5, o2_device="non_rebreather_mask", hypotension=True, vasopressors=[NE])
    assert c["grade"] == 3 and c["complete"] is False, "clinical-rules §2: floor 3 below 4, oxygen unassessed"


def test_ctcae_cpap_without_fio2_is_4() -> None:
    c = ctcae(temperature_c=38.5, o2_device="cpap")
    assert c["grade"] == 4 and c["complete"] is True


def test_ctcae_nasal_cannula_without_flow_or_fio2_is_incomplete() -> None:
    c = ctcae(temperature_c=38.5, o2_device="nasal_cannula", o2_flow_l_min=ABSENT)
    assert c["grade"] == 1
    assert c["complete"] is False, "clinical-rules §2: no FiO2 can be known → oxygen unassessed"


# ---------------------------------------------------------------------------------------------
# Missing data and the gate (§2 "All of §1's definitions apply ... the gate and null")
# ---------------------------------------------------------------------------------------------
MISSING = [
    ("fever-only", {"temperature_c": 38.5}, 1, False, "case-format: floor 1; hypotension and oxygen unassessed"),
    ("fever+ne-no-o2", {"temperature_c": 38.5, "vasopressors": [NE]}, 3, False, "clinical-rules §2: floor 3 < 4"),
    ("fever+2-pressors", {"temperature_c": 38.5, "vasopressors": [NE, EPI]}, 4, True, "floor 4 is complete"),
    ("fever+venturi50-no-bp", {"temperature_c": 38.5, "o2_device": "venturi_mask", "fio2_percent": 50}, 3, False,
     "case-format: hypotension could still raise 3 to 4"),
    ("fever+bipap-no-bp", {"temperature_c": 38.5, "o2_device": "bipap"}, 4, True, "floor 4 is complete"),
    ("afebrile", {"temperature_c": 37.0}, 0, True, "case-format: no fever and no earlier CRS → 0 decided"),
]


@pytest.mark.parametrize("fields,expected,complete,rule", [r[1:] for r in MISSING], ids=[r[0] for r in MISSING])
def test_ctcae_missing_data(fields: dict[str, Any], expected: int, complete: bool, rule: str) -> None:
    g = grade(assessments=[bare(**fields)])["assessments"][0]["crs_ctcae"]
    assert g["grade"] == expected, rule
    assert g["complete"] is complete, rule
    if not complete:
        assert g["unassessed"], rule
    if fields == {"temperature_c": 38.5}:
        assert "hypotension" in g["unassessed"]
        assert {"hypoxia", "fio2"} & set(g["unassessed"])


def test_ctcae_null_without_temperature() -> None:
    g = grade(assessments=[bare(o2_device="cpap", hypotension=True)])["assessments"][0]["crs_ctcae"]
    assert g["grade"] is None


def test_ctcae_other_cause_hypoxia() -> None:
    assert ctcae(temperature_c=38.5, o2_device="venturi_mask", fio2_percent=60, other_cause=["hypoxia"])["grade"] == 1


def test_ctcae_fever_waiver() -> None:
    """clinical-rules §2: §1's onset and waiver apply."""
    data = case(
        assessments=[assessment(id="d1", time=at(1), temperature_c=38.6),
                     assessment(id="d2", time=at(2), temperature_c=37.0, o2_device="venturi_mask", fio2_percent=45),
                     assessment(id="d3", time=at(3), temperature_c=37.0)],
        interventions=[{"time": at(1, "09:00"), "drug": "tocilizumab", "dose_mg": 640}],
    )
    out = grade(data)
    c = [a["crs_ctcae"] for a in out["assessments"]]
    assert [x["grade"] for x in c] == [1, 3, 0]
    assert "fever_waived" in c[1]["flags"]
    assert "crs_not_active" in c[2]["flags"]


def test_ctcae_no_waiver_before_onset() -> None:
    data = case(
        assessments=[assessment(id="d1", time=at(1), temperature_c=38.6),
                     assessment(id="d2", time=at(2), temperature_c=37.0, hypotension=True, vasopressors=[NE])],
        interventions=[{"time": at(0, "20:00"), "drug": "dexamethasone", "dose_mg": 10}],
    )
    out = grade(data)
    assert out["assessments"][1]["crs_ctcae"]["grade"] == 0

"""Validation: every contract line of case-format.md (ranges, unit mistakes, contradictions, unknown
fields, required fields, duplicates, all errors at once, booleans are not numbers) and clinical-rules §0
(contradictions reported at the dependent field).

Messages are checked on what a nurse needs (the accepted range or unit, and for a likely unit
mistake the probable meaning), never on exact wording.
"""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import ABSENT, ICE_FULL, accepts, assessment, at, case, errors

MICRO = ("µmol/l", "μmol/l", "umol/l")
GIGA = ("10⁹/l", "10^9/l", "10e9/l", "10⁹", "10^9", "x10", "×10", "giga")


def A(**fields: Any) -> dict[str, Any]:
    """A case with one default assessment and ``fields`` laid over it."""
    return case(assessments=[assessment(**fields)])


def L(**labs: Any) -> dict[str, Any]:
    """A case whose one assessment carries ``labs``."""
    return A(labs=labs)


def _has(message: str, groups: list[tuple[str, ...]]) -> bool:
    low = message.lower()
    return all(any(alt.lower() in low for alt in group) for group in groups)


def check_refused(data: dict[str, Any], path: str, groups: list[tuple[str, ...]] | None = None,
                  value: Any = ABSENT) -> dict[str, Any]:
    errs = errors(data)
    at_path = [e for e in errs if e["path"] == path]
    assert at_path, f"no error at {path!r}; errors were {errs!r}"
    e = at_path[0]
    if groups:
        assert _has(e["message"], groups), f"message {e['message']!r} lacks one of {groups!r}"
    if value is not ABSENT:
        assert e["value"] == value and type(e["value"]) is type(value), e
    return e


# ---------------------------------------------------------------------------------------------
# Assessment fields: ranges, at and just outside every bound (case-format "Assessment fields")
# ---------------------------------------------------------------------------------------------
ASSESS_REFUSED = [
    ("temp-29.9", {"temperature_c": 29.9}, "temperature_c", [("30", "°c")], "case-format: temperature_c 30.0–44.0"),
    ("temp-44.1", {"temperature_c": 44.1}, "temperature_c", [("44", "°c")], "case-format: temperature_c 30.0–44.0"),
    ("temp-45", {"temperature_c": 45}, "temperature_c", [("44", "°c")], "case-format: 45 is neither °C nor °F range"),
    ("temp-76.9", {"temperature_c": 76.9}, "temperature_c", [("44", "°c", "°f")], "case-format: outside both ranges"),
    ("temp-113.1", {"temperature_c": 113.1}, "temperature_c", [("44", "°c", "°f")], "case-format: outside both ranges"),
    ("temp-0", {"temperature_c": 0}, "temperature_c", [("30", "°c")], "case-format: 0 °C refused"),
    ("temp-negative", {"temperature_c": -1}, "temperature_c", [("30", "°c")], "case-format: negative refused"),
    ("temp-386-typo", {"temperature_c": 386}, "temperature_c", [("30", "44", "°c")], "case-format: 386 (P-VAL-01)"),
    ("temp-77-F", {"temperature_c": 77}, "temperature_c", [("°f", "fahrenheit"), ("25",)],
     "case-format: 77–113 refused as looks like °F (77 °F = 25.0 °C)"),
    ("temp-100.4-F", {"temperature_c": 100.4}, "temperature_c", [("°f", "fahrenheit"), ("38",)],
     "case-format: 100.4 looks like °F (38.0 °C)"),
    ("temp-101.3-F", {"temperature_c": 101.3}, "temperature_c", [("°f", "fahrenheit"), ("38.5",)],
     "case-format: a temperature of 101.3 °C \"looks like °F: 38.5 °C\""),
    ("temp-113-F", {"temperature_c": 113}, "temperature_c", [("°f", "fahrenheit"), ("45",)],
     "case-format: 113 looks like °F (45.0 °C)"),
    ("sbp-29.9", {"systolic_bp_mmhg": 29.9}, "systolic_bp_mmhg", [("30", "mmhg")], "case-format: systolic 30–300"),
    ("sbp-300.1", {"systolic_bp_mmhg": 300.1}, "systolic_bp_mmhg", [("300", "mmhg")], "case-format: systolic 30–300"),
    ("dbp-9.9", {"diastolic_bp_mmhg": 9.9}, "diastolic_bp_mmhg", [("10", "mmhg")], "case-format: diastolic 10–250"),
    ("dbp-250.1", {"diastolic_bp_mmhg": 250.1}, "diastolic_bp_mmhg", [("250", "mmhg")], "case-format: diastolic 10–250"),
    ("map-9.9", {"mean_arterial_pressure_mmhg": 9.9}, "mean_arterial_pressure_mmhg", [("10", "mmhg")],
     "case-format: MAP 10–250"),
    ("map-250.1", {"mean_arterial_pressure_mmhg": 250.1}, "mean_arterial_pressure_mmhg", [("250", "mmhg")],
     "case-format: MAP 10–250"),
    ("spo2-49.9", {"spo2_percent": 49.9}, "spo2_percent", [("50", "%")], "case-format: spo2_percent 50–100"),
    ("spo2-100.1", {"spo2_percent": 100.1}, "spo2_percent", [("100", "%")], "case-format: spo2_percent 50–100"),
    ("flow-negative", {"o2_device": "nasal_cannula", "o2_flow_l_min": -0.1}, "o2_flow_l_min", [("0", "l/min")],
     "case-format: o2_flow_l_min 0–80"),
    ("flow-80.1", {"o2_device": "high_flow_nasal_cannula", "o2_flow_l_min": 80.1}, "o2_flow_l_min", [("80", "l/min")],
     "case-format: o2_flow_l_min 0–80"),
    ("fio2-20.9", {"o2_device": "venturi_mask", "fio2_percent": 20.9}, "fio2_percent", [("21", "%")],
     "case-format: fio2_percent 21–100"),
    ("fio2-100.1", {"o2_device": "venturi_mask", "fio2_percent": 100.1}, "fio2_percent", [("100", "%")],
     "case-format: fio2_percent 21–100"),
    ("fio2-1.01", {"o2_device": "venturi_mask", "fio2_percent": 1.01}, "fio2_percent", [("21", "%")],
     "case-format: 1.01 is above 1 and below 21 → out of range"),
    ("fio2-0.5-fraction", {"o2_device": "venturi_mask", "fio2_percent": 0.5}, "fio2_percent", [("fraction",)],
     "case-format: a value ≤ 1 is refused as looks like a fraction"),
    ("fio2-0.21-fraction", {"o2_device": "venturi_mask", "fio2_percent": 0.21}, "fio2_percent", [("fraction",)],
     "case-format: ≤ 1 looks like a fraction"),
    ("fio2-1-fraction", {"o2_device": "venturi_mask", "fio2_percent": 1}, "fio2_percent", [("fraction",)],
     "case-format: 1 is ≤ 1 → looks like a fraction"),
    ("fio2-1.0-fraction", {"o2_device": "venturi_mask", "fio2_percent": 1.0}, "fio2_percent", [("fraction",)],
     "case-format: 1.0 is ≤ 1 → looks like a fraction"),
    # literal reading: "a value ≤ 1 is refused as looks like a fraction" includes 0.
    ("fio2-0-fraction", {"o2_device": "venturi_mask", "fio2_percent": 0}, "fio2_percent", [("fraction",)],
     "case-format: 0 ≤ 1 → looks like a fraction"),
    ("ice-score-11", {"ice_score": 11}, "ice_score", [("10",)], "case-format: ice_score whole number 0–10"),
    ("ice-score-neg", {"ice_score": -1}, "ice_score", [("0",)], "case-format: ice_score 0–10"),
    ("ice-score-9.5", {"ice_score": 9.5}, "ice_score", [("whole", "integer", "0")], "case-format: whole number"),
    ("capd-33", {"ice_score": ABSENT, "capd_score": 33}, "capd_score", [("32",)], "case-format: capd_score 0–32"),
    ("capd-neg", {"ice_score": ABSENT, "capd_score": -1}, "capd_score", [("0",)], "case-format: capd_score 0–32"),
    ("capd-3.5", {"ice_score": ABSENT, "capd_score": 3.5}, "capd_score", [("whole", "integer", "0")],
     "case-format: capd_score whole number"),
    ("seizure-duration-neg", {"seizure": "clinical", "seizure_duration_min": -0.1}, "seizure_duration_min",
     [("0", "min")], "case-format: seizure_duration_min 0–1440"),
    ("seizure-duration-1440.1", {"seizure": "clinical", "seizure_duration_min": 1440.1}, "seizure_duration_min",
     [("1440", "min")], "case-format: seizure_duration_min 0–1440"),
    ("ne-dose-5.01", {"hypotension": True, "vasopressors": [{"agent": "norepinephrine", "dose_mcg_kg_min": 5.01}]},
     "vasopressors[0].dose_mcg_kg_min", [("5", "mcg", "µg")], "case-format: dose_mcg_kg_min 0–5"),
    ("ne-dose-neg", {"hypotension": True, "vasopressors": [{"agent": "norepinephrine", "dose_mcg_kg_min": -0.01}]},
     "vasopressors[0].dose_mcg_kg_min", [("0", "mcg", "µg")], "case-format: dose_mcg_kg_min 0–5"),
    ("vaso-dose-0.11", {"hypotension": True, "vasopressors": [{"agent": "vasopressin", "dose_units_min": 0.11}]},
     "vasopressors[0].dose_units_min", [("0.1", "units")], "case-format: vasopressin dose_units_min 0–0.1"),
    ("vaso-dose-neg", {"hypotension": True, "vasopressors": [{"agent": "vasopressin", "dose_units_min": -0.01}]},
     "vasopressors[0].dose_units_min", [("0", "units")], "case-format: dose_units_min 0–0.1"),
    ("second-pressor-path", {"hypotension": True, "vasopressors": [{"agent": "norepinephrine"},
                                                                   {"agent": "epinephrine", "dose_mcg_kg_min": 9}]},
     "vasopressors[1].dose_mcg_kg_min", None, "case-format: paths name the list index"),
]


@pytest.mark.parametrize("fields,field,groups,rule", [r[1:] for r in ASSESS_REFUSED], ids=[r[0] for r in ASSESS_REFUSED])
def test_assessment_value_refused(fields: dict[str, Any], field: str, groups: Any, rule: str) -> None:
    check_refused(A(**fields), f"assessments[0].{field}", groups)


def test_error_carries_the_value() -> None:
    """case-format Errors: {"path": "assessments[0].temperature_c", "value": 386, "message": ...}."""
    check_refused(A(temperature_c=386), "assessments[0].temperature_c", value=386)
    check_refused(A(temperature_c=101.3), "assessments[0].temperature_c", value=101.3)


ASSESS_ACCEPTED = [
    ("temp-30.0", {"temperature_c": 30.0}), ("temp-44.0", {"temperature_c": 44.0}), ("temp-int-37", {"temperature_c": 37}),
    ("sbp-30", {"systolic_bp_mmhg": 30}), ("sbp-300", {"systolic_bp_mmhg": 300}),
    ("dbp-10-alone", {"diastolic_bp_mmhg": 10}), ("dbp-250-alone", {"diastolic_bp_mmhg": 250}),
    ("map-10-alone", {"mean_arterial_pressure_mmhg": 10}), ("map-250-alone", {"mean_arterial_pressure_mmhg": 250}),
    ("bp-chain", {"systolic_bp_mmhg": 120, "diastolic_bp_mmhg": 80, "mean_arterial_pressure_mmhg": 93}),
    ("map-below-sbp-no-dbp", {"systolic_bp_mmhg": 100, "mean_arterial_pressure_mmhg": 99}),
    ("dbp-below-sbp-no-map", {"systolic_bp_mmhg": 120, "diastolic_bp_mmhg": 119}),
    ("spo2-50", {"spo2_percent": 50}), ("spo2-100", {"spo2_percent": 100}),
    ("flow-0-nc", {"o2_device": "nasal_cannula", "o2_flow_l_min": 0}),
    ("flow-80-hfnc", {"o2_device": "high_flow_nasal_cannula", "o2_flow_l_min": 80}),
    ("room-air-flow-0", {"o2_device": "room_air", "o2_flow_l_min": 0}),
    ("room-air-fio2-21", {"o2_device": "room_air", "fio2_percent": 21}),
    ("fio2-21", {"o2_device": "venturi_mask", "fio2_percent": 21}),
    ("fio2-100", {"o2_device": "non_rebreather_mask", "fio2_percent": 100}),
    ("fio2-no-device", {"o2_device": ABSENT, "fio2_percent": 40}),
    ("ice-score-0", {"ice_score": 0}), ("ice-score-10", {"ice_score": 10}),
    ("ice-items", {"ice_score": ABSENT, "ice": ICE_FULL}),
    ("ice-items-agree", {"ice_score": 10, "ice": ICE_FULL}),
    ("capd-0", {"ice_score": ABSENT, "capd_score": 0}), ("capd-32", {"ice_score": ABSENT, "capd_score": 32}),
    ("capd-not-possible-false+score", {"ice_score": ABSENT, "capd_score": 4, "capd_not_possible": False}),
    ("seizure-duration-0", {"seizure": "clinical", "seizure_duration_min": 0}),
    ("seizure-duration-1440", {"seizure": "nonconvulsive_eeg", "seizure_duration_min": 1440}),
    ("ne-dose-0", {"hypotension": True, "vasopressors": [{"agent": "norepinephrine", "dose_mcg_kg_min": 0}]}),
    ("ne-dose-5", {"hypotension": True, "vasopressors": [{"agent": "norepinephrine", "dose_mcg_kg_min": 5}]}),
    ("vaso-dose-0.1", {"hypotension": True, "vasopressors": [{"agent": "vasopressin", "dose_units_min": 0.1}]}),
    ("vaso-dose-0", {"hypotension": True, "vasopressors": [{"agent": "vasopressin", "dose_units_min": 0}]}),
    ("pressor-hypotension-absent", {"hypotension": ABSENT, "vasopressors": [{"agent": "dopamine"}]}),
    ("empty-pressors-hypotension-false", {"hypotension": False, "vasopressors": []}),
    ("global-aphasia-awake", {"ice_score": ABSENT, "ice_not_possible": "global_aphasia", "consciousness": "awake"}),
    ("unarousable-both", {"ice_score": ABSENT, "ice_not_possible": "unarousable", "consciousness": "unarousable"}),
    ("unarousable-ice-0", {"ice_score": 0, "ice_not_possible": "unarousable", "consciousness": "unarousable"}),
    ("every-raised-icp", {"raised_icp": ["focal_edema", "diffuse_edema", "posturing", "cranial_nerve_vi_palsy",
                                         "papilledema", "cushings_triad"]}),
    ("every-other-cause", {"other_cause": ["fever", "hypotension", "hypoxia", "neurologic"]}),
    ("fluid-bolus-false", {"fluid_bolus_given": False}),
    ("seconds-in-time", {"time": "2026-03-03T08:00:30"}),
    ("nulls-are-absent", {"temperature_c": None, "systolic_bp_mmhg": None, "vasopressors": None, "o2_device": None,
                          "ice": None, "ice_score": None, "labs": None, "seizure_duration_min": None}),
]


@pytest.mark.parametrize("fields", [r[1] for r in ASSESS_ACCEPTED], ids=[r[0] for r in ASSESS_ACCEPTED])
def test_assessment_value_accepted(fields: dict[str, Any]) -> None:
    accepts(A(**fields))


def test_dbp_map_without_systolic() -> None:
    # literal reading: "with a systolic pressure, diastolic < MAP < systolic" — without a systolic
    # pressure the order of diastolic and MAP is not checked.
    accepts(A(diastolic_bp_mmhg=90, mean_arterial_pressure_mmhg=80))


@pytest.mark.parametrize("device", ["room_air", "blow_by", "nasal_cannula", "high_flow_nasal_cannula",
                                    "simple_face_mask", "venturi_mask", "non_rebreather_mask", "cpap", "bipap",
                                    "mechanical_ventilation"])
def test_every_o2_device_accepted(device: str) -> None:
    accepts(A(o2_device=device))


@pytest.mark.parametrize("agent", ["norepinephrine", "epinephrine", "phenylephrine", "dopamine", "vasopressin"])
def test_every_vasopressor_agent_accepted(agent: str) -> None:
    accepts(A(hypotension=True, vasopressors=[{"agent": agent}]))


# ---------------------------------------------------------------------------------------------
# Enumerations and structure (case-format)
# ---------------------------------------------------------------------------------------------
ENUMS = [
    ("o2-device", {"o2_device": "face_tent"}, "o2_device", "case-format: o2_device is one of ten values"),
    ("o2-device-case", {"o2_device": "Room_Air"}, "o2_device", "case-format: exact names"),
    ("consciousness", {"consciousness": "drowsy"}, "consciousness", "case-format: five consciousness values"),
    ("seizure", {"seizure": "focal"}, "seizure", "case-format: four seizure values"),
    ("motor", {"motor_weakness": "tremor"}, "motor_weakness", "clinical-rules §3: tremor is not ICANS; not a value"),
    ("ice-not-possible", {"ice_score": ABSENT, "ice_not_possible": "sedated"}, "ice_not_possible",
     "case-format: unarousable or global_aphasia"),
    ("agent", {"hypotension": True, "vasopressors": [{"agent": "dobutamine"}]}, "vasopressors[0].agent",
     "case-format: five vasopressor agents (inotropes are not vasopressors)"),
    ("agent-angiotensin", {"hypotension": True, "vasopressors": [{"agent": "angiotensin_ii"}]}, "vasopressors[0].agent",
     "case-format: five agents"),
]


@pytest.mark.parametrize("fields,field,rule", [r[1:] for r in ENUMS], ids=[r[0] for r in ENUMS])
def test_enum_refused(fields: dict[str, Any], field: str, rule: str) -> None:
    check_refused(A(**fields), f"assessments[0].{field}")


LIST_ENUMS = [
    ("raised-icp-item", {"raised_icp": ["hemorrhage"]}, "assessments[0].raised_icp"),
    ("raised-icp-second-item", {"raised_icp": ["focal_edema", "haemorrhage"]}, "assessments[0].raised_icp"),
    ("raised-icp-string", {"raised_icp": "focal_edema"}, "assessments[0].raised_icp"),
    ("other-cause-item", {"other_cause": ["sepsis"]}, "assessments[0].other_cause"),
    ("other-cause-string", {"other_cause": "fever"}, "assessments[0].other_cause"),
    ("vasopressors-dict", {"hypotension": True, "vasopressors": {"agent": "norepinephrine"}}, "assessments[0].vasopressors"),
    ("vasopressor-no-agent", {"hypotension": True, "vasopressors": [{"dose_mcg_kg_min": 0.1}]}, "assessments[0].vasopressors[0]"),
    ("ice-missing-item", {"ice_score": ABSENT, "ice": {k: v for k, v in ICE_FULL.items() if k != "attention"}},
     "assessments[0].ice"),
    ("ice-empty", {"ice_score": ABSENT, "ice": {}}, "assessments[0].ice"),
    ("labs-not-object", {"labs": [1, 2]}, "assessments[0].labs"),
]


@pytest.mark.parametrize("fields,prefix", [r[1:] for r in LIST_ENUMS], ids=[r[0] for r in LIST_ENUMS])
def test_structure_refused(fields: dict[str, Any], prefix: str) -> None:
    """case-format: lists of the named values; ICE needs all eight items; the path names the field."""
    paths = [e["path"] for e in errors(A(**fields))]
    assert any(p.startswith(prefix) for p in paths), paths


ICE_ITEMS = [
    ("year-2", "year", 2), ("month-neg", "month", -1), ("city-2", "city", 2), ("hospital-2", "hospital", 2),
    ("naming-4", "naming", 4), ("naming-neg", "naming", -1), ("naming-1.5", "naming", 1.5),
    ("commands-2", "commands", 2), ("writing-2", "writing", 2), ("attention-2", "attention", 2),
    ("attention-0.5", "attention", 0.5),
]


@pytest.mark.parametrize("item,value", [r[1:] for r in ICE_ITEMS], ids=[r[0] for r in ICE_ITEMS])
def test_ice_item_refused(item: str, value: Any) -> None:
    """case-format: year, month, city, hospital 0/1 each, naming 0–3, commands, writing, attention 0/1."""
    check_refused(A(ice_score=ABSENT, ice={**ICE_FULL, item: value}), f"assessments[0].ice.{item}")


# ---------------------------------------------------------------------------------------------
# Booleans are not numbers; numbers are not strings (case-format "number", "boolean")
# ---------------------------------------------------------------------------------------------
TYPES = [
    ("temp-true", A(temperature_c=True), "assessments[0].temperature_c"),
    ("temp-false", A(temperature_c=False), "assessments[0].temperature_c"),
    ("temp-string", A(temperature_c="38.5"), "assessments[0].temperature_c"),
    ("sbp-true", A(systolic_bp_mmhg=True), "assessments[0].systolic_bp_mmhg"),
    ("flow-true", A(o2_device="nasal_cannula", o2_flow_l_min=True), "assessments[0].o2_flow_l_min"),
    ("fio2-true", A(o2_device="venturi_mask", fio2_percent=True), "assessments[0].fio2_percent"),
    ("ice-score-true", A(ice_score=True), "assessments[0].ice_score"),
    ("ice-score-string", A(ice_score="10"), "assessments[0].ice_score"),
    # literal reading: the 0/1 ICE items are numbers, and booleans are not numbers.
    ("ice-year-true", A(ice_score=ABSENT, ice={**ICE_FULL, "year": True}), "assessments[0].ice.year"),
    ("ice-naming-true", A(ice_score=ABSENT, ice={**ICE_FULL, "naming": True}), "assessments[0].ice.naming"),
    ("capd-true", A(ice_score=ABSENT, capd_score=True), "assessments[0].capd_score"),
    ("seizure-duration-true", A(seizure="clinical", seizure_duration_min=True), "assessments[0].seizure_duration_min"),
    ("dose-true", A(hypotension=True, vasopressors=[{"agent": "norepinephrine", "dose_mcg_kg_min": True}]),
     "assessments[0].vasopressors[0].dose_mcg_kg_min"),
    ("lab-anc-true", L(anc_per_ul=True), "assessments[0].labs.anc_per_ul"),
    ("lab-plt-string", L(platelets_per_ul="150000"), "assessments[0].labs.platelets_per_ul"),
    ("age-true", case(patient={"age_years": True}), "patient.age_years"),
    ("age-string", case(patient={"age_years": "55"}), "patient.age_years"),
    ("weight-true", case(patient={"age_years": 55, "weight_kg": True}), "patient.weight_kg"),
    ("standalone-anc-false", case(labs=[{"date": "2026-03-05", "anc_per_ul": False}]), "labs[0].anc_per_ul"),
    ("baseline-crp-true", case(baseline_labs={"crp_mg_dl": True}), "baseline_labs.crp_mg_dl"),
    ("dose-mg-true", case(interventions=[{"time": at(1), "drug": "tocilizumab", "dose_mg": True}]),
     "interventions[0].dose_mg"),
    # case-format: `hypotension` / `fluid_bolus_given` / `capd_not_possible` are booleans
    ("hypotension-string", A(hypotension="yes"), "assessments[0].hypotension"),
    # literal reading: 1 and 0 are numbers, not booleans.
    ("hypotension-1", A(hypotension=1), "assessments[0].hypotension"),
    ("fluid-bolus-string", A(fluid_bolus_given="no"), "assessments[0].fluid_bolus_given"),
    ("fluid-bolus-0", A(fluid_bolus_given=0), "assessments[0].fluid_bolus_given"),
    ("capd-not-possible-string", A(ice_score=ABSENT, capd_not_possible="true"), "assessments[0].capd_not_possible"),
]


@pytest.mark.parametrize("data,path", [r[1:] for r in TYPES], ids=[r[0] for r in TYPES])
def test_type_refused(data: dict[str, Any], path: str) -> None:
    check_refused(data, path)


# ---------------------------------------------------------------------------------------------
# Labs: accepted ranges and unit mistakes (case-format "Labs")
# ---------------------------------------------------------------------------------------------
LAB_REFUSED = [
    ("anc-neg", "anc_per_ul", -1, [("0", "100")]), ("anc-100001", "anc_per_ul", 100001, [("100",)]),
    ("wbc-neg", "wbc_per_ul", -1, [("0", "100")]), ("wbc-100001", "wbc_per_ul", 100001, [("100",)]),
    ("plt-1", "platelets_per_ul", 1, [GIGA]), ("plt-150", "platelets_per_ul", 150, [GIGA]),
    ("plt-999", "platelets_per_ul", 999, [GIGA]),
    ("plt-2000001", "platelets_per_ul", 2000001, [("2,000,000", "2000000", "2 000 000", "µl", "ul")]),
    ("plt-neg", "platelets_per_ul", -1, [("0", "µl", "ul")]),
    ("hb-0.9", "hemoglobin_g_dl", 0.9, [("1", "g/dl")]), ("hb-25.1", "hemoglobin_g_dl", 25.1, [("25", "g/dl")]),
    ("hb-26", "hemoglobin_g_dl", 26, [("g/l",)]), ("hb-100", "hemoglobin_g_dl", 100, [("g/l",)]),
    ("hb-250", "hemoglobin_g_dl", 250, [("g/l",)]), ("hb-251", "hemoglobin_g_dl", 251, [("25", "g/dl")]),
    ("crp-80.1", "crp_mg_dl", 80.1, [("mg/l",)]), ("crp-150", "crp_mg_dl", 150, [("mg/l",)]),
    ("crp-neg", "crp_mg_dl", -0.1, [("0", "mg/dl")]),
    ("ferritin-500001", "ferritin_ng_ml", 500001, [("500", "ng/ml")]), ("ferritin-neg", "ferritin_ng_ml", -1, [("0", "ng/ml")]),
    ("fibrinogen-14.9", "fibrinogen_mg_dl", 14.9, [("g/l",)]), ("fibrinogen-1.5", "fibrinogen_mg_dl", 1.5, [("g/l",)]),
    ("fibrinogen-0", "fibrinogen_mg_dl", 0, [("g/l",)]),
    ("fibrinogen-2000.1", "fibrinogen_mg_dl", 2000.1, [("2000", "2,000", "mg/dl")]),
    ("ldh-50001", "ldh_u_l", 50001, [("50", "u/l")]), ("ldh-neg", "ldh_u_l", -1, [("0", "u/l")]),
    ("alt-50001", "alt_u_l", 50001, [("50", "u/l")]), ("ast-50001", "ast_u_l", 50001, [("50", "u/l")]),
    ("bili-51", "bilirubin_mg_dl", 51, [MICRO]), ("bili-200", "bilirubin_mg_dl", 200, [MICRO]),
    ("bili-50.5", "bilirubin_mg_dl", 50.5, [("50", "mg/dl", *MICRO)]), ("bili-neg", "bilirubin_mg_dl", -0.1, [("0", "mg/dl")]),
    ("creat-0.04", "creatinine_mg_dl", 0.04, [("0.05", "mg/dl")]), ("creat-0", "creatinine_mg_dl", 0, [("0.05", "mg/dl")]),
    ("creat-25.5", "creatinine_mg_dl", 25.5, [("25", "mg/dl", *MICRO)]),
    ("creat-26", "creatinine_mg_dl", 26, [MICRO]), ("creat-88", "creatinine_mg_dl", 88, [MICRO]),
    ("tg-10001", "triglycerides_mg_dl", 10001, [("10", "mg/dl")]), ("tg-neg", "triglycerides_mg_dl", -1, [("0", "mg/dl")]),
    ("igg-10001", "igg_mg_dl", 10001, [("10", "mg/dl")]), ("igg-neg", "igg_mg_dl", -1, [("0", "mg/dl")]),
]


@pytest.mark.parametrize("name,value,groups", [r[1:] for r in LAB_REFUSED], ids=[r[0] for r in LAB_REFUSED])
def test_lab_refused(name: str, value: float, groups: list[tuple[str, ...]]) -> None:
    """case-format Labs: accepted ranges; likely unit mistakes name the probable unit."""
    check_refused(L(**{name: value}), f"assessments[0].labs.{name}", groups)


LAB_ACCEPTED = [
    ("anc-0", "anc_per_ul", 0), ("anc-100000", "anc_per_ul", 100000), ("wbc-0", "wbc_per_ul", 0),
    ("wbc-100000", "wbc_per_ul", 100000),
    ("plt-0", "platelets_per_ul", 0), ("plt-1000", "platelets_per_ul", 1000), ("plt-2000000", "platelets_per_ul", 2000000),
    ("hb-1", "hemoglobin_g_dl", 1), ("hb-25", "hemoglobin_g_dl", 25), ("hb-25.0", "hemoglobin_g_dl", 25.0),
    ("crp-0", "crp_mg_dl", 0),
    ("ferritin-0", "ferritin_ng_ml", 0), ("ferritin-500000", "ferritin_ng_ml", 500000),
    ("fibrinogen-15", "fibrinogen_mg_dl", 15), ("fibrinogen-2000", "fibrinogen_mg_dl", 2000),
    ("ldh-0", "ldh_u_l", 0), ("ldh-50000", "ldh_u_l", 50000), ("alt-50000", "alt_u_l", 50000), ("ast-0", "ast_u_l", 0),
    ("bili-0", "bilirubin_mg_dl", 0), ("bili-50", "bilirubin_mg_dl", 50),
    ("creat-0.05", "creatinine_mg_dl", 0.05), ("creat-25", "creatinine_mg_dl", 25),
    ("tg-0", "triglycerides_mg_dl", 0), ("tg-10000", "triglycerides_mg_dl", 10000),
    ("igg-0", "igg_mg_dl", 0), ("igg-10000", "igg_mg_dl", 10000),
]


@pytest.mark.parametrize("name,value", [r[1:] for r in LAB_ACCEPTED], ids=[r[0] for r in LAB_ACCEPTED])
def test_lab_accepted(name: str, value: float) -> None:
    accepts(L(**{name: value}))


def test_crp_80_accepted() -> None:
    # literal reading: the accepted column says 0–80 (inclusive) while the refused column says "80+";
    # read as "above 80", so exactly 80 mg/dL is accepted and 80.1 is refused.
    accepts(L(crp_mg_dl=80))


LAB_PLACES = [
    ("baseline", lambda labs: case(baseline_labs=labs), "baseline_labs"),
    ("standalone-date", lambda labs: case(labs=[{"date": "2026-03-05", "anc_per_ul": 900},
                                                {"date": "2026-03-06", **labs}]), "labs[1]"),
    ("standalone-time", lambda labs: case(labs=[{"time": "2026-03-05T06:00", **labs}]), "labs[0]"),
    ("assessment", lambda labs: L(**labs), "assessments[0].labs"),
    ("second-assessment", lambda labs: case(assessments=[assessment(id="a1"),
                                                         assessment(id="a2", time=at(3), labs=labs)]),
     "assessments[1].labs"),
]
PLACE_VALUES = [("plt-500", "platelets_per_ul", 500, [GIGA]), ("hb-120", "hemoglobin_g_dl", 120, [("g/l",)]),
                ("anc-neg", "anc_per_ul", -5, None), ("fib-2", "fibrinogen_mg_dl", 2, [("g/l",)]),
                ("creat-90", "creatinine_mg_dl", 90, [MICRO])]


@pytest.mark.parametrize("build,prefix", [r[1:] for r in LAB_PLACES], ids=[r[0] for r in LAB_PLACES])
@pytest.mark.parametrize("name,value,groups", [r[1:] for r in PLACE_VALUES], ids=[r[0] for r in PLACE_VALUES])
def test_lab_refused_everywhere(build: Any, prefix: str, name: str, value: float, groups: Any) -> None:
    """case-format Labs: the same rules in assessments, baseline_labs and standalone labs; paths like labs[3].anc_per_ul."""
    check_refused(build({name: value}), f"{prefix}.{name}", groups)


def test_standalone_lab_needs_date_or_time() -> None:
    paths = [e["path"] for e in errors(case(labs=[{"anc_per_ul": 300}]))]
    assert any(p.startswith("labs[0]") for p in paths), paths


@pytest.mark.parametrize("entry,path", [
    pytest.param({"date": "2026-02-30", "anc_per_ul": 300}, "labs[0].date", id="feb-30"),
    pytest.param({"date": "05/03/2026", "anc_per_ul": 300}, "labs[0].date", id="not-iso"),
    pytest.param({"time": "2026-03-05T25:00", "anc_per_ul": 300}, "labs[0].time", id="hour-25"),
])
def test_standalone_lab_bad_dates(entry: dict[str, Any], path: str) -> None:
    check_refused(case(labs=[entry]), path)


def test_upper_limits_accepted() -> None:
    accepts(case(upper_limits={"ferritin_ng_ml": 400, "alt_u_l": 40, "ast_u_l": 40, "ldh_u_l": 250}))


# ---------------------------------------------------------------------------------------------
# Contradictions, reported at the dependent field (clinical-rules §0)
# ---------------------------------------------------------------------------------------------
CONTRA = [
    ("map-above-sbp", {"systolic_bp_mmhg": 100, "mean_arterial_pressure_mmhg": 110}, "mean_arterial_pressure_mmhg",
     {"systolic_bp_mmhg"}, "clinical-rules §0: at mean_arterial_pressure_mmhg (not systolic)"),
    ("map-equals-sbp", {"systolic_bp_mmhg": 100, "mean_arterial_pressure_mmhg": 100}, "mean_arterial_pressure_mmhg",
     {"systolic_bp_mmhg"}, "case-format: MAP must be BELOW systolic"),
    ("dbp-equals-sbp-no-map", {"systolic_bp_mmhg": 100, "diastolic_bp_mmhg": 100}, "diastolic_bp_mmhg",
     {"systolic_bp_mmhg"}, "clinical-rules §0: at diastolic_bp_mmhg (not systolic)"),
    ("dbp-above-sbp-no-map", {"systolic_bp_mmhg": 100, "diastolic_bp_mmhg": 120}, "diastolic_bp_mmhg",
     {"systolic_bp_mmhg"}, "clinical-rules §0: at diastolic_bp_mmhg"),
    ("room-air-flow", {"o2_device": "room_air", "o2_flow_l_min": 2}, "o2_flow_l_min", {"o2_device"},
     "clinical-rules §0: at o2_flow_l_min (not o2_device)"),
    ("room-air-fio2", {"o2_device": "room_air", "fio2_percent": 30}, "fio2_percent", {"o2_device"},
     "clinical-rules §0: at fio2_percent (not o2_device)"),
    ("room-air-fio2-22", {"o2_device": "room_air", "fio2_percent": 22}, "fio2_percent", {"o2_device"},
     "case-format: refused with room_air unless 21"),
    ("seizure-none-duration", {"seizure": "none", "seizure_duration_min": 3}, "seizure_duration_min", {"seizure"},
     "clinical-rules §0: at seizure_duration_min"),
    ("seizure-none-duration-0", {"seizure": "none", "seizure_duration_min": 0}, "seizure_duration_min", {"seizure"},
     "case-format: seizure_duration_min refused with seizure none"),
    ("pressor-hypotension-false", {"hypotension": False, "vasopressors": [{"agent": "norepinephrine"}]}, "hypotension",
     {"vasopressors", "vasopressors[0]", "vasopressors[0].agent"},
     "clinical-rules §0/§1: a vasopressor with hypotension false → error at hypotension"),
    ("ice-not-possible-nonzero-score", {"ice_score": 5, "ice_not_possible": "global_aphasia"}, "ice_not_possible",
     {"ice_score"}, "clinical-rules §0: at ice_not_possible"),
    ("ice-not-possible-nonzero-items", {"ice_score": ABSENT, "ice": {**{k: 0 for k in ICE_FULL}, "naming": 1},
                                        "ice_not_possible": "global_aphasia"}, "ice_not_possible", {"ice"},
     "case-format: refused with a non-zero ICE"),
    ("unarousable-but-awake", {"ice_score": ABSENT, "ice_not_possible": "unarousable", "consciousness": "awake"},
     "ice_not_possible", {"consciousness"}, "case-format: unarousable refused with another consciousness"),
    ("unarousable-but-touch", {"ice_score": ABSENT, "ice_not_possible": "unarousable",
                               "consciousness": "awakens_to_touch"}, "ice_not_possible", {"consciousness"},
     "case-format: unarousable refused with a consciousness other than unarousable"),
    ("capd-not-possible-with-score", {"ice_score": ABSENT, "capd_score": 0, "capd_not_possible": True},
     "capd_not_possible", {"capd_score"}, "clinical-rules §0: at capd_not_possible"),
]


@pytest.mark.parametrize("fields,dependent,not_at,rule", [r[1:] for r in CONTRA], ids=[r[0] for r in CONTRA])
def test_contradiction_at_dependent_field(fields: dict[str, Any], dependent: str, not_at: set[str], rule: str) -> None:
    errs = errors(A(**fields))
    paths = [e["path"] for e in errs]
    assert f"assessments[0].{dependent}" in paths, (rule, paths)
    for other in not_at:
        assert f"assessments[0].{other}" not in paths, (rule, paths)


def test_dbp_above_map_not_at_systolic() -> None:
    """clinical-rules §0: MAP/diastolic contradictions are reported at MAP or diastolic, never at systolic."""
    paths = [e["path"] for e in errors(A(systolic_bp_mmhg=120, diastolic_bp_mmhg=95, mean_arterial_pressure_mmhg=90))]
    assert {"assessments[0].mean_arterial_pressure_mmhg", "assessments[0].diastolic_bp_mmhg"} & set(paths), paths
    assert "assessments[0].systolic_bp_mmhg" not in paths


def test_dbp_equals_map_refused() -> None:
    paths = [e["path"] for e in errors(A(systolic_bp_mmhg=120, diastolic_bp_mmhg=90, mean_arterial_pressure_mmhg=90))]
    assert {"assessments[0].mean_arterial_pressure_mmhg", "assessments[0].diastolic_bp_mmhg"} & set(paths), paths
    assert "assessments[0].systolic_bp_mmhg" not in paths


def test_ice_and_ice_score_must_agree() -> None:
    """case-format: when both ice and ice_score are given they must agree."""
    paths = [e["path"] for e in errors(A(ice=ICE_FULL, ice_score=9))]
    assert any(p.startswith("assessments[0].ice") for p in paths), paths


def test_vasopressin_dose_units() -> None:
    # literal reading: "vasopressin carries dose_units_min INSTEAD" of dose_mcg_kg_min, so each unit is
    # refused on the wrong agent.
    check_refused(A(hypotension=True, vasopressors=[{"agent": "vasopressin", "dose_mcg_kg_min": 0.03}]),
                  "assessments[0].vasopressors[0].dose_mcg_kg_min")
    check_refused(A(hypotension=True, vasopressors=[{"agent": "norepinephrine", "dose_units_min": 0.03}]),
                  "assessments[0].vasopressors[0].dose_units_min")


# ---------------------------------------------------------------------------------------------
# Required fields, duplicates, unknown fields (case-format Input)
# ---------------------------------------------------------------------------------------------
def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    for k in keys:
        data.pop(k, None)
    return data


REQUIRED = [
    ("age", case(patient={"weight_kg": 80.0}), "patient.age_years"),
    ("infusion-date", _without(case(), "infusion_date"), "infusion_date"),
    ("assessments", _without(case(), "assessments"), "assessments"),
    ("assessment-id", case(assessments=[assessment(id=ABSENT)]), "assessments[0].id"),
    ("assessment-time", case(assessments=[assessment(time=ABSENT)]), "assessments[0].time"),
    ("second-assessment-time", case(assessments=[assessment(), assessment(id="a2", time=ABSENT)]), "assessments[1].time"),
    ("intervention-time", case(interventions=[{"drug": "tocilizumab"}]), "interventions[0].time"),
    ("intervention-drug", case(interventions=[{"time": at(1)}]), "interventions[0].drug"),
]


@pytest.mark.parametrize("data,path", [r[1:] for r in REQUIRED], ids=[r[0] for r in REQUIRED])
def test_required_field(data: dict[str, Any], path: str) -> None:
    check_refused(data, path)


def test_patient_required() -> None:
    paths = [e["path"] for e in errors(_without(case(), "patient"))]
    assert any(p.startswith("patient") for p in paths), paths


def test_empty_assessment_list_accepted() -> None:
    """case-format: assessments may be empty, for a course of lab values alone."""
    out = accepts(case(assessments=[], labs=[{"date": "2026-03-05", "anc_per_ul": 300}]))
    assert out["assessments"] == []


def test_minimal_case_accepted() -> None:
    out = accepts({"patient": {"age_years": 40}, "infusion_date": "2026-03-01",
                   "assessments": [{"id": "x", "time": "2026-03-02T09:00"}]})
    assert out["assessments"][0]["id"] == "x" and out["assessments"][0]["day"] == 1


DUPLICATES = [
    ("second", ["a1", "a1"], "assessments[1].id", "assessments[0].id"),
    ("third", ["a1", "a2", "a1"], "assessments[2].id", "assessments[0].id"),
]


@pytest.mark.parametrize("ids,path,not_path", [r[1:] for r in DUPLICATES], ids=[r[0] for r in DUPLICATES])
def test_duplicate_id_reported_at_second(ids: list[str], path: str, not_path: str) -> None:
    """clinical-rules §0: a duplicate id is reported at the second occurrence."""
    data = case(assessments=[assessment(id=i, time=at(n + 1)) for n, i in enumerate(ids)])
    paths = [e["path"] for e in errors(data)]
    assert path in paths and not_path not in paths, paths


UNKNOWN = [
    ("top-level", {**case(), "patiant": {"age_years": 3}}, "patiant"),
    ("top-level-comment", {**case(), "comment": "x"}, "comment"),
    ("patient", case(patient={"age_years": 55, "height_cm": 170}), "patient.height_cm"),
    ("assessment-typo", A(temprature_c=38.5), "assessments[0].temprature_c"),
    ("assessment-spo2", A(spo2=95), "assessments[0].spo2"),
    ("assessment-tremor", A(tremor=True), "assessments[0].tremor"),
    ("assessment-lab", L(sodium_mmol_l=140), "assessments[0].labs.sodium_mmol_l"),
    ("assessment-lab-unit", L(crp_mg_l=45), "assessments[0].labs.crp_mg_l"),
    ("baseline-lab", case(baseline_labs={"crp_mg_l": 45}), "baseline_labs.crp_mg_l"),
    ("standalone-lab", case(labs=[{"date": "2026-03-05", "anc": 300}]), "labs[0].anc"),
    ("ice-item", A(ice_score=ABSENT, ice={**ICE_FULL, "orientation": 1}), "assessments[0].ice.orientation"),
    ("vasopressor-key", A(hypotension=True, vasopressors=[{"agent": "norepinephrine", "dose_mcg_min": 8}]),
     "assessments[0].vasopressors[0].dose_mcg_min"),
    ("intervention-key", case(interventions=[{"time": at(1), "drug": "tocilizumab", "route": "iv"}]),
     "interventions[0].route"),
    ("death-key", case(death={"date": "2026-03-10", "cause": "crs", "place": "icu"}), "death.place"),
    ("upper-limit-key", case(upper_limits={"crp_mg_dl": 0.5}), "upper_limits.crp_mg_dl"),
]


@pytest.mark.parametrize("data,path", [r[1:] for r in UNKNOWN], ids=[r[0] for r in UNKNOWN])
def test_unknown_field_refused(data: dict[str, Any], path: str) -> None:
    """case-format: unknown fields in the input are an error (they are usually typos)."""
    check_refused(data, path)


# ---------------------------------------------------------------------------------------------
# Top-level fields (case-format "Other top-level fields"), times and dates
# ---------------------------------------------------------------------------------------------
TOP_REFUSED = [
    ("age-neg", case(patient={"age_years": -0.1}), "patient.age_years", [("0", "120")]),
    ("age-120.1", case(patient={"age_years": 120.1}), "patient.age_years", [("120",)]),
    ("weight-0.4", case(patient={"age_years": 55, "weight_kg": 0.4}), "patient.weight_kg", [("0.5", "kg")]),
    ("weight-0", case(patient={"age_years": 55, "weight_kg": 0}), "patient.weight_kg", [("0.5", "kg")]),
    ("weight-400.1", case(patient={"age_years": 55, "weight_kg": 400.1}), "patient.weight_kg", [("400", "kg")]),
    ("product", case(product="kymriah"), "product", None),
    ("infusion-date-invalid", case(infusion_date="2026-02-30"), "infusion_date", None),
    ("infusion-date-format", case(infusion_date="01/03/2026"), "infusion_date", None),
    # literal reading: dates are `2026-03-04`; a time is not a date.
    ("infusion-date-with-time", case(infusion_date="2026-03-01T08:00"), "infusion_date", None),
    ("time-invalid-month", A(time="2026-13-03T08:00"), "assessments[0].time", None),
    ("time-hour-24", A(time="2026-03-03T24:30"), "assessments[0].time", None),
    ("time-words", A(time="yesterday"), "assessments[0].time", None),
    ("time-number", A(time=20260303), "assessments[0].time", None),
    # literal reading: "ISO 8601 local times WITHOUT offset" — an offset or Z is refused.
    ("time-offset", A(time="2026-03-03T08:00+01:00"), "assessments[0].time", None),
    ("time-zulu", A(time="2026-03-03T08:00Z"), "assessments[0].time", None),
    ("intervention-drug", case(interventions=[{"time": at(1), "drug": "aspirin"}]), "interventions[0].drug", None),
    ("intervention-dose-5001", case(interventions=[{"time": at(1), "drug": "tocilizumab", "dose_mg": 5001}]),
     "interventions[0].dose_mg", [("5000", "5,000", "mg")]),
    ("intervention-dose-neg", case(interventions=[{"time": at(1), "drug": "dexamethasone", "dose_mg": -1}]),
     "interventions[0].dose_mg", [("0", "mg")]),
    ("intervention-time", case(interventions=[{"time": "soon", "drug": "tocilizumab"}]), "interventions[0].time", None),
    ("death-cause", case(death={"date": "2026-03-10", "cause": "sepsis"}), "death.cause", None),
    ("death-date", case(death={"date": "2026-03-32", "cause": "crs"}), "death.date", None),
    ("death-no-cause", case(death={"date": "2026-03-10"}), "death.cause", None),
    ("death-no-date", case(death={"cause": "crs"}), "death.date", None),
]


@pytest.mark.parametrize("data,path,groups", [r[1:] for r in TOP_REFUSED], ids=[r[0] for r in TOP_REFUSED])
def test_top_level_refused(data: dict[str, Any], path: str, groups: Any) -> None:
    check_refused(data, path, groups)


def test_other_intervention_needs_name() -> None:
    """case-format: `other` (with "name")."""
    paths = [e["path"] for e in errors(case(interventions=[{"time": at(1), "drug": "other"}]))]
    assert any(p.startswith("interventions[0]") for p in paths), paths
    accepts(case(interventions=[{"time": at(1), "drug": "other", "name": "ruxolitinib"}]))


TOP_ACCEPTED = [
    ("age-0", case(patient={"age_years": 0})), ("age-120", case(patient={"age_years": 120})),
    ("age-5.9", case(patient={"age_years": 5.9})),
    ("weight-0.5", case(patient={"age_years": 0, "weight_kg": 0.5})),
    ("weight-400", case(patient={"age_years": 55, "weight_kg": 400})),
    ("weight-null", case(patient={"age_years": 55, "weight_kg": None})),
    ("no-product", _without(case(), "product")), ("product-null", case(product=None)),
    ("no-death", _without(case(), "death")),
    ("dose-5000", case(interventions=[{"time": at(1), "drug": "immunoglobulin", "dose_mg": 5000}])),
    ("dose-0", case(interventions=[{"time": at(1), "drug": "antipyretic", "dose_mg": 0}])),
    ("lab-with-time", case(labs=[{"time": "2026-03-05T06:30:15", "anc_per_ul": 300}])),
]


@pytest.mark.parametrize("data", [r[1] for r in TOP_ACCEPTED], ids=[r[0] for r in TOP_ACCEPTED])
def test_top_level_accepted(data: dict[str, Any]) -> None:
    accepts(data)


@pytest.mark.parametrize("product", ["axi-cel", "brexu-cel", "tisa-cel", "liso-cel", "obe-cel", "ide-cel", "cilta-cel",
                                     "other"])
def test_every_product_accepted(product: str) -> None:
    accepts(case(product=product))


@pytest.mark.parametrize("drug", ["tocilizumab", "siltuximab", "dexamethasone", "methylprednisolone", "hydrocortisone",
                                  "anakinra", "antipyretic", "g_csf", "levetiracetam", "immunoglobulin"])
def test_every_drug_accepted(drug: str) -> None:
    accepts(case(interventions=[{"time": at(1), "drug": drug}]))


@pytest.mark.parametrize("cause", ["crs", "icans", "iec_hs", "infection", "disease", "other"])
def test_every_death_cause_accepted(cause: str) -> None:
    accepts(case(death={"date": "2026-03-20", "cause": cause}))


BAD_SHAPES = [
    ("assessments-dict", {**case(), "assessments": {"id": "a1"}}, "assessments"),
    ("assessment-not-object", {**case(), "assessments": ["a1"]}, "assessments[0]"),
    ("patient-list", {**case(), "patient": [55]}, "patient"),
    ("labs-dict", {**case(), "labs": {"date": "2026-03-05"}}, "labs"),
    ("lab-entry-number", {**case(), "labs": [5]}, "labs[0]"),
    ("interventions-dict", {**case(), "interventions": {"drug": "tocilizumab"}}, "interventions"),
    ("death-string", {**case(), "death": "crs"}, "death"),
    ("baseline-list", {**case(), "baseline_labs": [1]}, "baseline_labs"),
]


@pytest.mark.parametrize("data,prefix", [r[1:] for r in BAD_SHAPES], ids=[r[0] for r in BAD_SHAPES])
def test_bad_shapes_refused(data: dict[str, Any], prefix: str) -> None:
    paths = [e["path"] for e in errors(data)]
    assert any(p.startswith(prefix) for p in paths), paths


# ---------------------------------------------------------------------------------------------
# All errors at once (case-format Errors)
# ---------------------------------------------------------------------------------------------
def test_every_bad_field_reported_at_once() -> None:
    data = case(
        patient={"age_years": 130, "weight_kg": 80.0},
        assessments=[
            assessment(id="a1", temperature_c=386, ice_score=ABSENT, ice={**ICE_FULL, "naming": 5}),
            assessment(id="a1", time=at(3), o2_device="room_air", o2_flow_l_min=4, labs={"platelets_per_ul": 150}),
        ],
        labs=[{"date": "2026-03-05", "anc_per_ul": 300}, {"date": "2026-03-06", "anc_per_ul": 300},
              {"date": "2026-03-07", "anc_per_ul": 300}, {"date": "2026-03-08", "anc_per_ul": -4}],
        baseline_labs={"hemoglobin_g_dl": 102},
        interventions=[{"time": at(1), "drug": "aspirin"}],
        death={"date": "2026-03-20", "cause": "unknown"},
        extra_field=1,
    )
    paths = {e["path"] for e in errors(data)}
    expected = {
        "patient.age_years", "assessments[0].temperature_c", "assessments[0].ice.naming", "assessments[1].id",
        "assessments[1].o2_flow_l_min", "assessments[1].labs.platelets_per_ul", "labs[3].anc_per_ul",
        "baseline_labs.hemoglobin_g_dl", "interventions[0].drug", "death.cause", "extra_field",
    }
    assert expected <= paths, f"missing: {expected - paths}"


def test_one_error_per_bad_field_not_for_good_ones() -> None:
    paths = [e["path"] for e in errors(A(temperature_c=386, spo2_percent=95, systolic_bp_mmhg=120))]
    assert paths == ["assessments[0].temperature_c"]


def test_case_invalid_to_json_shape() -> None:
    from cartox_desktop.clinical import CaseInvalid, grade_case_json

    with pytest.raises(CaseInvalid) as info:
        grade_case_json(A(temperature_c=101.3))
    body = info.value.to_json()
    assert list(body) == ["errors"] or set(body) >= {"errors"}
    import json

    json.dumps(body, ensure_ascii=False)  # serialisable as the one JSON object on stderr
    (e,) = body["errors"]
    assert e["path"] == "assessments[0].temperature_c" and e["value"] == 101.3

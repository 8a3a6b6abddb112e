"""Properties (hypothesis): a worse finding never lowers a grade, grading is deterministic and independent of
input order, valid random cases never crash, invalid values are always refused with the field path named.

Rules: clinical-rules §1–§3 (every component is a maximum of monotone domains), §0 (time order, input
order kept), case-format.md (output shape, errors naming every bad field).
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from .helpers import ICE_FULL, at, case, is_grade

# More examples on demand: CARTOX_HYPOTHESIS_EXAMPLES=500 pytest tests/clinical/test_properties.py
SETTINGS = settings(max_examples=int(os.environ.get("CARTOX_HYPOTHESIS_EXAMPLES", "60")), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

AGENTS = ["norepinephrine", "epinephrine", "phenylephrine", "dopamine", "vasopressin"]
DEVICES = ["room_air", "blow_by", "nasal_cannula", "high_flow_nasal_cannula", "simple_face_mask", "venturi_mask",
           "non_rebreather_mask", "cpap", "bipap", "mechanical_ventilation"]
CONSCIOUSNESS = ["awake", "awakens_spontaneously", "awakens_to_voice", "awakens_to_touch", "unarousable"]
SEIZURES = ["none", "clinical", "nonconvulsive_eeg", "repetitive_without_recovery"]
ICP = ["focal_edema", "diffuse_edema", "posturing", "cranial_nerve_vi_palsy", "papilledema", "cushings_triad"]
OTHER = ["fever", "hypotension", "hypoxia", "neurologic"]
DRUGS = ["tocilizumab", "siltuximab", "dexamethasone", "methylprednisolone", "hydrocortisone", "anakinra",
         "antipyretic", "g_csf", "levetiracetam", "immunoglobulin"]


def _num(lo: float, hi: float, places: int = 1) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(lambda x: round(x, places)).filter(
        lambda x: lo <= x <= hi)


LAB_STRATS: dict[str, st.SearchStrategy[Any]] = {
    "anc_per_ul": st.integers(0, 100000),
    "wbc_per_ul": st.integers(0, 100000),
    "platelets_per_ul": st.one_of(st.just(0), st.integers(1000, 2000000)),
    "hemoglobin_g_dl": _num(1, 25),
    "crp_mg_dl": _num(0, 80),
    "ferritin_ng_ml": st.integers(0, 500000),
    "fibrinogen_mg_dl": _num(15, 2000),
    "ldh_u_l": st.integers(0, 50000),
    "alt_u_l": st.integers(0, 50000),
    "ast_u_l": st.integers(0, 50000),
    "bilirubin_mg_dl": _num(0, 50),
    "creatinine_mg_dl": _num(0.05, 25, 2),
    "triglycerides_mg_dl": st.integers(0, 10000),
    "igg_mg_dl": st.integers(0, 10000),
}


@st.composite
def lab_values(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(sorted(LAB_STRATS)), unique=True, max_size=6))
    return {k: draw(LAB_STRATS[k]) for k in keys}


@st.composite
def oxygen(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    device = draw(st.sampled_from([None, *DEVICES]))
    if device is None:
        return out
    out["o2_device"] = device
    if device == "room_air":
        if draw(st.booleans()):
            out["o2_flow_l_min"] = 0
        if draw(st.booleans()):
            out["fio2_percent"] = 21
    else:
        if draw(st.booleans()):
            out["o2_flow_l_min"] = draw(_num(0, 80, 2))
        if draw(st.booleans()):
            out["fio2_percent"] = draw(_num(21, 100))
    return out


@st.composite
def crs_fields(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.integers(0, 4)):
        out["temperature_c"] = draw(_num(30, 44, 2))
    hypo = draw(st.sampled_from([None, True, False]))
    if hypo is not None:
        out["hypotension"] = hypo
    if draw(st.booleans()):
        out["systolic_bp_mmhg"] = draw(st.integers(40, 200))
    if hypo is not False and draw(st.booleans()):
        agents = draw(st.lists(st.sampled_from(AGENTS), max_size=3))
        out["vasopressors"] = [{"agent": a} for a in agents]
    out.update(draw(oxygen()))
    if draw(st.booleans()):
        out["spo2_percent"] = draw(st.integers(50, 100))
    return out


@st.composite
def neuro_fields(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    tool = draw(st.sampled_from(["none", "score", "items", "not_possible"]))
    if tool == "score":
        out["ice_score"] = draw(st.integers(0, 10))
    elif tool == "items":
        out["ice"] = {k: draw(st.integers(0, 3 if k == "naming" else 1)) for k in ICE_FULL}
    if draw(st.booleans()):
        out["consciousness"] = draw(st.sampled_from(CONSCIOUSNESS))
    if tool == "not_possible":
        reason = draw(st.sampled_from(["unarousable", "global_aphasia"]))
        out["ice_not_possible"] = reason
        if reason == "unarousable" and "consciousness" in out:
            out["consciousness"] = "unarousable"
    capd = draw(st.sampled_from(["none", "score", "not_possible"]))
    if capd == "score":
        out["capd_score"] = draw(st.integers(0, 32))
    elif capd == "not_possible":
        out["capd_not_possible"] = True
    if draw(st.booleans()):
        out["seizure"] = draw(st.sampled_from(SEIZURES))
        if out["seizure"] != "none" and draw(st.booleans()):
            out["seizure_duration_min"] = draw(_num(0, 1440, 2))
    if draw(st.booleans()):
        out["motor_weakness"] = draw(st.sampled_from(["none", "deep_focal"]))
    if draw(st.booleans()):
        out["raised_icp"] = draw(st.lists(st.sampled_from(ICP), unique=True, max_size=2))
    return out


@st.composite
def assessments(draw: st.DrawFn, max_size: int = 4) -> list[dict[str, Any]]:
    n = draw(st.integers(1, max_size))
    slots = draw(st.lists(st.tuples(st.integers(-2, 40), st.integers(0, 23)), min_size=n, max_size=n, unique=True))
    out = []
    for i, (day, hour) in enumerate(slots):
        a: dict[str, Any] = {"id": f"a{i}", "time": at(day, f"{hour:02d}:00")}
        a.update(draw(crs_fields()))
        a.update(draw(neuro_fields()))
        if draw(st.integers(0, 3)) == 0:
            a["other_cause"] = draw(st.lists(st.sampled_from(OTHER), unique=True, max_size=2))
        if draw(st.booleans()):
            a["labs"] = draw(lab_values())
        out.append(a)
    return out


@st.composite
def cases(draw: st.DrawFn, max_assessments: int = 4) -> dict[str, Any]:
    age = draw(st.sampled_from([0, 0.5, 1, 5.9, 10, 11, 11.9, 12, 30, 55, 80, 120]))
    data = case(age=age, assessments=draw(assessments(max_assessments)))
    if draw(st.booleans()):
        data["interventions"] = [
            {"time": at(draw(st.integers(-1, 20)), f"{draw(st.integers(0, 23)):02d}:30"), "drug": d}
            for d in draw(st.lists(st.sampled_from(DRUGS), max_size=3))
        ]
    if draw(st.booleans()):
        data["labs"] = [{"date": at(d)[:10], "anc_per_ul": v}
                        for d, v in draw(st.dictionaries(st.integers(-3, 60), st.integers(0, 5000), max_size=12)).items()]
    if draw(st.booleans()):
        data["baseline_labs"] = draw(lab_values())
    if draw(st.integers(0, 4)) == 0:
        data["death"] = {"date": at(30)[:10],
                         "cause": draw(st.sampled_from(["crs", "icans", "iec_hs", "infection", "disease", "other"]))}
    return data


def _grade(data: dict[str, Any]) -> dict[str, Any]:
    from cartox_desktop.clinical import CaseInvalid, grade_case_json

    try:
        return grade_case_json(copy.deepcopy(data))
    except CaseInvalid as exc:  # pragma: no cover - the strategies only build valid cases
        raise AssertionError(f"valid case refused: {exc.to_json()!r}\n{json.dumps(data)}") from exc


def _key(g: Any) -> int:
    return -1 if g is None else int(g)


# ---------------------------------------------------------------------------------------------
# Valid random cases never crash and always have the contract's shape
# ---------------------------------------------------------------------------------------------
@SETTINGS
@given(cases())
def test_valid_cases_never_crash(data: dict[str, Any]) -> None:
    out = _grade(data)
    json.dumps(out)
    assert [a["id"] for a in out["assessments"]] == [a["id"] for a in data["assessments"]], "input order kept"
    for a in out["assessments"]:
        assert type(a["day"]) is int
        for scale, version in (("crs_astct", "ASTCT 2019"), ("crs_ctcae", "CTCAE v5.0"), ("icans_astct", "ASTCT 2019")):
            g = a[scale]
            assert g["version"] == version
            assert is_grade(g["grade"], 0, 4), (scale, g["grade"])
            assert isinstance(g["complete"], bool)
            assert isinstance(g["unassessed"], list) and isinstance(g["reasons"], list) and isinstance(g["flags"], list)
            if g["complete"]:
                assert g["unassessed"] == [], (scale, g)
        ice = a["icans_astct"]["ice_score"]
        assert ice is None or (type(ice) is int and 0 <= ice <= 10)
        for k in ("easix", "m_easix"):
            assert a[k] is None or (isinstance(a[k], int | float) and not isinstance(a[k], bool) and a[k] >= 0)
    c = out["course"]
    assert is_grade(c["crs_max_grade"]) and is_grade(c["icans_max_grade"])
    assert is_grade(c["icaht"]["early_grade"], 0, 4) and is_grade(c["icaht"]["late_grade"], 0, 4)
    assert isinstance(c["iec_hs"]["met"], bool) and is_grade(c["iec_hs"]["grade"], 1, 5)
    h = c["car_hematotox"]
    assert h["score"] is None or (type(h["score"]) is int and 0 <= h["score"] <= 7)
    assert h["risk"] in (None, "low", "high")
    assert isinstance(c["alerts"], list) and isinstance(c["flags"], list)
    # course maxima are the maxima of the non-null assessment grades (death may make 5)
    for scale, key, cause in (("crs_astct", "crs_max_grade", "crs"), ("icans_astct", "icans_max_grade", "icans")):
        grades = [a[scale]["grade"] for a in out["assessments"] if a[scale]["grade"] is not None]
        if (data.get("death") or {}).get("cause") == cause:
            assert c[key] == 5
        elif grades:
            assert c[key] == max(grades), (key, grades, c[key])


# ---------------------------------------------------------------------------------------------
# Determinism and order independence (§0)
# ---------------------------------------------------------------------------------------------
def _normal_course(c: dict[str, Any]) -> dict[str, Any]:
    c = copy.deepcopy(c)
    c["alerts"] = sorted(c["alerts"])
    c["flags"] = sorted(c["flags"])
    return c


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_deterministic_and_order_independent(data: dict[str, Any], rnd: Any) -> None:
    first = _grade(data)
    assert _grade(data) == first, "grading is deterministic"
    shuffled = copy.deepcopy(data)
    rnd.shuffle(shuffled["assessments"])
    second = _grade(shuffled)
    assert [a["id"] for a in second["assessments"]] == [a["id"] for a in shuffled["assessments"]]
    by_id = {a["id"]: a for a in first["assessments"]}
    for a in second["assessments"]:
        assert a == by_id[a["id"]], "clinical-rules §0: processed in time order, whatever the input order"
    assert _normal_course(second["course"]) == _normal_course(first["course"])


# ---------------------------------------------------------------------------------------------
# A worse finding never lowers a grade
# ---------------------------------------------------------------------------------------------
def _assert_not_lower(base: dict[str, Any], worse: dict[str, Any], scales: tuple[str, ...], label: str) -> None:
    b, w = _grade(base), _grade(worse)
    for i, (ab, aw) in enumerate(zip(b["assessments"], w["assessments"], strict=True)):
        for s in scales:
            assert _key(aw[s]["grade"]) >= _key(ab[s]["grade"]), (
                f"{label}: assessments[{i}].{s} fell from {ab[s]['grade']} to {aw[s]['grade']}\n"
                f"base={json.dumps(base)}\nworse={json.dumps(worse)}")
    course_keys = {"crs_astct": "crs_max_grade", "crs_ctcae": None, "icans_astct": "icans_max_grade"}
    for s in scales:
        k = course_keys[s]
        if k:
            assert _key(w["course"][k]) >= _key(b["course"][k]), (label, k)


@SETTINGS
@given(cases(), st.data())
def test_higher_temperature_never_lowers(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    worse = copy.deepcopy(data)
    t = data["assessments"][i].get("temperature_c")
    worse["assessments"][i]["temperature_c"] = d.draw(_num(30 if t is None else t, 44, 2))
    _assert_not_lower(data, worse, ("crs_astct", "crs_ctcae"), "higher temperature")


@SETTINGS
@given(cases(), st.data())
def test_more_vasopressors_never_lower(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    worse = copy.deepcopy(data)
    a = worse["assessments"][i]
    if a.get("hypotension") is False:
        a["hypotension"] = True
    a["vasopressors"] = [*a.get("vasopressors", []), {"agent": d.draw(st.sampled_from(AGENTS))}]
    _assert_not_lower(data, worse, ("crs_astct", "crs_ctcae"), "more vasopressors")


def _astct_o2_rank(device: str | None, flow: float | None) -> int:
    if device is None:
        return -1
    if device == "room_air":
        return 0
    if device == "blow_by":
        return 2
    if device == "nasal_cannula":
        return 3 if (flow is not None and flow > 6) else 2
    if device in ("cpap", "bipap", "mechanical_ventilation"):
        return 4
    return 3


@SETTINGS
@given(cases(), st.data())
def test_more_oxygen_support_never_lowers_astct(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    base = copy.deepcopy(data)
    a = base["assessments"][i]
    a.pop("fio2_percent", None)
    if a.get("o2_device") == "nasal_cannula" and "o2_flow_l_min" not in a:
        a["o2_flow_l_min"] = 2
    rank = _astct_o2_rank(a.get("o2_device"), a.get("o2_flow_l_min"))
    device = d.draw(st.sampled_from(DEVICES))
    flow = d.draw(_num(0.5, 80, 1)) if device == "nasal_cannula" else None
    if a.get("o2_device") == "nasal_cannula" and device == "nasal_cannula":
        flow = d.draw(_num(a["o2_flow_l_min"], 80, 2))
    assume(_astct_o2_rank(device, flow) >= rank)
    worse = copy.deepcopy(base)
    w = worse["assessments"][i]
    w["o2_device"] = device
    w.pop("o2_flow_l_min", None)
    if flow is not None:
        w["o2_flow_l_min"] = flow
    _assert_not_lower(base, worse, ("crs_astct",), "more oxygen support")


@SETTINGS
@given(cases(), st.data())
def test_higher_fio2_or_flow_never_lowers_ctcae(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    base = copy.deepcopy(data)
    a = base["assessments"][i]
    if d.draw(st.booleans()):
        a["o2_device"] = d.draw(st.sampled_from(["nasal_cannula", "venturi_mask", "high_flow_nasal_cannula",
                                                 "simple_face_mask", "non_rebreather_mask", "blow_by"]))
        a.pop("o2_flow_l_min", None)
        a["fio2_percent"] = d.draw(_num(21, 100))
        worse = copy.deepcopy(base)
        worse["assessments"][i]["fio2_percent"] = d.draw(_num(a["fio2_percent"], 100))
    else:
        a["o2_device"] = "nasal_cannula"
        a.pop("fio2_percent", None)
        a["o2_flow_l_min"] = d.draw(_num(0, 80, 2))
        worse = copy.deepcopy(base)
        worse["assessments"][i]["o2_flow_l_min"] = d.draw(_num(a["o2_flow_l_min"], 80, 2))
    _assert_not_lower(base, worse, ("crs_astct", "crs_ctcae"), "higher FiO2 / flow")


@SETTINGS
@given(cases(), st.data())
def test_lower_ice_never_lowers_icans(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    base = copy.deepcopy(data)
    a = base["assessments"][i]
    for k in ("ice", "ice_not_possible"):
        a.pop(k, None)
    a["ice_score"] = d.draw(st.integers(0, 10))
    worse = copy.deepcopy(base)
    worse["assessments"][i]["ice_score"] = d.draw(st.integers(0, a["ice_score"]))
    _assert_not_lower(base, worse, ("icans_astct",), "lower ICE")


@SETTINGS
@given(cases(), st.data())
def test_higher_capd_never_lowers_icans(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    base = copy.deepcopy(data)
    a = base["assessments"][i]
    a.pop("capd_not_possible", None)
    a["capd_score"] = d.draw(st.integers(0, 32))
    worse = copy.deepcopy(base)
    worse["assessments"][i]["capd_score"] = d.draw(st.integers(a["capd_score"], 32))
    _assert_not_lower(base, worse, ("icans_astct",), "higher CAPD")


@SETTINGS
@given(cases(), st.data())
def test_deeper_consciousness_never_lowers_icans(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    a = data["assessments"][i]
    start = CONSCIOUSNESS.index(a["consciousness"]) if "consciousness" in a else 0
    choices = CONSCIOUSNESS[start:]
    if a.get("ice_not_possible") == "unarousable":
        choices = ["unarousable"]
    worse = copy.deepcopy(data)
    worse["assessments"][i]["consciousness"] = d.draw(st.sampled_from(choices))
    _assert_not_lower(data, worse, ("icans_astct",), "deeper consciousness")


def _seizure_rank(kind: str | None, duration: float | None) -> int:
    if kind is None:
        return -1
    if kind == "none":
        return 0
    if kind == "repetitive_without_recovery":
        return 3
    return 2 if (duration is not None and duration > 5) else 1


@SETTINGS
@given(cases(), st.data())
def test_more_seizure_never_lowers_icans(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    a = data["assessments"][i]
    rank = _seizure_rank(a.get("seizure"), a.get("seizure_duration_min"))
    kind = d.draw(st.sampled_from(SEIZURES))
    duration = None if kind == "none" else d.draw(st.one_of(st.none(), _num(0, 1440, 2)))
    if kind == a.get("seizure") and kind != "none" and a.get("seizure_duration_min") is not None:
        duration = d.draw(_num(a["seizure_duration_min"], 1440, 2))
    assume(_seizure_rank(kind, duration) >= rank)
    worse = copy.deepcopy(data)
    w = worse["assessments"][i]
    w["seizure"] = kind
    w.pop("seizure_duration_min", None)
    if duration is not None:
        w["seizure_duration_min"] = duration
    _assert_not_lower(data, worse, ("icans_astct",), "more seizure")


@SETTINGS
@given(cases(), st.data())
def test_motor_and_icp_findings_never_lower_icans(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    worse = copy.deepcopy(data)
    w = worse["assessments"][i]
    if d.draw(st.booleans()):
        w["motor_weakness"] = "deep_focal"
    else:
        w["raised_icp"] = sorted({*w.get("raised_icp", []), d.draw(st.sampled_from(ICP))})
    _assert_not_lower(data, worse, ("icans_astct",), "motor / raised ICP")


# ---------------------------------------------------------------------------------------------
# Invalid values are always refused with the field path named
# ---------------------------------------------------------------------------------------------
def _outside(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.one_of(st.floats(lo - 1000, lo, exclude_max=True, allow_nan=False),
                     st.floats(hi, hi + 1e6, exclude_min=True, allow_nan=False)).filter(lambda x: not lo <= x <= hi)


BOOL = st.booleans()
ASSESSMENT_INVALID: dict[str, tuple[dict[str, Any], st.SearchStrategy[Any]]] = {
    "temperature_c": ({}, st.one_of(_outside(30, 44), BOOL)),
    "systolic_bp_mmhg": ({}, st.one_of(_outside(30, 300), BOOL)),
    "spo2_percent": ({}, st.one_of(_outside(50, 100), BOOL)),
    "o2_flow_l_min": ({"o2_device": "high_flow_nasal_cannula"}, st.one_of(_outside(0, 80), BOOL)),
    "fio2_percent": ({"o2_device": "venturi_mask"},
                     st.one_of(st.floats(-100, 20.99, allow_nan=False), st.floats(100.01, 1e5, allow_nan=False), BOOL)),
    "ice_score": ({"ice_not_possible": None}, st.one_of(st.integers(11, 1000), st.integers(-1000, -1),
                                                        st.floats(0.01, 9.99).filter(lambda x: x != int(x)), BOOL)),
    "capd_score": ({"capd_not_possible": None}, st.one_of(st.integers(33, 1000), st.integers(-1000, -1),
                                                          st.floats(0.01, 31.99).filter(lambda x: x != int(x)), BOOL)),
    "seizure_duration_min": ({"seizure": "clinical"}, st.one_of(_outside(0, 1440), BOOL)),
    "consciousness": ({}, st.text(min_size=1, max_size=12).filter(lambda s: s not in CONSCIOUSNESS)),
    "o2_device": ({}, st.text(min_size=1, max_size=12).filter(lambda s: s not in DEVICES)),
    "hypotension": ({}, st.one_of(st.integers(), st.text(max_size=5))),
}
LAB_INVALID: dict[str, st.SearchStrategy[Any]] = {
    "anc_per_ul": st.one_of(_outside(0, 100000), BOOL),
    "platelets_per_ul": st.one_of(st.integers(1, 999), st.integers(2000001, 10**8), st.integers(-10**6, -1), BOOL),
    "hemoglobin_g_dl": st.one_of(st.floats(26, 250), _outside(1, 250), st.floats(25.01, 25.99), BOOL),
    "crp_mg_dl": st.one_of(_outside(0, 80), BOOL),
    "ferritin_ng_ml": st.one_of(_outside(0, 500000), BOOL),
    "fibrinogen_mg_dl": st.one_of(_outside(15, 2000), BOOL),
    "bilirubin_mg_dl": st.one_of(_outside(0, 50), BOOL),
    "creatinine_mg_dl": st.one_of(_outside(0.05, 25), BOOL),
    "ldh_u_l": st.one_of(_outside(0, 50000), BOOL),
}


def _paths(data: dict[str, Any]) -> list[str]:
    from cartox_desktop.clinical import CaseInvalid, grade_case_json

    with pytest.raises(CaseInvalid) as info:
        grade_case_json(copy.deepcopy(data))
    errs = info.value.to_json()["errors"]
    for e in errs:
        assert e["message"]
    return [e["path"] for e in errs]


@SETTINGS
@given(cases(max_assessments=3), st.data())
def test_invalid_assessment_value_refused_with_path(data: dict[str, Any], d: st.DataObject) -> None:
    i = d.draw(st.integers(0, len(data["assessments"]) - 1))
    field = d.draw(st.sampled_from(sorted(ASSESSMENT_INVALID)))
    context, strat = ASSESSMENT_INVALID[field]
    a = data["assessments"][i]
    for k, v in context.items():
        if v is None:
            a.pop(k, None)
        else:
            a[k] = v
    if field == "o2_flow_l_min" or field == "fio2_percent":
        a.pop("o2_flow_l_min" if field == "fio2_percent" else "fio2_percent", None)
    a[field] = d.draw(strat)
    assert f"assessments[{i}].{field}" in _paths(data)


@SETTINGS
@given(cases(max_assessments=3), st.data())
def test_invalid_lab_value_refused_with_path(data: dict[str, Any], d: st.DataObject) -> None:
    name = d.draw(st.sampled_from(sorted(LAB_INVALID)))
    value = d.draw(LAB_INVALID[name])
    where = d.draw(st.sampled_from(["assessment", "baseline", "standalone"]))
    if where == "assessment":
        i = d.draw(st.integers(0, len(data["assessments"]) - 1))
        data["assessments"][i].setdefault("labs", {})[name] = value
        path = f"assessments[{i}].labs.{name}"
    elif where == "baseline":
        data.setdefault("baseline_labs", {})[name] = value
        path = f"baseline_labs.{name}"
    else:
        data.setdefault("labs", []).append({"date": "2026-03-09", name: value})
        path = f"labs[{len(data['labs']) - 1}].{name}"
    assert path in _paths(data)


@SETTINGS
@given(cases(max_assessments=2), st.one_of(_outside(0, 120), BOOL))
def test_invalid_age_refused_with_path(data: dict[str, Any], age: Any) -> None:
    data["patient"]["age_years"] = age
    assert "patient.age_years" in _paths(data)


@SETTINGS
@given(cases(max_assessments=2), st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True).filter(
    lambda s: s not in {"id", "time", "temperature_c", "systolic_bp_mmhg", "diastolic_bp_mmhg",
                        "mean_arterial_pressure_mmhg", "hypotension", "fluid_bolus_given", "vasopressors",
                        "spo2_percent", "o2_device", "o2_flow_l_min", "fio2_percent", "ice", "ice_score",
                        "ice_not_possible", "capd_score", "capd_not_possible", "consciousness", "seizure",
                        "seizure_duration_min", "motor_weakness", "raised_icp", "other_cause", "labs"}))
def test_unknown_assessment_field_refused_with_path(data: dict[str, Any], name: str) -> None:
    data["assessments"][0][name] = 1
    assert f"assessments[0].{name}" in _paths(data)


# ---------------------------------------------------------------------------------------------
# Re-grading a stored course on every save (services) reuses validated assessments and their
# grades: never a different answer from grading afresh, whatever changed around them.
# ---------------------------------------------------------------------------------------------
@st.composite
def course_changes(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A case and the same case after one save: the same assessment entries (same objects, as the
    services' caches hold them) with a new drug (a fever waiver), a moved infusion date, a
    birthday, a new assessment or one left out (a void)."""
    before = draw(cases())
    after = dict(before)
    after["assessments"] = list(before["assessments"])
    change = draw(st.sampled_from(["drug", "infusion", "age", "add", "void"]))
    if change == "drug":
        after["interventions"] = [*before.get("interventions", []), {
            "time": at(draw(st.integers(-1, 20)), "09:15"), "drug": draw(st.sampled_from(DRUGS))}]
    elif change == "infusion":
        after["infusion_date"] = draw(st.sampled_from(["2026-02-27", "2026-03-02"]))
    elif change == "age":
        after["patient"] = {**before["patient"], "age_years": draw(st.sampled_from([11.9, 12, 40]))}
    elif change == "add":
        extra = draw(assessments(2))
        for n, a in enumerate(extra):
            a["id"] = f"new{n}"
        after["assessments"] += extra
    elif after["assessments"]:
        after["assessments"].pop(draw(st.integers(0, len(after["assessments"]) - 1)))
    return before, after


@SETTINGS
@given(course_changes())
def test_memoised_regrading_equals_grading_afresh(change: tuple[dict[str, Any], dict[str, Any]]) -> None:
    from cartox_desktop.clinical import grade_case, parse_case
    from cartox_desktop.clinical.validation import validate_assessment

    validated: dict[tuple[int, int], Any] = {}

    def known(raw: Any, index: int) -> Any:
        key = (id(raw), index)
        if key not in validated:
            validated[key] = validate_assessment(raw, index)
        return validated[key]

    memo: dict[Any, Any] = {}
    for data in change:
        fresh = grade_case(parse_case(data)).to_json()
        reused = parse_case(data, known)
        assert reused == parse_case(data), "a validated assessment is reused only as it was"
        assert grade_case(reused, memo=memo).to_json() == fresh
        assert grade_case(reused, memo=memo).to_json() == fresh, "second pass, all from the memo"


def test_memoised_grades_follow_a_backdated_fever_waiver() -> None:
    """Tocilizumab recorded later but given before an afebrile, hypotensive check: the stored
    check's grade must change from 0 to 2 (clinical-rules §1 fever waiver), memo or not."""
    from cartox_desktop.clinical import grade_case, parse_case
    from cartox_desktop.clinical.validation import validate_assessment

    febrile = {"id": "a1", "time": at(1, "08:00"), "temperature_c": 38.9, "o2_device": "room_air", "hypotension": False}
    afebrile = {"id": "a2", "time": at(1, "20:00"), "temperature_c": 37.0, "o2_device": "room_air", "hypotension": True}
    before = case(assessments=[febrile, afebrile])
    after = {**before, "interventions": [{"time": at(1, "12:00"), "drug": "tocilizumab", "dose_mg": 640}]}
    validated: dict[tuple[int, int], Any] = {}

    def known(raw: Any, index: int) -> Any:
        return validated.setdefault((id(raw), index), validate_assessment(raw, index))

    memo: dict[Any, Any] = {}
    grades = [grade_case(parse_case(data, known), memo=memo).to_json()["assessments"][1]["crs_astct"]["grade"]
              for data in (before, after)]
    assert grades == [0, 2]

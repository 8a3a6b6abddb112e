"""CAR-HEMATOTOX (clinical-rules §5), IEC-HS (§6) and EASIX / m-EASIX (§7)."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import ABSENT, assessment, at, case, day_date, flags_of, grade

# ---------------------------------------------------------------------------------------------
# CAR-HEMATOTOX (§5)
# ---------------------------------------------------------------------------------------------
ZERO_BASELINE = {"platelets_per_ul": 200000, "anc_per_ul": 2000, "hemoglobin_g_dl": 12.0, "crp_mg_dl": 1.0,
                 "ferritin_ng_ml": 300}


def htx(**baseline: Any) -> dict[str, Any]:
    labs = {**ZERO_BASELINE, **baseline}
    labs = {k: v for k, v in labs.items() if v is not ABSENT}
    return grade(case(baseline_labs=labs))["course"]["car_hematotox"]


def htx_flags(**baseline: Any) -> set[str]:
    labs = {**ZERO_BASELINE, **baseline}
    out = grade(case(baseline_labs=labs))["course"]
    return flags_of(out["car_hematotox"]) | set(out.get("flags", []))


HTX = [
    # (marker key, value, points, on cut-off, rule)
    ("plt-175001", "platelets_per_ul", 175001, "platelets", 0, False, "clinical-rules §5: platelets > 175,000 → 0"),
    ("plt-175000", "platelets_per_ul", 175000, "platelets", 1, True, "clinical-rules §5: 75,000–175,000 → 1 (175,000 on cut-off)"),
    ("plt-100000", "platelets_per_ul", 100000, "platelets", 1, False, "clinical-rules §5: 75,000–175,000 → 1"),
    ("plt-75000", "platelets_per_ul", 75000, "platelets", 1, True, "clinical-rules §5: 75,000 → 1 (on cut-off)"),
    ("plt-74999", "platelets_per_ul", 74999, "platelets", 2, False, "clinical-rules §5: < 75,000 → 2"),
    ("plt-0", "platelets_per_ul", 0, "platelets", 2, False, "clinical-rules §5: < 75,000 → 2"),
    ("anc-1201", "anc_per_ul", 1201, "anc", 0, False, "clinical-rules §5: ANC ≥ 1200 → 0"),
    ("anc-1200", "anc_per_ul", 1200, "anc", 0, True, "clinical-rules §5: ANC 1200 → 0 (on cut-off)"),
    ("anc-1199", "anc_per_ul", 1199, "anc", 1, False, "clinical-rules §5: ANC < 1200 → 1"),
    ("hb-9.1", "hemoglobin_g_dl", 9.1, "hemoglobin", 0, False, "clinical-rules §5: Hb ≥ 9.0 → 0"),
    ("hb-9.0", "hemoglobin_g_dl", 9.0, "hemoglobin", 0, True, "clinical-rules §5: Hb 9.0 → 0 (on cut-off)"),
    ("hb-8.9", "hemoglobin_g_dl", 8.9, "hemoglobin", 1, False, "clinical-rules §5: Hb < 9.0 → 1"),
    ("crp-2.9", "crp_mg_dl", 2.9, "crp", 0, False, "clinical-rules §5: CRP ≤ 3.0 → 0"),
    ("crp-3.0", "crp_mg_dl", 3.0, "crp", 0, True, "clinical-rules §5: CRP 3.0 → 0 (on cut-off)"),
    ("crp-3.1", "crp_mg_dl", 3.1, "crp", 1, False, "clinical-rules §5: CRP > 3.0 → 1"),
    ("fer-649", "ferritin_ng_ml", 649, "ferritin", 0, False, "clinical-rules §5: ferritin < 650 → 0"),
    ("fer-650", "ferritin_ng_ml", 650, "ferritin", 1, True, "clinical-rules §5: 650–2000 → 1 (650 on cut-off)"),
    ("fer-1000", "ferritin_ng_ml", 1000, "ferritin", 1, False, "clinical-rules §5: 650–2000 → 1"),
    ("fer-2000", "ferritin_ng_ml", 2000, "ferritin", 1, True, "clinical-rules §5: 2000 → 1 (on cut-off)"),
    ("fer-2001", "ferritin_ng_ml", 2001, "ferritin", 2, False, "clinical-rules §5: > 2000 → 2"),
]


@pytest.mark.parametrize("field,value,key,points,on_cut,rule", [r[1:] for r in HTX], ids=[r[0] for r in HTX])
def test_hematotox_points(field: str, value: float, key: str, points: int, on_cut: bool, rule: str) -> None:
    h = htx(**{field: value})
    assert h["points"][key] == points, rule
    assert h["score"] == points, rule
    assert h["risk"] == ("high" if points >= 2 else "low"), rule
    assert ("value_on_cut_off" in htx_flags(**{field: value})) is on_cut, rule


RISK = [
    ("score-0", {}, 0, "low", "clinical-rules §5: 0–1 low"),
    ("score-1", {"anc_per_ul": 1000}, 1, "low", "clinical-rules §5: 1 → low"),
    ("score-2", {"anc_per_ul": 1000, "crp_mg_dl": 5.0}, 2, "high", "clinical-rules §5: ≥ 2 high"),
    ("score-2-one-marker", {"platelets_per_ul": 50000}, 2, "high", "clinical-rules §5: platelets 2 points alone → high"),
    ("score-7", {"platelets_per_ul": 60000, "anc_per_ul": 1000, "hemoglobin_g_dl": 8.5, "crp_mg_dl": 4.5,
                 "ferritin_ng_ml": 2500}, 7, "high", "clinical-rules §5: maximum 7 (P-HTX-01)"),
]


@pytest.mark.parametrize("labs,score,risk,rule", [r[1:] for r in RISK], ids=[r[0] for r in RISK])
def test_hematotox_score_and_risk(labs: dict[str, float], score: int, risk: str, rule: str) -> None:
    h = htx(**labs)
    assert h["score"] == score and type(h["score"]) is int, rule
    assert h["risk"] == risk, rule


@pytest.mark.parametrize("missing", list(ZERO_BASELINE), ids=list(ZERO_BASELINE))
def test_hematotox_missing_input_is_null(missing: str) -> None:
    """clinical-rules §5: any missing input → score and risk null."""
    h = htx(**{missing: ABSENT})
    assert h["score"] is None
    assert h["risk"] is None


def test_hematotox_no_baseline_is_null() -> None:
    h = grade(case())["course"]["car_hematotox"]
    assert h["score"] is None and h["risk"] is None


def test_hematotox_uses_baseline_only() -> None:
    """clinical-rules §5: from baseline_labs; assessment labs are not baseline."""
    data = case(assessments=[assessment(labs={"platelets_per_ul": 200000, "anc_per_ul": 2000, "hemoglobin_g_dl": 12.0,
                                              "crp_mg_dl": 1.0, "ferritin_ng_ml": 300})])
    h = grade(data)["course"]["car_hematotox"]
    assert h["score"] is None


def test_hematotox_no_cut_off_flag_off_cut() -> None:
    assert "value_on_cut_off" not in htx_flags()


# ---------------------------------------------------------------------------------------------
# EASIX / m-EASIX (§7)
# ---------------------------------------------------------------------------------------------
EASIX = [
    ("public-example", {"ldh_u_l": 450, "creatinine_mg_dl": 1.2, "platelets_per_ul": 90000, "crp_mg_dl": 5.0}, 6.0, 25.0,
     "clinical-rules §7: 450 × 1.2 / 90 = 6.0; 450 × 5.0 / 90 = 25.0"),
    ("format-example", {"ldh_u_l": 420, "creatinine_mg_dl": 1.1, "platelets_per_ul": 90000, "crp_mg_dl": 8.5}, 5.13, 39.67,
     "clinical-rules §7: 5.1333 → 5.13; 39.6667 → 39.67 (2 decimals)"),
    ("round-up", {"ldh_u_l": 200, "creatinine_mg_dl": 1.0, "platelets_per_ul": 30000, "crp_mg_dl": 1.0}, 6.67, 6.67,
     "clinical-rules §7: 6.6667 → 6.67"),
    ("round-down", {"ldh_u_l": 250, "creatinine_mg_dl": 1.0, "platelets_per_ul": 75000, "crp_mg_dl": 0.1}, 3.33, 0.33,
     "clinical-rules §7: 3.3333 → 3.33; 0.3333 → 0.33"),
    ("platelets-per-ul-to-10e9", {"ldh_u_l": 1000, "creatinine_mg_dl": 2.0, "platelets_per_ul": 1000000, "crp_mg_dl": 10.0},
     2.0, 10.0, "clinical-rules §7: platelets in 10⁹/L (1,000,000/µL = 1000)"),
    ("zero-ldh", {"ldh_u_l": 0, "creatinine_mg_dl": 1.0, "platelets_per_ul": 100000, "crp_mg_dl": 2.0}, 0.0, 0.0,
     "clinical-rules §7: a zero input gives 0 (not null)"),
    ("platelets-zero", {"ldh_u_l": 300, "creatinine_mg_dl": 1.0, "platelets_per_ul": 0, "crp_mg_dl": 2.0}, None, None,
     "clinical-rules §7: null when platelets are 0"),
    ("no-ldh", {"creatinine_mg_dl": 1.0, "platelets_per_ul": 100000, "crp_mg_dl": 2.0}, None, None,
     "clinical-rules §7: null when an input is missing"),
    ("no-platelets", {"ldh_u_l": 300, "creatinine_mg_dl": 1.0, "crp_mg_dl": 2.0}, None, None, "clinical-rules §7: missing"),
    ("no-creatinine", {"ldh_u_l": 300, "platelets_per_ul": 100000, "crp_mg_dl": 2.0}, None, 6.0,
     "clinical-rules §7: EASIX needs creatinine; m-EASIX does not"),
    ("no-crp", {"ldh_u_l": 300, "creatinine_mg_dl": 1.0, "platelets_per_ul": 100000}, 3.0, None,
     "clinical-rules §7: m-EASIX needs CRP; EASIX does not"),
    ("no-labs", ABSENT, None, None, "clinical-rules §7: no labs → null"),
]


@pytest.mark.parametrize("labs,easix,m_easix,rule", [r[1:] for r in EASIX], ids=[r[0] for r in EASIX])
def test_easix(labs: Any, easix: float | None, m_easix: float | None, rule: str) -> None:
    a = grade(case(assessments=[assessment(labs=labs)]))["assessments"][0]
    for key, want in (("easix", easix), ("m_easix", m_easix)):
        got = a[key]
        if want is None:
            assert got is None, (key, rule)
        else:
            assert isinstance(got, int | float) and not isinstance(got, bool), (key, rule)
            assert got == pytest.approx(want, abs=1e-9), (key, got, rule)


def test_easix_uses_own_labs_only() -> None:
    """clinical-rules §7: from the assessment's own labs (not same-day standalone labs, not baseline)."""
    data = case(
        baseline_labs={"ldh_u_l": 300, "creatinine_mg_dl": 1.0, "platelets_per_ul": 100000, "crp_mg_dl": 2.0},
        labs=[{"date": day_date(2), "ldh_u_l": 300, "creatinine_mg_dl": 1.0, "platelets_per_ul": 100000,
               "crp_mg_dl": 2.0}],
        assessments=[assessment(time=at(2))],
    )
    a = grade(data)["assessments"][0]
    assert a["easix"] is None and a["m_easix"] is None


# ---------------------------------------------------------------------------------------------
# IEC-HS (§6)
# ---------------------------------------------------------------------------------------------
BASELINE = {"platelets_per_ul": 150000, "anc_per_ul": 2000, "hemoglobin_g_dl": 11.0, "crp_mg_dl": 1.0}


def _iec_case(late_labs: dict[str, Any] | None = None, late_fields: dict[str, Any] | None = None,
              extra_assessments: list[dict[str, Any]] | None = None, interventions: list[dict[str, Any]] | None = None,
              baseline: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    """CRS grade 2 on day 2 (tocilizumab), grade 1 on day 4, then a day-14 assessment (resolved, complete)."""
    late_labs = {"ferritin_ng_ml": 18500, "fibrinogen_mg_dl": 110} if late_labs is None else late_labs
    assessments = [
        assessment(id="d2", time=at(2), temperature_c=39.0, o2_device="nasal_cannula", o2_flow_l_min=3),
        assessment(id="d4", time=at(4), temperature_c=38.1),
        assessment(**{"id": "d14", "time": at(14), "temperature_c": 37.2, "labs": late_labs, **(late_fields or {})}),
        *(extra_assessments or []),
    ]
    return case(assessments=assessments, baseline_labs=BASELINE if baseline is None else baseline,
                interventions=[{"time": at(2, "10:00"), "drug": "tocilizumab", "dose_mg": 640},
                               *(interventions or [])], **kw)


def iec(data: dict[str, Any]) -> dict[str, Any]:
    return grade(data)["course"]["iec_hs"]


def test_iec_base_case_met() -> None:
    out = grade(_iec_case())
    assert [a["crs_astct"]["grade"] for a in out["assessments"]] == [2, 1, 0]
    i = out["course"]["iec_hs"]
    assert i["met"] is True
    assert i["grade"] == 1
    assert i["first_day"] == 14
    assert "iec_hs_needs_confirmation" in flags_of(out["course"])


FERRITIN = [
    ("uln-801", {}, None, 801, True, "clinical-rules §6.1: ferritin > 2 × ULN (default ULN 400 → > 800)"),
    ("uln-800", {}, None, 800, False, "clinical-rules §6.1: 800 is not > 2 × 400"),
    ("custom-uln-2001", {"ferritin_ng_ml": 1000}, None, 2001, True, "clinical-rules §0: upper_limits override the ULN"),
    ("custom-uln-2000", {"ferritin_ng_ml": 1000}, None, 2000, False, "clinical-rules §0/§6: 2000 is not > 2 × 1000"),
    ("baseline-3001", {"ferritin_ng_ml": 5000}, 1500, 3001, True, "clinical-rules §6.1: > 2 × baseline ferritin"),
    ("baseline-3000", {"ferritin_ng_ml": 5000}, 1500, 3000, False, "clinical-rules §6.1: 3000 is not > 2 × 1500"),
    ("either-uln", {}, 5000, 900, True, "clinical-rules §6.1: OR — > 2 × ULN suffices even below 2 × baseline"),
]


@pytest.mark.parametrize("uln,base_fer,fer,met,rule", [r[1:] for r in FERRITIN], ids=[r[0] for r in FERRITIN])
def test_iec_ferritin_criterion(uln: dict[str, float], base_fer: float | None, fer: float, met: bool, rule: str) -> None:
    baseline = dict(BASELINE)
    if base_fer is not None:
        baseline["ferritin_ng_ml"] = base_fer
    kw: dict[str, Any] = {"upper_limits": uln} if uln else {}
    i = iec(_iec_case(late_labs={"ferritin_ng_ml": fer, "fibrinogen_mg_dl": 110}, baseline=baseline, **kw))
    assert i["met"] is met, rule
    assert i["grade"] == (1 if met else None), rule
    assert i["first_day"] == (14 if met else None), rule


HLH = [
    ("fibrinogen-149", {"fibrinogen_mg_dl": 149}, True, "clinical-rules §6.3: fibrinogen < 150"),
    ("fibrinogen-150", {"fibrinogen_mg_dl": 150}, False, "clinical-rules §6.3: 150 is not < 150"),
    ("alt-201", {"alt_u_l": 201}, True, "clinical-rules §6.3: ALT > 5 × ULN (40 → > 200)"),
    ("alt-200", {"alt_u_l": 200}, False, "clinical-rules §6.3: ALT 200 is not > 200"),
    ("ast-201", {"ast_u_l": 201}, True, "clinical-rules §6.3: AST > 5 × ULN"),
    ("ast-200", {"ast_u_l": 200}, False, "clinical-rules §6.3: AST 200 is not > 200"),
    ("tg-265", {"triglycerides_mg_dl": 265}, True, "clinical-rules §6.3: triglycerides ≥ 265 (inclusive)"),
    ("tg-264", {"triglycerides_mg_dl": 264}, False, "clinical-rules §6.3: 264 < 265"),
    ("plt-half-of-baseline", {"platelets_per_ul": 75000}, True,
     "clinical-rules §6.3: platelets ≤ 50 % of the most recent earlier value (baseline 150,000)"),
    ("plt-above-half", {"platelets_per_ul": 75001}, False, "clinical-rules §6.3: 75,001 > 50 %"),
    ("anc-half-of-baseline", {"anc_per_ul": 1000}, True, "clinical-rules §6.3: ANC ≤ 50 % of baseline 2000"),
    ("anc-above-half", {"anc_per_ul": 1001}, False, "clinical-rules §6.3: 1001 > 50 %"),
    ("ldh-high-not-criterion", {"ldh_u_l": 2000}, False, "clinical-rules §6.3 lists no LDH criterion"),
    ("bilirubin-not-criterion", {"bilirubin_mg_dl": 10}, False, "clinical-rules §6.3 lists no bilirubin criterion"),
]


@pytest.mark.parametrize("labs,met,rule", [r[1:] for r in HLH], ids=[r[0] for r in HLH])
def test_iec_hlh_criterion(labs: dict[str, float], met: bool, rule: str) -> None:
    i = iec(_iec_case(late_labs={"ferritin_ng_ml": 18500, **labs}))
    assert i["met"] is met, rule


@pytest.mark.parametrize("uln,alt,met", [(50, 251, True), (50, 250, False)], ids=["alt-251-uln50", "alt-250-uln50"])
def test_iec_alt_uses_upper_limits(uln: float, alt: float, met: bool) -> None:
    """clinical-rules §0: upper_limits override the default ULN (ALT 5 × 50 = 250)."""
    assert iec(_iec_case(late_labs={"ferritin_ng_ml": 18500, "alt_u_l": alt}, upper_limits={"alt_u_l": uln}))["met"] is met


def test_iec_cytopenia_uses_most_recent_earlier_value() -> None:
    """clinical-rules §6.3: compared with the MOST RECENT earlier value (a day-10 lab of 2000, not baseline 4000)."""
    baseline = {**BASELINE, "anc_per_ul": 4000}
    data = _iec_case(late_labs={"ferritin_ng_ml": 18500, "anc_per_ul": 1500}, baseline=baseline,
                     labs=[{"date": day_date(10), "anc_per_ul": 2000}])
    assert iec(data)["met"] is False
    data = _iec_case(late_labs={"ferritin_ng_ml": 18500, "anc_per_ul": 1000}, baseline=baseline,
                     labs=[{"date": day_date(10), "anc_per_ul": 2000}])
    assert iec(data)["met"] is True


def test_iec_platelets_earlier_from_assessment_labs() -> None:
    """clinical-rules §6.3: earlier value from any source (an earlier assessment's labs)."""
    data = _iec_case(late_labs={"ferritin_ng_ml": 18500, "platelets_per_ul": 40000},
                     baseline={**BASELINE, "platelets_per_ul": 60000})
    data["assessments"][1]["labs"] = {"platelets_per_ul": 80000}
    assert iec(data)["met"] is True


def test_iec_same_day_standalone_ferritin() -> None:
    """clinical-rules §6: labs are its own plus standalone labs dated the same day."""
    data = _iec_case(late_labs={"fibrinogen_mg_dl": 110}, labs=[{"date": day_date(14), "ferritin_ng_ml": 9000}])
    i = iec(data)
    assert i["met"] is True and i["first_day"] == 14


def test_iec_not_evaluated_without_ferritin() -> None:
    assert iec(_iec_case(late_labs={"fibrinogen_mg_dl": 90, "alt_u_l": 900}))["met"] is False


def test_iec_ferritin_on_other_day_not_used() -> None:
    data = _iec_case(late_labs={"fibrinogen_mg_dl": 110}, labs=[{"date": day_date(13), "ferritin_ng_ml": 9000}])
    assert iec(data)["met"] is False


TIMING = [
    ("at-onset", "d2", {"ferritin_ng_ml": 18500, "fibrinogen_mg_dl": 110}, False,
     "clinical-rules §6.2: CRS must be established STRICTLY before this assessment"),
    ("resolving-still-febrile", "d4", {"ferritin_ng_ml": 18500, "fibrinogen_mg_dl": 110}, True,
     "clinical-rules §6.2: grade 1 below the course maximum 2 (resolving), complete → met"),
]


@pytest.mark.parametrize("where,labs,met,rule", [r[1:] for r in TIMING], ids=[r[0] for r in TIMING])
def test_iec_timing(where: str, labs: dict[str, float], met: bool, rule: str) -> None:
    data = _iec_case(late_labs={})
    for a in data["assessments"]:
        if a["id"] == where:
            a["labs"] = labs
    data["assessments"][2].pop("labs", None)
    i = iec(data)
    assert i["met"] is met, rule
    if met:
        assert i["first_day"] == 4


def test_iec_not_met_at_peak_grade() -> None:
    """clinical-rules §6.2: the grade must be BELOW the highest CRS grade so far."""
    data = _iec_case(late_fields={"temperature_c": 38.5, "o2_device": "nasal_cannula", "o2_flow_l_min": 2})
    out = grade(data)
    assert out["assessments"][2]["crs_astct"]["grade"] == 2
    assert out["course"]["iec_hs"]["met"] is False


def test_iec_not_met_when_crs_incomplete() -> None:
    """clinical-rules §6.2: this assessment's CRS grade must be complete."""
    data = _iec_case(late_fields={"o2_device": ABSENT})
    out = grade(data)
    crs = out["assessments"][2]["crs_astct"]
    assert crs["grade"] == 0 and crs["complete"] is False
    assert out["course"]["iec_hs"]["met"] is False


def test_iec_not_met_when_crs_null() -> None:
    """clinical-rules §6.2: non-null; no waiver (no tocilizumab) and no temperature → null."""
    data = _iec_case(late_fields={"temperature_c": ABSENT})
    data["interventions"] = []
    out = grade(data)
    assert out["assessments"][2]["crs_astct"]["grade"] is None
    assert out["course"]["iec_hs"]["met"] is False


def test_iec_not_met_without_crs() -> None:
    data = case(baseline_labs=BASELINE, assessments=[
        assessment(id="d3", time=at(3), temperature_c=37.0),
        assessment(id="d14", time=at(14), temperature_c=37.0, labs={"ferritin_ng_ml": 20000, "fibrinogen_mg_dl": 90}),
    ])
    i = iec(data)
    assert i["met"] is False and i["grade"] is None and i["first_day"] is None


def test_iec_first_day_is_first_met() -> None:
    data = _iec_case(extra_assessments=[
        assessment(id="d9", time=at(9), temperature_c=37.0, labs={"ferritin_ng_ml": 9000, "triglycerides_mg_dl": 300}),
    ])
    assert iec(data)["first_day"] == 9


GRADE = [
    ("grade-1", {}, 1, "clinical-rules §6: otherwise 1"),
    ("dexamethasone-after", {"interventions": [{"time": at(14, "10:00"), "drug": "dexamethasone", "dose_mg": 10}]}, 2,
     "clinical-rules §6: 2 when a steroid is given (at or after the first met assessment)"),
    ("methylprednisolone-after", {"interventions": [{"time": at(15), "drug": "methylprednisolone"}]}, 2,
     "clinical-rules §6: steroid → 2"),
    ("hydrocortisone-after", {"interventions": [{"time": at(15), "drug": "hydrocortisone"}]}, 2,
     "clinical-rules §6: steroid → 2"),
    ("anakinra-after", {"interventions": [{"time": at(14, "09:00"), "drug": "anakinra", "dose_mg": 100}]}, 2,
     "clinical-rules §6: anakinra → 2"),
    ("tocilizumab-after", {"interventions": [{"time": at(15), "drug": "tocilizumab", "dose_mg": 640}]}, 1,
     "clinical-rules §6: tocilizumab is neither anakinra nor a steroid"),
    ("dexamethasone-before", {"interventions": [{"time": at(10), "drug": "dexamethasone", "dose_mg": 10}]}, 1,
     "clinical-rules §6: only what is recorded at or after the first met assessment"),
    ("fibrinogen-99-at-met", {"late_labs": {"ferritin_ng_ml": 18500, "fibrinogen_mg_dl": 99}}, 3,
     "clinical-rules §6: 3 when a lab shows fibrinogen < 100 (the met assessment's own lab counts)"),
    ("fibrinogen-100-at-met", {"late_labs": {"ferritin_ng_ml": 18500, "fibrinogen_mg_dl": 100}}, 1,
     "clinical-rules §6: fibrinogen 100 is not < 100"),
    ("platelets-19999-later", {"labs": [{"date": day_date(16), "platelets_per_ul": 19999}]}, 3,
     "clinical-rules §6: platelets < 20,000 after the first met assessment → 3"),
    ("platelets-20000-later", {"labs": [{"date": day_date(16), "platelets_per_ul": 20000}]}, 1,
     "clinical-rules §6: 20,000 is not < 20,000"),
    ("platelets-low-before", {"labs": [{"date": day_date(10), "platelets_per_ul": 15000}]}, 1,
     "clinical-rules §6: a lab before the first met assessment does not count"),
    ("pressor-later", {"extra_assessments": [assessment(id="d16", time=at(16), temperature_c=37.0, hypotension=True,
                                                        vasopressors=[{"agent": "norepinephrine"}])]}, 4,
     "clinical-rules §6: 4 when an assessment has a vasopressor"),
    ("vasopressin-later", {"extra_assessments": [assessment(id="d16", time=at(16), temperature_c=37.0, hypotension=True,
                                                            vasopressors=[{"agent": "vasopressin"}])]}, 4,
     "clinical-rules §6: any vasopressor → 4"),
    ("cpap-later", {"extra_assessments": [assessment(id="d16", time=at(16), temperature_c=37.0, o2_device="cpap")]}, 4,
     "clinical-rules §6: cpap → 4"),
    ("bipap-later", {"extra_assessments": [assessment(id="d16", time=at(16), temperature_c=37.0, o2_device="bipap")]}, 4,
     "clinical-rules §6: bipap → 4"),
    ("ventilation-later", {"extra_assessments": [assessment(id="d16", time=at(16), temperature_c=37.0,
                                                            o2_device="mechanical_ventilation")]}, 4,
     "clinical-rules §6: mechanical_ventilation → 4"),
    ("nrb-later", {"extra_assessments": [assessment(id="d16", time=at(16), temperature_c=37.0,
                                                    o2_device="non_rebreather_mask")]}, 1,
     "clinical-rules §6: a face mask is not cpap/bipap/ventilation"),
    ("pressor-before", {"extra_assessments": [assessment(id="d3", time=at(3), temperature_c=39.5, hypotension=True,
                                                         vasopressors=[{"agent": "norepinephrine"}])]}, 1,
     "clinical-rules §6: a vasopressor before the first met assessment does not count"),
    ("death-iec", {"death": {"date": day_date(20), "cause": "iec_hs"}}, 5, "clinical-rules §6: death.cause iec_hs → 5"),
    ("death-infection", {"death": {"date": day_date(20), "cause": "infection"}}, 1, "clinical-rules §6: other causes"),
    ("steroid+fibrinogen", {"late_labs": {"ferritin_ng_ml": 18500, "fibrinogen_mg_dl": 80},
                            "interventions": [{"time": at(15), "drug": "dexamethasone"}]}, 3,
     "clinical-rules §6: the highest that applies"),
]


@pytest.mark.parametrize("kw,expected,rule", [r[1:] for r in GRADE], ids=[r[0] for r in GRADE])
def test_iec_grade(kw: dict[str, Any], expected: int, rule: str) -> None:
    i = iec(_iec_case(**kw))
    assert i["met"] is True, rule
    assert i["first_day"] == 14, rule
    assert i["grade"] == expected, rule


def test_iec_pressor_at_first_met_assessment_counts() -> None:
    """clinical-rules §6: "at or after the first met assessment" includes that assessment's own vasopressor."""
    data = case(
        baseline_labs=BASELINE,
        assessments=[
            assessment(id="d2", time=at(2), temperature_c=39.5, o2_device="cpap"),  # grade 4
            assessment(id="d6", time=at(6), temperature_c=37.0, hypotension=True,
                       vasopressors=[{"agent": "norepinephrine"}],
                       labs={"ferritin_ng_ml": 12000, "fibrinogen_mg_dl": 120}),  # waived: grade 3 < 4
        ],
        interventions=[{"time": at(2, "10:00"), "drug": "tocilizumab", "dose_mg": 640}],
    )
    out = grade(data)
    assert [a["crs_astct"]["grade"] for a in out["assessments"]] == [4, 3]
    i = out["course"]["iec_hs"]
    assert i["met"] is True and i["first_day"] == 6 and i["grade"] == 4


def test_iec_death_without_criteria() -> None:
    """clinical-rules §6: not met with death.cause iec_hs → met false, grade null, flag."""
    data = _iec_case(late_labs={"ferritin_ng_ml": 500}, death={"date": day_date(20), "cause": "iec_hs"})
    out = grade(data)
    i = out["course"]["iec_hs"]
    assert i["met"] is False and i["grade"] is None and i["first_day"] is None
    assert "death_from_iec_hs_without_criteria" in flags_of(out["course"])


def test_iec_object_shape() -> None:
    i = iec(_iec_case(late_labs={"ferritin_ng_ml": 500}))
    assert {"met", "grade", "first_day", "reasons"} <= set(i)
    assert i["met"] is False and i["grade"] is None
    assert isinstance(i["reasons"], list)


@pytest.mark.parametrize("uln,ast,met", [(30, 151, True), (30, 150, False)], ids=["ast-151-uln30", "ast-150-uln30"])
def test_iec_ast_uses_upper_limits(uln: float, ast: float, met: bool) -> None:
    """clinical-rules §0: upper_limits override the default ULN (AST 5 × 30 = 150)."""
    assert iec(_iec_case(late_labs={"ferritin_ng_ml": 18500, "ast_u_l": ast}, upper_limits={"ast_u_l": uln}))["met"] is met

"""ICAHT by EHA/EBMT 2023 (clinical-rules §4): one ANC per day, episodes, joining, imputation, late grade.

Series are written as {(from_day, to_day): anc, day: anc}; `default=` fills every day 0–30 first.
"""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import anc_days, anc_labs, assessment, at, case, day_date, grade, icaht

OK = 900   # recovered (> 500, > 100)
N = 300    # neutropenic (≤ 500), not profound (> 100)
P = 50     # profound (≤ 100)


def early(spec: dict[Any, float], default: float | None = OK, **kw: Any) -> Any:
    return icaht(anc_days(spec, default=default), **kw)["early_grade"]


# ---------------------------------------------------------------------------------------------
# Thresholds and durations, every day measured (§4 Early)
# ---------------------------------------------------------------------------------------------
DURATION = [
    ("no-neutropenia", {}, 0, "clinical-rules §4: 0 when no day is neutropenic"),
    ("501-for-7-days", {(3, 9): 501}, 0, "clinical-rules §4: ANC 501 is not ≤ 500"),
    ("500-for-1-day", {5: 500}, 1, "clinical-rules §4: ANC ≤ 500 inclusive; 1 day → 1"),
    ("500-for-7-days", {(3, 9): 500}, 2, "clinical-rules §4: 500 is neutropenic; 7 days → 2"),
    ("6-days", {(3, 8): N}, 1, "clinical-rules §4: longest episode 1–6 days → 1"),
    ("7-days", {(3, 9): N}, 2, "clinical-rules §4: 7 days → 2"),
    ("13-days", {(3, 15): N}, 2, "clinical-rules §4: 13 days → 2"),
    ("14-days", {(3, 16): N}, 3, "clinical-rules §4: ≥ 14 days → 3"),
    ("30-days-day30-recovered", {(0, 29): N}, 3, "clinical-rules §4: 30 of 31 days → 3 (not every day)"),
    ("30-days-day0-recovered", {(1, 30): N}, 3, "clinical-rules §4: 30 of 31 days → 3"),
    ("all-31-days", {(0, 30): N}, 4, "clinical-rules §4: every day 0–30 neutropenic → 4"),
    ("all-31-days-at-500", {(0, 30): 500}, 4, "clinical-rules §4: every day ≤ 500 → 4"),
    ("longest-not-sum", {(0, 5): N, (10, 15): N, (20, 25): N}, 1,
     "clinical-rules §4: the longest episode (6), not the sum (18) → 1"),
    ("window-edge-day0", {0: N}, 1, "clinical-rules §4: day 0 is in the early window"),
    ("window-edge-day30", {30: N}, 1, "clinical-rules §4: day 30 is in the early window"),
    ("episode-into-day30", {(24, 30): N}, 2, "clinical-rules §4: days 24–30 → 7 days → 2 (P-ICAHT-02)"),
]


@pytest.mark.parametrize("spec,expected,rule", [r[1:] for r in DURATION], ids=[r[0] for r in DURATION])
def test_early_duration(spec: dict[Any, float], expected: int, rule: str) -> None:
    assert early(spec) == expected, rule


PROFOUND = [
    ("100-for-7", {(3, 9): 100}, 3, "clinical-rules §4: ≤ 100 inclusive; profound 7 days → 3 (duration alone 2)"),
    ("101-for-7", {(3, 9): 101}, 2, "clinical-rules §4: 101 is not profound; 7 days ≤ 500 → 2"),
    ("profound-6", {(3, 8): P}, 1, "clinical-rules §4: profound 6 days < 7; 6 days neutropenic → 1"),
    ("profound-6-in-10", {(3, 12): N, (4, 9): P}, 2, "clinical-rules §4: profound 6 → no; 10 days → 2"),
    ("profound-7-in-10", {(3, 12): N, (4, 10): P}, 3, "clinical-rules §4: profound ≥ 7 → 3"),
    ("profound-13", {(3, 15): P}, 3, "clinical-rules §4: profound 13 days → 3"),
    ("profound-14", {(3, 16): P}, 4, "clinical-rules §4: profound ≥ 14 → 4"),
    ("100-for-14", {(3, 16): 100}, 4, "clinical-rules §4: 100 is profound; 14 days → 4"),
    ("101-for-14", {(3, 16): 101}, 3, "clinical-rules §4: 101 for 14 days → 3 by duration, not 4"),
]


@pytest.mark.parametrize("spec,expected,rule", [r[1:] for r in PROFOUND], ids=[r[0] for r in PROFOUND])
def test_early_profound(spec: dict[Any, float], expected: int, rule: str) -> None:
    assert early(spec) == expected, rule


# ---------------------------------------------------------------------------------------------
# Joining episodes across fewer than 3 recovered days; the gap days count (§4)
# ---------------------------------------------------------------------------------------------
JOIN = [
    ("gap-1", {(0, 4): N, 5: OK, (6, 7): N}, 2, "clinical-rules §4: 5 + 1 gap + 2 = 8 days → 2"),
    ("gap-2", {(0, 4): N, (5, 6): OK, (7, 8): N}, 2, "clinical-rules §4: gap of 2 recovered days joins: 9 days → 2"),
    ("gap-3", {(0, 4): N, (5, 7): OK, (8, 9): N}, 1, "clinical-rules §4: 3 recovered days separate: longest 5 → 1"),
    ("gap-2-to-14", {(2, 7): N, (8, 9): OK, (10, 15): N}, 3,
     "clinical-rules §4: 6 + 2 + 6 = 14 days joined → 3 (the gap days count)"),
    ("gap-2-to-13", {(2, 6): N, (7, 8): OK, (9, 14): N}, 2, "clinical-rules §4: 5 + 2 + 6 = 13 → 2"),
    ("gap-3-twice-6", {(2, 7): N, (8, 10): OK, (11, 16): N}, 1, "clinical-rules §4: not joined: 6 → 1"),
    ("chain-of-joins", {(0, 3): N, 4: OK, (5, 8): N, (9, 10): OK, (11, 14): N}, 3,
     "clinical-rules §4: three episodes joined over gaps of 1 and 2: 15 days → 3"),
    ("gap-2-at-window-end", {(20, 28): N, (29, 30): OK}, 2,
     "clinical-rules §4: trailing recovered days are not part of an episode: 9 → 2"),
    ("profound-gap-2", {(0, 3): P, (4, 5): N, (6, 8): P, (9, 12): N}, 3,
     "clinical-rules §4: profound 4 + 2 (> 100 gap) + 3 = 9 ≥ 7 → 3; neutropenic 13 → 2"),
    ("profound-gap-3", {(0, 3): P, (4, 6): N, (7, 9): P, (10, 11): N}, 2,
     "clinical-rules §4: profound recovery is ≥ 3 days > 100: 4 and 3 not joined; neutropenic 12 → 2"),
]


@pytest.mark.parametrize("spec,expected,rule", [r[1:] for r in JOIN], ids=[r[0] for r in JOIN])
def test_early_joining(spec: dict[Any, float], expected: int, rule: str) -> None:
    assert early(spec) == expected, rule


# ---------------------------------------------------------------------------------------------
# Imputation of days without a value (§4): nearest measured day on each side, ≤ 7 days apart
# ---------------------------------------------------------------------------------------------
IMPUTE = [
    ("gap-7-neutropenic", {0: N, 7: N, **{d: OK for d in range(8, 31)}}, 2,
     "clinical-rules §4: day numbers 0 and 7 differ by 7 → days 1–6 neutropenic: 8 days → 2"),
    ("gap-8-unknown", {0: N, 8: N, **{d: OK for d in range(9, 31)}}, 1,
     "clinical-rules §4: 0 and 8 differ by 8 → days 1–7 unknown: longest 1 → 1"),
    ("gap-7-to-14-days", {(0, 3): N, 10: N, **{d: OK for d in range(14, 31)}, 11: N, 12: N, 13: N}, 3,
     "clinical-rules §4: 3 and 10 differ by 7 → 4–9 imputed: days 0–13 = 14 → 3"),
    ("mixed-neighbours-unknown", {(0, 5): N, 7: OK, **{d: OK for d in range(8, 31)}}, 1,
     "clinical-rules §4: day 6 between 300 and 900 is unknown (not neutropenic): longest 6 → 1"),
    ("imputed-recovered-separates", {(0, 3): N, 4: OK, 6: OK, (7, 9): N, **{d: OK for d in range(10, 31)}}, 1,
     "clinical-rules §4: day 5 between 900 and 900 is recovered → 3 recovered days → not joined: 4 → 1"),
    ("unknown-ends-episode", {(0, 3): N, 4: OK, (6, 9): N, **{d: OK for d in range(10, 31)}}, 1,
     "clinical-rules §4: day 5 (900 | 300) is unknown and ends the episode; no join: longest 4 → 1"),
    ("long-gap-splits", {(0, 5): N, (14, 20): N, **{d: OK for d in range(21, 31)}}, 2,
     "clinical-rules §4: days 6–13 unknown (5 → 14 is 9 apart): longest 7 → 2, not 21"),
    ("single-value", {5: N}, 1, "clinical-rules §4: one measured neutropenic day, every other day unknown → 1"),
    ("single-value-recovered", {5: OK}, 0, "clinical-rules §4: no neutropenic day → 0"),
]


@pytest.mark.parametrize("spec,expected,rule", [r[1:] for r in IMPUTE], ids=[r[0] for r in IMPUTE])
def test_early_imputation(spec: dict[Any, float], expected: int, rule: str) -> None:
    assert early(spec, default=None) == expected, rule


ALL_DAYS = [
    ("weekly-all-imputed", {0: N, 7: N, 14: N, 21: N, 28: N, 30: N}, 4,
     "clinical-rules §4: every day 0–30 neutropenic, measured or imputed → 4"),
    ("gap-8-breaks-all", {0: N, 8: N, 15: N, 22: N, 29: N, 30: N}, 3,
     "clinical-rules §4: 0 → 8 differ by 8 → days 1–7 unknown: longest 8–30 = 23 → 3, not 4"),
    ("outside-after-serves", {**{d: N for d in range(0, 30)}, 33: N}, 4,
     "clinical-rules §4: day 30 imputed from days 29 and 33 (days outside 0–30 may serve) → all 31 → 4"),
    ("no-outside-after", {d: N for d in range(0, 30)}, 3,
     "clinical-rules §4: day 30 has no measured day after it → unknown → 30 days → 3"),
    ("outside-before-serves", {-2: N, **{d: N for d in range(5, 31)}}, 4,
     "clinical-rules §4: days 0–4 imputed from days −2 and 5 (7 apart) → all 31 → 4"),
    ("no-outside-before", {d: N for d in range(5, 31)}, 3, "clinical-rules §4: days 0–4 unknown → 26 → 3"),
    ("outside-before-8-apart", {-3: N, **{d: N for d in range(5, 31)}}, 3,
     "clinical-rules §4: −3 and 5 differ by 8 → days 0–4 unknown → 26 → 3"),
]


@pytest.mark.parametrize("spec,expected,rule", [r[1:] for r in ALL_DAYS], ids=[r[0] for r in ALL_DAYS])
def test_early_every_day(spec: dict[int, float], expected: int, rule: str) -> None:
    assert icaht(spec)["early_grade"] == expected, rule


def test_early_profound_imputed() -> None:
    """clinical-rules §4: profound episodes are built the same way (imputation ≤ 7 days apart, ≤ 100 on both sides)."""
    spec = {**{d: OK for d in range(0, 31)}, 3: P, 10: P}
    for d in range(4, 10):
        del spec[d]
    assert icaht(spec)["early_grade"] == 3, "days 3–10 profound (8 days ≥ 7) → 3"


def test_early_null_without_values_in_window() -> None:
    """clinical-rules §4: early null with no ANC value on days 0–30."""
    assert icaht({})["early_grade"] is None
    assert icaht({-1: 50, 31: 50, 40: 50})["early_grade"] is None


def test_no_anc_at_all() -> None:
    out = grade(case())
    assert out["course"]["icaht"]["early_grade"] is None
    assert out["course"]["icaht"]["late_grade"] is None


# ---------------------------------------------------------------------------------------------
# One ANC per day: the lowest, from assessment labs and standalone labs together (§4)
# ---------------------------------------------------------------------------------------------
def test_lowest_of_day_across_sources() -> None:
    labs = anc_labs(anc_days({}, default=OK))
    labs.append({"time": at(5, "20:00"), "anc_per_ul": 600})
    data = case(labs=labs, assessments=[assessment(id="d5", time=at(5), labs={"anc_per_ul": 400})])
    assert grade(data)["course"]["icaht"]["early_grade"] == 1, "the day's lowest (400 from the assessment) counts"


def test_lowest_of_day_standalone_only() -> None:
    labs = anc_labs(anc_days({}, default=OK))
    labs += [{"time": at(5, "06:00"), "anc_per_ul": 450}, {"time": at(5, "18:00"), "anc_per_ul": 700}]
    assert grade(case(labs=labs))["course"]["icaht"]["early_grade"] == 1


def test_assessment_labs_only_series() -> None:
    assessments = [assessment(id=f"d{d}", time=at(d), labs={"anc_per_ul": (N if 3 <= d <= 9 else OK)})
                   for d in range(0, 31)]
    assert grade(case(assessments=assessments))["course"]["icaht"]["early_grade"] == 2


def test_timed_labs_count_by_calendar_day() -> None:
    spec = anc_days({(3, 9): N}, default=OK)
    assert grade(case(labs=anc_labs(spec, hhmm="23:30")))["course"]["icaht"]["early_grade"] == 2


def test_gcsf_does_not_change_grade() -> None:
    """clinical-rules §4: G-CSF does not change the grade."""
    spec = anc_days({(3, 9): N}, default=OK)
    plain = grade(case(labs=anc_labs(spec)))["course"]["icaht"]
    gcsf = grade(case(labs=anc_labs(spec), interventions=[{"time": at(2), "drug": "g_csf"}]))["course"]["icaht"]
    assert plain["early_grade"] == gcsf["early_grade"] == 2


# ---------------------------------------------------------------------------------------------
# Late ICAHT (§4 Late, literal "non-transient" reading): ≥ 2 values on different days, days 31–100
# ---------------------------------------------------------------------------------------------
LATE = [
    ("two-at-1500", {40: 1500, 50: 1500}, 1, "clinical-rules §4 late: ≤ 1500 inclusive twice → 1"),
    ("1501-and-1500", {40: 1501, 50: 1500}, 0, "clinical-rules §4 late: fewer than two values ≤ 1500 → 0"),
    ("two-at-1000", {40: 1000, 50: 1000}, 2, "clinical-rules §4 late: ≤ 1000 twice → 2"),
    ("1001-and-1000", {40: 1001, 50: 1000}, 1, "clinical-rules §4 late: only one ≤ 1000 → 1"),
    ("two-at-500", {40: 500, 50: 500}, 3, "clinical-rules §4 late: ≤ 500 twice → 3"),
    ("501-and-500", {40: 501, 50: 500}, 2, "clinical-rules §4 late: only one ≤ 500 → 2"),
    ("two-at-100", {40: 100, 50: 100}, 4, "clinical-rules §4 late: ≤ 100 twice → 4"),
    ("101-and-100", {40: 101, 50: 100}, 3, "clinical-rules §4 late: only one ≤ 100 → 3"),
    ("nadir-alone", {40: 50, 50: 1400}, 1,
     "clinical-rules §4 late Decision: the literal reading — a single 50 does not make 4; two ≤ 1500 → 1"),
    ("one-low-one-high", {40: 50, 50: 2000}, 0, "clinical-rules §4 late: fewer than two values ≤ 1500 → 0"),
    ("two-high", {40: 1600, 50: 2000}, 0, "clinical-rules §4 late: no value ≤ 1500 → 0"),
    ("one-value", {40: 50}, None, "clinical-rules §4 late: null with fewer than two values in the window"),
    ("day31-and-day100", {31: 300, 100: 300}, 3, "clinical-rules §4 late: days 31–100 inclusive"),
    ("day30-not-late", {30: 300, 40: 300}, None, "clinical-rules §4 late: day 30 belongs to early; one late value → null"),
    ("day101-not-late", {40: 300, 101: 300}, None, "clinical-rules §4 late: day 101 is outside; one value → null"),
    ("mixed-tiers", {35: 80, 45: 90, 60: 400, 80: 1200}, 4, "clinical-rules §4 late: the highest grade met by two values"),
    ("three-values", {35: 400, 45: 900, 60: 450}, 3, "clinical-rules §4 late: two values ≤ 500 → 3 (P-ICAHT-02 pattern)"),
]


@pytest.mark.parametrize("spec,expected,rule", [r[1:] for r in LATE], ids=[r[0] for r in LATE])
def test_late(spec: dict[int, float], expected: int | None, rule: str) -> None:
    assert icaht(spec)["late_grade"] == expected, rule


def test_late_values_on_same_day_count_once() -> None:
    """clinical-rules §4 late: "met by at least 2 ANC values on different days"."""
    labs = [{"time": at(40, "06:00"), "anc_per_ul": 300}, {"time": at(40, "18:00"), "anc_per_ul": 250},
            {"date": day_date(50), "anc_per_ul": 1200}]
    assert grade(case(labs=labs))["course"]["icaht"]["late_grade"] == 1


def test_late_two_values_same_day_only() -> None:
    # literal reading: §4 "One ANC per day" makes two same-day measurements one value, so the window holds
    # fewer than two values → null.
    labs = [{"time": at(40, "06:00"), "anc_per_ul": 300}, {"time": at(40, "18:00"), "anc_per_ul": 250}]
    assert grade(case(labs=labs))["course"]["icaht"]["late_grade"] is None


def test_late_from_assessment_labs() -> None:
    data = case(assessments=[assessment(id="d40", time=at(40), labs={"anc_per_ul": 800}),
                             assessment(id="d60", time=at(60), labs={"anc_per_ul": 700})])
    assert grade(data)["course"]["icaht"]["late_grade"] == 2


def test_icaht_object_shape() -> None:
    obj = icaht(anc_days({(3, 9): N}, default=OK))
    assert {"early_grade", "late_grade", "reasons"} <= set(obj)
    assert type(obj["early_grade"]) is int
    assert isinstance(obj["reasons"], list)


def test_profound_imputation_needs_both_sides_profound() -> None:
    """clinical-rules §4: profound episodes are built the same way with ≤ 100: day 6 between 50 and 300 is
    neutropenic (both ≤ 500) but profound-unknown (one side > 100), and an unknown day ends the profound
    episode — so the profound runs 0–5 and 8–13 (6 days each) are not joined into 14 (grade 4)."""
    spec = {**{d: P for d in range(0, 6)}, 7: N, **{d: P for d in range(8, 14)}, **{d: OK for d in range(14, 31)}}
    assert icaht(spec)["early_grade"] == 3, "neutropenic days 0–13 = 14 → 3; longest profound 6 → no 3/4 from ≤ 100"


def test_days_before_day_0_do_not_lengthen_an_episode() -> None:
    """clinical-rules §4: the early window is days 0–30; earlier days only serve to impute."""
    spec = {**{d: N for d in range(-5, 6)}, **{d: OK for d in range(6, 31)}}
    assert icaht(spec)["early_grade"] == 1, "days 0–5 = 6 days → 1 (not 11 days)"


def test_days_after_day_30_do_not_lengthen_an_episode() -> None:
    spec = {**{d: OK for d in range(0, 25)}, **{d: N for d in range(25, 45)}}
    assert icaht(spec)["early_grade"] == 1, "days 25–30 = 6 days → 1"

"""ICAHT: immune effector cell-associated hematotoxicity, early (days 0–30) and late (31–100).

Rules: clinical-rules.md §4; Rejeski et al., Blood 2023;142:865-877 (EHA/EBMT consensus,
Table 2), with the episode-joining and imputation conventions of the authors' group reference
implementation (clinical-background §4.2) and the literal "≥ 2 values" late reading (D11).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from .sources import ICAHT_2023
from .units import fmt

NEUTROPENIA_PER_UL = 500.0  # inclusive: ANC ≤ 500/µL is a neutropenic day
PROFOUND_PER_UL = 100.0  # inclusive: ANC ≤ 100/µL
RECOVERY_DAYS = 3  # stable recovery: ≥ 3 consecutive days above the threshold
MAX_IMPUTATION_GAP_DAYS = 7
EARLY_FIRST_DAY, EARLY_LAST_DAY = 0, 30
LATE_FIRST_DAY, LATE_LAST_DAY = 31, 100
LATE_THRESHOLDS = ((100.0, 4), (500.0, 3), (1000.0, 2), (1500.0, 1))

NEUTROPENIC, RECOVERED, UNKNOWN = "N", "R", "U"


@dataclass(slots=True)
class IcahtResult:
    early_grade: int | None
    late_grade: int | None
    reasons: list[str] = field(default_factory=list)
    early_longest_days: int = 0
    early_profound_days: int = 0
    imputed_days: list[int] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "early_grade": self.early_grade,
            "late_grade": self.late_grade,
            "reasons": list(self.reasons),
            "early_longest_neutropenia_days": self.early_longest_days,
            "early_longest_profound_days": self.early_profound_days,
            "imputed_days": list(self.imputed_days),
            "flags": list(self.flags),
            "source": ICAHT_2023,
        }


def _day_statuses(anc_by_day: dict[int, float], threshold: float) -> tuple[list[str], list[int]]:
    """Status of each day 0–30; a day without a value takes its nearest measured days on each
    side when they are at most 7 days apart and agree, else it is unknown."""
    measured = sorted(anc_by_day)
    statuses: list[str] = []
    imputed: list[int] = []
    for day in range(EARLY_FIRST_DAY, EARLY_LAST_DAY + 1):
        if day in anc_by_day:
            statuses.append(NEUTROPENIC if anc_by_day[day] <= threshold else RECOVERED)
            continue
        pos = bisect_left(measured, day)
        before = measured[pos - 1] if pos > 0 else None
        after = measured[pos] if pos < len(measured) else None
        status = UNKNOWN
        if before is not None and after is not None and after - before <= MAX_IMPUTATION_GAP_DAYS:
            low_before = anc_by_day[before] <= threshold
            low_after = anc_by_day[after] <= threshold
            if low_before and low_after:
                status = NEUTROPENIC
            elif not low_before and not low_after:
                status = RECOVERED
        if status != UNKNOWN:
            imputed.append(day)
        statuses.append(status)
    return statuses, imputed


def longest_episode(statuses: list[str]) -> tuple[int, int | None]:
    """Longest run of neutropenic days, joining runs separated by fewer than 3 recovered days
    (the gap days count); an unknown day ends an episode. Returns (length, first day)."""
    best, best_start = 0, None
    length, start, gap, open_episode = 0, 0, 0, False
    for day, status in enumerate(statuses):
        if status == NEUTROPENIC:
            if not open_episode:
                open_episode, length, start = True, 0, day
            length += gap + 1
            gap = 0
            if length > best:
                best, best_start = length, start
        elif status == RECOVERED and open_episode:
            gap += 1
            if gap >= RECOVERY_DAYS:
                open_episode, gap = False, 0
        else:
            open_episode, gap = False, 0
    return best, best_start


def grade_icaht(anc_by_day: dict[int, float], gcsf_given: bool) -> IcahtResult:
    """Early and late ICAHT from the lowest ANC (/µL) of each day after infusion."""
    result = IcahtResult(None, None)
    if any(EARLY_FIRST_DAY <= d <= EARLY_LAST_DAY for d in anc_by_day):
        statuses, imputed = _day_statuses(anc_by_day, NEUTROPENIA_PER_UL)
        profound, imputed_p = _day_statuses(anc_by_day, PROFOUND_PER_UL)
        longest, start = longest_episode(statuses)
        longest_p, start_p = longest_episode(profound)
        all_days = all(s == NEUTROPENIC for s in statuses)
        grade = 0
        if longest >= 14:
            grade = 3
        elif longest >= 7:
            grade = 2
        elif longest >= 1:
            grade = 1
        if longest_p >= 7:
            grade = max(grade, 3)
        if longest_p >= 14 or all_days:
            grade = 4
        result.early_grade = grade
        result.early_longest_days = longest
        result.early_profound_days = longest_p
        result.imputed_days = imputed
        if longest and start is not None:
            result.reasons.append(
                f"early: longest episode of ANC ≤ 500/µL {longest} days (days {start}–{start + longest - 1})"
            )
        else:
            result.reasons.append("early: no day with ANC ≤ 500/µL on days 0–30")
        if longest_p and start_p is not None:
            result.reasons.append(
                f"early: longest episode of ANC ≤ 100/µL {longest_p} days (days {start_p}–{start_p + longest_p - 1})"
            )
        if all_days:
            result.reasons.append("early: neutropenic on every day 0–30")
        if imputed or imputed_p:
            days = sorted(set(imputed) | set(imputed_p))
            result.reasons.append("days without a value, taken from their neighbours: " + _ranges(days))
        if UNKNOWN in statuses:
            result.reasons.append("days that could not be imputed (gap over 7 days or neighbours disagree): "
                                  + _ranges([i for i, s in enumerate(statuses) if s == UNKNOWN]))
    else:
        result.reasons.append("early: no ANC value on days 0–30")

    late_values = sorted(v for d, v in anc_by_day.items() if LATE_FIRST_DAY <= d <= LATE_LAST_DAY)
    if len(late_values) >= 2:
        late = 0
        for threshold, grade in LATE_THRESHOLDS:
            if sum(1 for v in late_values if v <= threshold) >= 2:
                late = grade
                break
        result.late_grade = late
        second = late_values[1]
        result.reasons.append(
            f"late: {len(late_values)} ANC values on days 31–100; the two lowest {fmt(late_values[0])} and {fmt(second)}/µL"
        )
    else:
        result.reasons.append(f"late: {len(late_values)} ANC value(s) on days 31–100; at least 2 are needed")
    if gcsf_given:
        result.reasons.append("G-CSF given: shown as context, it does not change the grade")
    return result


def _ranges(days: list[int]) -> str:
    parts: list[str] = []
    start = prev = days[0]
    for d in days[1:]:
        if d != prev + 1:
            parts.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = d
        prev = d
    parts.append(f"{start}" if start == prev else f"{start}–{prev}")
    return "days " + ", ".join(parts)

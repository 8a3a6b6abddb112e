"""IEC-HS screening: immune effector cell-associated HLH-like syndrome.

Rules: clinical-rules.md §6 (the project's operational Decision), after Hines et al., Transplant
Cell Ther 2023;29:438.e1 (ASTCT IEC-HS criteria). A screening flag that always asks for a
clinician's confirmation (flag ``iec_hs_needs_confirmation``), never a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple

from .crs import POSITIVE_PRESSURE, CrsCourse
from .model import STEROIDS, Assessment, Case
from .results import GradeResult
from .sources import IEC_HS_2023
from .units import fmt

FIBRINOGEN_LOW_MG_DL = 150.0
FIBRINOGEN_SEVERE_MG_DL = 100.0
TRANSAMINASE_ULN_FOLD = 5.0
TRIGLYCERIDES_HIGH_MG_DL = 265.0
PLATELETS_SEVERE_PER_UL = 20_000.0
FERRITIN_FOLD = 2.0
DROP_FRACTION = 0.5


@dataclass(slots=True)
class IecHsResult:
    met: bool
    grade: int | None
    first_day: int | None
    first_time: datetime | None = None
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"met": self.met, "grade": self.grade, "first_day": self.first_day, "reasons": list(self.reasons),
                "flags": list(self.flags), "source": IEC_HS_2023}


class _Value(NamedTuple):
    """One lab value and where it came from (a NamedTuple: built many times per course)."""

    time: datetime
    value: float
    key: tuple[str, int]  # ("baseline"|"assessment"|"lab", index) identifies the record


def _series(case: Case, name: str) -> list[_Value]:
    out = []
    if name in case.baseline_labs:
        out.append(_Value(datetime.min, case.baseline_labs[name], ("baseline", 0)))
    for a in case.assessments:
        if name in a.labs:
            out.append(_Value(a.time, a.labs[name], ("assessment", a.index)))
    for entry in case.labs:
        if name in entry.labs:
            out.append(_Value(entry.time, entry.labs[name], ("lab", entry.index)))
    out.sort(key=attrgetter("time"))
    return out


def _current(a: Assessment, case: Case, name: str) -> list[_Value]:
    """This assessment's own value plus standalone labs dated the same day."""
    values = [_Value(a.time, a.labs[name], ("assessment", a.index))] if name in a.labs else []
    if case.labs:
        day = a.time.date()
        values += [_Value(e.time, e.labs[name], ("lab", e.index))
                   for e in case.labs if name in e.labs and e.time.date() == day]
    return values


def _highest_today(a: Assessment, case: Case, name: str) -> float | None:
    """The highest of this assessment's own value and standalone labs dated the same day."""
    best = a.labs.get(name)
    if case.labs:
        day = a.time.date()
        for e in case.labs:
            v = e.labs.get(name)
            if v is not None and (best is None or v > best) and e.time.date() == day:
                best = v
    return best


def _hlh_features(a: Assessment, case: Case, series: dict[str, list[_Value]]) -> list[str]:
    found: list[str] = []
    for v in _current(a, case, "fibrinogen_mg_dl"):
        if v.value < FIBRINOGEN_LOW_MG_DL:
            found.append(f"fibrinogen {fmt(v.value)} mg/dL (below 150)")
            break
    for name, label in (("alt_u_l", "ALT"), ("ast_u_l", "AST")):
        uln = case.uln(name)
        for v in _current(a, case, name):
            if v.value > TRANSAMINASE_ULN_FOLD * uln:
                found.append(f"{label} {fmt(v.value)} U/L (above 5 × ULN {fmt(uln)})")
                break
    for v in _current(a, case, "triglycerides_mg_dl"):
        if v.value >= TRIGLYCERIDES_HIGH_MG_DL:
            found.append(f"triglycerides {fmt(v.value)} mg/dL (265 or more)")
            break
    for name, label in (("platelets_per_ul", "platelets"), ("anc_per_ul", "ANC")):
        current = _current(a, case, name)
        if not current:
            continue
        keys = {v.key for v in current}
        earlier = [v for v in series[name] if v.time < a.time and v.key not in keys]
        if not earlier:
            continue
        previous = earlier[-1]
        low = min(current, key=lambda v: v.value)
        if previous.value > 0 and low.value <= DROP_FRACTION * previous.value:
            found.append(f"{label} {fmt(low.value)}/µL, at or below half of the previous {fmt(previous.value)}/µL")
    return found


def screen_iec_hs(
    case: Case,
    ordered: list[Assessment],
    crs_course: CrsCourse,
    crs_by_index: dict[int, GradeResult],
) -> IecHsResult:
    """Evaluate each assessment with a ferritin; met when ferritin, timing and at least one
    HLH-like feature hold together; grade what is recorded from the first met assessment on."""
    series: dict[str, list[_Value]] = {}
    baseline_ferritin = case.baseline_labs.get("ferritin_ng_ml")
    ferritin_uln = case.uln("ferritin_ng_ml")
    highest_so_far = -1
    first: Assessment | None = None
    reasons: list[str] = []
    for a in ordered:
        crs = crs_by_index[a.index]
        if crs.grade is not None:
            highest_so_far = max(highest_so_far, crs.grade)
        ferritin = _highest_today(a, case, "ferritin_ng_ml")
        if ferritin is None:
            continue
        high = ferritin > FERRITIN_FOLD * ferritin_uln or (
            baseline_ferritin is not None and ferritin > FERRITIN_FOLD * baseline_ferritin
        )
        resolving = (
            crs_course.onset_time is not None
            and crs_course.onset_time < a.time
            and crs.grade is not None
            and crs.complete
            and crs.grade < highest_so_far
        )
        if high and resolving and not series:
            series = {name: _series(case, name) for name in ("platelets_per_ul", "anc_per_ul")}
        features = _hlh_features(a, case, series) if high and resolving else []
        if high and resolving and features:
            first = a
            basis = f"2 × ULN {fmt(ferritin_uln)}"
            if baseline_ferritin is not None and ferritin > FERRITIN_FOLD * baseline_ferritin:
                basis = f"2 × baseline {fmt(baseline_ferritin)}"
            reasons = [
                f"day {case.day_of(a.time)}: ferritin {fmt(ferritin)} ng/mL (above {basis})",
                f"CRS resolving: grade {crs.grade} now, highest {highest_so_far} earlier in the course",
                *features,
            ]
            break

    death_iec = case.death is not None and case.death.cause == "iec_hs"
    if first is None:
        result = IecHsResult(False, None, None, None, ["criteria not met (ferritin, timing after CRS, HLH-like feature)"])
        if death_iec:
            result.flags.append("death_from_iec_hs_without_criteria")
        return result

    start = first.time
    grade, why = 1, "criteria met, no feature of a higher grade"
    if any(
        iv.time >= start and (iv.drug == "anakinra" or iv.drug in STEROIDS) for iv in case.interventions
    ):
        grade, why = 2, "anakinra or a steroid given"
    low_lab = False
    for entry_time, labs in [(a.time, a.labs) for a in case.assessments] + [(e.time, e.labs) for e in case.labs]:
        if entry_time < start:
            continue
        fib = labs.get("fibrinogen_mg_dl")
        plt = labs.get("platelets_per_ul")
        if (fib is not None and fib < FIBRINOGEN_SEVERE_MG_DL) or (plt is not None and plt < PLATELETS_SEVERE_PER_UL):
            low_lab = True
    if low_lab:
        grade, why = 3, "fibrinogen below 100 mg/dL or platelets below 20,000/µL"
    if any(a.time >= start and (a.vasopressors or a.o2_device in POSITIVE_PRESSURE) for a in case.assessments):
        grade, why = 4, "vasopressor or positive-pressure ventilation"
    if death_iec:
        grade, why = 5, "death from IEC-HS"
    reasons.append(f"grade {grade}: {why}")
    reasons.append("screening result: a clinician must confirm IEC-HS")
    return IecHsResult(True, grade, case.day_of(first.time), first.time, reasons, ["iec_hs_needs_confirmation"])

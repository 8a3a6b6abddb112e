"""Grading a whole case: every assessment, then the course summary (case-format.md "Output").

This is the one entry point that the UI, the command line, the PDFs and the exports ask; the
rules themselves live in the scale modules (crs, icans, icaht, hematotox, iec_hs, easix).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from .crs import CrsCourse, crs_course, grade_crs
from .easix import easix, m_easix
from .hematotox import HematotoxResult, score_car_hematotox
from .icaht import IcahtResult, grade_icaht
from .icans import grade_icans_astct
from .iec_hs import IecHsResult, screen_iec_hs
from .model import Assessment, Case
from .protocol import Protocol, Suggestion, TocilizumabRules, TocilizumabSummary, check_tocilizumab
from .results import GradeResult

# Bumped whenever a rule changes, so stored grades can be traced to the rules that made them.
RULES_VERSION = "cartox-rules 1.0 (clinical-rules.md 2026-11-21)"
NOTICE = ("Decision support only: supports and does not replace clinical judgement. "
          "Management suggestions come from the hospital's protocol file, shown with their source.")


@dataclass(slots=True)
class AssessmentGrades:
    assessment: Assessment
    day: int
    crs_astct: GradeResult
    crs_ctcae: GradeResult
    icans_astct: GradeResult
    easix: float | None
    m_easix: float | None

    def to_json(self) -> dict[str, Any]:
        a = self.assessment
        return {
            "id": a.id,
            "day": self.day,
            "time": a.time.isoformat(timespec="minutes"),
            "crs_astct": self.crs_astct.to_json(),
            "crs_ctcae": self.crs_ctcae.to_json(),
            "icans_astct": self.icans_astct.to_json(),
            "easix": self.easix,
            "m_easix": self.m_easix,
        }


@dataclass(slots=True)
class Episode:
    """Maximum, onset, resolution and duration of CRS or ICANS over the course."""

    max_grade: int | None
    onset_day: int | None
    resolution_day: int | None
    duration_days: int | None
    current_grade: int | None


@dataclass(slots=True)
class CourseSummary:
    crs: Episode
    crs_ctcae_max_grade: int | None
    icans: Episode
    icaht: IcahtResult
    car_hematotox: HematotoxResult
    iec_hs: IecHsResult
    tocilizumab: TocilizumabSummary
    tocilizumab_rules: TocilizumabRules
    as_of: datetime | None
    next_ice_due: datetime | None
    ice_interval_h: float | None
    suggestions: list[Suggestion]
    protocol_label: str | None
    alerts: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat(timespec="minutes") if t else None

        return {
            "crs_max_grade": self.crs.max_grade,
            "crs_onset_day": self.crs.onset_day,
            "crs_resolution_day": self.crs.resolution_day,
            "crs_duration_days": self.crs.duration_days,
            "crs_current_grade": self.crs.current_grade,
            "crs_ctcae_max_grade": self.crs_ctcae_max_grade,
            "icans_max_grade": self.icans.max_grade,
            "icans_onset_day": self.icans.onset_day,
            "icans_resolution_day": self.icans.resolution_day,
            "icans_duration_days": self.icans.duration_days,
            "icans_current_grade": self.icans.current_grade,
            "icaht": self.icaht.to_json(),
            "car_hematotox": self.car_hematotox.to_json(),
            "iec_hs": self.iec_hs.to_json(),
            "tocilizumab": self.tocilizumab.to_json(self.tocilizumab_rules),
            "monitoring": {"as_of": iso(self.as_of), "ice_every_h": self.ice_interval_h,
                           "next_ice_due": iso(self.next_ice_due),
                           "ice_overdue": bool(self.next_ice_due and self.as_of and self.as_of > self.next_ice_due)},
            "suggestions": [s.to_json() for s in self.suggestions],
            "protocol": self.protocol_label,
            "alerts": list(self.alerts),
            "flags": list(self.flags),
        }


@dataclass(slots=True)
class CaseGrades:
    assessments: list[AssessmentGrades]  # input order
    course: CourseSummary

    def to_json(self, entry_json: Callable[[AssessmentGrades], dict[str, Any]] | None = None) -> dict[str, Any]:
        """Case-format output. ``entry_json`` may supply each assessment's JSON (a caller that
        memoises ``AssessmentGrades.to_json`` per object); it must return what that method would."""
        return {
            "assessments": [g.to_json() for g in self.assessments] if entry_json is None
            else [entry_json(g) for g in self.assessments],
            "course": self.course.to_json(),
            "rules_version": RULES_VERSION,
            "notice": NOTICE,
        }


def _episode(ordered: list[AssessmentGrades], results: list[GradeResult], onset_day: int | None) -> Episode:
    """Maximum and current grade; resolution = the day of the first graded check after the last
    one at grade 1 or more, when the course is at grade 0 now (one pass: courses are long)."""
    max_grade = current = resolution = None
    seen_active = waiting = False
    for g, r in zip(ordered, results, strict=True):
        grade = r.grade
        if grade is None:
            continue
        if max_grade is None or grade > max_grade:
            max_grade = grade
        current = grade
        if grade >= 1:
            seen_active = waiting = True
            resolution = None
        elif waiting:
            resolution, waiting = g.day, False
    if onset_day is None or current != 0 or not seen_active:
        resolution = None
    duration = resolution - onset_day if resolution is not None and onset_day is not None else None
    return Episode(max_grade, onset_day, resolution, duration, current)


def _anc_by_day(case: Case) -> dict[int, float]:
    """One ANC per day: the lowest of that day, assessment and standalone labs together (§4)."""
    out: dict[int, float] = {}
    values = [(a.time, a.labs["anc_per_ul"]) for a in case.assessments if "anc_per_ul" in a.labs]
    values += [(e.time, e.labs["anc_per_ul"]) for e in case.labs if "anc_per_ul" in e.labs]
    for when, anc in values:
        day = case.day_of(when)
        if day not in out or anc < out[day]:
            out[day] = anc
    return out


def _latest_time(case: Case) -> datetime | None:
    times = [a.time for a in case.assessments] + [e.time for e in case.labs] + [iv.time for iv in case.interventions]
    return max(times, default=None)


def _ice_assessed(a: Assessment) -> bool:
    return (a.ice_score is not None or a.ice is not None or a.ice_not_possible is not None
            or a.capd_score is not None or a.capd_not_possible is not None)


_BY_TIME = attrgetter("time", "index")  # C-level sort keys: courses hold hundreds of entries
_BY_INPUT_POSITION = attrgetter("assessment.index")


def grade_case(case: Case, protocol: Protocol | None = None, as_of: datetime | None = None,
               memo: MutableMapping[Any, AssessmentGrades] | None = None) -> CaseGrades:
    """Grade every assessment of ``case`` and summarise the course.

    ``protocol`` supplies the tocilizumab limits, monitoring intervals and suggested steps (the
    clinical-rules §8 defaults apply to tocilizumab without one); ``as_of`` is the time alerts
    are judged at (default: the latest recorded time in the case). ``memo`` (optional, owned by
    the caller) keeps each assessment's grades for the same Assessment object under the same
    course context, so a caller that re-grades a stored course on every save grades only what
    changed; the course summary is always computed afresh.
    """
    ordered = sorted(case.assessments, key=_BY_TIME)
    years = case.patient.completed_years
    course_ctx: CrsCourse = crs_course(case, ordered)
    by_time: list[AssessmentGrades] = []
    infusion_day = case.infusion_date.toordinal()
    for a in ordered:
        # An assessment's grades depend on itself, the fever waiver (time and wording), the age in
        # completed years and its day; the memoised entry keeps ``a`` alive, so id(a) stays unique.
        day = a.time.toordinal() - infusion_day
        if memo is not None:
            key = (id(a), course_ctx.waiver_from, course_ctx.waiver_note, years, day)
            known = memo.get(key)
            if known is not None and known.assessment is a:
                by_time.append(known)
                continue
        astct, ctcae = grade_crs(a, course_ctx, years)
        labs = a.labs
        graded = AssessmentGrades(
            a, day, astct, ctcae, grade_icans_astct(a, years),
            easix(labs) if labs else None, m_easix(labs) if labs else None,
        )
        if memo is not None:
            memo[key] = graded
        by_time.append(graded)
    flags: list[str] = []
    alerts: list[str] = []

    crs = _episode(by_time, [g.crs_astct for g in by_time], course_ctx.onset_day)
    icans_onset = next((g.day for g in by_time if (g.icans_astct.grade or 0) >= 1), None)
    icans = _episode(by_time, [g.icans_astct for g in by_time], icans_onset)
    ctcae_max = max((g.crs_ctcae.grade for g in by_time if g.crs_ctcae.grade is not None), default=None)
    if case.death is not None and case.death.cause == "crs":
        crs.max_grade = 5
        ctcae_max = 5
        if course_ctx.onset_time is None:
            flags.append("death_without_graded_crs")
    if case.death is not None and case.death.cause == "icans":
        icans.max_grade = 5

    icaht = grade_icaht(_anc_by_day(case), any(iv.drug == "g_csf" for iv in case.interventions))
    hematotox = score_car_hematotox(case.baseline_labs)
    flags += [f for f in hematotox.flags if f not in flags]
    iec = screen_iec_hs(case, ordered, course_ctx, {g.assessment.index: g.crs_astct for g in by_time})
    flags += [f for f in iec.flags if f not in flags]
    if iec.met:
        alerts.append(f"IEC-HS screening criteria met on day {iec.first_day} (grade {iec.grade}): "
                      "a clinician must confirm")

    when = as_of or _latest_time(case)
    rules = protocol.tocilizumab if protocol else TocilizumabRules()
    toci = check_tocilizumab(rules, case.interventions, case.patient.weight_kg, when or datetime.min + timedelta(days=1))
    alerts += toci.alerts

    next_due = interval = None
    if protocol is not None and when is not None and ordered:
        worst_now = max(crs.current_grade or 0, icans.current_grade or 0)
        rule = protocol.monitoring_rule(case.day_of(when), worst_now)
        last_ice = next((a for a in reversed(ordered) if _ice_assessed(a)), None)
        if rule is not None:
            interval = rule.ice_every_h
            if last_ice is not None:
                next_due = last_ice.time + timedelta(hours=rule.ice_every_h)
                if when > next_due:
                    alerts.append(f"{'CAPD' if years < 12 else 'ICE'} check overdue: last at "
                                  f"{last_ice.time.strftime('%Y-%m-%d %H:%M')}, due every {rule.ice_every_h:g} h "
                                  f"[{rule.source}]")
    suggestions = protocol.suggestions(crs.current_grade, icans.current_grade, iec.met) if protocol else []

    summary = CourseSummary(
        crs=crs, crs_ctcae_max_grade=ctcae_max, icans=icans, icaht=icaht, car_hematotox=hematotox, iec_hs=iec,
        tocilizumab=toci, tocilizumab_rules=rules, as_of=when, next_ice_due=next_due, ice_interval_h=interval,
        suggestions=suggestions, protocol_label=protocol.label if protocol else None, alerts=alerts, flags=flags,
    )
    in_input_order = sorted(by_time, key=_BY_INPUT_POSITION)
    return CaseGrades(in_input_order, summary)

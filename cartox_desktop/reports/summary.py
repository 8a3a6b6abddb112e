"""Sentences shared by the documents: the course summary and the registry-style fields."""

from __future__ import annotations

from collections.abc import Mapping

from .common import day_text, esc, grade_text, num
from .models import STEROIDS, CourseSummary


def episode_text(max_grade: int | None, max_day: int | None, onset: int | None, resolution: int | None,
                 duration: int | None) -> str:
    if max_grade is None:
        return "not gradable from the recorded data"
    if max_grade == 0:
        return "none so far (maximum Grade 0)"
    parts = [f"maximum {grade_text(max_grade)}" + (f" on {day_text(max_day)}" if max_day is not None else "")]
    if onset is not None:
        parts.append(f"onset {day_text(onset)}")
    if resolution is not None:
        parts.append(f"resolved {day_text(resolution)}")
    elif max_grade < 5:
        parts.append("not resolved")
    if duration is not None:
        parts.append(f"{duration} day{'s' if duration != 1 else ''}")
    return ", ".join(parts)


def crs_text(c: CourseSummary) -> str:
    return episode_text(c.crs_max, c.crs_max_day, c.crs_onset_day, c.crs_resolution_day, c.crs_duration_days)


def icans_text(c: CourseSummary) -> str:
    return episode_text(c.icans_max, c.icans_max_day, c.icans_onset_day, c.icans_resolution_day,
                        c.icans_duration_days)


def icaht_text(c: CourseSummary) -> str:
    early = grade_text(c.icaht_early) if c.icaht_early is not None else "not gradable (no ANC days 0–30)"
    late = grade_text(c.icaht_late) if c.icaht_late is not None else "not gradable yet"
    return f"early {early}; late {late}"


def hematotox_text(c: CourseSummary) -> str:
    if c.hematotox_score is None:
        return "not scored (a baseline value is missing)"
    return f"{c.hematotox_score} points ({c.hematotox_risk or '?'} risk)"


def iec_hs_text(c: CourseSummary) -> str:
    if c.iec_hs_met is None:
        return "not evaluated"
    if not c.iec_hs_met:
        return "screening criteria not met"
    return (f"screening criteria MET on {day_text(c.iec_hs_first_day)}, {grade_text(c.iec_hs_grade)}"
            " — needs clinician confirmation")


def treatment_text(counts: Mapping[str, int]) -> str:
    toc = counts.get("tocilizumab", 0)
    ster = sum(counts.get(s, 0) for s in STEROIDS)
    ster_names = [s for s in STEROIDS if counts.get(s, 0)]
    parts = [f"tocilizumab {toc} dose{'s' if toc != 1 else ''}"]
    if ster:
        parts.append("steroids " + ", ".join(f"{s} ×{counts[s]}" for s in ster_names))
    else:
        parts.append("no steroids")
    ana = counts.get("anakinra", 0)
    parts.append(f"anakinra ×{ana}" if ana else "no anakinra")
    for drug in ("siltuximab", "g_csf"):
        if counts.get(drug):
            parts.append(f"{'G-CSF' if drug == 'g_csf' else drug} ×{counts[drug]}")
    return ", ".join(parts)


def course_markup(c: CourseSummary, counts: Mapping[str, int]) -> list[str]:
    """Course summary lines as paragraph markup."""
    lines = [
        f"<b>CRS</b> {esc(crs_text(c))}",
        f"<b>ICANS</b> {esc(icans_text(c))}",
        f"<b>ICAHT</b> {esc(icaht_text(c))} · <b>CAR-HEMATOTOX</b> {esc(hematotox_text(c))} · "
        f"<b>IEC-HS</b> {esc(iec_hs_text(c))}",
        f"<b>Treatment so far</b> {esc(treatment_text(counts))}",
    ]
    if c.death_date is not None:
        lines.append(f"<b>Died</b> {esc(c.death_date.isoformat())} (cause: {esc(c.death_cause or 'not recorded')})")
    return lines


def yes_no(n: int) -> str:
    return f"yes ({n} dose{'s' if n != 1 else ''})" if n else "no"


def registry_rows(c: CourseSummary, counts: Mapping[str, int]) -> list[tuple[str, str]]:
    ster = sum(counts.get(s, 0) for s in STEROIDS)
    return [
        ("Maximum CRS grade (ASTCT)", grade_text(c.crs_max)),
        ("CRS onset day", day_text(c.crs_onset_day)),
        ("CRS duration (days)", num(c.crs_duration_days)),
        ("Maximum ICANS grade (ASTCT)", grade_text(c.icans_max)),
        ("ICANS onset day", day_text(c.icans_onset_day)),
        ("ICANS duration (days)", num(c.icans_duration_days)),
        ("Tocilizumab used", yes_no(counts.get("tocilizumab", 0))),
        ("Steroids used", yes_no(ster)),
        ("Anakinra used", yes_no(counts.get("anakinra", 0))),
        ("ICAHT (early / late)", f"{grade_text(c.icaht_early)} / {grade_text(c.icaht_late)}"
         if c.icaht_early is not None or c.icaht_late is not None else "not gradable"),
        ("CAR-HEMATOTOX", hematotox_text(c)),
        ("IEC-HS", iec_hs_text(c)),
    ]

"""Cytokine release syndrome: ASTCT 2019 and CTCAE v5.0 grading of one assessment.

Rules: clinical-rules.md §1 (ASTCT, Lee et al., Biol Blood Marrow Transplant 2019;25:625-638,
Table 1 and footnotes) and §2 (NCI CTCAE v5.0 "Cytokine release syndrome"). Both scales share
the course context (onset, fever waiver) computed once per case by :func:`crs_course`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import Assessment, Case, Intervention
from .results import EMPTY, Domain, GradeResult, combine
from .sources import ASTCT_2019, CTCAE_V5
from .units import fmt

FEVER_C = 38.0  # ASTCT: temperature ≥ 38 °C (inclusive)
LOW_FLOW_MAX_L_MIN = 6.0  # ASTCT footnote: low-flow nasal cannula ≤ 6 L/min, high-flow > 6
# Drugs after which fever is no longer required (ASTCT footnote; clinical-rules §1 Decision).
WAIVER_DRUGS = frozenset(
    {"tocilizumab", "siltuximab", "dexamethasone", "methylprednisolone", "hydrocortisone", "anakinra", "antipyretic"}
)
POSITIVE_PRESSURE = frozenset({"cpap", "bipap", "mechanical_ventilation"})
HIGH_FLOW_DEVICES = frozenset({"high_flow_nasal_cannula", "simple_face_mask", "venturi_mask", "non_rebreather_mask"})
DEVICE_WORDS = {
    "room_air": "room air",
    "blow_by": "blow-by oxygen",
    "nasal_cannula": "nasal cannula",
    "high_flow_nasal_cannula": "high-flow nasal cannula",
    "simple_face_mask": "simple face mask",
    "venturi_mask": "Venturi mask",
    "non_rebreather_mask": "non-rebreather mask",
    "cpap": "CPAP",
    "bipap": "BiPAP",
    "mechanical_ventilation": "mechanical ventilation",
}
# Domains that carry no finding are shared constants (no allocation per assessment).
HYPOTENSION_NONE: Domain = ("hypotension", 0, 0, None)
HYPOTENSION_UNASSESSED: Domain = ("hypotension", 0, 4, None)
HYPOXIA_NONE: Domain = ("hypoxia", 0, 0, None)
HYPOXIA_UNASSESSED: Domain = ("hypoxia", 0, 4, None)
FIO2_UNASSESSED: Domain = ("fio2", 0, 4, None)
FEVER_NONE: Domain = ("fever", 0, 0, None)
FEVER_UNASSESSED: Domain = ("fever", 0, 1, None)
POSITIVE_PRESSURE_DOMAIN = {
    d: ("hypoxia", 4, 4, f"hypoxia needing positive pressure ({DEVICE_WORDS[d]})") for d in POSITIVE_PRESSURE
}
HIGH_FLOW_DOMAIN = {d: ("hypoxia", 3, 3, f"hypoxia needing {DEVICE_WORDS[d]}") for d in HIGH_FLOW_DEVICES}
NASAL_CANNULA_NO_FLOW: Domain = (
    # clinical-rules §1: "nasal_cannula with no flow → 2 with complete: false" (below grade 4).
    "hypoxia", 2, 4, "hypoxia needing nasal cannula (flow not recorded: at least low-flow)"
)
BLOW_BY_DOMAIN: Domain = ("hypoxia", 2, 2, "hypoxia needing blow-by oxygen")


@dataclass(frozen=True, slots=True)
class CrsCourse:
    """Onset and fever waiver of a course (clinical-rules §1 "Onset" and "Fever waiver")."""

    onset_time: datetime | None
    onset_day: int | None
    waiver_from: datetime | None
    waiver_by: Intervention | None
    waiver_note: str = ""


def has_fever(a: Assessment) -> bool:
    return a.temperature_c is not None and a.temperature_c >= FEVER_C and "fever" not in a.other_cause


def crs_course(case: Case, ordered: list[Assessment]) -> CrsCourse:
    """CRS is established at the earliest febrile assessment on day ≥ 0; the first waiver drug
    given at or after that time waives fever for every strictly later assessment."""
    onset = next((a for a in ordered if has_fever(a) and case.day_of(a.time) >= 0), None)
    if onset is None:
        return CrsCourse(None, None, None, None)
    waiver = min(
        (iv for iv in case.interventions if iv.drug in WAIVER_DRUGS and iv.time >= onset.time),
        key=lambda iv: iv.time,
        default=None,
    )
    if waiver is None:
        return CrsCourse(onset.time, case.day_of(onset.time), None, None)
    note = f"fever not required after {waiver.drug} on {waiver.time.isoformat(sep=' ', timespec='minutes')} (CRS established)"
    return CrsCourse(onset.time, case.day_of(onset.time), waiver.time, waiver, note)


def sbp_hypotension_threshold(completed_years: int) -> float:
    """SBP below which hypotension is derived (clinical-rules §1 Decision; Mahadeo et al.,
    Nat Rev Clin Oncol 2019;16:45-63, Table 2): < 90 above 10 y, < 70 + 2 × age at 1–10 y, < 70 under 1 y."""
    if completed_years > 10:
        return 90.0
    if completed_years >= 1:
        return 70.0 + 2.0 * completed_years
    return 70.0


def _hypotension_domain(a: Assessment, completed_years: int, flags: list[str]) -> Domain:
    """ASTCT and CTCAE share this: ≥2 distinct non-vasopressin agents → 4; any vasopressor → 3;
    hypotension without vasopressor → 2."""
    if "hypotension" in a.other_cause:
        return HYPOTENSION_NONE
    if a.vasopressors:
        agents = sorted({v.agent for v in a.vasopressors})
        non_vasopressin = [x for x in agents if x != "vasopressin"]
        named = ", ".join(agents)
        if len(non_vasopressin) >= 2:
            return ("hypotension", 4, 4, f"hypotension needing {len(non_vasopressin)} vasopressors ({named})")
        if not non_vasopressin:
            flags.append("vasopressin_only")
        return ("hypotension", 3, 3, f"hypotension needing one vasopressor ({named})")
    if a.hypotension is True:
        sbp_text = f" (SBP {fmt(a.systolic_bp_mmhg)} mmHg)" if a.systolic_bp_mmhg is not None else ""
        return ("hypotension", 2, 2, f"hypotension without vasopressor{sbp_text}")
    if a.hypotension is False:
        return HYPOTENSION_NONE
    if a.systolic_bp_mmhg is not None:
        flags.append("hypotension_derived_from_sbp")
        limit = sbp_hypotension_threshold(completed_years)
        if a.systolic_bp_mmhg < limit:
            return (
                "hypotension", 2, 2,
                f"hypotension without vasopressor (SBP {fmt(a.systolic_bp_mmhg)} mmHg, below {fmt(limit)} mmHg for age)",
            )
        return HYPOTENSION_NONE
    return HYPOTENSION_UNASSESSED


def _hypoxia_domain_astct(a: Assessment, flags: list[str]) -> Domain:
    """ASTCT hypoxia by the support needed: positive pressure 4; high-flow (> 6 L/min) or any mask 3;
    low-flow (≤ 6 L/min) or blow-by 2."""
    if "hypoxia" in a.other_cause:
        return HYPOXIA_NONE
    device = a.o2_device
    if device is None:
        return HYPOXIA_UNASSESSED
    if device == "room_air":
        return HYPOXIA_NONE
    if device in POSITIVE_PRESSURE:
        return POSITIVE_PRESSURE_DOMAIN[device]
    flow_l_min = a.o2_flow_l_min
    if device in HIGH_FLOW_DEVICES:
        if flow_l_min is None:
            return HIGH_FLOW_DOMAIN[device]
        return ("hypoxia", 3, 3, f"hypoxia needing {DEVICE_WORDS[device]} at {fmt(flow_l_min)} L/min")
    if device == "nasal_cannula":
        if flow_l_min is None:
            return NASAL_CANNULA_NO_FLOW
        if flow_l_min > LOW_FLOW_MAX_L_MIN:
            flags.append("nasal_cannula_above_6_l_min")
            return ("hypoxia", 3, 3, f"hypoxia needing high-flow oxygen (nasal cannula at {fmt(flow_l_min)} L/min, above 6 L/min)")
        return ("hypoxia", 2, 2, f"hypoxia needing low-flow nasal cannula at {fmt(flow_l_min)} L/min")
    return BLOW_BY_DOMAIN


def estimated_fio2_percent(a: Assessment) -> tuple[float | None, bool]:
    """FiO₂ for CTCAE v5.0: as recorded; else nasal cannula min(100, 21 + 4 × flow) (clinical-rules §2
    Decision); room air 21. Returns (FiO₂ or None, whether it was estimated)."""
    if a.fio2_percent is not None:
        return a.fio2_percent, False
    if a.o2_device == "nasal_cannula" and a.o2_flow_l_min is not None:
        return min(100.0, 21.0 + 4.0 * a.o2_flow_l_min), True
    if a.o2_device == "room_air":
        return 21.0, False
    return None, False


def _fio2_grade(fio2: float) -> int:
    if fio2 >= 40:
        return 3
    if fio2 > 21:
        return 2
    return 0


def _hypoxia_domain_ctcae(a: Assessment, flags: list[str]) -> Domain:
    """CTCAE v5.0: supplemental O₂ with FiO₂ > 21 % and < 40 % → 2; FiO₂ ≥ 40 % → 3; positive
    pressure → 4 (Decision, flag ctcae_grade4_inferred)."""
    if "hypoxia" in a.other_cause:
        return HYPOXIA_NONE
    device = a.o2_device
    if device in POSITIVE_PRESSURE:
        flags.append("ctcae_grade4_inferred")
        return POSITIVE_PRESSURE_DOMAIN[device]
    fio2, estimated = estimated_fio2_percent(a)
    if device is None:
        if fio2 is None:
            return HYPOXIA_UNASSESSED
        g = _fio2_grade(fio2)
        return ("hypoxia", g, 4, f"FiO₂ {fmt(fio2)} % (device not recorded)" if g else None)
    if fio2 is None:
        # clinical-rules §2: a device without FiO₂ leaves the oxygen part unassessed (complete: false).
        return FIO2_UNASSESSED
    if estimated:
        flags.append("fio2_estimated")
    g = _fio2_grade(fio2)
    if g == 0:
        return HYPOXIA_NONE
    how = "estimated " if estimated else ""
    band = "40 % or more" if g == 3 else "above 21 % and below 40 %"
    return ("hypoxia", g, g, f"hypoxia needing {how}FiO₂ {fmt(fio2)} % ({band}; {DEVICE_WORDS[device]})")


def _grade(
    a: Assessment,
    course: CrsCourse,
    version: str,
    source: str,
    gate: tuple[bool, bool, Domain | None],
    hypoxia: Domain,
    hypotension: Domain,
    flags: list[str],
    ctcae: bool,
) -> GradeResult:
    t = a.temperature_c
    fever, waived, fever_domain = gate
    unassessed: tuple[str, ...]
    driven: tuple[str, ...] = ()
    if fever_domain is not None:
        grade, complete, unassessed, driven, reasons = combine((fever_domain, hypotension, hypoxia))
        if not fever:
            flags.append("fever_waived")
            temp = f"afebrile ({fmt(t)} °C)" if t is not None else "temperature not recorded"
            reasons = (f"{temp}; {course.waiver_note}", *reasons)
            if grade == 0:
                flags.append("crs_not_active")
                reasons += ("no hypotension or hypoxia from CRS: CRS not active",)
    elif t is not None:
        grade, complete, unassessed = 0, True, ()
        if t >= FEVER_C:
            reasons = (f"temperature {fmt(t)} °C attributed to another cause: not CRS fever",)
        else:
            reasons = (f"no fever ({fmt(t)} °C)",)
        if hypotension[1] > 0 or hypoxia[1] > 0:
            flags.append("hypotension_or_hypoxia_without_fever")
            found = [d[3] for d in (hypotension, hypoxia) if d[1] > 0 and d[3]]
            reasons += ("not CRS without fever: " + "; ".join(found),)
    else:
        grade, complete = None, False
        unassessed = ("fever", *(d[0] for d in (hypotension, hypoxia) if d[1] != d[2]))
        reasons = ("no temperature recorded: CRS cannot be graded",)
    if ctcae:
        # CTCAE v5.0 has no grade-4 oxygen criterion of its own: flag whenever grade 4 is reached
        # (clinical-rules §2 Decision), and only then.
        if grade == 4:
            if "ctcae_grade4_inferred" not in flags:
                flags.append("ctcae_grade4_inferred")
        elif "ctcae_grade4_inferred" in flags:
            flags.remove("ctcae_grade4_inferred")
    return GradeResult(grade, version, source, complete, unassessed, reasons, tuple(flags) if flags else (), driven,
                       EMPTY)


def grade_crs_astct(a: Assessment, course: CrsCourse, completed_years: int) -> GradeResult:
    """ASTCT 2019 CRS grade of one assessment (clinical-rules §1)."""
    return grade_crs(a, course, completed_years)[0]


def grade_crs_ctcae(a: Assessment, course: CrsCourse, completed_years: int) -> GradeResult:
    """CTCAE v5.0 CRS grade of one assessment (clinical-rules §2)."""
    return grade_crs(a, course, completed_years)[1]


def grade_crs(a: Assessment, course: CrsCourse, completed_years: int) -> tuple[GradeResult, GradeResult]:
    """Both CRS scales of one assessment; they share fever, the waiver and the hypotension domain."""
    t = a.temperature_c
    fever = t is not None and t >= FEVER_C and "fever" not in a.other_cause
    waived = course.waiver_from is not None and a.time > course.waiver_from
    fever_domain: Domain | None = None
    if fever and t is not None:  # (fever implies t; narrowed for the type checker)
        fever_domain = ("fever", 1, 1, f"fever {fmt(t)} °C")
    elif waived:
        # Under the waiver an unrecorded temperature could still add the fever point.
        fever_domain = FEVER_UNASSESSED if t is None else FEVER_NONE
    gate = (fever, waived, fever_domain)
    flags: list[str] = []
    hypotension = _hypotension_domain(a, completed_years, flags)
    astct_flags = flags[:]
    astct = _grade(a, course, "ASTCT 2019", ASTCT_2019, gate, _hypoxia_domain_astct(a, astct_flags), hypotension,
                   astct_flags, False)
    # vasopressin_only is an ASTCT convention; CTCAE v5.0 counts vasopressin explicitly.
    ctcae_flags = [f for f in flags if f != "vasopressin_only"] if flags else []
    hypoxia = _hypoxia_domain_ctcae(a, ctcae_flags)
    ctcae = _grade(a, course, "CTCAE v5.0", CTCAE_V5, gate, hypoxia, hypotension, ctcae_flags, True)
    return astct, ctcae

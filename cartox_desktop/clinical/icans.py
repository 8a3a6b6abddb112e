"""ICE score and ICANS grading (ASTCT 2019), with CAPD for children under 12.

Rules: clinical-rules.md §3; Lee et al., Biol Blood Marrow Transplant 2019;25:625-638 (ICE,
Table 4; ICANS, Table 5 and footnotes; pediatric ICANS with CAPD, Traube et al., Crit Care Med
2014;42:656-663).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from .model import Assessment
from .results import Domain, GradeResult, combine
from .sources import ASTCT_2019, CAPD_2014
from .units import fmt

ICE_AGE_YEARS = 12  # Decision on the age-12 disagreement (clinical-background §11 D5): ICE at ≥ 12
CONSCIOUSNESS_GRADE = {
    "awake": 0, "awakens_spontaneously": 1, "awakens_to_voice": 2, "awakens_to_touch": 3, "unarousable": 4,
}
CONSCIOUSNESS_WORDS = {
    "awake": "awake and alert",
    "awakens_spontaneously": "depressed consciousness: awakens spontaneously",
    "awakens_to_voice": "depressed consciousness: awakens to voice",
    "awakens_to_touch": "depressed consciousness: awakens only to touch",
    "unarousable": "unarousable",
}
ICP_GRADE = {
    "focal_edema": 3, "diffuse_edema": 4, "posturing": 4, "cranial_nerve_vi_palsy": 4, "papilledema": 4, "cushings_triad": 4,
}
ICP_WORDS = {
    "focal_edema": "focal/local oedema on imaging",
    "diffuse_edema": "diffuse cerebral oedema on imaging",
    "posturing": "decerebrate or decorticate posturing",
    "cranial_nerve_vi_palsy": "cranial nerve VI palsy",
    "papilledema": "papilloedema",
    "cushings_triad": "Cushing's triad",
}
SEIZURE_LONG_MIN = 5.0  # grade 4 needs > 5 min; exactly 5.0 is grade 3
# Domains that depend on one coded value are shared constants (no allocation per assessment).
CONSCIOUSNESS_DOMAIN: dict[str | None, Domain] = {
    level: ("consciousness", g, g, CONSCIOUSNESS_WORDS[level]) for level, g in CONSCIOUSNESS_GRADE.items()
}
CONSCIOUSNESS_DOMAIN[None] = ("consciousness", 0, 4, None)
MOTOR_DOMAIN: dict[str | None, Domain] = {
    None: ("motor", 0, 4, None),
    "none": ("motor", 0, 0, None),
    "deep_focal": ("motor", 4, 4, "deep focal motor weakness (hemiparesis or paraparesis)"),
}
ICP_UNASSESSED: Domain = ("raised_icp", 0, 4, None)
ICP_NONE: Domain = ("raised_icp", 0, 0, None)
ICE_UNASSESSED: Domain = ("ice", 0, 4, None)
ICE_UNAROUSABLE: Domain = ("ice", 4, 4, "ICE 0/10: unarousable, unable to perform ICE")
ICE_GLOBAL_APHASIA: Domain = ("ice", 3, 3, "ICE 0/10: awake with global aphasia")
CAPD_UNASSESSED: Domain = ("capd", 0, 4, None)
CAPD_NONE: Domain = ("capd", 0, 0, None)
SEIZURE_UNASSESSED: Domain = ("seizure", 0, 4, None)
SEIZURE_NONE: Domain = ("seizure", 0, 0, None)
SEIZURE_REPETITIVE: Domain = ("seizure", 4, 4, "repetitive seizures without return to baseline")


def ice_score(a: Assessment) -> int | None:
    """The 10-point ICE score: the given total, else the sum of the eight items; 0 when the ICE
    could not be done (unarousable or global aphasia)."""
    if a.ice_not_possible is not None:
        return 0
    if a.ice_score is not None:
        return a.ice_score
    if a.ice is not None:
        return sum(a.ice.values())
    return None


def ice_domain_grade(score: int) -> int:
    """ICE 10 → 0; 7–9 → 1; 3–6 → 2; 0–2 → 3."""
    if score >= 10:
        return 0
    if score >= 7:
        return 1
    if score >= 3:
        return 2
    return 3


ICE_REASON = {score: f"ICE {score}/10" for score in range(11)}


def _ice_domain(a: Assessment) -> tuple[Domain, int | None]:
    if a.ice_not_possible == "unarousable":
        return ICE_UNAROUSABLE, 0
    if a.ice_not_possible == "global_aphasia":
        return ICE_GLOBAL_APHASIA, 0
    score = ice_score(a)
    if score is None:
        return ICE_UNASSESSED, None
    g = ice_domain_grade(score)
    if a.ice is not None and score < 10:
        lost = [k for k, v in a.ice.items() if v < (3 if k == "naming" else 1)]
        return ("ice", g, g, f"ICE {score}/10 (missed: {', '.join(lost)})"), score
    return ("ice", g, g, ICE_REASON[score]), score


def _capd_domain(a: Assessment, flags: list[str]) -> Domain:
    """CAPD 0 → 0; 1–8 → 1; ≥ 9 → 3; not possible and unarousable → 4 (clinical-rules §3, D6)."""
    if a.capd_not_possible:
        if a.consciousness == "unarousable":
            return ("capd", 4, 4, "CAPD not possible: unarousable")
        flags.append("capd_not_possible_not_unarousable")
        return CAPD_UNASSESSED
    if a.capd_score is None:
        return CAPD_UNASSESSED
    s = a.capd_score
    if s == 0:
        return CAPD_NONE
    if s <= 8:
        return ("capd", 1, 1, f"CAPD {s} (1–8)")
    return ("capd", 3, 3, f"CAPD {s} (9 or more)")


def _seizure_domain(a: Assessment, flags: list[str]) -> Domain:
    kind = a.seizure
    if kind == "none":
        return SEIZURE_NONE
    if kind is None:
        return SEIZURE_UNASSESSED
    if kind == "repetitive_without_recovery":
        return SEIZURE_REPETITIVE
    what = "clinical seizure" if kind == "clinical" else "non-convulsive seizure on EEG"
    minutes = a.seizure_duration_min
    if minutes is None:
        flags.append("seizure_duration_unknown")
        return ("seizure", 3, 3, f"{what} (duration not recorded)")
    if minutes > SEIZURE_LONG_MIN:
        return ("seizure", 4, 4, f"prolonged {what} of {fmt(minutes)} min (more than 5 min)")
    return ("seizure", 3, 3, f"{what} of {fmt(minutes)} min")


def grade_icans_astct(a: Assessment, completed_years: int) -> GradeResult:
    """ASTCT 2019 ICANS grade: the most severe of the ICE (or CAPD under 12), consciousness,
    seizure, motor and raised-ICP domains (clinical-rules §3)."""
    flags: list[str] = []
    uses_ice = completed_years >= ICE_AGE_YEARS
    reported_ice: int | None = None
    if uses_ice:
        cognitive, reported_ice = _ice_domain(a)
        if a.capd_score is not None or a.capd_not_possible is not None:
            flags.append("capd_not_used_at_12_or_over")
        source = ASTCT_2019
    else:
        cognitive = _capd_domain(a, flags)
        if a.ice is not None or a.ice_score is not None or a.ice_not_possible is not None:
            flags.append("ice_not_used_under_12")
        source = f"{ASTCT_2019}; {CAPD_2014}"

    consciousness = CONSCIOUSNESS_DOMAIN[a.consciousness]
    seizure = _seizure_domain(a, flags)
    motor = MOTOR_DOMAIN[a.motor_weakness]
    if a.raised_icp is None:
        icp = ICP_UNASSESSED
    elif not a.raised_icp:
        icp = ICP_NONE
    else:
        worst = max(ICP_GRADE[f] for f in a.raised_icp)
        icp = ("raised_icp", worst, worst, "raised ICP: " + ", ".join(ICP_WORDS[f] for f in a.raised_icp))

    domains = (cognitive, consciousness, seizure, motor, icp)
    # With no domain assessed the ICE is unassessed too, so reported_ice is already None there.
    extra = _ice_extra(reported_ice) if uses_ice else _capd_extra(a.capd_score)
    version = "ASTCT 2019"
    if "neurologic" in a.other_cause:
        flags.append("neurologic_findings_attributed_elsewhere")
        return GradeResult(0, version, source, True, (), ("neurological findings attributed to another cause",),
                           tuple(flags), (), extra)
    if (cognitive[1] != cognitive[2] and consciousness[1] != consciousness[2] and seizure[1] != seizure[2]
            and motor[1] != motor[2] and icp[1] != icp[2]):
        return GradeResult(None, version, source, False, tuple(d[0] for d in domains),
                           ("no neurological domain assessed: ICANS cannot be graded",), tuple(flags), (), extra)
    grade, complete, unassessed, driven, reasons = combine(domains)
    if grade == 0:
        reasons = tuple(r for r in (cognitive[3], consciousness[3]) if r) or ("no ICANS finding",)
    return GradeResult(grade, version, source, complete, unassessed, reasons, tuple(flags) if flags else (), driven,
                       extra)


@cache
def _ice_extra(ice: int | None) -> Mapping[str, object]:
    """The ICE fields every ICANS result reports (case-format.md "Output"). Shared between
    results and typed read-only; a plain dict because ``to_json`` copies it (a mappingproxy
    copies several times slower)."""
    return {"ice_score": ice, "tool": "ICE"}


@cache
def _capd_extra(capd: int | None) -> Mapping[str, object]:
    return {"ice_score": None, "tool": "CAPD", "capd_score": capd}

"""CAR-HEMATOTOX score from the labs before lymphodepletion.

Rules: clinical-rules.md §5; Rejeski et al., Blood 2021;138:2499-2513 (Figure 2 score).
Cut-off points are the engine convention of clinical-background §5 (flag ``value_on_cut_off``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Labs
from .sources import HEMATOTOX_2021

INPUTS = ("platelets_per_ul", "anc_per_ul", "hemoglobin_g_dl", "crp_mg_dl", "ferritin_ng_ml")
CUT_OFFS = {
    "platelets_per_ul": (75_000.0, 175_000.0),
    "anc_per_ul": (1200.0,),
    "hemoglobin_g_dl": (9.0,),
    "crp_mg_dl": (3.0,),
    "ferritin_ng_ml": (650.0, 2000.0),
}
POINT_NAMES = {"platelets_per_ul": "platelets", "anc_per_ul": "anc", "hemoglobin_g_dl": "hemoglobin",
               "crp_mg_dl": "crp", "ferritin_ng_ml": "ferritin"}


@dataclass(slots=True)
class HematotoxResult:
    score: int | None
    risk: str | None
    points: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "risk": self.risk, "points": dict(self.points), "missing": list(self.missing),
                "flags": list(self.flags), "reasons": list(self.reasons), "source": HEMATOTOX_2021}


def _points(name: str, v: float) -> int:
    if name == "platelets_per_ul":
        return 0 if v > 175_000 else (1 if v >= 75_000 else 2)
    if name == "anc_per_ul":
        return 0 if v >= 1200 else 1
    if name == "hemoglobin_g_dl":
        return 0 if v >= 9.0 else 1
    if name == "crp_mg_dl":
        return 0 if v <= 3.0 else 1
    return 0 if v < 650 else (1 if v <= 2000 else 2)  # ferritin


def score_car_hematotox(baseline: Labs) -> HematotoxResult:
    """Points: platelets >175k 0 / 75–175k 1 / <75k 2; ANC ≥1200 0 / <1200 1; Hb ≥9.0 0 / <9.0 1;
    CRP ≤3.0 0 / >3.0 1; ferritin <650 0 / 650–2000 1 / >2000 2. Low risk 0–1, high ≥2."""
    result = HematotoxResult(None, None)
    for name in INPUTS:
        v = baseline.get(name)
        if v is None:
            result.missing.append(name)
            continue
        p = _points(name, v)
        result.points[POINT_NAMES[name]] = p
        if v in CUT_OFFS[name] and "value_on_cut_off" not in result.flags:
            result.flags.append("value_on_cut_off")
        if v in CUT_OFFS[name]:
            result.reasons.append(f"{POINT_NAMES[name]} exactly on a cut-off ({v:g}): {p} point(s) by convention")
    if result.missing:
        result.reasons.append("missing baseline: " + ", ".join(result.missing))
        return result
    result.score = sum(result.points.values())
    result.risk = "high" if result.score >= 2 else "low"
    result.reasons.insert(0, f"score {result.score}/7: {result.risk} risk")
    return result

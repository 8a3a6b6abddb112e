"""EASIX and m-EASIX from one assessment's own labs (clinical-rules.md §7).

Pennisi et al., Blood Adv 2021;5:3397-3406: EASIX = LDH (U/L) × creatinine (mg/dL) /
platelets (10⁹/L); m-EASIX = LDH × CRP (mg/dL) / platelets (10⁹/L). Risk scores, never grades.
"""

from __future__ import annotations

import math

from .model import Labs


def round2(value: float) -> float:
    """Half-up rounding to 2 decimals (5.125 → 5.13; 39.666… → 39.67)."""
    return math.floor(value * 100.0 + 0.5) / 100.0


def _ratio(labs: Labs, factor_name: str) -> float | None:
    ldh = labs.get("ldh_u_l")
    factor = labs.get(factor_name)
    platelets = labs.get("platelets_per_ul")
    if ldh is None or factor is None or not platelets:
        return None
    return round2(ldh * factor / (platelets / 1000.0))


def easix(labs: Labs) -> float | None:
    return _ratio(labs, "creatinine_mg_dl")


def m_easix(labs: Labs) -> float | None:
    return _ratio(labs, "crp_mg_dl")

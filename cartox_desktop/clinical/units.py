"""Unit conversions and the unit-mistake heuristics of the validation layer.

Factors: clinical-background.md §10 (temperature, haemoglobin, fibrinogen, triglycerides and
CRP conversions confirmed against CTCAE v5.0 / HLH-2004 paired values; creatinine ÷ 88.42 and
bilirubin ÷ 17.1 are standard molar-mass arithmetic). Never applied silently: a value that looks
like another unit is refused with its probable meaning, and converting is the user's decision.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


def fahrenheit_to_celsius(temperature_f: float) -> float:
    return (temperature_f - 32.0) * 5.0 / 9.0


def celsius_to_fahrenheit(temperature_c: float) -> float:
    return temperature_c * 9.0 / 5.0 + 32.0


# Conversions to the case-format unit: (from unit, to field) -> factor to multiply by.
LAB_CONVERSIONS: dict[str, dict[str, float]] = {
    "anc_per_ul": {"/µL": 1.0, "/uL": 1.0, "/mm3": 1.0, "10^9/L": 1000.0, "10⁹/L": 1000.0, "G/L": 1000.0},
    "wbc_per_ul": {"/µL": 1.0, "/uL": 1.0, "/mm3": 1.0, "10^9/L": 1000.0, "10⁹/L": 1000.0, "G/L": 1000.0},
    "platelets_per_ul": {"/µL": 1.0, "/uL": 1.0, "/mm3": 1.0, "10^9/L": 1000.0, "10⁹/L": 1000.0, "G/L": 1000.0},
    "hemoglobin_g_dl": {"g/dL": 1.0, "g/L": 0.1, "mmol/L": 1.0 / 0.6206},
    "crp_mg_dl": {"mg/dL": 1.0, "mg/L": 0.1},
    "ferritin_ng_ml": {"ng/mL": 1.0, "µg/L": 1.0, "ug/L": 1.0},
    "fibrinogen_mg_dl": {"mg/dL": 1.0, "g/L": 100.0},
    "ldh_u_l": {"U/L": 1.0, "µkat/L": 60.0, "ukat/L": 60.0},
    "alt_u_l": {"U/L": 1.0, "µkat/L": 60.0, "ukat/L": 60.0},
    "ast_u_l": {"U/L": 1.0, "µkat/L": 60.0, "ukat/L": 60.0},
    "bilirubin_mg_dl": {"mg/dL": 1.0, "µmol/L": 1.0 / 17.1, "umol/L": 1.0 / 17.1},
    "creatinine_mg_dl": {"mg/dL": 1.0, "µmol/L": 1.0 / 88.42, "umol/L": 1.0 / 88.42},
    "triglycerides_mg_dl": {"mg/dL": 1.0, "mmol/L": 88.5},
    "igg_mg_dl": {"mg/dL": 1.0, "g/L": 100.0},
}


def convert_lab(name: str, value: float, unit: str) -> float:
    """Convert ``value`` in ``unit`` to the case-format unit of lab ``name``; KeyError if unknown."""
    return value * LAB_CONVERSIONS[name][unit]


def _fmt(value: float) -> str:
    """A number as a nurse writes it: no trailing zeros, at most 2 decimals."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    rounded = round(value, 2)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


# Bedside values repeat (38.5 °C, 90 mmHg) and reasons format them on every grading; typed as a
# plain function so mypy still checks the argument (lru_cache's wrapper accepts anything).
fmt: Callable[[float], str] = lru_cache(maxsize=4096)(_fmt)

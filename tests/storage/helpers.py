"""Test data and attacker helpers shared by the storage tests."""

from __future__ import annotations

from typing import Any

from cartox_desktop.services import PatientInput
from cartox_desktop.storage import Store

PASSWORD = "correct horse"


def admission(mrn: str = "MRN-1", **overrides: Any) -> PatientInput:
    values: dict[str, Any] = {"mrn": mrn, "name": "Zoë Müller", "infusion_date": "2026-03-01", "age_years": 58,
                              "weight_kg": 82.0, "ward": "7B", "bed": "3", "product": "axi-cel",
                              "baseline_labs": {"anc_per_ul": 1800, "hemoglobin_g_dl": 10.2,
                                                "platelets_per_ul": 140000, "crp_mg_dl": 1.2,
                                                "ferritin_ng_ml": 900}}
    values.update(overrides)
    return PatientInput(**values)


def assessment(time: str = "2026-03-03T08:00", **fields: Any) -> dict[str, Any]:
    """A complete bedside assessment; grade 1 CRS (fever only) unless fields say otherwise."""
    a: dict[str, Any] = {"time": time, "temperature_c": 38.6, "systolic_bp_mmhg": 118, "hypotension": False,
                         "o2_device": "room_air", "spo2_percent": 97,
                         "ice": {"year": 1, "month": 1, "city": 1, "hospital": 1, "naming": 3, "commands": 1,
                                 "writing": 1, "attention": 1},
                         "consciousness": "awake", "seizure": "none", "motor_weakness": "none", "raised_icp": []}
    a.update(fields)
    return a


def grade3(time: str = "2026-03-03T12:00") -> dict[str, Any]:
    """Fever with hypotension needing norepinephrine: ASTCT CRS grade 3."""
    return assessment(time, temperature_c=39.0, systolic_bp_mmhg=84, hypotension=True,
                      vasopressors=[{"agent": "norepinephrine", "dose_mcg_kg_min": 0.08}])


def raw_exec(store: Store, *statements: str) -> None:
    """Run SQL behind the app's back (as an attacker with file or server access would)."""
    with store.engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
        conn.commit()

"""Fixtures of the interop tests: a case, and a fresh SQLite record store with a logged-in user."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "interop-pass-1"

CASE: dict[str, Any] = {
    "patient": {"age_years": 58, "weight_kg": 82.5},
    "product": "axi-cel",
    "infusion_date": "2026-03-01",
    "baseline_labs": {"anc_per_ul": 1800, "hemoglobin_g_dl": 10.2, "platelets_per_ul": 140000,
                      "crp_mg_dl": 1.2, "ferritin_ng_ml": 900},
    "upper_limits": {"ferritin_ng_ml": 400, "alt_u_l": 40, "ast_u_l": 40, "ldh_u_l": 250},
    "assessments": [
        {"id": "a0", "time": "2026-03-02T08:00", "seizure": "none"},  # no temperature: CRS cannot be graded
        {"id": "a1", "time": "2026-03-03T08:00", "temperature_c": 38.6, "systolic_bp_mmhg": 84, "hypotension": True,
         "vasopressors": [{"agent": "norepinephrine", "dose_mcg_kg_min": 0.08}], "o2_device": "nasal_cannula",
         "o2_flow_l_min": 4,
         "ice": {"year": 1, "month": 1, "city": 1, "hospital": 1, "naming": 3, "commands": 1, "writing": 0,
                 "attention": 1},
         "consciousness": "awake", "seizure": "none", "motor_weakness": "none", "raised_icp": [],
         "labs": {"anc_per_ul": 400, "ldh_u_l": 420, "creatinine_mg_dl": 1.1, "platelets_per_ul": 90000,
                  "crp_mg_dl": 8.5, "ferritin_ng_ml": 2400}},
        {"id": "a2", "time": "2026-03-04T08:00", "temperature_c": 37.2, "hypotension": False, "o2_device": "room_air",
         "ice_score": 6, "consciousness": "awakens_to_voice", "seizure": "none", "motor_weakness": "none",
         "raised_icp": [],
         "labs": {"wbc_per_ul": 900, "hemoglobin_g_dl": 8.9, "fibrinogen_mg_dl": 180, "alt_u_l": 55, "ast_u_l": 61,
                  "bilirubin_mg_dl": 0.8, "triglycerides_mg_dl": 210, "igg_mg_dl": 450}},
        {"id": "a3", "time": "2026-03-05T20:30", "consciousness": "awake"},
    ],
    "labs": [{"date": "2026-03-06", "anc_per_ul": 300}, {"time": "2026-03-07T06:15", "anc_per_ul": 250,
                                                           "platelets_per_ul": 41000}],
    "interventions": [{"time": "2026-03-03T09:00", "drug": "tocilizumab", "dose_mg": 656},
                      {"time": "2026-03-04T10:00", "drug": "dexamethasone", "dose_mg": 10},
                      {"time": "2026-03-05T10:00", "drug": "other", "name": "ondansetron"}],
    "death": None,
}


@pytest.fixture
def case() -> dict[str, Any]:
    return copy.deepcopy(CASE)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Any]:
    from cartox_desktop.services import configure_hashing
    from cartox_desktop.storage.store import open_store

    configure_hashing(time_cost=1, memory_cost_kib=8, parallelism=1)
    opened = open_store(f"sqlite:///{tmp_path / 'interop.sqlite3'}")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def actor(store: Any) -> Any:
    from cartox_desktop.services import add_user, login

    add_user(store, None, "nurse1", PASSWORD, "admin", "Nurse One")
    return login(store, "nurse1", PASSWORD)


@pytest.fixture
def recorded(store: Any, actor: Any, case: dict[str, Any]) -> Any:
    """The case stored as patient MRN-7 through the audit trail."""
    from cartox_desktop.services import Signature, record_case

    return record_case(store, actor, case, mrn="MRN-7", name="Doe, Jane", date_of_birth="1967-05-02",
                       signature=Signature(PASSWORD, "recorded"))

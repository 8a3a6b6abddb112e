"""Registry summary (pure): one row per patient with the registry fields, safe CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from cartox_desktop.clinical import grade_case_json
from cartox_desktop.interop.registry import REGISTRY_COLUMNS, registry_csv, registry_row


def test_row_fields(case: dict[str, Any]) -> None:
    case["interventions"].append({"time": "2026-03-05T12:00", "drug": "anakinra", "dose_mg": 100})
    case["interventions"].append({"time": "2026-03-05T13:00", "drug": "tocilizumab", "dose_mg": 656})
    case["death"] = {"date": "2026-03-30", "cause": "infection"}
    grades = grade_case_json(case)
    row = registry_row("MRN-7", case, grades)
    course = grades["course"]
    assert row["product"] == "axi-cel" and row["infusion_date"] == "2026-03-01"
    assert (row["crs_max_grade"], row["crs_onset_day"], row["crs_resolution_day"], row["crs_duration_days"]) == (
        course["crs_max_grade"], course["crs_onset_day"], course["crs_resolution_day"], course["crs_duration_days"])
    assert (row["icans_max_grade"], row["icans_onset_day"], row["icans_duration_days"]) == (
        course["icans_max_grade"], course["icans_onset_day"], course["icans_duration_days"])
    assert row["tocilizumab"] == "yes" and row["tocilizumab_doses"] == 2
    assert row["corticosteroids"] == "yes" and row["corticosteroid_drugs"] == "dexamethasone"
    assert row["anakinra"] == "yes" and row["siltuximab"] == "no"
    assert row["icaht_early_grade"] == course["icaht"]["early_grade"]
    assert row["iec_hs"] == "no" and row["iec_hs_grade"] is None
    assert (row["death"], row["death_date"], row["death_cause"]) == ("yes", "2026-03-30", "infection")
    assert row["rules_version"] == grades["rules_version"]
    assert set(row) == set(REGISTRY_COLUMNS)


def test_no_treatment_no_death(case: dict[str, Any]) -> None:
    case["interventions"] = []
    row = registry_row("X", case, grade_case_json(case))
    assert (row["tocilizumab"], row["corticosteroids"], row["anakinra"], row["death"]) == ("no", "no", "no", "no")
    assert row["tocilizumab_doses"] == 0 and row["death_cause"] is None


def test_csv_header_empty_unknowns_and_no_formula_injection(case: dict[str, Any]) -> None:
    grades = grade_case_json(case)
    text = registry_csv([registry_row("=HYPERLINK(\"x\")", case, grades), registry_row("MRN-8", case, grades)])
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == REGISTRY_COLUMNS
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["mrn"].startswith("'=")  # never run as a formula by a spreadsheet
    assert first["icaht_late_grade"] == "" and first["crs_max_grade"] == "3"
    assert len(rows) == 3

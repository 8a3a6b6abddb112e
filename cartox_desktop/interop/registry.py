"""Registry summary, pure: one row per patient with the fields registries ask for after cellular
therapy (e.g. the EBMT/CIBMTR cellular-therapy forms): product, infusion date, maximum CRS and
ICANS grades (ASTCT 2019) with onset, resolution and duration, tocilizumab / corticosteroid /
anakinra use, ICAHT grades, IEC-HS, death and its cause; after discharge, the follow-up checks
due and overdue on the export date, late infections, the last IgG, immunoglobulin replacement and
new malignancies (``services.followup.registry_follow_up`` computes them; empty when not given).

Built from the same case dict and grades as every other output (never re-derived here), so the
registry says what the ward board and the PDFs say. Only the MRN identifies the patient: no name
or date of birth is written (a registry file travels by mail or USB stick).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from cartox_desktop.clinical.model import STEROIDS

REGISTRY_COLUMNS: tuple[str, ...] = (
    "mrn", "product", "infusion_date", "age_years",
    "crs_max_grade", "crs_onset_day", "crs_resolution_day", "crs_duration_days",
    "icans_max_grade", "icans_onset_day", "icans_resolution_day", "icans_duration_days",
    "tocilizumab", "tocilizumab_doses", "corticosteroids", "corticosteroid_drugs", "anakinra", "siltuximab",
    "icaht_early_grade", "icaht_late_grade",
    "iec_hs", "iec_hs_grade", "iec_hs_first_day",
    "death", "death_date", "death_cause",
    "grading_scales", "rules_version",
    "follow_up_as_of", "follow_up_overdue", "follow_up_due",
    "late_infections", "late_infection_max_grade", "igg_last_mg_dl", "igg_low", "immunoglobulin_replacement",
    "new_malignancy", "car_transgene_positive",
)
FOLLOW_UP_COLUMNS = REGISTRY_COLUMNS[REGISTRY_COLUMNS.index("follow_up_as_of"):]
GRADING_SCALES = "CRS/ICANS ASTCT 2019; ICAHT EHA/EBMT 2023; IEC-HS Hines 2023 (operational screen)"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def registry_row(mrn: str, case: Mapping[str, Any], grades: Mapping[str, Any],
                 follow_up: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The registry fields of one patient (values ``None`` when unknown or not applicable).

    ``follow_up`` gives the ``FOLLOW_UP_COLUMNS`` (lists of due/overdue checks are joined with
    "; ")."""
    course = grades.get("course") or {}
    interventions = [i for i in case.get("interventions") or []]
    drugs = [str(i.get("drug")) for i in interventions]
    steroids = sorted({d for d in drugs if d in STEROIDS})
    icaht = course.get("icaht") or {}
    iec = course.get("iec_hs") or {}
    death = case.get("death") or None
    return {
        "mrn": mrn,
        "product": case.get("product"),
        "infusion_date": str(case.get("infusion_date")),
        "age_years": (case.get("patient") or {}).get("age_years"),
        "crs_max_grade": course.get("crs_max_grade"),
        "crs_onset_day": course.get("crs_onset_day"),
        "crs_resolution_day": course.get("crs_resolution_day"),
        "crs_duration_days": course.get("crs_duration_days"),
        "icans_max_grade": course.get("icans_max_grade"),
        "icans_onset_day": course.get("icans_onset_day"),
        "icans_resolution_day": course.get("icans_resolution_day"),
        "icans_duration_days": course.get("icans_duration_days"),
        "tocilizumab": _yes_no("tocilizumab" in drugs),
        "tocilizumab_doses": drugs.count("tocilizumab"),
        "corticosteroids": _yes_no(bool(steroids)),
        "corticosteroid_drugs": ";".join(steroids) or None,
        "anakinra": _yes_no("anakinra" in drugs),
        "siltuximab": _yes_no("siltuximab" in drugs),
        "icaht_early_grade": icaht.get("early_grade"),
        "icaht_late_grade": icaht.get("late_grade"),
        "iec_hs": _yes_no(bool(iec.get("met"))),
        "iec_hs_grade": iec.get("grade"),
        "iec_hs_first_day": iec.get("first_day"),
        "death": _yes_no(death is not None),
        "death_date": str(death["date"]) if death else None,
        "death_cause": death.get("cause") if death else None,
        "grading_scales": GRADING_SCALES,
        "rules_version": grades.get("rules_version"),
        **{c: _joined((follow_up or {}).get(c)) for c in FOLLOW_UP_COLUMNS},
    }


def _joined(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or None
    if isinstance(value, bool):
        return _yes_no(value)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    # A text cell opening with = + - @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def registry_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The rows as CSV text (RFC 4180, header first, empty cell for unknown)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(REGISTRY_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in REGISTRY_COLUMNS])
    return buf.getvalue()

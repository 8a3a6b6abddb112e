"""Patient toxicity summary PDF."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from cartox_desktop.reports import NOTICE, build_patient_report_pdf
from cartox_desktop.reports.models import (
    AssessmentRow,
    CourseSummary,
    Grade,
    Intervention,
    PatientIdentity,
    PatientReportData,
)
from cartox_desktop.reports.sample import sample_meta, sample_patient_report

from .helpers import flat, font_names, pages_text

T0 = datetime(2026, 3, 1, 8, 0)


def _report(n_assessments: int = 3, **kw) -> PatientReportData:  # type: ignore[no-untyped-def]
    rows = []
    for i in range(n_assessments):
        g = [0, 1, 3, 2, 0][i % 5]
        rows.append(AssessmentRow(
            id=f"a{i}", time=T0 + timedelta(hours=8 * i), day=(T0 + timedelta(hours=8 * i)).date().day - 1,
            crs=Grade(g, "ASTCT 2019", True, (), ("fever 38.6 °C", "hypotension needing one vasopressor (norepinephrine)")
                      if g == 3 else ("fever 38.6 °C",) if g else ("no fever (36.9 °C)",)),
            crs_ctcae=Grade(g, "CTCAE v5.0", True, (), (), ("fio2_estimated",) if g else ()),
            icans=Grade(1 if i == 2 else 0, "ASTCT 2019", i != 1, ("seizure",) if i == 1 else (), ("ICE 8/10",)),
            ice_score=8 if i == 2 else 10, easix=5.13 if i == 2 else None, m_easix=39.67 if i == 2 else None,
            recorded_by="Pfl. Jörg Schäfer",
        ))
    base = dict(
        meta=sample_meta(),
        patient=PatientIdentity(name="Nguyễn Thị Ánh", mrn="M-200", date_of_birth=date(1968, 5, 1), age_years=57,
                                sex="F", weight_kg=82.0),
        infusion_date=date(2026, 3, 1), product="axi-cel", status="active",
        course=CourseSummary(crs_max=3, crs_max_day=1, crs_onset_day=0, crs_resolution_day=4, crs_duration_days=5,
                             icans_max=1, icans_max_day=0, icans_onset_day=0, icans_resolution_day=1,
                             icans_duration_days=2, icaht_early=1, icaht_late=None,
                             icaht_reasons=("longest neutropenic episode 5 days",),
                             hematotox_score=2, hematotox_risk="high",
                             hematotox_points={"platelets": 1, "anc": 0, "hemoglobin": 0, "crp": 0, "ferritin": 1},
                             iec_hs_met=True, iec_hs_grade=2, iec_hs_first_day=6,
                             iec_hs_reasons=("ferritin 9000 ng/mL > 2 × ULN",)),
        assessments=tuple(rows),
        interventions=(Intervention(T0 + timedelta(hours=9), "tocilizumab", 656, recorded_by="Dr. Ümit Yılmaz"),
                       Intervention(T0 + timedelta(hours=20), "tocilizumab", 656),
                       Intervention(T0 + timedelta(hours=30), "dexamethasone", 10),
                       Intervention(T0 + timedelta(hours=40), "anakinra", 100),
                       Intervention(T0 + timedelta(hours=41), "other", 5, name="Ondansetron")),
        baseline_labs={"platelets_per_ul": 140000, "ferritin_ng_ml": 900},
        alerts=("weight needed",),
    )
    base.update(kw)
    return PatientReportData(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pages() -> list[str]:
    return pages_text(build_patient_report_pdf(_report()))


def test_header_footer_on_every_page() -> None:
    pdf = build_patient_report_pdf(_report(120))
    pages = pages_text(pdf)
    assert len(pages) > 3
    meta = sample_meta()
    for i, text in enumerate(pages, start=1):
        t = flat(text)
        assert "Patient: Nguyễn Thị Ánh · MRN M-200 · born 1968-05-01" in t
        assert f"Page {i} of {len(pages)}" in t
        assert flat(NOTICE) in t and meta.chain_head_hash in t and meta.rules_version in t
    assert all("DejaVu" in n for n in font_names(pdf))


def test_maximum_grades_with_onset_resolution_and_duration(pages: list[str]) -> None:
    t = flat(" ".join(pages))
    assert "CRS (ASTCT 2019) Grade 3 (severe) day 1 day 0 day 4 5 days" in t
    assert "ICANS (ASTCT 2019) Grade 1 (mild) day 0 day 0 day 1 2 days" in t
    assert "ICAHT early, days 0–30 (EHA/EBMT 2023) Grade 1 (mild)" in t
    assert "IEC-HS (screening, Hines 2023) Grade 2 (moderate) day 6" in t


def test_every_assessment_with_grades_and_reasons(pages: list[str]) -> None:
    t = flat(" ".join(pages))
    assert "2026-03-01 08:00" in t and "2026-03-01 16:00" in t and "2026-03-02 00:00" in t
    assert "hypotension needing one vasopressor (norepinephrine)" in t
    assert "not assessed: seizure" in t
    assert "flags: fio2_estimated" in t
    assert "Grade 0 (none)" in t and "≥ Grade 0 (none)" in t
    assert "(ICE 8/10)" in t


def test_treatments_registry_and_scores(pages: list[str]) -> None:
    t = flat(" ".join(pages))
    assert "tocilizumab 656 mg" in t and "Ondansetron 5 mg" in t
    assert "Tocilizumab used yes (2 doses)" in t
    assert "Steroids used yes (1 dose)" in t
    assert "Anakinra used yes (1 dose)" in t
    assert "Maximum CRS grade (ASTCT) Grade 3 (severe)" in t
    assert "CRS onset day day 0" in t and "CRS duration (days) 5" in t
    assert "CAR-HEMATOTOX" in t and "2 points (high risk)" in t
    assert "EASIX" in t and "5.13" in t and "39.67" in t
    assert "screening criteria MET on day 6, Grade 2 (moderate) — needs clinician confirmation" in t
    assert "longest neutropenic episode 5 days" in t
    assert "cumulative doses:" in t and "tocilizumab 1312 mg" in t


def test_reproducible_and_sensitive_to_print_time() -> None:
    data = _report()
    pdf = build_patient_report_pdf(data)
    assert build_patient_report_pdf(data) == pdf
    assert build_patient_report_pdf(replace(data, meta=replace(data.meta, printed_by="someone else"))) != pdf


def test_empty_course_and_death() -> None:
    data = _report(0, interventions=(), course=CourseSummary(death_date=date(2026, 3, 9), death_cause="crs", crs_max=5))
    t = flat(" ".join(pages_text(build_patient_report_pdf(data))))
    assert "No assessments recorded." in t and "No treatments recorded." in t
    assert "Grade 5 (fatal)" in t and "2026-03-09" in t


def test_sample_report_builds() -> None:
    t = flat(" ".join(pages_text(build_patient_report_pdf(sample_patient_report()))))
    assert "Groß-Böll, Jürgen" in t and "Every assessment with its grades and reasons" in t

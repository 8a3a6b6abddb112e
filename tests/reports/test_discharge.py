"""The discharge sheet: warning signs, ward phone, dated product advice, schedule and diary in the
text (pypdf); the patient's name and "Page N of M" on every page; every page renders, not blank."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cartox_desktop.clinical.followup import appointments, follow_up_plan, later_checks
from cartox_desktop.reports.discharge import WARNING_SIGNS, DischargeData, build_discharge_pdf
from cartox_desktop.reports.models import DocumentMeta, PatientIdentity
from cartox_desktop.resources import default_protocol

from .helpers import flat, have_pdftoppm, ink_fraction, pages_text, render_pages

INFUSION = date(2026, 11, 1)
HOME = date(2026, 11, 22)


def sheet(product: str | None = "axi-cel", phone: str = "+49 6221 56-7000") -> DischargeData:
    plan = follow_up_plan(default_protocol().extra)
    return DischargeData(
        meta=DocumentMeta("University Hospital", "Ward 7B", datetime(2026, 11, 22, 10, 30), "Dr Paul (doc)",
                          "cartox rules 1", "ab" * 32, 1234, "0.1"),
        patient=PatientIdentity("Müller, Zoë", "4711-0815", date(1968, 5, 4), 58),
        product=product, infusion_date=INFUSION, discharge_date=HOME, ward_phone=phone,
        advice=plan.advice_for(product), appointments=appointments(plan, INFUSION, HOME + timedelta(days=1), 365),
        later_checks=later_checks(plan, 365), diary_start=HOME)


def test_text_holds_warning_signs_phone_advice_schedule_and_diary() -> None:
    pages = [flat(t) for t in pages_text(build_discharge_pdf(sheet()))]
    text = " ".join(pages)
    for words in ("38.0 °C or more", "confusion", "trouble speaking", "writing", "shaking", "drowsiness",
                  "shortness of breath", "dizziness"):
        assert words in text, words
    assert len(WARNING_SIGNS) == 7
    assert "Ward telephone, day and night: +49 6221 56-7000" in text
    assert "Yescarta product label as of June 2025" in text and "at least 2 weeks" in text
    assert "REMS" in text and "Check with your team" in text
    assert "Sun 29 Nov 2026 day 28 Blood count, IgG level, Clinic visit" in text  # the schedule
    assert "Check for new cancers: every year for life" in text
    assert "Day 14 · Sat 5 Dec" in text and text.count("Write the sentence here:") == 14
    assert "The birds sing in the garden." in text
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert "Müller, Zoë · MRN 4711-0815" in page, n
        assert f"Page {n} of {len(pages)}" in page
        assert "supports and does not replace clinical judgement" in page


def test_without_phone_or_known_product_a_line_to_write_on_is_printed() -> None:
    text = flat(" ".join(pages_text(build_discharge_pdf(sheet(product=None, phone="")))))
    assert "Ward telephone, day and night: ____" in text
    assert "until your team tells you it is safe" in text and "No driving until: ____" in text
    assert "label as of" not in text


def test_obe_cel_advice_is_dated_and_has_no_shortened_numbers() -> None:
    text = flat(" ".join(pages_text(build_discharge_pdf(sheet(product="obe-cel")))))
    assert "Aucatzyl product label as of November 2024" in text and "2 weeks" not in text


def test_same_data_same_bytes() -> None:
    data = sheet()
    assert build_discharge_pdf(data) == build_discharge_pdf(replace(data))


@pytest.mark.skipif(not have_pdftoppm(), reason="poppler-utils (pdftoppm) not installed")
def test_every_page_renders_and_is_not_blank(tmp_path: Path) -> None:
    pngs = render_pages(build_discharge_pdf(sheet()), tmp_path)
    assert len(pngs) >= 3
    for png in pngs:
        assert ink_fraction(png) > 0.01, png.name

"""Audit report PDF."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from cartox_desktop.reports import NOTICE, build_audit_report_pdf
from cartox_desktop.reports.models import AuditEventRow, AuditReportData, ChainVerification, FieldChange
from cartox_desktop.reports.sample import sample_audit_report, sample_meta

from .helpers import flat, pages_text

T0 = datetime(2026, 3, 2, 9, 30)


def _data(events: tuple[AuditEventRow, ...], ok: bool = True) -> AuditReportData:
    meta = sample_meta()
    return AuditReportData(
        meta=meta, scope="2026-03-01 to 2026-03-07", events=events,
        verification=ChainVerification(ok=ok, events_checked=1234, checked_at=meta.printed_at, head_seq=1234,
                                       head_hash=meta.chain_head_hash, first_broken_seq=None if ok else 17,
                                       detail=None if ok else "hash mismatch at event 17"),
        period_from=T0, period_to=T0 + timedelta(days=5))


def test_events_who_when_what_why() -> None:
    ev = AuditEventRow(seq=17, time=T0, actor="jörg.schäfer", action="modify", entity="assessment", entity_id="M-1/a3",
                       changes=(FieldChange("temperature_c", "36.8", "38.6"), FieldChange("o2_flow_l_min", None, "4")),
                       reason="re-measured after transcription error", hash="ab" * 32)
    t = flat(" ".join(pages_text(build_audit_report_pdf(_data((ev,))))))
    assert "2026-03-02 09:30" in t and "jörg.schäfer" in t
    assert "modify assessment M-1/a3" in t
    assert "temperature_c: 36.8 → 38.6" in t and "o2_flow_l_min: ∅ → 4" in t
    assert "re-measured after transcription error" in t
    assert "abababababab" in t
    assert "INTACT — verified 1234 events" in t
    assert "Page 1 of 1" in t and flat(NOTICE) in t and sample_meta().chain_head_hash in t
    assert "Patient: " not in t  # a date-range report is about no single patient


def test_broken_chain_is_reported_with_the_first_broken_event() -> None:
    t = flat(" ".join(pages_text(build_audit_report_pdf(_data((), ok=False)))))
    assert "BROKEN at event #17" in t and "hash mismatch at event 17" in t
    assert "No audit events in this scope." in t


def test_many_changes_are_cut_and_long_trails_paginate_with_identifiers() -> None:
    ev = AuditEventRow(seq=1, time=T0, actor="a", action="create", entity="case",
                       changes=tuple(FieldChange(f"field_{i}", None, str(i)) for i in range(20)), hash="0" * 64)
    t = flat(" ".join(pages_text(build_audit_report_pdf(_data((ev,))))))
    assert "… 13 more" in t
    data = sample_audit_report(200)
    pages = pages_text(build_audit_report_pdf(data))
    assert len(pages) > 3
    assert data.patient is not None
    for i, text in enumerate(pages, start=1):
        assert f"Patient: {data.patient.name} · MRN {data.patient.mrn}" in flat(text)
        assert f"Page {i} of {len(pages)}" in text


def test_reproducible() -> None:
    data = sample_audit_report(30)
    pdf = build_audit_report_pdf(data)
    assert build_audit_report_pdf(data) == pdf
    later = replace(data, meta=replace(data.meta, printed_at=data.meta.printed_at + timedelta(seconds=60)))
    assert build_audit_report_pdf(later) != pdf

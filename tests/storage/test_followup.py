"""Late effects through the services (audited, in the history, verifiable), the follow-up board on
fixed dates, refused input stores nothing, and ``cartox discharge``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from cartox_desktop.cli.main import main
from cartox_desktop.services import (
    Actor,
    NotFound,
    PermissionDenied,
    Signature,
    SignatureRequired,
    ValidationFailed,
    add_lab,
    add_late_effect,
    amend_late_effect,
    discharge_patient,
    events,
    follow_up_board,
    get_patient,
    late_effects,
    record_history,
    update_settings,
    verify,
    void_late_effect,
)
from cartox_desktop.storage import Store

from .helpers import PASSWORD, admission, raw_exec

TODAY = date(2026, 6, 1)  # day 92 after the 2026-03-01 infusion of ``admission()``


def _count(store: Store) -> int:
    with store.reading() as session:
        return int(session.execute(__import__("sqlalchemy").text("SELECT COUNT(*) FROM late_effect")).scalar_one())


def _discharged(store: Store, actor: Actor, patient: Any) -> Any:
    current = get_patient(store, patient_id=patient.id)
    return discharge_patient(store, actor, patient.id, expected_version=current.version)


def test_infection_igg_and_malignancy_are_audited_and_in_the_history(store: Store, nurse: Actor,
                                                                      physician: Actor, patient: Any) -> None:
    infection = add_late_effect(store, nurse, patient.id, "infection",
                                {"date": "2026-04-20", "site": "lung", "organism": "RSV", "ctcae_grade": 2},
                                today=TODAY)
    igg = add_late_effect(store, nurse, patient.id, "igg", {"date": "2026-04-30", "igg_mg_dl": 320}, today=TODAY)
    cancer = add_late_effect(store, physician, patient.id, "malignancy",
                             {"date": "2026-05-28", "type": "peripheral T-cell lymphoma",
                              "car_transgene_tested": True, "car_transgene_result": "pending"}, today=TODAY)
    assert infection.record.day == 50 and infection.record.summary.startswith("infection, lung (RSV)")
    trail = events(store, entity="late_effect")
    assert [(e.action, e.entity_id, e.detail["kind"]) for e in trail] == [
        ("create", infection.record.id, "infection"), ("create", igg.record.id, "igg"),
        ("create", cancer.record.id, "malignancy")]
    assert trail[1].detail["flag"] == "IgG 320 mg/dL is below the ward threshold of 400 mg/dL"
    assert trail[0].detail["mrn"] == "MRN-1" and trail[0].detail["record"]["content"]["organism"] == "RSV"

    amended = amend_late_effect(store, physician, cancer.record.id,
                                {**cancer.record.content, "car_transgene_result": "positive"},
                                expected_version=cancer.record.version, reason="result from the reference lab",
                                signature=Signature(PASSWORD, "amended"), today=TODAY)
    assert amended.record.version == 2 and amended.record.content["car_transgene_result"] == "positive"
    history = record_history(store, "late_effect", cancer.record.id)
    assert [(v.action, v.version, v.reason, v.signature_meaning) for v in history] == [
        ("create", 1, None, None), ("amend", 2, "result from the reference lab", "amended")]
    assert history[0].record["content"]["car_transgene_result"] == "pending"

    voided = void_late_effect(store, physician, infection.record.id, expected_version=1,
                              reason="entered for the wrong patient", signature=Signature(PASSWORD, "amended"))
    assert voided.record.voided
    le = late_effects(store, patient.id, today=TODAY)
    assert [e.kind for e in le.infections] == [] and len(le.entries) == 3
    assert [(g.igg_mg_dl, g.low) for g in le.igg] == [(320.0, True)]
    assert le.malignancies[0].content["car_transgene_result"] == "positive"
    report = verify(store)
    assert report.ok, report.problems


def test_changing_a_late_effect_behind_the_app_is_caught(store: Store, nurse: Actor, patient: Any) -> None:
    saved = add_late_effect(store, nurse, patient.id, "igg", {"date": "2026-04-30", "igg_mg_dl": 320}, today=TODAY)
    raw_exec(store, f"UPDATE late_effect SET content = replace(content, '320', '820') WHERE id = {saved.record.id}")
    report = verify(store)
    assert not report.ok and "late_effect" in report.problems[0].message


@pytest.mark.parametrize("kind, content, field", [
    ("igg", {"date": "2026-04-30", "igg_mg_dl": 12000}, "igg_mg_dl"),
    ("igg", {"date": "2026-04-30", "igg_mg_dl": -5}, "igg_mg_dl"),
    ("igg", {"date": "2026-04-30", "igg_mg_dl": 3.2}, "igg_mg_dl"),  # g/L typed as mg/dL
    ("igg", {"date": "2026-02-31", "igg_mg_dl": 320}, "date"),
    ("igg", {"date": "2026-07-01", "igg_mg_dl": 320}, "date"),  # after "today"
    ("infection", {"date": "2026-04-20", "site": "lung", "ctcae_grade": 0}, "ctcae_grade"),
    ("malignancy", {"date": "01/05/2026", "type": "MDS", "car_transgene_tested": False}, "date"),
])
def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(store: Store, nurse: Actor, patient: Any,
                                                                      kind: str, content: dict[str, Any],
                                                                      field: str) -> None:
    before = len(events(store))
    with pytest.raises(ValidationFailed) as info:
        add_late_effect(store, nurse, patient.id, kind, content, today=TODAY)
    assert [e.path for e in info.value.errors] == [field]
    assert f"refused, nothing was saved: {field} = " in str(info.value)
    assert _count(store) == 0 and len(events(store)) == before


def test_signature_and_role_rules_as_for_other_records(store: Store, nurse: Actor, patient: Any) -> None:
    with pytest.raises(SignatureRequired):
        add_late_effect(store, nurse, patient.id, "infection",
                        {"date": "2026-04-20", "site": "blood", "organism": "E. coli", "ctcae_grade": 4}, today=TODAY)
    assert _count(store) == 0
    saved = add_late_effect(store, nurse, patient.id, "infection",
                            {"date": "2026-04-20", "site": "blood", "organism": "E. coli", "ctcae_grade": 4},
                            signature=Signature(PASSWORD, "recorded"), today=TODAY)
    assert events(store, entity="late_effect")[-1].detail["signature"]["meaning"] == "recorded"
    with pytest.raises(SignatureRequired):
        amend_late_effect(store, nurse, saved.record.id, saved.record.content, expected_version=1, reason="typo",
                          signature=None, today=TODAY)
    with pytest.raises(ValidationFailed, match="reason"):
        amend_late_effect(store, nurse, saved.record.id, saved.record.content, expected_version=1, reason=" ",
                          signature=Signature(PASSWORD, "amended"), today=TODAY)
    with pytest.raises(PermissionDenied):
        void_late_effect(store, nurse, saved.record.id, expected_version=1, reason="error",
                         signature=Signature(PASSWORD, "amended"))
    with pytest.raises(NotFound):
        add_late_effect(store, nurse, 999, "igg", {"date": "2026-04-30", "igg_mg_dl": 320}, today=TODAY)


def test_follow_up_board_shows_due_and_overdue_on_fixed_dates(store: Store, nurse: Actor, admin: Actor,
                                                               patient: Any) -> None:
    from cartox_desktop.services import create_patient

    other = create_patient(store, nurse, admission("MRN-2", name="Ben Klein", infusion_date="2026-04-25",
                                                   product="tisa-cel"))
    still_on_ward = create_patient(store, nurse, admission("MRN-3", name="Ada Active"))
    assert still_on_ward.status == "active"
    # the first patient: IgG day 60 missed; blood count of day 90 done (lab); clinic visit done
    add_lab(store, nurse, patient.id, {"date": "2026-05-29", "anc_per_ul": 1200, "platelets_per_ul": 90000})
    add_late_effect(store, nurse, patient.id, "visit", {"date": "2026-05-30", "checks": ["clinic_visit"]},
                    today=TODAY)
    add_late_effect(store, nurse, patient.id, "igg", {"date": "2026-03-30", "igg_mg_dl": 350}, today=TODAY)
    add_late_effect(store, nurse, patient.id, "infection", {"date": "2026-05-02", "site": "urinary tract",
                                                            "ctcae_grade": 2}, today=TODAY)
    _discharged(store, admin, patient)
    _discharged(store, admin, other)

    rows = follow_up_board(store, TODAY)
    assert [r.patient.mrn for r in rows] == ["MRN-2", "MRN-1"]  # discharged only; overdue first
    assert [len(r.overdue) for r in rows] == [3, 0] and [len(r.due) for r in rows] == [0, 1]
    first = {s.check: s for s in rows[1].statuses}
    assert rows[1].day == 92
    assert (first["igg"].status, first["igg"].day) == ("due", 90)  # day 90 window (83-97) is open
    assert (first["blood_counts"].status, first["blood_counts"].day) == ("upcoming", 120)
    assert (first["clinic_visit"].status, first["clinic_visit"].day) == ("upcoming", 180)
    assert rows[1].last_igg is not None and rows[1].last_igg.low and rows[1].worst_infection_grade == 2
    second = {s.check: s for s in rows[0].statuses}  # infused 2026-04-25: day 37 today
    assert {c: (s.status, s.day) for c, s in second.items()} == {
        "blood_counts": ("overdue", 28), "igg": ("overdue", 28), "clinic_visit": ("overdue", 28),
        "malignancy_surveillance": ("upcoming", 365)}

    # a week earlier the first patient's day-60 IgG was already overdue and the day-90 one not yet due
    row = next(r for r in follow_up_board(store, date(2026, 5, 20)) if r.patient.mrn == "MRN-1")
    earlier = {s.check: s for s in row.statuses}
    assert (earlier["igg"].status, earlier["igg"].day, earlier["igg"].due_date) == ("overdue", 60, date(2026, 4, 30))

    # the threshold is the ward's setting
    update_settings(store, admin, igg_threshold_mg_dl=300)
    assert not late_effects(store, patient.id, today=TODAY).igg[-1].low


def test_igg_from_lab_results_counts_and_is_flagged(store: Store, nurse: Actor, patient: Any) -> None:
    add_lab(store, nurse, patient.id, {"date": "2026-05-30", "igg_mg_dl": 610})
    le = late_effects(store, patient.id, today=TODAY)
    assert [(g.entity, g.igg_mg_dl, g.low) for g in le.igg] == [("lab", 610.0, False)]
    assert next(s for s in le.follow_up if s.check == "igg").status == "upcoming"


# ------------------------------------------------------------------------------------------------
# cartox discharge


@pytest.fixture
def cli_env(store: Store, backend: Any, admin: Actor, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CARTOX_DB_URL", backend.url)
    monkeypatch.setenv("CARTOX_PASSWORD", PASSWORD)
    return backend.url


def test_cartox_discharge_writes_the_sheet_and_archives_it(cli_env: str, store: Store, patient: Any, admin: Actor,
                                                            tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    update_settings(store, admin, ward_phone="+49 6221 56-7000")
    _discharged(store, admin, patient)
    out = tmp_path / "sheet.pdf"
    assert main(["--user", "admin", "discharge", "MRN-1", "--out", str(out)]) == 0
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(out).pages)
    assert "Ward telephone, day and night: +49 6221 56-7000" in text and "38.0 °C or more" in text
    assert "Yescarta product label as of June 2025" in text  # the patient's product (axi-cel)
    assert "Check for new cancers: every year for life" in text and "Blood count, IgG level" in text
    home = date.today()
    assert f"Going home {home:%a} {home.day} {home:%b %Y} (day {(home - date(2026, 3, 1)).days} after" in text
    assert "MRN-1" in capsys.readouterr().out
    printed = [e for e in events(store) if e.action == "print"]
    assert printed[-1].detail["kind"] == "discharge_sheet" and printed[-1].detail["mrn"] == "MRN-1"
    assert printed[-1].detail["inputs"]["ward_phone"] == "+49 6221 56-7000"


def test_cartox_discharge_unknown_mrn_exits_2(cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["--user", "admin", "discharge", "NOPE", "--out", str(out)]) == 2
    assert "NOPE" in capsys.readouterr().err and not out.exists()


def test_registry_export_has_the_follow_up_columns(store: Store, nurse: Actor, admin: Actor, patient: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from cartox_desktop.interop.registry import REGISTRY_COLUMNS, registry_csv
    from cartox_desktop.services import followup
    from cartox_desktop.services.interop import registry_rows

    monkeypatch.setattr(followup, "today_local", lambda: TODAY)
    add_late_effect(store, nurse, patient.id, "igg", {"date": "2026-03-30", "igg_mg_dl": 350}, today=TODAY)
    add_late_effect(store, nurse, patient.id, "malignancy", {"date": "2026-05-28", "type": "MDS",
                                                             "car_transgene_tested": False}, today=TODAY)
    _discharged(store, admin, patient)
    row = registry_rows(store)[0]
    assert row["follow_up_as_of"] == "2026-06-01"
    assert row["follow_up_overdue"] is None  # day 92: every day-90 window (83-97, 87-93) is still open
    assert row["follow_up_due"] == ("Blood count: due day 90 (2026-05-30); Clinic visit: due day 90 (2026-05-30); "
                                    "IgG level: due day 90 (2026-05-30)")
    monkeypatch.setattr(followup, "today_local", lambda: date(2026, 6, 10))  # day 101
    later = registry_rows(store)[0]
    assert later["follow_up_overdue"] == ("Blood count: OVERDUE since day 90 (2026-05-30); "
                                          "Clinic visit: OVERDUE since day 90 (2026-05-30); "
                                          "IgG level: OVERDUE since day 90 (2026-05-30)")
    assert later["follow_up_due"] is None
    assert (row["igg_last_mg_dl"], row["igg_low"], row["new_malignancy"], row["car_transgene_positive"]) == (
        350.0, "yes", "yes", "no")
    assert "follow_up_overdue" in registry_csv([row]).splitlines()[0] and set(row) == set(REGISTRY_COLUMNS)

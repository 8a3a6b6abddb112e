"""Per-patient ICE answers, notes / audit details on record versions, the discharge role check
and lab files stored in one transaction; on SQLite and, with CARTOX_TEST_PG_URL, PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from cartox_desktop.services import (
    Actor,
    NotFound,
    Signature,
    ValidationFailed,
    add_assessment,
    add_lab,
    amend_patient,
    amend_record,
    create_patient,
    effective_ice_baseline,
    events,
    get_patient,
    get_settings,
    import_labs,
    patient_timeline,
    record_history,
    update_settings,
    verify,
)
from cartox_desktop.storage import Store

from .helpers import PASSWORD, admission, assessment

SHA = "ab" * 32
SOURCE = {"file_name": "lab-2026-03-04.csv", "sha256": SHA, "mapping": "generic-si"}


def test_patient_ice_answers_stored_audited_and_merged_with_the_wards(store: Store, admin: Actor,
                                                                       nurse: Actor) -> None:
    update_settings(store, admin, ice_baseline={"city": "Heidelberg", "hospital": "Uniklinik"})
    p = create_patient(store, nurse, admission(ice_baseline={"city": " Mannheim ", "sentence": ""}))
    assert p.ice_baseline == {"city": "Mannheim"} and get_patient(store, patient_id=p.id).ice_baseline == {
        "city": "Mannheim"}
    assert effective_ice_baseline(get_settings(store), p.ice_baseline) == {"city": "Mannheim", "hospital": "Uniklinik"}
    (created,) = events(store, entity="patient", entity_id=p.id)
    assert created.detail["ice_baseline"] == {"city": "Mannheim"}
    amended = amend_patient(store, admin, p.id, admission(ice_baseline={"hospital": "BG Klinik"}),
                            expected_version=p.version, reason="patient's own answers",
                            signature=Signature(PASSWORD, "amended"))
    assert amended.ice_baseline == {"hospital": "BG Klinik"}
    assert record_history(store, "patient", p.id)[-1].action == "amend"
    other = create_patient(store, nurse, admission("MRN-2"))
    assert other.ice_baseline is None
    assert effective_ice_baseline(get_settings(store), other.ice_baseline) == {"city": "Heidelberg",
                                                                               "hospital": "Uniklinik"}
    with pytest.raises(ValidationFailed) as caught:
        create_patient(store, nurse, admission("MRN-3", ice_baseline={"town": "Ulm", "city": "x" * 201}))
    paths = {e.path for e in caught.value.errors}
    assert paths == {"ice_baseline.town", "ice_baseline.city"}
    assert "accepted: city, hospital, sentence" in str(caught.value)
    assert verify(store).ok


def test_a_note_and_audit_detail_belong_to_each_version(store: Store, nurse: Actor, patient: Any) -> None:
    note = "Interpreter used (Turkish, by phone); pointing instead of naming"
    saved = add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00"), note=note,
                           audit_detail={"ice_adaptations": ["interpreter", "pointing"]})
    amend_record(store, nurse, "assessment", saved.record.id, assessment("2026-03-03T08:00", temperature_c=38.9),
                 expected_version=saved.record.version, reason="typo in temperature",
                 signature=Signature(PASSWORD, "amended"), note="no adaptation this time")
    created, amended = record_history(store, "assessment", saved.record.id)
    assert (created.note, created.audit_detail) == (note, {"ice_adaptations": ["interpreter", "pointing"]})
    assert (amended.note, amended.audit_detail, amended.reason) == ("no adaptation this time", None,
                                                                    "typo in temperature")
    lab = add_lab(store, nurse, patient.id, {"time": "2026-03-03T06:00", "crp_mg_dl": 4.2})
    assert record_history(store, "lab", lab.record.id)[0].note is None
    before = len(events(store))
    for bad in ({"note": "x" * 2001}, {"audit_detail": ["not", "an", "object"]},
                {"audit_detail": {"blob": "x" * 30_000}}):
        with pytest.raises(ValidationFailed) as caught:
            add_assessment(store, nurse, patient.id, assessment("2026-03-04T08:00"), **bad)
        assert next(iter(bad)) in str(caught.value) and "at most" in str(caught.value)
    assert len(events(store)) == before


def test_import_labs_stores_a_whole_file_in_one_transaction(store: Store, nurse: Actor, patient: Any) -> None:
    other = create_patient(store, nurse, admission("MRN-2", name="Ben Klein"))
    result = import_labs(store, nurse, {
        "MRN-1": [{"time": "2026-03-03T06:00", "anc_per_ul": 400, "crp_mg_dl": 4.8},
                  {"time": "2026-03-04T06:00", "anc_per_ul": 300}],
        other.id: [{"date": "2026-03-03", "ferritin_ng_ml": 1200}],
    }, source=SOURCE, entry_details={"MRN-1": [{"values": [{"row": 2}]}, None]})
    assert (result.patients, result.entries, result.values) == (2, 3, 4)
    creates = [e for e in events(store, action="create") if e.entity == "lab"]
    assert [e.seq for e in creates] == list(result.lab_event_seqs)
    assert all(e.detail["audit_detail"]["sha256"] == SHA and e.detail["audit_detail"]["file_name"] ==
               "lab-2026-03-04.csv" for e in creates)
    assert creates[0].detail["audit_detail"]["values"] == [{"row": 2}]
    imports = events(store, action="import")
    assert [e.seq for e in imports] == list(result.import_event_seqs)
    assert imports[0].detail["records"][0]["values"] == [{"row": 2}] and imports[1].detail["mrn"] == "MRN-2"
    history = record_history(store, "lab", creates[0].entity_id or 0)
    assert history[0].audit_detail is not None and history[0].audit_detail["mapping"] == "generic-si"
    assert len(patient_timeline(store, patient.id).labs) == 2 and verify(store).ok


@pytest.mark.parametrize(("entries", "source", "error", "message"), [
    ({"MRN-1": [{"time": "2026-03-03T06:00", "anc_per_ul": 400}],
      "MRN-2": [{"time": "2026-03-03T06:00", "hemoglobin_g_dl": 300}]},
     SOURCE, ValidationFailed, "MRN MRN-2, lab entry 1 (2026-03-03T06:00): "),
    ({"MRN-1": [{"time": "2026-03-03T06:00", "anc_per_ul": 400}], "MRN-9": [{"time": "2026-03-03T06:00"}]},
     SOURCE, NotFound, "MRN 'MRN-9' does not exist; nothing of the lab file was stored"),
    ({"MRN-1": [{"time": "2026-03-03T06:00", "anc_per_ul": 400}, "not an entry"]},
     SOURCE, ValidationFailed, "lab entry 2"),
    ({"MRN-1": [{"time": "2026-03-03T06:00", "anc_per_ul": 400}]},
     {"file_name": "lab.csv", "sha256": "not-a-hash"}, ValidationFailed, "source.sha256"),
])
def test_import_labs_stores_nothing_when_anything_is_refused(store: Store, nurse: Actor, patient: Any,
                                                             entries: dict[str, Any], source: dict[str, Any],
                                                             error: type, message: str) -> None:
    create_patient(store, nurse, admission("MRN-2", name="Ben Klein"))
    before = len(events(store))
    with pytest.raises(error) as caught:
        import_labs(store, nurse, entries, source=source)
    assert message in str(caught.value)
    assert len(events(store)) == before and patient_timeline(store, patient.id).labs == ()

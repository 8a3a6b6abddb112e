"""Ward settings in the database (audited, admins only), the protocol they name, and opening
the store through the services; on SQLite and, with CARTOX_TEST_PG_URL, PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cartox_desktop.services import (
    Actor,
    PermissionDenied,
    ProtocolError,
    Settings,
    ValidationFailed,
    add_assessment,
    check_connection,
    connection_summary,
    events,
    get_settings,
    open_store,
    patient_timeline,
    protocol_status,
    update_settings,
    verify,
)
from cartox_desktop.storage import Store

from .conftest import Backend
from .helpers import assessment, raw_exec

MAPPINGS = """
[mappings.ward-lis]
description = "Our LIS export"
layout = "long"
mrn_column = "Patient"
datetime_column = "Taken"
test_column = "Code"
value_column = "Value"
unit_column = "Unit"

[mappings.ward-lis.tests]
ANC = "anc_per_ul"
CRP = "crp_mg_dl"
"""


def _protocol_file(repo_root: Path, path: Path, replace: dict[str, str] | None = None) -> Path:
    """The bundled protocol, renamed, with some lines replaced (key -> whole new line)."""
    lines = []
    for line in (repo_root / "resources" / "protocol.toml").read_text(encoding="utf-8").splitlines():
        key = line.split("=")[0].strip()
        lines.append((replace or {}).get(key, line))
    text = "\n".join(lines) + "\n"
    text = text.replace('name = "', 'name = "Ward 7B copy of ', 1)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_until_an_admin_changes_them_each_change_audited(store: Store, admin: Actor) -> None:
    assert get_settings(store) == Settings()
    assert get_settings(store).igg_threshold_mg_dl == 400 and get_settings(store).idle_lock_minutes == 10
    before = len(events(store))
    saved = update_settings(store, admin, institution_name="Universitätsklinikum Süd", ward_name="Haematology 7B",
                            ward_phone="+49 (6221) 56-1234", idle_lock_minutes=5, temperature_unit="F",
                            ice_baseline={"city": "Heidelberg", "hospital": "Uniklinik", "sentence": ""},
                            igg_threshold_mg_dl=350, lab_mappings_toml=MAPPINGS)
    assert (saved.institution_name, saved.ward_name, saved.ward_phone) == (
        "Universitätsklinikum Süd", "Haematology 7B", "+49 (6221) 56-1234")
    assert saved.ice_baseline == {"city": "Heidelberg", "hospital": "Uniklinik"}
    assert saved.updated_by == "admin" and get_settings(store) == saved
    changed = events(store, action="setting")
    assert len(events(store)) == before + 9 == before + len(changed)  # the empty sentence did not change
    by_key = {e.detail["setting"]: e.detail for e in changed}
    assert by_key["idle_lock_minutes"]["old"] == 10 and by_key["idle_lock_minutes"]["new"] == 5
    assert by_key["temperature_unit"] == {"setting": "temperature_unit", "old": "C", "new": "F", "version": 1}
    assert by_key["lab_mappings_toml"]["new"].startswith("[mappings.ward-lis]")
    # an unchanged value is no event; a second change records the old value
    update_settings(store, admin, idle_lock_minutes=5, ward_name="Haematology 7B")
    assert len(events(store, action="setting")) == 9
    update_settings(store, admin, idle_lock_minutes=15)
    last = events(store, action="setting", newest_first=True, limit=1)[0]
    assert (last.detail["old"], last.detail["new"], last.detail["version"]) == (5, 15, 2)
    assert verify(store).ok


def test_only_an_admin_changes_settings(store: Store, nurse: Actor, physician: Actor) -> None:
    for who in (nurse, physician):
        with pytest.raises(PermissionDenied, match="changing the ward settings needs role admin"):
            update_settings(store, who, ward_name="7B")
    assert get_settings(store) == Settings() and events(store, action="setting") == []


@pytest.mark.parametrize(("changes", "field", "accepted"), [
    ({"idle_lock_minutes": 0}, "idle_lock_minutes = 0", "from 1 to 240"),
    ({"idle_lock_minutes": 2.5}, "idle_lock_minutes = 2.5", "whole number"),
    ({"temperature_unit": "K"}, 'temperature_unit = "K"', "accepted: C (°C) or F (°F)"),
    ({"igg_threshold_mg_dl": 40}, "igg_threshold_mg_dl = 40", "from 100 to 1500"),
    ({"igg_threshold_mg_dl": True}, "igg_threshold_mg_dl = true", "mg/dL"),
    ({"ward_phone": "ring the bell"}, 'ward_phone = "ring the bell"', "only digits, spaces and + ( ) - / ."),
    ({"ward_name": "x" * 101}, "ward_name = ", "at most 100 printable characters"),
    ({"ice_baseline": {"town": "Ulm"}}, "ice_baseline = ", "keys city, hospital, sentence"),
    ({"lab_mappings_toml": "[broken"}, 'lab_mappings_toml = "[broken"', "resources/lab-mappings.toml"),
    ({"colour": "blue"}, 'colour = "blue"', "no such setting; accepted: institution_name"),
])
def test_refused_values_name_the_field_value_and_accepted_range(store: Store, admin: Actor, changes: dict[str, Any],
                                                                 field: str, accepted: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        update_settings(store, admin, institution_name="kept out too", **changes)
    message = str(caught.value)
    assert message.startswith("settings refused, nothing was saved: ") and field in message and accepted in message
    assert get_settings(store) == Settings() and events(store, action="setting") == []


def test_protocol_file_is_checked_before_saving_and_grades_once_saved(store: Store, admin: Actor, nurse: Actor,
                                                                      patient: Any, repo_root: Path,
                                                                      tmp_path: Path) -> None:
    assert protocol_status().path == "" and protocol_status().error is None
    broken = _protocol_file(repo_root, tmp_path / "broken.toml", {"max_dose_mg": 'max_dose_mg = "lots"'})
    with pytest.raises(ValidationFailed) as caught:
        update_settings(store, admin, protocol_file=str(broken))
    message = str(caught.value)
    assert f"protocol file '{broken}'" in message and "TOML path tocilizumab.max_dose_mg = 'lots'" in message
    assert "\n" not in message and get_settings(store).protocol_file == ""
    for path, what in (("/no/such/protocol.toml", "no such file"), ("relative.toml", "must be absolute")):
        with pytest.raises(ValidationFailed, match=what):
            update_settings(store, admin, protocol_file=path)

    good = _protocol_file(repo_root, tmp_path / "ward.toml", {"max_doses_total": "max_doses_total = 2"})
    update_settings(store, admin, protocol_file=str(good))
    assert "Ward 7B copy of" in protocol_status().label and protocol_status().path == str(good)
    add_assessment(store, nurse, patient.id, assessment("2026-03-03T08:00"))
    course = patient_timeline(store, patient.id).course
    assert course is not None and course.result["tocilizumab"]["max_doses_total"] == 2  # graded with the ward's file

    # the file is broken later, behind the app's back: the next start says so, nothing is graded
    good.write_text(good.read_text(encoding="utf-8").replace("max_doses_total = 2", "max_doses_total = -1"),
                    encoding="utf-8")
    again = open_store(store.url)
    try:
        status = protocol_status()
        assert status.protocol is None and str(good) in (status.error or "")
        assert "TOML path tocilizumab.max_doses_total = -1" in (status.error or "")
        before = len(events(again))
        with pytest.raises(ProtocolError, match="TOML path tocilizumab.max_doses_total"):
            add_assessment(again, nurse, patient.id, assessment("2026-03-04T08:00"))
        assert len(events(again)) == before  # never graded (or stored) without the protocol
        update_settings(again, admin, protocol_file="")  # an admin can still fix it
        assert protocol_status().error is None and protocol_status().path == ""
        add_assessment(again, nurse, patient.id, assessment("2026-03-04T08:00"))
    finally:
        again.close()


def test_open_store_and_check_connection(backend: Backend, tmp_path: Path) -> None:
    assert check_connection(backend.url) is None
    opened = open_store(backend.url)
    try:
        assert get_settings(opened) == Settings()
    finally:
        opened.close()
    assert "a CARTOX database with 0 user(s)" in connection_summary(backend.url)
    problem = check_connection("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert problem is not None and "127.0.0.1:1" in problem and "secret" not in problem
    assert "'nonsense' is not supported; accepted: sqlite:///" in (check_connection("nonsense://x") or "")


@pytest.mark.parametrize("tamper, expected", [
    # the protocol file switched behind the app: suggestions would come from another file
    (["UPDATE app_setting SET value = '\"/tmp/other.toml\"' WHERE key = 'protocol_file'"],
     "the stored setting 'protocol_file' no longer matches its latest audited version"),
    (["UPDATE app_setting SET updated_by = 'someone' WHERE key = 'idle_lock_minutes'"],
     "the stored setting 'idle_lock_minutes' no longer matches"),
    (["INSERT INTO app_setting (key, value, updated_at, updated_by, version) "
      "VALUES ('ward_phone', '\"000\"', '2026-01-01T00:00:00Z', 'admin', 1)"],
     "setting 'ward_phone' has no audit event: it was set outside CARTOX"),
    (["DROP TRIGGER app_setting_no_delete", "DELETE FROM app_setting WHERE key = 'idle_lock_minutes'"],
     "setting 'idle_lock_minutes' recorded in the trail is missing from the database"),
])
def test_settings_changed_behind_the_app_are_reported_by_verify(store: Store, admin: Actor, repo_root: Path,
                                                                 tmp_path: Path, tamper: list[str],
                                                                 expected: str) -> None:
    protocol = _protocol_file(repo_root, tmp_path / "ward.toml")
    update_settings(store, admin, idle_lock_minutes=5, protocol_file=str(protocol))
    assert verify(store).ok
    if store.dialect != "sqlite":
        tamper = [s + " ON app_setting" if s.startswith("DROP TRIGGER") else s for s in tamper]
    raw_exec(store, *tamper)
    report = verify(store)
    assert not report.ok
    assert any(expected in p.message for p in report.problems), report.problems

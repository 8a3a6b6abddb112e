"""``cartox labs import`` and ``cartox export fhir|registry``: exit codes, nothing stored on invalid
input, every import and export an audit event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from cartox_desktop.cli.main import main

from .conftest import CASE, PASSWORD

HEADER = "MRN,Collected,Test,Result,Unit\n"


@pytest.fixture
def ward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A database with user nurse1 and patient MRN-7, used through the CLI."""
    from cartox_desktop.services import Signature, add_user, configure_hashing, login, record_case
    from cartox_desktop.storage.store import open_store

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CARTOX_DB_URL", url)
    monkeypatch.setenv("CARTOX_PASSWORD", PASSWORD)
    monkeypatch.setenv("CARTOX_LAB_MAPPINGS", str(tmp_path / "no-saved-mappings.toml"))
    configure_hashing(time_cost=1, memory_cost_kib=8, parallelism=1)
    store = open_store(url)
    try:
        add_user(store, None, "nurse1", PASSWORD, "admin")
        actor = login(store, "nurse1", PASSWORD)
        record_case(store, actor, CASE, mrn="MRN-7", name="Doe, Jane", signature=Signature(PASSWORD, "recorded"))
    finally:
        store.close()
    (tmp_path / "no-saved-mappings.toml").write_text("[mappings]\n", encoding="utf-8")
    return {"url": url, "dir": tmp_path}


def _state(url: str) -> tuple[list[Any], list[dict[str, Any]]]:
    from cartox_desktop.services import events, patient_timeline
    from cartox_desktop.storage.store import open_store

    store = open_store(url)
    try:
        return events(store), [dict(r.content) for r in patient_timeline(store, mrn="MRN-7").labs]
    finally:
        store.close()


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_labs_import_with_yes_stores_and_logs(ward, capsys) -> None:  # type: ignore[no-untyped-def]
    f = _write(ward["dir"] / "lab.csv", HEADER + "MRN-7,2026-03-08T07:00,ANC,0.2,10^9/L\n"
                                                 "MRN-7,2026-03-08T07:00,CRP,45,mg/L\n")
    assert main(["--user", "nurse1", "labs", "import", f, "--mapping", "generic-si", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "ANC 0.2 10^9/L → 200 /µL" in out and "CRP 45 mg/L → 4.5 mg/dL" in out and "stored 2 lab value(s)" in out
    events, labs = _state(ward["url"])
    assert {"time": "2026-03-08T07:00", "anc_per_ul": 200, "crp_mg_dl": 4.5} in labs
    assert events[-1].action == "import" and events[-1].detail["file_name"] == "lab.csv"


def test_labs_import_without_a_terminal_or_yes_stores_nothing(ward, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    f = _write(ward["dir"] / "lab.csv", HEADER + "MRN-7,2026-03-08T07:00,ANC,0.2,10^9/L\n")
    before = _state(ward["url"])[1]
    assert main(["--user", "nurse1", "labs", "import", f, "--mapping", "generic-si"]) == 2
    captured = capsys.readouterr()
    assert "ANC 0.2 10^9/L → 200 /µL" in captured.out and "--yes" in captured.err
    assert _state(ward["url"])[1] == before


@pytest.mark.parametrize(("body", "expected"), [
    ("MRN-7,2026-03-08T07:00,HB,300,g/L\n", "row 2, column 'Result' = '300'"),
    ("MRN-7,2026-03-08T07:00,ANC,1,mmol/L\n", "row 2, column 'Unit' = 'mmol/L'"),
    ("MRN-7,2026-03-08T07:00,ANC,\"1,10^9/L\n", "row 2: malformed CSV"),
    ("MRN-9,2026-03-08T07:00,ANC,1,10^9/L\n", "unknown MRN"),
])
def test_labs_import_invalid_exit_2_and_nothing_stored(ward, capsys, body: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    f = _write(ward["dir"] / "bad.csv", HEADER + body)
    events_before, labs_before = _state(ward["url"])
    assert main(["--user", "nurse1", "labs", "import", f, "--mapping", "generic-si", "--yes"]) == 2
    captured = capsys.readouterr()
    assert expected in captured.out + captured.err
    assert "nothing was stored" in captured.err
    events_after, labs_after = _state(ward["url"])
    assert labs_after == labs_before
    assert [e.action for e in events_after[len(events_before):]] == ["login"]  # only the login is new


def test_labs_import_unknown_mapping(ward, capsys) -> None:  # type: ignore[no-untyped-def]
    f = _write(ward["dir"] / "lab.csv", HEADER)
    assert main(["--user", "nurse1", "labs", "import", f, "--mapping", "nope"]) == 2
    assert "generic-si" in capsys.readouterr().err


def test_export_fhir_and_unknown_mrn(ward, capsys) -> None:  # type: ignore[no-untyped-def]
    out = ward["dir"] / "p.json"
    assert main(["--user", "nurse1", "export", "fhir", "MRN-7", "--out", str(out), "--tz", "Europe/Paris"]) == 0
    Bundle.model_validate(json.loads(out.read_text(encoding="utf-8")))
    events, _ = _state(ward["url"])
    assert events[-1].action == "export" and events[-1].detail["kind"] == "fhir_r4"
    capsys.readouterr()
    missing = ward["dir"] / "x.json"
    assert main(["--user", "nurse1", "export", "fhir", "NOPE", "--out", str(missing)]) == 2
    assert "NOPE" in capsys.readouterr().err and not missing.exists()
    assert _state(ward["url"])[0][-1].action == "login"  # no export event for a refused export


def test_export_registry(ward, capsys) -> None:  # type: ignore[no-untyped-def]
    out = ward["dir"] / "r.csv"
    assert main(["--user", "nurse1", "export", "registry", "--out", str(out), "--since", "2026-01-01"]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("MRN-7,axi-cel,2026-03-01,")
    events, _ = _state(ward["url"])
    assert events[-1].action == "export" and events[-1].detail["kind"] == "registry_csv"
    assert main(["--user", "nurse1", "export", "registry", "--out", str(out), "--since", "March"]) == 2
    assert "--since 'March'" in capsys.readouterr().err


def test_exports_need_a_user(ward, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["export", "registry", "--out", str(ward["dir"] / "r.csv")]) == 2
    assert "--user" in capsys.readouterr().err

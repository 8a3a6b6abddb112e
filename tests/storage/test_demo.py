"""``cartox demo``: a realistic ward whose audit trail is real (replayed through the services)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cartox_desktop.cli.main import main as cartox
from cartox_desktop.services import events, login, patient_timeline, verify, ward_board
from cartox_desktop.services.demo import build_demo_ward
from cartox_desktop.storage import Store

from .conftest import Backend

NOW = datetime(2026, 3, 20, 15, 0)


def test_demo_ward_reaches_every_grade_and_verifies(store: Store) -> None:
    result = build_demo_ward(store, now=NOW)
    assert result.created_user and result.patients >= 8
    actor = login(store, "demo", "demo")
    assert actor.role == "admin"  # first user of an empty database
    board = ward_board(store, today=NOW.date())
    assert len(board) >= 8
    assert len({row.day for row in board}) == len(board)  # all on different days after infusion
    assert max(row.day for row in board) >= 35
    crs: set[int] = set()
    icans: set[int] = set()
    capd_child = late_icaht = iec_hs = False
    for row in board:
        timeline = patient_timeline(store, row.patient.id)
        assert timeline.assessments and timeline.labs
        for a in timeline.active_assessments:
            assert a.grades is not None
            crs.add(a.grades.crs_astct) if a.grades.crs_astct is not None else None
            icans.add(a.grades.icans_astct) if a.grades.icans_astct is not None else None
            if row.patient.age_years < 12 and a.grades.result["icans_astct"].get("tool") == "CAPD" \
                    and (a.grades.icans_astct or 0) >= 1:
                capd_child = True
        assert timeline.course is not None
        course = timeline.course.result
        late_icaht |= (course["icaht"]["late_grade"] or 0) >= 1
        iec_hs |= bool(course["iec_hs"]["met"])
    assert crs >= {0, 1, 2, 3, 4} and icans >= {0, 1, 2, 3, 4}
    assert capd_child and late_icaht and iec_hs
    trail = events(store)
    actions = {e.action for e in trail}
    assert {"create", "amend", "void", "review", "regrade", "login"} <= actions
    assert any(e.detail.get("signature", {}).get("meaning") == "recorded" for e in trail)
    report = verify(store)
    assert report.ok, report.problems
    again = build_demo_ward(store, now=NOW)
    assert again.already_present and verify(store).events == report.events + 1  # just the demo login


def test_cartox_demo_command(sqlite_backend: Backend, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CARTOX_DB_URL", sqlite_backend.url)
    monkeypatch.setenv("CARTOX_PASSWORD", "correct horse")
    monkeypatch.setenv("CARTOX_NEW_PASSWORD", "correct horse")
    assert cartox(["user", "add", "ada", "--role", "admin"]) == 0
    assert cartox(["demo"]) == 2  # another database's users: an admin must add the demo user
    assert "--user ADMIN" in capsys.readouterr().err
    assert cartox(["--user", "ada", "demo"]) == 0
    assert "created user demo" in capsys.readouterr().out
    assert cartox(["audit", "verify"]) == 0
    assert date.today().isoformat()  # the ward is dated relative to today

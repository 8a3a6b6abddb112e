"""The hospital's protocol file: loading, validation, suggestions with sources, tocilizumab limits
(clinical-rules.md §8; ASCO 2021 guideline; Actemra US label)."""

from __future__ import annotations

from datetime import datetime

import pytest

from cartox_desktop.clinical import grade_case_json, parse_protocol
from cartox_desktop.clinical.protocol import ProtocolInvalid, TocilizumabRules
from cartox_desktop.resources import default_protocol, resource_path


def _case(weight: float | None, doses: list[tuple[str, float | None]], **extra: object) -> dict:
    patient: dict = {"age_years": 40}
    if weight is not None:
        patient["weight_kg"] = weight
    return {
        "patient": patient,
        "infusion_date": "2026-03-01",
        "assessments": [{"id": "a1", "time": "2026-03-02T08:00", "temperature_c": 39.0, "o2_device": "room_air",
                         "hypotension": True}],
        "interventions": [{"time": t, "drug": "tocilizumab", **({"dose_mg": d} if d is not None else {})}
                          for t, d in doses],
        **extra,
    }


def test_shipped_protocol_matches_the_binding_tocilizumab_defaults() -> None:
    # clinical-rules §8: 8 mg/kg (12 under 30 kg), ≤ 800 mg, ≥ 8 h apart, ≤ 3 per 24 h, ≤ 4 in total.
    assert default_protocol().tocilizumab == TocilizumabRules()


def test_every_shipped_step_names_its_source() -> None:
    protocol = default_protocol()
    assert protocol.actions and all(a.source.strip() for a in protocol.actions)
    for scale in ("crs", "icans"):
        assert {a.grade for a in protocol.actions if a.scale == scale} == {1, 2, 3, 4}
    assert all(rule.source for rule in protocol.monitoring)


def test_broken_protocol_is_refused_with_every_problem_named() -> None:
    text = resource_path("protocol.toml").read_text(encoding="utf-8")
    text = text.replace("max_dose_mg = 800.0", "max_dose_mg = -5").replace('scale = "icans"', 'scale = "brain"', 1)
    with pytest.raises(ProtocolInvalid) as info:
        parse_protocol(text)
    paths = [e.path for e in info.value.errors]
    assert "tocilizumab.max_dose_mg" in paths
    assert any(p.startswith("actions[") and p.endswith(".scale") for p in paths)


def test_not_toml_is_refused() -> None:
    with pytest.raises(ProtocolInvalid, match="not valid TOML"):
        parse_protocol("[protocol\nname=")


@pytest.mark.parametrize(
    ("weight", "expected_mg"),
    [(80.0, 640.0), (100.0, 800.0), (120.0, 800.0), (29.9, 358.8), (30.0, 240.0), (None, None)],
    ids=["8 mg/kg", "cap reached", "capped at 800", "12 mg/kg under 30 kg", "8 mg/kg at 30 kg", "no weight"],
)
def test_tocilizumab_dose_from_weight(weight: float | None, expected_mg: float | None) -> None:
    dose = TocilizumabRules().dose_mg(weight)
    assert dose == pytest.approx(expected_mg) if expected_mg is not None else dose is None


def _alerts(case: dict) -> list[str]:
    return grade_case_json(case, default_protocol())["course"]["alerts"]


def test_fifth_dose_alerts_total_limit_but_never_blocks() -> None:
    times = ["2026-03-02T08:00", "2026-03-02T16:00", "2026-03-03T08:00", "2026-03-04T08:00", "2026-03-05T08:00"]
    out = grade_case_json(_case(80, [(t, 640) for t in times]), default_protocol())
    assert out["course"]["tocilizumab"]["doses_total"] == 5
    assert any("5 doses in total" in a and "limit of 4" in a for a in out["course"]["alerts"])
    assert all("ASCO 2021" in a for a in out["course"]["alerts"] if "tocilizumab" in a)


def test_four_doses_in_24_hours_and_too_close_together() -> None:
    times = ["2026-03-02T00:00", "2026-03-02T08:00", "2026-03-02T16:00", "2026-03-02T20:00"]
    alerts = _alerts(_case(80, [(t, 640) for t in times]))
    assert any("4 doses in the 24 h" in a and "limit of 3" in a for a in alerts)
    assert any("only 4 h after the previous dose" in a for a in alerts)


def test_three_doses_eight_hours_apart_are_within_limits() -> None:
    times = ["2026-03-02T00:00", "2026-03-02T08:00", "2026-03-02T16:00"]
    assert not [a for a in _alerts(_case(80, [(t, 640) for t in times])) if "tocilizumab" in a]


@pytest.mark.parametrize(
    ("dose", "alerted"),
    [(704.0, False), (704.1, True), (801.0, True)],
    ids=["exactly 10 % above", "just over 10 % above", "above 800 mg"],
)
def test_dose_above_computed_or_maximum(dose: float, alerted: bool) -> None:
    alerts = _alerts(_case(80, [("2026-03-02T09:00", dose)]))
    assert any("tocilizumab" in a for a in alerts) is alerted


def test_weight_needed_for_dose_check() -> None:
    assert any("weight needed" in a for a in _alerts(_case(None, [("2026-03-02T09:00", 640)])))


def test_suggestions_follow_the_current_grade_and_carry_their_source() -> None:
    out = grade_case_json(_case(80, []), default_protocol())
    assert out["course"]["crs_current_grade"] == 2
    suggestions = out["course"]["suggestions"]
    assert [s["grade"] for s in suggestions if s["scale"] == "crs"] == [2]
    assert all(s["source"] for s in suggestions)
    assert "Tocilizumab 8 mg/kg" in suggestions[0]["text"]


def test_ice_overdue_alert_uses_the_protocol_interval() -> None:
    case = _case(80, [])
    case["assessments"] = [
        {"id": "n1", "time": "2026-03-02T08:00", "ice_score": 10, "consciousness": "awake", "temperature_c": 37.0},
        {"id": "v1", "time": "2026-03-02T17:00", "temperature_c": 37.1},
    ]
    protocol = default_protocol()
    out = grade_case_json(case, protocol)
    assert out["course"]["monitoring"]["ice_every_h"] == 8
    assert out["course"]["monitoring"]["next_ice_due"] == "2026-03-02T16:00"
    assert out["course"]["monitoring"]["ice_overdue"] is True
    assert any("ICE check overdue" in a for a in out["course"]["alerts"])
    early = grade_case_json(case, protocol, as_of=datetime(2026, 3, 2, 15, 0))
    assert early["course"]["monitoring"]["ice_overdue"] is False


def test_interval_tightens_when_a_grade_rises() -> None:
    case = _case(80, [])
    case["assessments"][0].update({"ice_score": 10, "consciousness": "awake"})
    out = grade_case_json(case, default_protocol())
    assert out["course"]["monitoring"]["ice_every_h"] == 4  # CRS grade 2 on day 1

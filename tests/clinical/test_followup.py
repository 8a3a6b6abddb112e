"""Late-effect validation, the follow-up plan from the protocol file, due/overdue on fixed dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartox_desktop.clinical.followup import (
    DUE,
    OVERDUE,
    UPCOMING,
    FollowUpRule,
    LateEffectInvalid,
    appointments,
    follow_up_plan,
    follow_up_status,
    igg_low,
    later_checks,
    rule_status,
    validate_late_effect,
)
from cartox_desktop.clinical.protocol import ProtocolInvalid
from cartox_desktop.resources import default_protocol

INFUSION = date(2026, 3, 1)
TODAY = date(2026, 6, 1)


def _check(kind: str, content: Any) -> dict[str, Any]:
    return validate_late_effect(kind, content, infusion_date=INFUSION, today=TODAY)


def _errors(kind: str, content: Any) -> dict[str, str]:
    with pytest.raises(LateEffectInvalid) as info:
        _check(kind, content)
    return {e.path: e.message for e in info.value.errors}


def test_valid_entries_are_normalised() -> None:
    assert _check("infection", {"date": "2026-04-02", "site": " lung ", "organism": "", "ctcae_grade": 3}) == {
        "date": "2026-04-02", "site": "lung", "ctcae_grade": 3}
    assert _check("igg", {"date": "2026-04-02", "igg_mg_dl": 320.0}) == {"date": "2026-04-02", "igg_mg_dl": 320}
    assert _check("malignancy", {"date": "2026-05-20", "type": "T-cell lymphoma", "car_transgene_tested": True,
                                 "car_transgene_result": "positive"})["car_transgene_result"] == "positive"
    assert _check("visit", {"date": "2026-05-20", "checks": ["malignancy_surveillance", "clinic_visit"]})[
        "checks"] == ["clinic_visit", "malignancy_surveillance"]


@pytest.mark.parametrize("bad", ["2026-02-30", "30.04.2026", "2026-4-2", "", None, 20260402, "tomorrow"])
def test_bad_dates_are_refused_naming_the_field(bad: Any) -> None:
    errors = _errors("igg", {"date": bad, "igg_mg_dl": 500})
    assert list(errors) == ["date"] and "YYYY-MM-DD" in errors["date"]


def test_dates_before_infusion_or_in_the_future_are_refused() -> None:
    assert "infusion date 2026-03-01" in _errors("infection", {"date": "2026-02-28", "site": "lung",
                                                               "ctcae_grade": 2})["date"]
    assert "future" in _errors("infection", {"date": "2026-06-02", "site": "lung", "ctcae_grade": 2})["date"]


@pytest.mark.parametrize("value, words", [
    (-1, "impossible IgG"), (10_001, "impossible IgG"), (25_000, "impossible IgG"), (4.5, "looks like g/L"),
    (29.9, "looks like g/L"), ("450", "number"), (True, "number"), (float("nan"), "number"), (None, "number"),
])
def test_impossible_or_g_per_l_looking_igg_is_refused(value: Any, words: str) -> None:
    errors = _errors("igg", {"date": "2026-04-02", "igg_mg_dl": value})
    assert list(errors) == ["igg_mg_dl"] and words in errors["igg_mg_dl"]


def test_g_per_l_message_gives_the_mg_dl_value() -> None:
    assert "4.5 g/L = 450 mg/dL" in _errors("igg", {"date": "2026-04-02", "igg_mg_dl": 4.5})["igg_mg_dl"]


def test_igg_limits_are_accepted() -> None:
    for value in (0, 30, 10_000):
        assert _check("igg", {"date": "2026-04-02", "igg_mg_dl": value})["igg_mg_dl"] == value


def test_every_bad_field_is_named_at_once() -> None:
    errors = _errors("infection", {"date": "2026-13-01", "site": "", "ctcae_grade": 6, "colour": "red"})
    assert set(errors) == {"date", "site", "ctcae_grade", "colour"}
    assert "CTCAE v5.0" in errors["ctcae_grade"]
    errors = _errors("malignancy", {"date": "2026-04-02", "type": "MDS", "car_transgene_tested": True})
    assert set(errors) == {"car_transgene_result"}
    errors = _errors("malignancy", {"date": "2026-04-02", "type": "MDS", "car_transgene_tested": False,
                                    "car_transgene_result": "negative"})
    assert set(errors) == {"car_transgene_result"}
    assert set(_errors("visit", {"date": "2026-04-02", "checks": ["clinic_visit", "clinic_visit"]})) == {"checks"}
    assert set(_errors("nonsense", {})) == {"kind"}


def test_igg_flag_is_strictly_below_the_threshold() -> None:
    assert igg_low(399.9, 400) and not igg_low(400, 400)


def test_bundled_protocol_has_a_valid_plan_and_dated_advice_for_every_product() -> None:
    plan = follow_up_plan(default_protocol().extra)
    assert {r.check for r in plan.rules} == {"blood_counts", "igg", "clinic_visit", "malignancy_surveillance"}
    assert all(r.source for r in plan.rules)
    for product in ("axi-cel", "brexu-cel", "tisa-cel", "liso-cel", "ide-cel", "cilta-cel"):
        advice = plan.advice_for(product)
        assert advice is not None and advice.label_date_text == "June 2025" and "2 weeks" in advice.driving
        assert advice.check_label and advice.source
    obe = plan.advice_for("obe-cel")
    assert obe is not None and obe.label_date_text == "November 2024" and "2 weeks" not in obe.driving
    surveillance = next(r for r in plan.rules if r.check == "malignancy_surveillance")
    assert surveillance.open_ended and surveillance.scheduled_days(3 * 365) == [365, 730, 1095]


def test_broken_plan_names_the_toml_path() -> None:
    extra = {"follow_up": [{"check": "blood_counts", "label": "Blood count", "days": [14, 7], "window_days": 3,
                            "source": "x"}, {"check": "scan"}],
             "product_advice": [{"product": "axi-cel", "brand": "Y", "driving": "d", "distance": "d",
                                 "label_date": "2025-13", "source": "s", "check_label": True}]}
    with pytest.raises(ProtocolInvalid) as info:
        follow_up_plan(extra)
    paths = {e.path for e in info.value.errors}
    assert paths == {"follow_up[0].days", "follow_up[1].check", "product_advice[0].label_date"}


def test_missing_sections_give_an_empty_plan() -> None:
    plan = follow_up_plan({})
    assert plan.rules == () and plan.advice == ()


RULE = FollowUpRule("blood_counts", "Blood count", (7, 21, 28, 60), None, None, None, 3, "test")


@pytest.mark.parametrize("today, done, status, day", [
    (date(2026, 3, 3), [], UPCOMING, 7),  # day 2: the day-7 window opens on day 4
    (date(2026, 3, 6), [], DUE, 7),  # day 5: window open, not done
    (date(2026, 3, 11), [], DUE, 7),  # day 10: last day of the window
    (date(2026, 3, 12), [], OVERDUE, 7),  # day 11: window closed, the day-21 window not yet open
    (date(2026, 3, 12), [date(2026, 3, 9)], UPCOMING, 21),  # done on day 8: next is day 21
    (date(2026, 3, 19), [], DUE, 21),  # day 18: the day-21 window supersedes the missed day 7
    (date(2026, 4, 4), [], OVERDUE, 28),  # day 34: the day-28 check was missed
    (date(2026, 4, 4), [date(2026, 3, 29)], UPCOMING, 60),  # done on day 28: next is day 60
])
def test_rule_status_on_fixed_dates(today: date, done: list[date], status: str, day: int) -> None:
    result = rule_status(RULE, INFUSION, today, done)
    assert (result.status, result.day) == (status, day)
    assert result.due_date == date.fromordinal(INFUSION.toordinal() + day)


def test_schedule_end_and_open_ended_repeats() -> None:
    after = rule_status(RULE, INFUSION, date(2026, 6, 1), [date(2026, 4, 30)])
    assert after.status == "complete" and after.day is None
    yearly = FollowUpRule("malignancy_surveillance", "Check for new cancers", (), 365, 365, None, 30, "t")
    first = rule_status(yearly, INFUSION, date(2026, 6, 1), [])
    assert (first.status, first.due_date) == (UPCOMING, date(2027, 3, 1))
    late = rule_status(yearly, INFUSION, date(2030, 6, 1), [date(2027, 3, 10)])
    assert (late.status, late.day, late.due_date) == (OVERDUE, 1460, date(2030, 2, 28))


def test_follow_up_status_orders_overdue_first() -> None:
    plan = follow_up_plan(default_protocol().extra)
    statuses = follow_up_status(plan, INFUSION, date(2026, 5, 15), {"blood_counts": [date(2026, 4, 30)]})
    assert [s.status for s in statuses] == sorted((s.status for s in statuses),
                                                  key=["overdue", "due", "upcoming", "complete"].index)
    igg = next(s for s in statuses if s.check == "igg")
    assert (igg.status, igg.day) == (OVERDUE, 60)
    assert "OVERDUE since day 60 (2026-04-30)" in igg.describe()


def test_appointments_group_checks_by_date_and_later_checks_name_the_repeat() -> None:
    plan = follow_up_plan(default_protocol().extra)
    apps = appointments(plan, INFUSION, date(2026, 3, 20), 90)
    assert apps[0].day == 21 and apps[0].labels == ("Blood count",)
    day28 = next(a for a in apps if a.day == 28)
    assert set(day28.labels) == {"Blood count", "IgG level", "Clinic visit"}
    assert apps[-1].day == 90
    assert any("every year for life" in line for line in later_checks(plan, 90))

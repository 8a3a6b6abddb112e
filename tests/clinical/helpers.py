"""A tiny case builder for the black-box clinical tests (contract: shared/spec/case-format.md).

Only the public API of the core is used: ``grade_case_json`` and ``CaseInvalid``.

- ``assessment(**fields)`` returns a fully assessed, unremarkable adult assessment (afebrile,
  normotensive, room air, ICE 10, awake, no seizure, no weakness, no raised ICP) with ``fields``
  laid over it. Pass ``ABSENT`` to remove a default field. ``bare(**fields)`` starts from only
  ``id`` and ``time``.
- ``case(**overrides)`` returns a valid adult case (age 55, 80 kg, axi-cel, infused 2026-03-01)
  with no assessments unless ``assessments=[...]`` is given. ``ABSENT`` removes a field.
- ``grade(data=None, **overrides)`` grades ``data`` (or ``case(**overrides)``) and returns the
  output dict; ``errors(data)`` returns the error list of an invalid case (and fails if valid).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pytest

INFUSION = dt.date(2026, 3, 1)


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


def day_date(day: int, infusion: dt.date = INFUSION) -> str:
    """The ISO date of day ``day`` after ``infusion``."""
    return (infusion + dt.timedelta(days=day)).isoformat()


def at(day: int, hhmm: str = "08:00", infusion: dt.date = INFUSION) -> str:
    """The ISO local time of day ``day`` at ``hhmm``."""
    return f"{day_date(day, infusion)}T{hhmm}"


def _apply(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is ABSENT:
            out.pop(key, None)
        else:
            out[key] = copy.deepcopy(value)
    return out


DEFAULT_ASSESSMENT: dict[str, Any] = {
    "id": "a1",
    "time": at(2),
    "temperature_c": 37.0,
    "hypotension": False,
    "o2_device": "room_air",
    "ice_score": 10,
    "consciousness": "awake",
    "seizure": "none",
    "motor_weakness": "none",
    "raised_icp": [],
}

ICE_FULL: dict[str, int] = {
    "year": 1, "month": 1, "city": 1, "hospital": 1, "naming": 3,
    "commands": 1, "writing": 1, "attention": 1,
}


def assessment(**fields: Any) -> dict[str, Any]:
    """A complete, unremarkable adult assessment with ``fields`` laid over it."""
    return _apply(DEFAULT_ASSESSMENT, fields)


def bare(**fields: Any) -> dict[str, Any]:
    """An assessment with only ``id`` and ``time`` (unless overridden) plus ``fields``."""
    return _apply({"id": "a1", "time": at(2)}, fields)


def ice_items(score: int) -> dict[str, int]:
    """Eight ICE items summing to ``score`` (0-10), lost from the end of the test first."""
    items = dict(ICE_FULL)
    to_lose = 10 - score
    for key in ["attention", "writing", "commands", "hospital", "city", "month", "year"]:
        if to_lose <= 0:
            break
        items[key] = 0
        to_lose -= 1
    if to_lose > 0:
        items["naming"] = 3 - to_lose
    assert sum(items.values()) == score
    return items


DEFAULT_CASE: dict[str, Any] = {
    "patient": {"age_years": 55, "weight_kg": 80.0},
    "product": "axi-cel",
    "infusion_date": INFUSION.isoformat(),
    "assessments": [],
    "death": None,
}


def case(**overrides: Any) -> dict[str, Any]:
    """A valid adult case with ``overrides`` laid over the top level.

    ``age=`` is a shortcut for ``patient={"age_years": age, "weight_kg": 80.0}`` (or 25 kg under 12).
    """
    age = overrides.pop("age", ABSENT)
    out = _apply(DEFAULT_CASE, overrides)
    if age is not ABSENT:
        out["patient"] = {"age_years": age, "weight_kg": 80.0 if age >= 12 else 25.0}
    return out


def grade(data: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """Grade ``data`` (or ``case(**overrides)``) with the public core API."""
    from cartox_desktop.clinical import grade_case_json

    if data is None:
        data = case(**overrides)
    snapshot = copy.deepcopy(data)
    out = grade_case_json(data)
    assert data == snapshot, "grade_case_json must not modify its input"
    assert isinstance(out, dict)
    return out


def grade_one(*, age: Any = ABSENT, **fields: Any) -> dict[str, Any]:
    """Grade a case with one default assessment (``fields`` laid over it); returns that assessment."""
    kw: dict[str, Any] = {"assessments": [assessment(**fields)]}
    if age is not ABSENT:
        kw["age"] = age
    return grade(**kw)["assessments"][0]


def errors(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The error list of an invalid case; fails the test when the case is accepted."""
    from cartox_desktop.clinical import CaseInvalid, grade_case_json

    with pytest.raises(CaseInvalid) as info:
        grade_case_json(copy.deepcopy(data))
    body = info.value.to_json()
    assert isinstance(body, dict) and set(body) >= {"errors"}, body
    errs = body["errors"]
    assert isinstance(errs, list) and errs, body
    for e in errs:
        assert isinstance(e, dict) and {"path", "value", "message"} <= set(e), e
        assert isinstance(e["path"], str) and isinstance(e["message"], str) and e["message"], e
    return errs


def error_paths(data: dict[str, Any]) -> list[str]:
    return [e["path"] for e in errors(data)]


def error_at(data: dict[str, Any], path: str) -> dict[str, Any]:
    """The error reported at exactly ``path`` (fails with the full list otherwise)."""
    errs = errors(data)
    for e in errs:
        if e["path"] == path:
            return e
    raise AssertionError(f"no error at {path!r}; errors were {errs!r}")


def accepts(data: dict[str, Any]) -> dict[str, Any]:
    """Grade a case that must be valid; on CaseInvalid, fail with its errors."""
    from cartox_desktop.clinical import CaseInvalid

    try:
        return grade(data)
    except CaseInvalid as exc:  # pragma: no cover - failure path
        raise AssertionError(f"valid case refused: {exc.to_json()!r}") from exc


def flags_of(obj: Any) -> set[str]:
    """Every flag anywhere below ``obj`` (any key named ``flags``)."""
    found: set[str] = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "flags" and isinstance(v, list):
                found.update(x for x in v if isinstance(x, str))
            else:
                found |= flags_of(v)
    elif isinstance(obj, list):
        for item in obj:
            found |= flags_of(item)
    return found


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def resolve(obj: Any, dotted: str) -> Any:
    """Follow ``assessments[0].crs_astct.grade`` style paths."""
    cur = obj
    for name, index in _TOKEN.findall(dotted):
        if name:
            assert isinstance(cur, dict) and name in cur, f"{dotted}: no key {name!r} in {cur!r}"
            cur = cur[name]
        else:
            i = int(index)
            assert isinstance(cur, list) and i < len(cur), f"{dotted}: no index {i} in {cur!r}"
            cur = cur[i]
    return cur


def is_grade(value: Any, lo: int = 0, hi: int = 5) -> bool:
    """An integer grade (never a boolean) in lo..hi, or None."""
    return value is None or (type(value) is int and lo <= value <= hi)


def anc_labs(values: dict[int, float], hhmm: str | None = None) -> list[dict[str, Any]]:
    """Standalone ANC labs, one per day number (dated, or timed at ``hhmm``)."""
    out = []
    for day in sorted(values):
        entry: dict[str, Any] = {"anc_per_ul": values[day]}
        if hhmm is None:
            entry["date"] = day_date(day)
        else:
            entry["time"] = at(day, hhmm)
        out.append(entry)
    return out


def anc_days(spec: dict[tuple[int, int] | int, float], default: float | None = None,
             first: int = 0, last: int = 30) -> dict[int, float]:
    """Expand {(from, to): value, day: value} to {day: value}; ``default`` fills first..last."""
    out: dict[int, float] = {}
    if default is not None:
        out = {d: default for d in range(first, last + 1)}
    for key, value in spec.items():
        if isinstance(key, tuple):
            for d in range(key[0], key[1] + 1):
                out[d] = value
        else:
            out[key] = value
    return out


def icaht(labs_by_day: dict[int, float], **overrides: Any) -> dict[str, Any]:
    """The ``course.icaht`` object of a lab-only case."""
    return grade(case(labs=anc_labs(labs_by_day), **overrides))["course"]["icaht"]


def cli_command() -> list[str]:
    """The `cartox` console script of this interpreter's venv, else `python -m cartox_desktop.cli.main`."""
    import shutil
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "cartox"
    if script.is_file():
        return [str(script)]
    found = shutil.which("cartox")
    if found:
        return [found]
    return [sys.executable, "-m", "cartox_desktop.cli.main"]


CONTRACT_ASSESSMENT_KEYS = ("id", "day", "crs_astct", "crs_ctcae", "icans_astct", "easix", "m_easix")
CONTRACT_COURSE_KEYS = ("crs_max_grade", "crs_onset_day", "icans_max_grade", "icans_onset_day", "icaht",
                        "car_hematotox", "iec_hs", "flags")


def contract_view(out: dict[str, Any]) -> dict[str, Any]:
    """The grading part of an output (case-format Output); extra fields and protocol alerts left out."""
    return {
        "assessments": [{k: a.get(k) for k in CONTRACT_ASSESSMENT_KEYS} for a in out["assessments"]],
        "course": {k: out["course"].get(k) for k in CONTRACT_COURSE_KEYS},
    }

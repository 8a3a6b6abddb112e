"""The ward board's summary of a course, stored with the course on every save (revision 0003).

``patient_course.board`` holds what a board line needs (canonical JSON): the latest and the
previous assessment's CRS / ICANS grades (trend), the last ICE or CAPD score and its time, the
next ICE check due and its interval from the protocol, the tocilizumab dose times and the
protocol's limits, and the course alerts. ``ward_board`` then reads one row per patient and
applies only the clock (overdue now, doses in the last 24 h now): no timeline is read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from .common import dumps

BOARD_VERSION = 1


@lru_cache(maxsize=8192)
def _decoded(text: str) -> Any:
    """Stored JSON decoded once per distinct text (a save re-reads the same rows); read only."""
    return json.loads(text)
_OVERDUE_PREFIXES = ("ICE check overdue", "CAPD check overdue")


def _grade(result: dict[str, Any] | None, scale: str) -> tuple[int | None, bool]:
    res = (result or {}).get(scale) or {}
    return res.get("grade"), bool(res.get("complete", True))


def _ice_of(content: dict[str, Any], result: dict[str, Any] | None) -> tuple[str, int | None] | None:
    """("ICE"|"CAPD", score) of an assessment that tested it (as the board always showed it)."""
    if content.get("capd_score") is not None or content.get("capd_not_possible"):
        return "CAPD", content.get("capd_score")
    if content.get("ice") is not None or content.get("ice_score") is not None or content.get("ice_not_possible"):
        score = ((result or {}).get("icans_astct") or {}).get("ice_score")
        return "ICE", content.get("ice_score") if score is None else score
    return None


def board_summary(assessments: list[Any], grades: Mapping[int, Any], interventions: list[Any],
                  course: dict[str, Any], age_years: float) -> dict[str, Any]:
    """The summary from stored rows: ``assessments``/``interventions`` are rows with ``id``,
    ``time``, ``content`` (JSON text) and ``voided``, in (time, id) order as ``load_state``
    keeps them; ``grades`` maps an assessment id to its stored grades (``.result``: the result
    JSON; only the few rows shown are read); ``course`` is the graded case-format course."""
    active = [a for a in assessments if not a.voided]
    latest = active[-1] if active else None
    previous = active[-2] if len(active) > 1 else None

    def result_of(row: Any) -> dict[str, Any] | None:
        stored = grades.get(row.id) if row is not None else None
        text = stored.result if stored is not None else None
        return _decoded(text) if text else None

    latest_result = result_of(latest)
    crs_now, crs_complete = _grade(latest_result, "crs_astct")
    icans_now, icans_complete = _grade(latest_result, "icans_astct")
    prev_result = result_of(previous)
    last_ice: dict[str, Any] | None = None
    for row in reversed(active):
        content = _decoded(row.content)
        if _ice_of(content, None) is None:  # no ICE/CAPD in it: its grades need not be read
            continue
        ice = _ice_of(content, latest_result if row is latest else result_of(row))
        if ice is not None:
            last_ice = {"kind": ice[0], "score": ice[1], "time": row.time}
            break
    toci_times = sorted(iv.time for iv in interventions
                        if not iv.voided and _decoded(iv.content).get("drug") == "tocilizumab")
    monitoring = course.get("monitoring") or {}
    toci = course.get("tocilizumab") or {}
    return {
        "v": BOARD_VERSION,
        "latest": {"time": latest.time, "crs": crs_now, "crs_complete": crs_complete, "icans": icans_now,
                   "icans_complete": icans_complete} if latest is not None else None,
        "previous": {"crs": _grade(prev_result, "crs_astct")[0], "icans": _grade(prev_result, "icans_astct")[0]}
        if previous is not None else None,
        "ice_kind": "CAPD" if int(age_years) < 12 else "ICE",
        "last_ice": last_ice,
        "next_ice_due": monitoring.get("next_ice_due"),
        "ice_every_h": monitoring.get("ice_every_h"),
        "toci_times": toci_times,
        "toci_max_24h": toci.get("max_doses_per_24h"),
        "toci_max_total": toci.get("max_doses_total"),
        "alerts": [str(a) for a in course.get("alerts") or ()],
    }


def board_text(state: Any, course: dict[str, Any]) -> str:
    """The stored board summary (canonical JSON) of a ``PatientState`` and its graded course;
    ``grading.apply_grades`` stores it with the course on every save."""
    return dumps(board_summary(state.rows["assessment"], state.grades, state.rows["intervention"], course,
                               float(state.patient.age_years)))


def update_board(state: Any, course_row: Any, course: dict[str, Any]) -> None:
    """Store the board summary on ``course_row`` inside the caller's transaction (``backfill``)."""
    course_row.board = board_text(state, course)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def row_values(summary: dict[str, Any], now: datetime) -> dict[str, Any]:
    """``WardRow`` keyword arguments from a stored summary, with the clock applied at ``now``."""
    latest = summary.get("latest") or {}
    previous = summary.get("previous") or {}
    last_ice = summary.get("last_ice") or {}
    due = _time(summary.get("next_ice_due"))
    day_ago = now - timedelta(hours=24)
    toci = [datetime.fromisoformat(t) for t in summary.get("toci_times") or ()]
    return {
        "latest_time": _time(latest.get("time")),
        "latest_crs_astct": latest.get("crs"),
        "latest_icans_astct": latest.get("icans"),
        "latest_crs_complete": bool(latest.get("crs_complete", True)),
        "latest_icans_complete": bool(latest.get("icans_complete", True)),
        "previous_crs_astct": previous.get("crs"),
        "previous_icans_astct": previous.get("icans"),
        "last_ice_kind": last_ice.get("kind") or summary.get("ice_kind") or "ICE",
        "last_ice_score": last_ice.get("score"),
        "last_ice_time": _time(last_ice.get("time")),
        "next_ice_due": due,
        "ice_every_h": summary.get("ice_every_h"),
        "ice_overdue": bool(due is not None and now > due),
        "toci_24h": sum(1 for t in toci if day_ago < t <= now),
        "toci_total": len(toci),
        "toci_max_24h": summary.get("toci_max_24h"),
        "toci_max_total": summary.get("toci_max_total"),
        "alerts": tuple(a for a in summary.get("alerts") or () if not a.startswith(_OVERDUE_PREFIXES)),
    }


def backfill(store: Any) -> int:
    """Store the summary of every course saved before revision 0003 (``board`` NULL), in one
    transaction; ``services.open_store`` runs it once after an upgrade. Returns how many."""
    from sqlalchemy import select

    from cartox_desktop.storage.models import PatientCourse

    from .grading import load_state

    with store.reading() as session:
        missing = list(session.scalars(select(PatientCourse.patient_id).where(PatientCourse.board.is_(None))))
    if not missing:
        return 0
    with store.writing() as session:
        for patient_id in missing:
            state = load_state(session, patient_id)
            if state.course is not None and state.course.board is None:
                update_board(state, state.course, json.loads(state.course.result))
    return len(missing)

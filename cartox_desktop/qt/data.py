"""Plain data for the screens, built from the services' read models (no Qt, no SQL).

* ``case_from_timeline`` (from the services): the patient's stored, non-voided records as a
  case-format case (the live grading panel adds the draft to it).
* ``BoardRow`` / ``board_row_from_ward``: one line of the ward board, from ``services.ward_board``
  (the stored course summary; the clock applied there). ``board_row`` builds the same line from
  a whole timeline (benchmarks and tests compare the two).
* ``ChartData`` / ``chart_data``: the series of the patient timeline plot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from cartox_desktop.clinical.model import STEROIDS
from cartox_desktop.services import case_from_timeline

__all__ = ["case_from_timeline"]  # re-exported for the views



def ice_of(record: Any) -> tuple[str, int | None] | None:
    """("ICE"|"CAPD", score) of an assessment that tested it, from the stored grades."""
    c = record.content
    res = (record.grades.result if record.grades else {}) or {}
    icans = res.get("icans_astct") or {}
    if c.get("capd_score") is not None or c.get("capd_not_possible"):
        return "CAPD", c.get("capd_score")
    if c.get("ice") is not None or c.get("ice_score") is not None or c.get("ice_not_possible"):
        score = icans.get("ice_score")
        if score is None:
            score = c.get("ice_score")
        return "ICE", score
    return None


@dataclass(frozen=True)
class BoardRow:
    patient_id: int
    bed: str
    name: str
    mrn: str
    product: str
    day: int
    crs_now: int | None = None
    crs_now_complete: bool = True
    crs_max: int | None = None
    icans_now: int | None = None
    icans_now_complete: bool = True
    icans_max: int | None = None
    crs_prev: int | None = None
    icans_prev: int | None = None
    last_time: datetime | None = None
    last_ice_kind: str = "ICE"
    last_ice_score: int | None = None
    last_ice_time: datetime | None = None
    next_ice_due: datetime | None = None
    ice_every_h: float | None = None
    ice_overdue: bool = False
    toci_24h: int = 0
    toci_total: int = 0
    toci_max_24h: int | None = None
    toci_max_total: int | None = None
    alerts: tuple[str, ...] = ()
    ward: str = ""
    status: str = "active"
    version: int = 0

    @property
    def worst_now(self) -> int:
        return max(self.crs_now or 0, self.icans_now or 0)

    def trend(self) -> tuple[int, str]:
        """(+1 worse, -1 better, 0 same; words naming what changed)."""
        changes = []
        direction = 0
        for name, prev, now in (("CRS", self.crs_prev, self.crs_now), ("ICANS", self.icans_prev, self.icans_now)):
            if prev is None or now is None or prev == now:
                continue
            changes.append(f"{name} {prev}→{now}")
            if now > prev:
                direction = 1
            elif direction == 0:
                direction = -1
        if self.crs_prev is None and self.icans_prev is None:
            return 0, ""
        return direction, ", ".join(changes)


def board_row(tl: Any, now: datetime) -> BoardRow:
    """One board line from a timeline and its stored grades and course (graded by the services
    when each record was saved; nothing is re-graded here). Only the clock is applied: the ICE
    check is overdue when ``now`` is past the stored next-due time, and tocilizumab doses are
    counted in the 24 h before ``now``."""
    p = tl.patient
    active = [a for a in tl.assessments if not a.voided]
    course: dict[str, Any] = dict(tl.course.result) if tl.course else {}
    latest = active[-1] if active else None
    prev = active[-2] if len(active) > 1 else None

    def g(rec: Any, scale: str) -> tuple[int | None, bool]:
        if rec is None or rec.grades is None:
            return None, True
        res = rec.grades.result.get(scale) or {}
        return res.get("grade"), bool(res.get("complete", True))

    crs_now, crs_complete = g(latest, "crs_astct")
    icans_now, icans_complete = g(latest, "icans_astct")
    last_ice = next((a for a in reversed(active) if ice_of(a) is not None), None)
    kind, score = ice_of(last_ice) if last_ice else ("CAPD" if int(p.age_years) < 12 else "ICE", None)
    mon = course.get("monitoring") or {}
    toci = course.get("tocilizumab") or {}
    due_text = mon.get("next_ice_due")
    due = datetime.fromisoformat(due_text) if due_text else None
    toci_times = [iv.time for iv in tl.interventions if not iv.voided and iv.content.get("drug") == "tocilizumab"]
    day_ago = now - timedelta(hours=24)
    return BoardRow(
        patient_id=p.id, bed=p.bed or "", name=p.name, mrn=p.mrn, product=p.product or "",
        day=(now.date() - p.infusion_date).days,
        crs_now=crs_now, crs_now_complete=crs_complete, crs_max=course.get("crs_max_grade"),
        icans_now=icans_now, icans_now_complete=icans_complete, icans_max=course.get("icans_max_grade"),
        crs_prev=g(prev, "crs_astct")[0], icans_prev=g(prev, "icans_astct")[0],
        last_time=latest.time if latest else None,
        last_ice_kind=kind, last_ice_score=score, last_ice_time=last_ice.time if last_ice else None,
        next_ice_due=due, ice_every_h=mon.get("ice_every_h"), ice_overdue=bool(due and now > due),
        toci_24h=sum(1 for t in toci_times if day_ago < t <= now), toci_total=len(toci_times),
        toci_max_24h=toci.get("max_doses_per_24h"), toci_max_total=toci.get("max_doses_total"),
        alerts=tuple(a for a in (course.get("alerts") or ()) if not str(a).startswith(("ICE check overdue",
                                                                                      "CAPD check overdue"))),
        ward=p.ward or "", status=p.status, version=p.version,
    )


def board_row_from_ward(wr: Any) -> BoardRow:
    """One board line from a ``services.WardRow`` (the stored course summary, the clock applied
    by ``ward_board``)."""
    p = wr.patient
    return BoardRow(
        patient_id=p.id, bed=p.bed or "", name=p.name, mrn=p.mrn, product=p.product or "", day=wr.day,
        crs_now=wr.latest_crs_astct, crs_now_complete=wr.latest_crs_complete, crs_max=wr.crs_max_grade,
        icans_now=wr.latest_icans_astct, icans_now_complete=wr.latest_icans_complete, icans_max=wr.icans_max_grade,
        crs_prev=wr.previous_crs_astct, icans_prev=wr.previous_icans_astct, last_time=wr.latest_time,
        last_ice_kind=wr.last_ice_kind, last_ice_score=wr.last_ice_score, last_ice_time=wr.last_ice_time,
        next_ice_due=wr.next_ice_due, ice_every_h=wr.ice_every_h, ice_overdue=wr.ice_overdue,
        toci_24h=wr.toci_24h, toci_total=wr.toci_total, toci_max_24h=wr.toci_max_24h,
        toci_max_total=wr.toci_max_total, alerts=tuple(wr.alerts), ward=p.ward or "", status=p.status,
        version=p.version,
    )


class BoardSource:
    """Loads the board through ``services.ward_board``: one query over the stored course
    summaries, no timeline read. Runs on the database worker thread."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.last_load_ms = 0.0

    def load(self, store: Any, ward: str | None, now: datetime | None = None) -> list[BoardRow]:
        import time

        started = time.perf_counter()
        now = now or datetime.now()
        rows = [board_row_from_ward(wr) for wr in self.services.ward_board(store, ward=ward or None, now=now)]
        self.last_load_ms = (time.perf_counter() - started) * 1000
        return rows

    def forget(self) -> None:
        """Nothing is cached any more (kept for callers that reset the board)."""


# ---- the timeline plot ---------------------------------------------------------------------------


def oxygen_level(device: str | None, flow: float | None) -> int | None:
    """0 room air, 1 low-flow (cannula ≤ 6 L/min, blow-by), 2 high-flow or mask, 3 CPAP/BiPAP, 4 ventilation."""
    if device is None:
        return None
    if device == "room_air":
        return 0
    if device == "mechanical_ventilation":
        return 4
    if device in ("cpap", "bipap"):
        return 3
    if device in ("high_flow_nasal_cannula", "simple_face_mask", "venturi_mask", "non_rebreather_mask"):
        return 2
    if device == "nasal_cannula":
        return 2 if flow is not None and flow > 6 else 1
    if device == "blow_by":
        return 1
    return None


OXYGEN_LEVEL_WORDS = ("room air", "low-flow", "high-flow/mask", "CPAP/BiPAP", "ventilated")


@dataclass
class Marker:
    day: float
    short: str
    text: str
    kind: str  # tocilizumab, steroid, anakinra, other


@dataclass
class ChartData:
    infusion_date: date
    first_day: float = 0.0
    last_day: float = 1.0
    temperature: list[tuple[float, float]] = field(default_factory=list)
    sbp: list[tuple[float, float]] = field(default_factory=list)
    oxygen: list[tuple[float, int]] = field(default_factory=list)
    ice: list[tuple[float, int]] = field(default_factory=list)
    ice_label: str = "ICE"
    crs: list[tuple[float, int | None]] = field(default_factory=list)
    icans: list[tuple[float, int | None]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)


def day_float(t: datetime, infusion: date) -> float:
    return (t.date() - infusion).days + (t.hour * 60 + t.minute) / 1440.0


def chart_data(tl: Any, now: datetime | None = None) -> ChartData:
    infusion = tl.patient.infusion_date
    data = ChartData(infusion)
    if int(tl.patient.age_years) < 12:
        data.ice_label = "CAPD"
    days: list[float] = []
    for a in tl.assessments:
        if a.voided:
            continue
        d = day_float(a.time, infusion)
        days.append(d)
        c = a.content
        if c.get("temperature_c") is not None:
            data.temperature.append((d, float(c["temperature_c"])))
        if c.get("systolic_bp_mmhg") is not None:
            data.sbp.append((d, float(c["systolic_bp_mmhg"])))
        lvl = oxygen_level(c.get("o2_device"), c.get("o2_flow_l_min"))
        if lvl is not None:
            data.oxygen.append((d, lvl))
        ice = ice_of(a)
        if ice is not None and ice[1] is not None:
            data.ice.append((d, int(ice[1])))
        res = a.grades.result if a.grades else {}
        data.crs.append((d, (res.get("crs_astct") or {}).get("grade")))
        data.icans.append((d, (res.get("icans_astct") or {}).get("grade")))
    for iv in tl.interventions:
        if iv.voided:
            continue
        d = day_float(iv.time, infusion)
        days.append(d)
        drug = iv.content.get("drug", "other")
        dose = iv.content.get("dose_mg")
        name = iv.content.get("name") or drug.replace("_", "-")
        text = f"{name}{f' {dose:g} mg' if isinstance(dose, int | float) else ''} at {iv.time:%Y-%m-%d %H:%M}"
        if drug == "tocilizumab":
            data.markers.append(Marker(d, "T", text, "tocilizumab"))
        elif drug in STEROIDS:
            data.markers.append(Marker(d, "S", text, "steroid"))
        elif drug == "anakinra":
            data.markers.append(Marker(d, "A", text, "anakinra"))
        else:
            data.markers.append(Marker(d, name[:1].upper(), text, "other"))
    if now is not None:
        days.append(day_float(now, infusion))
    if days:
        data.first_day = min(0.0, float(int(min(days)) if min(days) >= 0 else int(min(days)) - 1))
        data.last_day = max(data.first_day + 1.0, float(int(max(days)) + 1))
    return data

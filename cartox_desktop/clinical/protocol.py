"""The hospital's management protocol: parsed, validated, and turned into suggestions and alerts.

The protocol is data the hospital edits (``resources/protocol.toml``); nothing here is the app's
own advice. Every suggestion carries the protocol's source text. Parsing takes TOML *text*: the
file itself is read by the services layer (this package does no I/O).
Tocilizumab defaults: clinical-rules.md §8 (ASCO 2021 guideline, Santomasso et al., J Clin Oncol
2021;39:3978-3992; Actemra US label).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .errors import FieldError
from .model import Intervention
from .units import fmt


class ProtocolInvalid(ValueError):
    """The protocol file breaks a rule; every problem is listed with its TOML path."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))


@dataclass(frozen=True, slots=True)
class TocilizumabRules:
    mg_per_kg: float = 8.0
    mg_per_kg_small: float = 12.0
    small_below_kg: float = 30.0
    max_dose_mg: float = 800.0
    min_interval_h: float = 8.0
    max_doses_per_24h: int = 3
    max_doses_total: int = 4
    dose_tolerance_percent: float = 10.0
    source: str = "ASCO 2021 guideline (Santomasso et al., J Clin Oncol 2021;39:3978-3992); Actemra US label"

    def dose_mg(self, weight_kg: float | None) -> float | None:
        """The protocol dose: mg/kg × weight (the higher mg/kg below the weight cut), capped."""
        if weight_kg is None:
            return None
        per_kg = self.mg_per_kg_small if weight_kg < self.small_below_kg else self.mg_per_kg
        return min(self.max_dose_mg, per_kg * weight_kg)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A management step of the protocol for a grade, shown with its source."""

    scale: str  # "crs", "icans" or "iec_hs"
    grade: int
    text: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"scale": self.scale, "grade": self.grade, "text": self.text, "source": self.source}


@dataclass(frozen=True, slots=True)
class MonitoringRule:
    """ICE and vitals intervals for a range of days after infusion and a minimum grade."""

    from_day: int
    to_day: int
    min_grade: int
    ice_every_h: float
    vitals_every_h: float
    source: str


@dataclass(frozen=True, slots=True)
class Protocol:
    name: str
    version: str
    tocilizumab: TocilizumabRules = field(default_factory=TocilizumabRules)
    actions: tuple[Suggestion, ...] = ()
    monitoring: tuple[MonitoringRule, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.version})"

    def suggestions(self, crs_grade: int | None, icans_grade: int | None, iec_hs_met: bool = False) -> list[Suggestion]:
        """The protocol's steps for the current grades (exact grade match per scale)."""
        current = {"crs": crs_grade, "icans": icans_grade, "iec_hs": 1 if iec_hs_met else None}
        return [s for s in self.actions if current.get(s.scale) is not None and s.grade == current[s.scale]]

    def monitoring_rule(self, day: int, grade: int) -> MonitoringRule | None:
        """The tightest rule that applies on ``day`` at the current worst grade."""
        rules = [r for r in self.monitoring if r.from_day <= day <= r.to_day and grade >= r.min_grade]
        return min(rules, key=lambda r: r.ice_every_h, default=None)


def parse_protocol(text: str) -> Protocol:
    """Parse and validate protocol TOML; raises :class:`ProtocolInvalid` naming every problem."""
    errors: list[FieldError] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolInvalid([FieldError("", None, f"not valid TOML: {exc}")]) from exc
    head = data.get("protocol")
    if not isinstance(head, dict) or not isinstance(head.get("name"), str) or not isinstance(head.get("version"), str):
        errors.append(FieldError("protocol", head, "needs a [protocol] table with text 'name' and 'version'"))
        head = {"name": "?", "version": "?"}
    toci = _parse_tocilizumab(data.get("tocilizumab"), errors)
    actions = _parse_actions(data.get("actions"), errors)
    monitoring = _parse_monitoring(data.get("monitoring"), errors)
    if errors:
        raise ProtocolInvalid(errors)
    extra = {k: v for k, v in data.items() if k not in {"protocol", "tocilizumab", "actions", "monitoring"}}
    return Protocol(head["name"], head["version"], toci, actions, monitoring, extra)


def _num(errors: list[FieldError], path: str, value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        errors.append(FieldError(path, value, f"must be a number from {fmt(lo)} to {fmt(hi)}"))
        return lo
    return float(value)


def _text(errors: list[FieldError], path: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(path, value, "must be non-empty text"))
        return ""
    return value


def _parse_tocilizumab(raw: Any, errors: list[FieldError]) -> TocilizumabRules:
    if raw is None:
        errors.append(FieldError("tocilizumab", None, "needs a [tocilizumab] table (dose and limits with a source)"))
        return TocilizumabRules()
    if not isinstance(raw, dict):
        errors.append(FieldError("tocilizumab", raw, "must be a table"))
        return TocilizumabRules()
    p = "tocilizumab"
    return TocilizumabRules(
        mg_per_kg=_num(errors, f"{p}.mg_per_kg", raw.get("mg_per_kg"), 0.1, 20),
        mg_per_kg_small=_num(errors, f"{p}.mg_per_kg_below_weight", raw.get("mg_per_kg_below_weight"), 0.1, 20),
        small_below_kg=_num(errors, f"{p}.below_weight_kg", raw.get("below_weight_kg"), 0, 400),
        max_dose_mg=_num(errors, f"{p}.max_dose_mg", raw.get("max_dose_mg"), 1, 5000),
        min_interval_h=_num(errors, f"{p}.min_interval_h", raw.get("min_interval_h"), 0, 72),
        max_doses_per_24h=int(_num(errors, f"{p}.max_doses_per_24h", raw.get("max_doses_per_24h"), 1, 24)),
        max_doses_total=int(_num(errors, f"{p}.max_doses_total", raw.get("max_doses_total"), 1, 100)),
        dose_tolerance_percent=_num(errors, f"{p}.dose_tolerance_percent", raw.get("dose_tolerance_percent"), 0, 100),
        source=_text(errors, f"{p}.source", raw.get("source")),
    )


def _parse_actions(raw: Any, errors: list[FieldError]) -> tuple[Suggestion, ...]:
    if not isinstance(raw, list):
        errors.append(FieldError("actions", raw, "needs [[actions]] entries (scale, grade, text, source)"))
        return ()
    out: list[Suggestion] = []
    for i, item in enumerate(raw):
        p = f"actions[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(p, item, "must be a table"))
            continue
        scale = item.get("scale")
        if scale not in ("crs", "icans", "iec_hs"):
            errors.append(FieldError(f"{p}.scale", scale, "must be crs, icans or iec_hs"))
            continue
        grade = int(_num(errors, f"{p}.grade", item.get("grade"), 0, 5))
        out.append(Suggestion(scale, grade, _text(errors, f"{p}.text", item.get("text")),
                              _text(errors, f"{p}.source", item.get("source"))))
    return tuple(out)


def _parse_monitoring(raw: Any, errors: list[FieldError]) -> tuple[MonitoringRule, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append(FieldError("monitoring", raw, "needs [[monitoring]] entries (from_day, to_day, min_grade, "
                                                    "ice_every_h, vitals_every_h, source)"))
        return ()
    out: list[MonitoringRule] = []
    for i, item in enumerate(raw):
        p = f"monitoring[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(p, item, "must be a table"))
            continue
        out.append(MonitoringRule(
            from_day=int(_num(errors, f"{p}.from_day", item.get("from_day"), -30, 3650)),
            to_day=int(_num(errors, f"{p}.to_day", item.get("to_day"), -30, 3650)),
            min_grade=int(_num(errors, f"{p}.min_grade", item.get("min_grade"), 0, 4)),
            ice_every_h=_num(errors, f"{p}.ice_every_h", item.get("ice_every_h"), 0.25, 168),
            vitals_every_h=_num(errors, f"{p}.vitals_every_h", item.get("vitals_every_h"), 0.25, 168),
            source=_text(errors, f"{p}.source", item.get("source")),
        ))
    return tuple(out)


@dataclass(slots=True)
class TocilizumabSummary:
    doses_total: int
    doses_last_24h: int
    last_dose_time: datetime | None
    computed_dose_mg: float | None
    alerts: list[str]

    def to_json(self, rules: TocilizumabRules) -> dict[str, Any]:
        return {
            "doses_total": self.doses_total,
            "doses_last_24h": self.doses_last_24h,
            "max_doses_total": rules.max_doses_total,
            "max_doses_per_24h": rules.max_doses_per_24h,
            "last_dose_time": self.last_dose_time.isoformat(timespec="minutes") if self.last_dose_time else None,
            "computed_dose_mg": self.computed_dose_mg,
            "source": rules.source,
        }


def check_tocilizumab(
    rules: TocilizumabRules, interventions: tuple[Intervention, ...], weight_kg: float | None, as_of: datetime
) -> TocilizumabSummary:
    """Doses against the protocol's limits: alerts, never blocks (clinical-rules §8)."""
    doses = sorted((iv for iv in interventions if iv.drug == "tocilizumab"), key=lambda iv: iv.time)
    alerts: list[str] = []
    computed = rules.dose_mg(weight_kg)
    src = f" [{rules.source}]"
    if doses and weight_kg is None:
        alerts.append("tocilizumab: weight needed to check the dose (mg/kg)" + src)
    day = timedelta(hours=24)
    for i, iv in enumerate(doses):
        when = iv.time.strftime("%Y-%m-%d %H:%M")
        if iv.dose_mg is not None:
            if iv.dose_mg > rules.max_dose_mg:
                alerts.append(f"tocilizumab {fmt(iv.dose_mg)} mg on {when} is above the maximum of "
                              f"{fmt(rules.max_dose_mg)} mg per dose" + src)
            elif computed is not None and iv.dose_mg > computed * (1 + rules.dose_tolerance_percent / 100):
                alerts.append(f"tocilizumab {fmt(iv.dose_mg)} mg on {when} is more than "
                              f"{fmt(rules.dose_tolerance_percent)} % above the computed dose of {fmt(computed)} mg" + src)
        if i > 0:
            gap_min = int((iv.time - doses[i - 1].time).total_seconds() // 60)
            if gap_min < rules.min_interval_h * 60:
                gap = f"{gap_min // 60} h {gap_min % 60:02d} min" if gap_min % 60 else f"{gap_min // 60} h"
                alerts.append(f"tocilizumab on {when} only {gap} after the previous dose "
                              f"(at least {fmt(rules.min_interval_h)} h apart)" + src)
        in_window = sum(1 for other in doses if iv.time - day < other.time <= iv.time)
        if in_window > rules.max_doses_per_24h:
            alerts.append(f"tocilizumab: {in_window} doses in the 24 h up to {when}, above the limit of "
                          f"{rules.max_doses_per_24h}" + src)
    if len(doses) > rules.max_doses_total:
        alerts.append(f"tocilizumab: {len(doses)} doses in total, above the limit of {rules.max_doses_total}" + src)
    last_24h = sum(1 for iv in doses if as_of - day < iv.time <= as_of)
    return TocilizumabSummary(len(doses), last_24h, doses[-1].time if doses else None, computed, alerts)

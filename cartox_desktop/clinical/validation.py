"""Validation of a case against case-format.md (version 1), with units.

Every error names the field (path as in the contract), the value, and what is accepted; a value
that looks like another unit says what it probably meant (clinical-background.md §10: "Never
auto-correct a unit silently"). All errors are collected before anything is refused, and a
contradiction between two fields is reported at the dependent field (clinical-rules.md §0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from .errors import CaseInvalid, FieldError
from .model import (
    CONSCIOUSNESS_LEVELS,
    DEATH_CAUSES,
    DRUGS,
    ICE_ITEM_MAX,
    ICE_ITEMS,
    ICE_NOT_POSSIBLE,
    LAB_NAMES,
    MOTOR_FINDINGS,
    O2_DEVICES,
    OTHER_CAUSE_FINDINGS,
    PRODUCTS,
    RAISED_ICP_FINDINGS,
    SEIZURE_KINDS,
    UPPER_LIMIT_NAMES,
    VASOPRESSOR_AGENTS,
    Assessment,
    Case,
    Death,
    Intervention,
    LabEntry,
    Labs,
    Patient,
    Vasopressor,
)
from .units import fahrenheit_to_celsius, fmt

_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

TOP_LEVEL_FIELDS = frozenset(
    {"patient", "product", "infusion_date", "baseline_labs", "upper_limits", "assessments", "labs", "interventions", "death"}
)
PATIENT_FIELDS = frozenset({"age_years", "weight_kg"})
ASSESSMENT_FIELDS = frozenset(
    {
        "id", "time", "temperature_c", "systolic_bp_mmhg", "diastolic_bp_mmhg", "mean_arterial_pressure_mmhg",
        "hypotension", "fluid_bolus_given", "vasopressors", "spo2_percent", "o2_device", "o2_flow_l_min",
        "fio2_percent", "ice", "ice_score", "ice_not_possible", "capd_score", "capd_not_possible",
        "consciousness", "seizure", "seizure_duration_min", "motor_weakness", "raised_icp", "other_cause", "labs",
    }
)

UnitCheck = Callable[[float], "str | None"]


def _looks_like(unit: str, meaning: str) -> str:
    return f"looks like {unit}: {meaning}"


def _platelets_mistake(v: float) -> str | None:
    if 1 <= v < 1000:
        return _looks_like("10⁹/L", f"{fmt(v * 1000)} /µL") + "; enter platelets per µL (e.g. 90000)"
    return None


def _hemoglobin_mistake(v: float) -> str | None:
    if 26 <= v <= 250:
        return _looks_like("g/L", f"{fmt(v / 10)} g/dL") + "; enter haemoglobin in g/dL"
    return None


def _crp_mistake(v: float) -> str | None:
    if v > 80:
        return _looks_like("mg/L", f"{fmt(v / 10)} mg/dL") + "; enter CRP in mg/dL"
    return None


def _fibrinogen_mistake(v: float) -> str | None:
    if 0 <= v < 15:
        return _looks_like("g/L", f"{fmt(v * 100)} mg/dL") + "; enter fibrinogen in mg/dL"
    return None


def _bilirubin_mistake(v: float) -> str | None:
    if v > 50:
        return _looks_like("µmol/L", f"{fmt(v / 17.1)} mg/dL") + "; enter bilirubin in mg/dL"
    return None


def _creatinine_mistake(v: float) -> str | None:
    if v > 25:
        return _looks_like("µmol/L", f"{fmt(v / 88.42)} mg/dL") + "; enter creatinine in mg/dL"
    return None


# name -> (lowest accepted, highest accepted, unit shown, unit-mistake check)
LAB_RANGES: dict[str, tuple[float, float, str, UnitCheck | None]] = {
    "anc_per_ul": (0, 100_000, "/µL", None),
    "wbc_per_ul": (0, 100_000, "/µL", None),
    "platelets_per_ul": (0, 2_000_000, "/µL", _platelets_mistake),
    "hemoglobin_g_dl": (1, 25, "g/dL", _hemoglobin_mistake),
    "crp_mg_dl": (0, 80, "mg/dL", _crp_mistake),
    "ferritin_ng_ml": (0, 500_000, "ng/mL", None),
    "fibrinogen_mg_dl": (15, 2_000, "mg/dL", _fibrinogen_mistake),
    "ldh_u_l": (0, 50_000, "U/L", None),
    "alt_u_l": (0, 50_000, "U/L", None),
    "ast_u_l": (0, 50_000, "U/L", None),
    "bilirubin_mg_dl": (0, 50, "mg/dL", _bilirubin_mistake),
    "creatinine_mg_dl": (0.05, 25, "mg/dL", _creatinine_mistake),
    "triglycerides_mg_dl": (0, 10_000, "mg/dL", None),
    "igg_mg_dl": (0, 10_000, "mg/dL", None),
}
assert set(LAB_RANGES) == set(LAB_NAMES)


def _temperature_mistake(v: float) -> str | None:
    if 77 <= v <= 113:
        return _looks_like("°F", f"{fahrenheit_to_celsius(v):.1f} °C") + "; enter the temperature in °C"
    return None


def _fio2_mistake(v: float) -> str | None:
    if 0 <= v <= 1:
        return _looks_like("a fraction", f"{fmt(v * 100)} %") + "; enter FiO₂ in percent (21–100)"
    return None


def _choices(options: tuple[str, ...]) -> str:
    return ", ".join(options)


# (raw entry, position) -> the Assessment validate_assessment gave for it earlier, or None.
KnownAssessments = Callable[[Any, int], Assessment | None]


class _Checker:
    """Collects errors; each ``check_*`` returns the accepted value or None."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def err(self, path: str, value: Any, message: str) -> None:
        self.errors.append(FieldError(path, value, message))

    def number(
        self,
        base: str,
        name: str,
        value: Any,
        lo: float,
        hi: float,
        unit: str,
        mistake: UnitCheck | None = None,
        whole: bool = False,
    ) -> float | None:
        if value is None:
            return None
        kind_of = type(value)
        if (kind_of is float or kind_of is int) and lo <= value <= hi and mistake is None and not whole:
            return float(value)  # the common case: a plain number in range
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            kind = "a whole number" if whole else "a number"
            self.err(_join(base, name), value, f"must be {kind} from {fmt(lo)} to {fmt(hi)} {unit}".rstrip())
            return None
        if mistake is not None:
            hint = mistake(float(value))
            if hint is not None:
                self.err(_join(base, name), value, f"{fmt(float(value))} {hint} (accepted: {fmt(lo)}–{fmt(hi)} {unit})".strip())
                return None
        if not lo <= value <= hi:
            self.err(_join(base, name), value, f"{fmt(float(value))} is outside the accepted range {fmt(lo)}–{fmt(hi)} {unit}".rstrip())
            return None
        if whole and value != int(value):
            self.err(_join(base, name), value, f"must be a whole number from {fmt(lo)} to {fmt(hi)} {unit}".rstrip())
            return None
        return float(value)

    def whole(self, base: str, name: str, value: Any, lo: int, hi: int, unit: str = "") -> int | None:
        v = self.number(base, name, value, lo, hi, unit, whole=True)
        return None if v is None else int(v)

    def boolean(self, base: str, name: str, value: Any) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.err(_join(base, name), value, "must be true or false")
            return None
        return value

    def choice(self, base: str, name: str, value: Any, options: tuple[str, ...]) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value not in options:
            self.err(_join(base, name), value, f"must be one of: {_choices(options)}")
            return None
        return value

    def choice_list(self, base: str, name: str, value: Any, options: tuple[str, ...]) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            self.err(_join(base, name), value, f"must be a list of: {_choices(options)}")
            return None
        ok: list[str] = []
        for i, item in enumerate(value):
            got = self.choice(f"{_join(base, name)}[{i}]", "", item, options)
            if got is not None and got not in ok:
                ok.append(got)
        return tuple(ok)

    def time(self, base: str, name: str, value: Any, required: bool = True) -> datetime | None:
        if value is None:
            if required:
                self.err(_join(base, name), value, "is required: a local time such as 2026-03-04T08:00")
            return None
        if not isinstance(value, str) or not _TIME_RE.match(value):
            self.err(_join(base, name), value, "must be a local time without offset, as 2026-03-04T08:00 (seconds allowed)")
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            self.err(_join(base, name), value, "is not a real calendar time (expected 2026-03-04T08:00)")
            return None

    def date(self, base: str, name: str, value: Any, required: bool = True) -> date | None:
        if value is None:
            if required:
                self.err(_join(base, name), value, "is required: a date such as 2026-03-04")
            return None
        if not isinstance(value, str) or not _DATE_RE.match(value):
            self.err(_join(base, name), value, "must be a date as 2026-03-04")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.err(_join(base, name), value, "is not a real calendar date (expected 2026-03-04)")
            return None

    def obj(self, path: str, value: Any, allowed: frozenset[str] | tuple[str, ...], what: str) -> Mapping[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.err(path, value, f"must be an object ({what})")
            return None
        for key in value:
            if key not in allowed:
                self.err(_join(path, key), value[key], f"unknown field (accepted here: {', '.join(sorted(allowed))})")
        return value

    def labs(self, path: str, value: Any, extra_allowed: frozenset[str] = frozenset()) -> Labs:
        data = self.obj(path, value, frozenset(LAB_NAMES) | extra_allowed, "lab values by name")
        out: Labs = {}
        if data is None:
            return out
        for name in LAB_NAMES:
            raw = data.get(name)
            if raw is None:
                continue
            lo, hi, unit, mistake = LAB_RANGES[name]
            v = self.number(path, name, raw, lo, hi, unit, mistake)
            if v is not None:
                out[name] = v
        return out


def _join(path: str, key: str) -> str:
    if not key:
        return path
    return f"{path}.{key}" if path else key


def parse_case(data: Any, known: KnownAssessments | None = None) -> Case:
    """Validate ``data`` (a decoded JSON case) and return the typed :class:`Case`.

    Raises :class:`CaseInvalid` naming every bad field at once. ``known(raw, i)`` may return the
    :class:`Assessment` that :func:`validate_assessment` gave for this very entry at position
    ``i`` (a caller that re-validates a stored course on every save keeps them); the checks
    across assessments (unique ids) always run.
    """
    c = _Checker()
    if not isinstance(data, dict):
        raise CaseInvalid([FieldError("", data, "a case must be a JSON object (case-format.md)")])
    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            c.err(key, data[key], f"unknown field (accepted: {', '.join(sorted(TOP_LEVEL_FIELDS))})")

    patient = _parse_patient(c, data.get("patient"))
    infusion_date = c.date("", "infusion_date", data.get("infusion_date"))
    product = c.choice("", "product", data.get("product"), PRODUCTS)
    baseline = c.labs("baseline_labs", data.get("baseline_labs"))
    upper = _parse_upper_limits(c, data.get("upper_limits"))

    raw_assessments = data.get("assessments")
    assessments: list[Assessment] = []
    if raw_assessments is None:
        c.err("assessments", raw_assessments, "is required: a list of assessments (it may be empty)")
    elif not isinstance(raw_assessments, list):
        c.err("assessments", raw_assessments, "must be a list of assessments")
    else:
        seen: set[Any] = set()
        for i, raw in enumerate(raw_assessments):
            a = known(raw, i) if known is not None else None
            if a is None:
                a = parse_assessment(c, raw, i)
            if a is None:
                continue
            key = (type(a.id).__name__, a.id)
            if key in seen:
                c.err(f"assessments[{i}].id", a.id, "duplicates the id of an earlier assessment; ids must be unique in a case")
                continue
            seen.add(key)
            assessments.append(a)

    lab_entries = _parse_lab_entries(c, data.get("labs"))
    interventions = _parse_interventions(c, data.get("interventions"))
    death = _parse_death(c, data.get("death"))

    if c.errors or patient is None or infusion_date is None:
        raise CaseInvalid(c.errors or [FieldError("", None, "invalid case")])
    return Case(
        patient=patient,
        infusion_date=infusion_date,
        assessments=tuple(assessments),
        product=product,
        baseline_labs=baseline,
        upper_limits=upper,
        labs=lab_entries,
        interventions=interventions,
        death=death,
    )


def _parse_patient(c: _Checker, value: Any) -> Patient | None:
    if value is None:
        c.err("patient", value, "is required: an object with age_years (0–120) and optionally weight_kg (0.5–400)")
        return None
    data = c.obj("patient", value, PATIENT_FIELDS, "age_years, weight_kg")
    if data is None:
        return None
    if data.get("age_years") is None:
        c.err("patient.age_years", None, "is required: age in years, 0–120")
        return None
    age = c.number("patient", "age_years", data.get("age_years"), 0, 120, "years")
    weight = c.number("patient", "weight_kg", data.get("weight_kg"), 0.5, 400, "kg")
    if age is None:
        return None
    return Patient(age_years=age, weight_kg=weight)


def _parse_upper_limits(c: _Checker, value: Any) -> dict[str, float]:
    data = c.obj("upper_limits", value, frozenset(UPPER_LIMIT_NAMES), "upper limits of normal")
    out: dict[str, float] = {}
    if data is None:
        return out
    for name in UPPER_LIMIT_NAMES:
        raw = data.get(name)
        if raw is None:
            continue
        hi = LAB_RANGES[name][1]
        unit = LAB_RANGES[name][2]
        v = c.number("upper_limits", name, raw, 0, hi, unit)
        if v is not None and v <= 0:
            c.err(f"upper_limits.{name}", raw, f"an upper limit of normal must be above 0 {unit}")
        elif v is not None:
            out[name] = v
    return out


def validate_assessment(raw: Any, index: int) -> Assessment | None:
    """One assessment validated on its own at position ``index`` of a case: the Assessment, or
    None when it has any error (``parse_case`` then names them)."""
    c = _Checker()
    a = parse_assessment(c, raw, index)
    return None if c.errors else a


def parse_assessment(c: _Checker, raw: Any, i: int) -> Assessment | None:
    """Validate one assessment (errors go to ``c``); None when it cannot be used at all."""
    p = f"assessments[{i}]"
    data = c.obj(p, raw, ASSESSMENT_FIELDS, "one assessment")
    if data is None:
        if raw is None:
            c.err(p, raw, "must be an object (one assessment)")
        return None
    n_errors = len(c.errors)
    aid = data.get("id")
    if aid is None or isinstance(aid, bool) or not isinstance(aid, str | int) or aid == "":
        c.err(f"{p}.id", aid, "is required: a text identifier unique in the case")
        aid = None
    when = c.time(p, "time", data.get("time"))

    temperature = c.number(p, "temperature_c", data.get("temperature_c"), 30.0, 44.0, "°C", _temperature_mistake)
    sbp = c.number(p, "systolic_bp_mmhg", data.get("systolic_bp_mmhg"), 30, 300, "mmHg")
    dbp = c.number(p, "diastolic_bp_mmhg", data.get("diastolic_bp_mmhg"), 10, 250, "mmHg")
    mapp = c.number(p, "mean_arterial_pressure_mmhg", data.get("mean_arterial_pressure_mmhg"), 10, 250, "mmHg")
    # case-format.md: "with a systolic pressure, diastolic < MAP < systolic" (literal reading: the
    # order is checked only when a systolic pressure is given).
    if mapp is not None and dbp is not None and sbp is not None and not dbp < mapp:
        c.err(f"{p}.mean_arterial_pressure_mmhg", data.get("mean_arterial_pressure_mmhg"),
              f"a mean arterial pressure of {fmt(mapp)} mmHg must be above the diastolic pressure ({fmt(dbp)} mmHg)")
    elif mapp is not None and sbp is not None and not mapp < sbp:
        c.err(f"{p}.mean_arterial_pressure_mmhg", data.get("mean_arterial_pressure_mmhg"),
              f"a mean arterial pressure of {fmt(mapp)} mmHg must be below the systolic pressure ({fmt(sbp)} mmHg)")
    if dbp is not None and sbp is not None and not dbp < sbp:
        c.err(f"{p}.diastolic_bp_mmhg", data.get("diastolic_bp_mmhg"),
              f"a diastolic pressure of {fmt(dbp)} mmHg must be below the systolic pressure ({fmt(sbp)} mmHg)")

    hypotension = c.boolean(p, "hypotension", data.get("hypotension"))
    fluid = c.boolean(p, "fluid_bolus_given", data.get("fluid_bolus_given"))
    vasopressors = _parse_vasopressors(c, f"{p}.vasopressors", data.get("vasopressors"))
    if hypotension is False and vasopressors:
        c.err(f"{p}.hypotension", False,
              "is false, but a vasopressor is listed; a patient on a vasopressor is hypotensive (set true, or remove the vasopressor)")
    spo2 = c.number(p, "spo2_percent", data.get("spo2_percent"), 50, 100, "%")
    device = c.choice(p, "o2_device", data.get("o2_device"), O2_DEVICES)
    flow = c.number(p, "o2_flow_l_min", data.get("o2_flow_l_min"), 0, 80, "L/min")
    if device == "room_air" and flow is not None and flow != 0:
        c.err(f"{p}.o2_flow_l_min", data.get("o2_flow_l_min"), "must be 0 (or absent) on room air")
    fio2 = c.number(p, "fio2_percent", data.get("fio2_percent"), 21, 100, "%", _fio2_mistake)
    if device == "room_air" and fio2 is not None and fio2 != 21:
        c.err(f"{p}.fio2_percent", data.get("fio2_percent"), "must be 21 % (or absent) on room air")

    ice = _parse_ice_items(c, f"{p}.ice", data.get("ice"))
    ice_score = c.whole(p, "ice_score", data.get("ice_score"), 0, 10, "points")
    if ice is not None and ice_score is not None and sum(ice.values()) != ice_score:
        c.err(f"{p}.ice_score", data.get("ice_score"),
              f"the ICE items add up to {sum(ice.values())}, but ice_score is {ice_score}; they must agree")
    ice_not_possible = c.choice(p, "ice_not_possible", data.get("ice_not_possible"), ICE_NOT_POSSIBLE)
    consciousness = c.choice(p, "consciousness", data.get("consciousness"), CONSCIOUSNESS_LEVELS)
    if ice_not_possible is not None:
        total = ice_score if ice_score is not None else (sum(ice.values()) if ice is not None else 0)
        if total:
            c.err(f"{p}.ice_not_possible", ice_not_possible,
                  f"is given with an ICE score of {total}; an ICE that could not be done scores 0")
        elif ice_not_possible == "unarousable" and consciousness is not None and consciousness != "unarousable":
            c.err(f"{p}.ice_not_possible", ice_not_possible,
                  f"'unarousable' contradicts consciousness '{consciousness}'; use 'global_aphasia' or record the patient as unarousable")
    capd = c.whole(p, "capd_score", data.get("capd_score"), 0, 32, "points")
    capd_not_possible = c.boolean(p, "capd_not_possible", data.get("capd_not_possible"))
    if capd_not_possible and capd is not None:
        c.err(f"{p}.capd_not_possible", True, f"is true, but a CAPD score ({capd}) is given; give one or the other")
    seizure = c.choice(p, "seizure", data.get("seizure"), SEIZURE_KINDS)
    seizure_min = c.number(p, "seizure_duration_min", data.get("seizure_duration_min"), 0, 1440, "min")
    if seizure == "none" and seizure_min is not None:
        c.err(f"{p}.seizure_duration_min", data.get("seizure_duration_min"),
              "a seizure duration is given, but seizure is 'none'")
    motor = c.choice(p, "motor_weakness", data.get("motor_weakness"), MOTOR_FINDINGS)
    raised_icp = c.choice_list(p, "raised_icp", data.get("raised_icp"), RAISED_ICP_FINDINGS)
    other_cause = c.choice_list(p, "other_cause", data.get("other_cause"), OTHER_CAUSE_FINDINGS)
    labs = c.labs(f"{p}.labs", data.get("labs"))

    if aid is None or when is None or len(c.errors) > n_errors:
        # A broken assessment is not graded, but its id still counts for duplicate detection.
        return None if aid is None or when is None else _placeholder(aid, when, i)
    return Assessment(
        id=aid,  # type: ignore[arg-type]
        time=when,
        index=i,
        temperature_c=temperature,
        systolic_bp_mmhg=sbp,
        diastolic_bp_mmhg=dbp,
        mean_arterial_pressure_mmhg=mapp,
        hypotension=hypotension,
        fluid_bolus_given=fluid,
        vasopressors=vasopressors,
        spo2_percent=spo2,
        o2_device=device,
        o2_flow_l_min=flow,
        fio2_percent=fio2,
        ice=ice,
        ice_score=ice_score,
        ice_not_possible=ice_not_possible,
        capd_score=capd,
        capd_not_possible=capd_not_possible,
        consciousness=consciousness,
        seizure=seizure,
        seizure_duration_min=seizure_min,
        motor_weakness=motor,
        raised_icp=raised_icp,
        other_cause=other_cause or (),
        labs=labs,
    )


def _placeholder(aid: Any, when: datetime, i: int) -> Assessment:
    return Assessment(id=aid, time=when, index=i)


def _parse_vasopressors(c: _Checker, path: str, value: Any) -> tuple[Vasopressor, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        c.err(path, value, "must be a list of {agent, dose_mcg_kg_min} objects")
        return None
    out: list[Vasopressor] = []
    for j, raw in enumerate(value):
        vp = f"{path}[{j}]"
        data = c.obj(vp, raw, frozenset({"agent", "dose_mcg_kg_min", "dose_units_min"}), "agent and dose")
        if data is None:
            if raw is None:
                c.err(vp, raw, "must be an object with an agent")
            continue
        if data.get("agent") is None:
            c.err(f"{vp}.agent", None, f"is required: one of {_choices(VASOPRESSOR_AGENTS)}")
            continue
        agent = c.choice(vp, "agent", data.get("agent"), VASOPRESSOR_AGENTS)
        mcg = data.get("dose_mcg_kg_min")
        units = data.get("dose_units_min")
        dose_mcg = dose_units = None
        if agent == "vasopressin":
            if mcg is not None:
                c.err(f"{vp}.dose_mcg_kg_min", mcg, "vasopressin is dosed in units/min: give dose_units_min (0–0.1)")
            dose_units = c.number(vp, "dose_units_min", units, 0, 0.1, "units/min")
        else:
            if units is not None:
                c.err(f"{vp}.dose_units_min", units, "only vasopressin is dosed in units/min; give dose_mcg_kg_min (0–5)")
            dose_mcg = c.number(vp, "dose_mcg_kg_min", mcg, 0, 5, "µg/kg/min")
        if agent is not None:
            out.append(Vasopressor(agent, dose_mcg, dose_units))
    return tuple(out)


def _parse_ice_items(c: _Checker, path: str, value: Any) -> dict[str, int] | None:
    data = c.obj(path, value, ICE_ITEMS, "the eight ICE items")
    if data is None:
        return None
    items: dict[str, int] = {}
    ok = True
    for item in ICE_ITEMS:
        hi = ICE_ITEM_MAX[item]
        if data.get(item) is None:
            c.err(f"{path}.{item}", None, f"is missing: all eight ICE items are needed (0–{hi}), or give ice_score instead")
            ok = False
            continue
        v = c.whole(path, item, data.get(item), 0, hi, "point" if hi == 1 else "points")
        if v is None:
            ok = False
        else:
            items[item] = v
    return items if ok else None


def _parse_lab_entries(c: _Checker, value: Any) -> tuple[LabEntry, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        c.err("labs", value, "must be a list of lab entries, each with a date or a time")
        return ()
    out: list[LabEntry] = []
    for i, raw in enumerate(value):
        p = f"labs[{i}]"
        if not isinstance(raw, dict):
            c.err(p, raw, "must be an object with a date or a time and lab values")
            continue
        labs = c.labs(p, raw, frozenset({"date", "time"}))
        when = c.time(p, "time", raw.get("time"), required=False)
        day = c.date(p, "date", raw.get("date"), required=False)
        if raw.get("time") is None and raw.get("date") is None:
            c.err(f"{p}.date", None, "a lab entry needs a date (2026-03-04) or a time (2026-03-04T08:00)")
            continue
        if when is not None and day is not None and when.date() != day:
            c.err(f"{p}.date", raw.get("date"), f"contradicts the time {raw.get('time')}; give one or make them agree")
            continue
        if when is not None:
            out.append(LabEntry(when, labs, i))
        elif day is not None:
            out.append(LabEntry(datetime(day.year, day.month, day.day), labs, i, date_only=True))
    return tuple(out)


def _parse_interventions(c: _Checker, value: Any) -> tuple[Intervention, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        c.err("interventions", value, "must be a list of {time, drug, dose_mg} objects")
        return ()
    out: list[Intervention] = []
    for i, raw in enumerate(value):
        p = f"interventions[{i}]"
        data = c.obj(p, raw, frozenset({"time", "drug", "dose_mg", "name"}), "time, drug, dose_mg, name")
        if data is None:
            if raw is None:
                c.err(p, raw, "must be an object with a time and a drug")
            continue
        when = c.time(p, "time", data.get("time"))
        if data.get("drug") is None:
            c.err(f"{p}.drug", None, f"is required: one of {_choices(DRUGS)}")
        drug = c.choice(p, "drug", data.get("drug"), DRUGS)
        dose = c.number(p, "dose_mg", data.get("dose_mg"), 0, 5000, "mg")
        name = data.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            c.err(f"{p}.name", name, "must be the drug's name as text")
            name = None
        if drug == "other" and name is None and data.get("name") is None:
            c.err(f"{p}.name", None, "is required when drug is 'other': the drug's name")
        if when is not None and drug is not None:
            out.append(Intervention(when, drug, dose, name))
    return tuple(out)


def _parse_death(c: _Checker, value: Any) -> Death | None:
    data = c.obj("death", value, frozenset({"date", "cause"}), "date and cause, or null")
    if data is None:
        return None
    day = c.date("death", "date", data.get("date"))
    if data.get("cause") is None:
        c.err("death.cause", None, f"is required: one of {_choices(DEATH_CAUSES)}")
    cause = c.choice("death", "cause", data.get("cause"), DEATH_CAUSES)
    if day is None or cause is None:
        return None
    return Death(day, cause)

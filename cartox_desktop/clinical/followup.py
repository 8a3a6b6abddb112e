"""After discharge: late-effect entries, the follow-up schedule, and the product's dated advice.

Pure (no I/O): the services layer reads the protocol file and the record store, this module only
checks and computes.

* **Late-effect entries** (``validate_late_effect``): infections graded with CTCAE v5.0, IgG
  levels, new malignancies, and follow-up visits (which scheduled checks were done). Every bad
  field is named at once, as ``parse_case`` does for a case.

  - Infections are graded with the CTCAE v5.0 infection terms, grades 1–5
    (clinical-background.md §3.5; NCI CTCAE v5.0, 27 Nov 2017).
  - CTCAE v5.0 has **no** IgG or hypogammaglobulinaemia term (clinical-background.md §3.5:
    a full-text search of the NCI spreadsheet found none), so an IgG level is recorded as a lab
    value in mg/dL and flagged against the hospital's threshold, never graded.
  - IgG accepted range 0–10,000 mg/dL, g/L ×100 (clinical-background.md §10, case-format.md
    labs). A value from 0 to under 30 "mg/dL" is refused as a likely g/L value: polyclonal IgG in
    g/L is typically 2–30, and a true IgG under 30 mg/dL is exceptional. That cut-off is an
    engineering default in the spirit of §10's unit-mistake heuristics **[UNVERIFIED: review with
    a clinician]**; the message gives the mg/dL value the number would be in g/L.
  - The hypogammaglobulinaemia threshold is the ward's setting (``services.settings``, default
    400 mg/dL: "commonly IgG <400 mg/dL with infections", **[UNVERIFIED]**, §3.5).
  - New malignancies record whether the CAR transgene was tested in the tumour and the result:
    every BCMA-/CD19-directed product carries a class-wide boxed warning on secondary
    haematological (including T-cell) malignancies since January 2024 (§9.4, V-secondary).

* **Follow-up schedule** (``follow_up_plan``): the ``[[follow_up]]`` and ``[[product_advice]]``
  sections of the hospital's protocol file, which ``parse_protocol`` keeps in
  ``Protocol.extra``. Days count from the infusion (day 0, clinical-background.md §0.2).
  ``follow_up_status`` says, for a date, which checks are due, overdue, done or upcoming.

* **Product advice**: driving and distance advice per product, dated with the label it comes
  from, because it changed in 2025: the FDA eliminated the REMS of the BCMA- and CD19-directed
  autologous products on 26–27 June 2025 and the labels shortened the proximity (4 → 2 weeks) and
  driving (8 → 2 weeks) restrictions (clinical-background.md §9.3, V-secondary; the exact new
  label wording is unverified, so entries carry ``check_label``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .errors import FieldError
from .model import PRODUCTS
from .protocol import ProtocolInvalid
from .units import fmt

LATE_EFFECT_KINDS = ("infection", "igg", "malignancy", "visit")
FOLLOW_UP_CHECKS = ("blood_counts", "igg", "clinic_visit", "malignancy_surveillance")
TRANSGENE_RESULTS = ("positive", "negative", "pending", "inconclusive")

CTCAE_INFECTION_VERSION = "CTCAE v5.0"
INFECTION_GRADES = (1, 2, 3, 4, 5)
IGG_MIN_MG_DL = 0.0
IGG_MAX_MG_DL = 10_000.0
IGG_LOOKS_LIKE_G_L_BELOW = 30.0  # [UNVERIFIED] engineering default, see the module docstring
MAX_TEXT = 200
MAX_NOTE = 2000
MAX_DAY = 36_500  # 100 years: "life-long" schedules are open-ended up to this

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LABEL_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")

_FIELDS: dict[str, tuple[str, ...]] = {
    "infection": ("date", "site", "organism", "ctcae_grade", "note"),
    "igg": ("date", "igg_mg_dl", "note"),
    "malignancy": ("date", "type", "car_transgene_tested", "car_transgene_result", "note"),
    "visit": ("date", "checks", "note"),
}
NOUNS = {"infection": "infection", "igg": "IgG level", "malignancy": "new malignancy", "visit": "follow-up visit"}


class LateEffectInvalid(ValueError):
    """A late-effect entry refused; ``errors`` names every bad field (paths relative to the entry)."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        first = errors[0] if errors else None
        super().__init__(f"{first.path}: {first.message}" if first else "invalid entry")


# --------------------------------------------------------------------------------------------------
# late-effect entries


def _text(errors: list[FieldError], path: str, value: Any, *, required: bool, limit: int = MAX_TEXT) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(FieldError(path, value, f"required: text of 1–{limit} characters"))
        return None
    if not isinstance(value, str):
        errors.append(FieldError(path, value, f"must be text of 1–{limit} characters"))
        return None
    text = value.strip()
    if len(text) > limit or any(ord(c) < 32 and c not in "\n\t" for c in text):
        errors.append(FieldError(path, value, f"must be 1–{limit} printable characters"))
        return None
    return text


def parse_day(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` text (or a ``date``) as a date; None when it is not one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _date(errors: list[FieldError], value: Any, infusion_date: date, today: date) -> str | None:
    day = parse_day(value)
    if day is None:
        errors.append(FieldError("date", value, "required: a real calendar date written YYYY-MM-DD "
                                                "(for example 2026-04-15)"))
        return None
    if day < infusion_date:
        errors.append(FieldError("date", value, f"must be on or after the infusion date {infusion_date.isoformat()} "
                                                "(day 0): late effects are recorded after the infusion"))
        return None
    if day > today:
        errors.append(FieldError("date", value, f"must not be in the future (today is {today.isoformat()})"))
        return None
    return day.isoformat()


def check_igg(value: Any, path: str = "igg_mg_dl") -> FieldError | None:
    """The IgG value's problem, or None: a number 0–10,000 mg/dL that does not look like g/L."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return FieldError(path, value, f"required: IgG as a number from {fmt(IGG_MIN_MG_DL)} to "
                                       f"{fmt(IGG_MAX_MG_DL)} mg/dL")
    if not IGG_MIN_MG_DL <= value <= IGG_MAX_MG_DL:
        return FieldError(path, value, f"impossible IgG: accepted {fmt(IGG_MIN_MG_DL)}–{fmt(IGG_MAX_MG_DL)} mg/dL "
                                       "(g/L × 100 = mg/dL)")
    if 0 < value < IGG_LOOKS_LIKE_G_L_BELOW:
        return FieldError(path, value, f"looks like g/L: {fmt(value)} g/L = {fmt(value * 100)} mg/dL; enter IgG in "
                                       f"mg/dL (values under {fmt(IGG_LOOKS_LIKE_G_L_BELOW)} mg/dL are refused as a "
                                       "likely unit mistake)")
    return None


def validate_late_effect(kind: str, content: Any, *, infusion_date: date, today: date) -> dict[str, Any]:
    """Check one entry; returns it normalised (text trimmed, empty optional fields left out).

    Raises :class:`LateEffectInvalid` naming every bad field (``date``, ``igg_mg_dl`` ...).
    ``today`` bounds the date (no future entries); ``infusion_date`` is day 0.
    """
    if kind not in LATE_EFFECT_KINDS:
        raise LateEffectInvalid([FieldError("kind", kind, f"accepted: {', '.join(LATE_EFFECT_KINDS)}")])
    if not isinstance(content, Mapping):
        raise LateEffectInvalid([FieldError("", content, f"a {NOUNS[kind]} must be an object with "
                                                         f"{', '.join(_FIELDS[kind])}")])
    errors: list[FieldError] = []
    for key in content:
        if key not in _FIELDS[kind]:
            errors.append(FieldError(str(key), content[key], f"not a field of a {NOUNS[kind]}; accepted: "
                                                              f"{', '.join(_FIELDS[kind])}"))
    out: dict[str, Any] = {"date": _date(errors, content.get("date"), infusion_date, today)}
    if kind == "infection":
        out["site"] = _text(errors, "site", content.get("site"), required=True)
        out["organism"] = _text(errors, "organism", content.get("organism"), required=False)
        grade = content.get("ctcae_grade")
        if isinstance(grade, bool) or not isinstance(grade, int) or grade not in INFECTION_GRADES:
            errors.append(FieldError("ctcae_grade", grade, f"required: the {CTCAE_INFECTION_VERSION} grade of the "
                                                           "infection, a whole number 1–5"))
        else:
            out["ctcae_grade"] = grade
    elif kind == "igg":
        problem = check_igg(content.get("igg_mg_dl"))
        if problem is not None:
            errors.append(problem)
        else:
            value = float(content["igg_mg_dl"])
            out["igg_mg_dl"] = int(value) if value.is_integer() else value
    elif kind == "malignancy":
        out["type"] = _text(errors, "type", content.get("type"), required=True)
        tested = content.get("car_transgene_tested")
        result = content.get("car_transgene_result")
        if not isinstance(tested, bool):
            errors.append(FieldError("car_transgene_tested", tested, "required: true or false (was the tumour tested "
                                                                     "for the CAR transgene?)"))
        else:
            out["car_transgene_tested"] = tested
            if tested and result not in TRANSGENE_RESULTS:
                errors.append(FieldError("car_transgene_result", result, "required when the CAR transgene was "
                                                                         f"tested: {', '.join(TRANSGENE_RESULTS)}"))
            elif not tested and result is not None:
                errors.append(FieldError("car_transgene_result", result, "only with car_transgene_tested = true"))
            elif tested:
                out["car_transgene_result"] = result
    else:  # visit
        checks = content.get("checks")
        if (not isinstance(checks, list) or not checks or any(c not in FOLLOW_UP_CHECKS for c in checks)
                or len(set(checks)) != len(checks)):
            errors.append(FieldError("checks", checks, "required: a list of the checks done, each once, from "
                                                       f"{', '.join(FOLLOW_UP_CHECKS)}"))
        else:
            out["checks"] = [c for c in FOLLOW_UP_CHECKS if c in checks]
    out["note"] = _text(errors, "note", content.get("note"), required=False, limit=MAX_NOTE)
    if errors:
        raise LateEffectInvalid(errors)
    return {k: v for k, v in out.items() if v is not None}


def igg_low(value_mg_dl: float, threshold_mg_dl: float) -> bool:
    """Hypogammaglobulinaemia flag: IgG strictly below the hospital's threshold."""
    return value_mg_dl < threshold_mg_dl


def describe_late_effect(kind: str, content: Mapping[str, Any]) -> str:
    """One line in plain words (ward lists, registry, history)."""
    if kind == "infection":
        organism = content.get("organism") or "organism unknown"
        return f"infection, {content.get('site')} ({organism}), {CTCAE_INFECTION_VERSION} grade {content.get('ctcae_grade')}"
    if kind == "igg":
        return f"IgG {fmt(float(content.get('igg_mg_dl', 0)))} mg/dL"
    if kind == "malignancy":
        if content.get("car_transgene_tested"):
            tested = f"CAR transgene tested: {content.get('car_transgene_result')}"
        else:
            tested = "CAR transgene not tested"
        return f"new malignancy: {content.get('type')} ({tested})"
    if kind == "visit":
        return "follow-up visit: " + ", ".join(CHECK_WORDS.get(c, c) for c in content.get("checks") or ())
    return kind


CHECK_WORDS = {"blood_counts": "blood counts", "igg": "IgG level", "clinic_visit": "clinic visit",
               "malignancy_surveillance": "check for new cancers"}

# --------------------------------------------------------------------------------------------------
# the follow-up plan (protocol file)


@dataclass(frozen=True, slots=True)
class FollowUpRule:
    """One kind of scheduled check and the days after infusion it is due (``to_day`` None: life-long)."""

    check: str  # one of FOLLOW_UP_CHECKS
    label: str
    days: tuple[int, ...]  # explicit days, ascending
    every_days: int | None  # or a repeat from ``from_day`` ...
    from_day: int | None
    to_day: int | None  # ... up to ``to_day`` (None: open-ended, "life-long")
    window_days: int
    source: str

    def scheduled_days(self, up_to_day: int) -> list[int]:
        """Scheduled days up to ``up_to_day`` (inclusive), ascending."""
        if self.every_days is None or self.from_day is None:
            return [d for d in self.days if d <= up_to_day]
        last = min(up_to_day, self.to_day if self.to_day is not None else MAX_DAY)
        return list(range(self.from_day, last + 1, self.every_days))

    @property
    def open_ended(self) -> bool:
        return self.every_days is not None and self.to_day is None


@dataclass(frozen=True, slots=True)
class ProductAdvice:
    """Driving and distance advice of one product, as of the label dated ``label_date``."""

    product: str
    brand: str
    driving: str
    distance: str
    label_date: str  # YYYY-MM or YYYY-MM-DD
    source: str
    check_label: bool  # True: the numbers are not verified against the current label
    extra: str = ""

    @property
    def label_date_text(self) -> str:
        """``June 2025`` or ``26 June 2025``."""
        parts = self.label_date.split("-")
        month = _MONTHS[int(parts[1]) - 1]
        return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


@dataclass(frozen=True, slots=True)
class FollowUpPlan:
    rules: tuple[FollowUpRule, ...]
    advice: tuple[ProductAdvice, ...]

    def advice_for(self, product: str | None) -> ProductAdvice | None:
        return next((a for a in self.advice if a.product == product), None)


def _num(errors: list[FieldError], path: str, value: Any, lo: float, hi: float, whole: bool = False) -> float:
    ok = not isinstance(value, bool) and isinstance(value, int | float) and lo <= value <= hi
    if ok and whole and not float(value).is_integer():
        ok = False
    if not ok:
        kind = "a whole number" if whole else "a number"
        errors.append(FieldError(path, value, f"must be {kind} from {fmt(lo)} to {fmt(hi)}"))
        return lo
    return float(value)


def _req_text(errors: list[FieldError], path: str, value: Any, limit: int = 1000) -> str:
    return _text(errors, path, value, required=True, limit=limit) or ""


def _parse_rule(errors: list[FieldError], p: str, item: Mapping[str, Any]) -> FollowUpRule | None:
    check = item.get("check")
    if check not in FOLLOW_UP_CHECKS:
        errors.append(FieldError(f"{p}.check", check, f"must be one of {', '.join(FOLLOW_UP_CHECKS)}"))
        return None
    days_raw = item.get("days")
    every = item.get("every_days")
    days: tuple[int, ...] = ()
    every_days = from_day = to_day = None
    if days_raw is not None and every is not None:
        errors.append(FieldError(f"{p}.days", days_raw, "give either days = [...] or every_days with from_day "
                                                        "(and to_day), not both"))
    elif days_raw is not None:
        if (not isinstance(days_raw, list) or not days_raw
                or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= MAX_DAY for d in days_raw)
                or sorted(set(days_raw)) != days_raw):
            errors.append(FieldError(f"{p}.days", days_raw, f"must be whole days after infusion, 0–{MAX_DAY}, "
                                                            "ascending, each once"))
        else:
            days = tuple(days_raw)
    elif every is not None:
        every_days = int(_num(errors, f"{p}.every_days", every, 1, 3650, whole=True))
        from_day = int(_num(errors, f"{p}.from_day", item.get("from_day"), 0, MAX_DAY, whole=True))
        if item.get("to_day") is not None:
            to_day = int(_num(errors, f"{p}.to_day", item.get("to_day"), from_day, MAX_DAY, whole=True))
    else:
        errors.append(FieldError(f"{p}.days", None, "needs days = [...] or every_days with from_day"))
    return FollowUpRule(
        check=check, label=_req_text(errors, f"{p}.label", item.get("label"), MAX_TEXT), days=days,
        every_days=every_days, from_day=from_day, to_day=to_day,
        window_days=int(_num(errors, f"{p}.window_days", item.get("window_days"), 0, 365, whole=True)),
        source=_req_text(errors, f"{p}.source", item.get("source")),
    )


def _parse_advice(errors: list[FieldError], p: str, item: Mapping[str, Any]) -> ProductAdvice | None:
    product = item.get("product")
    if product not in PRODUCTS:
        errors.append(FieldError(f"{p}.product", product, f"must be one of {', '.join(PRODUCTS)}"))
        return None
    label_date = item.get("label_date")
    if not isinstance(label_date, str) or not _LABEL_DATE.match(label_date) or not 1 <= int(label_date[5:7]) <= 12 \
            or (len(label_date) == 10 and parse_day(label_date) is None):
        errors.append(FieldError(f"{p}.label_date", label_date, "must be the label's date as YYYY-MM or YYYY-MM-DD"))
        label_date = "1970-01"
    check_label = item.get("check_label")
    if not isinstance(check_label, bool):
        errors.append(FieldError(f"{p}.check_label", check_label, "must be true (numbers not verified against the "
                                                                  "current label) or false"))
        check_label = True
    extra = item.get("extra")
    return ProductAdvice(
        product=product, brand=_req_text(errors, f"{p}.brand", item.get("brand"), MAX_TEXT),
        driving=_req_text(errors, f"{p}.driving", item.get("driving")),
        distance=_req_text(errors, f"{p}.distance", item.get("distance")), label_date=label_date,
        source=_req_text(errors, f"{p}.source", item.get("source")), check_label=check_label,
        extra=_text(errors, f"{p}.extra", extra, required=False, limit=1000) or "",
    )


def _tables(errors: list[FieldError], name: str, raw: Any) -> list[tuple[str, Mapping[str, Any]]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.append(FieldError(name, raw, f"must be [[{name}]] entries"))
        return []
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, Mapping):
            out.append((f"{name}[{i}]", item))
        else:
            errors.append(FieldError(f"{name}[{i}]", item, "must be a table"))
    return out


def follow_up_plan(extra: Mapping[str, Any]) -> FollowUpPlan:
    """The follow-up plan from the protocol file's extra sections (``Protocol.extra``).

    ``[[follow_up]]``: check, label, days = [...] (or every_days, from_day, optional to_day),
    window_days, source. ``[[product_advice]]``: product, brand, driving, distance, label_date,
    source, check_label (optional extra). Missing sections give an empty plan. Raises
    :class:`ProtocolInvalid` naming every problem with its TOML path.
    """
    errors: list[FieldError] = []
    rules = [r for p, item in _tables(errors, "follow_up", extra.get("follow_up"))
             if (r := _parse_rule(errors, p, item)) is not None]
    advice = [a for p, item in _tables(errors, "product_advice", extra.get("product_advice"))
              if (a := _parse_advice(errors, p, item)) is not None]
    seen: set[str] = set()
    for i, a in enumerate(advice):
        if a.product in seen:
            errors.append(FieldError(f"product_advice[{i}].product", a.product, "given twice"))
        seen.add(a.product)
    if errors:
        raise ProtocolInvalid(errors)
    return FollowUpPlan(tuple(rules), tuple(advice))


# --------------------------------------------------------------------------------------------------
# due and overdue

DUE, OVERDUE, UPCOMING, COMPLETE = "due", "overdue", "upcoming", "complete"


@dataclass(frozen=True, slots=True)
class FollowUpStatus:
    """Where one scheduled check stands on a date.

    ``status``: ``overdue`` (the latest scheduled check whose window has opened was not done and
    its window has closed), ``due`` (its window is open and it is not done yet), ``upcoming``
    (done, or not started: ``day``/``due_date`` name the next one), ``complete`` (schedule ended).
    """

    check: str
    label: str
    status: str
    day: int | None  # the scheduled day the status is about
    due_date: date | None
    window_days: int
    last_done: date | None
    source: str

    @property
    def needs_action(self) -> bool:
        return self.status in (DUE, OVERDUE)

    def describe(self) -> str:
        when = f"day {self.day} ({self.due_date.isoformat()})" if self.due_date is not None else ""
        if self.status == OVERDUE:
            return f"{self.label}: OVERDUE since {when}"
        if self.status == DUE:
            return f"{self.label}: due {when}"
        if self.status == UPCOMING:
            return f"{self.label}: next {when}"
        return f"{self.label}: schedule complete"


def _done_in(evidence: Sequence[date], lo: date, hi: date) -> date | None:
    hits = [d for d in evidence if lo <= d <= hi]
    return max(hits) if hits else None


def rule_status(rule: FollowUpRule, infusion_date: date, today: date, evidence: Iterable[date]) -> FollowUpStatus:
    """The status of one rule on ``today``; ``evidence`` = dates on which the check was done.

    A scheduled check counts as done by any evidence within ± ``window_days`` of its due date.
    It is overdue only until the next scheduled check of the same kind opens its window (which
    supersedes it), so each rule gives one line.
    """
    done = sorted(set(evidence))
    window = timedelta(days=rule.window_days)
    today_day = (today - infusion_date).days
    if rule.every_days is None:
        horizon = MAX_DAY
    else:  # far enough to hold the next repeat after today
        horizon = max(today_day, rule.from_day or 0) + rule.window_days + rule.every_days
    days = rule.scheduled_days(horizon)
    last_done = done[-1] if done else None
    opened = [d for d in days if infusion_date + timedelta(days=d) - window <= today]
    later = [d for d in days if infusion_date + timedelta(days=d) - window > today]

    def line(status: str, day: int | None, last: date | None = last_done) -> FollowUpStatus:
        due = infusion_date + timedelta(days=day) if day is not None else None
        return FollowUpStatus(rule.check, rule.label, status, day, due, rule.window_days, last, rule.source)

    if opened:
        current = opened[-1]
        due = infusion_date + timedelta(days=current)
        if _done_in(done, due - window, due + window) is None:
            return line(OVERDUE if today > due + window else DUE, current)
    if later:
        return line(UPCOMING, later[0])
    return line(COMPLETE, None)


def follow_up_status(plan: FollowUpPlan, infusion_date: date, today: date,
                     evidence: Mapping[str, Iterable[date]]) -> tuple[FollowUpStatus, ...]:
    """One status per rule of the plan, overdue first, then due, then by date."""
    order = {OVERDUE: 0, DUE: 1, UPCOMING: 2, COMPLETE: 3}
    lines = [rule_status(r, infusion_date, today, evidence.get(r.check, ())) for r in plan.rules]
    return tuple(sorted(lines, key=lambda s: (order[s.status], s.due_date or date.max, s.check)))


@dataclass(frozen=True, slots=True)
class Appointment:
    """Scheduled checks falling on one date (for the patient's discharge sheet)."""

    due_date: date
    day: int
    labels: tuple[str, ...]


def appointments(plan: FollowUpPlan, infusion_date: date, start: date, until_day: int) -> tuple[Appointment, ...]:
    """Every scheduled check from ``start`` up to day ``until_day``, grouped by date."""
    by_day: dict[int, list[str]] = {}
    start_day = (start - infusion_date).days
    for rule in plan.rules:
        for d in rule.scheduled_days(until_day):
            if d >= start_day and rule.label not in by_day.setdefault(d, []):
                by_day[d].append(rule.label)
    return tuple(Appointment(infusion_date + timedelta(days=d), d, tuple(labels))
                 for d, labels in sorted(by_day.items()))


def later_checks(plan: FollowUpPlan, after_day: int) -> tuple[str, ...]:
    """Plain lines for the checks that go on after ``after_day`` (yearly, life-long ...)."""
    out = []
    for rule in plan.rules:
        remaining = [d for d in rule.scheduled_days(MAX_DAY if not rule.open_ended else after_day + 3 * 366)
                     if d > after_day]
        if not remaining:
            continue
        if rule.every_days is not None:
            span = "for life" if rule.open_ended else f"until day {rule.to_day}"
            out.append(f"{rule.label}: every {_every_words(rule.every_days)} {span}")
        else:
            out.append(f"{rule.label}: on days {', '.join(str(d) for d in remaining)}")
    return tuple(out)


def _every_words(days: int) -> str:
    if days % 365 == 0:
        return "year" if days == 365 else f"{days // 365} years"
    if days % 7 == 0:
        return "week" if days == 7 else f"{days // 7} weeks"
    return f"{days} days"

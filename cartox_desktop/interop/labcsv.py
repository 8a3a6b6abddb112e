"""Laboratory CSV import, pure: bytes + a column mapping -> a preview of validated lab values.

A ward PC has no live link to the laboratory system, but its CSV exports can be carried over.
This module reads such a file with a hospital's column mapping (``resources/lab-mappings.toml``
or a mapping saved in the settings), converts every value to the case-format unit with the
conversion shown ("ANC 1.2 10⁹/L → 1200 /µL"), and validates it against the same accepted ranges
as a typed case (``clinical.validation.LAB_RANGES``). Nothing here stores anything: the result is
a :class:`LabImportPreview` that the user confirms, and the services store it with the file's
name and SHA-256 in the audit trail.

Two layouts are understood:

* ``long``: one result per row (MRN, collection time, test code, value, unit), the usual LIS
  export. Tests that the mapping does not name are ignored and counted.
* ``wide``: one specimen per row, one column per test; the unit is fixed per column in the
  mapping or read from a unit column.

Refusals always name the row (spreadsheet numbering: the header is row 1), the column, the value
and what is accepted. A unit that is not known for a test is refused, never guessed. A file that
cannot be read as CSV at all raises :class:`LabFileInvalid`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cartox_desktop.clinical.model import LAB_NAMES
from cartox_desktop.clinical.units import LAB_CONVERSIONS, fmt
from cartox_desktop.clinical.validation import LAB_RANGES

# Short names a nurse reads in the preview.
LAB_LABELS: dict[str, str] = {
    "anc_per_ul": "ANC",
    "wbc_per_ul": "WBC",
    "platelets_per_ul": "Platelets",
    "hemoglobin_g_dl": "Haemoglobin",
    "crp_mg_dl": "CRP",
    "ferritin_ng_ml": "Ferritin",
    "fibrinogen_mg_dl": "Fibrinogen",
    "ldh_u_l": "LDH",
    "alt_u_l": "ALT",
    "ast_u_l": "AST",
    "bilirubin_mg_dl": "Bilirubin",
    "creatinine_mg_dl": "Creatinine",
    "triglycerides_mg_dl": "Triglycerides",
    "igg_mg_dl": "IgG",
}

_COUNTS = ("anc_per_ul", "wbc_per_ul", "platelets_per_ul")
_ENZYMES = ("ldh_u_l", "alt_u_l", "ast_u_l")

# Spellings laboratories use for the units of LAB_CONVERSIONS: alias -> the LAB_CONVERSIONS key.
# Only exact equivalents (10³/µL = 10⁹/L = /nL; IU/L = U/L for these enzymes).
_UNIT_ALIASES: dict[str, dict[str, str]] = {
    **{name: {"10^3/µL": "10^9/L", "K/µL": "10^9/L", "thou/µL": "10^9/L", "/nL": "10^9/L",
              "10^3/mm3": "10^9/L", "Giga/L": "10^9/L", "cells/µL": "/µL", "/mm^3": "/mm3"}
       for name in _COUNTS},
    **{name: {"IU/L": "U/L", "UI/L": "U/L"} for name in _ENZYMES},
}

DEFAULT_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
DEFAULT_DATE_FORMATS = ("%Y-%m-%d",)
DEFAULT_TIME_FORMATS = ("%H:%M:%S", "%H:%M")
_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DELIMITERS = (",", ";", "\t", "|")


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------

def normalize_unit(unit: str) -> str:
    """A comparable form of a unit as laboratories write it (case, spaces, µ/μ/u, 10⁹ / 10E9 / x10^9)."""
    s = unit.strip().replace("⁹", "^9").replace("³", "^3").replace("²", "^2")
    s = re.sub(r"^G(?=/)", "giga", s)  # G/L (giga per litre, cell counts) is not g/L (grams)
    s = s.replace("μ", "u").replace("µ", "u").replace("×", "x").replace(" ", "").lower()
    s = s.replace("mcl", "ul").replace("mcg", "ug").replace("mcmol", "umol")
    s = re.sub(r"^x(?=10)", "", s)
    s = re.sub(r"^10(?:e|\*|\^)?(\d)", r"10^\1", s)
    return s


def _unit_table(lab: str) -> dict[str, tuple[str, float]]:
    """normalized spelling -> (the unit as listed in LAB_CONVERSIONS, factor to the case-format unit)."""
    table: dict[str, tuple[str, float]] = {}
    for unit, factor in LAB_CONVERSIONS[lab].items():
        table.setdefault(normalize_unit(unit), (unit, factor))
    for alias, target in _UNIT_ALIASES.get(lab, {}).items():
        _canonical, factor = table[normalize_unit(target)]
        table.setdefault(normalize_unit(alias), (alias, factor))
    return table


_UNIT_TABLES: dict[str, dict[str, tuple[str, float]]] = {lab: _unit_table(lab) for lab in LAB_NAMES}


def accepted_units(lab: str) -> list[str]:
    """The units a file may use for ``lab``, one spelling each (for error messages)."""
    out: list[str] = []
    norms: set[str] = set()
    for unit in [*LAB_CONVERSIONS[lab], *_UNIT_ALIASES.get(lab, {})]:
        n = normalize_unit(unit)
        if n not in norms:
            norms.add(n)
            out.append(unit)
    return out


def lookup_unit(lab: str, unit: str) -> tuple[str, float] | None:
    """(unit as written, factor) when ``unit`` is a known unit of ``lab``, else None."""
    found = _UNIT_TABLES[lab].get(normalize_unit(unit))
    if found is None:
        return None
    return unit.strip(), found[1]


def case_unit(lab: str) -> str:
    """The case-format unit of ``lab`` as shown to users (``/µL``, ``g/dL`` ...)."""
    return LAB_RANGES[lab][2]


def _clean_number(lab: str, value: float) -> float | int:
    """Rounded to what the unit means (cells per µL are whole), float noise removed."""
    if lab in _COUNTS:
        return int(round(value))
    rounded = round(value, 3)
    return int(rounded) if rounded.is_integer() else rounded


def check_lab_value(lab: str, value: float, converted: bool) -> str | None:
    """The refusal message for a value already in the case-format unit, or None when accepted.

    Mirrors the case validation (range, and the unit-mistake checks when the file claimed the
    case-format unit itself: a "/µL" platelet count of 90 looks like 10⁹/L).
    """
    lo, hi, unit, mistake = LAB_RANGES[lab]
    if not converted and mistake is not None:
        hint = mistake(float(value))
        if hint is not None:
            return f"{fmt(value)} {hint} (accepted: {fmt(lo)}–{fmt(hi)} {unit})"
    if not lo <= value <= hi:
        return f"{fmt(value)} {unit} is outside the accepted range {fmt(lo)}–{fmt(hi)} {unit}"
    return None


# --------------------------------------------------------------------------------------------
# Mappings
# --------------------------------------------------------------------------------------------

class MappingInvalid(ValueError):
    """A mapping file or entry that cannot be used; ``problems`` name each key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems) if problems else "invalid lab mapping")


@dataclass(frozen=True)
class TestMapping:
    """One test of a long-layout file: its case-format lab and, when the file has no unit column,
    the unit it is always reported in."""

    lab: str
    unit: str | None = None


@dataclass(frozen=True)
class ColumnMapping:
    """One value column of a wide-layout file: its lab and its unit (fixed, or from a column)."""

    lab: str
    unit: str | None = None
    unit_column: str | None = None


@dataclass(frozen=True)
class LabMapping:
    name: str
    layout: str  # "long" | "wide"
    mrn_column: str
    description: str = ""
    delimiter: str | None = None  # None: detected from the header line
    decimal: str = "."
    encoding: str = "utf-8-sig"
    datetime_column: str | None = None
    date_column: str | None = None
    time_column: str | None = None
    datetime_formats: tuple[str, ...] = DEFAULT_DATETIME_FORMATS
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    time_formats: tuple[str, ...] = DEFAULT_TIME_FORMATS
    # long layout
    test_column: str | None = None
    value_column: str | None = None
    unit_column: str | None = None
    tests: Mapping[str, TestMapping] = field(default_factory=dict)  # file test code -> lab
    # wide layout
    columns: Mapping[str, ColumnMapping] = field(default_factory=dict)  # header -> lab

    def required_columns(self) -> list[str]:
        cols = [self.mrn_column]
        cols += [c for c in (self.datetime_column, self.date_column) if c]
        if self.layout == "long":
            cols += [c for c in (self.test_column, self.value_column, self.unit_column) if c]
        return cols

    def to_dict(self) -> dict[str, Any]:
        """The mapping as saved in a TOML/JSON mappings file (``[mappings.NAME]``)."""
        out: dict[str, Any] = {"layout": self.layout}
        if self.description:
            out["description"] = self.description
        if self.delimiter is not None:
            out["delimiter"] = self.delimiter
        if self.decimal != ".":
            out["decimal"] = self.decimal
        if self.encoding != "utf-8-sig":
            out["encoding"] = self.encoding
        out["mrn_column"] = self.mrn_column
        for key in ("datetime_column", "date_column", "time_column", "test_column", "value_column", "unit_column"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        for key, default in (("datetime_formats", DEFAULT_DATETIME_FORMATS), ("date_formats", DEFAULT_DATE_FORMATS),
                             ("time_formats", DEFAULT_TIME_FORMATS)):
            if getattr(self, key) != default:
                out[key] = list(getattr(self, key))
        if self.tests:
            out["tests"] = {code: (t.lab if t.unit is None else {"lab": t.lab, "unit": t.unit})
                            for code, t in self.tests.items()}
        if self.columns:
            out["columns"] = {
                col: {k: v for k, v in (("lab", c.lab), ("unit", c.unit), ("unit_column", c.unit_column)) if v}
                for col, c in self.columns.items()
            }
        return out


_MAPPING_KEYS = frozenset({
    "layout", "description", "delimiter", "decimal", "encoding", "mrn_column", "datetime_column", "date_column",
    "time_column", "datetime_formats", "date_formats", "time_formats", "test_column", "value_column",
    "unit_column", "tests", "columns",
})


def parse_mapping(name: str, data: Any) -> LabMapping:
    """Validate one mapping entry (a dict from TOML or JSON); raises :class:`MappingInvalid`."""
    where = f"mapping {name!r}"
    p: list[str] = []
    if not isinstance(data, dict):
        raise MappingInvalid([f"{where}: must be a table of settings"])
    for key in data:
        if key not in _MAPPING_KEYS:
            p.append(f"{where}: unknown key {key!r} (accepted: {', '.join(sorted(_MAPPING_KEYS))})")

    def text(key: str, required: bool = False) -> str | None:
        v = data.get(key)
        if v is None:
            if required:
                p.append(f"{where}: {key} is required")
            return None
        if not isinstance(v, str) or (not v.strip() and key != "delimiter"):
            p.append(f"{where}: {key} must be a non-empty text")
            return None
        return v if key == "delimiter" else v.strip()

    def formats(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        v = data.get(key)
        if v is None:
            return default
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not v or not all(isinstance(x, str) and "%" in x for x in v):
            p.append(f"{where}: {key} must be a list of strptime formats such as \"%d.%m.%Y %H:%M\"")
            return default
        return tuple(v)

    def unit_ok(lab: str, unit: str | None, key: str) -> None:
        if unit is not None and lookup_unit(lab, unit) is None:
            p.append(f"{where}: {key}: unit {unit!r} is not known for {lab} "
                     f"(accepted: {', '.join(accepted_units(lab))})")

    def lab_ok(lab: Any, key: str) -> bool:
        if lab not in LAB_NAMES:
            p.append(f"{where}: {key}: {lab!r} is not a case-format lab name (accepted: {', '.join(LAB_NAMES)})")
            return False
        return True

    layout = data.get("layout", "long")
    if layout not in ("long", "wide"):
        p.append(f"{where}: layout must be \"long\" (one result per row) or \"wide\" (one column per test)")
        layout = "long"
    delimiter = text("delimiter")
    if delimiter is not None and (len(delimiter) != 1 or delimiter in "\"\r\n"):
        p.append(f"{where}: delimiter must be one character such as \",\" \";\" or \"\\t\"")
        delimiter = None
    decimal = data.get("decimal", ".")
    if decimal not in (".", ","):
        p.append(f"{where}: decimal must be \".\" or \",\"")
        decimal = "."
    if decimal == "," and delimiter == ",":
        p.append(f"{where}: decimal \",\" needs another delimiter (\";\" or a tab)")
    encoding = text("encoding") or "utf-8-sig"
    try:
        "".encode(encoding)
    except LookupError:
        p.append(f"{where}: encoding {encoding!r} is not known (e.g. utf-8, cp1252, latin-1)")
        encoding = "utf-8-sig"
    mrn_column = text("mrn_column", required=True) or ""
    datetime_column, date_column, time_column = text("datetime_column"), text("date_column"), text("time_column")
    if bool(datetime_column) == bool(date_column):
        p.append(f"{where}: give either datetime_column (date and time in one column) or date_column "
                 "(with an optional time_column)")
    if time_column and not date_column:
        p.append(f"{where}: time_column needs date_column")

    tests: dict[str, TestMapping] = {}
    columns: dict[str, ColumnMapping] = {}
    test_column = value_column = unit_column = None
    if layout == "long":
        test_column = text("test_column", required=True)
        value_column = text("value_column", required=True)
        unit_column = text("unit_column")
        raw_tests = data.get("tests")
        if not isinstance(raw_tests, dict) or not raw_tests:
            p.append(f"{where}: tests must map the file's test codes to case-format lab names "
                     "(e.g. ANC = \"anc_per_ul\")")
            raw_tests = {}
        for code, spec in raw_tests.items():
            key = f"tests.{code}"
            if isinstance(spec, str):
                spec = {"lab": spec}
            if not isinstance(spec, dict) or set(spec) - {"lab", "unit"}:
                p.append(f"{where}: {key} must be a lab name or {{lab = ..., unit = ...}}")
                continue
            lab, unit = spec.get("lab"), spec.get("unit")
            if not lab_ok(lab, key):
                continue
            lab = str(lab)
            if unit is not None and not isinstance(unit, str):
                p.append(f"{where}: {key}.unit must be a text")
                continue
            unit_ok(lab, unit, key)
            if unit is None and unit_column is None:
                p.append(f"{where}: {key} needs a unit, or the mapping needs unit_column")
            norm = _norm_header(code)
            if norm in tests:
                p.append(f"{where}: {key} is listed twice")
            tests[norm] = TestMapping(lab, unit)
        if data.get("columns"):
            p.append(f"{where}: columns is for the wide layout; a long layout uses tests")
    else:
        raw_cols = data.get("columns")
        if not isinstance(raw_cols, dict) or not raw_cols:
            p.append(f"{where}: columns must map the file's value columns to labs "
                     "(e.g. \"ANC (10^9/L)\" = {lab = \"anc_per_ul\", unit = \"10^9/L\"})")
            raw_cols = {}
        for col, spec in raw_cols.items():
            key = f"columns.{col}"
            if not isinstance(spec, dict) or set(spec) - {"lab", "unit", "unit_column"}:
                p.append(f"{where}: {key} must be {{lab = ..., unit = ...}} or {{lab = ..., unit_column = ...}}")
                continue
            lab, unit, ucol = spec.get("lab"), spec.get("unit"), spec.get("unit_column")
            if not lab_ok(lab, key):
                continue
            lab = str(lab)
            if (unit is None) == (ucol is None):
                p.append(f"{where}: {key} needs exactly one of unit or unit_column")
                continue
            if unit is not None and not isinstance(unit, str):
                p.append(f"{where}: {key}.unit must be a text")
                continue
            unit_ok(lab, unit, key)
            columns[col.strip()] = ColumnMapping(lab, unit, ucol.strip() if isinstance(ucol, str) else None)
        if data.get("tests"):
            p.append(f"{where}: tests is for the long layout; a wide layout uses columns")
    description = data.get("description", "")
    if not isinstance(description, str):
        p.append(f"{where}: description must be a text")
        description = ""
    mapping = LabMapping(
        name=name, layout=layout, description=description, delimiter=delimiter, decimal=decimal,
        encoding=encoding, mrn_column=mrn_column, datetime_column=datetime_column, date_column=date_column,
        time_column=time_column, datetime_formats=formats("datetime_formats", DEFAULT_DATETIME_FORMATS),
        date_formats=formats("date_formats", DEFAULT_DATE_FORMATS),
        time_formats=formats("time_formats", DEFAULT_TIME_FORMATS), test_column=test_column,
        value_column=value_column, unit_column=unit_column, tests=tests, columns=columns,
    )
    if p:
        raise MappingInvalid(p)
    return mapping


def parse_mappings(document: Any, source: str = "mappings") -> dict[str, LabMapping]:
    """All mappings of a mappings document (``{"mappings": {NAME: {...}}}``)."""
    if not isinstance(document, dict) or not isinstance(document.get("mappings"), dict):
        raise MappingInvalid([f"{source}: expected a [mappings.NAME] table per laboratory export"])
    out: dict[str, LabMapping] = {}
    problems: list[str] = []
    for name, entry in document["mappings"].items():
        try:
            out[name] = parse_mapping(name, entry)
        except MappingInvalid as exc:
            problems += [f"{source}: {m}" for m in exc.problems]
    if problems:
        raise MappingInvalid(problems)
    return out


def mappings_from_text(text: str, source: str = "mappings.toml") -> dict[str, LabMapping]:
    """Read a mappings file: JSON when it starts with ``{``, TOML otherwise."""
    try:
        document = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingInvalid([f"{source}: not valid TOML/JSON: {exc}"]) from exc
    return parse_mappings(document, source)


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_value(v: Any) -> str:
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_str(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def mappings_to_toml(mappings: Iterable[LabMapping]) -> str:
    """The TOML text of a mappings file holding ``mappings`` (read back by :func:`mappings_from_text`)."""
    lines = ["# CARTOX laboratory CSV mappings (cartox labs import FILE --mapping NAME)", ""]
    for m in mappings:
        d = m.to_dict()
        lines.append(f"[mappings.{_toml_str(m.name)}]")
        for key, value in d.items():
            if key not in ("tests", "columns"):
                lines.append(f"{key} = {_toml_value(value)}")
        for table in ("tests", "columns"):
            if table in d:
                lines.append("")
                lines.append(f"[mappings.{_toml_str(m.name)}.{table}]")
                for k, v in d[table].items():
                    lines.append(f"{_toml_str(k)} = {_toml_value(v)}")
        lines.append("")
    return "\n".join(lines)


def mappings_to_json(mappings: Iterable[LabMapping]) -> str:
    return json.dumps({"mappings": {m.name: m.to_dict() for m in mappings}}, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------------------------
# The preview
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LabIssue:
    """One refused cell or row: spreadsheet row number (header = 1), column header, raw value."""

    row: int
    column: str | None
    value: str | None
    message: str

    def describe(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        if self.column is not None:
            where += f", column {self.column!r}"
        if self.value is not None:
            where += f" = {self.value!r}"
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


class LabFileInvalid(ValueError):
    """The file cannot be read as a CSV of this mapping at all (encoding, quoting, header)."""

    def __init__(self, issues: list[LabIssue]) -> None:
        self.issues = issues
        first = issues[0].describe() if issues else "invalid lab file"
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(f"lab file refused, nothing was imported: {first}{more}")


@dataclass(frozen=True)
class LabValue:
    """One accepted value, converted to the case-format unit."""

    row: int
    column: str
    mrn: str
    time: str  # "YYYY-MM-DDTHH:MM[:SS]" or, when date_only, "YYYY-MM-DD"
    date_only: bool
    lab: str
    value: float | int
    source_value: str
    source_unit: str
    factor: float

    @property
    def conversion(self) -> str:
        """e.g. "ANC 1.2 10⁹/L → 1200 /µL" (or "CRP 8.5 mg/dL" when no conversion was needed)."""
        label = LAB_LABELS[self.lab]
        shown = self.source_value.strip()
        if self.factor == 1.0 and normalize_unit(self.source_unit) == normalize_unit(case_unit(self.lab)):
            return f"{label} {shown} {self.source_unit}"
        return f"{label} {shown} {self.source_unit} → {fmt(self.value)} {case_unit(self.lab)}"

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "mrn": self.mrn,
                ("date" if self.date_only else "time"): self.time, "lab": self.lab, "value": self.value,
                "source_value": self.source_value, "source_unit": self.source_unit, "conversion": self.conversion}


@dataclass(frozen=True)
class LabImportPreview:
    """What the file would import: shown to the user, stored only after confirmation."""

    file_name: str
    sha256: str
    mapping: str
    rows_total: int  # data rows read (blank lines excluded)
    values: tuple[LabValue, ...]  # accepted values (of known and unknown MRNs)
    issues: tuple[LabIssue, ...]
    unknown_mrns: tuple[str, ...]  # MRNs not in the record store, in file order
    ignored_tests: Mapping[str, int]  # long layout: test codes not in the mapping -> rows
    mrn_checked: bool = True
    mrn_column: str = "MRN"

    @property
    def bad_rows(self) -> tuple[int, ...]:
        return tuple(sorted({i.row for i in self.issues if i.row}))

    @property
    def unknown_mrn_rows(self) -> tuple[int, ...]:
        unknown = set(self.unknown_mrns)
        return tuple(sorted({v.row for v in self.values if v.mrn in unknown}))

    @property
    def good_rows(self) -> tuple[int, ...]:
        bad = set(self.bad_rows) | set(self.unknown_mrn_rows)
        return tuple(sorted({v.row for v in self.values} - bad))

    @property
    def ok(self) -> bool:
        """True when every row is valid and every MRN is known: the file may be stored as it is."""
        return not self.issues and not self.unknown_mrns and bool(self.values)

    def importable_values(self, skip_unknown_mrns: bool = False) -> tuple[LabValue, ...]:
        """The values to store; refuses (ValueError) while any row is invalid."""
        if self.issues:
            raise ValueError(f"{len(self.bad_rows)} row(s) refused; nothing may be imported")
        if self.unknown_mrns and not skip_unknown_mrns:
            raise ValueError(f"unknown MRN(s) {', '.join(self.unknown_mrns)}; nothing may be imported")
        unknown = set(self.unknown_mrns)
        return tuple(v for v in self.values if v.mrn not in unknown)

    def lab_entries(self, skip_unknown_mrns: bool = False) -> dict[str, list[dict[str, Any]]]:
        """Case-format standalone lab entries per MRN: one entry per specimen time, time order,
        e.g. ``{"time": "2026-03-04T08:00", "anc_per_ul": 1200, "crp_mg_dl": 8.5}``."""
        grouped: dict[str, dict[tuple[str, bool], dict[str, Any]]] = {}
        for v in self.importable_values(skip_unknown_mrns):
            entry = grouped.setdefault(v.mrn, {}).setdefault((v.time, v.date_only),
                                                             {("date" if v.date_only else "time"): v.time})
            entry[v.lab] = v.value
        return {mrn: [entries[k] for k in sorted(entries)] for mrn, entries in grouped.items()}

    def sources(self, mrn: str, time: str) -> list[dict[str, Any]]:
        """Where each value of one entry came from (row, column, raw value and unit, conversion)."""
        return [{"row": v.row, "column": v.column, "lab": v.lab, "source_value": v.source_value,
                 "source_unit": v.source_unit, "conversion": v.conversion}
                for v in self.values if v.mrn == mrn and v.time == time]

    def to_json(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name, "sha256": self.sha256, "mapping": self.mapping,
            "rows_total": self.rows_total, "ok": self.ok,
            "good_rows": list(self.good_rows), "bad_rows": list(self.bad_rows),
            "unknown_mrns": list(self.unknown_mrns), "ignored_tests": dict(self.ignored_tests),
            "values": [v.to_json() for v in self.values], "issues": [i.to_json() for i in self.issues],
        }

    def render_text(self, infusion_dates: Mapping[str, date] | None = None) -> str:
        """The preview as a nurse reads it on a terminal (one line per value, then the refusals)."""
        mrns = sorted({v.mrn for v in self.values})
        head = (f"Lab file {self.file_name} (SHA-256 {self.sha256[:16]}…), mapping {self.mapping!r}: "
                f"{self.rows_total} row(s), {len(self.values)} value(s) for {len(mrns)} patient(s)")
        lines = [head]
        unknown = set(self.unknown_mrns)
        for v in sorted(self.values, key=lambda x: (x.mrn, x.time, x.row)):
            day = ""
            if infusion_dates and v.mrn in infusion_dates:
                d = date.fromisoformat(v.time[:10])
                day = f" day {(d - infusion_dates[v.mrn]).days}"
            mark = "  ?" if v.mrn in unknown else "   "
            lines.append(f"{mark} row {v.row:>4}  MRN {v.mrn}  {v.time}{day}  {v.conversion}")
        if self.ignored_tests:
            shown = ", ".join(f"{k} ({n})" for k, n in sorted(self.ignored_tests.items()))
            lines.append(f"Ignored (tests not in the mapping): {shown}")
        if self.unknown_mrns:
            lines.append(f"Unknown MRN (no such patient; marked ?): {', '.join(self.unknown_mrns)} "
                         f"— rows {_ranges(self.unknown_mrn_rows)}")
        if self.issues:
            lines.append(f"Refused: {len(self.issues)} problem(s) in row(s) {_ranges(self.bad_rows)}")
            lines += [f"  {i.describe()}" for i in self.issues]
        if self.ok:
            lines.append(f"All {len(self.good_rows)} row(s) valid.")
        return "\n".join(lines)


def _ranges(rows: Iterable[int]) -> str:
    return ", ".join(str(r) for r in rows)


# --------------------------------------------------------------------------------------------
# Reading the file
# --------------------------------------------------------------------------------------------

def _norm_header(h: str) -> str:
    return " ".join(h.replace("\ufeff", "").split()).casefold()


def _decode(data: bytes, encoding: str) -> str:
    if b"\x00" in data[:4096]:
        raise LabFileInvalid([LabIssue(0, None, None, "this is a binary file, not a CSV text file")])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LabFileInvalid([LabIssue(line, None, None,
                                       f"not {encoding} text (byte 0x{data[exc.start]:02x}); set the mapping's "
                                       "encoding, e.g. encoding = \"cp1252\" for a Windows export")]) from exc


def _detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _parse_number(raw: str, decimal: str) -> float | None:
    s = raw.strip().replace("\u2212", "-")
    if decimal == ",":
        if "." in s:
            return None
        s = s.replace(",", ".")
    if not _NUMBER_RE.match(s):
        return None
    v = float(s)
    return v if math.isfinite(v) else None


def _number_problem(raw: str, decimal: str) -> str:
    s = raw.strip()
    if not s:
        return "no value"
    if s[0] in "<>≤≥":
        return "a censored result (below or above the measuring range) is not a number; enter it by hand if needed"
    other = "," if decimal == "." else "."
    if other in s:
        return (f"not a number with the mapping's decimal separator {decimal!r} "
                f"(thousands separators are not accepted)")
    return "not a number"


def _parse_time(formats: tuple[str, ...], raw: str) -> tuple[datetime, bool] | None:
    s = raw.strip()
    for f in formats:
        try:
            value = datetime.strptime(s, f)
        except ValueError:
            continue
        return value, not any(tok in f for tok in ("%H", "%I", "%M"))
    return None


def _time_text(value: datetime, date_only: bool) -> str:
    if date_only:
        return value.date().isoformat()
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def parse_lab_csv(
    data: bytes,
    mapping: LabMapping,
    file_name: str,
    known_mrns: Collection[str] | None = None,
) -> LabImportPreview:
    """Read a laboratory CSV export with ``mapping``; nothing is stored.

    ``known_mrns``: the MRNs of the record store (None skips the check). Raises
    :class:`LabFileInvalid` when the file cannot be read as this mapping's CSV at all; every
    problem of a single row or cell is an issue of the returned preview instead.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    text = _decode(data, mapping.encoding)
    if not text.strip():
        raise LabFileInvalid([LabIssue(0, None, None, "the file is empty")])
    first_line = text.lstrip("\ufeff").splitlines()[0]
    delimiter = mapping.delimiter or _detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for n, rec in enumerate(reader, start=1):
            records.append((n, rec))
    except csv.Error as exc:
        row = len(records) + 1
        raise LabFileInvalid([LabIssue(row, None, None,
                                       f"malformed CSV at line {reader.line_num}: {exc} "
                                       "(a quote not closed, or text after a closing quote)")]) from exc
    header = records[0][1]
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(_norm_header(h), i)
    columns_found = ", ".join(repr(h.strip()) for h in header)
    missing = [c for c in mapping.required_columns() if _norm_header(c) not in index]
    file_issues = [LabIssue(1, c, None, f"column missing from the header (mapping {mapping.name!r} needs it; "
                                        f"the file has: {columns_found}; delimiter {delimiter!r})")
                   for c in missing]
    wide_cols: list[tuple[str, ColumnMapping]] = []
    if mapping.layout == "wide":
        for value_col, col_spec in mapping.columns.items():
            if _norm_header(value_col) in index:
                wide_cols.append((value_col, col_spec))
                if col_spec.unit_column and _norm_header(col_spec.unit_column) not in index:
                    file_issues.append(LabIssue(1, col_spec.unit_column, None,
                                                f"unit column for {value_col!r} missing from the header"))
        if not wide_cols and not missing:
            file_issues.append(LabIssue(1, None, None,
                                        f"none of the value columns of mapping {mapping.name!r} is in the file "
                                        f"(expected some of: {', '.join(repr(c) for c in mapping.columns)}; "
                                        f"the file has: {columns_found})"))
    if mapping.time_column and _norm_header(mapping.time_column) not in index:
        file_issues.append(LabIssue(1, mapping.time_column, None, "time column missing from the header"))
    if file_issues:
        raise LabFileInvalid(file_issues)

    def col(name: str | None) -> int | None:
        return None if name is None else index[_norm_header(name)]

    c_mrn = col(mapping.mrn_column)
    c_dt, c_date, c_time = col(mapping.datetime_column), col(mapping.date_column), col(mapping.time_column)
    issues: list[LabIssue] = []
    values: list[LabValue] = []
    ignored: dict[str, int] = {}
    rows_total = 0
    seen: dict[tuple[str, str, str], LabValue] = {}

    def cell(rec: list[str], i: int | None) -> str:
        return rec[i] if i is not None and i < len(rec) else ""

    def add_value(row: int, column: str, mrn: str, when: tuple[datetime, bool], lab: str, raw: str,
                  unit_raw: str, unit_column: str) -> None:
        """``unit_column``: where the unit came from (a unit column, or the mapping itself)."""
        unit = lookup_unit(lab, unit_raw) if unit_raw.strip() else None
        if unit is None:
            what = f"unit {unit_raw.strip()!r} is not known" if unit_raw.strip() else "no unit"
            issues.append(LabIssue(row, unit_column, unit_raw,
                                   f"{what} for {LAB_LABELS[lab]} ({lab}); accepted units: "
                                   f"{', '.join(accepted_units(lab))}"))
            return
        number = _parse_number(raw, mapping.decimal)
        if number is None:
            issues.append(LabIssue(row, column, raw, f"{LAB_LABELS[lab]}: {_number_problem(raw, mapping.decimal)}"))
            return
        unit_shown, factor = unit
        converted = _clean_number(lab, number * factor)
        is_case_unit = factor == 1.0 and normalize_unit(unit_shown) == normalize_unit(case_unit(lab))
        problem = check_lab_value(lab, converted, converted=not is_case_unit)
        if problem is not None:
            conv = "" if is_case_unit else f"{raw.strip()} {unit_shown} → "
            issues.append(LabIssue(row, column, raw, f"{LAB_LABELS[lab]} ({lab}): {conv}{problem}"))
            return
        v = LabValue(row=row, column=column, mrn=mrn, time=_time_text(*when), date_only=when[1], lab=lab,
                     value=converted, source_value=raw.strip(), source_unit=unit_shown, factor=factor)
        key = (mrn, v.time, lab)
        earlier = seen.get(key)
        if earlier is not None:
            if earlier.value != v.value:
                issues.append(LabIssue(row, column, raw,
                                       f"{LAB_LABELS[lab]} for MRN {mrn} at {v.time} is also in row {earlier.row} "
                                       f"with another value ({earlier.conversion}); keep one in the file"))
            return  # an identical repeat is read once
        seen[key] = v
        values.append(v)

    for row, rec in records[1:]:
        if not any(c.strip() for c in rec):
            continue
        rows_total += 1
        if len(rec) != len(header):
            issues.append(LabIssue(row, None, None,
                                   f"has {len(rec)} field(s) where the header has {len(header)} (malformed CSV: "
                                   f"a missing or extra {delimiter!r}, or an unquoted value containing it)"))
            continue
        row_issues_before = len(issues)
        mrn = cell(rec, c_mrn).strip()
        if not mrn:
            issues.append(LabIssue(row, mapping.mrn_column, "", "no MRN"))
        when: tuple[datetime, bool] | None
        if c_dt is not None:
            raw_t = cell(rec, c_dt)
            when = _parse_time(mapping.datetime_formats, raw_t)
            if when is None:
                issues.append(LabIssue(row, mapping.datetime_column, raw_t,
                                       f"not a date/time in the mapping's formats ({', '.join(mapping.datetime_formats)})"))
        else:
            raw_d = cell(rec, c_date)
            d = _parse_time(mapping.date_formats, raw_d)
            when = None
            if d is None:
                issues.append(LabIssue(row, mapping.date_column, raw_d,
                                       f"not a date in the mapping's formats ({', '.join(mapping.date_formats)})"))
            elif c_time is not None and cell(rec, c_time).strip():
                raw_h = cell(rec, c_time)
                t = _parse_time(mapping.time_formats, raw_h)
                if t is None:
                    issues.append(LabIssue(row, mapping.time_column, raw_h,
                                           f"not a time in the mapping's formats ({', '.join(mapping.time_formats)})"))
                else:
                    when = (datetime.combine(d[0].date(), t[0].time()), False)
            else:
                when = (d[0], True)
        if len(issues) > row_issues_before or when is None:
            continue
        if mapping.layout == "long":
            code = cell(rec, col(mapping.test_column)).strip()
            test = mapping.tests.get(_norm_header(code))
            if test is None:
                ignored[code] = ignored.get(code, 0) + 1
                continue
            unit_raw = cell(rec, col(mapping.unit_column)) if mapping.unit_column else ""
            unit_where = mapping.unit_column or f"mapping {mapping.name!r} tests.{code}"
            if not unit_raw.strip() and test.unit is not None:
                unit_raw, unit_where = test.unit, f"mapping {mapping.name!r} tests.{code}"
            raw = cell(rec, col(mapping.value_column))
            add_value(row, header[col(mapping.value_column) or 0].strip(), mrn, when, test.lab, raw, unit_raw,
                      unit_where)
        else:
            for colname, cspec in wide_cols:
                raw = cell(rec, col(colname))
                if not raw.strip():
                    continue  # not measured in this specimen
                unit_raw = cspec.unit or cell(rec, col(cspec.unit_column))
                unit_where = cspec.unit_column or f"mapping {mapping.name!r} columns.{colname}"
                add_value(row, header[col(colname) or 0].strip(), mrn, when, cspec.lab, raw, unit_raw, unit_where)

    unknown: list[str] = []
    if known_mrns is not None:
        known = set(known_mrns)
        for v in values:
            if v.mrn not in known and v.mrn not in unknown:
                unknown.append(v.mrn)
    if not values and not issues:
        detail = (f"; tests found: {', '.join(sorted(ignored))}" if ignored else "")
        raise LabFileInvalid([LabIssue(0, None, None,
                                       f"no lab values found with mapping {mapping.name!r}{detail}")])
    return LabImportPreview(
        file_name=file_name, sha256=sha256, mapping=mapping.name, rows_total=rows_total, values=tuple(values),
        issues=tuple(issues), unknown_mrns=tuple(unknown), ignored_tests=ignored,
        mrn_checked=known_mrns is not None, mrn_column=mapping.mrn_column,
    )

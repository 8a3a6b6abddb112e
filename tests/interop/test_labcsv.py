"""Lab CSV import (pure): mappings, unit conversion shown, validation naming row/column/value."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartox_desktop.clinical.model import LAB_NAMES
from cartox_desktop.clinical.units import LAB_CONVERSIONS, convert_lab
from cartox_desktop.clinical.validation import LAB_RANGES
from cartox_desktop.interop.labcsv import (
    LabFileInvalid,
    MappingInvalid,
    accepted_units,
    lookup_unit,
    mappings_from_text,
    mappings_to_json,
    mappings_to_toml,
    parse_lab_csv,
    parse_mapping,
)

HEADER = "MRN,Collected,Test,Result,Unit\n"


@pytest.fixture(scope="module")
def bundled(repo_root: Path):  # type: ignore[no-untyped-def]
    return mappings_from_text((repo_root / "resources" / "lab-mappings.toml").read_text(encoding="utf-8"))


def si(bundled, body: str, known=None):  # type: ignore[no-untyped-def]
    return parse_lab_csv((HEADER + body).encode("utf-8"), bundled["generic-si"], "lab.csv", known_mrns=known)


# --- the bundled mappings ------------------------------------------------------------------

def test_bundled_mappings_load_and_include_si_and_us(bundled) -> None:  # type: ignore[no-untyped-def]
    assert {"generic-si", "generic-us"} <= set(bundled)
    assert bundled["generic-si"].layout == "long"
    assert bundled["generic-us"].layout == "wide"
    labs = {t.lab for t in bundled["generic-si"].tests.values()}
    assert labs == set(LAB_NAMES)  # every case-format lab can be imported
    assert {c.lab for c in bundled["generic-us"].columns.values()} == set(LAB_NAMES)


def test_mappings_round_trip_through_toml_and_json(bundled) -> None:  # type: ignore[no-untyped-def]
    assert mappings_from_text(mappings_to_toml(bundled.values())) == bundled
    assert mappings_from_text(mappings_to_json(bundled.values())) == bundled


@pytest.mark.parametrize(("entry", "fragment"), [
    ({"layout": "long", "mrn_column": "MRN", "datetime_column": "T", "test_column": "Test", "value_column": "V",
      "unit_column": "U", "tests": {"ANC": "neutrophils"}}, "'neutrophils' is not a case-format lab name"),
    ({"layout": "wide", "mrn_column": "MRN", "datetime_column": "T",
      "columns": {"ANC": {"lab": "anc_per_ul", "unit": "mmol/L"}}}, "unit 'mmol/L' is not known for anc_per_ul"),
    ({"layout": "long", "mrn_column": "MRN", "test_column": "Test", "value_column": "V", "unit_column": "U",
      "tests": {"ANC": "anc_per_ul"}}, "either datetime_column"),
    ({"layout": "long", "mrn_column": "MRN", "datetime_column": "T", "test_column": "Test", "value_column": "V",
      "tests": {"ANC": "anc_per_ul"}}, "tests.ANC needs a unit"),
    ({"layout": "long", "mrn_column": "MRN", "datetime_column": "T", "test_column": "Test", "value_column": "V",
      "unit_column": "U", "tests": {"ANC": "anc_per_ul"}, "colour": "red"}, "unknown key 'colour'"),
    ({"layout": "long", "mrn_column": "MRN", "datetime_column": "T", "test_column": "Test", "value_column": "V",
      "unit_column": "U", "tests": {"ANC": "anc_per_ul"}, "decimal": ",", "delimiter": ","}, "needs another delimiter"),
])
def test_invalid_mappings_are_refused_naming_the_key(entry, fragment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MappingInvalid) as exc:
        parse_mapping("hospital-x", entry)
    assert any(fragment in p for p in exc.value.problems), exc.value.problems
    assert all("hospital-x" in p for p in exc.value.problems)


# --- units ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lab", LAB_NAMES)
def test_every_core_unit_is_accepted_with_the_core_factor(lab: str) -> None:
    for unit, factor in LAB_CONVERSIONS[lab].items():
        found = lookup_unit(lab, unit)
        assert found is not None, (lab, unit)
        assert found[1] == factor
        assert math.isclose(3.0 * found[1], convert_lab(lab, 3.0, unit))


@pytest.mark.parametrize(("lab", "unit", "factor"), [
    ("anc_per_ul", "x10^9/L", 1000), ("anc_per_ul", "10E9/L", 1000), ("anc_per_ul", "10*9/L", 1000),
    ("anc_per_ul", "K/uL", 1000), ("platelets_per_ul", "10³/µL", 1000), ("wbc_per_ul", "/nL", 1000),
    ("creatinine_mg_dl", "μmol/l", 1 / 88.42), ("alt_u_l", "IU/L", 1), ("crp_mg_dl", "MG/L", 0.1),
])
def test_laboratory_spellings_of_units(lab: str, unit: str, factor: float) -> None:
    found = lookup_unit(lab, unit)
    assert found is not None and math.isclose(found[1], factor)


@pytest.mark.parametrize(("lab", "unit"), [
    ("anc_per_ul", "g/L"),  # grams are not giga-cells
    ("anc_per_ul", "%"), ("hemoglobin_g_dl", "G/L"), ("crp_mg_dl", "nmol/L"), ("creatinine_mg_dl", "mmol/L"),
])
def test_units_that_are_not_equivalent_are_unknown(lab: str, unit: str) -> None:
    assert lookup_unit(lab, unit) is None


# --- conversion shown, values converted ----------------------------------------------------

def test_si_file_converted_with_the_conversion_shown(bundled) -> None:  # type: ignore[no-untyped-def]
    p = si(bundled, "1001,2026-03-04T08:00,ANC,1.2,10⁹/L\n"
                    "1001,2026-03-04T08:00,CRP,85,mg/L\n"
                    "1001,2026-03-04T08:00,HB,102,g/L\n"
                    "1001,2026-03-04T08:00,CREA,88.42,µmol/L\n"
                    "1001,2026-03-04T08:00,FIB,2.1,g/L\n"
                    "1001,2026-03-04T08:00,FERR,900,µg/L\n"
                    "1001,2026-03-04T08:00,TG,3,mmol/L\n"
                    "1001,2026-03-04T08:00,IGG,4.5,g/L\n"
                    "1001,2026-03-04T08:00,LDH,7,µkat/L\n"
                    "1001,2026-03-04T08:00,PLT,85,10^9/L\n", known={"1001"})
    assert p.ok and not p.issues and p.good_rows == tuple(range(2, 12))
    values = {v.lab: v.value for v in p.values}
    assert values == {"anc_per_ul": 1200, "crp_mg_dl": 8.5, "hemoglobin_g_dl": 10.2, "creatinine_mg_dl": 1,
                      "fibrinogen_mg_dl": 210, "ferritin_ng_ml": 900, "triglycerides_mg_dl": 265.5,
                      "igg_mg_dl": 450, "ldh_u_l": 420, "platelets_per_ul": 85000}
    shown = {v.lab: v.conversion for v in p.values}
    assert shown["anc_per_ul"] == "ANC 1.2 10⁹/L → 1200 /µL"
    assert shown["crp_mg_dl"] == "CRP 85 mg/L → 8.5 mg/dL"
    assert shown["platelets_per_ul"] == "Platelets 85 10^9/L → 85000 /µL"
    assert "ANC 1.2 10⁹/L → 1200 /µL" in p.render_text()
    assert p.lab_entries() == {"1001": [{"time": "2026-03-04T08:00", **values}]}


def test_case_format_units_pass_unchanged(bundled) -> None:  # type: ignore[no-untyped-def]
    p = si(bundled, "1001,2026-03-04 08:00,CRP,8.5,mg/dL\n1001,2026-03-04 08:00,ANC,1200,/µL\n")
    assert [v.conversion for v in p.values] == ["CRP 8.5 mg/dL", "ANC 1200 /µL"]


def test_us_wide_file_with_dates_times_and_blanks(bundled) -> None:  # type: ignore[no-untyped-def]
    text = ("MRN,Collection Date,Collection Time,ANC (K/uL),Hgb (g/dL),PLT (K/uL),CRP (mg/dL),Comment\n"
            "2002,03/04/2026,08:15,1.2,9.8,85,8.5,ok\n"
            "2002,03/05/2026,,0.3,,,,date only\n"
            "2002,03/06/2026,07:30 PM,0.25,,40,,\n")
    p = parse_lab_csv(text.encode(), bundled["generic-us"], "us.csv", known_mrns={"2002"})
    assert p.ok, p.render_text()
    assert p.lab_entries()["2002"] == [  # time order
        {"time": "2026-03-04T08:15", "anc_per_ul": 1200, "hemoglobin_g_dl": 9.8, "platelets_per_ul": 85000,
         "crp_mg_dl": 8.5},
        {"date": "2026-03-05", "anc_per_ul": 300},
        {"time": "2026-03-06T19:30", "anc_per_ul": 250, "platelets_per_ul": 40000},
    ]
    assert next(v for v in p.values if v.lab == "anc_per_ul").column == "ANC (K/uL)"


def test_semicolon_decimal_comma_european_export(bundled) -> None:  # type: ignore[no-untyped-def]
    text = ("PatientID;Entnahme;Analyt;Wert;Einheit\n"
            "3003;04.03.2026 08:00;CRP;85,3;mg/l\n"
            "3003;04.03.2026 08:00;KREA;97;µmol/l\n"
            "3003;04.03.2026 08:00;NATRIUM;140;mmol/l\n")
    p = parse_lab_csv(text.encode("utf-8"), bundled["generic-si-semicolon"], "eu.csv")
    assert not p.issues
    assert {v.lab: v.value for v in p.values} == {"crp_mg_dl": 8.53, "creatinine_mg_dl": 1.097}
    assert p.ignored_tests == {"NATRIUM": 1}


def test_windows_encoding_when_the_mapping_says_so(bundled) -> None:  # type: ignore[no-untyped-def]
    mapping = parse_mapping("cp", {**bundled["generic-si"].to_dict(), "encoding": "cp1252"})
    p = parse_lab_csv((HEADER + "1001,2026-03-04T08:00,CREA,88,µmol/L\n").encode("cp1252"), mapping, "w.csv")
    assert p.values[0].value == 0.995
    with pytest.raises(LabFileInvalid) as exc:  # the same bytes with the default UTF-8 mapping
        parse_lab_csv((HEADER + "1001,2026-03-04T08:00,CREA,88,µmol/L\n").encode("cp1252"), bundled["generic-si"],
                      "w.csv")
    assert exc.value.issues[0].row == 2 and "cp1252" in exc.value.issues[0].message


# --- refusals name row, column, value and what is accepted ----------------------------------

def test_unknown_unit_refused_with_row_column_value_and_accepted_units(bundled) -> None:  # type: ignore[no-untyped-def]
    p = si(bundled, "1001,2026-03-04T08:00,CRP,8.5,mg/dL\n1001,2026-03-04T08:00,ANC,1.2,mmol/L\n")
    assert not p.ok and p.bad_rows == (3,) and p.good_rows == (2,)
    (issue,) = p.issues
    assert (issue.row, issue.column, issue.value) == (3, "Unit", "mmol/L")
    assert "not known for ANC" in issue.message and "10^9/L" in issue.message and "/µL" in issue.message
    assert issue.describe().startswith("row 3, column 'Unit' = 'mmol/L': ")
    with pytest.raises(ValueError):
        p.lab_entries()


def test_missing_unit_refused(bundled) -> None:  # type: ignore[no-untyped-def]
    p = si(bundled, "1001,2026-03-04T08:00,CRP,8.5,\n")
    assert (p.issues[0].row, p.issues[0].column) == (2, "Unit") and "no unit" in p.issues[0].message


@pytest.mark.parametrize(("row", "column", "fragment"), [
    ("1001,2026-03-04T08:00,HB,300,g/L", "Result", "30 g/dL is outside the accepted range 1–25 g/dL"),
    ("1001,2026-03-04T08:00,PLT,90,/uL", "Result", "looks like 10⁹/L"),
    ("1001,2026-03-04T08:00,CRP,120,mg/dL", "Result", "looks like mg/L"),
    ("1001,2026-03-04T08:00,CREA,97,mg/dL", "Result", "looks like µmol/L"),
    ("1001,2026-03-04T08:00,ANC,-1,/uL", "Result", "outside the accepted range"),
    ("1001,2026-03-04T08:00,ANC,150,10^9/L", "Result", "150000 /µL is outside the accepted range 0–100000 /µL"),
    ("1001,2026-03-04T08:00,CRP,abc,mg/L", "Result", "not a number"),
    ("1001,2026-03-04T08:00,CRP,<5,mg/L", "Result", "censored"),
    ("1001,2026-03-04T08:00,CRP,1,200,mg/L", None, "6 field(s) where the header has 5"),
    ("1001,2026-03-04T08:00,CRP,\"1,5\",mg/L", "Result", "decimal separator"),
    ("1001,04/03/2026 08:00,CRP,5,mg/L", "Collected", "not a date/time"),
    (",2026-03-04T08:00,CRP,5,mg/L", "MRN", "no MRN"),
])
def test_impossible_and_unreadable_values_refused_naming_row_and_column(bundled, row, column, fragment) -> None:  # type: ignore[no-untyped-def]
    p = si(bundled, "1001,2026-03-04T08:00,ANC,1.2,10^9/L\n" + row + "\n")
    assert not p.ok
    (issue,) = p.issues
    assert issue.row == 3 and issue.column == column
    assert fragment in issue.message, issue.message
    assert p.good_rows == (2,)


def test_every_problem_is_reported_at_once(bundled) -> None:  # type: ignore[no-untyped-def]
    p = si(bundled, "1001,2026-03-04T08:00,HB,300,g/L\n1001,2026-03-04T08:00,ANC,1,mmol/L\n"
                    "1001,2026-03-04T08:00,CRP,x,mg/L\n1001,2026-03-04T08:00,FERR,900,ng/mL\n")
    assert p.bad_rows == (2, 3, 4) and p.good_rows == (5,)
    text = p.render_text()
    assert "row 2" in text and "row 3" in text and "row 4" in text and "Refused: 3 problem(s)" in text


def test_conflicting_duplicate_refused_identical_repeat_read_once(bundled) -> None:  # type: ignore[no-untyped-def]
    p = si(bundled, "1001,2026-03-04T08:00,CRP,85,mg/L\n1001,2026-03-04T08:00,CRP,8.5,mg/dL\n")
    assert p.ok and len(p.values) == 1
    p = si(bundled, "1001,2026-03-04T08:00,CRP,85,mg/L\n1001,2026-03-04T08:00,CRP,9.5,mg/dL\n")
    assert p.issues[0].row == 3 and "also in row 2" in p.issues[0].message


def test_unknown_mrns_listed_and_block_the_import(bundled) -> None:  # type: ignore[no-untyped-def]
    p = si(bundled, "1001,2026-03-04T08:00,CRP,85,mg/L\n9999,2026-03-04T08:00,CRP,85,mg/L\n"
                    "9999,2026-03-05T08:00,CRP,50,mg/L\n", known={"1001"})
    assert not p.issues and p.unknown_mrns == ("9999",) and p.unknown_mrn_rows == (3, 4)
    assert not p.ok and p.good_rows == (2,)
    assert "Unknown MRN" in p.render_text() and "9999" in p.render_text()
    with pytest.raises(ValueError):
        p.importable_values()
    assert p.lab_entries(skip_unknown_mrns=True) == {"1001": [{"time": "2026-03-04T08:00", "crp_mg_dl": 8.5}]}


# --- malformed files are refused as a whole ----------------------------------------------------

@pytest.mark.parametrize(("data", "row", "fragment"), [
    (HEADER + "1001,2026-03-04T08:00,CRP,\"8.5,mg/L\n", 2, "malformed CSV"),
    (HEADER + "1001,2026-03-04T08:00,CRP,\"8.5\"x,mg/L\n", 2, "malformed CSV"),
    ("MRN,When,Test,Result,Unit\n1001,2026-03-04T08:00,CRP,8.5,mg/L\n", 1, "column missing"),
    ("", 0, "empty"),
    (HEADER + "1001,2026-03-04T08:00,NA,140,mmol/L\n", 0, "no lab values found"),
])
def test_malformed_csv_refused(bundled, data: str, row: int, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LabFileInvalid) as exc:
        parse_lab_csv(data.encode(), bundled["generic-si"], "bad.csv")
    issue = exc.value.issues[0]
    assert issue.row == row and fragment in issue.message
    assert "nothing was imported" in str(exc.value)


def test_missing_column_named(bundled) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LabFileInvalid) as exc:
        parse_lab_csv(b"MRN,Collected,Test,Result\n1,2026-03-04T08:00,CRP,8\n", bundled["generic-si"], "x.csv")
    assert exc.value.issues[0].column == "Unit" and "'Result'" in exc.value.issues[0].message


def test_binary_file_refused(bundled) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LabFileInvalid) as exc:
        parse_lab_csv(b"PK\x03\x04\x00\x00binary", bundled["generic-si"], "results.xlsx")
    assert "binary" in exc.value.issues[0].message


def test_sha256_of_the_exact_bytes(bundled) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    data = (HEADER + "1001,2026-03-04T08:00,CRP,85,mg/L\n").encode()
    assert parse_lab_csv(data, bundled["generic-si"], "a.csv").sha256 == hashlib.sha256(data).hexdigest()


# --- property: nothing outside the accepted ranges, nothing dropped silently -----------------

_units = st.sampled_from([(lab, unit) for lab in LAB_NAMES for unit in accepted_units(lab)])
_codes = {"anc_per_ul": "ANC", "wbc_per_ul": "WBC", "platelets_per_ul": "PLT", "hemoglobin_g_dl": "HB",
          "crp_mg_dl": "CRP", "ferritin_ng_ml": "FERR", "fibrinogen_mg_dl": "FIB", "ldh_u_l": "LDH", "alt_u_l": "ALT",
          "ast_u_l": "AST", "bilirubin_mg_dl": "BILI", "creatinine_mg_dl": "CREA", "triglycerides_mg_dl": "TG",
          "igg_mg_dl": "IGG"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_units, st.floats(min_value=-10, max_value=3e6, allow_nan=False)), min_size=1,
                     max_size=8))
def test_every_row_is_accepted_in_range_or_refused(bundled, rows) -> None:  # type: ignore[no-untyped-def]
    body = "".join(f"1001,2026-03-{4 + i % 20:02d}T08:00,{_codes[lab]},{value:.4f},{unit}\n"
                   for i, ((lab, unit), value) in enumerate(rows))
    p = si(bundled, body)
    accounted = {v.row for v in p.values} | {i.row for i in p.issues}
    assert accounted == set(range(2, 2 + len(rows)))
    for v in p.values:
        lo, hi, _unit, _mistake = LAB_RANGES[v.lab]
        assert lo <= v.value <= hi
        assert math.isclose(v.value, float(v.source_value) * v.factor, rel_tol=1e-3, abs_tol=0.5 if v.factor >= 1
                            else 1e-3)

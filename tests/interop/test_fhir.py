"""FHIR R4 Bundle (pure): validated with fhir.resources, LOINC/UCUM labs, ASTCT grades, ICE items."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.bundle import Bundle

from cartox_desktop.clinical import grade_case_json
from cartox_desktop.clinical.model import ICE_ITEMS, LAB_NAMES
from cartox_desktop.interop.fhir import (
    ATC,
    CARTOX_CODES,
    LAB_LOINC,
    LOINC,
    UCUM,
    PatientIdentity,
    build_bundle,
    fhir_time,
    read_bundle,
)

PARIS = ZoneInfo("Europe/Paris")
WHEN = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# R4B is the FHIR 4.x model set that fhir.resources ships; Patient, Observation,
# MedicationAdministration and Bundle are the same as in R4 (4.0.1) for every element used here.


def bundle_of(case: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return build_bundle(case, grade_case_json(case), PatientIdentity("MRN-7", "Doe, Jane", "1967-05-02"), tz=PARIS,
                        generated_at=WHEN, **kw)


def resources(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def record_id(resource: dict[str, Any]) -> str:
    return resource["identifier"][0]["value"]


def test_bundle_validates_with_fhir_resources(case: dict[str, Any]) -> None:
    bundle = bundle_of(case)
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = {type(e.resource).__name__ for e in parsed.entry}
    assert kinds == {"Patient", "Observation", "MedicationAdministration"}
    # the JSON written to disk validates too (what a receiver parses)
    Bundle.model_validate_json(json.dumps(bundle))


def test_every_public_case_exports_to_a_valid_bundle(repo_root: Path) -> None:
    lines = (repo_root / "tests" / "data" / "public.jsonl").read_text(encoding="utf-8").splitlines()
    count = 0
    for line in lines:
        if not line.strip():
            continue
        case = json.loads(line)["case"]
        try:
            grades = grade_case_json(case)
        except ValueError:
            continue  # a public case that is meant to be refused
        bundle = build_bundle(case, grades, PatientIdentity("P"), tz=UTC, generated_at=WHEN)
        Bundle.model_validate(bundle)
        count += 1
    assert count > 10


def test_validation_catches_a_broken_bundle(case: dict[str, Any]) -> None:
    bundle = bundle_of(case)
    obs = resources(bundle, "Observation")[0]
    obs["effectiveDateTime"] = "2026-03-03T08:00"  # no seconds, no zone: not a FHIR dateTime
    with pytest.raises(ValueError):
        Bundle.model_validate(bundle)


def test_patient_resource(case: dict[str, Any]) -> None:
    (patient,) = resources(bundle_of(case), "Patient")
    ident = patient["identifier"][0]
    assert ident["value"] == "MRN-7" and ident["type"]["coding"][0]["code"] == "MR"
    assert patient["name"] == [{"text": "Doe, Jane"}] and patient["birthDate"] == "1967-05-02"
    assert "deceasedDateTime" not in patient
    case["death"] = {"date": "2026-03-20", "cause": "infection"}
    bundle = bundle_of(case)
    assert resources(bundle, "Patient")[0]["deceasedDateTime"] == "2026-03-20"
    assert read_bundle(bundle)["death"] == {"date": "2026-03-20", "cause": "infection"}


def test_grade_observations_name_the_astct_2019_scale(case: dict[str, Any]) -> None:
    bundle = bundle_of(case)
    grades = grade_case_json(case)
    by_id = {record_id(o): o for o in resources(bundle, "Observation")}
    for a in grades["assessments"]:
        for key in ("crs_astct", "icans_astct"):
            obs = by_id[f"MRN-7/assessment/{a['id']}/{key}"]
            coding = obs["code"]["coding"][0]
            assert coding["system"] == CARTOX_CODES and "ASTCT 2019" in coding["display"]
            assert "ASTCT 2019" in obs["code"]["text"]
            assert obs["category"][0]["coding"][0]["code"] == "survey"
            grade = a[key]["grade"]
            if grade is None:
                assert "valueInteger" not in obs and obs["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
            else:
                assert obs["valueInteger"] == grade and "dataAbsentReason" not in obs
            assert obs["effectiveDateTime"] == fhir_time(a["time"], PARIS)
        ctcae = by_id[f"MRN-7/assessment/{a['id']}/crs_ctcae"]
        assert "CTCAE v5.0" in ctcae["code"]["text"]
    a1 = by_id["MRN-7/assessment/a1/crs_astct"]
    assert a1["valueInteger"] == 3
    assert any("norepinephrine" in n["text"] for n in a1["note"])  # the reasons travel with the grade
    assert by_id["MRN-7/assessment/a0/crs_astct"].get("dataAbsentReason")  # no temperature: not graded


def test_ice_observation_has_its_eight_items_as_components(case: dict[str, Any]) -> None:
    by_id = {record_id(o): o for o in resources(bundle_of(case), "Observation")}
    ice = by_id["MRN-7/assessment/a1/ice"]
    assert ice["valueInteger"] == 9
    codes = [c["code"]["coding"][0]["code"] for c in ice["component"]]
    assert codes == [f"ice-{k}" for k in ICE_ITEMS]
    assert sum(c["valueInteger"] for c in ice["component"]) == 9
    assert {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in ice["component"]}["ice-writing"] == 0
    icans = by_id["MRN-7/assessment/a1/icans_astct"]
    assert icans["derivedFrom"] == [{"reference": next(e["fullUrl"] for e in bundle_of(case)["entry"]
                                                       if e["resource"]["id"] == ice["id"])}]
    # an ICE score given without items: the score, no components
    ice2 = by_id["MRN-7/assessment/a2/ice"]
    assert ice2["valueInteger"] == 6 and "component" not in ice2


def test_lab_observations_carry_loinc_codes_and_ucum_units(case: dict[str, Any]) -> None:
    labs = [o for o in resources(bundle_of(case), "Observation")
            if o["category"][0]["coding"][0]["code"] == "laboratory"]
    seen = set()
    for obs in labs:
        coding = obs["code"]["coding"][0]
        assert coding["system"] == LOINC
        lab = next(name for name, spec in LAB_LOINC.items() if spec[0] == coding["code"])
        seen.add(lab)
        q = obs["valueQuantity"]
        assert q["system"] == UCUM and q["code"] == LAB_LOINC[lab][2]
    assert seen == set(LAB_NAMES)  # the fixture case holds every lab
    assert LAB_LOINC["anc_per_ul"][:1] == ("751-8",) and LAB_LOINC["platelets_per_ul"][0] == "777-3"
    assert LAB_LOINC["hemoglobin_g_dl"][0] == "718-7" and LAB_LOINC["crp_mg_dl"][0] == "1988-5"
    by_id = {record_id(o): o for o in labs}
    ferritin = by_id["MRN-7/assessment/a1/lab/ferritin_ng_ml"]
    assert ferritin["valueQuantity"]["value"] == 2400
    assert ferritin["referenceRange"][0]["high"]["value"] == 400
    baseline = by_id["MRN-7/baseline/anc_per_ul"]
    assert "effectiveDateTime" not in baseline and "baseline" in baseline["note"][0]["text"]
    assert by_id["MRN-7/labs/2026-03-06/anc_per_ul"]["effectiveDateTime"] == "2026-03-06"  # a date stays a date
    assert by_id["MRN-7/labs/2026-03-07T06:15/anc_per_ul"]["effectiveDateTime"] == "2026-03-07T06:15:00+01:00"


def test_medication_administration_per_intervention(case: dict[str, Any]) -> None:
    meds = resources(bundle_of(case), "MedicationAdministration")
    infusion = next(m for m in meds if record_id(m).endswith("/infusion"))
    assert infusion["effectiveDateTime"] == "2026-03-01" and "axicabtagene ciloleucel" in \
        infusion["medicationCodeableConcept"]["text"]
    given = [m for m in meds if m is not infusion]
    assert len(given) == len(case["interventions"])
    toci = next(m for m in given if m["medicationCodeableConcept"]["text"] == "tocilizumab")
    assert {"system": ATC, "code": "L04AC07", "display": "tocilizumab"} in toci["medicationCodeableConcept"]["coding"]
    assert toci["dosage"]["dose"] == {"value": 656, "unit": "mg", "system": UCUM, "code": "mg"}
    assert toci["effectiveDateTime"] == "2026-03-03T09:00:00+01:00" and toci["status"] == "completed"
    other = next(m for m in given if "other" in json.dumps(m["medicationCodeableConcept"]))
    assert other["medicationCodeableConcept"]["text"] == "ondansetron" and "dosage" not in other


def test_times_get_the_ward_zone_with_daylight_saving() -> None:
    assert fhir_time("2026-01-15T08:00", PARIS) == "2026-01-15T08:00:00+01:00"
    assert fhir_time("2026-07-15T08:00", PARIS) == "2026-07-15T08:00:00+02:00"
    assert fhir_time("2026-07-15", PARIS) == "2026-07-15"


def test_course_observations(case: dict[str, Any]) -> None:
    course = read_bundle(bundle_of(case))["course"]
    grades = grade_case_json(case)["course"]
    assert course["crs-max-grade-astct-2019"] == grades["crs_max_grade"] == 3
    assert course["crs-max-grade-astct-2019/onset-day"] == grades["crs_onset_day"]
    assert course["crs-max-grade-astct-2019/duration-days"] == grades["crs_duration_days"]
    assert course["icans-max-grade-astct-2019"] == grades["icans_max_grade"]
    assert course["icaht-early-grade"] == grades["icaht"]["early_grade"]
    assert course["iec_hs"]["met"] is grades["iec_hs"]["met"]


def test_ids_are_stable_and_unique(case: dict[str, Any]) -> None:
    first, second = bundle_of(case), bundle_of(case)
    ids = [e["resource"]["id"] for e in first["entry"]]
    assert ids == [e["resource"]["id"] for e in second["entry"]]
    assert len(set(ids)) == len(ids)
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in first["entry"])
    patient_ref = first["entry"][0]["fullUrl"]
    assert all(e["resource"].get("subject", {"reference": patient_ref})["reference"] == patient_ref
               for e in first["entry"])


def test_round_trip_of_grades_and_lab_values(case: dict[str, Any]) -> None:
    grades = grade_case_json(case)
    back = read_bundle(bundle_of(case))
    assert back["mrn"] == "MRN-7" and back["product"] == "axi-cel" and back["infusion_date"] == "2026-03-01"
    for a, g in zip(case["assessments"], grades["assessments"], strict=True):
        got = back["assessments"][a["id"]]
        assert got["time"] == a["time"]
        assert got["crs_astct"] == g["crs_astct"]["grade"]
        assert got["crs_ctcae"] == g["crs_ctcae"]["grade"]
        assert got["icans_astct"] == g["icans_astct"]["grade"]
        assert got["labs"] == a.get("labs", {})
        if "ice" in a:
            assert got["ice"] == a["ice"]
    assert back["baseline_labs"] == case["baseline_labs"]
    assert back["labs"] == {str(e.get("time") or e.get("date")): {k: v for k, v in e.items() if k not in ("time", "date")}
                            for e in case["labs"]}
    assert back["interventions"] == [{k: v for k, v in i.items() if k != "name"} for i in case["interventions"]]

"""FHIR R4 export, pure: a case (case-format input) + its grades (case-format output) -> a Bundle.

The Bundle (type ``collection``) holds:

* the **Patient** (MRN identifier, name, birth date, death date);
* a **MedicationAdministration** for the CAR-T infusion (infusion date, product) and one per
  intervention (drug with its ATC code where one exists, dose in mg, time);
* per assessment, an **Observation** per grade: CRS on the ASTCT 2019 scale, CRS on CTCAE v5.0,
  ICANS on the ASTCT 2019 scale (``valueInteger``; a grade that cannot be decided carries
  ``dataAbsentReason`` instead), and the **ICE score** with its eight items as components;
* **lab Observations** with LOINC codes and UCUM units, in the case-format units exactly (so the
  values read back equal the stored ones), for assessment labs, standalone labs and baseline labs;
* course Observations (maximum CRS/ICANS grades with onset, resolution and duration, ICAHT,
  IEC-HS, CAR-HEMATOTOX) and the body weight and age at infusion.

There is no LOINC code for the ASTCT grades or the ICE items, so those use the CARTOX code system
``CARTOX_CODES``; every Observation carries an identifier in ``CARTOX_RECORD_IDS`` naming the
record it came from (``MRN/assessment/a1/crs_astct``), and resource ids are UUIDs derived from it,
so exporting the same record twice gives the same ids. FHIR requires a time zone on every time:
the case's local times get the ward's zone (``tz``; default the computer's zone).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from cartox_desktop.clinical.model import DEFAULT_UPPER_LIMITS, ICE_ITEMS, LAB_NAMES

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ATC = "http://www.whocc.no/atc"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
CARTOX_CODES = "urn:cartox:fhir:codes"  # ASTCT grades, ICE items, course summaries (no LOINC exists)
CARTOX_DRUGS = "urn:cartox:fhir:drug"  # the case-format drug and product names
CARTOX_RECORD_IDS = "urn:cartox:fhir:record"  # identifiers naming the source record
DEFAULT_MRN_SYSTEM = "urn:cartox:mrn"  # a hospital replaces it with its MRN system (e.g. urn:oid:...)
_NAMESPACE = uuid.UUID("6f1c55c2-2f7e-4d8e-9a43-43a0c7a1f0b1")

# lab -> (LOINC code, LOINC long name, UCUM code, unit as shown). Values are exported in the
# case-format unit, which each LOINC term's property (mass or number per volume) admits.
LAB_LOINC: dict[str, tuple[str, str, str, str]] = {
    "anc_per_ul": ("751-8", "Neutrophils [#/volume] in Blood by Automated count", "/uL", "/µL"),
    "wbc_per_ul": ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "/uL", "/µL"),
    "platelets_per_ul": ("777-3", "Platelets [#/volume] in Blood by Automated count", "/uL", "/µL"),
    "hemoglobin_g_dl": ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "g/dL"),
    "crp_mg_dl": ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL"),
    "ferritin_ng_ml": ("2276-4", "Ferritin [Mass/volume] in Serum or Plasma", "ng/mL", "ng/mL"),
    "fibrinogen_mg_dl": ("3255-7", "Fibrinogen [Mass/volume] in Platelet poor plasma by Coagulation assay",
                         "mg/dL", "mg/dL"),
    "ldh_u_l": ("2532-0", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma", "U/L", "U/L"),
    "alt_u_l": ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", "U/L"),
    "ast_u_l": ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", "U/L"),
    "bilirubin_mg_dl": ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL"),
    "creatinine_mg_dl": ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL"),
    "triglycerides_mg_dl": ("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL"),
    "igg_mg_dl": ("2465-3", "IgG [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL"),
}
assert set(LAB_LOINC) == set(LAB_NAMES)
LOINC_LAB: dict[str, str] = {code: lab for lab, (code, *_rest) in LAB_LOINC.items()}
LOINC_BODY_WEIGHT = ("29463-7", "Body weight")
LOINC_AGE = ("30525-0", "Age")

# case-format drug -> (ATC code or None, display). ATC: WHO Collaborating Centre index.
DRUG_CODES: dict[str, tuple[str | None, str]] = {
    "tocilizumab": ("L04AC07", "tocilizumab"),
    "siltuximab": ("L04AC11", "siltuximab"),
    "dexamethasone": ("H02AB02", "dexamethasone"),
    "methylprednisolone": ("H02AB04", "methylprednisolone"),
    "hydrocortisone": ("H02AB09", "hydrocortisone"),
    "anakinra": ("L04AC03", "anakinra"),
    "antipyretic": (None, "antipyretic"),
    "g_csf": ("L03AA", "colony stimulating factor (G-CSF)"),
    "levetiracetam": ("N03AX14", "levetiracetam"),
    "immunoglobulin": ("J06BA02", "immunoglobulins, normal human, for intravascular administration"),
    "other": (None, "other"),
}
PRODUCT_NAMES: dict[str, str] = {
    "axi-cel": "axicabtagene ciloleucel",
    "brexu-cel": "brexucabtagene autoleucel",
    "tisa-cel": "tisagenlecleucel",
    "liso-cel": "lisocabtagene maraleucel",
    "obe-cel": "obecabtagene autoleucel",
    "ide-cel": "idecabtagene vicleucel",
    "cilta-cel": "ciltacabtagene autoleucel",
    "other": "CAR-T cell product (other)",
}

# CARTOX codes: code -> display.
GRADE_CODES: dict[str, tuple[str, str]] = {  # grade key in the output -> (code, display)
    "crs_astct": ("crs-grade-astct-2019", "Cytokine release syndrome grade, ASTCT 2019 consensus scale"),
    "crs_ctcae": ("crs-grade-ctcae-5", "Cytokine release syndrome grade, CTCAE v5.0"),
    "icans_astct": ("icans-grade-astct-2019",
                    "Immune effector cell-associated neurotoxicity syndrome (ICANS) grade, ASTCT 2019 consensus scale"),
}
ICE_CODE = ("ice-score", "ICE score (Immune Effector Cell-Associated Encephalopathy), 0-10, ASTCT 2019")
ICE_ITEM_DISPLAY = {
    "year": "ICE orientation: year (0-1)",
    "month": "ICE orientation: month (0-1)",
    "city": "ICE orientation: city (0-1)",
    "hospital": "ICE orientation: hospital (0-1)",
    "naming": "ICE naming: three objects (0-3)",
    "commands": "ICE following commands (0-1)",
    "writing": "ICE writing a standard sentence (0-1)",
    "attention": "ICE attention: counting back from 100 by 10 (0-1)",
}
CAPD_CODE = ("capd-score", "Cornell Assessment of Pediatric Delirium (CAPD) score, 0-32")
COURSE_CODES: dict[str, str] = {
    "crs-max-grade-astct-2019": "Maximum CRS grade of the course, ASTCT 2019",
    "icans-max-grade-astct-2019": "Maximum ICANS grade of the course, ASTCT 2019",
    "icaht-early-grade": "Early ICAHT grade (days 0-30), EHA/EBMT 2023",
    "icaht-late-grade": "Late ICAHT grade (days 31-100), EHA/EBMT 2023",
    "iec-hs": "IEC-HS screening criteria met (operational, needs clinician confirmation)",
    "car-hematotox-score": "CAR-HEMATOTOX score (baseline), Rejeski 2021",
    "death-cause": "Cause of death",
    "onset-day": "Onset day after infusion",
    "resolution-day": "Resolution day after infusion",
    "duration-days": "Duration in days",
    "grade": "Grade",
    "first-day": "First day met",
}


@dataclass(frozen=True)
class PatientIdentity:
    """What identifies the patient outside the case (the case itself is anonymous)."""

    mrn: str
    name: str | None = None
    date_of_birth: date | str | None = None
    mrn_system: str = DEFAULT_MRN_SYSTEM


# --------------------------------------------------------------------------------------------
# Small builders
# --------------------------------------------------------------------------------------------

def _uuid(mrn: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{mrn}|{key}"))


def fhir_time(value: str, tz: tzinfo | None = None) -> str:
    """A case-format local time as a FHIR dateTime (seconds and zone offset are required); a date
    (``2026-03-04``) stays a date. ``tz``: the ward's zone (None: this computer's zone)."""
    if len(value) == 10:
        return date.fromisoformat(value).isoformat()
    naive = datetime.fromisoformat(value)
    aware = naive.astimezone() if tz is None else naive.replace(tzinfo=tz)
    return aware.isoformat(timespec="seconds")


def _concept(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": text or display}


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBS_CATEGORY, "code": code, "display": display}]}]


def _quantity(value: float, code: str, shown: str) -> dict[str, Any]:
    return {"value": value, "unit": shown, "system": UCUM, "code": code}


def _absent(reason: str = "not-performed", display: str = "Not Performed") -> dict[str, Any]:
    return {"coding": [{"system": DATA_ABSENT, "code": reason, "display": display}]}


def _int_or_absent(value: Any) -> dict[str, Any]:
    if isinstance(value, bool) or not isinstance(value, int):
        return {"dataAbsentReason": _absent("unknown", "Unknown")}
    return {"valueInteger": value}


class _Builder:
    def __init__(self, mrn: str) -> None:
        self.mrn = mrn
        self.entries: list[dict[str, Any]] = []
        self.used_keys: set[str] = set()

    def key(self, key: str) -> str:
        base, n = key, 2
        while key in self.used_keys:
            key = f"{base}#{n}"
            n += 1
        self.used_keys.add(key)
        return key

    def add(self, resource_type: str, key: str, body: dict[str, Any]) -> str:
        """Add a resource; returns its ``urn:uuid:`` reference."""
        key = self.key(key)
        rid = _uuid(self.mrn, key)
        resource: dict[str, Any] = {"resourceType": resource_type, "id": rid}
        if resource_type != "Patient":
            resource["identifier"] = [{"system": CARTOX_RECORD_IDS, "value": f"{self.mrn}/{key}"}]
        resource.update(body)
        self.entries.append({"fullUrl": f"urn:uuid:{rid}", "resource": resource})
        return f"urn:uuid:{rid}"


# --------------------------------------------------------------------------------------------
# The Bundle
# --------------------------------------------------------------------------------------------

def build_bundle(
    case: Mapping[str, Any],
    grades: Mapping[str, Any],
    patient: PatientIdentity,
    *,
    tz: tzinfo | None = None,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """The FHIR R4 Bundle (a JSON-ready dict) of one patient's case and grades.

    ``case``: the case-format input (as stored); ``grades``: ``grade_case(...).to_json()`` of that
    case; ``generated_at``: the export time (aware; default now, UTC).
    """
    b = _Builder(patient.mrn)
    mrn = patient.mrn
    infusion = str(case["infusion_date"])
    product = case.get("product")

    # Patient
    pat: dict[str, Any] = {
        "identifier": [{
            "use": "usual",
            "type": {"coding": [{"system": V2_0203, "code": "MR", "display": "Medical record number"}], "text": "MRN"},
            "system": patient.mrn_system, "value": mrn,
        }],
    }
    if patient.name:
        pat["name"] = [{"text": patient.name}]
    if patient.date_of_birth:
        pat["birthDate"] = str(patient.date_of_birth)
    death = case.get("death")
    if death:
        pat["deceasedDateTime"] = str(death["date"])
    patient_ref = b.add("Patient", "patient", pat)
    subject = {"reference": patient_ref, "display": f"MRN {mrn}"}

    def observation(key: str, code: dict[str, Any], category: tuple[str, str], when: str | None,
                    value: dict[str, Any], **extra: Any) -> str:
        body: dict[str, Any] = {"status": "final", "category": _category(*category), "code": code,
                                "subject": subject}
        if when is not None:
            body["effectiveDateTime"] = fhir_time(when, tz)
        body.update(value)
        body.update({k: v for k, v in extra.items() if v})
        return b.add("Observation", key, body)

    # CAR-T infusion
    product_name = PRODUCT_NAMES.get(str(product), "CAR-T cell product") if product else "CAR-T cell product"
    infusion_med: dict[str, Any] = {"text": f"{product_name} ({product})" if product else product_name}
    if product:
        infusion_med["coding"] = [{"system": CARTOX_DRUGS, "code": str(product), "display": product_name}]
    b.add("MedicationAdministration", "infusion", {
        "status": "completed", "category": {"text": "CAR-T cell infusion (day 0)"},
        "medicationCodeableConcept": infusion_med, "subject": subject, "effectiveDateTime": infusion,
    })

    # Age and weight at infusion
    person = case.get("patient") or {}
    if person.get("age_years") is not None:
        observation("patient/age_years", _concept(LOINC, *LOINC_AGE), ("exam", "Exam"), infusion,
                    {"valueQuantity": _quantity(person["age_years"], "a", "years")},
                    note=[{"text": "age at infusion"}])
    if person.get("weight_kg") is not None:
        observation("patient/weight_kg", _concept(LOINC, *LOINC_BODY_WEIGHT), ("vital-signs", "Vital Signs"),
                    infusion, {"valueQuantity": _quantity(person["weight_kg"], "kg", "kg")},
                    note=[{"text": "weight used for dosing"}])

    upper = {**DEFAULT_UPPER_LIMITS, **(case.get("upper_limits") or {})}
    given_upper = set(case.get("upper_limits") or {})

    def lab_observations(prefix: str, labs: Mapping[str, Any], when: str | None, note: str | None) -> list[str]:
        refs = []
        for name in LAB_NAMES:
            if labs.get(name) is None:
                continue
            code, long_name, ucum, shown = LAB_LOINC[name]
            extra: dict[str, Any] = {}
            if note:
                extra["note"] = [{"text": note}]
            if name in upper:
                extra["referenceRange"] = [{
                    "high": _quantity(upper[name], ucum, shown),
                    "text": "upper limit of normal" + ("" if name in given_upper else " (CARTOX default)"),
                }]
            refs.append(observation(f"{prefix}/{name}", _concept(LOINC, code, long_name), ("laboratory", "Laboratory"),
                                    when, {"valueQuantity": _quantity(labs[name], ucum, shown)}, **extra))
        return refs

    # Baseline labs (before lymphodepletion; no time is recorded)
    if case.get("baseline_labs"):
        lab_observations("baseline", case["baseline_labs"], None, "baseline, before lymphodepletion")

    # Assessments
    graded = {a.get("id"): a for a in grades.get("assessments", [])}
    rules_version = grades.get("rules_version")
    for a in sorted(case.get("assessments", []), key=lambda x: str(x["time"])):
        aid = str(a["id"])
        when = str(a["time"])
        g = graded.get(a["id"], {})
        prefix = f"assessment/{aid}"
        lab_observations(f"{prefix}/lab", a.get("labs") or {}, when, None)
        ice_ref = None
        ice = a.get("ice")
        if ice is not None or a.get("ice_score") is not None or a.get("ice_not_possible"):
            score = sum(int(ice[k]) for k in ICE_ITEMS) if ice is not None else a.get("ice_score")
            if a.get("ice_not_possible"):
                score = 0
            components = [{"code": _concept(CARTOX_CODES, f"ice-{k}", ICE_ITEM_DISPLAY[k]), "valueInteger": int(ice[k])}
                          for k in ICE_ITEMS] if ice is not None else []
            note = ([{"text": f"ICE not possible: {a['ice_not_possible'].replace('_', ' ')}"}]
                    if a.get("ice_not_possible") else [])
            ice_ref = observation(f"{prefix}/ice", _concept(CARTOX_CODES, *ICE_CODE), ("survey", "Survey"), when,
                                  {"valueInteger": int(score)}, component=components, note=note)
        capd_ref = None
        if a.get("capd_score") is not None:
            capd_ref = observation(f"{prefix}/capd", _concept(CARTOX_CODES, *CAPD_CODE), ("survey", "Survey"), when,
                                   {"valueInteger": int(a["capd_score"])})
        for key, (code, display) in GRADE_CODES.items():
            result = g.get(key)
            if result is None:
                continue
            grade = result.get("grade")
            value = ({"valueInteger": grade} if isinstance(grade, int) and not isinstance(grade, bool)
                     else {"dataAbsentReason": _absent()})
            notes = [{"text": r} for r in result.get("reasons", [])]
            if result.get("complete") is False and result.get("unassessed"):
                notes.append({"text": "floor grade; not assessed: " + ", ".join(result["unassessed"])})
            if result.get("flags"):
                notes.append({"text": "flags: " + ", ".join(result["flags"])})
            method = " — ".join(str(x) for x in (result.get("version"), result.get("source"), rules_version) if x)
            derived = [{"reference": r} for r in ([ice_ref, capd_ref] if key == "icans_astct" else []) if r]
            observation(f"{prefix}/{key}", _concept(CARTOX_CODES, code, display,
                                                    text=f"{'ICANS' if key == 'icans_astct' else 'CRS'} grade, "
                                                         f"{result.get('version') or display}"),
                        ("survey", "Survey"), when, value, method={"text": method} if method else None,
                        note=notes, derivedFrom=derived)

    # Standalone labs
    for entry in sorted(case.get("labs", []) or [], key=lambda e: str(e.get("time") or e.get("date"))):
        when = str(entry.get("time") or entry.get("date"))
        lab_observations(f"labs/{when}", entry, when, None)

    # Interventions
    for item in sorted(case.get("interventions", []) or [], key=lambda i: str(i["time"])):
        drug = str(item["drug"])
        atc, display = DRUG_CODES.get(drug, (None, drug))
        label = str(item.get("name") or display) if drug == "other" else display
        codings = [{"system": CARTOX_DRUGS, "code": drug, "display": display}]
        if atc:
            codings.insert(0, {"system": ATC, "code": atc, "display": display})
        body: dict[str, Any] = {
            "status": "completed", "medicationCodeableConcept": {"coding": codings, "text": label},
            "subject": subject, "effectiveDateTime": fhir_time(str(item["time"]), tz),
        }
        if item.get("dose_mg") is not None:
            body["dosage"] = {"dose": _quantity(item["dose_mg"], "mg", "mg")}
        b.add("MedicationAdministration", f"intervention/{item['time']}/{drug}", body)

    # Course summary
    course = grades.get("course") or {}
    start = infusion

    def day_components(prefix: str) -> list[dict[str, Any]]:
        comps = []
        for field_name, code in (("onset_day", "onset-day"), ("resolution_day", "resolution-day"),
                                 ("duration_days", "duration-days")):
            v = course.get(f"{prefix}_{field_name}")
            comp: dict[str, Any] = {"code": _concept(CARTOX_CODES, code, COURSE_CODES[code])}
            comp.update(_int_or_absent(v))
            comps.append(comp)
        return comps

    for key, prefix, code in (("crs_max_grade", "crs", "crs-max-grade-astct-2019"),
                              ("icans_max_grade", "icans", "icans-max-grade-astct-2019")):
        if key in course:
            observation(f"course/{key}", _concept(CARTOX_CODES, code, COURSE_CODES[code]), ("survey", "Survey"), start,
                        _int_or_absent(course.get(key)), component=day_components(prefix),
                        method={"text": rules_version} if rules_version else None)
    icaht = course.get("icaht") or {}
    for key, code in (("early_grade", "icaht-early-grade"), ("late_grade", "icaht-late-grade")):
        if key in icaht:
            observation(f"course/icaht/{key}", _concept(CARTOX_CODES, code, COURSE_CODES[code]), ("survey", "Survey"),
                        start, _int_or_absent(icaht.get(key)), note=[{"text": r} for r in icaht.get("reasons", [])])
    iec = course.get("iec_hs")
    if iec:
        comps = [{"code": _concept(CARTOX_CODES, "grade", COURSE_CODES["grade"]), **_int_or_absent(iec.get("grade"))},
                 {"code": _concept(CARTOX_CODES, "first-day", COURSE_CODES["first-day"]),
                  **_int_or_absent(iec.get("first_day"))}]
        observation("course/iec_hs", _concept(CARTOX_CODES, "iec-hs", COURSE_CODES["iec-hs"]), ("survey", "Survey"),
                    start, {"valueBoolean": bool(iec.get("met"))}, component=comps,
                    note=[{"text": r} for r in iec.get("reasons", [])])
    hemato = course.get("car_hematotox")
    if hemato:
        observation("course/car_hematotox", _concept(CARTOX_CODES, "car-hematotox-score",
                                                     COURSE_CODES["car-hematotox-score"]),
                    ("survey", "Survey"), start, _int_or_absent(hemato.get("score")),
                    note=[{"text": f"risk: {hemato.get('risk')}"}] if hemato.get("risk") else [])
    if death:
        cause = str(death["cause"])
        observation("death", _concept(CARTOX_CODES, "death-cause", COURSE_CODES["death-cause"]), ("survey", "Survey"),
                    str(death["date"]), {"valueCodeableConcept": _concept(
                        CARTOX_CODES, f"death-{cause}", {"crs": "CRS", "icans": "ICANS", "iec_hs": "IEC-HS"}.get(cause, cause),
                        text=cause)})

    stamp = (generated_at or datetime.now(UTC))
    if stamp.tzinfo is None:
        stamp = stamp.astimezone()
    return {
        "resourceType": "Bundle",
        "id": _uuid(mrn, f"bundle/{stamp.isoformat()}"),
        "meta": {"tag": [{"system": CARTOX_CODES, "code": "cartox-export",
                          "display": f"CARTOX export, FHIR {FHIR_VERSION}" + (f", {rules_version}" if rules_version else "")}]},
        "type": "collection",
        "timestamp": stamp.isoformat(timespec="seconds"),
        "entry": b.entries,
    }


# --------------------------------------------------------------------------------------------
# Reading an export back (round-trip checks, and a start for importing)
# --------------------------------------------------------------------------------------------

def _local(value: str) -> str:
    """A FHIR dateTime back to the case-format local time (the zone offset dropped)."""
    if len(value) == 10:
        return value
    return datetime.fromisoformat(value).replace(tzinfo=None).isoformat(timespec="minutes" if value[17:19] == "00"
                                                                         else "seconds")


def read_bundle(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """What a receiver reads from an export, keyed by the record identifiers.

    Returns ``{"mrn", "assessments": {id: {"time", "crs_astct", "crs_ctcae", "icans_astct",
    "ice_score", "ice", "labs"}}, "labs": {time: {lab: value}}, "baseline_labs", "interventions",
    "course": {...}}`` with labs found by LOINC code and values in the case-format units.
    """
    out: dict[str, Any] = {"mrn": None, "assessments": {}, "labs": {}, "baseline_labs": {}, "interventions": [],
                           "course": {}, "product": None, "infusion_date": None, "death": None}
    grade_keys = {code: key for key, (code, _d) in GRADE_CODES.items()}
    for entry in bundle.get("entry", []):
        r = entry["resource"]
        rt = r["resourceType"]
        if rt == "Patient":
            for ident in r.get("identifier", []):
                if any(c.get("code") == "MR" for c in ident.get("type", {}).get("coding", [])):
                    out["mrn"] = ident.get("value")
            continue
        record = next((i["value"] for i in r.get("identifier", []) if i.get("system") == CARTOX_RECORD_IDS), "")
        key = record.split("/", 1)[1] if "/" in record else record
        if rt == "MedicationAdministration":
            codes = {c["system"]: c["code"] for c in r["medicationCodeableConcept"].get("coding", [])}
            if key == "infusion":
                out["product"] = codes.get(CARTOX_DRUGS)
                out["infusion_date"] = r.get("effectiveDateTime")
                continue
            item: dict[str, Any] = {"time": _local(r["effectiveDateTime"]), "drug": codes.get(CARTOX_DRUGS)}
            dose = (r.get("dosage") or {}).get("dose")
            if dose is not None:
                item["dose_mg"] = dose["value"]
            out["interventions"].append(item)
            continue
        if rt != "Observation":
            continue
        coding = r["code"]["coding"][0]
        system, code = coding["system"], coding["code"]
        parts = key.split("/")
        value = r.get("valueInteger") if "valueInteger" in r else None
        if system == LOINC and code in LOINC_LAB:
            lab = LOINC_LAB[code]
            v = r["valueQuantity"]["value"]
            if parts[0] == "baseline":
                out["baseline_labs"][lab] = v
            elif parts[0] == "assessment":
                out["assessments"].setdefault(parts[1], {"labs": {}}).setdefault("labs", {})[lab] = v
            elif parts[0] == "labs":
                out["labs"].setdefault(_local(r["effectiveDateTime"]), {})[lab] = v
        elif system == CARTOX_CODES and parts[0] == "assessment":
            a = out["assessments"].setdefault(parts[1], {"labs": {}})
            a["time"] = _local(r["effectiveDateTime"])
            if code in grade_keys:
                a[grade_keys[code]] = value
            elif code == ICE_CODE[0]:
                a["ice_score"] = value
                if r.get("component"):
                    a["ice"] = {c["code"]["coding"][0]["code"].removeprefix("ice-"): c["valueInteger"]
                                for c in r["component"]}
            elif code == CAPD_CODE[0]:
                a["capd_score"] = value
        elif system == CARTOX_CODES and parts[0] == "course":
            if code == "iec-hs":
                comps = {c["code"]["coding"][0]["code"]: c.get("valueInteger") for c in r.get("component", [])}
                out["course"]["iec_hs"] = {"met": r.get("valueBoolean"), "grade": comps.get("grade"),
                                           "first_day": comps.get("first-day")}
            else:
                out["course"][code] = value
                for c in r.get("component", []):
                    out["course"][f"{code}/{c['code']['coding'][0]['code']}"] = c.get("valueInteger")
        elif system == CARTOX_CODES and code == "death-cause":
            out["death"] = {"date": r.get("effectiveDateTime"), "cause": r["valueCodeableConcept"].get("text")}
    return out

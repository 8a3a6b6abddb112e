"""The assessment form as data: every field, its case-format key, label, unit and choices.

The form is generated from this table rather than from a Designer file: the fields, the units,
the choice lists and the error paths all come from the case format (case-format.md), so the
form, the review dialog, the draft file and the mapping of ``CaseInvalid`` paths to widgets
stay one list that cannot drift apart. (The static dialogs are Designer files in ``ui/``.)
"""

from __future__ import annotations

from dataclasses import dataclass

from cartox_desktop.clinical.model import (
    CONSCIOUSNESS_LEVELS,
    LAB_NAMES,
    MOTOR_FINDINGS,
    O2_DEVICES,
    OTHER_CAUSE_FINDINGS,
    RAISED_ICP_FINDINGS,
    SEIZURE_KINDS,
    VASOPRESSOR_AGENTS,
)


@dataclass(frozen=True)
class Num:
    key: str  # case-format key inside the assessment ("labs.crp_mg_dl" for labs)
    label: str
    unit: str
    hint: str = ""  # accepted range shown as placeholder
    whole: bool = False


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    options: tuple[tuple[str, str], ...]  # (case-format value, words); "" = not assessed
    blank: str = "— not assessed"


@dataclass(frozen=True)
class Tri:
    """A yes / no / not given boolean."""

    key: str
    label: str
    blank: str = "— not given"


O2_WORDS = {
    "room_air": "Room air", "blow_by": "Blow-by", "nasal_cannula": "Nasal cannula (low-flow ≤ 6 L/min)",
    "high_flow_nasal_cannula": "High-flow nasal cannula", "simple_face_mask": "Simple face mask",
    "venturi_mask": "Venturi mask", "non_rebreather_mask": "Non-rebreather mask", "cpap": "CPAP",
    "bipap": "BiPAP", "mechanical_ventilation": "Mechanical ventilation",
}
CONSCIOUSNESS_WORDS = {
    "awake": "Awake (no depressed level)", "awakens_spontaneously": "Awakens spontaneously",
    "awakens_to_voice": "Awakens to voice", "awakens_to_touch": "Awakens only to touch",
    "unarousable": "Unarousable / needs vigorous stimuli",
}
SEIZURE_WORDS = {
    "none": "None", "clinical": "Clinical seizure (focal or generalized)",
    "nonconvulsive_eeg": "Non-convulsive seizure on EEG",
    "repetitive_without_recovery": "Repetitive, no return to baseline between",
}
MOTOR_WORDS = {"none": "None", "deep_focal": "Deep focal weakness (hemi- or paraparesis)"}
ICP_WORDS = {
    "focal_edema": "Focal oedema on imaging", "diffuse_edema": "Diffuse cerebral oedema",
    "posturing": "Decerebrate / decorticate posturing", "cranial_nerve_vi_palsy": "Cranial nerve VI palsy",
    "papilledema": "Papilloedema", "cushings_triad": "Cushing's triad",
}
OTHER_CAUSE_WORDS = {
    "fever": "Fever", "hypotension": "Hypotension", "hypoxia": "Hypoxia", "neurologic": "Neurological findings",
}
VASOPRESSOR_WORDS = {
    "norepinephrine": "Norepinephrine", "epinephrine": "Epinephrine", "phenylephrine": "Phenylephrine",
    "dopamine": "Dopamine", "vasopressin": "Vasopressin",
}

VITALS: tuple[Num | Tri, ...] = (
    Num("systolic_bp_mmhg", "Systolic BP", "mmHg", "30–300"),
    Num("diastolic_bp_mmhg", "Diastolic BP", "mmHg", "10–250"),
    Num("mean_arterial_pressure_mmhg", "Mean arterial pressure", "mmHg", "10–250"),
    Tri("hypotension", "Hypotension (clinician's call)", "— derive from systolic BP"),
    Tri("fluid_bolus_given", "Fluid bolus given"),
    Num("spo2_percent", "SpO₂", "%", "50–100"),
)
O2_DEVICE = Choice("o2_device", "Oxygen device", tuple((d, O2_WORDS[d]) for d in O2_DEVICES))
OXYGEN: tuple[Num, ...] = (
    Num("o2_flow_l_min", "O₂ flow", "L/min", "0–80"),
    Num("fio2_percent", "FiO₂", "%", "21–100"),
)
NEURO: tuple[Choice | Num, ...] = (
    Choice("consciousness", "Level of consciousness", tuple((c, CONSCIOUSNESS_WORDS[c]) for c in CONSCIOUSNESS_LEVELS)),
    Choice("seizure", "Seizure", tuple((s, SEIZURE_WORDS[s]) for s in SEIZURE_KINDS)),
    Num("seizure_duration_min", "Seizure duration", "min", "0–1440"),
    Choice("motor_weakness", "Motor findings", tuple((m, MOTOR_WORDS[m]) for m in MOTOR_FINDINGS)),
)
ICE_NOT_POSSIBLE = Choice("ice_not_possible", "ICE not possible", (
    ("unarousable", "Unarousable (cannot perform ICE)"), ("global_aphasia", "Global aphasia (awake)")),
    blank="— ICE possible")

LAB_WORDS: dict[str, tuple[str, str, str]] = {
    "anc_per_ul": ("ANC", "/µL", "0–100000"),
    "wbc_per_ul": ("WBC", "/µL", "0–100000"),
    "platelets_per_ul": ("Platelets", "/µL", "e.g. 140000"),
    "hemoglobin_g_dl": ("Haemoglobin", "g/dL", "1–25"),
    "crp_mg_dl": ("CRP", "mg/dL", "0–80"),
    "ferritin_ng_ml": ("Ferritin", "ng/mL", "0–500000"),
    "fibrinogen_mg_dl": ("Fibrinogen", "mg/dL", "15–2000"),
    "ldh_u_l": ("LDH", "U/L", "0–50000"),
    "alt_u_l": ("ALT", "U/L", "0–50000"),
    "ast_u_l": ("AST", "U/L", "0–50000"),
    "bilirubin_mg_dl": ("Bilirubin", "mg/dL", "0–50"),
    "creatinine_mg_dl": ("Creatinine", "mg/dL", "0.05–25"),
    "triglycerides_mg_dl": ("Triglycerides", "mg/dL", "0–10000"),
    "igg_mg_dl": ("IgG", "mg/dL", "0–10000"),
}
LABS: tuple[Num, ...] = tuple(Num(f"labs.{n}", LAB_WORDS[n][0], LAB_WORDS[n][1], LAB_WORDS[n][2]) for n in LAB_NAMES)

AGENTS = VASOPRESSOR_AGENTS
ICP_FINDINGS = RAISED_ICP_FINDINGS
OTHER_CAUSES = OTHER_CAUSE_FINDINGS

# ---- ICE (ASTCT 2019, Lee et al.) and CAPD (Traube et al., Crit Care Med 2014;42:656-663) ----------


@dataclass(frozen=True)
class GuideItem:
    key: str
    title: str
    prompt: str
    choices: tuple[tuple[str, int], ...]  # (answer words, points)
    expected: str = ""  # filled in from the patient's baseline answers


ICE_ITEMS: tuple[GuideItem, ...] = (
    GuideItem("year", "Orientation: year", "Ask: “What year is it?”", (("incorrect", 0), ("correct", 1))),
    GuideItem("month", "Orientation: month", "Ask: “What month is it?”", (("incorrect", 0), ("correct", 1))),
    GuideItem("city", "Orientation: city", "Ask: “What city are we in?”", (("incorrect", 0), ("correct", 1))),
    GuideItem("hospital", "Orientation: hospital", "Ask: “What is the name of this hospital?”",
              (("incorrect", 0), ("correct", 1))),
    GuideItem("naming", "Naming", "Point to three objects (e.g. clock, pen, button); one point for each named.",
              (("none named", 0), ("1 named", 1), ("2 named", 2), ("all 3 named", 3))),
    GuideItem("commands", "Following commands",
              "Ask: “Show me 2 fingers” or “Close your eyes and stick out your tongue”.",
              (("not followed", 0), ("followed", 1))),
    GuideItem("writing", "Writing", "Ask the patient to write the standard sentence.",
              (("not able", 0), ("written", 1))),
    GuideItem("attention", "Attention", "Ask: “Count backwards from 100 by ten.”",
              (("not able", 0), ("correct", 1))),
)

_CAPD_WORDS = ("Never", "Rarely", "Sometimes", "Often", "Always")
# Items 1-4 are reverse-scored (Never = 4 ... Always = 0); items 5-8 score Never = 0 ... Always = 4.
_REVERSED = tuple(zip(_CAPD_WORDS, (4, 3, 2, 1, 0), strict=True))
_FORWARD = tuple(zip(_CAPD_WORDS, (0, 1, 2, 3, 4), strict=True))
CAPD_ITEMS: tuple[GuideItem, ...] = (
    GuideItem("eye_contact", "1. Eye contact", "Does the child make eye contact with the caregiver?", _REVERSED),
    GuideItem("purposeful", "2. Purposeful actions", "Are the child's actions purposeful?", _REVERSED),
    GuideItem("aware", "3. Awareness", "Is the child aware of his/her surroundings?", _REVERSED),
    GuideItem("communicates", "4. Communication", "Does the child communicate needs and wants?", _REVERSED),
    GuideItem("restless", "5. Restlessness", "Is the child restless?", _FORWARD),
    GuideItem("inconsolable", "6. Inconsolable", "Is the child inconsolable?", _FORWARD),
    GuideItem("underactive", "7. Underactive", "Is the child underactive: very little movement while awake?", _FORWARD),
    GuideItem("slow_response", "8. Slow response", "Does it take the child a long time to respond to interactions?",
              _FORWARD),
)
CAPD_SOURCE = "Cornell Assessment of Pediatric Delirium (Traube et al., Crit Care Med 2014;42:656-663)"
ICE_SOURCE = "ICE score, ASTCT 2019 (Lee et al., Biol Blood Marrow Transplant 2019;25:625-638)"

ADAPTATIONS = (
    ("interpreter", "Interpreter used"),
    ("pointing", "Pointing instead of naming"),
    ("motor_limitation", "Motor limitation (e.g. cannot write)"),
    ("sight_limitation", "Sight limitation"),
)
DEFAULT_SENTENCE = "Our national bird is the bald eagle"

"""The grading path stays light: `cartox grade` never loads Qt, the database or the PDF library,
so a nurse's command answers at once and the core can run where none of them is installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CASE = {
    "patient": {"age_years": 58, "weight_kg": 82.0}, "infusion_date": "2026-03-01",
    "assessments": [{"id": "a1", "time": "2026-03-03T08:00", "temperature_c": 38.6, "o2_device": "room_air"}],
}

PROBE = """
import io, json, sys
sys.stdin = io.StringIO({case!r})
from cartox_desktop.cli.main import main
out = io.StringIO(); real = sys.stdout; sys.stdout = out
code = main(["grade"])
sys.stdout = real
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "sqlalchemy", "alembic", "reportlab", "psycopg"))
print(json.dumps({{"code": code, "heavy": heavy, "grade": json.loads(out.getvalue())["assessments"][0]["crs_astct"]["grade"]}}))
"""


def test_cartox_grade_imports_no_qt_database_or_pdf_library() -> None:
    probe = PROBE.format(case=json.dumps(CASE))
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "heavy": [], "grade": 1}


def test_clinical_core_has_no_io_or_framework_imports() -> None:
    core = Path(__file__).resolve().parents[2] / "cartox_desktop" / "clinical"
    forbidden = ("import PySide6", "import sqlalchemy", "import reportlab", "open(", "read_text(", "import os", "import socket")
    offenders = [f"{path.name}: {word}" for path in core.glob("*.py") for word in forbidden
                 if word in path.read_text(encoding="utf-8")]
    assert offenders == []

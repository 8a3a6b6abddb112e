"""Every page renders (pdftoppm) and is not blank; reproducibility across processes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cartox_desktop.reports import build_audit_report_pdf, build_handover_pdf, build_patient_report_pdf
from cartox_desktop.reports.sample import sample_audit_report, sample_handover, sample_patient_report

from .helpers import have_pdftoppm, ink_fraction, render_pages

needs_pdftoppm = pytest.mark.skipif(not have_pdftoppm(), reason="poppler-utils (pdftoppm) not installed")


@needs_pdftoppm
@pytest.mark.parametrize(
    "build",
    [
        lambda: build_handover_pdf(sample_handover(5)),
        lambda: build_patient_report_pdf(sample_patient_report()),
        lambda: build_audit_report_pdf(sample_audit_report(80)),
    ],
    ids=["handover", "patient-report", "audit-report"],
)
def test_every_page_renders_and_is_not_blank(build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pngs = render_pages(build(), tmp_path)
    assert len(pngs) >= 2
    for png in pngs:
        ink = ink_fraction(png)
        assert ink > 0.01, f"{png.name} looks blank ({ink:.4f} ink)"


def test_identical_bytes_in_a_fresh_process_without_rl_invariant(repo_root: Path) -> None:
    code = (
        "import hashlib, sys\n"
        "from cartox_desktop.reports import build_handover_pdf\n"
        "from cartox_desktop.reports.sample import sample_handover\n"
        "sys.stdout.write(hashlib.sha256(build_handover_pdf(sample_handover(3))).hexdigest())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "RL_invariant"}
    out = subprocess.run([sys.executable, "-c", code], cwd=repo_root, env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out == hashlib.sha256(build_handover_pdf(sample_handover(3))).hexdigest()

"""Printing through the reports package (``cartox_desktop.reports.assemble``): the handover
sheet, the patient report and the audit report, as a saved PDF or through the system print dialog.

The PDF is built (and archived as a ``print`` audit event) on the worker thread only after the
user has chosen where it goes. ReportLab is imported there, on first print (start-up stays fast).
Qt for Python's essentials wheel has no PDF renderer (QtPdf), so a chosen printer receives the
PDF file itself through CUPS (``lp -d PRINTER``); "Print to file" in the dialog writes the PDF.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .qt import QFileDialog, QMessageBox, Qt, print_support


def _settings(win: Any, store: Any) -> Any:
    """The document header: institution and ward name from the ward settings in the database,
    the ward this computer's board shows (call on the worker thread)."""
    from cartox_desktop.reports.assemble import ReportSettings

    return ReportSettings.from_store(store, ward=win.ctx.settings.ward or None)


def _build(win: Any, what: str) -> Any:
    """A function for the worker that builds + archives the document; returns PrintedDocument."""
    store, actor = win.ctx.store, win.ctx.actor
    mrn = win.timeline.patient.mrn if (what == "patient" and win.timeline is not None) else None
    audit_scope = audit_report_scope(win) if what == "audit" else {}

    def run() -> Any:
        from cartox_desktop.reports import assemble

        settings = _settings(win, store)
        if what == "handover":
            return assemble.print_handover(store, actor, settings=settings)
        if what == "audit":
            return assemble.print_audit_report(store, actor, settings=settings, **audit_scope)
        return assemble.print_patient_report(store, actor, mrn, settings=settings)

    return run


def audit_report_scope(win: Any) -> dict[str, Any]:
    """The audit view's patient and date filters as the audit report's scope (a day's end is
    included: 'to 2026-03-05' means up to 23:59:59 that day)."""
    from datetime import datetime, time

    view = win.audit
    start, end = view.date_range()
    return {
        "mrn": view.mrns.get(view.patient_id() or -1),
        "since": datetime.combine(start, time.min) if start else None,
        "until": datetime.combine(end, time.max).replace(microsecond=0) if end else None,
    }


def send_to_printer(pdf: bytes, printer_name: str, copies: int = 1) -> str:
    lp = shutil.which("lp")
    if lp is None:
        raise RuntimeError("no print system found (CUPS 'lp' is missing): save the PDF and print it from a viewer")
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as fh:
        fh.write(pdf)
        path = fh.name
    try:
        cmd = [lp, "-n", str(max(1, copies))]
        if printer_name:
            cmd += ["-d", printer_name]
        out = subprocess.run([*cmd, path], capture_output=True, text=True, timeout=60, check=False)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip() or f"lp failed with status {out.returncode}")
        return out.stdout.strip()
    finally:
        Path(path).unlink(missing_ok=True)


def _deliver(win: Any, title: str, default_name: str, what: str, pdf_only: bool) -> None:
    if win.ctx.actor is None or win.locked:
        return
    if pdf_only:
        path, _ = QFileDialog.getSaveFileName(win, f"Save {title} as PDF", str(Path.home() / default_name), "PDF (*.pdf)")
        if not path:
            return
        save_pdf(win, what, Path(path))
        return
    qps = print_support()
    printer = qps.QPrinter(qps.QPrinter.PrinterMode.HighResolution)
    dlg = qps.QPrintDialog(printer, win)
    dlg.setWindowTitle(f"Print {title}")
    win.dialog = dlg

    def chosen() -> None:
        to_file = printer.outputFormat() == qps.QPrinter.OutputFormat.PdfFormat and printer.outputFileName()
        name, copies = printer.printerName(), printer.copyCount()

        def done(doc: Any) -> None:
            try:
                if to_file:
                    Path(printer.outputFileName()).write_bytes(doc.pdf)
                    msg = f"{title} written to {printer.outputFileName()}"
                else:
                    send_to_printer(doc.pdf, name, copies)
                    msg = f"{title} sent to {name or 'the default printer'}"
            except (OSError, RuntimeError) as exc:
                QMessageBox.warning(win, "Print", f"{title} was built (audit event #{doc.event_seq}) but not "
                                                  f"printed: {exc}")
                return
            win.statusBar().showMessage(f"{msg} (audit event #{doc.event_seq}).", 10000)

        win.ctx.op(_build(win, what), f"building the {title}").success(done).run()

    dlg.accepted.connect(chosen)
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    dlg.show()  # QPrintDialog.open() needs a receiver in PySide6; show() + accepted does the same


def save_pdf(win: Any, what: str, path: Path) -> None:
    def done(doc: Any) -> None:
        path.write_bytes(doc.pdf)
        win.statusBar().showMessage(f"Saved {path} (audit event #{doc.event_seq}).", 10000)
        win.last_printed = (path, doc)

    win.ctx.op(_build(win, what), "building the PDF").success(done).run()


def print_handover(win: Any, pdf_only: bool = False) -> None:
    _deliver(win, "handover sheet", "cartox-handover.pdf", "handover", pdf_only)


def print_audit_report(win: Any, pdf_only: bool = False) -> None:
    """The audit events of the patient and dates chosen in the audit view, with the chain
    verified at the time of printing."""
    scope = audit_report_scope(win)
    name = f"cartox-audit-{scope['mrn']}.pdf" if scope["mrn"] else "cartox-audit.pdf"
    _deliver(win, "audit report", name, "audit", pdf_only)


def print_patient_report(win: Any, pdf_only: bool = False) -> None:
    if win.timeline is None:
        return
    mrn = win.timeline.patient.mrn
    _deliver(win, "patient report", f"cartox-{mrn}.pdf", "patient", pdf_only)

"""Audit report: who did what, when and why, and whether the hash chain was intact at print time."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from .common import (
    P,
    PatientMark,
    T,
    body_frame_size,
    clip,
    dt_text,
    esc,
    header_identity,
    limited,
    more_text,
    render,
    styles,
    table_style,
)
from .fonts import MONO, SANS_BOLD
from .models import AuditEventRow, AuditReportData

TITLE = "Audit report"
MAX_CHANGES = 8


def _changes(ev: AuditEventRow) -> str:
    lines = []
    if ev.summary:
        lines.append(esc(clip(ev.summary, 420)))
    shown, n_more = limited(list(ev.changes), MAX_CHANGES)
    for ch in shown:
        old = "∅" if ch.old is None else clip(ch.old, 60)
        new = "∅" if ch.new is None else clip(ch.new, 60)
        lines.append(f"<b>{esc(clip(ch.field, 40))}</b>: {esc(old)} → {esc(new)}")
    if n_more:
        lines.append(more_text(n_more))
    return "<br/>".join(lines) or "—"


def build_audit_report_pdf(data: AuditReportData) -> bytes:
    st = styles()
    fw, _ = body_frame_size()
    v = data.verification
    story: list[Flowable] = [PatientMark(header_identity(data.patient) if data.patient else None)]
    story.append(Paragraph(f"Audit report — {esc(data.scope)}", st["title"]))
    period = ""
    if data.period_from or data.period_to:
        period = f" · period {esc(dt_text(data.period_from))} to {esc(dt_text(data.period_to))}"
    story.append(P(f"{len(data.events)} event{'s' if len(data.events) != 1 else ''}{period}", "base"))
    story.append(Spacer(1, 2 * mm))

    # verification box first: it is what an auditor reads first
    if v.ok:
        verdict = f"INTACT — verified {v.events_checked} events, no event altered, removed or reordered"
    else:
        where = f" at event #{v.first_broken_seq}" if v.first_broken_seq is not None else ""
        verdict = f"BROKEN{where} — {v.events_checked} events checked; the trail was altered, removed or reordered"
    rows = [
        [T("Chain verification at print time", "cellb"), P(f"<b>{esc(verdict)}</b>")],
        [T("Checked at", "cellb"), T(dt_text(v.checked_at))],
        [T("Chain head", "cellb"), P(f"#{v.head_seq if v.head_seq is not None else '—'} "
                                     f"<font name='{MONO}' size=6.5>{esc(v.head_hash or '—')}</font>")],
    ]
    if v.detail:
        rows.append([T("Detail", "cellb"), T(clip(v.detail, 300))])
    box = Table(rows, colWidths=[48 * mm, fw - 48 * mm])
    box.setStyle(table_style(("BOX", (0, 0), (-1, -1), 2 if not v.ok else 1.2, "black"),
                             ("FONT", (0, 0), (0, -1), SANS_BOLD, 7), header_rows=0))
    story += [box, Spacer(1, 1.5 * mm),
              P("The chain head is printed on every page of every CARTOX document; compare it with the head kept "
                "outside the database to detect a rewritten trail.", "tiny"),
              Paragraph("Events", st["h1"])]

    if not data.events:
        story.append(P("No audit events in this scope.", "base"))
    else:
        head = ["#", "When", "Who", "What", "What changed", "Why", "Hash"]
        trows: list[list[object]] = [[T(h, "head") for h in head]]
        for ev in data.events:
            what = f"<b>{esc(ev.action)}</b> {esc(ev.entity)}" + (f" {esc(clip(ev.entity_id, 40))}" if ev.entity_id else "")
            trows.append([
                str(ev.seq),
                dt_text(ev.time),
                T(clip(ev.actor, 40)),
                P(what),
                P(_changes(ev)),
                T(clip(ev.reason, 160) if ev.reason else "—"),
                P(f"<font name='{MONO}' size=5.8>{esc(ev.hash[:12])}</font>"),
            ])
        story.append(Table(trows, colWidths=[11 * mm, 24 * mm, 22 * mm, 27 * mm, fw - 134 * mm, 31 * mm, 19 * mm],
                           repeatRows=1, style=table_style()))
    return render(story, data.meta, TITLE, f"Audit report: {data.scope}")

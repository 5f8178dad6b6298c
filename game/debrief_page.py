"""The projectable debrief: one clean page (PNG and PDF) for the wrap-up of a session.

Why a page of its own rather than a screen grab: the room and the people who were not there need
the case, the contract terms as played, the date, the scores, the incidents, each team's
predictions against the results and, when the session forked, the two branches side by side —
without buttons, scroll bars or hover-only text. The content is built once (`content`, plain
strings in the session's language) and drawn twice: with fpdf2 (`write_pdf`, vector text for
print) and with pygame (`write_png`, 1600×900 for a projector), so both always say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pygame
from cislab.game import debrief, fmt, headlines, payer, predictions
from cislab.game.i18n import language, tr
from cislab.game.pdfdoc import FAMILY, Doc, plain
from cislab.model.api import RunResult
from cislab.model.schema import Scenario
from fpdf.fonts import FontFace

PNG_SIZE = (1600, 900)
INK = (12, 16, 22)
MUTED = (70, 78, 90)
RULE = (170, 178, 190)
HEAD_BG = (226, 233, 242)
PAPER = (255, 255, 255)
GOOD = (0, 110, 60)
BAD = (170, 40, 20)


@dataclass
class Page:
    title: str
    subtitle: str
    terms: list[tuple[str, str]]
    scores: list[tuple[str, float | None, str]]  # label, 0–100 or None, why none
    incidents: list[str]
    pred_header: list[str]
    pred_rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    branch_header: list[str] = field(default_factory=list)
    branch_rows: list[list[str]] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)


def team_name(team: str, base: Scenario) -> str:
    return tr("team.room") if team == predictions.ROOM else payer.role_name(team, base)


def answer_text(key: str, value: Any) -> str:
    """An answer as the room reads it: "yes" / "no", a share in %, "—" for none."""
    if value is None:
        return tr("predict.blank")
    if key == "payments_share":
        return fmt.pct(float(value))
    return tr(f"ui.{value}")


def incident_text(inc: debrief.Incident, result: RunResult, base: Scenario) -> str:
    """One incident in the session's language, as the screen and the exported page say it."""
    line = tr(
        f"incident.{inc.kind}",
        month=inc.month,
        value=fmt.num(inc.value, 3),
        money=fmt.money(inc.value, base.meta.currency),
        share=fmt.pct(inc.value),
        ratio=fmt.pct(result.summary.get("inflated_ratio")),
        payer=payer.sentence_start(base),
        cause=headlines.cause(inc.cause, base, brief=True) if inc.cause else "",
    )
    if inc.faded:
        line += tr("incident.faded", final=fmt.num(inc.final, 3))
    return line


def incident_lines(result: RunResult, base: Scenario) -> list[str]:
    """The debrief's incidents as plain lines (the screen shows the same)."""
    return [plain(incident_text(inc, result, base)) for inc in debrief.incidents(result)]


def terms(result: RunResult, base: Scenario) -> list[tuple[str, str]]:
    """The contract as played (negotiated terms included), and how it ended."""
    c, cur = result.model.config.contract, base.meta.currency
    m = result.model
    rows = [
        (tr("brief.payer"), payer.with_kind(base)),
        (tr("brief.price"), fmt.money(c.price_per_outcome, cur, exact=True)),
        (tr("brief.max_payment"), fmt.money(c.max_payment, cur)),
        (tr("page.return_cap"), fmt.pct(c.return_cap)),
        (tr("brief.selection"), tr(f"opt.{c.selection.value}")),
        (tr("brief.evaluation"), tr(f"opt.{c.evaluation.value}")),
        (tr("brief.metric"), tr(f"opt.{c.metric.value}")),
        (tr("brief.cohorts"), tr("brief.cohorts_value", n=c.cohorts, months=c.cohort_months)),
        (tr("brief.length"), tr("brief.months", n=m.config.contract_months)),
    ]
    if not m.signed:
        rows.append((tr("page.ending"), tr("page.not_signed")))
    elif m.terminated is not None:
        cause = headlines.cause(str(m.terminated), base, brief=True)
        rows.append((tr("page.ending"), tr("page.stopped", month=m.termination_month, cause=cause)))
    return rows


def score_rows(result: RunResult) -> list[tuple[str, float | None, str]]:
    s = debrief.scores(result)
    rows = []
    for d in debrief.DIMENSIONS:
        why = tr("score.no_horizon") if d == "adoption" and result.model.after is None else ""
        rows.append((tr(f"score.{d}"), s[d], why or tr("score.none")))
    return rows


def prediction_table(
    sheets: dict[str, dict[str, Any]], result: RunResult, base: Scenario
) -> tuple[list[str], list[list[str]], list[str]]:
    """Rows: the questions, then each team's right answers; columns: the result, each team."""
    teams = predictions.team_scores(sheets, result)
    if not teams:  # no team wrote anything: the page says so
        return [], [], []
    header = [tr("page.question"), tr("page.result"), *(team_name(t["team"], base) for t in teams)]
    actual = predictions.actual_answers(result)
    rows = []
    for i, key in enumerate(predictions.QUESTIONS):
        row = [tr(f"predict.short.{key}"), answer_text(key, actual[key])]
        for t in teams:
            r = t["rows"][i]
            if r["right"] is None:
                row.append(tr("predict.blank"))
            else:
                mark = tr("debrief.right") if r["right"] else tr("debrief.wrong")
                row.append(
                    tr("debrief.team_said", said=answer_text(key, r["predicted"]), mark=mark)
                )
        rows.append(row)
    total = [tr("page.right_answers"), ""]
    for t in teams:
        cell = f"{t['right']}/{t['answered']}"
        total.append(cell + (" " + tr("debrief.closest") if t["best"] else ""))
    rows.append(total)
    return (
        header,
        rows,
        [quote_note(team_name(t["team"], base), t["note"]) for t in teams if t["note"]],
    )


def quote_note(team: str, note: str) -> str:
    """A team's note as quoted in its language: « … » after a thin space and colon in French."""
    if language() == "fr":
        return f"{team}\u202f: « {note} »"
    return f"{team}: “{note}”"


BRANCH_FIGURES = (
    ("ending", None),
    ("true_effect", 3),
    ("measured_effect", 3),
    ("creaming_index", 3),
    ("outcome_payments", "money"),
    ("public_cost", "money"),
    ("investor_multiple", 2),
)


def branch_table(
    branches: list[tuple[str, RunResult]], base: Scenario
) -> tuple[list[str], list[list[str]]]:
    """The fork's branches side by side: the same figures and scores for each."""
    if len(branches) < 2:
        return [], []
    cur = base.meta.currency
    header = [tr("page.figure"), *(name for name, _ in branches)]
    rows = []
    for key, kind in BRANCH_FIGURES:
        row = [tr(f"page.fig.{key}")]
        for _, r in branches:
            s = r.summary
            if key == "ending":
                m = r.model
                if m.terminated is not None:
                    row.append(tr("page.stopped_short", month=m.termination_month))
                else:
                    row.append(tr("page.ran_to_end"))
            elif kind == "money":
                row.append(fmt.money(s.get(key), cur))
            else:
                row.append(fmt.num(s.get(key), kind))
        rows.append(row)
    for d in debrief.DIMENSIONS:
        row = [tr(f"score.{d}")]
        for _, r in branches:
            v = debrief.scores(r)[d]
            row.append(tr("predict.blank") if v is None else f"{v:.0f}")
        rows.append(row)
    return header, rows


def content(
    base: Scenario,
    result: RunResult,
    sheets: dict[str, dict[str, Any]],
    branches: list[tuple[str, RunResult]] | None = None,
    when: datetime | None = None,
    seed: int | None = None,
) -> Page:
    when = when or datetime.now()
    title = getattr(base.meta.title, language()) or base.meta.title.en or base.meta.name
    date = (
        when.strftime("%d/%m/%Y %H:%M") if language() == "fr" else when.strftime("%Y-%m-%d %H:%M")
    )
    pred_header, pred_rows, notes = prediction_table(sheets, result, base)
    branch_header, branch_rows = branch_table(branches or [], base)
    return Page(
        title=tr("page.title", case=title),
        subtitle=tr("page.subtitle", date=date, seed=seed if seed is not None else "—"),
        terms=terms(result, base),
        scores=score_rows(result),
        incidents=incident_lines(result, base) or [tr("debrief.no_incident")],
        pred_header=pred_header,
        pred_rows=pred_rows,
        notes=notes,
        branch_header=branch_header,
        branch_rows=branch_rows,
        headings={
            k: tr(f"page.h.{k}")
            for k in ("terms", "scores", "incidents", "predictions", "branches")
        },
    )


# ---------------------------------------------------------------------- PDF (fpdf2)
def write_pdf(page: Page, path: Path) -> Path:
    """One A4 landscape page, vector text (prints and projects cleanly)."""
    doc = Doc(page.title, orientation="L")
    doc.set_auto_page_break(False)
    doc.set_margins(12, 10, 12)
    doc.add_page()
    doc.set_font(FAMILY, "B", 17)
    doc.cell(0, 8, page.title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FAMILY, "", 9.5)
    doc.set_text_color(*MUTED)
    doc.cell(0, 5, page.subtitle, new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(*INK)
    top = doc.get_y() + 2
    x0, width = doc.l_margin, doc.w - doc.l_margin - doc.r_margin
    col = [x0, x0 + 96, x0 + 96 + 86]
    widths = [92, 82, width - 96 - 86]
    bottoms = [
        _pdf_rows(doc, col[0], top, widths[0], page.headings["terms"], page.terms, 38),
        _pdf_scores(doc, col[1], top, widths[1], page.headings["scores"], page.scores),
        _pdf_lines(doc, col[2], top, widths[2], page.headings["incidents"], page.incidents),
    ]
    y = max(bottoms) + 3
    if page.branch_rows:
        pred_w = width * 0.56
        _pdf_table(
            doc,
            x0,
            y,
            pred_w - 4,
            page.headings["predictions"],
            page.pred_header,
            page.pred_rows,
            page.notes,
        )
        _pdf_table(
            doc,
            x0 + pred_w,
            y,
            width - pred_w,
            page.headings["branches"],
            page.branch_header,
            page.branch_rows,
            [],
        )
    else:
        _pdf_table(
            doc,
            x0,
            y,
            width,
            page.headings["predictions"],
            page.pred_header,
            page.pred_rows,
            page.notes,
        )
    doc.output(str(path))
    return path


def _pdf_heading(doc: Doc, x: float, y: float, w: float, text: str) -> float:
    doc.set_xy(x, y)
    doc.set_font(FAMILY, "B", 11.5)
    doc.multi_cell(w, 5.5, text, new_x="LEFT", new_y="NEXT", align="L")
    doc.set_draw_color(*RULE)
    doc.line(x, doc.get_y() + 0.5, x + w, doc.get_y() + 0.5)
    return doc.get_y() + 1.5


def _pdf_rows(doc, x, y, w, heading, rows, label_w) -> float:
    y = _pdf_heading(doc, x, y, w, heading)
    for label, value in rows:
        doc.set_xy(x, y)
        doc.set_font(FAMILY, "B", 8.5)
        doc.multi_cell(label_w - 1, 4, label, new_x="LEFT", new_y="NEXT", align="L")
        below = doc.get_y()
        doc.set_xy(x + label_w, y)
        doc.set_font(FAMILY, "", 8.5)
        doc.multi_cell(w - label_w, 4, value, new_x="LEFT", new_y="NEXT", align="L")
        y = max(below, doc.get_y()) + 0.8
    return y


def _pdf_scores(doc, x, y, w, heading, rows) -> float:
    y = _pdf_heading(doc, x, y, w, heading)
    bar_x, bar_w = x + 40, w - 40 - 9
    for label, value, why in rows:
        doc.set_xy(x, y)
        doc.set_font(FAMILY, "", 8.5)
        doc.multi_cell(39, 4, label, new_x="LEFT", new_y="NEXT", align="L")
        below = doc.get_y()
        doc.set_fill_color(*HEAD_BG)
        doc.rect(bar_x, y + 0.5, bar_w, 3.6, style="F")
        if value is None:
            doc.set_xy(bar_x + 1, y)
            doc.set_font(FAMILY, "I", 8)
            doc.cell(bar_w, 4.4, why)
        else:
            doc.set_fill_color(*(GOOD if value >= 50 else (200, 130, 0)))
            doc.rect(bar_x, y + 0.5, bar_w * value / 100, 3.6, style="F")
            doc.set_xy(bar_x + bar_w + 1, y)
            doc.set_font(FAMILY, "B", 8.5)
            doc.cell(8, 4.4, f"{value:.0f}")
        y = max(y + 6.5, below + 1.5)
    return y


def _pdf_lines(doc, x, y, w, heading, lines) -> float:
    y = _pdf_heading(doc, x, y, w, heading)
    doc.set_font(FAMILY, "", 8.5)
    for line in lines:
        doc.set_xy(x, y)
        doc.multi_cell(w, 4, "• " + line, new_x="LEFT", new_y="NEXT", align="L")
        y = doc.get_y() + 0.8
    return y


def _pdf_table(doc, x, y, w, heading, header, rows, notes) -> float:
    y = _pdf_heading(doc, x, y, w, heading)
    if not rows:
        doc.set_xy(x, y)
        doc.set_font(FAMILY, "I", 9)
        doc.cell(w, 5, tr("debrief.no_prediction"))
        return y + 6
    first = min(48.0, w * 0.34)
    rest = (w - first) / max(len(header) - 1, 1)
    widths = [first, *([rest] * (len(header) - 1))]
    left, right = doc.l_margin, doc.r_margin
    doc.set_left_margin(x)
    doc.set_right_margin(doc.w - x - w)
    doc.set_xy(x, y)
    doc.set_fill_color(*PAPER)
    doc.set_draw_color(*RULE)
    doc.set_font(FAMILY, "", 8)
    with super(Doc, doc).table(
        col_widths=widths,
        width=w,
        text_align="LEFT",
        line_height=3.8,
        align="LEFT",
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_BG),
        padding=0.7,
    ) as t:
        head = t.row()
        for cell in header:
            head.cell(cell)
        for values in rows:
            r = t.row()
            for cell in values:
                r.cell(str(cell))
    y = doc.get_y() + 1
    doc.set_font(FAMILY, "I", 8.5)
    for note in notes:
        doc.set_xy(x, y)
        doc.multi_cell(w, 4, note, new_x="LEFT", new_y="NEXT", align="L")
        y = doc.get_y()
    doc.set_left_margin(left)
    doc.set_right_margin(right)
    return y


# ---------------------------------------------------------------------- PNG (pygame)
def write_png(page: Page, path: Path) -> Path:
    """The same page at 1600×900 on white, for a projector or a slide."""
    surface = pygame.Surface(PNG_SIZE)
    draw(surface, page)
    pygame.image.save(surface, str(path))
    return path


def draw(surface: pygame.Surface, page: Page) -> None:
    from cislab.game.widgets import text

    surface.fill(PAPER)
    w, _h = surface.get_size()
    m = 28
    text.draw(surface, page.title, (m, 18), 30, INK, bold=True, max_width=w - 2 * m)
    text.draw(surface, page.subtitle, (m, 60), 17, MUTED, max_width=w - 2 * m)
    top = 94
    cols = [(m, 470), (m + 490, 440), (m + 950, w - m - 950 - m)]
    bottoms = [
        _png_rows(surface, cols[0], top, page.headings["terms"], page.terms),
        _png_scores(surface, cols[1], top, page.headings["scores"], page.scores),
        _png_lines(surface, cols[2], top, page.headings["incidents"], page.incidents),
    ]
    y = max(bottoms) + 14
    full = w - 2 * m
    if page.branch_rows:
        pw = int(full * 0.56)
        _png_table(
            surface,
            (m, pw - 16),
            y,
            page.headings["predictions"],
            page.pred_header,
            page.pred_rows,
            page.notes,
        )
        _png_table(
            surface,
            (m + pw, full - pw),
            y,
            page.headings["branches"],
            page.branch_header,
            page.branch_rows,
            [],
        )
    else:
        _png_table(
            surface,
            (m, full),
            y,
            page.headings["predictions"],
            page.pred_header,
            page.pred_rows,
            page.notes,
        )


def _png_heading(surface, col, y, title) -> int:
    from cislab.game.widgets import text

    x, w = col
    text.draw(surface, title, (x, y), 20, INK, bold=True, max_width=w)
    pygame.draw.line(surface, RULE, (x, y + 28), (x + w, y + 28))
    return y + 34


def _png_rows(surface, col, y, title, rows) -> int:
    from cislab.game.widgets import text

    x, w = col
    y = _png_heading(surface, col, y, title)
    label_w = 200
    for label, value in rows:
        a = text.draw_wrapped(surface, label, pygame.Rect(x, y, label_w - 8, 60), 16, INK, True)
        b = text.draw_wrapped(surface, value, pygame.Rect(x + label_w, y, w - label_w, 60), 16, INK)
        y = max(a, b) + 2
    return y


def _png_scores(surface, col, y, title, rows) -> int:
    from cislab.game.widgets import text

    x, w = col
    y = _png_heading(surface, col, y, title)
    bar_x, bar_w = x + 236, w - 236 - 44
    for label, value, why in rows:
        text.draw(surface, label, (x, y), 16, INK, max_width=230)
        pygame.draw.rect(surface, HEAD_BG, (bar_x, y + 3, bar_w, 18))
        if value is None:
            text.draw(surface, why, (bar_x + 6, y + 1), 16, MUTED, max_width=bar_w - 8)
        else:
            colour = GOOD if value >= 50 else (200, 130, 0)
            pygame.draw.rect(surface, colour, (bar_x, y + 3, int(bar_w * value / 100), 18))
            text.draw(surface, f"{value:.0f}", (x + w, y), 16, INK, bold=True, anchor="topright")
        y += 30
    return y


def _png_lines(surface, col, y, title, lines) -> int:
    from cislab.game.widgets import text

    x, w = col
    y = _png_heading(surface, col, y, title)
    for line in lines:
        y = text.draw_wrapped(surface, "• " + line, pygame.Rect(x, y, w, 200), 16, INK) + 4
    return y


def _png_table(surface, col, y, title, header, rows, notes) -> int:
    from cislab.game.widgets import text

    x, w = col
    y = _png_heading(surface, col, y, title)
    if not rows:
        text.draw(surface, tr("debrief.no_prediction"), (x, y), 16, MUTED, max_width=w)
        return y + 26
    # the first column as wide as its longest label (up to 40 %), the others share the rest
    longest = max(text.font(16, True).size(str(r[0]))[0] for r in [header, *rows]) + 14
    first = min(longest, int(w * 0.4))
    rest = (w - first) // max(len(header) - 1, 1)
    xs = [x, *(x + first + i * rest for i in range(len(header) - 1))]
    widths = [first, *([rest] * (len(header) - 1))]
    row_h = 28
    pygame.draw.rect(surface, HEAD_BG, (x, y, w, row_h))
    for cx, cw, cell in zip(xs, widths, header, strict=True):
        text.draw(surface, cell, (cx + 6, y + 4), 16, INK, bold=True, max_width=cw - 10)
    y += row_h
    for values in rows:
        for cx, cw, cell in zip(xs, widths, values, strict=True):
            colour = INK
            if cell.endswith(f"({tr('debrief.right')})"):
                colour = GOOD
            elif cell.endswith(f"({tr('debrief.wrong')})"):
                colour = BAD
            text.draw(surface, cell, (cx + 6, y + 4), 16, colour, max_width=cw - 10)
        pygame.draw.line(surface, RULE, (x, y + row_h - 1), (x + w, y + row_h - 1))
        y += row_h
    for note in notes:
        y = text.draw_wrapped(surface, note, pygame.Rect(x, y + 4, w, 60), 16, MUTED) + 2
    return y

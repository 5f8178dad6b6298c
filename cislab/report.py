"""The one-page decision report of a run or a comparison: HTML and PDF, in French or English.

What a note to élus needs and nothing more: the contract's terms, each indicator's median over
seeds with its 95% interval (and, for a comparison, each design's paired difference from the
baseline with its interval), one plain-language line per indicator, the figure, and where the
numbers come from (version, commit, scenario hash, seeds).

Why fpdf2: a pure-Python wheel, no system library, and it embeds a Unicode TrueType font — here
matplotlib's own DejaVu Sans, already installed — so "é", "€" and "−" print on any machine.
The HTML carries the same content with the figure inline (one file to mail).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cislab import indicators, lang

REPORT_METRICS = [
    "net_public_benefit",
    "public_savings",
    "outcome_payments",
    "true_effect",
    "measured_effect",
    "creaming_index",
    "parking_index",
    "gaming_index",
    "investor_irr",
]
FIGURE_METRICS = ["net_public_benefit", "true_effect", "creaming_index"]  # one row of panels
SIGNED_PLAIN = {"creaming_index", "parking_index", "net_public_benefit"}
MAGNITUDE = {"net_public_benefit", "creaming_index"}  # the sentence carries the sign


@dataclass
class ReportData:
    """Everything a report shows, already in the reader's language."""

    lang: str
    title: str
    subtitle: str
    terms: list[tuple[str, str]]
    header: list[str]
    rows: list[list[str]]
    plain: list[str]
    notes: list[str]
    figure: bytes | None
    footer: str
    seeds: int = 0
    designs: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Content


def contract_terms(sc: Any) -> list[tuple[str, str]]:
    """The terms a reader of the contract would look for, labelled and formatted."""
    c, cur = sc.contract, sc.meta.currency

    def opt(value: Any) -> str:
        key = f"opt.{getattr(value, 'value', value)}"
        return lang.tr(key) if lang.has(key) else str(getattr(value, "value", value))

    threshold = (
        lang.percent(c.threshold, 1)
        if str(getattr(c.threshold_kind, "value", "")) != "absolute"
        else lang.number(c.threshold, 3)
    )
    return [
        (lang.tr("term.metric"), opt(c.metric)),
        (lang.tr("term.selection"), opt(c.selection)),
        (lang.tr("term.evaluation"), opt(c.evaluation)),
        (lang.tr("term.counting"), opt(c.counting)),
        (lang.tr("term.price_per_outcome"), lang.money(c.price_per_outcome, cur)),
        (lang.tr("term.max_payment"), lang.money(c.max_payment, cur)),
        (lang.tr("term.threshold"), f"{threshold} ({opt(c.threshold_kind)})"),
        (
            lang.tr("term.cohorts"),
            lang.tr("term.cohorts_value", n=c.cohorts, months=c.cohort_months),
        ),
        (lang.tr("term.audit_rate"), lang.percent(c.audit_rate, 0)),
        (lang.tr("term.cap_at_savings"), lang.tr("yes" if c.cap_at_savings else "no")),
        (lang.tr("term.return_cap"), lang.percent(c.return_cap, 1)),
        (lang.tr("term.intermediary_fee"), lang.money(c.intermediary_fee, cur)),
        (lang.tr("term.population"), lang.number(sc.population.size, 0)),
    ]


def interval(
    key: str, low: float, high: float, currency: str, signed: bool = False, short: bool = False
) -> str:
    """ "[low; high]" in the indicator's format ("[1,2 M€ ; 1,4 M€]" when `short`)."""
    if lang.missing(low) or lang.missing(high):
        return ""
    sep = " ; " if lang.language() == "fr" else "; "
    show = indicators.short_value if short else indicators.value
    lo, hi = show(key, low, currency, signed), show(key, high, currency, signed)
    return f"[{lo}{sep}{hi}]"


def plain_line(key: str, row: Mapping[str, Any], currency: str) -> str:
    """One sentence a non-specialist reads: the indicator's median in words, with its interval."""
    median = row.get("median")
    name = indicators.name(key)
    if lang.missing(median):
        return lang.tr("plain.undefined", name=name, reason=lang.tr("plain.undefined_reason"))
    base = f"plain.{key}"
    if key in SIGNED_PLAIN:
        base += ".pos" if median >= 0 else ".neg"
    if not lang.has(base):
        return name + lang.tr("colon") + indicators.value(key, median, currency)
    shown = abs(median) if key in MAGNITUDE else median
    text = lang.tr(base, value=indicators.value(key, shown, currency))
    lo, hi = row.get("median_lo"), row.get("median_hi")
    if not (lang.missing(lo) or lang.missing(hi)) and lo != hi:
        ci = lang.tr(
            "plain.interval",
            low=indicators.value(key, lo, currency),
            high=indicators.value(key, hi, currency),
        )
        text = text[:-1] + ci + text[-1] if text.endswith(".") else text + ci
    return text


def _footer(sc: Any, seeds: Sequence[int]) -> str:
    from cislab.model.provenance import code_identity, scenario_sha256

    ident = code_identity()
    commit = str(ident.get("git_commit") or "—").removesuffix("+dirty")[:12]
    if ident.get("git_dirty"):
        commit += "+dirty"
    return lang.tr(
        "report.footer",
        version=ident.get("cislab_version", "?"),
        commit=commit,
        name=sc.meta.name,
        hash=scenario_sha256(sc)[:12],
        date=dt.date.today().isoformat(),
    )


def _summaries(sc: Any, seeds: Sequence[int], months: int | None) -> pd.DataFrame:
    from cislab.model.api import run

    rows = [{"seed": s, "status": "ok", **run(sc, seed=s, months=months).summary} for s in seeds]
    return pd.DataFrame(rows)


def run_report(
    sc: Any,
    seeds: Sequence[int],
    months: int | None,
    overrides: Mapping[str, Any] | None,
    figures: Mapping[str, bytes] | None = None,
    metrics: Sequence[str] = REPORT_METRICS,
) -> ReportData:
    """A run's report: the design (overrides already in `sc`) over `seeds`."""
    from cislab.experiments.figures import compare_figure, figure_png
    from cislab.experiments.stats import bands

    frame = _summaries(sc, seeds, months)
    frame["design"] = "design"
    table = bands(frame, ["design"], metrics)
    cur = sc.meta.currency
    rows, plain = [], []
    for key in metrics:
        row = table[table["output"] == key].iloc[0].to_dict()
        rows.append(
            [
                indicators.label(key, cur),
                indicators.value(key, row["median"], cur),
                interval(key, row["median_lo"], row["median_hi"], cur),
                indicators.direction(key),
            ]
        )
        plain.append(plain_line(key, row, cur))
    title = lang.text_of(sc.meta.title, sc.meta.name)
    shown = [m for m in FIGURE_METRICS if m in metrics] or list(metrics[:3])
    fig = compare_figure(table, shown, "design", {"design": title}, cur, columns=3, panel_width=3.6)
    subtitle = title
    if overrides:
        subtitle += " — " + ", ".join(f"{k}={v}" for k, v in overrides.items())
    return ReportData(
        lang=lang.language(),
        title=lang.tr("report.run_title", title=title),
        subtitle=subtitle,
        terms=contract_terms(sc),
        header=[
            lang.tr("report.indicator"),
            lang.tr("stat.median"),
            lang.tr("stat.interval"),
            lang.tr("report.direction"),
        ],
        rows=rows,
        plain=plain,
        notes=[lang.tr("report.uncertainty", n=len(seeds), first=seeds[0], last=seeds[-1])],
        figure=figure_png(fig, width_px=1400),
        footer=_footer(sc, seeds),
        seeds=len(seeds),
    )


def compare_report(
    plan: Any, table: pd.DataFrame, labels: Mapping[str, str], metrics: Sequence[str]
) -> ReportData:
    """A comparison's report: the baseline's terms, each design's changes, the baseline's
    median and every design's paired difference with its interval, one line per indicator."""
    from cislab.experiments.compare import BASELINE
    from cislab.experiments.figures import difference_figure, figure_png

    sc = plan.bases[0]
    cur = sc.meta.currency
    designs = [p.values["design"] for p in plan.points if p.values["design"] != BASELINE]
    info = plan.source.get("design_info", {})
    cells = {(r["design"], r["output"]): r for r in table.to_dict("records")}
    rows, plain = [], []
    for key in metrics:
        base = cells.get((BASELINE, key), {})
        median = indicators.short_value(key, base.get("median"), cur)
        ci = interval(key, base.get("median_lo"), base.get("median_hi"), cur, short=True)
        row = [indicators.label(key, cur), f"{median}\n{ci}".strip()]
        verdicts: dict[str, list[str]] = {}
        for d in designs:
            cell = cells.get((d, key), {})
            delta = cell.get("delta_median")
            text = indicators.short_value(key, delta, cur, signed=True)
            lo, hi = cell.get("delta_lo"), cell.get("delta_hi")
            ci = interval(key, lo, hi, cur, signed=True, short=True)
            row.append(f"{text}\n{ci}".strip())
            verdict = indicators.better(key, delta, lo, hi)
            if verdict is not None:
                verdicts.setdefault(verdict, []).append(
                    f"« {labels.get(d, d)} »"
                    if lang.language() == "fr"
                    else f"“{labels.get(d, d)}”"
                )
        rows.append(row)
        parts = [
            lang.tr(f"plain.compare.{v}", designs=", ".join(verdicts[v]))
            for v in ("better", "worse", "differs", "same")
            if v in verdicts
        ]
        plain.append(
            f"{indicators.name(key)} ({indicators.direction(key)}): " + "; ".join(parts) + "."
        )
    described = []
    for d in designs:
        entry = info.get(d, {})
        scen = plan.bases[entry.get("scenario", 0)]
        what = entry.get("overrides") or (
            scen.meta.name if entry.get("scenario", 0) else lang.tr("report.same_as_baseline")
        )
        described.append((labels.get(d, d), what))
    title = lang.text_of(sc.meta.title, sc.meta.name)
    shown = [m for m in FIGURE_METRICS if m in metrics] or list(metrics[:3])
    fig = difference_figure(table, shown, BASELINE, dict(labels), cur, columns=3, panel_width=3.6)
    return ReportData(
        lang=lang.language(),
        title=lang.tr("report.compare_title", title=title),
        subtitle=labels.get(BASELINE, BASELINE),
        terms=contract_terms(sc),
        header=[
            lang.tr("report.indicator"),
            lang.tr("report.baseline_column"),
            *(f"Δ {labels.get(d, d)}" for d in designs),
        ],
        rows=rows,
        plain=plain,
        notes=[
            lang.tr(
                "report.uncertainty",
                n=len(plan.seeds),
                first=plan.seeds[0],
                last=plan.seeds[-1],
            )
            + " "
            + lang.tr("report.paired"),
        ],
        figure=figure_png(fig, width_px=1400),
        footer=_footer(sc, plan.seeds),
        seeds=len(plan.seeds),
        designs=described,
    )


# ---------------------------------------------------------------------------------------------
# Rendering


def files(data: ReportData) -> dict[str, bytes]:
    """`report.<lang>.html` and `report.<lang>.pdf`, as bytes for the caller's safe writer."""
    return {
        f"report.{data.lang}.html": to_html(data).encode("utf-8"),
        f"report.{data.lang}.pdf": to_pdf(data),
    }


CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60em;margin:2em auto;color:#111;
background:#fff;font-size:14px;line-height:1.4}
h1{font-size:1.5em;margin-bottom:.1em}h2{font-size:1.1em;margin:1.2em 0 .3em;
border-bottom:1px solid #999}table{border-collapse:collapse;width:100%}
td,th{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}.sub{color:#444}.note,.foot{color:#555;
font-size:.85em}img{max-width:100%}
"""


def to_html(data: ReportData) -> str:
    e = html.escape
    terms = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in data.terms)
    designs = ""
    if data.designs:
        items = "".join(f"<li><b>{e(n)}</b>: {e(w)}</li>" for n, w in data.designs)
        designs = f"<h2>{e(lang.tr('report.designs'))}</h2><ul>{items}</ul>"
    head = "".join(f"<th>{e(h)}</th>" for h in data.header)
    body = "".join(
        "<tr><td>"
        + e(r[0])
        + "</td>"
        + "".join(f'<td class="num">{e(c)}</td>' for c in r[1:])
        + "</tr>"
        for r in data.rows
    )
    plain = "".join(f"<li>{e(p)}</li>" for p in data.plain)
    notes = "".join(f'<p class="note">{e(n)}</p>' for n in data.notes)
    img = ""
    if data.figure:
        b64 = base64.b64encode(data.figure).decode("ascii")
        img = f'<img alt="{e(lang.tr("report.figure"))}" src="data:image/png;base64,{b64}">'
    return (
        f'<!DOCTYPE html><html lang="{data.lang}"><head><meta charset="utf-8">'
        f"<title>{e(data.title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{e(data.title)}</h1><p class="sub">{e(data.subtitle)}</p>'
        f"<h2>{e(lang.tr('report.terms'))}</h2><table>{terms}</table>{designs}"
        f"<h2>{e(lang.tr('report.results', n=data.seeds))}</h2>{notes}"
        f"<table><tr>{head}</tr>{body}</table>"
        f"<h2>{e(lang.tr('report.reading'))}</h2><ul>{plain}</ul>{img}"
        f'<p class="foot">{e(data.footer)}</p></body></html>\n'
    )


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(data: ReportData) -> bytes:
    """One A4 page: the figure is scaled to the room left, so the page never spills over."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(12, 10, 12)
    pdf.add_page()
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_title(data.title)
    pdf.set_lang(data.lang)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(width, 6.5, data.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(70, 70, 70)
    pdf.multi_cell(width, 4, data.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    def heading(text: str) -> None:
        pdf.ln(1.5)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(width, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(150, 150, 150)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(0.8)

    heading(lang.tr("report.terms"))
    pdf.set_font("DejaVu", "", 7.5)
    half = (len(data.terms) + 1) // 2
    pairs = data.terms + [("", "")] * (2 * half - len(data.terms))
    with pdf.table(
        col_widths=(27, 23, 30, 20),
        text_align=("LEFT", "LEFT", "LEFT", "LEFT"),
        line_height=3.5,
        borders_layout="NONE",
        first_row_as_headings=False,
        padding=0.4,
    ) as table:
        for (k1, v1), (k2, v2) in zip(pairs[:half], pairs[half:], strict=True):
            row = table.row()
            for text, bold in ((k1, True), (v1, False), (k2, True), (v2, False)):
                row.cell(text, style=FontFace(emphasis="BOLD" if bold else None))
    if data.designs:
        heading(lang.tr("report.designs"))
        pdf.set_font("DejaVu", "", 7.5)
        for name, what in data.designs:
            pdf.multi_cell(
                width, 3.6, f"**{name}**: {what}", markdown=True, new_x="LMARGIN", new_y="NEXT"
            )

    heading(lang.tr("report.results", n=data.seeds))
    pdf.set_font("DejaVu", "", 7)
    pdf.set_text_color(70, 70, 70)
    for note in data.notes:
        pdf.multi_cell(width, 3.3, note, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)
    first = 0.30 if len(data.header) > 3 else 0.38
    rest = (1 - first) / (len(data.header) - 1)
    widths = [first, *([rest] * (len(data.header) - 1))]
    aligns = ["LEFT", *(["RIGHT"] * (len(data.header) - 1))]
    if not data.designs:  # a run: indicator, median, interval, direction
        widths, aligns = [0.34, 0.17, 0.27, 0.22], ["LEFT", "RIGHT", "RIGHT", "LEFT"]
    pdf.set_font("DejaVu", "", 7)
    with pdf.table(
        col_widths=[w * 100 for w in widths],
        text_align=aligns,
        line_height=3.4,
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD"),
        padding=0.6,
    ) as table:
        table.row(data.header)
        for r in data.rows:
            table.row(r)

    heading(lang.tr("report.reading"))
    pdf.set_font("DejaVu", "", 7.3)
    for line in data.plain:
        pdf.multi_cell(width, 3.4, "• " + line, new_x="LMARGIN", new_y="NEXT")

    footer_h = 8
    room = pdf.h - pdf.b_margin - footer_h - pdf.get_y() - 2
    if data.figure and room > 25:
        from io import BytesIO

        from PIL import Image

        with Image.open(BytesIO(data.figure)) as img:
            ratio = img.height / img.width
        w = min(width, room / ratio)
        pdf.image(BytesIO(data.figure), x=pdf.l_margin + (width - w) / 2, y=pdf.get_y() + 1, w=w)
    pdf.set_xy(pdf.l_margin, pdf.h - pdf.b_margin - footer_h + 2)
    pdf.set_font("DejaVu", "", 6.5)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(width, 3, data.footer, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

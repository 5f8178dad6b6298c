"""Matplotlib figures: outcome vs lever with 90% bands, designs side by side, indices as bars.

Why `matplotlib.figure.Figure` rather than pyplot: no global state and no display needed, so
figures render the same on a laptop, a headless server or a Dask worker. Every text comes from
the CLI catalogue in the current language (`cislab.lang`), indicators are named with their unit
(`cislab.indicators`), and every figure is drawn on white with plain tick labels (no "1e-12+5e-2"
offsets, no scientific notation) so it reads the same printed in black and white.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from cislab.experiments.stats import bands
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cislab import indicators, lang

BAND_ALPHA = 0.2
ROLE_COLORS = {"lever": "#1f4e9c", "uncertainty": "#8c510a"}


def save(fig: Figure, stem: Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in formats:
        path = stem.with_suffix(f".{ext}")
        fig.savefig(path, dpi=120, bbox_inches="tight", facecolor="white")
        paths.append(path)
    return paths


def figure_png(fig: Figure, width_px: int = 1400) -> bytes:
    """A figure as PNG bytes about `width_px` wide (for reports that embed it)."""
    from io import BytesIO

    buffer = BytesIO()
    dpi = width_px / fig.get_figwidth()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def light(fig: Figure) -> Figure:
    """White page and axes, whatever the user's matplotlib style: legible when printed."""
    fig.set_facecolor("white")
    for ax in fig.axes:
        ax.set_facecolor("white")
    return fig


def plain_ticks(axis, key: str | None = None, currency: str = "EUR") -> None:
    """Tick labels in the reader's number format: the indicator's own (money compact, IRR as a
    percentage) for a known indicator, else plain numbers — never an offset or 1e6 notation."""
    axis.set_major_locator(MaxNLocator(nbins=5))
    if key is not None:
        axis.set_major_formatter(
            FuncFormatter(lambda v, _pos: indicators.short_value(key, v, currency))
        )
        return
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: lang.number(v)))


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _panels(
    n: int, width: float = 4.2, height: float = 3.2, columns: int = 3
) -> tuple[Figure, list]:
    cols = min(n, columns)
    rows = int(np.ceil(n / cols))
    fig = Figure(figsize=(width * cols, height * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _readable_axis(ax, values: np.ndarray, key: str, currency: str) -> None:
    """The indicator's tick labels and a visible span when every value is (nearly) the same —
    a near-constant metric otherwise gets an axis like "1e-12+5e-2"."""
    plain_ticks(ax.xaxis, key, currency)
    finite = values[np.isfinite(values)]
    if finite.size and np.ptp(finite) < 1e-9 * max(1.0, float(np.abs(finite).max())):
        centre = float(finite.mean())
        half = max(abs(centre) * 0.1, 0.01)
        ax.set_xlim(centre - half, centre + half)


def lever_figure(
    frame: pd.DataFrame,
    outputs: Sequence[str],
    x: str,
    hue: str | None = None,
    title: str = "",
    currency: str = "EUR",
) -> Figure:
    """One panel per output: median over seeds vs the lever `x`, 5–95% band shaded,
    one line per level of `hue`. Other factors, if any, are pooled."""
    by = [x] if hue is None else [hue, x]
    table = bands(frame, by, outputs, intervals=False)
    fig, axes = _panels(len(outputs))
    levels = [None] if hue is None else list(dict.fromkeys(frame[hue]))
    numeric_x = _is_numeric(frame[x])
    categories = list(dict.fromkeys(frame[x]))
    for ax, output in zip(axes, outputs, strict=True):
        sub = table[table["output"] == output]
        for i, level in enumerate(levels):
            part = sub if level is None else sub[sub[hue] == level]
            label = None if level is None else f"{hue} = {level}"
            if numeric_x:
                part = part.sort_values(x)
                (line,) = ax.plot(part[x], part["median"], marker="o", ms=3, label=label)
                ax.fill_between(
                    part[x], part["q05"], part["q95"], alpha=BAND_ALPHA, color=line.get_color()
                )
            else:
                pos = np.array([categories.index(v) for v in part[x]], dtype=float)
                pos += (i - (len(levels) - 1) / 2) * 0.12
                ax.errorbar(
                    pos,
                    part["median"],
                    yerr=[part["median"] - part["q05"], part["q95"] - part["median"]],
                    fmt="o",
                    capsize=3,
                    label=label,
                )
        if not numeric_x:
            ax.set_xticks(range(len(categories)), [str(c) for c in categories], rotation=20)
        else:
            plain_ticks(ax.xaxis)
        plain_ticks(ax.yaxis, output, currency)
        ax.set_xlabel(x)
        ax.set_ylabel(indicators.label(output, currency), fontsize="small")
        ax.grid(alpha=0.3)
    if hue is not None:
        axes[0].legend(fontsize="small")
    heading = lang.tr("figure.band_title")
    fig.suptitle(f"{title} — {heading}" if title else heading)
    return light(fig)


def scatter_figure(
    frame: pd.DataFrame, outputs: Sequence[str], factors: Sequence[str], currency: str = "EUR"
) -> Figure:
    """For sampled designs (Latin hypercube): each run's outcome against each factor."""
    ok = frame[frame["status"] == "ok"]
    fig = Figure(figsize=(3.2 * len(factors), 2.8 * len(outputs)), layout="constrained")
    axes = fig.subplots(len(outputs), len(factors), squeeze=False)
    for r, output in enumerate(outputs):
        y = pd.to_numeric(ok[output], errors="coerce")
        for c, factor in enumerate(factors):
            ax = axes[r][c]
            numeric_x = _is_numeric(ok[factor])
            x = ok[factor] if numeric_x else ok[factor].astype(str)
            ax.scatter(x, y, s=6, alpha=0.5)
            if numeric_x:
                plain_ticks(ax.xaxis)
            plain_ticks(ax.yaxis, output, currency)
            if r == len(outputs) - 1:
                ax.set_xlabel(factor)
            if c == 0:
                ax.set_ylabel(indicators.label(output, currency), fontsize="small")
            ax.grid(alpha=0.3)
    fig.suptitle(lang.tr("figure.scatter_title"))
    return light(fig)


def compare_figure(
    table: pd.DataFrame,
    metrics: Sequence[str],
    baseline: str,
    labels: dict[str, str] | None = None,
    currency: str = "EUR",
    columns: int = 3,
    panel_width: float = 5.0,
) -> Figure:
    """One panel per metric: each design's median with its 95% interval (thick) and its 5–95%
    band across seeds (thin); the baseline's band shaded grey. Panel titles give the indicator,
    its unit and which way is better."""
    labels = labels or {}
    designs = list(dict.fromkeys(table["design"]))
    names = [labels.get(d, d) for d in designs]
    fig, axes = _panels(len(metrics), panel_width, 0.5 * len(designs) + 1.5, columns)
    for ax, metric in zip(axes, metrics, strict=True):
        sub = table[table["output"] == metric].set_index("design").reindex(designs)
        ypos = np.arange(len(designs))[::-1]
        base = sub.loc[baseline]
        if np.isfinite(base["median"]) and len(designs) > 1:
            ax.axvspan(base["q05"], base["q95"], color="0.85", lw=0)
            ax.axvline(base["median"], color="0.4", ls="--", lw=1)
        for y, design in zip(ypos, designs, strict=True):
            row = sub.loc[design]
            if not np.isfinite(row["median"]):
                continue
            color = "black" if design == baseline else "#1f4e9c"
            ax.plot([row["q05"], row["q95"]], [y, y], color=color, lw=1)
            if "median_lo" in row and np.isfinite(row["median_lo"]):
                ax.plot([row["median_lo"], row["median_hi"]], [y, y], color=color, lw=4.5)
            ax.plot(row["median"], y, "o", color="white", mec=color, ms=6)
        _design_panel(ax, ypos, names, metric, currency)
        _readable_axis(ax, sub[["q05", "q95"]].to_numpy(dtype=float), metric, currency)
    key = "figure.compare_title" if len(designs) > 1 else "figure.run_title"
    fig.suptitle(lang.tr(key), fontsize="medium")
    return light(fig)


def difference_figure(
    table: pd.DataFrame,
    metrics: Sequence[str],
    baseline: str,
    labels: dict[str, str] | None = None,
    currency: str = "EUR",
    columns: int = 3,
    panel_width: float = 5.0,
) -> Figure:
    """One panel per metric: each design's paired difference from the baseline (median over
    seeds) with its 95% interval; 0 marked. An interval clear of 0 is a real difference."""
    labels = labels or {}
    designs = [d for d in dict.fromkeys(table["design"]) if d != baseline]
    fig, axes = _panels(len(metrics), panel_width, 0.5 * len(designs) + 1.5, columns)
    for ax, metric in zip(axes, metrics, strict=True):
        sub = table[table["output"] == metric].set_index("design").reindex(designs)
        ypos = np.arange(len(designs))[::-1]
        ax.axvline(0, color="0.3", lw=1)
        for y, design in zip(ypos, designs, strict=True):
            row = sub.loc[design]
            if not np.isfinite(row["delta_median"]):
                continue
            ax.plot([row["delta_q05"], row["delta_q95"]], [y, y], color="0.55", lw=1)
            if np.isfinite(row["delta_lo"]):
                ax.plot([row["delta_lo"], row["delta_hi"]], [y, y], color="#1f4e9c", lw=4.5)
            ax.plot(row["delta_median"], y, "o", color="white", mec="#1f4e9c", ms=6)
        _design_panel(ax, ypos, [labels.get(d, d) for d in designs], metric, currency)
        span = sub[["delta_q05", "delta_q95"]].to_numpy(dtype=float)
        _readable_axis(ax, np.append(span, 0.0), metric, currency)
    base = labels.get(baseline, baseline)
    fig.suptitle(lang.tr("figure.difference_title", baseline=base), fontsize="medium")
    return light(fig)


def _design_panel(ax, ypos: np.ndarray, names: Sequence[str], metric: str, currency: str) -> None:
    """A panel with one row per design: its names (once per row of panels), its title with the
    indicator, unit and direction, a light grid."""
    ax.set_yticks(ypos, [_wrap(n) for n in names], fontsize="small")
    if ax.get_subplotspec().colspan.start > 0:  # design names once per row of panels
        ax.tick_params(labelleft=False)
    ax.set_title(_panel_title(metric, currency), fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    ax.set_ylim(-0.6, len(names) - 0.4)


def _panel_title(metric: str, currency: str) -> str:
    return f"{indicators.label(metric, currency)}\n{indicators.direction(metric)}"


def indices_figure(indices: pd.DataFrame, method: str, currency: str = "EUR") -> Figure:
    """One panel per output: each factor's index as a bar with its confidence interval."""
    outputs = list(dict.fromkeys(indices["output"]))
    factors = list(dict.fromkeys(indices["factor"]))
    fig, axes = _panels(len(outputs), width=4.6, height=0.45 * len(factors) + 1.6)
    bars = (
        [("mu_star", "μ*")]
        if method == "morris"
        else [("ST", lang.tr("sensitivity.total")), ("S1", lang.tr("sensitivity.first"))]
    )
    height = 0.8 / len(bars)
    for ax, output in zip(axes, outputs, strict=True):
        sub = indices[indices["output"] == output].set_index("factor").reindex(factors)
        ypos = np.arange(len(factors))[::-1]
        for i, (col, label) in enumerate(bars):
            ax.barh(
                ypos + (len(bars) - 1) / 2 * height - i * height,
                sub[col],
                height=height,
                xerr=sub[f"{col}_conf"],
                capsize=2,
                label=label,
            )
        ax.set_yticks(ypos, [_short(f) for f in factors], fontsize="small")
        for tick, role in zip(ax.get_yticklabels(), sub["role"], strict=True):
            tick.set_color(ROLE_COLORS.get(role, "black"))  # levers and assumptions apart
        if method == "morris":  # μ* is in the output's own unit
            plain_ticks(ax.xaxis, output, currency)
        else:
            plain_ticks(ax.xaxis)
        ax.set_title(indicators.label(output, currency), fontsize="small")
        ax.grid(axis="x", alpha=0.3)
    if len(bars) > 1:
        axes[0].legend(fontsize="small")
    key = "figure.morris_title" if method == "morris" else "figure.sobol_title"
    fig.suptitle(lang.tr(key))
    return light(fig)


def _short(text: str, width: int = 38) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(text: str, width: int = 28) -> str:
    """A design's name on as many lines as it needs: shown whole, never cut."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False))

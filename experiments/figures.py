"""Matplotlib figures: outcome vs lever with 90% bands, designs side by side, indices as bars.

Why `matplotlib.figure.Figure` rather than pyplot: no global state and no display needed, so
figures render the same on a laptop, a headless server or a Dask worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from cislab.experiments.stats import bands
from matplotlib.figure import Figure

BAND_ALPHA = 0.2
ROLE_COLORS = {"lever": "#1f4e9c", "uncertainty": "#8c510a"}


def save(fig: Figure, stem: Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in formats:
        path = stem.with_suffix(f".{ext}")
        fig.savefig(path, dpi=120, bbox_inches="tight")
        paths.append(path)
    return paths


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _panels(n: int, width: float = 4.2, height: float = 3.2) -> tuple[Figure, list]:
    cols = min(n, 3)
    rows = int(np.ceil(n / cols))
    fig = Figure(figsize=(width * cols, height * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _readable_axis(ax, values: np.ndarray) -> None:
    """Short tick labels (1.2M, not 1200000) and a visible span when every value is the same."""
    from matplotlib.ticker import EngFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    finite = values[np.isfinite(values)]
    if finite.size and np.abs(finite).max() >= 1e4:
        ax.xaxis.set_major_formatter(EngFormatter(places=1, sep=""))
    if finite.size and np.ptp(finite) < 1e-9:
        centre = float(finite.mean())
        half = max(abs(centre) * 0.1, 0.01)
        ax.set_xlim(centre - half, centre + half)


def lever_figure(
    frame: pd.DataFrame, outputs: Sequence[str], x: str, hue: str | None = None, title: str = ""
) -> Figure:
    """One panel per output: median over seeds vs the lever `x`, 5–95% band shaded,
    one line per level of `hue`. Other factors, if any, are pooled."""
    by = [x] if hue is None else [hue, x]
    table = bands(frame, by, outputs)
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
        ax.set_xlabel(x)
        ax.set_ylabel(output)
        ax.grid(alpha=0.3)
    if hue is not None:
        axes[0].legend(fontsize="small")
    fig.suptitle(title or "Median over seeds, 5–95% band")
    return fig


def scatter_figure(frame: pd.DataFrame, outputs: Sequence[str], factors: Sequence[str]) -> Figure:
    """For sampled designs (Latin hypercube): each run's outcome against each factor."""
    ok = frame[frame["status"] == "ok"]
    fig = Figure(figsize=(3.2 * len(factors), 2.8 * len(outputs)), layout="constrained")
    axes = fig.subplots(len(outputs), len(factors), squeeze=False)
    for r, output in enumerate(outputs):
        y = pd.to_numeric(ok[output], errors="coerce")
        for c, factor in enumerate(factors):
            ax = axes[r][c]
            x = ok[factor] if _is_numeric(ok[factor]) else ok[factor].astype(str)
            ax.scatter(x, y, s=6, alpha=0.5)
            if r == len(outputs) - 1:
                ax.set_xlabel(factor)
            if c == 0:
                ax.set_ylabel(output)
            ax.grid(alpha=0.3)
    fig.suptitle("Each run's outcome against each factor")
    return fig


def compare_figure(table: pd.DataFrame, metrics: Sequence[str], baseline: str) -> Figure:
    """One panel per metric: each design's median and 5–95% band; the baseline's band shaded."""
    designs = list(dict.fromkeys(table["design"]))
    fig, axes = _panels(len(metrics), width=4.6, height=0.5 * len(designs) + 1.6)
    for ax, metric in zip(axes, metrics, strict=True):
        sub = table[table["output"] == metric].set_index("design").reindex(designs)
        ypos = np.arange(len(designs))[::-1]
        base = sub.loc[baseline]
        if np.isfinite(base["median"]):
            ax.axvspan(base["q05"], base["q95"], color="grey", alpha=0.15, lw=0)
            ax.axvline(base["median"], color="grey", ls="--", lw=1)
        colors = ["black" if d == baseline else "C0" for d in designs]
        for y, design, color in zip(ypos, designs, colors, strict=True):
            row = sub.loc[design]
            if not np.isfinite(row["median"]):
                continue
            ax.errorbar(
                row["median"],
                y,
                xerr=[[row["median"] - row["q05"]], [row["q95"] - row["median"]]],
                fmt="o",
                color=color,
                capsize=3,
            )
        ax.set_yticks(ypos, [_short(d) for d in designs], fontsize="small")
        if ax.get_subplotspec().colspan.start > 0:  # design names once per row of panels
            ax.tick_params(labelleft=False)
        ax.set_title(metric, fontsize="medium")
        ax.grid(axis="x", alpha=0.3)
        _readable_axis(ax, sub[["q05", "q95"]].to_numpy())
    fig.suptitle("Median over seeds and 5–95% band (grey: baseline)")
    return fig


def indices_figure(indices: pd.DataFrame, method: str) -> Figure:
    """One panel per output: each factor's index as a bar with its confidence interval."""
    outputs = list(dict.fromkeys(indices["output"]))
    factors = list(dict.fromkeys(indices["factor"]))
    fig, axes = _panels(len(outputs), width=4.6, height=0.45 * len(factors) + 1.6)
    bars = (
        [("mu_star", "μ*")] if method == "morris" else [("ST", "total (ST)"), ("S1", "first (S1)")]
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
        ax.set_title(output, fontsize="medium")
        ax.grid(axis="x", alpha=0.3)
    if len(bars) > 1:
        axes[0].legend(fontsize="small")
    title = "Morris elementary effects (μ*, 95% CI)" if method == "morris" else "Sobol indices"
    title += " — contract levers in blue, assumptions in brown"
    fig.suptitle(title)
    return fig


def _short(text: str, width: int = 38) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

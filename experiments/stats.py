"""Medians, 90% bands and their uncertainty over seeds: the summary statistics every report uses.

Why median and the 5–95% band rather than mean ± sd: outcome payments, IRRs and savings are
skewed and bounded (a contract either pays or not), and a policymaker reads "in 9 runs of 10,
between … and …" more easily than a standard deviation.

Why a bootstrap interval beside the band: the band says how much one run varies; the interval
says how well the seeds run pin down the median (or mean) itself — it shrinks as seeds are
added, the band does not. The bootstrap is seeded, so the same runs give the same intervals.
Differences against a baseline are paired by seed (common random numbers: the same people and
draws in every design), which makes their intervals far narrower than two bands compared by eye.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

LOW, HIGH = 0.05, 0.95
CONFIDENCE = 0.95
RESAMPLES = 2000
BOOTSTRAP_SEED = 20240611  # fixed: an interval is a result, and results are reproducible
_Z = 1.959963984540054  # the normal quantile of a 95% two-sided interval


def numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    """A metric as floats (None -> NaN; booleans -> 0/1)."""
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def _resampled(values: np.ndarray, statistic: str, resamples: int, seed: int) -> np.ndarray:
    """The statistic on `resamples` bootstrap resamples (drawn in chunks to bound memory)."""
    rng = np.random.default_rng(seed)
    func = np.median if statistic == "median" else np.mean
    n = values.size
    chunk = max(1, min(resamples, 2_000_000 // max(n, 1)))
    out = []
    for start in range(0, resamples, chunk):
        idx = rng.integers(0, n, size=(min(chunk, resamples - start), n))
        out.append(func(values[idx], axis=1))
    return np.concatenate(out)


def bootstrap_ci(
    values: np.ndarray,
    statistic: str = "median",
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the median (or mean) of `values`; NaN below 2 values."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size < 2:
        return math.nan, math.nan
    if np.ptp(values) == 0:
        return float(values[0]), float(values[0])
    stats = _resampled(values, statistic, resamples, seed)
    tail = (1 - confidence) / 2
    return float(np.quantile(stats, tail)), float(np.quantile(stats, 1 - tail))


def seeds_needed(values: np.ndarray, precision: float, statistic: str = "median") -> float:
    """Seeds for a 95% interval of ± `precision` × |statistic| (relative half-width).

    Mean: the normal approximation n = (z·sd / (p·|mean|))². Median: its bootstrap half-width at
    the n seeds run, scaled as 1/√n. NaN when the statistic is 0 (a relative precision on zero
    is undefined) or fewer than 2 values are defined.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = values.size
    if n < 2:
        return math.nan
    centre = float(np.median(values) if statistic == "median" else values.mean())
    if centre == 0:
        return math.nan
    if np.ptp(values) == 0:
        return 2.0
    target = precision * abs(centre)
    if statistic == "mean":
        return float(max(2, math.ceil((_Z * values.std(ddof=1) / target) ** 2)))
    lo, hi = bootstrap_ci(values, "median")
    half = (hi - lo) / 2
    return float(max(2, math.ceil(n * (half / target) ** 2)))


def bands(
    frame: pd.DataFrame, by: Sequence[str], outputs: Sequence[str], intervals: bool = True
) -> pd.DataFrame:
    """Long table: one row per group and output with n, median, q05, q95, mean and (with
    `intervals`) 95% bootstrap intervals of the median (`median_lo`, `median_hi`) and the mean.

    Only successful runs count; `n` is the number of runs where the output is defined and
    `undefined` the number of successful runs where it is not (an IRR with no cash flows…).
    """
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame
    rows = []
    groups = ok.groupby(list(by), sort=False, dropna=False) if by else [((), ok)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        for output in outputs:
            if output not in group:
                continue
            column = numeric(group, output)
            values = column.dropna().to_numpy()
            row = dict(zip(by, key, strict=True))
            row["output"] = output
            row["n"] = int(values.size)
            row["undefined"] = int(column.isna().sum())
            if values.size:
                row["median"] = float(np.median(values))
                row["q05"] = float(np.quantile(values, LOW))
                row["q95"] = float(np.quantile(values, HIGH))
                row["mean"] = float(values.mean())
            else:
                row.update(median=np.nan, q05=np.nan, q95=np.nan, mean=np.nan)
            if intervals:
                row["median_lo"], row["median_hi"] = bootstrap_ci(values, "median")
                row["mean_lo"], row["mean_hi"] = bootstrap_ci(values, "mean")
            rows.append(row)
    return pd.DataFrame(rows)


def paired_difference(
    frame: pd.DataFrame, by: str, baseline: object, outputs: Sequence[str]
) -> pd.DataFrame:
    """Per design, (design − baseline) over the seeds run by both: its median, 90% band, the 95%
    bootstrap interval of that median, and the mean difference with its interval.

    Seeds are common random numbers (same people, same draws), so the paired difference is far
    tighter than comparing two bands by eye.
    """
    ok = frame[frame["status"] == "ok"]
    base = ok[ok[by] == baseline].set_index("seed")
    rows = []
    for design, group in ok.groupby(by, sort=False):
        if design == baseline:
            continue
        group = group.set_index("seed")
        seeds = group.index.intersection(base.index)
        for output in outputs:
            ours, theirs = numeric(group.loc[seeds], output), numeric(base.loc[seeds], output)
            diff = (ours - theirs).dropna()
            # float noise (an IRR solved to 1e-15) is no difference: it would read as "differs"
            scale = np.maximum(np.abs(ours), np.abs(theirs)).reindex(diff.index).fillna(0.0)
            values = np.where(np.abs(diff) <= 1e-9 * np.maximum(scale, 1.0), 0.0, diff)
            row = {by: design, "output": output, "delta_n": int(values.size)}
            if values.size:
                row["delta_median"] = float(np.median(values))
                row["delta_q05"] = float(np.quantile(values, LOW))
                row["delta_q95"] = float(np.quantile(values, HIGH))
                row["delta_mean"] = float(values.mean())
            else:
                row.update(delta_median=np.nan, delta_q05=np.nan, delta_q95=np.nan)
                row["delta_mean"] = np.nan
            row["delta_lo"], row["delta_hi"] = bootstrap_ci(values, "median")
            row["delta_mean_lo"], row["delta_mean_hi"] = bootstrap_ci(values, "mean")
            rows.append(row)
    return pd.DataFrame(rows)


def precision_table(
    frame: pd.DataFrame, by: Sequence[str], outputs: Sequence[str], precision: float
) -> pd.DataFrame:
    """Per group and output: seeds run and seeds needed for ± `precision` (relative, 95%) on the
    median and on the mean."""
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame
    rows = []
    for key, group in ok.groupby(list(by), sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        for output in outputs:
            values = numeric(group, output).dropna().to_numpy()
            row = dict(zip(by, key, strict=True))
            row.update(
                output=output,
                n=int(values.size),
                precision=precision,
                seeds_for_median=seeds_needed(values, precision, "median"),
                seeds_for_mean=seeds_needed(values, precision, "mean"),
            )
            rows.append(row)
    return pd.DataFrame(rows)


def fmt(value: float | None) -> str:
    """Compact formatting for identifiers-only contexts (Markdown reports in English)."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"

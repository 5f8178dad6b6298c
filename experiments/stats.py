"""Medians and 90% bands over seeds: the one summary statistic every report here uses.

Why median and the 5–95% band rather than mean ± sd: outcome payments, IRRs and savings are
skewed and bounded (a contract either pays or not), and a policymaker reads "in 9 runs of 10,
between … and …" more easily than a standard deviation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

LOW, HIGH = 0.05, 0.95


def numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    """A metric as floats (None -> NaN; booleans -> 0/1)."""
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def bands(frame: pd.DataFrame, by: Sequence[str], outputs: Sequence[str]) -> pd.DataFrame:
    """Long table: one row per group and output with n, median, q05, q95, mean.

    Only successful runs count; `n` is the number of runs where the output is defined.
    """
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame
    rows = []
    groups = ok.groupby(list(by), sort=False, dropna=False) if by else [((), ok)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        for output in outputs:
            if output not in group:
                continue
            values = numeric(group, output).dropna().to_numpy()
            row = dict(zip(by, key, strict=True))
            row["output"] = output
            row["n"] = int(values.size)
            if values.size:
                row["median"] = float(np.median(values))
                row["q05"] = float(np.quantile(values, LOW))
                row["q95"] = float(np.quantile(values, HIGH))
                row["mean"] = float(values.mean())
            else:
                row.update(median=np.nan, q05=np.nan, q95=np.nan, mean=np.nan)
            rows.append(row)
    return pd.DataFrame(rows)


def paired_difference(
    frame: pd.DataFrame, by: str, baseline: object, outputs: Sequence[str]
) -> pd.DataFrame:
    """Per design, the median and band of (design − baseline) over seeds run by both.

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
            diff = (numeric(group.loc[seeds], output) - numeric(base.loc[seeds], output)).dropna()
            values = diff.to_numpy()
            rows.append(
                {
                    by: design,
                    "output": output,
                    "delta_n": int(values.size),
                    "delta_median": float(np.median(values)) if values.size else np.nan,
                    "delta_q05": float(np.quantile(values, LOW)) if values.size else np.nan,
                    "delta_q95": float(np.quantile(values, HIGH)) if values.size else np.nan,
                }
            )
    return pd.DataFrame(rows)


def fmt(value: float | None) -> str:
    """Compact human formatting: money with thousands separators, indices to 3 decimals."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"

"""One name, one quantity (issue 11): the time series, the DataCollector and `mesa.batch_run`
report the summary's statistics under the summary's names — their last row is the summary.
Before: `true_effect` was the last cohort's on the time series (0.15) and pooled in the summary
(0.113); parking and gaming were NaN at `batch_run`'s last step."""

from __future__ import annotations

import math

import mesa
import pytest
from cislab.model import CISModel
from cislab.model.api import run

SAME = ("creaming_index", "parking_index", "gaming_index", "true_effect", "measured_effect")


@pytest.mark.parametrize(
    ("scenario", "seed"),
    [
        ("default", 0),
        ("default", 1),
        ("peterborough", 0),
        ("educate_girls", 0),
        ("empleando_futuro", 2),
        ("rikers_island", 1),
        ("gironde_relais_familial", 0),
    ],
)
def test_the_time_series_last_row_is_the_summary(scenario, seed):
    result = run(scenario, seed=seed)
    last = result.timeseries.iloc[-1]
    assert result.summary["counted"] > 0
    for key in SAME:
        assert last[key] == pytest.approx(result.summary[key], abs=1e-12), key


def test_batch_run_reports_defined_indices_at_its_last_step():
    rows = mesa.batch_run(
        CISModel,
        parameters={"contract.audit_rate": [0.0, 1.0]},
        rng=[1, 2],
        max_steps=60,
        number_processes=1,
        display_progress=False,
    )
    last = [r for r in rows if r["Step"] == max(x["Step"] for x in rows)]
    assert len(last) == 4
    for row in last:
        for key in ("parking_index", "gaming_index", "creaming_index"):
            assert math.isfinite(row[key]), key

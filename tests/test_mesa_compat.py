"""The model stays a well-behaved Mesa model: batch_run drives it with flat keyword parameters."""

from __future__ import annotations

import mesa
import pandas as pd
from cislab.model.cis_model import CISModel


def test_builds_from_defaults_and_runs_for():
    model = CISModel(rng=1)
    model.run_for(10)
    assert model.time == 10.0
    assert model.month == 10


def test_batch_run_two_points_two_seeds():
    results = mesa.batch_run(
        CISModel,
        parameters={"contract.selection": ["operator", "random_referral"]},
        rng=[1, 2],
        max_steps=60,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert len(frame) == 4
    by_design = frame.groupby("contract.selection")["creaming_index"].mean()
    assert by_design["operator"] > by_design["random_referral"] + 0.05
    assert set(frame["rng"]) == {1, 2}

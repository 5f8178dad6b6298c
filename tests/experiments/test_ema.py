"""EMA workbench adapter: perform_experiments and PRIM scenario discovery on a small design."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

from cislab.experiments.ema import ema_model, perform, prim_box, prim_inputs
from cislab.experiments.spec import load_experiment


@pytest.fixture
def small_experiment(write_experiment):
    return write_experiment(
        factors={
            "contract.audit_rate": {"low": 0.0, "high": 1.0},
            "contract.selection": ["operator", "random_referral"],
            "intervention.effect": {"low": 0.2, "high": 1.5},
            "population.network_degree": {"low": 2, "high": 8},
        },
        design={"kind": "lhs", "samples": 10},
        fixed={"population.size": 300},
        months=24,
        seeds=5,
        outputs=["true_effect", "creaming_index"],
    )


def test_model_maps_levers_uncertainties_and_outcomes(small_experiment):
    model = ema_model(small_experiment)
    levers = {p.name for p in model.levers}
    uncertainties = {p.name for p in model.uncertainties}
    assert levers == {"contract__audit_rate", "contract__selection"}
    # The seeds are replications, never an uncertainty a PRIM box could restrict.
    assert uncertainties == {"intervention__effect", "population__network_degree"}
    assert [r["seed"] for r in model.replications] == [0, 1, 2, 3, 4]
    assert {o.name for o in model.outcomes} == {"true_effect", "creaming_index"}


def test_perform_experiments_and_prim_find_where_the_programme_works(small_experiment):
    exp, _ = load_experiment(small_experiment)
    experiments, outcomes = perform(ema_model(exp), scenarios=20, policies=2, rng=1)
    assert len(experiments) == 40
    assert set(outcomes) == {"true_effect", "creaming_index"}
    assert np.isfinite(outcomes["true_effect"]).all()
    x = prim_inputs(experiments)
    # Integer columns reach PRIM as floats (EMA 3.0 + pandas 3 fails on int64 otherwise).
    assert x["population__network_degree"].dtype == float and "seed" not in x
    box = prim_box(experiments, outcomes, "true_effect", quantile=0.75)
    limits = box.box_lim[-1] if isinstance(box.box_lim, list) else box.box_lim
    assert "intervention__effect" in limits.columns
    # High true effects live where the intervention works: the box cuts the effect from below.
    assert limits["intervention__effect"].iloc[0] > 0.5
    assert 0 < box.coverage <= 1 and 0 < box.density <= 1


def test_a_prim_box_on_the_categorical_lever_inspects_and_repeats(write_experiment):
    """Issue 11: `PrimBox.inspect` crashed (TypeError in ema_workbench/analysis/prim.py) when a
    box restricted `contract__selection`; two identical calls gave different boxes."""
    path = write_experiment(
        factors={
            "contract.selection": ["operator", "random_referral"],
            "contract.audit_rate": {"low": 0.0, "high": 1.0},
            "intervention.effect": {"low": 0.5, "high": 1.5},
        },
        design={"kind": "lhs", "samples": 4},
        fixed={"population.size": 2000},
        months=24,
        seeds=2,
        outputs=["creaming_index"],
    )
    exp, _ = load_experiment(path)
    runs = [perform(ema_model(exp), scenarios=2, policies=6, rng=7) for _ in range(2)]
    (experiments, outcomes), (again, outcomes_again) = runs
    # The same samples (EMA's scenario and policy labels are counters, so they differ).
    assert prim_inputs(experiments).equals(prim_inputs(again))
    assert np.array_equal(outcomes["creaming_index"], outcomes_again["creaming_index"])
    box = prim_box(experiments, outcomes, "creaming_index", quantile=0.5)
    stats, table = box.inspect(style="data")[0]
    assert 0 < stats["density"] <= 1
    assert list(table.index) == ["contract__selection"]
    assert table.iloc[0, 0] == {"operator"}  # creaming lives where the operator selects
    again_box = prim_box(again, outcomes_again, "creaming_index", quantile=0.5)
    assert again_box.inspect(style="data")[0][1].equals(table)

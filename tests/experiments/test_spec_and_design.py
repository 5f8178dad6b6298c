"""Experiment files are validated before any run; designs are deterministic and well spread."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cislab.experiments.design import grid_levels, lhs_points
from cislab.experiments.plan import load_plan
from cislab.experiments.spec import ExperimentError, Factor, load_experiment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "experiments" / "creaming_vs_selection.toml"


def test_shipped_example_is_two_factors_over_at_least_ten_seeds_on_the_default_scenario():
    exp, base = load_experiment(EXAMPLE)
    assert len(exp.factors) == 2
    assert len(exp.seed_list) >= 10
    assert exp.scenario == "default" and base.meta.name == "default"
    plan = load_plan(EXAMPLE)
    assert plan.total == 3 * 2 * len(exp.seed_list)
    assert plan.columns == ["contract.selection", "contract.metric"]


def test_every_shipped_experiment_is_valid():
    files = sorted((ROOT / "scenarios" / "experiments").glob("*.toml"))
    assert len(files) >= 2
    for path in files:
        assert load_plan(path).total > 0


def test_grid_is_the_full_factorial_in_file_order(write_experiment):
    path = write_experiment(
        factors={
            "contract.selection": ["operator", "random_referral"],
            "contract.audit_rate": {"low": 0.0, "high": 1.0, "steps": 3},
        }
    )
    plan = load_plan(path)
    assert [p.values for p in plan.points] == [
        {"contract.selection": s, "contract.audit_rate": a}
        for s in ("operator", "random_referral")
        for a in (0.0, 0.5, 1.0)
    ]
    assert [p.point_id for p in plan.points] == list(range(6))
    assert plan.seeds == [0, 1, 2]


def test_integer_fields_get_integer_levels_and_floats_are_normalised():
    assert grid_levels("operator.caseworkers", Factor(low=2, high=5, steps=3)) == [2, 4, 5]
    assert grid_levels("contract.audit_rate", Factor(values=[0, 1])) == [0.0, 1.0]
    assert all(isinstance(v, float) for v in grid_levels("contract.audit_rate", Factor(values=[0])))


def test_latin_hypercube_is_seeded_and_stratified():
    factors = {
        "contract.audit_rate": Factor(low=0.0, high=1.0),
        "operator.caseworkers": Factor(low=1, high=10),
        "contract.selection": Factor(values=["operator", "public_referral"]),
    }
    a = lhs_points(factors, 10, seed=3)
    b = lhs_points(factors, 10, seed=3)
    c = lhs_points(factors, 10, seed=4)
    assert [p.values for p in a] == [p.values for p in b]
    assert [p.values for p in a] != [p.values for p in c]
    rates = np.array([p.values["contract.audit_rate"] for p in a])
    assert sorted(np.floor(rates * 10).astype(int)) == list(range(10))  # one per stratum
    assert sorted(p.values["operator.caseworkers"] for p in a) == list(range(1, 11))
    shares = [p.values["contract.selection"] for p in a]
    assert shares.count("operator") == 5 and shares.count("public_referral") == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"factors": {"contract.nothing": [1, 2]}}, "factors: unknown path 'contract.nothing'"),
        ({"factors": {"nowhere.at_all": [1]}}, "unknown path 'nowhere.at_all'; sections:"),
        (
            {"factors": {"contract.audit_rate": {"low": 0.5, "high": 0.5, "steps": 2}}},
            'factors."contract.audit_rate": empty range: low (0.5) must be < high (0.5)',
        ),
        ({"factors": {"contract.audit_rate": []}}, "values is empty"),
        (
            {"factors": {"contract.audit_rate": [0.5, 2.0]}},
            "contract.audit_rate = 2.0: must be ≤ 1.0 (allowed 0.0–1.0)",
        ),
        (
            {"factors": {"contract.selection": ["operator", "lottery"]}},
            "contract.selection = 'lottery'",
        ),
        (
            {"factors": {"contract.audit_rate": {"low": 0.0, "high": 1.0}}},
            "a grid needs steps = N (≥ 2) for a low/high range",
        ),
        (
            {"factors": {"contract.audit_rate": {"low": 0.0, "high": 3.0, "steps": 4}}},
            "contract.audit_rate = 3.0: must be ≤ 1.0",
        ),
        (
            {"factors": {"contract.selection": {"low": 0.0, "high": 1.0, "steps": 2}}},
            "a low/high range needs a numeric field",
        ),
        ({"factors": {}, "outputs": ["happiness"]}, "outputs: unknown output 'happiness'"),
        ({"factors": {}, "seeds": 0}, "seeds = 0: must be between 1 and 1000000, got 0"),
        ({"factors": {}, "fixed": {"population.size": 10}}, "population.size = 10: must be ≥ 50"),
        ({"factors": {}, "design": {"kind": "lhs"}}, "a Latin hypercube needs samples"),
    ],
)
def test_bad_input_is_one_clear_line(write_experiment, kwargs, message):
    path = write_experiment(**kwargs)
    with pytest.raises(ExperimentError) as err:
        load_plan(path)
    text = str(err.value)
    assert message in text
    assert text.startswith("exp.toml: ")
    assert "\n" not in text


def test_unknown_top_level_key_and_missing_file(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('name = "x"\nrepeats = 3\n')
    with pytest.raises(ExperimentError, match="repeats: unknown field"):
        load_experiment(path)
    with pytest.raises(ExperimentError, match="experiment file not found"):
        load_experiment(tmp_path / "missing.toml")

"""Scenario files and overrides: valid data in, one clear line out for anything else."""

from __future__ import annotations

import pytest
from cislab.model.scenarios import (
    ScenarioError,
    known_paths,
    load_scenario,
    parse_assignments,
    scenario_names,
    source_ok,
)
from cislab.model.schema import Evaluation, Selection

REQUIRED_PATHS = {
    "contract.selection": {s.value for s in Selection},
    "contract.evaluation": {e.value for e in Evaluation},
}


def test_required_override_paths_exist_with_their_values():
    assert REQUIRED_PATHS["contract.selection"] == {
        "random_referral",
        "public_referral",
        "operator",
    }
    assert REQUIRED_PATHS["contract.evaluation"] == {
        "rct",
        "matched_comparison",
        "historical_baseline",
        "pre_post",
    }
    for path in ("contract.audit_rate", "contract.price_per_outcome", "intervention.effect"):
        assert path in known_paths()
    for value in REQUIRED_PATHS["contract.selection"]:
        assert load_scenario("default", {"contract.selection": value}).contract.selection == value
    for value in REQUIRED_PATHS["contract.evaluation"]:
        assert load_scenario("default", {"contract.evaluation": value}).contract.evaluation == value
    assert load_scenario("default", {"intervention.effect": 0}).intervention.effect == 0


def uncited_numbers(sc) -> list[str]:
    """Numeric settings (numbers and lists of numbers) with no source or stated assumption."""
    missing = []
    for section, fields in sc.model_dump().items():
        if section in {"meta", "sources"} or not isinstance(fields, dict):
            continue
        for field, value in fields.items():
            is_number = isinstance(value, int | float | list) and not isinstance(value, bool)
            if is_number and not source_ok(sc, f"{section}.{field}"):
                missing.append(f"{section}.{field}")
    return missing


def test_shipped_scenarios_are_valid_and_every_number_cites_a_source():
    assert {"default", "peterborough"} <= set(scenario_names())
    for name in scenario_names():
        sc = load_scenario(name)
        assert uncited_numbers(sc) == [], f"{name}: numbers without a source"
        unknown = set(sc.sources) - known_paths()
        assert unknown == set(), f"{name}: sources for unknown paths {unknown}"


def test_default_scenario_is_the_critics_setting():
    sc = load_scenario()
    assert sc.meta.name == "default"
    assert sc.contract.metric == "binary"
    assert sc.contract.selection == "operator"
    assert sc.contract.evaluation == "matched_comparison"
    assert sc.meta.title.fr and sc.meta.title.en


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"contract.audit_rate": 1.5},
            "contract.audit_rate = 1.5: must be ≤ 1.0 (allowed 0.0–1.0)",
        ),
        (
            {"contract.audit_rate": -0.1},
            "contract.audit_rate = -0.1: must be ≥ 0.0 (allowed 0.0–1.0)",
        ),
        ({"contract.price_per_outcome": -5}, "contract.price_per_outcome = -5: must be ≥ 0.0"),
        (
            {"contract.selection": "lottery"},
            "contract.selection = 'lottery': allowed: "
            "'random_referral', 'public_referral' or 'operator'",
        ),
        ({"contract.audit_rat": 0.5}, "unknown field 'contract.audit_rat'"),
        ({"population.size": "many"}, "population.size = 'many'"),
    ],
)
def test_bad_overrides_give_one_line_naming_field_and_range(overrides, expected):
    with pytest.raises(ScenarioError) as err:
        load_scenario("default", overrides)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(expected)


def test_unknown_scenario_and_bad_files(tmp_path):
    with pytest.raises(ScenarioError, match="unknown scenario 'nowhere'; known: "):
        load_scenario("nowhere")
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta\nname = 'x'")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)
    extra = tmp_path / "extra.toml"
    extra.write_text("[meta]\nname = 'x'\n[contract]\nbonus = 3\n")
    with pytest.raises(ScenarioError, match=r"^contract.bonus: unknown field$"):
        load_scenario(extra)
    missing = tmp_path / "missing.toml"
    missing.write_text("[contract]\naudit_rate = 0.5\n")
    with pytest.raises(ScenarioError, match=r"^meta: required field is missing$"):
        load_scenario(missing)


def test_assignments_parse_toml_values():
    parsed = parse_assignments(
        [
            "contract.audit_rate=0.5",
            "contract.selection=operator",
            "contract.price_tiers=[1, 2]",
            "contract.cap_at_savings=true",
        ]
    )
    assert parsed == {
        "contract.audit_rate": 0.5,
        "contract.selection": "operator",
        "contract.price_tiers": [1, 2],
        "contract.cap_at_savings": True,
    }
    with pytest.raises(ScenarioError, match="expected path=value"):
        parse_assignments(["contract.audit_rate"])


def test_overrides_by_flat_keyword_spelling():
    sc = load_scenario("default", {"contract__audit_rate": 0.7})
    assert sc.contract.audit_rate == 0.7


def test_every_term_of_a_shipped_scenario_says_where_it_comes_from():
    """Issue 11: `cislab validate default` warned "8 values without a source" — the evaluation
    method, metric, selection rule, … of the shipped scenarios had none. Every lever, not only
    the numbers, now cites CASES.md or states an assumption."""
    for name in scenario_names():
        sc = load_scenario(name)
        missing = [p for p in known_paths() if not p.startswith("meta.") and not source_ok(sc, p)]
        assert missing == [], f"{name}: {missing}"


def test_validate_prints_no_missing_source_note_for_shipped_scenarios():
    from typer.testing import CliRunner

    from cislab.cli import app

    for name in ("default", "peterborough"):
        result = CliRunner().invoke(app, ["validate", name])
        assert result.exit_code == 0 and "without a source" not in result.output

"""Regression tests for issue 9's bad-input findings: each failed (traceback, markup error,
NaN in JSON, unbounded memory) before the fix.

Every bad input must give exit code 2, ONE line on stderr naming the field or file, the value
(shortened) and what is allowed, and nothing written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cislab.model.budget import LIMIT_ENV, comparison_pool_size, estimate
from cislab.model.finite import NonFiniteOutput
from cislab.model.outputs import write_run
from cislab.model.scenarios import SCENARIO_DIR, ScenarioError, load_scenario
from typer.testing import CliRunner

from cislab import __version__
from cislab.cli import app

runner = CliRunner()
DEFAULT_TOML = (SCENARIO_DIR / "default.toml").read_bytes()


def strict_json(text: str) -> object:
    """json.loads that refuses NaN and Infinity (Python's json accepts them by default)."""

    def refuse(name: str) -> object:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def refused(args: list[str], tmp_path: Path, *needles: str) -> str:
    """Invoke the CLI, assert a clean refusal, return the error line."""
    out = tmp_path / "out"
    if args[0] == "run":
        args = [*args, "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("error: "), line
    assert len(line) <= 400, f"{len(line)} characters: {line[:200]}"
    for needle in needles:
        assert needle in line, line
    assert not out.exists()
    return line


# --------------------------------------------------------------------- scenario files
def test_invalid_utf8_names_the_file(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[meta]\nname = "caf\xe9"\n')
    refused(["validate", str(path)], tmp_path, "latin1.toml", "not UTF-8", "UTF-8")


@pytest.mark.parametrize(
    "text",
    [
        "[" + ".".join(["a"] * 500) + "]\nx = 1\n",  # tables nested 500 deep
        "x = " + "[" * 600 + "]" * 600 + "\n",  # arrays nested 600 deep: RecursionError
        "x = " + "{a = " * 400 + "1" + "}" * 400 + "\n",  # inline tables
    ],
)
def test_deep_nesting_is_refused(tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text)
    refused(["validate", str(path)], tmp_path, "deep.toml", "nested too deep", "at most")


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + DEFAULT_TOML)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert load_scenario(path) == load_scenario("default")


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_bytes(DEFAULT_TOML + b"\n# " + b"x" * 1_100_000 + b"\n")
    refused(["validate", str(path)], tmp_path, "huge.toml", "too large", "at most")


def test_unusable_scenario_name_is_one_short_line(tmp_path):
    line = refused(["run", "x" * 5000], tmp_path, "not a usable file name")
    assert "x" * 100 not in line


# --------------------------------------------------------------------- --set overrides
def test_set_below_a_value_is_refused(tmp_path):
    refused(["run", "--set", "meta.name.x=1"], tmp_path, "meta.name.x", "meta.name is a value")


def test_overlong_scenario_name_is_refused(tmp_path):
    """meta.name names the default output folder: 300 characters used to end in an OSError."""
    refused(["run", "--months", "1", "--set", "meta.name=" + "a" * 300], tmp_path, "at most 64")


def test_price_tiers_message_does_not_dump_the_scenario(tmp_path):
    line = refused(
        ["run", "--set", "contract.price_tiers=[1]"], tmp_path, "contract.price_tiers", "2 risk"
    )
    assert "[meta]" not in line and "sources" not in line


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "+inf", "1e400"])
def test_non_finite_numbers_are_refused(tmp_path, value):
    refused(["run", "--set", f"operator.cash={value}"], tmp_path, "operator.cash", "finite")


def test_long_values_are_shortened(tmp_path):
    line = refused(["run", "--set", "contract.selection=" + "z" * 20_000], tmp_path)
    assert "contract.selection" in line and "…" in line and "z" * 100 not in line


def test_deeply_nested_override_value(tmp_path):
    value = "[" * 600 + "1" + "]" * 600
    refused(["run", "--set", f"contract.audit_rate={value}"], tmp_path, "nested too deep")


# --------------------------------------------------------------------- markup
@pytest.mark.parametrize("text", ["[/]", "[bold]x[/bold][/]", "[link=https://evil.example]x"])
def test_markup_in_a_bad_value_is_printed_as_text(tmp_path, text):
    line = refused(["run", "--set", f"contract.selection={text}"], tmp_path, "contract.selection")
    assert text in line  # printed literally: rich would have eaten or choked on the tags


@pytest.mark.parametrize("text", ["[/]", "[link=https://evil.example]click me[/link]", "[red]x"])
def test_markup_in_a_title_is_printed_as_text(tmp_path, text):
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        ["run", "--months", "2", "--set", f"meta.title.en={text}", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert text in result.output  # the table title shows the brackets, no link, no style
    shown = tmp_path / "shown.toml"
    shown.write_text(
        DEFAULT_TOML.decode().replace('en = "', f"en = {json.dumps(text)} #", 1), encoding="utf-8"
    )
    valid = runner.invoke(app, ["validate", str(shown)])
    assert valid.exit_code == 0 and text in valid.output, valid.output


def test_title_text_does_not_break_the_figure(tmp_path):
    out = tmp_path / "run"
    title = "$\\frac{$ 100$ [/] \x1b[31m 😀"  # mathtext, markup, a terminal escape, an emoji
    args = ["run", "--months", "2", "--set", "after.horizon_years=1", "--out", str(out)]
    result = runner.invoke(app, [*args, "--set", f"meta.title.en={title}"])
    assert result.exit_code == 0, result.output
    assert (out / "adoption.png").stat().st_size > 1000


def test_markup_in_indigo_search_and_compare_labels(tmp_path):
    listing = runner.invoke(app, ["import-indigo", "--list", "[/]"])
    assert listing.exit_code == 0 and "[/]" in listing.output, listing.output
    design = tmp_path / "[bold]mine[red].toml"
    design.write_bytes(DEFAULT_TOML)
    out = tmp_path / "cmp"
    # a design named with markup, and a file whose name has markup: neither is interpreted
    args = ["compare", f"[bold]mine[red]={design}", "--seeds", "2", "--months", "2"]
    args += ["--workers", "1"]
    result = runner.invoke(
        app, [*args, "--set", "population.size=200", "--metric", "enrolled", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "[bold]mine[red]" in result.output, result.output


def test_unknown_field_with_markup_is_one_line(tmp_path):
    refused(["run", "--set", "[/]=1"], tmp_path, "unknown field '[/]'")


# --------------------------------------------------------------------- bounded work
def test_issue_caseworkers_scenario_is_bounded():
    """100,000 caseworkers × 1,000 places used to size a 17.5 GB comparison pool."""
    from cislab.model.api import build

    overrides = {"operator.caseworkers": 100_000, "operator.caseload_per_worker": 1000}
    sc = load_scenario("default", overrides)
    assert comparison_pool_size(sc) <= sc.evaluator.comparison_pool_factor * sc.population.size
    assert estimate(sc).memory_gb < 1.0
    model = build(sc, seed=0, months=2)
    assert model.comparison_pool.risk.size == comparison_pool_size(sc)


def test_pool_bound_leaves_shipped_scenarios_unchanged():
    """The bound only cuts pools larger than anyone could be matched with."""
    import math as m

    for name in ("default", "peterborough", "wimoov", "educate_girls"):
        sc = load_scenario(name)
        planned = sc.intake_per_month * sc.contract.cohorts * sc.contract.cohort_months
        old = max(200, m.ceil(sc.evaluator.comparison_pool_factor * planned))
        assert comparison_pool_size(sc) == old


def test_too_large_a_scenario_is_refused_with_estimate_and_limit(tmp_path, monkeypatch):
    monkeypatch.delenv(LIMIT_ENV, raising=False)
    line = refused(
        ["run", "--set", "population.size=2000000", "--set", "population.network_degree=50"],
        tmp_path,
        "GB",
        "limit",
        LIMIT_ENV,
        "population.network_degree",
    )
    assert "about" in line  # the estimate and the limit are both given
    monkeypatch.setenv(LIMIT_ENV, "100")
    sc = load_scenario("default", {"population.size": 2_000_000, "population.network_degree": 50})
    assert sc.population.size == 2_000_000
    monkeypatch.setenv(LIMIT_ENV, "0.1")
    with pytest.raises(ScenarioError, match=r"above the limit of 0\.1 GB"):
        load_scenario("default")


def test_bad_memory_limit_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv(LIMIT_ENV, "lots")
    refused(["run", "--months", "1"], tmp_path, LIMIT_ENV, "'lots'")


def test_months_override_is_budgeted(tmp_path, monkeypatch):
    from cislab.model.api import build

    monkeypatch.setenv(LIMIT_ENV, "0.5")
    overrides = {"territories.count": 1000, "after.horizon_years": 1}
    sc = load_scenario("default", overrides)  # fits with its own months
    assert estimate(sc, 1200).memory > estimate(sc).memory
    monkeypatch.setenv(LIMIT_ENV, str(estimate(sc).memory_gb * 1.01))
    with pytest.raises(ScenarioError, match="above the limit"):
        build(sc, months=1200)
    args = ["--set", "territories.count=1000", "--set", "after.horizon_years=1"]
    refused(["run", *args, "--months", "1200"], tmp_path, "above the limit", LIMIT_ENV)


# --------------------------------------------------------------------- finite outputs
@pytest.mark.parametrize(
    ("scenario", "setting"),
    [
        ("peterborough", "operator.believed_effect=0"),
        ("educate_girls", "intervention.max_logit_reduction=0"),
        ("default", "intervention.effect=0"),
    ],
)
def test_no_nan_in_summary(tmp_path, scenario, setting):
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", scenario, "--set", setting, "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = strict_json((out / "summary.json").read_text())
    assert isinstance(summary, dict)
    assert all(not isinstance(v, float) or math.isfinite(v) for v in summary.values())
    assert abs(summary["ledger_imbalance"]) < 1e-6
    assert summary["parking_index"] is not None
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert np.isfinite(ts["metric_hours"]).all()


def test_non_finite_value_is_not_stored_in_scenario_json(tmp_path):
    """`operator.cash=inf` used to be accepted and written as null, so a run was not repeatable."""
    with pytest.raises(ScenarioError, match=r"operator\.cash = inf"):
        load_scenario("default", {"operator.cash": math.inf})
    with pytest.raises(ScenarioError, match="finite"):
        load_scenario("default", {"investor.capital": math.nan})


def test_writer_refuses_nan_and_writes_nothing(tmp_path):
    out = tmp_path / "w"
    table = pd.DataFrame({"month": [0, 1], "caseload": [1.0, np.nan]})
    with pytest.raises(NonFiniteOutput, match=r"timeseries\.caseload"):
        write_run(out, {"x": 1.0}, {"timeseries": table})
    with pytest.raises(NonFiniteOutput, match=r"summary: investor_irr = nan"):
        write_run(out, {"investor_irr": float("nan")}, {})
    with pytest.raises(NonFiniteOutput, match="infinite"):
        write_run(out, {}, {"timeseries": pd.DataFrame({"parking_index": [np.inf]})})
    assert not out.exists() and list(tmp_path.iterdir()) == []
    # documented nullable columns may be NaN (null in Parquet)
    nullable = pd.DataFrame({"gaming_index_month": [np.nan]})
    write_run(out, {"investor_irr": None}, {"timeseries": nullable})
    assert strict_json((out / "summary.json").read_text()) == {"investor_irr": None}


# --------------------------------------------------------------------- experiment files
@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'name = "x\xff"\n', "not UTF-8"),
        (b"name = " + b"[" * 700 + b"]" * 700, "nested too deep"),
        (b'name = "x"\nseeds = 2\n[fixed]\n"operator.cash" = inf\n', "finite"),
        (b'name = "x"\nseeds = 2\n[factors]\n"contract.audit_rate" = [nan]\n', "finite"),
        (b'name = "x"\n[factors]\n"[/]" = [1]\n', "unknown path '[/]'"),
    ],
)
def test_bad_experiment_files(tmp_path, content, needle):
    path = tmp_path / "exp.toml"
    path.write_bytes(content)
    refused(["sweep", str(path), "--out", str(tmp_path / "sw")], tmp_path, needle)
    assert not (tmp_path / "sw").exists()


def test_experiment_with_bom_is_read(tmp_path):
    from cislab.experiments.spec import load_experiment

    source = SCENARIO_DIR / "experiments" / "creaming_vs_selection.toml"
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert load_experiment(path)[0] == load_experiment(source)[0]


# --------------------------------------------------------------------- version
def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"cislab {__version__}"


def test_markup_in_a_currency_is_printed_not_interpreted(tmp_path):
    """Found by the fuzz test: a currency of "[/]" crashed the summary table (rich markup)."""
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", "--set", "meta.currency=[/]", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "([/])" in result.output

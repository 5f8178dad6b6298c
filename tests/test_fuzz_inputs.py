"""Property-based fuzzing of everything a user hands the CLI: scenario files, `--set` overrides
and experiment files (issue 9, item 8).

Hypothesis generates random bytes, TOML of random structure, mutations of the shipped scenarios
and experiments (wrong types, out of range, inf/nan, huge numbers, deep nesting, a byte-order
mark, rich markup) and random overrides. Every case goes through the real CLI, in process
(typer's CliRunner), and must end with:

- exit code 0 or 2 — never a traceback (exit 1 with an exception);
- on exit 2, exactly one line on stderr, starting with `error:`, of bounded length;
- nothing half-written: no temporary sibling left beside the output folder, and no output folder
  at all after a refusal;
- after a run: `summary.json` strict JSON (no NaN, no Infinity), null only where documented, the
  ledger reconciled.

Runs are kept few and short (a couple of months, a small population) so the ~1,200 cases fit in
about a minute on two shared cores. `derandomize=True` makes every CI run try the same cases.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from cislab.model.finite import nullable_summary_key
from cislab.model.scenarios import SCENARIO_DIR, known_paths, scenario_names
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cislab.cli import app

runner = CliRunner()
CASES = {"tried": 0, "tracebacks": 0, "runs": 0, "compared": 0}
MAX_COMPARES = 4  # each compare also draws its figures (~1 s): a few are enough

SHIPPED = {
    name: tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text()) for name in scenario_names()
}
PATHS = sorted(known_paths())
SMALL_RUN = ["--months", "2", "--set", "population.size=300"]


# CI tries the same cases every time; CISLAB_FUZZ_SCALE=10 tries ten times as many, new ones.
SCALE = float(os.environ.get("CISLAB_FUZZ_SCALE", "1"))


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --------------------------------------------------------------------- strategies
MARKUP = st.sampled_from(
    [
        "[/]",
        "[bold]x",
        "[/bold]",
        "[link=https://evil.example]click[/link]",
        "[red]x[/red]",
        ":warning:",
        "\x1b[31mred\x1b[0m",
        "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
        "a\nb",
        "%s{0}\\",
        "é😀\u202e",
        "",
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 0.5, 1e308, -1e-308, 10**12, 2_000_000, 100_000, 1200]),
)
SCALARS = st.one_of(NUMBERS, st.booleans(), st.text(max_size=20), MARKUP)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | MARKUP, inner, max_size=4)
    ),
    max_leaves=8,
)


@st.composite
def deep_value(draw: st.DrawFn) -> Any:
    """A list or table nested 2 to 700 deep."""
    levels = draw(st.integers(min_value=2, max_value=700))
    value: Any = draw(SCALARS)
    table = draw(st.booleans())
    for _ in range(levels):
        value = {"k": value} if table else [value]
    return value


def toml_text(data: dict[str, Any]) -> str | None:
    """TOML for data, or None where TOML cannot express it (e.g. ints beyond 64 bits)."""
    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError, RecursionError):
        return None


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    node = data
    *parents, leaf = path.split(".")
    for key in parents:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[leaf] = value


@st.composite
def mutated_scenario(draw: st.DrawFn) -> bytes:
    """A shipped scenario with 1–3 fields replaced, removed or added, in UTF-8 (maybe a BOM)."""
    data = json.loads(json.dumps(SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))]))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        action = draw(st.sampled_from(["value", "value", "deep", "drop", "section", "unknown"]))
        path = draw(st.sampled_from(PATHS))
        if action == "value":
            set_path(data, path, draw(VALUES))
        elif action == "deep":
            set_path(data, path, draw(deep_value()))
        elif action == "drop":
            table = data.get(path.split(".")[0])
            if isinstance(table, dict):
                table.pop(path.split(".")[1], None)
        elif action == "section":
            data[path.split(".")[0]] = draw(SCALARS)
        else:
            set_path(data, f"{path}.{draw(st.text(min_size=1, max_size=6))}", draw(SCALARS))
    text = toml_text(data)
    if text is None:
        text = toml_text(SHIPPED["default"])
    assert text is not None
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    raw = text.encode()
    return b"\xef\xbb\xbf" + raw if draw(st.booleans()) else raw


# --------------------------------------------------------------------- checks
def check_clean(result: Any, folder: Path) -> None:
    """Exit 0 or 2, no traceback, one line on a refusal, no temporary folder left behind."""
    CASES["tried"] += 1
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        CASES["tracebacks"] += 1
        raise AssertionError(f"traceback: {result.exception!r}\n{result.output[-2000:]}")
    assert result.exit_code in (0, 2), (result.exit_code, result.output[-2000:])
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr[-2000:]
        assert lines[0].startswith("error: "), lines[0]
        assert len(lines[0]) <= 600, lines[0][:300]
    # a temporary sibling folder left behind would be a half-written output (lock files may stay)
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") and p.is_dir()]
    assert leftovers == [], leftovers


def strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def check_run_folder(out: Path) -> None:
    """A finished run: strict finite JSON, nulls only where documented, the ledger reconciled."""
    CASES["runs"] += 1
    summary = strict_json((out / "summary.json").read_text())
    scenario = strict_json((out / "scenario.json").read_text())
    for key, value in summary.items():
        if value is None:
            assert nullable_summary_key(key), f"undocumented null: {key}"
        if isinstance(value, float):
            assert math.isfinite(value), key
    money = max(
        1.0,
        scenario["state"]["budget"],
        scenario["investor"]["capital"],
        scenario["operator"]["cash"],
    )
    assert abs(summary["ledger_imbalance"]) <= 1e-9 * money + 1e-6, summary["ledger_imbalance"]


def run_or_refuse(args: list[str], folder: Path) -> None:
    out = folder / "out"
    result = runner.invoke(app, [*args, "--out", str(out)])
    check_clean(result, folder)
    if result.exit_code == 0:
        check_run_folder(out)
    else:
        assert not out.exists()


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    tried, runs, tracebacks = CASES["tried"], CASES["runs"], CASES["tracebacks"]
    print(f"\nfuzz: {tried} CLI cases, {runs} runs, {tracebacks} tracebacks")


# --------------------------------------------------------------------- (a) scenario files
@fuzz_settings(300)
@given(raw=st.binary(max_size=600))
def test_random_bytes(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_bytes(raw)
        check_clean(runner.invoke(app, ["validate", str(path)]), Path(tmp))


@fuzz_settings(250)
@given(
    data=st.dictionaries(st.text(max_size=10) | MARKUP, VALUES, max_size=6),
    section=st.sampled_from([None, "meta", "population", "contract", "operator", "after"]),
)
def test_random_toml_structure(data: dict[str, Any], section: str | None) -> None:
    base = json.loads(json.dumps(SHIPPED["default"]))
    if section is not None:  # random keys inside a real section, or the whole file random
        base[section] = {**base.get(section, {}), **data}
        data = base
    text = toml_text(data)
    if text is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_text(text, encoding="utf-8")
        check_clean(runner.invoke(app, ["validate", str(path)]), Path(tmp))


@fuzz_settings(400)
@given(raw=mutated_scenario())
def test_mutated_scenarios_validate(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutant.toml"
        path.write_bytes(raw)
        check_clean(runner.invoke(app, ["validate", str(path)]), Path(tmp))


@fuzz_settings(80)
@given(raw=mutated_scenario())
def test_mutated_scenarios_run(raw: bytes) -> None:
    """A bounded number of mutants are run for a few months, outputs checked."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutant.toml"
        path.write_bytes(raw)
        run_or_refuse(["run", str(path), "--months", "3"], Path(tmp))


@fuzz_settings(40)
@given(
    levels=st.integers(min_value=1, max_value=900),
    kind=st.sampled_from(["array", "inline", "header", "dotted"]),
)
def test_deep_nesting(levels: int, kind: str) -> None:
    if kind == "array":
        text = "x = " + "[" * levels + "1" + "]" * levels
    elif kind == "inline":
        text = "x = " + "{a = " * levels + "1" + "}" * levels
    elif kind == "header":
        text = "[" + ".".join(["a"] * levels) + "]\nx = 1"
    else:
        text = ".".join(["a"] * levels) + " = 1"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deep.toml"
        path.write_text(text + "\n")
        check_clean(runner.invoke(app, ["validate", str(path)]), Path(tmp))


# --------------------------------------------------------------------- (b) --set overrides
VALUE_TEXT = st.one_of(
    NUMBERS.map(str),
    st.sampled_from(["inf", "-inf", "nan", "+nan", "1e400", "true", "[1]", "[]", "{}", "[[1]]"]),
    st.sampled_from(["operator", "random_referral", "frequency", "rct", "complete"]),
    MARKUP,
    st.text(max_size=30),
    VALUES.map(lambda v: toml_text({"v": v}) or "").map(lambda t: t.partition("=")[2].strip()),
)
PATH_TEXT = st.one_of(
    st.sampled_from(PATHS),
    st.sampled_from(PATHS).map(lambda p: p + ".x"),
    st.sampled_from(["meta.name.x", "meta.title", "sources.a.b", "meta.", ".", "x", "a..b", "__"]),
    st.sampled_from(["meta.title.en", "meta.title.fr", "meta.description.en", "meta.currency"]),
    st.text(max_size=20),
    MARKUP,
)


PLAUSIBLE_TEXT = st.one_of(  # values that often validate, so that many overrides are run
    st.integers(min_value=0, max_value=60).map(str),
    st.floats(min_value=0, max_value=1).map(repr),
    st.sampled_from(["0", "1", "true", "false", '"operator"', "random_referral", "rct", "[]"]),
)
OVERRIDE = st.tuples(PATH_TEXT, VALUE_TEXT) | st.tuples(st.sampled_from(PATHS), PLAUSIBLE_TEXT)


@fuzz_settings(500)
@given(
    overrides=st.lists(OVERRIDE, min_size=1, max_size=3),
    scenario=st.sampled_from(["default", "peterborough", "educate_girls", "france_cis_programme"]),
)
def test_overrides(overrides: list[tuple[str, str]], scenario: str) -> None:
    args = ["run", scenario, *SMALL_RUN]
    for path, value in overrides:
        args += ["--set", f"{path}={value}"]
    with tempfile.TemporaryDirectory() as tmp:
        run_or_refuse(args, Path(tmp))


# --------------------------------------------------------------------- (c) experiment files
BASE_EXPERIMENT = {
    "name": "fuzz",
    "scenario": "default",
    "seeds": 2,
    "months": 2,
    "outputs": ["creaming_index", "investor_irr"],
    "fixed": {"population.size": 200},
    "factors": {"contract.audit_rate": [0.0, 0.5]},
}
EXPERIMENT_KEYS = [
    "name",
    "scenario",
    "seeds",
    "first_seed",
    "months",
    "outputs",
    "design",
    "fixed",
    "factors",
    "sensitivity",
    "description",
    "unknown",
]


@st.composite
def experiment_file(draw: st.DrawFn) -> bytes:
    data = json.loads(json.dumps(BASE_EXPERIMENT))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        key = draw(st.sampled_from(EXPERIMENT_KEYS))
        choice = draw(st.integers(min_value=0, max_value=3))
        if key == "factors" and choice < 2:
            path = draw(PATH_TEXT)
            factor = draw(
                st.one_of(
                    st.lists(SCALARS, max_size=3),
                    st.fixed_dictionaries(
                        {"low": NUMBERS, "high": NUMBERS},
                        optional={"steps": NUMBERS, "role": MARKUP},
                    ),
                    VALUES,
                )
            )
            data["factors"] = {path: factor}
        elif key == "fixed" and choice < 2:
            data["fixed"] = {draw(PATH_TEXT): draw(VALUES)}
        elif key == "design" and choice < 2:
            data["design"] = {"kind": draw(st.sampled_from(["grid", "lhs", "[/]"])), "samples": 2}
        elif key == "seeds" and choice < 2:
            data["seeds"] = draw(st.lists(NUMBERS, max_size=3) | NUMBERS)
        elif key == "name" and choice < 2:
            data["name"] = draw(st.sampled_from(["..", ".", "a/b", "[/]", "x" * 300, "ok_name"]))
        elif choice == 3:
            data[key] = draw(deep_value())
        else:
            data[key] = draw(VALUES)
    text = toml_text(data) or toml_text(BASE_EXPERIMENT)
    assert text is not None
    raw = text.encode()
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        raw = raw.replace(b"fuzz", b"f\xffz")  # invalid UTF-8
    return raw


@fuzz_settings(250)
@given(raw=experiment_file())
def test_experiment_files(raw: bytes) -> None:
    """Invalid experiments are refused in one line; small valid ones are swept and checked."""
    from cislab.experiments.plan import load_plan
    from cislab.experiments.spec import ExperimentError

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "exp.toml"
        path.write_bytes(raw)
        try:
            plan = load_plan(path)
        except ExperimentError:
            plan = None
        if plan is not None and (plan.total > 4 or (plan.months or 99) > 3):
            return  # valid, but too long to run here: validation passing is the check
        out = folder / "sweep"
        result = runner.invoke(
            app, ["sweep", str(path), "--workers", "1", "--no-figures", "--out", str(out)]
        )
        check_clean(result, folder)
        assert result.exit_code == (2 if plan is None else 0), result.output[-2000:]
        if plan is None:
            assert not out.exists()
        else:
            CASES["runs"] += plan.total


# --------------------------------------------------------------------- (d) compare designs
DESIGN_TEXT = st.one_of(
    st.tuples(PATH_TEXT, VALUE_TEXT).map(lambda pv: f"{pv[0]}={pv[1]}"),
    st.tuples(st.sampled_from(PATHS), PLAUSIBLE_TEXT).map(lambda pv: f"{pv[0]}={pv[1]}"),
    st.sampled_from([*scenario_names(), "atlantis", "x.toml", ",", "=", "a=1,b=2"]),
    MARKUP,
    st.text(max_size=20),
)


@fuzz_settings(150)
@given(designs=st.lists(DESIGN_TEXT, min_size=1, max_size=2))
def test_compare_designs(designs: list[str]) -> None:
    """Designs named on the command line: refused in one line, or compared over 2 short runs."""
    from cislab.experiments.compare import compare_plan
    from cislab.experiments.spec import ExperimentError

    small = {"population.size": 200}
    try:
        compare_plan(designs, fixed=small, seeds=2, months=2)
        valid = True
    except ExperimentError:
        valid = False
    if valid and (len(designs) > 1 or CASES["compared"] >= MAX_COMPARES):
        return  # valid: validation is the check; a few one-design plans are run below
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cmp"
        args = ["compare", *designs, "--seeds", "2", "--months", "2", "--workers", "1"]
        result = runner.invoke(app, [*args, "--set", "population.size=200", "--out", str(out)])
        check_clean(result, Path(tmp))
        assert result.exit_code == (0 if valid else 2), result.output[-2000:]
        if valid:
            CASES["compared"] += 1
            CASES["runs"] += 4
            assert (out / "compare.csv").is_file()
        else:
            assert not out.exists()

"""EMA workbench adapter (optional extra `cislab[ema]`): the model as an EMA `Model`.

Why: EMA brings exploratory modelling — many-objective robust search, scenario discovery (PRIM,
CART), its own samplers — that researchers already know. An experiment file maps onto it
directly: contract terms are levers, everything else is an uncertainty, the experiment's
outputs are outcomes. The seeds are *replications*, not an uncertainty (a PRIM box restricted
to "seed 0–0.5" says nothing): every experiment runs once per seed of the experiment file and
each outcome is the median over them, the statistic `cislab compare` reports. Sampling is
seeded (`rng`), so the same call gives the same experiments, outcomes and boxes.

    from cislab.experiments.ema import ema_model, perform, prim_box
    model = ema_model("scenarios/experiments/levers_and_assumptions.toml")
    experiments, outcomes = perform(model, scenarios=100, policies=4, rng=1)
    box = prim_box(experiments, outcomes, "creaming_index", quantile=0.8)

EMA names must be Python identifiers, so dotted paths become `contract__audit_rate`
(`model.scenarios` reads `__` as `.`).
"""

from __future__ import annotations

import json
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from cislab.experiments.sensitivity import role
from cislab.experiments.spec import Experiment, Role, field_kind, load_experiment
from cislab.model.scenarios import load_scenario
from cislab.model.schema import Scenario

EMA_COLUMNS = ("scenario", "policy", "model")
SEED = "seed"


@contextmanager
def _quiet_optional_imports():
    """EMA warns at import about optional front ends it cannot find (ipyparallel, altair)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ipyparallel not installed", UserWarning)
        warnings.filterwarnings("ignore", "altair based interactive", ImportWarning)
        yield


def ema_name(path: str) -> str:
    return path.replace(".", "__")


def run_for_ema(base: str, months: int, seed: int, outputs: str, **levers: Any) -> dict[str, float]:
    """The function EMA calls: one run, outputs as floats (NaN where undefined)."""
    from cislab.experiments.worker import simulate

    scenario = Scenario.model_validate_json(base)
    overrides = {k.replace("__", "."): _plain(v) for k, v in levers.items()}
    summary = simulate(scenario, int(seed), overrides, int(months) if months else None)
    return {k: _float(summary.get(k)) for k in json.loads(outputs)}


def median_over_seeds(values: Any) -> float:
    """An outcome over the replications (seeds): their median, NaN only if all are undefined."""
    data = np.asarray(values, dtype=float)
    return float(np.nanmedian(data)) if np.isfinite(data).any() else float("nan")


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def ema_model(
    experiment: str | Path | Experiment, base: Scenario | None = None, name: str = "cislab"
):
    """An EMA `Model` for an experiment file (or a parsed Experiment and its base scenario)."""
    with _quiet_optional_imports():
        from ema_workbench import (
            CategoricalParameter,
            Constant,
            IntegerParameter,
            RealParameter,
            ReplicatorModel,
            ScalarOutcome,
        )

    if isinstance(experiment, Experiment):
        exp = experiment
        base = base or load_scenario(exp.scenario, exp.fixed)
    else:
        exp, base = load_experiment(experiment)
    model = ReplicatorModel(name, function=run_for_ema)
    levers, uncertainties = [], []
    for path, factor in exp.factors.items():
        if factor.is_range:
            if field_kind(path) is int:
                param = IntegerParameter(ema_name(path), int(factor.low), int(factor.high))
            else:
                param = RealParameter(ema_name(path), factor.low, factor.high)
        else:
            param = CategoricalParameter(ema_name(path), list(factor.values or []))
        (levers if role(path, factor.role) is Role.lever else uncertainties).append(param)
    model.replications = [{SEED: int(seed)} for seed in exp.seed_list]
    model.uncertainties = uncertainties
    model.levers = levers
    outputs = list(exp.outputs) or ["creaming_index", "public_savings", "investor_irr"]
    model.outcomes = [ScalarOutcome(o, function=median_over_seeds) for o in outputs]
    model.constants = [
        Constant("base", base.model_dump_json()),
        Constant("months", exp.months or 0),
        Constant("outputs", json.dumps(outputs)),
    ]
    return model


def perform(
    model,
    scenarios: int,
    policies: int = 0,
    rng: int = 0,
    processes: int = 1,
    progress: bool = False,
):
    """`perform_experiments` with seeded LHS samples; `processes` > 1 uses EMA's own pool."""
    with _quiet_optional_imports():
        from ema_workbench import MultiprocessingEvaluator, SequentialEvaluator

    evaluator = (
        SequentialEvaluator(model)
        if processes <= 1
        else MultiprocessingEvaluator(model, n_processes=processes)
    )
    with evaluator as ev:
        return ev.perform_experiments(
            scenarios=scenarios,
            policies=policies,
            uncertainty_sampling_kwargs={"rng": rng},
            lever_sampling_kwargs={"rng": rng},
            log_progress=not progress,  # EMA 3.0: True logs instead of drawing a tqdm bar
        )


def prim_inputs(experiments: pd.DataFrame) -> pd.DataFrame:
    """EMA's experiments as PRIM inputs: bookkeeping columns dropped, integers cast to float.

    The cast works around EMA 3.0 with pandas 3, where PRIM fails on integer columns
    (TypeError: Invalid value '58.5' for dtype 'int64'; EMAworkbench#448, fixed after 3.0.0).
    """
    x = experiments.drop(columns=[c for c in EMA_COLUMNS if c in experiments])
    for column in x.columns:
        if pd.api.types.is_integer_dtype(x[column]) or pd.api.types.is_bool_dtype(x[column]):
            x[column] = x[column].astype(float)
    return x


def prim_box(
    experiments: pd.DataFrame,
    outcomes: dict[str, np.ndarray],
    output: str,
    quantile: float = 0.8,
    above: bool = True,
):
    """Scenario discovery: the box of inputs where `output` is in its top (or bottom) share."""
    with _quiet_optional_imports():
        from ema_workbench.analysis import prim

    y = np.asarray(outcomes[output], dtype=float)
    cut = np.nanquantile(y, quantile)
    interesting = ((y >= cut) if above else (y <= cut)) & np.isfinite(y)
    with warnings.catch_warnings():
        # EMA 3.0 calls DataFrame.drop(inplace=True), deprecated in pandas 3.1 (Pandas4Warning).
        warnings.filterwarnings("ignore", "The inplace keyword in DataFrame.drop", FutureWarning)
        warnings.filterwarnings(
            "ignore", "The inplace keyword in DataFrame.drop", DeprecationWarning
        )
        _mend_inspect(prim)
        return prim.Prim(prim_inputs(experiments), interesting).find_box()


def _mend_inspect(prim: Any) -> None:
    """`PrimBox.inspect` of EMA 3.0 writes a categorical restriction (a set such as
    {'operator'}) into a float table, which pandas 3 refuses (TypeError: Invalid value
    "{'operator'}" for dtype 'float64'). Same method, with a table that holds any value."""
    box_class = prim.PrimBox
    if getattr(box_class, "_cislab_mended", False):
        return

    def _inspect_data(self: Any, i: int, uncs: Any) -> tuple[pd.Series, pd.DataFrame]:
        p_values = self.p_values[i]
        stats = self.peeling_trajectory.iloc[i]
        columns = pd.MultiIndex.from_product([[f"box {i}"], ["min", "max", "qp value", "qp value"]])
        rows = {}
        for unc in uncs:
            qp = [np.nan if p == -1 else p for p in p_values[unc]]
            rows[unc] = self.box_lims[i][unc].values.tolist() + qp
        box_lim = pd.DataFrame.from_dict(rows, orient="index", dtype=object)
        box_lim.columns = columns
        return stats, box_lim

    box_class._inspect_data = _inspect_data
    box_class._cislab_mended = True

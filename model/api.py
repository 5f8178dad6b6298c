"""The Python API for researchers: build, run, get tidy DataFrames back.

from cislab.model import run
result = run("default", seed=3, overrides={"contract.selection": "random_referral"})
result.summary["creaming_index"], result.timeseries, result.ledger, result.beneficiaries
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from cislab.model.cis_model import CISModel
from cislab.model.outputs import TableFormat, write_run, write_run_files
from cislab.model.provenance import record, run_id
from cislab.model.schema import Scenario
from cislab.model.summary import beneficiaries, cohorts, summary, timeseries


@dataclass
class RunResult:
    model: CISModel
    summary: dict[str, Any]
    timeseries: pd.DataFrame
    ledger: pd.DataFrame
    cohorts: pd.DataFrame
    _beneficiaries: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def beneficiaries(self) -> pd.DataFrame:
        if self._beneficiaries is None:
            self._beneficiaries = beneficiaries(self.model)
        return self._beneficiaries

    @property
    def provenance(self) -> dict[str, Any]:
        """Code, versions, scenario hash, seed and overrides of this run (`model.provenance`)."""
        return record(self.model.config, self.model.seed, self.model.overrides)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The run's tables; with a post-contract phase, also territories, decisions and next
        contracts. Each starts with a `run_id` column, so tables of several runs stack."""
        tables = {
            "timeseries": self.timeseries,
            "ledger": self.ledger,
            "cohorts": self.cohorts,
            "beneficiaries": self.beneficiaries,
        }
        if self.model.after is not None:
            tables |= self.model.after.tables()
        ident = run_id(self.model.config, self.model.seed)
        return {name: _with_run_id(frame, ident) for name, frame in tables.items()}

    def write(
        self,
        out: str | Path,
        fmt: TableFormat | str = TableFormat.parquet,
        files: dict[str, bytes] | None = None,
        replace: bool = False,
    ) -> Path:
        """Write every table, the summary, the scenario and any extra `files` (e.g. figures).

        `out` must be new, empty, or (with `replace=True`) an earlier CIS Lab output; anything
        else raises `cislab.model.safe_output.OutputError` and nothing is written.
        """
        return write_run(
            Path(out),
            self.summary,
            self.tables(),
            TableFormat(fmt),
            self.model.config.model_dump_json(indent=2),
            files,
            replace,
            self.provenance,
        )

    def write_into(
        self,
        folder: Path,
        fmt: TableFormat | str = TableFormat.parquet,
        files: dict[str, bytes] | None = None,
    ) -> None:
        """The same files into a folder the caller holds (from `outputs.atomic_folder`).

        Why: the CLI claims and locks its `--out` before the run starts, so a refused folder
        or a second writer costs no simulation time.
        """
        write_run_files(
            folder,
            self.summary,
            self.tables(),
            TableFormat(fmt),
            self.model.config.model_dump_json(indent=2),
            files,
            self.provenance,
        )


def _with_run_id(frame: pd.DataFrame, ident: str) -> pd.DataFrame:
    """`frame` with `run_id` as its first column (a copy; the model's frames stay as they are)."""
    if "run_id" in frame.columns:
        return frame
    out = frame.copy()
    out.insert(0, "run_id", pd.Series([ident] * len(out), dtype="string", index=out.index))
    return out


def build(
    scenario: str | Path | Scenario | None = None,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | None = None,
    months: int | None = None,
) -> CISModel:
    """A ready-to-step model (the game and notebooks step it themselves)."""
    return CISModel(scenario, rng=seed, months=months, overrides=overrides)


def run(
    scenario: str | Path | Scenario | None = None,
    seed: int | None = 0,
    overrides: Mapping[str, Any] | None = None,
    months: int | None = None,
    on_month: Callable[[CISModel], None] | None = None,
) -> RunResult:
    """Build and run a model; `on_month` is called after each month (progress bars)."""
    model = build(scenario, seed, overrides, months)
    while model.running:
        model.step()
        if on_month is not None:
            on_month(model)
    return collect(model)


def collect(model: CISModel) -> RunResult:
    return RunResult(
        model=model,
        summary=summary(model),
        timeseries=timeseries(model),
        ledger=model.ledger.to_frame(),
        cohorts=cohorts(model),
    )

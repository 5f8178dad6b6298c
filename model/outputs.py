"""Writing a run's folder: all files or none, and never over what CIS Lab did not write.

Files are written into a temporary sibling folder which replaces the target only once complete,
so an interrupted or failed run never leaves a half-written output behind. The rules on which
folders may be written or replaced live in `safe_output` (shared by every writer).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from cislab.model.finite import check_outputs
from cislab.model.safe_output import output_folder


class TableFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


@contextmanager
def atomic_folder(out: Path, kind: str = "run", replace: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling folder that becomes `out` only if the block completes.

    Raises `safe_output.OutputError` (before the block runs) if `out` is not a folder CIS Lab
    may write: see `safe_output.output_folder`.
    """
    with output_folder(out, kind, replace) as tmp:
        yield tmp


def write_run(
    out: Path,
    summary: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    fmt: TableFormat = TableFormat.parquet,
    scenario_toml: str | None = None,
    files: dict[str, bytes] | None = None,
    replace: bool = False,
) -> Path:
    """Write summary.json, one file per table and any extra files into `out`, atomically.

    An existing `out` is replaced only if CIS Lab wrote it and `replace` is set.
    """
    with atomic_folder(out, "run", replace) as tmp:
        write_run_files(tmp, summary, tables, fmt, scenario_toml, files)
    return Path(out)


def write_run_files(
    folder: Path,
    summary: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    fmt: TableFormat = TableFormat.parquet,
    scenario_toml: str | None = None,
    files: dict[str, bytes] | None = None,
) -> None:
    """The run's files into `folder` (a temporary folder from `atomic_folder`)."""
    check_outputs(summary, tables)  # before anything is written: strict JSON, finite tables
    text = json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False)
    (folder / "summary.json").write_text(text + "\n")
    for name, frame in tables.items():
        if fmt == TableFormat.parquet:
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            frame.to_csv(folder / f"{name}.csv", index=False)
    if scenario_toml is not None:
        (folder / "scenario.json").write_text(scenario_toml)
    for name, content in (files or {}).items():
        (folder / name).write_bytes(content)

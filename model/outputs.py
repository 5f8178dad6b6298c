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
from cislab.model.provenance import METADATA_KEY
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
    provenance: dict[str, Any] | None = None,
) -> Path:
    """Write summary.json, one file per table and any extra files into `out`, atomically.

    An existing `out` is replaced only if CIS Lab wrote it and `replace` is set.
    """
    with atomic_folder(out, "run", replace) as tmp:
        write_run_files(tmp, summary, tables, fmt, scenario_toml, files, provenance)
    return Path(out)


def write_run_files(
    folder: Path,
    summary: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    fmt: TableFormat = TableFormat.parquet,
    scenario_toml: str | None = None,
    files: dict[str, bytes] | None = None,
    provenance: dict[str, Any] | None = None,
) -> None:
    """The run's files into `folder` (a temporary folder from `atomic_folder`).

    `provenance` (see `model.provenance`) goes into summary.json under `provenance` and into
    every Parquet file's schema metadata under the key `cislab`."""
    check_outputs(summary, tables)  # before anything is written: strict JSON, finite tables
    document = summary if provenance is None else {**summary, "provenance": provenance}
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    (folder / "summary.json").write_text(text + "\n")
    for name, frame in tables.items():
        if fmt == TableFormat.parquet:
            write_parquet(frame, folder / f"{name}.parquet", provenance)
        else:
            frame.to_csv(folder / f"{name}.csv", index=False)
    if scenario_toml is not None:
        (folder / "scenario.json").write_text(scenario_toml)
    for name, content in (files or {}).items():
        (folder / name).write_bytes(content)


def write_parquet(frame: pd.DataFrame, path: Path, provenance: dict[str, Any] | None) -> None:
    """One table as Parquet, with the run's provenance in its schema metadata (`cislab`), so a
    file copied away from its folder still says where it comes from."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if provenance is not None:
        meta = dict(table.schema.metadata or {})
        meta[METADATA_KEY] = json.dumps(provenance, sort_keys=True).encode("utf-8")
        table = table.replace_schema_metadata(meta)
    pq.write_table(table, path)

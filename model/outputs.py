"""Writing a run's folder: all files or none.

Files are written into a temporary sibling folder which replaces the target only once complete,
so an interrupted or failed run never leaves a half-written output behind.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from cislab.model.finite import check_outputs


class TableFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Yield a temporary sibling folder that replaces `out` only if the block completes."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield tmp
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_run(
    out: Path,
    summary: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    fmt: TableFormat = TableFormat.parquet,
    scenario_toml: str | None = None,
    files: dict[str, bytes] | None = None,
) -> Path:
    """Write summary.json, one file per table and any extra files into `out`, atomically."""
    check_outputs(summary, tables)  # before anything is written: strict JSON, finite tables
    with atomic_folder(out) as tmp:
        text = json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False)
        (tmp / "summary.json").write_text(text + "\n")
        for name, frame in tables.items():
            if fmt == TableFormat.parquet:
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            else:
                frame.to_csv(tmp / f"{name}.csv", index=False)
        if scenario_toml is not None:
            (tmp / "scenario.json").write_text(scenario_toml)
        for name, content in (files or {}).items():
            (tmp / name).write_bytes(content)
    return Path(out)

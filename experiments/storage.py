"""Results on disk: a journal line per finished run, Parquet parts in batches, crash-safe.

Why a journal and parts: a run is durable as soon as its line is appended to `journal.jsonl`
(a kill -9 loses nothing written); every `batch_rows` rows, or when a session ends, the journal
is read back into one Parquet part (written to a temporary name, then renamed, so a part is
whole or absent) and emptied. Reopening reconciles the two — journal lines whose key is already
in a part are dropped, a torn last line is ignored — so the dataset holds exactly one row per
(point_id, seed). Rows are never accumulated in memory: a sweep's memory stays flat.

Layout of an output folder:
    manifest.json       what ran: versions, scenario hash, seeds, sessions (see manifest.py)
    results/part-*.parquet
    journal.jsonl       runs finished since the last part (empty when a session ended cleanly)
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from cislab.experiments.spec import ExperimentError
from filelock import FileLock, Timeout

KEY = ("point_id", "seed")
RESULTS = "results"
JOURNAL = "journal.jsonl"
LOCK = ".lock"
FSYNC_EVERY_S = 1.0


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # os.open cannot open a folder on Windows; NTFS journals renames
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unify(schemas: Iterable[pa.Schema]) -> pa.Schema | None:
    """One schema for all parts: all-null columns take the type seen elsewhere, ints widen."""
    schemas = list(schemas)
    if not schemas:
        return None
    return pa.unify_schemas(schemas, promote_options="permissive")


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with exactly `schema`'s columns, in order; missing columns are null."""
    arrays = [
        table[f.name].cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.table(arrays, schema=schema)


def write_atomic(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class ResultStore:
    """The only writer of one output folder (an exclusive lock guards it)."""

    def __init__(self, out: Path, batch_rows: int = 500) -> None:
        self.out = Path(out)
        self.results = self.out / RESULTS
        self.journal_path = self.out / JOURNAL
        self.batch_rows = batch_rows
        self.pending = 0  # rows in the journal not yet in a part
        self.schema: pa.Schema | None = None
        self._journal = None
        self._lock: FileLock | None = None
        self._last_sync = 0.0
        self.rows_written = 0

    # ------------------------------------------------------------------ open / close
    def open(self) -> set[tuple[int, int]]:
        """Lock the folder, recover any interrupted session, return the keys already done."""
        self.results.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        for tmp in self.results.glob("*.tmp"):
            tmp.unlink()
        done = set()
        schemas = []
        for part in self.parts():
            schemas.append(pq.read_schema(part))
            keys = pq.read_table(part, columns=list(KEY))
            done.update(zip(keys["point_id"].to_pylist(), keys["seed"].to_pylist(), strict=True))
        self.schema = unify(schemas)
        recovered: dict[tuple[int, int], dict[str, Any]] = {}
        for row in self._journal_rows():
            key = (row["point_id"], row["seed"])
            if key not in done and key not in recovered:
                recovered[key] = row
        if recovered:
            self._write_part(list(recovered.values()))
            done.update(recovered)
        self._journal = self.journal_path.open("w", encoding="utf-8")  # recovered: start afresh
        _fsync_dir(self.out)
        return done

    def close(self) -> None:
        """Write what is pending, give every part one schema, release the folder."""
        if self._journal is None:
            return
        self.flush()
        self._journal.close()
        self._journal = None
        self.normalise()
        self._release_lock()

    def _acquire_lock(self) -> None:
        # filelock, not fcntl: the same lock on Windows, where workshop trainers run sweeps.
        lock = FileLock(self.out / LOCK, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise ExperimentError(
                f"{self.out} is in use by another sweep; wait for it or use --out"
            ) from None
        self._lock = lock

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # ------------------------------------------------------------------ writing
    def append(self, row: dict[str, Any]) -> None:
        """Record one finished run: durable in the journal at once, in Parquet by batch."""
        assert self._journal is not None, "store not open"
        self._journal.write(json.dumps(row, default=_json_default) + "\n")
        self._journal.flush()
        now = time.monotonic()
        if now - self._last_sync > FSYNC_EVERY_S:
            os.fsync(self._journal.fileno())
            self._last_sync = now
        self.pending += 1
        if self.pending >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        """Journal -> one new Parquet part; then the journal is emptied."""
        if self._journal is None or self._journal.tell() == 0:
            return
        self._journal.flush()
        self._write_part(self._journal_rows())
        self._journal.seek(0)
        self._journal.truncate()
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self.pending = 0

    def _write_part(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        table = pa.Table.from_pylist(rows)
        self.schema = unify([s for s in (self.schema, table.schema) if s is not None])
        assert self.schema is not None
        write_atomic(conform(table, self.schema), self.results / self._next_part_name())
        self.rows_written += len(rows)

    def _next_part_name(self) -> str:
        numbers = [int(p.stem.split("-")[1]) for p in self.parts()]
        return f"part-{max(numbers, default=-1) + 1:06d}.parquet"

    def normalise(self) -> None:
        """Rewrite parts whose schema lags (a column all-null then, typed later): one at a time."""
        parts = self.parts()
        final = unify(pq.read_schema(p) for p in parts)
        if final is None:
            return
        for part in parts:
            if not pq.read_schema(part).equals(final):
                write_atomic(conform(pq.read_table(part), final), part)
        self.schema = final

    # ------------------------------------------------------------------ reading
    def parts(self) -> list[Path]:
        return sorted(self.results.glob("part-*.parquet"))

    def _journal_rows(self) -> list[dict[str, Any]]:
        if not self.journal_path.is_file():
            return []
        rows = []
        with self.journal_path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.endswith("\n"):
                    break  # torn last line of a killed session: that run is simply redone
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(row, dict) and all(k in row for k in KEY):
                    rows.append(row)
        return rows


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def read_results(out: str | Path, columns: list[str] | None = None):
    """All rows of an output folder as a DataFrame (parts + journal), sorted by key.

    Works during or after a sweep; use it rather than reading the parts one by one.
    """
    import pandas as pd
    import pyarrow.dataset as ds

    store = ResultStore(Path(out))
    parts = store.parts()
    schema = unify(pq.read_schema(p) for p in parts)
    frames = []
    if parts and schema is not None:
        cols = None if columns is None else [c for c in columns if c in schema.names]
        frames.append(ds.dataset(parts, schema=schema, format="parquet").to_table(cols).to_pandas())
    journal = store._journal_rows()
    if journal:
        frame = pd.DataFrame(journal)
        frames.append(frame if columns is None else frame[[c for c in columns if c in frame]])
    if not frames:
        return pd.DataFrame(columns=list(KEY))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = frame.drop_duplicates(subset=list(KEY), keep="first")
    return frame.sort_values(list(KEY), kind="stable").reset_index(drop=True)

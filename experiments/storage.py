"""Results on disk: a journal line per finished run, Parquet parts in batches, crash-safe.

Why a journal and parts: a run is durable as soon as its line is appended to `journal.jsonl`
(a kill -9 loses nothing written); every `batch_rows` rows, or when a session ends, the journal
is read back into one Parquet part (written to a temporary name, then renamed, so a part is
whole or absent) and emptied. Reopening reconciles the two — journal lines whose key is already
in a part are dropped, a torn last line is ignored — so the dataset holds exactly one row per
(point_id, seed). Rows are never accumulated in memory: a sweep's memory stays flat.

Why a quarantine: a disk that filled up, a copy cut short or a hand edit can leave a part that
Parquet cannot read or a journal line that is not a valid row. Such a file would stop every
later resume, and deleting it would lose what it holds; so reopening moves it into
`quarantine/` (kept as it was, with a warning naming it), and its runs, no longer done, are
simply run again.

Layout of an output folder:
    manifest.json       what ran: versions, scenario hash, seeds, sessions (see manifest.py)
    results/part-NNNNNN.parquet
    journal.jsonl       runs finished since the last part (empty when a session ended cleanly)
    quarantine/         damaged parts and journal lines set aside on resume (never read)
"""

from __future__ import annotations

import json
import os
import re
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
QUARANTINE = "quarantine"
FSYNC_EVERY_S = 1.0
PART = re.compile(r"part-(\d{6})\.parquet")


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


def write_atomic(table: pa.Table, path: Path, metadata: dict[bytes, bytes] | None = None) -> None:
    """Write a part whole or not at all; `metadata` joins its schema metadata (provenance)."""
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _short(text: object, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def key_problem(row: object) -> str | None:
    """What makes `row` unusable as a results row's key, or None."""
    if not isinstance(row, dict):
        return f"not a JSON object but {type(row).__name__}"
    for key in KEY:
        value = row.get(key)
        if type(value) is not int or value < 0:
            return f"{key} is {_short(json.dumps(value), 40)}, not an integer ≥ 0"
    return None


def widen(rows: list[dict[str, Any]], schema: pa.Schema | None) -> pa.Schema:
    """`schema` widened by `rows`; ValueError when their values do not fit one type a column."""
    try:
        table = pa.Table.from_pylist(rows)
        widened = unify([s for s in (schema, table.schema) if s is not None])
        assert widened is not None
        conform(table, widened)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise ValueError(f"values do not fit the results' columns ({_short(exc, 80)})") from None
    return widened


def check_part(path: Path, schema: pa.Schema | None) -> tuple[pa.Schema, list[tuple[int, int]]]:
    """A part's keys and `schema` widened by it; ValueError when the part cannot be used."""
    try:
        table = pq.read_table(path)
        if any(k not in table.column_names for k in KEY):
            raise ValueError("it has no point_id or seed column")
        if not all(pa.types.is_integer(table.schema.field(k).type) for k in KEY):
            raise ValueError("its point_id or seed column is not integer")
        widened = unify([s for s in (schema, table.schema) if s is not None])
        assert widened is not None
        keys = table.select(list(KEY))
        pairs = list(zip(keys["point_id"].to_pylist(), keys["seed"].to_pylist(), strict=True))
    except (pa.ArrowException, OSError, TypeError) as exc:
        raise ValueError(_short(exc, 100)) from None
    if any(p is None or s is None for p, s in pairs):
        raise ValueError("it has rows without point_id or seed")
    return widened, pairs


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
        self.warnings: list[str] = []  # what reopening set aside, one line each
        self.set_aside: list[str] = []  # paths (relative to the folder) moved to quarantine/
        self.metadata: dict[bytes, bytes] = {}  # written into every part (the sweep's provenance)

    # ------------------------------------------------------------------ open / close
    def open(self) -> set[tuple[int, int]]:
        """Lock the folder, recover any interrupted session, return the keys already done.

        A part or journal line that cannot be used is moved into `quarantine/` (see the module
        docstring): its runs are not done, so the sweep runs them again.
        """
        self.results.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        for tmp in self.results.glob("*.tmp"):
            tmp.unlink()
        done: set[tuple[int, int]] = set()
        schema = None
        for part in self.parts():
            try:
                schema, keys = check_part(part, schema)
            except ValueError as exc:
                moved = self._quarantine(part)
                self.warnings.append(
                    f"{part.relative_to(self.out)} cannot be read ({exc}); set aside as "
                    f"{moved.relative_to(self.out)}, its runs will be done again"
                )
                continue
            done.update(keys)
        self.schema = schema
        rows, bad = self._read_journal()
        if bad:
            self._quarantine_lines(bad)
        recovered: dict[tuple[int, int], dict[str, Any]] = {}
        for row in rows:
            key = (row["point_id"], row["seed"])
            if key not in done and key not in recovered:
                recovered[key] = row
        if recovered:
            self._write_part(list(recovered.values()))
            done.update(recovered)
        self._journal = self.journal_path.open("w", encoding="utf-8")  # recovered: start afresh
        _fsync_dir(self.out)
        return done

    def _quarantine_path(self, name: str) -> Path:
        """A free path for `name` in quarantine/ (an earlier file of that name is kept)."""
        folder = self.out / QUARANTINE
        folder.mkdir(exist_ok=True)
        target, n = folder / name, 1
        while target.exists():
            stem, dot, suffix = name.partition(".")
            target = folder / f"{stem}-{n}{dot}{suffix}"
            n += 1
        return target

    def _quarantine(self, path: Path) -> Path:
        """Move `path` into quarantine/, as it is; return where it went."""
        target = self._quarantine_path(path.name)
        os.replace(path, target)
        _fsync_dir(target.parent)
        _fsync_dir(path.parent)
        self.set_aside.append(str(target.relative_to(self.out)))
        return target

    def _quarantine_lines(self, bad: list[tuple[int, str, str]]) -> None:
        """Keep unusable journal lines, byte for byte, in a file of their own in quarantine/."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        kept = self._quarantine_path(f"journal-{stamp}.jsonl")
        with kept.open("w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.writelines(line for _, line, _ in bad)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(kept.parent)
        self.set_aside.append(str(kept.relative_to(self.out)))
        first = "; ".join(f"line {n}: {why}" for n, _, why in bad[:3])
        more = f"; and {len(bad) - 3} more" if len(bad) > 3 else ""
        self.warnings.append(
            f"{JOURNAL}: {len(bad)} line(s) that are not valid rows ({first}{more}) set aside "
            f"in {kept.relative_to(self.out)}; their runs will be done again"
        )

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
        rows, bad = self._read_journal()
        if bad:  # a row this session wrote that does not fit the others: kept, not dropped
            self._quarantine_lines(bad)
        self._write_part(rows)
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
        part = self.results / self._next_part_name()
        write_atomic(conform(table, self.schema), part, self.metadata)
        self.rows_written += len(rows)

    def _next_part_name(self) -> str:
        """One past the highest number ever used, quarantined parts included (no name reused)."""
        names = [p.name for p in self.results.glob("part-*.parquet")]
        names += [p.name for p in (self.out / QUARANTINE).glob("part-*.parquet")]
        numbers = [int(m.group(1)) for n in names if (m := PART.match(n))]
        return f"part-{max(numbers, default=-1) + 1:06d}.parquet"

    def normalise(self) -> None:
        """Rewrite parts whose schema lags (a column all-null then, typed later): one at a time."""
        parts = self.parts()
        final = unify(pq.read_schema(p) for p in parts)
        if final is None:
            return
        for part in parts:
            if not pq.read_schema(part).equals(final):
                write_atomic(conform(pq.read_table(part), final), part, self.metadata)
        self.schema = final

    # ------------------------------------------------------------------ reading
    def parts(self) -> list[Path]:
        """The folder's parts: `part-NNNNNN.parquet` only (a stray copy is not a part)."""
        return sorted(p for p in self.results.glob("part-*.parquet") if PART.fullmatch(p.name))

    def _read_journal(self) -> tuple[list[dict[str, Any]], list[tuple[int, str, str]]]:
        """Valid rows, and the lines that are not (line number, line, why).

        Rows are checked together (one Arrow conversion); only when that fails is each row
        checked in turn, in journal order, to name the ones that do not fit.
        """
        if not self.journal_path.is_file():
            return [], []
        parsed: list[tuple[int, str, dict[str, Any]]] = []
        bad: list[tuple[int, str, str]] = []
        with self.journal_path.open(encoding="utf-8", errors="surrogateescape") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.endswith("\n"):
                    break  # torn last line of a killed session: that run is simply redone
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    bad.append((number, line, f"not JSON ({_short(exc, 60)})"))
                    continue
                if problem := key_problem(row):
                    bad.append((number, line, problem))
                    continue
                parsed.append((number, line, row))
        rows = [row for _, _, row in parsed]
        if not rows:
            return [], bad
        try:
            widen(rows, self.schema)
        except ValueError:
            rows, schema = [], self.schema
            for number, line, row in parsed:
                try:
                    schema = widen([row], schema)
                except ValueError as exc:
                    bad.append((number, line, str(exc)))
                    continue
                rows.append(row)
            bad.sort(key=lambda b: b[0])
        return rows, bad


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
    schemas = []
    for part in parts:
        try:
            schemas.append(pq.read_schema(part))
        except (pa.ArrowException, OSError) as exc:
            raise ExperimentError(
                f"{part} cannot be read ({_short(exc, 80)}); run the same sweep again: it sets "
                "the part aside and redoes its runs"
            ) from None
    schema = unify(schemas)
    frames = []
    if parts and schema is not None:
        cols = None if columns is None else [c for c in columns if c in schema.names]
        frames.append(ds.dataset(parts, schema=schema, format="parquet").to_table(cols).to_pandas())
    store.schema = schema  # journal rows that do not fit the parts' columns are left out
    journal = store._read_journal()[0]
    if journal:
        frame = pd.DataFrame(journal)
        frames.append(frame if columns is None else frame[[c for c in columns if c in frame]])
    if not frames:
        return pd.DataFrame(columns=list(KEY))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = frame.drop_duplicates(subset=list(KEY), keep="first")
    return frame.sort_values(list(KEY), kind="stable").reset_index(drop=True)

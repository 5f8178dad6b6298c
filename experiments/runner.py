"""The sweep loop: every missing (point, seed) run once, results streamed to disk as they come.

Why this shape: the folder is locked and reconciled before anything runs, so a resumed sweep
does only what is missing; a bounded number of chunks is in flight, so memory stays flat
whatever the sweep's size; Ctrl-C cancels what is queued, keeps what has finished, and leaves
a folder the same command resumes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from cislab.experiments import manifest as manifest_io
from cislab.experiments.executors import Executor, make_executor
from cislab.experiments.plan import Plan
from cislab.experiments.spec import ExperimentError
from cislab.experiments.storage import ResultStore
from cislab.experiments.worker import Task, run_chunk
from cislab.model.provenance import METADATA_KEY
from cislab.model.safe_output import OutputError, claim_folder

Progress = Callable[[int, int, int], None]  # (runs done in total, runs planned, runs failed)


@dataclass
class SweepReport:
    out: Path
    planned: int
    already_done: int
    done: int = 0
    failed: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    executor: str = ""
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lost: int = 0  # runs whose worker failed (not the run itself): still missing, redone later
    lost_reason: str = ""

    @property
    def complete(self) -> bool:
        return not self.interrupted and self.already_done + self.done >= self.planned


class WorkerLost(RuntimeError):
    """A worker process died mid-run (killed, out of memory): the pool cannot go on."""


def chunk_size(missing: int, workers: int) -> int:
    """Enough runs per message to hide round trips, few enough to balance load and show progress."""
    if workers <= 1:
        return 1
    return max(1, min(16, missing // (workers * 16)))


def _chunks(tasks: Iterator[Task], size: int) -> Iterator[list[Task]]:
    while chunk := list(islice(tasks, size)):
        yield chunk


def sweep(
    plan: Plan,
    out: str | Path,
    *,
    workers: int | None = None,
    dask: str | None = None,
    dask_local: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    batch_rows: int = 500,
    chunk: int | None = None,
) -> SweepReport:
    """Run the plan's missing runs into `out`; safe to interrupt and to call again.

    Raises ExperimentError (one line) before any run if `out` holds another design or is busy,
    or is not a folder CIS Lab may write (see model/safe_output.py: it is claimed first).
    """
    try:
        claim_folder(out, plan.kind)
    except OutputError as exc:
        raise ExperimentError(str(exc)) from None
    out = Path(out)
    old = manifest_io.check_compatible(out, plan)
    store = ResultStore(out, batch_rows=batch_rows)
    store.metadata = {METADATA_KEY: json.dumps(manifest_io.provenance(plan)).encode("utf-8")}
    done_keys = store.open()
    try:
        # Read again under the lock: a session that ended meanwhile has written its end.
        old = manifest_io.check_compatible(out, plan)
        point_ids, seeds = {p.point_id for p in plan.points}, set(plan.seeds)
        already = sum(1 for p, s in done_keys if p in point_ids and s in seeds)
        report = SweepReport(out, plan.total, already)
        report.notes.extend(store.warnings)
        opening_warnings = len(store.warnings)
        if old is not None and (stale := manifest_io.close_stale_sessions(old)):
            report.notes.append(
                f"{stale} earlier session(s) still marked running (killed before they could "
                "record their end) closed as interrupted"
            )
        if old is not None and (changed := manifest_io.version_changes(old)):
            report.notes.append(
                "resuming with other package versions than the first session: " + ", ".join(changed)
            )
        missing = plan.total - already
        if progress:
            progress(already, plan.total, 0)
        owned = executor is None and missing > 0
        if owned:
            executor = make_executor(workers, dask, dask_local)
        report.executor = executor.name if executor else "none"
        manifest = manifest_io.start_session(
            out, plan, old, report.executor, executor.workers if executor else 0, store.set_aside
        )
        status = "complete"
        start = time.perf_counter()
        try:
            if missing > 0:
                assert executor is not None
                size = chunk or chunk_size(missing, executor.workers)
                _loop(plan, executor, store, plan.tasks(done_keys), size, report, progress)
                if report.lost:
                    status = "incomplete"
        except KeyboardInterrupt:
            report.interrupted = True
            status = "interrupted"
        except WorkerLost:
            status = "worker_lost"
            raise
        finally:
            if owned and executor is not None:
                executor.close()
            report.seconds = time.perf_counter() - start
            store.flush()
            report.notes.extend(store.warnings[opening_warnings:])  # set aside while running
            manifest["sessions"][-1]["set_aside"] = list(store.set_aside)
            manifest_io.end_session(out, manifest, status, report.done, report.failed)
    finally:
        store.close()
    return report


def _loop(
    plan: Plan,
    executor: Executor,
    store: ResultStore,
    tasks: Iterator[Task],
    size: int,
    report: SweepReport,
    progress: Progress | None,
) -> None:
    points = {p.point_id: p for p in plan.points}
    chunks = _chunks(tasks, size)
    window = max(2, executor.workers * 2)
    in_flight: dict[Any, list[Task]] = {}

    def submit_next() -> bool:
        batch = next(chunks, None)
        if batch is None:
            return False
        future = executor.submit(run_chunk, plan.bases, plan.months, plan.runner, batch)
        in_flight[future] = batch
        return True

    def record(future: Any) -> None:
        batch = in_flight.pop(future)
        try:
            records = executor.result(future)
        except BrokenProcessPool as exc:
            raise WorkerLost(str(exc) or "a worker process died") from None
        except Exception as exc:
            # Not a run's own error (those come back as records): the infrastructure failed,
            # e.g. a Dask worker was lost. These runs stay missing; the next session redoes them.
            report.lost += len(batch)
            report.lost_reason = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]
            return
        for rec in records:
            row = _row(rec, points[rec["point_id"]].values)
            store.append(row)
            report.done += 1
            if row["status"] != "ok":
                report.failed += 1
                if len(report.errors) < 20:
                    report.errors.append((row["point_id"], row["seed"], row["error"]))
        if progress:
            progress(report.already_done + report.done, report.planned, report.failed)

    try:
        while len(in_flight) < window and submit_next():
            pass
        while in_flight:
            finished, _ = executor.wait_some(set(in_flight))
            for future in finished:
                record(future)
                submit_next()
    except KeyboardInterrupt:
        pending = list(in_flight)
        executor.cancel(pending)
        for future in pending:  # keep whatever finished before the stop
            if future.done() and not future.cancelled():
                lost = report.lost
                record(future)
                report.lost = lost  # chunks cut short by the stop are simply missing
        raise


def _row(rec: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """One results row: key, the point's factor values, status, then the run's metrics."""
    row: dict[str, Any] = {"point_id": rec["point_id"], "seed": rec["seed"]}
    row.update(values)
    row["status"] = rec["status"]
    row["error"] = rec.get("error")
    row["elapsed_s"] = rec.get("elapsed_s")
    row.update(rec.get("metrics", {}))
    return row

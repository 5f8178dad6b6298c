"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Why one small interface (submit / wait_some / cancel / close) rather than three runners: the
sweep loop — bounded number of chunks in flight, results written as they come, clean stop on
Ctrl-C — is then written once, and the same tasks give the same numbers in every executor
(a run depends only on its scenario, overrides and seed).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable, Iterable
from typing import Any, Protocol


class Executor(Protocol):
    name: str
    workers: int

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def wait_some(self, futures: set[Any]) -> tuple[set[Any], set[Any]]: ...

    def result(self, future: Any) -> Any: ...

    def cancel(self, futures: Iterable[Any]) -> None: ...

    def close(self) -> None: ...


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class InlineExecutor:
    """Runs each chunk at once in this process: no start-up cost, easiest to debug."""

    name = "inline"
    workers = 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future

    def wait_some(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        return set(futures), set()

    def result(self, future: Any) -> Any:
        return future.result()

    def cancel(self, futures: Iterable[Any]) -> None:
        pass

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A local process pool with an explicit 'spawn' context (never fork: Mesa sets spawn
    globally in batch_run, and forking a process with threads is unsafe)."""

    name = "processes"

    def __init__(self, workers: int) -> None:
        from cislab.experiments.worker import init_worker

        self.workers = workers
        self.pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
        )

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        return self.pool.submit(fn, *args)

    def wait_some(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        done, pending = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
        return set(done), set(pending)

    def result(self, future: Any) -> Any:
        return future.result()

    def cancel(self, futures: Iterable[Any]) -> None:
        for future in futures:
            future.cancel()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """A dask.distributed client: to an existing scheduler (`address`), or to a LocalCluster
    of `local_workers` single-threaded worker processes started here and stopped on close."""

    name = "dask"

    def __init__(self, address: str | None = None, local_workers: int | None = None) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        if address is None:
            n = local_workers or default_workers()
            self.cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,  # logging.ERROR: the progress bar is the report
            )
            self.client = Client(self.cluster)
        else:
            self.client = Client(address, timeout="20s")
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.name = f"dask-local({self.workers})" if self.cluster else f"dask({address})"

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def wait_some(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        from distributed import wait

        done, pending = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done), set(pending)

    def result(self, future: Any) -> Any:
        return future.result()

    def cancel(self, futures: Iterable[Any]) -> None:
        futures = list(futures)
        if futures:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(
    workers: int | None = None, dask: str | None = None, dask_local: int | None = None
) -> Executor:
    """The executor a user asked for: Dask if named, else a pool of `workers` (inline for 1)."""
    if dask is not None or dask_local is not None:
        return DaskExecutor(address=dask, local_workers=dask_local)
    n = workers or default_workers()
    return InlineExecutor() if n == 1 else ProcessExecutor(n)

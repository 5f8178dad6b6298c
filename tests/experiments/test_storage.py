"""The result store: crash recovery keeps exactly one row per (point_id, seed); one schema."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from cislab.experiments.spec import ExperimentError
from cislab.experiments.storage import JOURNAL, ResultStore, read_results


def row(point: int, seed: int, **metrics) -> dict:
    return {"point_id": point, "seed": seed, "status": "ok", "error": None, **metrics}


def test_rows_reach_parquet_in_batches_and_the_journal_holds_the_rest(tmp_path):
    store = ResultStore(tmp_path, batch_rows=3)
    assert store.open() == set()
    for seed in range(5):
        store.append(row(0, seed, x=float(seed)))
    assert len(store.parts()) == 1  # 3 rows flushed, 2 still in the journal
    assert len((tmp_path / JOURNAL).read_text().splitlines()) == 2
    assert len(read_results(tmp_path)) == 5  # readable mid-sweep
    store.close()
    assert (tmp_path / JOURNAL).read_text() == ""
    frame = pd.read_parquet(tmp_path / "results")
    assert sorted(frame["seed"]) == [0, 1, 2, 3, 4]


def test_reopening_recovers_the_journal_ignores_a_torn_line_and_drops_doubles(tmp_path):
    store = ResultStore(tmp_path, batch_rows=2)
    store.open()
    for seed in range(2):
        store.append(row(0, seed, x=1.0))  # -> part 0
    store.append(row(0, 2, x=1.0))  # journal only
    store._journal.close()  # simulate kill -9: no close(), the lock dies with the process
    store._release_lock()
    with (tmp_path / JOURNAL).open("a") as fh:
        fh.write(json.dumps(row(0, 1, x=99.0)) + "\n")  # a key already in a part
        fh.write('{"point_id": 0, "seed": 3, "x"')  # torn last line
    reopened = ResultStore(tmp_path)
    assert reopened.open() == {(0, 0), (0, 1), (0, 2)}
    reopened.close()
    frame = pd.read_parquet(tmp_path / "results")
    assert frame.groupby(["point_id", "seed"]).size().max() == 1
    assert frame.set_index("seed").loc[1, "x"] == 1.0  # the part's row wins


def test_a_column_null_in_one_part_and_typed_in_another_gets_one_schema(tmp_path):
    store = ResultStore(tmp_path, batch_rows=1)
    store.open()
    store.append(row(0, 0, irr=None, note=None, n=1))
    store.append(row(0, 1, irr=0.05, note="late", n=2.5))
    store.close()
    frame = pd.read_parquet(tmp_path / "results")  # plain pandas reads the folder
    assert frame["irr"].dtype == float
    assert frame["n"].tolist() == [1.0, 2.5]
    assert frame["note"].tolist()[1] == "late"


def test_a_second_writer_is_refused(tmp_path):
    first = ResultStore(tmp_path)
    first.open()
    with pytest.raises(ExperimentError, match="in use by another sweep"):
        ResultStore(tmp_path).open()
    first.close()
    second = ResultStore(tmp_path)
    second.open()
    second.close()

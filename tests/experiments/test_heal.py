"""Sweeps heal: a damaged Parquet part or journal line is set aside in quarantine/ (kept, named
in a warning) and its runs are done again; sessions killed earlier are closed on resume
(issue 9). Before, such a folder failed every resume with ArrowInvalid or TypeError."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from cislab.experiments.plan import load_plan
from cislab.experiments.runner import sweep
from cislab.experiments.spec import ExperimentError
from cislab.experiments.storage import JOURNAL, QUARANTINE, ResultStore, read_results
from cislab.experiments.worker import simulate

from tests.experiments.test_resume import rows_on_disk, start, wait_for_rows

FACTORS = {"contract.selection": ["operator", "random_referral"]}


def row(point: int, seed: int, **metrics) -> dict:
    return {"point_id": point, "seed": seed, "status": "ok", "error": None, **metrics}


def truncate(path: Path) -> bytes:
    """Cut a file in half (a copy or a disk that stopped short); return what it held."""
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return whole[: len(whole) // 2]


def one_row_per_key(frame: pd.DataFrame, keys: set[tuple[int, int]]) -> None:
    counts = frame.groupby(["point_id", "seed"]).size()
    assert counts.max() == 1
    assert set(zip(frame["point_id"], frame["seed"], strict=True)) == keys


# ---------------------------------------------------------------------------- the store
def test_a_truncated_part_is_set_aside_and_its_keys_are_no_longer_done(tmp_path):
    store = ResultStore(tmp_path, batch_rows=2)
    store.open()
    for seed in range(6):
        store.append(row(0, seed, x=float(seed)))
    store.close()
    assert [p.name for p in store.parts()] == [f"part-00000{i}.parquet" for i in range(3)]
    damaged = truncate(tmp_path / "results" / "part-000001.parquet")
    with pytest.raises(ExperimentError, match=r"part-000001\.parquet cannot be read"):
        read_results(tmp_path)  # one line, not a traceback

    reopened = ResultStore(tmp_path)
    assert reopened.open() == {(0, 0), (0, 1), (0, 4), (0, 5)}  # seeds 2 and 3 to redo
    kept = tmp_path / QUARANTINE / "part-000001.parquet"
    assert kept.read_bytes() == damaged  # kept as it was
    assert reopened.set_aside == [f"{QUARANTINE}/part-000001.parquet"]
    [warning] = reopened.warnings
    assert "results/part-000001.parquet cannot be read" in warning and str(kept.name) in warning
    for seed in (2, 3):
        reopened.append(row(0, seed, x=float(seed)))
    reopened.close()
    assert reopened.parts()[-1].name == "part-000003.parquet"  # no name used twice
    frame = read_results(tmp_path)
    one_row_per_key(frame, {(0, s) for s in range(6)})
    assert frame["x"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


BAD_LINES = [
    "not json at all\n",
    '{"point_id": [0], "seed": 7, "x": 1.0}\n',  # a list as key: was TypeError (unhashable)
    '{"point_id": 0, "seed": "8", "x": 1.0}\n',  # a string as seed
    '{"point_id": 0, "seed": true, "x": 1.0}\n',  # a boolean is not a seed
    '{"point_id": -1, "seed": 9, "x": 1.0}\n',
    '{"point_id": 0, "seed": 10, "x": "high"}\n',  # text where the column holds numbers
    "[1, 2, 3]\n",
]


def test_journal_lines_that_are_not_rows_are_kept_aside_and_the_rest_recovered(tmp_path):
    store = ResultStore(tmp_path, batch_rows=2)
    store.open()
    for seed in range(2):
        store.append(row(0, seed, x=1.0))  # -> part 0, so `x` is a number column
    store.append(row(0, 2, x=2.0))  # journal only
    store._journal.close()  # kill -9: no close(); the lock dies with the process
    store._release_lock()
    with (tmp_path / JOURNAL).open("a", encoding="utf-8") as fh:
        fh.writelines(BAD_LINES)
        fh.write(json.dumps(row(0, 3, x=3.0)) + "\n")  # a good line after the bad ones

    reopened = ResultStore(tmp_path)
    assert reopened.open() == {(0, 0), (0, 1), (0, 2), (0, 3)}
    [kept] = (tmp_path / QUARANTINE).glob("journal-*.jsonl")
    assert kept.read_text(encoding="utf-8") == "".join(BAD_LINES)
    [warning] = reopened.warnings
    assert warning.startswith(f"{JOURNAL}: {len(BAD_LINES)} line(s) that are not valid rows")
    assert "line 2: not JSON" in warning and f"{QUARANTINE}/{kept.name}" in warning
    assert "point_id is [0], not an integer" in warning
    reopened.close()
    assert (tmp_path / JOURNAL).read_text() == ""
    frame = read_results(tmp_path)
    one_row_per_key(frame, {(0, s) for s in range(4)})
    assert frame["x"].dtype == float


def test_a_stray_file_named_like_a_part_does_not_stop_a_resume(tmp_path):
    store = ResultStore(tmp_path)
    store.open()
    store.append(row(0, 0, x=1.0))
    store.close()
    copy = tmp_path / "results" / "part-000000 (copy).parquet"
    copy.write_bytes((tmp_path / "results" / "part-000000.parquet").read_bytes())
    again = ResultStore(tmp_path)
    assert again.open() == {(0, 0)}
    again.append(row(0, 1, x=2.0))
    again.close()
    assert copy.exists()  # not ours: left alone
    assert len(read_results(tmp_path)) == 2


# ---------------------------------------------------------------------------- sweeps
def test_a_sweep_resumes_past_a_damaged_part_and_journal(write_experiment, tmp_path):
    out = tmp_path / "out"
    plan = load_plan(write_experiment(factors=FACTORS, seeds=6))
    first = sweep(replace(plan, seeds=[0, 1, 2, 3]), out, workers=1, batch_rows=2)
    assert first.complete and len(list((out / "results").glob("part-*.parquet"))) == 4
    damaged = truncate(out / "results" / "part-000001.parquet")
    keys = pd.read_parquet(out / "results" / "part-000002.parquet")
    lost = set(zip(keys["point_id"], keys["seed"], strict=True))
    (out / "results" / "part-000002.parquet").write_bytes(b"PAR1 not really parquet")
    with (out / JOURNAL).open("w", encoding="utf-8") as fh:
        fh.write('{"point_id": 0, "seed": 4, "creaming_index": "oops"}\n')
        fh.write("{broken\n")

    report = sweep(plan, out, workers=1)
    assert report.complete
    assert report.done == 2 * 6 - report.already_done
    assert report.already_done == 8 - 2 - len(lost)
    notes = "\n".join(report.notes)
    assert "results/part-000001.parquet cannot be read" in notes
    assert "results/part-000002.parquet cannot be read" in notes
    assert f"{JOURNAL}: 2 line(s)" in notes
    assert (out / QUARANTINE / "part-000001.parquet").read_bytes() == damaged
    frame = read_results(out)
    one_row_per_key(frame, {(p, s) for p in (0, 1) for s in range(6)})
    assert (frame["status"] == "ok").all()
    redone = frame.set_index(["point_id", "seed"]).loc[sorted(lost)[0]]
    point_id, seed = sorted(lost)[0]
    bare = simulate(plan.bases[0], seed, plan.points[point_id].overrides, plan.months)
    assert redone["creaming_index"] == bare["creaming_index"]
    session = json.loads((out / "manifest.json").read_text())["sessions"][-1]
    assert sorted(session["set_aside"]) == [
        f"{QUARANTINE}/{next((out / QUARANTINE).glob('journal-*.jsonl')).name}",
        f"{QUARANTINE}/part-000001.parquet",
        f"{QUARANTINE}/part-000002.parquet",
    ]


def test_a_session_left_running_is_closed_only_once_its_process_has_let_go(
    write_experiment, tmp_path
):
    out = tmp_path / "out"
    plan = load_plan(write_experiment(factors=FACTORS, seeds=2))
    sweep(replace(plan, seeds=[0]), out, workers=1)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["sessions"][0].update(status="running", finished=None)  # as a kill -9 leaves it
    manifest_path.write_text(json.dumps(manifest))

    holder = ResultStore(out)  # a live sweep still holds the folder: nothing is closed
    holder.open()
    with pytest.raises(ExperimentError, match="in use by another sweep"):
        sweep(plan, out, workers=1)
    assert json.loads(manifest_path.read_text())["sessions"][0]["status"] == "running"
    holder.close()

    report = sweep(plan, out, workers=1)
    assert report.complete
    assert any("1 earlier session(s) still marked running" in n for n in report.notes)
    first, second = json.loads(manifest_path.read_text())["sessions"]
    assert first["status"] == "interrupted" and first["closed_on_resume"] is True
    assert first["started"] <= first["finished"] <= second["started"]  # when it was found
    assert second["status"] == "complete" and second["pid"] == os.getpid()


def test_kill_9_then_damage_then_the_same_command_finishes(write_experiment, tmp_path):
    """The real thing: a sweep process killed mid-run, one of its parts cut short and one of
    its journal lines garbled; the same command completes, names what it set aside, and
    closes the killed session."""
    experiment = write_experiment(
        factors=FACTORS, seeds=24, fixed={"population.size": 1000}, months=8
    )
    out = tmp_path / "out"

    first = start(experiment, out)  # Ctrl-C: finished runs reach a Parquet part
    wait_for_rows(out, 6, first)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 130, err
    second = start(experiment, out)  # kill -9: runs in the journal, session left "running"
    wait_for_rows(out, rows_on_disk(out) + 4, second)
    os.killpg(second.pid, signal.SIGKILL)
    second.communicate(timeout=60)
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [s["status"] for s in sessions] == ["interrupted", "running"]

    [part] = (out / "results").glob("part-*.parquet")
    damaged = truncate(part)
    journal = (out / JOURNAL).read_text().splitlines(keepends=True)
    assert len(journal) >= 2
    journal[1] = journal[1][: len(journal[1]) // 2] + "\n"  # garbled, newline kept
    (out / JOURNAL).write_text("".join(journal))

    third = start(experiment, out, workers=1)
    _, err = third.communicate(timeout=300)
    assert third.returncode == 0, err
    assert f"results/{part.name} cannot be read" in err
    assert f"{JOURNAL}: 1 line(s) that are not valid rows" in err
    assert (out / QUARANTINE / part.name).read_bytes() == damaged
    frame = read_results(out)
    one_row_per_key(frame, {(p, s) for p in (0, 1) for s in range(24)})
    assert (frame["status"] == "ok").all()
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [s["status"] for s in sessions] == ["interrupted", "interrupted", "complete"]
    assert sessions[1]["closed_on_resume"] is True and sessions[1]["finished"]
    assert "closed_on_resume" not in sessions[0]  # Ctrl-C recorded its own end

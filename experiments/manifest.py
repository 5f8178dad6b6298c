"""The manifest of an output folder: what ran, with what, when — and whether it may resume.

Why: a results file without the package versions, the exact scenario and the seeds cannot be
reproduced or trusted. The design hash also stops a sweep from resuming into a folder that
holds another design's rows. A session killed outside Python (kill -9, power loss) cannot
record its own end: the next session, which holds the folder's lock and so knows that no other
process is writing, closes it as "interrupted" (see `close_stale_sessions`).
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cislab.experiments.plan import Plan
from cislab.experiments.spec import ExperimentError
from cislab.model.provenance import code_identity, git_commit, versions

MANIFEST = "manifest.json"
FORMAT = 1


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def provenance(plan: Plan) -> dict[str, Any]:
    """What every Parquet part of a sweep carries in its schema metadata (key `cislab`): the
    code, the versions and the design, so a part copied away still says where it comes from."""
    return {
        "format": FORMAT,
        "kind": plan.kind,
        "name": plan.name,
        "design_hash": plan.design_hash(),
        "scenario_hash": plan.scenario_hash(),
        "seeds": [int(s) for s in plan.seeds],
        **code_identity(),
    }


def read(out: Path) -> dict[str, Any] | None:
    path = Path(out) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        raise ExperimentError(f"{path}: not a valid manifest (JSON error)") from None


def write(out: Path, manifest: dict[str, Any]) -> None:
    """Whole or not at all: written beside, then renamed over the old one."""
    path = Path(out) / MANIFEST
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def check_compatible(out: Path, plan: Plan) -> dict[str, Any] | None:
    """The existing manifest if `out` may resume this plan; one-line error if it holds another."""
    old = read(out)
    if old is None:
        if (Path(out) / "results").is_dir() and any((Path(out) / "results").iterdir()):
            raise ExperimentError(f"{out} holds results but no manifest; choose another --out")
        return None
    if old.get("design_hash") != plan.design_hash():
        raise ExperimentError(
            f"{out} holds results of another design ('{old.get('name')}', "
            f"{len(old.get('points', []))} points); choose another --out or delete it"
        )
    return old


def close_stale_sessions(manifest: dict[str, Any]) -> int:
    """Close sessions still marked "running": call only while holding the folder's lock.

    The lock is held by one process at a time and dies with it, so a session that still says
    "running" when another has the lock was killed before it could write its end. Its end time
    is unknown: `finished` is when this was found, and `closed_on_resume` says so. Its runs
    are in the results as far as they reached the disk.
    """
    closed = 0
    for session in manifest.get("sessions", []):
        if isinstance(session, dict) and session.get("status") == "running":
            session.update(status="interrupted", finished=now(), closed_on_resume=True)
            closed += 1
    return closed


def start_session(
    out: Path,
    plan: Plan,
    old: dict[str, Any] | None,
    executor: str,
    workers: int,
    set_aside: list[str] | None = None,
) -> dict[str, Any]:
    """Create or extend the manifest for a new session; returns it (the caller updates it).

    Call while holding the folder's lock: sessions left "running" are closed first.
    """
    manifest = old or {
        "format": FORMAT,
        "kind": plan.kind,
        "name": plan.name,
        "created": now(),
        "versions": dict(versions()),
        "git_commit": git_commit(),
        "design_hash": plan.design_hash(),
        "scenario_hash": plan.scenario_hash(),
        "scenarios": [b.model_dump(mode="json") for b in plan.bases],
        "months": plan.months,
        "runner": plan.runner,
        "experiment": plan.source,
        "outputs": plan.outputs,
        "columns": plan.columns,
        "points": [
            {"point_id": p.point_id, "base": p.base, "values": p.values, "overrides": p.overrides}
            for p in plan.points
        ],
        "seeds": [],
        "sessions": [],
    }
    close_stale_sessions(manifest)
    manifest["seeds"] = sorted(set(manifest["seeds"]) | set(plan.seeds))
    manifest["sessions"].append(
        {
            "started": now(),
            "finished": None,
            "status": "running",
            "executor": executor,
            "workers": workers,
            "seeds": list(plan.seeds),
            "runs_done": 0,
            "runs_failed": 0,
            "host": platform.node(),
            "pid": os.getpid(),
            "argv": sys.argv,
            "versions": dict(versions()),
            "git_commit": git_commit(),
            "set_aside": list(set_aside or []),  # damaged files moved to quarantine/ on opening
        }
    )
    write(out, manifest)
    return manifest


def version_changes(manifest: dict[str, Any]) -> list[str]:
    """Packages whose version differs from the folder's first session (numbers may differ)."""
    first = manifest.get("versions") or {}
    now_ = dict(versions())
    return [
        f"{name} {first[name]} -> {now_.get(name)}"
        for name in sorted(first)
        if name in now_ and first[name] != now_[name]
    ]


def end_session(out: Path, manifest: dict[str, Any], status: str, done: int, failed: int) -> None:
    session = manifest["sessions"][-1]
    session.update(finished=now(), status=status, runs_done=done, runs_failed=failed)
    write(out, manifest)

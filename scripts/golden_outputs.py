"""Fingerprints of every output of the shipped scenarios: the identity net for refactors.

Why: a redesign that should not change results (moving beliefs onto agents, extracting the
contract unit) must leave every number identical. This script runs each shipped scenario at a
few seeds and hashes the summary and every table exactly (floats by their repr). The test
`tests/test_golden_outputs.py` compares a fresh run with `tests/data/golden_outputs.json`; a
commit that changes results on purpose regenerates the file (`--write`) and says so.

Usage: python scripts/golden_outputs.py [--write] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "data" / "golden_outputs.json"
SEEDS = (0, 1, 2)
MONTHS_AFTER = 36  # a short post-contract phase, so the after-contract code is in the net too


def cases() -> list[tuple[str, int, dict[str, object]]]:
    """(scenario, seed, overrides): every shipped scenario at its own horizon, plus the
    default with a short post-contract phase."""
    from cislab.model.scenarios import scenario_names

    out: list[tuple[str, int, dict[str, object]]] = []
    for name in scenario_names():
        seeds = SEEDS if name != "france_cis_programme" else (0,)
        out += [(name, seed, {}) for seed in seeds]
    out.append(("default", 0, {"after.horizon_years": MONTHS_AFTER // 12}))
    return out


def key(name: str, seed: int, overrides: dict[str, object]) -> str:
    extra = ",".join(f"{k}={v}" for k, v in sorted(overrides.items()))
    return f"{name}/seed{seed}" + (f"/{extra}" if extra else "")


def fingerprint(name: str, seed: int, overrides: dict[str, object]) -> dict[str, str]:
    """sha256 (first 16 hex digits) of the summary and of each table, exactly."""
    from cislab.model.api import run

    result = run(name, seed=seed, overrides=overrides)
    prints = {
        "summary": _digest(json.dumps(result.summary, sort_keys=True, default=repr)),
    }
    for table, frame in sorted(result.tables().items()):
        prints[table] = _digest(frame.to_csv(index=False, float_format=None))
    return prints


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def compute(only: set[str] | None = None) -> dict[str, dict[str, str]]:
    return {key(*case): fingerprint(*case) for case in cases() if only is None or case[0] in only}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the golden file")
    parser.add_argument("--only", nargs="*", help="scenario names to check")
    args = parser.parse_args()
    fresh = compute(set(args.only) if args.only else None)
    if args.write:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(fresh, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(fresh)} fingerprints to {GOLDEN}")
        return 0
    golden = json.loads(GOLDEN.read_text())
    changed = {k: v for k, v in fresh.items() if golden.get(k) != v}
    for k, v in changed.items():
        parts = [t for t in v if golden.get(k, {}).get(t) != v[t]]
        print(f"changed: {k}: {', '.join(parts)}")
    print(f"{len(fresh) - len(changed)} of {len(fresh)} runs identical")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())

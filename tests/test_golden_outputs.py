"""Results change only on purpose: every output of the shipped scenarios matches its fingerprint.

The fingerprints in `tests/data/golden_outputs.json` are exact hashes of the summary and every
table of each shipped scenario at seeds 0–2 (see `scripts/golden_outputs.py`). A refactor must
leave them all identical; a commit that changes results on purpose regenerates the file with
`python scripts/golden_outputs.py --write` and says why in its message.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden_outputs.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

EXPECTED = json.loads(golden.GOLDEN.read_text())


@pytest.mark.parametrize("case", golden.cases(), ids=lambda c: golden.key(*c))
def test_outputs_match_their_fingerprints(case):
    assert golden.key(*case) in EXPECTED, "new case: run scripts/golden_outputs.py --write"
    fresh = golden.fingerprint(*case)
    changed = sorted(t for t in fresh if EXPECTED[golden.key(*case)].get(t) != fresh[t])
    assert not changed, (
        f"{golden.key(*case)}: {', '.join(changed)} changed — if on purpose, run "
        "`python scripts/golden_outputs.py --write` and say why in the commit"
    )


def test_every_fingerprint_is_still_a_case():
    assert set(EXPECTED) == {golden.key(*case) for case in golden.cases()}

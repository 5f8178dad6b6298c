"""Scenario data as TOML text, headed by its source and GO Lab's attribution.

Why apart: writing is the last step and the only one that needs `tomli_w`; the header repeats
the attribution the INDIGO licence asks for and the gaps, so a scenario file read on its own
still says where its numbers come from.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from .reader import Gap


def to_toml(data: Mapping[str, Any], gaps: Sequence[Gap] = ()) -> str:
    """TOML text of scenario data, with a header naming the source and its attribution."""
    import tomli_w

    meta = data["meta"]
    header = [
        f"# {meta['title']['en']}",
        "# Written by `cislab import-indigo` from data/indigo_projects.json.gz (shipped slice).",
        "# Data: Government Outcomes Lab, University of Oxford — INDIGO Impact Bond Dataset,",
        "# published by GO Lab as open data (export of 2024-12-24).",
        "# Every value has a [sources] entry: the INDIGO field it comes from, or 'assumption: …'.",
    ]
    if gaps:
        header.append(f"# Gaps ({len(gaps)}): " + "; ".join(g.en for g in gaps))
    else:
        header.append("# Gaps: none in the mapped fields.")
    lines = [w for line in header for w in textwrap.wrap(line, 99, subsequent_indent="#   ")]
    return "\n".join(lines) + "\n\n" + tomli_w.dumps(dict(data))

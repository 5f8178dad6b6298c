"""Explore mode's "save this design": the explored contract as a scenario TOML file that
`cislab run` and `cislab compare` accept as they are.

Why a whole scenario rather than a list of overrides: the file must run on its own, on another
machine, after the game is closed. It keeps every value and citation of the scenario it came
from; each lever changed in explore mode gets a `[sources]` entry saying so, so `cislab validate`
still knows where every number comes from. Files are never overwritten: a taken name gets
`-2`, `-3`… (`model.safe_output.write_file` refuses to replace, and writes all or nothing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from cislab.model.safe_output import OutputError, write_file
from cislab.model.scenarios import load_scenario
from cislab.model.schema import Scenario

MAX_TRIES = 1000


def designs_dir() -> Path:
    """`~/.cislab/designs/`, beside the game's saves (follows `Path.home()` at call time)."""
    return Path.home() / ".cislab" / "designs"


def _plain(value: Any) -> Any:
    """TOML has no null: drop None values (the schema's default applies when read back)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value if v is not None]
    return value


def design_data(
    base: str | Scenario, changes: Mapping[str, Any], when: datetime | None = None
) -> dict[str, Any]:
    """The scenario `base` with `changes` applied, renamed and cited as an explored design."""
    config = load_scenario(base, dict(changes))
    data = config.model_dump(mode="json")
    when = when or datetime.now()
    stamp = when.strftime("%Y%m%d_%H%M")
    name = re.sub(r"[^a-z0-9_]", "_", f"{config.meta.name}_explored_{stamp}")[:64]
    listed = ", ".join(f"{k} = {v}" for k, v in changes.items()) or "none"
    data["meta"]["name"] = name
    title = data["meta"].get("title", {})
    data["meta"]["title"] = {
        "en": f"{title.get('en') or config.meta.name} — explored design",
        "fr": f"{title.get('fr') or title.get('en') or config.meta.name} — variante explorée",
    }
    description = data["meta"].get("description", {})
    data["meta"]["description"] = {
        "en": f"Saved from explore mode on {when:%Y-%m-%d %H:%M}. Changed: {listed}. "
        + (description.get("en") or ""),
        "fr": f"Enregistrée depuis le mode exploration le {when:%d/%m/%Y à %H:%M}. "
        f"Changements : {listed}. " + (description.get("fr") or ""),
    }
    sources = dict(data.get("sources", {}))
    for path in changes:
        sources[path] = f"assumption: chosen in explore mode on {when:%Y-%m-%d %H:%M}"
    data["sources"] = sources
    return _plain(data)


def to_toml(data: Mapping[str, Any]) -> str:
    import tomli_w

    header = (
        f"# {data['meta']['title']['en']}\n"
        "# Written by CIS Lab's explore mode. Run it with `cislab run <this file>`, or compare it\n"
        '# with its scenario: `cislab compare "Mine=<this file>"`.\n\n'
    )
    return header + tomli_w.dumps(dict(data))


def save_design(
    base: str | Scenario,
    changes: Mapping[str, Any],
    folder: Path | None = None,
    when: datetime | None = None,
) -> Path:
    """Write the explored design as a new TOML file in `folder` (never replacing one); its path.

    The text is read back and validated before it is written, so a saved file always loads.
    """
    data = design_data(base, changes, when)
    text = to_toml(data)
    import tomllib

    from cislab.model.scenarios import validate_data

    validate_data(tomllib.loads(text))  # what `cislab run` will read: refuse before writing
    folder = folder or designs_dir()
    stem = data["meta"]["name"]
    for n in range(1, MAX_TRIES + 1):
        path = folder / (f"{stem}.toml" if n == 1 else f"{stem}-{n}.toml")
        if path.exists() or path.is_symlink():
            continue
        try:
            return write_file(path, text.encode("utf-8"), replace=False, option="save")
        except OutputError:
            if path.exists():  # taken meanwhile: try the next name
                continue
            raise
    raise OutputError(f"{folder}: no free name left for {stem}")

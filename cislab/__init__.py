"""CIS Lab: an agent-based simulator and teaching game of social impact contracts.

Everything installs under this one import name: `cislab.model`, `cislab.agents`, `cislab.game`,
`cislab.experiments`, `cislab.importers`, with the shipped `scenarios/` and `data/` beside them,
so a user's own `model.py` or `agents.py` can never shadow CIS Lab.

In a source checkout those packages sit at the top of the repository (the layout its users asked
for), beside this folder rather than inside it. Adding the checkout's root to this package's path
makes `cislab.model` mean *this checkout's* `model/` — whichever virtual environment runs it, so a
second worktree never silently imports the first one's code. In an installed wheel they are real
subfolders and the root is not added.
"""

from __future__ import annotations

from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "model" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))  # type: ignore[name-defined]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cislab")
    except PackageNotFoundError:  # a checkout run without installing
        return "0+unknown"


__version__ = _version()

"""Scenes by name, as Tuxemon's state registry: a scene moves the journey on by naming the next
scene (`make("play", app)`), so no scene module imports another — the journey's graph
(title → contract → play → after → debrief → title) would otherwise be an import cycle.

The scene modules are imported on first use, by their module names, and every `Scene`
subclass with a `name` found in them is registered.
"""

from __future__ import annotations

import importlib
from typing import Any

from cislab.game.scenes.base import Scene

MODULES = ("title", "contract", "play", "debrief", "overlays")
_BY_NAME: dict[str, type[Scene]] = {}


def _load() -> None:
    for module in MODULES:
        loaded = importlib.import_module(f"cislab.game.scenes.{module}")
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, Scene) and value is not Scene:
                _BY_NAME.setdefault(value.name, value)


def scene_class(name: str) -> type[Scene]:
    """The scene class registered under `name` ("title", "play", "explore", …)."""
    if not _BY_NAME:
        _load()
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no scene named {name!r}; known: {', '.join(sorted(_BY_NAME))}") from None


def make(name: str, app: Any, *args: Any, **kwargs: Any) -> Scene:
    """A new scene of that name, built with the game `app` and any arguments it takes.

    An app may stand its own class in for a name (`app.scene_overrides`): `cislab host` plays
    the same journey with a play screen whose decisions come from the teams' phones."""
    cls = getattr(app, "scene_overrides", {}).get(name) or scene_class(name)
    return cls(app, *args, **kwargs)

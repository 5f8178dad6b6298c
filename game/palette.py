"""The two colour themes: dark (a dim room, the default) and light high-contrast (a lit room,
where dark greys wash out on a projector).

Why one module: charts, the field, the money flows and overlays draw with pygame, not widgets, so
their colours are read from here at draw time (`current()`), and `use(name)` switches every screen
at once; the widgets' colours come from the matching pygame_gui theme file (`theme_file`).
Line and marker colours pass through `ink`, which darkens them on the light theme so a yellow line
stays readable on white.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

THEMES = ("dark", "light")
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Palette:
    name: str
    background: tuple[int, int, int]
    panel: tuple[int, int, int]
    grid: tuple[int, int, int]
    axis: tuple[int, int, int]
    text: tuple[int, int, int]
    muted: tuple[int, int, int]
    accent: tuple[int, int, int]
    warn: tuple[int, int, int]
    popup: tuple[int, int, int]
    box: tuple[int, int, int]
    track: tuple[int, int, int]
    idle_arrow: tuple[int, int, int]
    ink_scale: float  # multiplies series colours (1.0: as given)


DARK = Palette(
    "dark",
    background=(20, 30, 42),
    panel=(26, 39, 54),
    grid=(47, 68, 96),
    axis=(120, 140, 165),
    text=(238, 243, 248),
    muted=(182, 196, 212),
    accent=(127, 178, 229),
    warn=(255, 190, 90),
    popup=(13, 21, 32),
    box=(36, 54, 76),
    track=(36, 50, 67),
    idle_arrow=(70, 90, 112),
    ink_scale=1.0,
)
LIGHT = Palette(
    "light",
    background=(250, 250, 248),
    panel=(255, 255, 255),
    grid=(150, 160, 172),
    axis=(60, 70, 84),
    text=(10, 14, 20),
    muted=(40, 48, 60),
    accent=(0, 70, 160),
    warn=(170, 60, 0),
    popup=(255, 255, 240),
    box=(226, 233, 242),
    track=(215, 222, 230),
    idle_arrow=(130, 140, 155),
    ink_scale=0.62,
)
_BY_NAME = {"dark": DARK, "light": LIGHT}
_current = DARK


def use(name: str) -> Palette:
    global _current
    if name not in _BY_NAME:
        raise ValueError(f"theme {name!r}: allowed {', '.join(THEMES)}")
    _current = _BY_NAME[name]
    return _current


def current() -> Palette:
    return _current


def ink(colour: tuple[int, ...]) -> tuple[int, int, int]:
    """A series colour as this theme draws it (darker on light backgrounds)."""
    k = _current.ink_scale
    return (int(colour[0] * k), int(colour[1] * k), int(colour[2] * k))


def theme_file(name: str) -> Path:
    """The pygame_gui theme of that name (widgets' colours and fonts)."""
    return HERE / ("theme.json" if name == "dark" else f"theme_{name}.json")

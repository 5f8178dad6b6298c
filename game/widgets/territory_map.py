"""The territories as a small map: one dot per territory, grouped by region, coloured by where
the programme stands there now, with the graph's links (who watches whom) drawn faintly.

Why a grid of regional clusters rather than a force layout: it is the same picture at every
year and every seed of a case (dots never jump as adoption spreads), and regions — the peers
that imitate each other — read as clusters on a projector.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pygame
from cislab.model.after_outputs import TerritoryMap

GOLDEN = math.pi * (3 - math.sqrt(5))
LINK = (52, 72, 98)
HOME_RING = (245, 245, 245)
# display category -> colour; "waiting" is drawn as a ring (adopted, not yet served)
COLOURS = {
    "none": (78, 92, 110),
    "contract": (240, 170, 60),
    "adopted": (46, 175, 120),
    "waiting": (46, 175, 120),
    "reached": (90, 170, 235),
    "dropped": (215, 80, 80),
}
CATEGORIES = tuple(COLOURS)


def category(view: TerritoryMap, i: int) -> str:
    """How territory i is shown: its State's stage, and whether the programme reached it."""
    stage = view.stage[i]
    if stage == "adopted":
        return "adopted" if view.reached[i] else "waiting"
    if stage in ("structuring", "contract"):
        return "contract"
    if view.dropped[i]:
        return "dropped"
    return "reached" if view.reached[i] else "none"


def counts(view: TerritoryMap) -> dict[str, int]:
    out = dict.fromkeys(CATEGORIES, 0)
    for i in range(len(view.stage)):
        out[category(view, i)] += 1
    return out


def layout(regions: Sequence[int], rect: pygame.Rect) -> tuple[list[tuple[float, float]], float]:
    """Dot centres (regions on a grid, dots in a sunflower inside each) and the dot radius."""
    groups: dict[int, list[int]] = {}
    for i, r in enumerate(regions):
        groups.setdefault(r, []).append(i)
    n = len(groups)
    cols = max(1, min(n, math.ceil(math.sqrt(n * rect.width / max(rect.height, 1)))))
    rows = math.ceil(n / cols)
    cw, ch = rect.width / cols, rect.height / rows
    biggest = max(len(g) for g in groups.values())
    spread = 0.5 * min(cw, ch) * 0.7  # radius of a region's cluster, with gaps between regions
    # a third of the spacing between dots of the fullest cluster, so they never touch
    radius = min(16.0, max(3.0, 0.33 * spread * math.sqrt(math.pi / biggest)))
    if biggest == 1:
        spread = 0.0
    pos: list[tuple[float, float]] = [(0.0, 0.0)] * len(regions)
    for k, (_region, members) in enumerate(sorted(groups.items())):
        cx = rect.left + (k % cols + 0.5) * cw
        cy = rect.top + (k // cols + 0.5) * ch
        m = len(members)
        for j, i in enumerate(members):
            r = spread * math.sqrt((j + 0.5) / m) if m > 1 else 0.0
            a = j * GOLDEN
            pos[i] = (cx + r * math.cos(a), cy + r * math.sin(a))
    return pos, radius


def draw(surface: pygame.Surface, rect: pygame.Rect, view: TerritoryMap) -> None:
    """Links, then dots coloured by category; the contract's own territory has a white ring."""
    pos, radius = layout(view.region, rect)
    for a, b in view.links:
        pygame.draw.line(surface, LINK, pos[a], pos[b], 1)
    for i, (x, y) in enumerate(pos):
        cat = category(view, i)
        centre = (round(x), round(y))
        r = round(radius)
        if cat == "waiting":
            pygame.draw.circle(surface, (26, 39, 54), centre, r)
            pygame.draw.circle(surface, COLOURS[cat], centre, r, max(2, r // 3))
        else:
            pygame.draw.circle(surface, COLOURS[cat], centre, r)
        if i == 0:
            pygame.draw.circle(surface, HOME_RING, centre, r + 3, 2)


def legend_icon(surface: pygame.Surface, cat: str, centre: tuple[int, int], r: int = 6) -> None:
    if cat == "home":
        pygame.draw.circle(surface, COLOURS["none"], centre, r - 2)
        pygame.draw.circle(surface, HOME_RING, centre, r + 1, 2)
    elif cat == "waiting":
        pygame.draw.circle(surface, COLOURS[cat], centre, r, 2)
    else:
        pygame.draw.circle(surface, COLOURS[cat], centre, r)

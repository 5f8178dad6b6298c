"""Small charts drawn with pygame: fast enough to redraw every frame on a projector."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pygame
from cislab.game import palette
from cislab.game.widgets import text

Series = tuple[str, Sequence[float], tuple[int, int, int]]


def panel(surface: pygame.Surface, rect: pygame.Rect, title: str | None = None) -> pygame.Rect:
    """A rounded panel with an optional title; returns the inner area."""
    p = palette.current()
    pygame.draw.rect(surface, p.panel, rect, border_radius=6)
    pygame.draw.rect(surface, p.grid, rect, 1, border_radius=6)
    inner = rect.inflate(-16, -12)
    if title:
        text.draw(surface, title, (inner.left, inner.top), 16, bold=True, max_width=inner.width)
        inner = pygame.Rect(inner.left, inner.top + 24, inner.width, inner.height - 24)
    return inner


def _nice_range(values: list[np.ndarray], include_zero: bool) -> tuple[float, float]:
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if v.size]
    if not finite:
        return 0.0, 1.0
    lo = min(float(v.min()) for v in finite)
    hi = max(float(v.max()) for v in finite)
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-9:
        hi = lo + (abs(lo) or 1.0)
    pad = 0.08 * (hi - lo)
    return lo - (pad if lo < 0 else 0), hi + pad


def line_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    title: str,
    series: Sequence[Series],
    x_max: int,
    fmt: Callable[[float], str],
    x_label: str = "",
    marker_x: int | None = None,
    no_data: str = "",
    x_ends: tuple[str, str] | None = None,
    explain: bool = False,
) -> None:
    """Lines over months (NaN breaks a line); legend on top, y ticks at min, 0 and max.

    `x_ends` replaces the "0" and `x_max` under the axis (e.g. calendar years); `marker_x` draws
    a vertical line at that month (e.g. the contract's end). With `explain`, the legend is one
    row per series and its label says what the line means (further lines of a label, after
    "\n", go under it): the room reads it without hovering."""
    inner = panel(surface, rect, title)
    arrays = [np.asarray(v, dtype=float) for _, v, _ in series]
    lo, hi = _nice_range(arrays, include_zero=True)
    legend_y = inner.top
    x = inner.left
    if explain:
        for label, _, colour in series:
            first, *more = label.split("\n")
            pygame.draw.line(
                surface, palette.ink(colour), (x, legend_y + 11), (x + 16, legend_y + 11), 3
            )
            text.draw(surface, first, (x + 20, legend_y), 16, max_width=inner.width - 20)
            for line in more:
                legend_y += 20
                text.draw(
                    surface, line, (x + 20, legend_y), 16, text.MUTED, max_width=inner.width - 20
                )
            legend_y += 20
        legend_y -= 22  # as after the last row of an ordinary legend
        series_legend: Sequence[Series] = ()
    else:
        series_legend = series
    for label, _, colour in series_legend:
        width = 20 + text.font(16).size(label)[0]
        if x + width > inner.right and x > inner.left:
            x, legend_y = inner.left, legend_y + 22
        pygame.draw.line(
            surface, palette.ink(colour), (x, legend_y + 11), (x + 16, legend_y + 11), 3
        )
        r = text.draw(surface, label, (x + 20, legend_y), 16, text.MUTED)
        x = r.right + 14
    top = legend_y + 36  # the top tick's label (centred on the line) clears the legend
    plot = pygame.Rect(inner.left + 70, top, inner.width - 74, inner.bottom - 22 - top)
    if plot.width < 20 or plot.height < 20:
        return

    def sy(v: float) -> float:
        return plot.bottom - (v - lo) / (hi - lo) * plot.height

    def sx(i: float) -> float:
        return plot.left + i / max(x_max, 1) * plot.width

    # Ticks at the data's own extremes (and zero), not at the padded frame: a count that
    # peaks at 7 is labelled 7, and an all-zero line gets no made-up top value.
    finite = [a[np.isfinite(a)] for a in arrays]
    finite = [a for a in finite if a.size]
    if finite:
        d_lo = min(0.0, *(float(a.min()) for a in finite))
        d_hi = max(0.0, *(float(a.max()) for a in finite))
        ticks = [0.0, d_lo, d_hi]
    else:
        ticks = [0.0, lo, hi] if lo < 0 < hi else [lo, hi]
    drawn: list[float] = []
    for tick in ticks:
        y = sy(tick)
        if any(abs(y - other) < 16 for other in drawn):
            continue  # keep tick labels from overlapping (zero wins)
        drawn.append(y)
        pygame.draw.line(surface, palette.current().grid, (plot.left, y), (plot.right, y), 1)
        text.draw(
            surface,
            fmt(tick),
            (plot.left - 6, int(y)),
            16,
            text.MUTED,
            anchor="midright",
            max_width=66,
        )
    pygame.draw.line(surface, palette.current().axis, plot.bottomleft, plot.bottomright, 1)
    if not any(np.isfinite(a).any() for a in arrays):
        text.draw(surface, no_data, plot.center, 16, text.MUTED, anchor="center")
    if marker_x is not None:
        mx = sx(marker_x)
        pygame.draw.line(surface, palette.current().axis, (mx, plot.top), (mx, plot.bottom), 1)
    first, last = x_ends or ("0", str(x_max))
    text.draw(surface, first, (plot.left, plot.bottom + 2), 16, text.MUTED)
    text.draw(surface, last, (plot.right, plot.bottom + 2), 16, text.MUTED, anchor="topright")
    if x_label:
        text.draw(
            surface, x_label, (plot.centerx, plot.bottom + 2), 16, text.MUTED, anchor="midtop"
        )
    for (_, _values, colour), arr in zip(series, arrays, strict=True):
        points: list[tuple[float, float]] = []
        for i, v in enumerate(arr):
            if math.isfinite(v):
                points.append((sx(i), sy(v)))
            else:
                _polyline(surface, colour, points)
                points = []
        _polyline(surface, colour, points)


def _polyline(surface: pygame.Surface, colour: tuple[int, int, int], pts: list) -> None:
    if len(pts) >= 2:
        pygame.draw.lines(surface, palette.ink(colour), False, pts, 3)
    elif len(pts) == 1:
        pygame.draw.circle(surface, palette.ink(colour), pts[0], 3)


def paired_bars(
    surface: pygame.Surface,
    rect: pygame.Rect,
    label: str,
    baseline: tuple[float, float, float],
    current: tuple[float, float, float],
    fmt: Callable[[float], str],
    colours: tuple[tuple[int, int, int], tuple[int, int, int]],
) -> None:
    """Baseline and current design side by side: bar = mean over seeds, whisker = range."""
    inner = panel(surface, rect)
    text.draw(surface, label, inner.topleft, 16, bold=True, max_width=inner.width)
    area = pygame.Rect(inner.left, inner.top + 24, inner.width, inner.height - 24)
    values = [v for v in (*baseline, *current) if math.isfinite(v)]
    lo = min([0.0, *values])
    hi = max([0.0, *values]) or 1.0
    if hi - lo < 1e-12:
        hi = lo + 1.0
    label_w = 96
    bars = pygame.Rect(area.left, area.top, area.width - label_w, area.height)
    zero_x = bars.left + (0 - lo) / (hi - lo) * bars.width
    bar_h = max(8, (area.height - 8) // 2 - 4)
    for row, ((mean, mn, mx), colour) in enumerate(zip((baseline, current), colours, strict=True)):
        y = area.top + row * (bar_h + 6)
        if not math.isfinite(mean):
            text.draw(surface, "—", (bars.right + 8, y), 16, text.MUTED)
            continue
        x = bars.left + (mean - lo) / (hi - lo) * bars.width
        bar = pygame.Rect(min(x, zero_x), y, max(abs(x - zero_x), 2), bar_h)
        pygame.draw.rect(surface, colour, bar, border_radius=3)
        x0 = bars.left + (mn - lo) / (hi - lo) * bars.width
        x1 = bars.left + (mx - lo) / (hi - lo) * bars.width
        mid = y + bar_h // 2
        pygame.draw.line(surface, palette.current().text, (x0, mid), (x1, mid), 2)
        for end in (x0, x1):
            pygame.draw.line(surface, palette.current().text, (end, mid - 4), (end, mid + 4), 2)
        text.draw(
            surface, fmt(mean), (area.right, mid), 16, anchor="midright", max_width=label_w - 6
        )
    pygame.draw.line(surface, palette.current().axis, (zero_x, area.top), (zero_x, area.bottom), 1)


def score_bars(
    surface: pygame.Surface,
    rect: pygame.Rect,
    title: str,
    rows: Sequence[tuple[str, float | None, str]],
) -> None:
    """Horizontal 0–100 bars, one per dimension; None shows the given note instead."""
    inner = panel(surface, rect, title)
    label_w = int(inner.width * 0.42)
    step = inner.height / max(len(rows), 1)
    for i, (label, score, note) in enumerate(rows):
        y = int(inner.top + i * step)
        h = int(min(step - 8, 26))
        text.draw(surface, label, (inner.left, y + h // 2), 16, anchor="midleft", max_width=label_w)
        track = pygame.Rect(inner.left + label_w, y, inner.width - label_w, h)
        pygame.draw.rect(surface, palette.current().track, track, border_radius=4)
        if score is None:
            text.draw(
                surface, note, (track.left + 8, track.centery), 16, text.MUTED, anchor="midleft"
            )
            continue
        colour = _score_colour(score)
        fill = pygame.Rect(track.left, track.top, int(track.width * score / 100), h)
        pygame.draw.rect(surface, colour, fill, border_radius=4)
        text.draw(surface, f"{score:.0f}", (track.right - 6, track.centery), 16, anchor="midright")


def _score_colour(score: float) -> tuple[int, int, int]:
    if score >= 66:
        return (46, 160, 120)
    if score >= 33:
        return (214, 160, 50)
    return (200, 70, 70)

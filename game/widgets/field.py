"""The population as a field of people, ordered by risk from left (lowest) to right (highest).

Why ordered by risk: creaming then shows as enrolment markers bunched on the left, parking as
served people on the right with almost no service hours. Colour is each person's untreated risk;
markers show status (enrolled, served, dropped, outcome). At most `max_people` are drawn, an
evenly spaced sample along the risk order, and the field is redrawn only when the month changes.
"""

from __future__ import annotations

import math

import numpy as np
import pygame
from cislab.model.cis_model import CISModel
from cislab.model.population import Status

LOW = np.array([70, 180, 110])
MID = np.array([225, 195, 70])
HIGH = np.array([215, 70, 60])
BG = (20, 30, 42)
RING = (255, 255, 255)
GREY = (120, 128, 140)
GOOD = (90, 220, 255)
BAD = (25, 20, 30)
COLOUR_BINS = 24
CORE_LEVELS = 4
LOOK_UNSEEN, LOOK_CONTROL, LOOK_REFUSED, LOOK_ENROLLED, LOOK_SERVED, LOOK_DROPPED = range(6)
LOOK_GOOD, LOOK_BAD = 6, 7


def risk_colour(risk: np.ndarray) -> np.ndarray:
    """Green (low risk) through yellow to red (high risk), as uint8 RGB rows."""
    r = np.clip(np.asarray(risk, float), 0, 1)[:, None]
    low = LOW + (MID - LOW) * np.clip(r / 0.5, 0, 1)
    return np.where(r < 0.5, low, MID + (HIGH - MID) * np.clip((r - 0.5) / 0.5, 0, 1)).astype(
        np.uint8
    )


class PopulationField:
    def __init__(self, rect: pygame.Rect, max_people: int = 2000) -> None:
        self.rect = pygame.Rect(rect)
        self.max_people = max_people
        self.surface = pygame.Surface(self.rect.size)
        self._key: tuple | None = None
        self.model: CISModel | None = None
        self.people = np.zeros(0, int)
        self.xy = np.zeros((0, 2), int)
        self.colour_bins = np.zeros(0, int)

    def set_model(self, model: CISModel) -> None:
        if model is self.model:
            return
        self.model = model
        order = np.argsort(model.population.risk, kind="stable")
        n = min(self.max_people, order.size)
        self.people = order[np.linspace(0, order.size - 1, n).round().astype(int)]
        rows = max(1, int(math.sqrt(n * self.rect.height / self.rect.width)))
        cols = math.ceil(n / rows)
        self.cell = min(self.rect.width / cols, self.rect.height / rows)
        i = np.arange(n)
        col, row = i // rows, i % rows
        x0 = (self.rect.width - cols * self.cell) / 2
        y0 = (self.rect.height - rows * self.cell) / 2
        self.xy = np.column_stack(
            [x0 + (col + 0.5) * self.cell, y0 + (row + 0.5) * self.cell]
        ).astype(int)
        risk = model.population.risk[self.people]
        self.colour_bins = np.clip((risk * COLOUR_BINS).astype(int), 0, COLOUR_BINS - 1)
        centres = (np.arange(COLOUR_BINS) + 0.5) / COLOUR_BINS
        self.palette = [tuple(int(v) for v in c) for c in risk_colour(centres)]
        self.dim_palette = [
            tuple(int(v * 0.35 + b * 0.65) for v, b in zip(c, BG, strict=True))
            for c in self.palette
        ]
        self.r_full = max(2, int(self.cell * 0.42))
        self.r_small = max(1, int(self.cell * 0.22))
        self._stamps: dict[tuple[int, int, int], pygame.Surface] = {}
        self._key = None

    def mean_marks(self) -> tuple[float, float | None]:
        """Where the eligible and the enrolled mean risk fall along the field (0–1)."""
        pop = self.model.population
        ranked = np.sort(pop.risk)
        eligible = float(np.searchsorted(ranked, pop.risk.mean()) / ranked.size)
        enrolled = pop.enrol_month >= 0
        if not enrolled.any():
            return eligible, None
        return eligible, float(np.searchsorted(ranked, pop.risk[enrolled].mean()) / ranked.size)

    def _stamp(self, key: tuple[int, int, int]) -> pygame.Surface:
        """One person's marker as a small image: (look, colour bin, core level).

        Why stamps: 2,000 people are then one `fblits` call instead of 2,000 circle calls, so a
        redraw stays far below a frame's budget."""
        stamp = self._stamps.get(key)
        if stamp is not None:
            return stamp
        look, colour_bin, core = key
        size = 2 * self.r_full + 2
        c = (size // 2, size // 2)
        stamp = pygame.Surface((size, size), pygame.SRCALPHA)
        colour = self.palette[colour_bin]
        dim = self.dim_palette[colour_bin]
        circle = pygame.draw.circle
        ring = max(1, self.r_full // 3)
        if look == LOOK_UNSEEN:
            circle(stamp, dim, c, self.r_small)
        elif look == LOOK_CONTROL:
            circle(stamp, dim, c, self.r_small)
            circle(stamp, GREY, c, self.r_full, 1)
        elif look == LOOK_REFUSED:
            circle(stamp, GREY, c, self.r_small)
        else:
            circle(stamp, colour, c, self.r_full)
            if look == LOOK_ENROLLED:
                circle(stamp, RING, c, self.r_full, ring)
            elif look == LOOK_DROPPED:
                circle(stamp, GREY, c, self.r_full, ring)
            radius = max(2, round(self.r_full * 0.8 * core / CORE_LEVELS))
            if look in (LOOK_GOOD, LOOK_BAD):
                circle(stamp, GOOD if look == LOOK_GOOD else BAD, c, radius)
            elif core > 0 and look != LOOK_ENROLLED:
                circle(stamp, RING, c, radius)
        self._stamps[key] = stamp
        return stamp

    def looks(self) -> tuple[np.ndarray, np.ndarray]:
        """Each drawn person's look and core level (hours of service received)."""
        pop = self.model.population
        idx = self.people
        status = pop.status[idx]
        look = np.full(idx.size, LOOK_SERVED, np.int8)
        look[(status == Status.unseen) | (status == Status.waiting)] = LOOK_UNSEEN
        look[status == Status.control] = LOOK_CONTROL
        look[status == Status.refused] = LOOK_REFUSED
        look[status == Status.enrolled] = LOOK_ENROLLED
        look[status == Status.dropped] = LOOK_DROPPED
        measured = pop.measured[idx] & (pop.enrol_month[idx] >= 0)
        good = np.nan_to_num(pop.y_treated[idx], nan=1.0) == 0
        look[measured & good] = LOOK_GOOD
        look[measured & ~good] = LOOK_BAD
        ever = pop.enrol_month >= 0
        scale = max(float(np.percentile(pop.hours_metric[ever], 95)), 1.0) if ever.any() else 1.0
        core = np.clip(np.round(pop.hours_metric[idx] / scale * CORE_LEVELS), 0, CORE_LEVELS)
        return look, core.astype(np.int8)

    def _redraw(self) -> None:
        self.surface.fill(BG)
        look, core = self.looks()
        keys = zip(look.tolist(), self.colour_bins.tolist(), core.tolist(), strict=True)
        half = self.r_full + 1
        blits = [
            (self._stamp(key), (int(x) - half, int(y) - half))
            for key, (x, y) in zip(keys, self.xy.tolist(), strict=True)
        ]
        self.surface.fblits(blits)

    def draw(self, target: pygame.Surface) -> None:
        model = self.model
        if model is None:
            return
        key = (id(model), model.month)
        if key != self._key:
            self._redraw()
            self._key = key
        target.blit(self.surface, self.rect)

    def person_at(self, pos: tuple[int, int]) -> int | None:
        """Population index of the person drawn nearest `pos` (within one cell), if any."""
        if self.model is None or not self.rect.collidepoint(pos):
            return None
        local = np.array(pos) - np.array(self.rect.topleft)
        d = np.abs(self.xy - local).max(axis=1)
        k = int(np.argmin(d))
        return int(self.people[k]) if d[k] <= self.cell else None

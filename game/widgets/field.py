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

from model.cis_model import CISModel
from model.population import Status

LOW = np.array([70, 180, 110])
MID = np.array([225, 195, 70])
HIGH = np.array([215, 70, 60])
BG = (20, 30, 42)
RING = (255, 255, 255)
GREY = (120, 128, 140)
GOOD = (90, 220, 255)
BAD = (25, 20, 30)


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
        self.colours = risk_colour(model.population.risk[self.people])
        self.dim = (self.colours * 0.35 + np.array(BG) * 0.65).astype(np.uint8)
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

    def _redraw(self) -> None:
        model = self.model
        pop = model.population
        s = self.surface
        s.fill(BG)
        idx = self.people
        status = pop.status[idx]
        hours = pop.hours_metric[idx]
        scale = (
            max(float(np.percentile(pop.hours_metric[pop.enrol_month >= 0], 95)), 1.0)
            if (pop.enrol_month >= 0).any()
            else 1.0
        )
        r_full = max(2, int(self.cell * 0.42))
        r_small = max(1, int(self.cell * 0.22))
        measured = pop.measured[idx]
        good = np.nan_to_num(pop.y_treated[idx], nan=1.0) == 0
        circle = pygame.draw.circle
        for k in range(idx.size):
            x, y = self.xy[k]
            st = status[k]
            colour = self.colours[k]
            if st == Status.unseen or st == Status.waiting:
                circle(s, self.dim[k], (x, y), r_small)
            elif st == Status.control:
                circle(s, self.dim[k], (x, y), r_small)
                circle(s, GREY, (x, y), r_full, 1)
            elif st == Status.refused:
                circle(s, GREY, (x, y), r_small)
            else:
                circle(s, colour, (x, y), r_full)
                if st == Status.enrolled:
                    circle(s, RING, (x, y), r_full, max(1, r_full // 3))
                elif st == Status.dropped:
                    circle(s, GREY, (x, y), r_full, max(1, r_full // 3))
                core = round(r_full * 0.8 * min(hours[k] / scale, 1.0))
                if measured[k]:
                    circle(s, GOOD if good[k] else BAD, (x, y), max(core, 2))
                elif core > 0 and st != Status.enrolled:
                    circle(s, RING, (x, y), core)

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

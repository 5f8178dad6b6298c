"""Money flows of the last turn between State, Investor and Operator, read from the ledger."""

from __future__ import annotations

import pygame

from game import fmt
from game.i18n import tr
from game.widgets import charts, text

BOX = (36, 54, 76)
ARROW = (127, 212, 255)
FLOWS = (
    ("investor", "operator", "capital_tranche"),
    ("state", "operator", "outcome_payment"),
    ("operator", "investor", "investor_repayment"),
    ("operator", "state", "audit_fine"),
)


def turn_flows(ledger_frame, since: int) -> dict[tuple[str, str, str], float]:
    if not len(ledger_frame):
        return {}
    recent = ledger_frame[ledger_frame["month"] >= since]
    sums = recent.groupby(["payer", "payee", "reason"])["amount"].sum()
    return {key: float(v) for key, v in sums.items()}


def draw_flows(
    surface: pygame.Surface,
    rect: pygame.Rect,
    balances: dict[str, float],
    flows: dict[tuple[str, str, str], float],
    currency: str,
) -> None:
    inner = charts.panel(surface, rect, tr("flows.title"))
    w = int(inner.width * 0.27)
    h = 52
    boxes = {
        "state": pygame.Rect(inner.left, inner.top + 4, w, h),
        "investor": pygame.Rect(inner.right - w, inner.top + 4, w, h),
        "operator": pygame.Rect(inner.centerx - w // 2, inner.bottom - h, w, h),
    }
    for role, box in boxes.items():
        pygame.draw.rect(surface, BOX, box, border_radius=6)
        text.draw(
            surface,
            tr(f"role.{role}"),
            (box.centerx, box.top + 4),
            15,
            bold=True,
            anchor="midtop",
            max_width=box.width - 8,
        )
        text.draw(
            surface,
            fmt.money(balances.get(role), currency),
            (box.centerx, box.bottom - 4),
            14,
            text.MUTED,
            anchor="midbottom",
            max_width=box.width - 8,
        )
    for payer, payee, reason in FLOWS:
        amount = flows.get((payer, payee, reason), 0.0)
        a, b = boxes[payer], boxes[payee]
        active = amount > 0
        colour = ARROW if active else (70, 90, 112)
        outward = payer == "operator"
        offset = 7 if outward else -7
        start, end = _edge(a, b), _edge(b, a)
        start = (start[0] + offset, start[1])
        end = (end[0] + offset, end[1])
        pygame.draw.line(surface, colour, start, end, 3 if active else 1)
        _arrow_head(surface, colour, start, end)
        if active:
            side = "state" if "state" in (payer, payee) else "investor"
            mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
            dy = 10 if outward else -10
            if side == "state":
                pos, anchor = (mx - 12, my + dy), "midright"
            else:
                pos, anchor = (mx + 12, my + dy), "midleft"
            text.draw(
                surface,
                f"{tr('flow.' + reason)} {fmt.money(amount, currency)}",
                pos,
                13,
                ARROW,
                anchor=anchor,
                max_width=int(inner.width * 0.3),
            )


def _edge(a: pygame.Rect, b: pygame.Rect) -> tuple[int, int]:
    if abs(a.centery - b.centery) < 10:
        return (a.right, a.centery) if b.centerx > a.centerx else (a.left, a.centery)
    return (a.centerx, a.bottom) if b.centery > a.centery else (a.centerx, a.top)


def _arrow_head(surface, colour, start, end) -> None:
    import math

    ang = math.atan2(end[1] - start[1], end[0] - start[0])
    for side in (-0.5, 0.5):
        tip = (end[0] - 10 * math.cos(ang + side), end[1] - 10 * math.sin(ang + side))
        pygame.draw.line(surface, colour, end, tip, 2)

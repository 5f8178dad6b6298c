"""Money flows of the last turn between State, Investor and Operator, read from the ledger."""

from __future__ import annotations

import pygame
from cislab.game import fmt, palette
from cislab.game.i18n import tr
from cislab.game.widgets import charts, text

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
    names: dict[str, str] | None = None,
) -> None:
    """Balances in three boxes and the turn's flows between them; `names` overrides a role's
    label (the case's payer instead of "State")."""
    inner = charts.panel(surface, rect, tr("flows.title"))
    labels = {r: (names or {}).get(r) or tr(f"role.{r}") for r in ("state", "operator", "investor")}
    w, h = int(inner.width * 0.26), 54
    # a payer's long name ("Département de la Gironde") widens its box rather than shrink its text
    ws = min(max(w, text.font(16, True).size(labels["state"])[0] + 12), int(inner.width * 0.46))
    wo = w if ws == w else int(inner.width * 0.2)
    gap = (inner.width - ws - 2 * wo) // 2
    boxes = {
        "state": pygame.Rect(inner.left, inner.top + 2, ws, h),
        "operator": pygame.Rect(inner.left + ws + gap, inner.top + 2, wo, h),
        "investor": pygame.Rect(inner.right - wo, inner.top + 2, wo, h),
    }
    for role, box in boxes.items():
        pygame.draw.rect(surface, palette.current().box, box, border_radius=6)
        text.draw(
            surface,
            labels[role],
            (box.centerx, box.top + 3),
            16,
            bold=True,
            anchor="midtop",
            max_width=box.width - 8,
        )
        text.draw(
            surface,
            fmt.money(balances.get(role), currency),
            (box.centerx, box.bottom - 3),
            16,
            text.MUTED,
            anchor="midbottom",
            max_width=box.width - 8,
        )
    lines = {"state": [], "investor": []}
    for payer, payee, reason in FLOWS:
        amount = flows.get((payer, payee, reason), 0.0)
        side = "state" if "state" in (payer, payee) else "investor"
        outer = boxes[side]
        op = boxes["operator"]
        left, right = (outer, op) if side == "state" else (op, outer)
        towards_right = boxes[payer] is left
        y = op.centery + (-7 if towards_right else 7)
        start, end = (left.right + 4, y), (right.left - 4, y)
        if not towards_right:
            start, end = end, start
        active = amount > 0
        colour = palette.ink(ARROW) if active else palette.current().idle_arrow
        pygame.draw.line(surface, colour, start, end, 3 if active else 1)
        _arrow_head(surface, colour, start, end)
        if active:
            lines[side].append(f"{tr('flow.' + reason)} {fmt.money(amount, currency)}")
    for side, x in (("state", inner.left), ("investor", inner.centerx + 8)):
        for i, line in enumerate(lines[side][:2]):
            text.draw(
                surface,
                line,
                (x, inner.top + h + 8 + 22 * i),
                16,
                palette.ink(ARROW),
                max_width=inner.width // 2 - 12,
            )


def _arrow_head(surface, colour, start, end) -> None:
    import math

    ang = math.atan2(end[1] - start[1], end[0] - start[0])
    for side in (-0.5, 0.5):
        tip = (end[0] - 10 * math.cos(ang + side), end[1] - 10 * math.sin(ang + side))
        pygame.draw.line(surface, colour, end, tip, 2)

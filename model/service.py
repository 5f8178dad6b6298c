"""A month of service for the whole caseload, as array updates.

Hours accumulate (and their experience-weighted value), well-being follows the quality hours a
client receives, clients with poor service complain and drop out more, and clients who finish
their spell leave with an observable "positive exit" — the interim indicator investors watch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from cislab.model.outcomes import service_shift
from cislab.model.population import Status, shifted

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel

COMPLAINT_RATE = 0.1


def deliver(model: CISModel, clients: np.ndarray, hours: np.ndarray, quality: float) -> None:
    """Apply one month of service to `clients` (metric `hours` each, `quality` hours each)."""
    pop = model.population
    sc = model.config
    n = clients.size
    model.month_metric_hours = float(hours.sum())
    model.month_quality = quality if n else 0.0
    model.month_complaints = model.month_dropouts = 0
    if n == 0:
        return
    op = model.operator
    pop.hours_metric[clients] += hours
    pop.hours_effective[clients] += hours * op.hour_value(clients)
    pop.hours_quality[clients] += quality
    op.client_months += n
    model.client_months += n
    model.quality_hours_total += quality * n

    standard = sc.contract.quality_standard_hours or 1.0
    mean_hours = max(hours.mean(), 1e-9)
    target = 0.3 + 0.6 * min(1.0, quality / standard) + 0.1 * np.minimum(1.0, hours / mean_hours)
    wb = pop.wellbeing[clients]
    wb += sc.intervention.wellbeing_speed * (target - wb)
    pop.wellbeing[clients] = np.clip(wb, 0.0, 1.0)
    distress = np.maximum(0.0, 0.5 - pop.wellbeing[clients]) / 0.5

    complains = model.rng.random(n) < COMPLAINT_RATE * distress
    pop.complaints[clients[complains]] += 1
    model.month_complaints = int(complains.sum())

    neglect = np.maximum(0.0, 1.0 - hours / mean_hours)
    hazard = sc.population.dropout_rate * (1.0 + 2.0 * distress + neglect)
    drops = model.rng.random(n) < np.clip(hazard, 0.0, 1.0)
    pop.status[clients[drops]] = Status.dropped
    pop.exit_month[clients[drops]] = model.month
    model.month_dropouts = int(drops.sum())

    served = model.month - pop.enrol_month[clients] + 1
    done = (served >= sc.intervention.service_months) & ~drops
    finish(model, clients[done])


def finish(model: CISModel, leavers: np.ndarray) -> None:
    """Clients complete their spell; each shows a positive or negative exit."""
    if leavers.size == 0:
        return
    pop = model.population
    iv = model.config.intervention
    pop.status[leavers] = Status.completed
    pop.exit_month[leavers] = model.month
    gain = service_shift(
        pop.hours_effective[leavers],
        pop.hours_scale[leavers],
        1.0,
        iv.effect,
        iv.max_logit_reduction,
    )
    p = shifted(pop.risk[leavers], model.truth.context_shift(model.month) - gain)
    positive = model.rng.random(leavers.size) >= p
    model.exits += int(leavers.size)
    model.positive_exits += int(positive.sum())
    model.operator.follow_up.decide(model, leavers)

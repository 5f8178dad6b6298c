"""A beneficiary: one person of the eligible population, as a light view onto shared arrays.

Why a view: the population's monthly rules run over numpy arrays owned by the model (see
`model.population`); the Mesa agent keeps identity for the network, the game's inspector and
analysis, and reads and writes through those arrays so both always agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from cislab.model.cis_model import CISModel


class Beneficiary(mesa.Agent):
    """Person `index` of `model.population`."""

    model: CISModel

    def __init__(self, model: CISModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    @property
    def risk(self) -> float:
        """Untreated probability of the adverse outcome in the measurement window."""
        return float(self.model.population.risk[self.index])

    @property
    def admin_score(self) -> float:
        return float(self.model.population.admin_score[self.index])

    @property
    def status(self) -> str:
        from cislab.model.population import Status

        return Status(int(self.model.population.status[self.index])).name

    @property
    def enrolled(self) -> bool:
        return bool(self.model.population.enrol_month[self.index] >= 0)

    @property
    def service_hours(self) -> float:
        return float(self.model.population.hours_metric[self.index])

    @property
    def quality_hours(self) -> float:
        return float(self.model.population.hours_quality[self.index])

    @property
    def wellbeing(self) -> float:
        return float(self.model.population.wellbeing[self.index])

    @property
    def peers(self) -> list[int]:
        """Population indices of this person's social ties."""
        adj = self.model.population.adjacency
        return adj.indices[adj.indptr[self.index] : adj.indptr[self.index + 1]].tolist()

    def describe(self) -> dict[str, object]:
        """Everything the game's inspector shows about this person."""
        pop = self.model.population
        i = self.index
        return {
            "index": i,
            "risk": self.risk,
            "admin_score": self.admin_score,
            "status": self.status,
            "cohort": int(pop.cohort[i]),
            "service_hours": self.service_hours,
            "quality_hours": self.quality_hours,
            "wellbeing": self.wellbeing,
            "complaints": int(pop.complaints[i]),
            "y_treated": float(pop.y_treated[i]),
            "y_untreated": float(pop.y_untreated[i]),
        }

"""The territories a programme may spread to: a networkx graph and what each territory is like.

Why a graph: adoption spreads by imitation of peers, and peers are neighbours — départements of
one region watch each other more than distant ones. The default is a synthetic regional graph
(dense inside regions, sparse between them); other shapes are a switch in the scenario.
Everything here draws from the generator it is given, so a seed fixes the whole map.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import networkx as nx
import numpy as np
from cislab.model.schema import GraphKind, Territories


def region_sizes(count: int, regions: int) -> list[int]:
    """Split `count` territories into `regions` regions as evenly as possible."""
    regions = max(1, min(regions, count))
    base, extra = divmod(count, regions)
    return [base + (1 if r < extra else 0) for r in range(regions)]


def build_graph(spec: Territories, rnd: random.Random) -> nx.Graph:
    """The territory graph; node 0 is the contract's own territory. Nodes carry `region`."""
    n = spec.count
    if spec.graph == GraphKind.regional:
        graph = nx.random_partition_graph(
            region_sizes(n, spec.regions), spec.link_within, spec.link_between, seed=rnd
        )
        region = {node: r for r, block in enumerate(graph.graph.pop("partition")) for node in block}
    elif spec.graph == GraphKind.small_world and n >= 3 and spec.degree >= 2:
        graph = nx.watts_strogatz_graph(n, min(spec.degree, n - 1), 0.1, seed=rnd)
        region = dict.fromkeys(graph.nodes, 0)
    elif spec.graph == GraphKind.complete:
        graph = nx.complete_graph(n)
        region = dict.fromkeys(graph.nodes, 0)
    elif spec.graph == GraphKind.random:
        graph = nx.gnp_random_graph(n, spec.link_within, seed=rnd)
        region = dict.fromkeys(graph.nodes, 0)
    else:  # a small world too small to have neighbours: isolated territories
        graph = nx.empty_graph(n)
        region = dict.fromkeys(graph.nodes, 0)
    nx.set_node_attributes(graph, region, "region")
    return graph


@dataclass(frozen=True)
class TerritoryDraws:
    """Per-territory characteristics, index 0 being the contract's own territory.

    `size` scales the eligible flow and `budget` the yearly envelope for new programmes;
    `context` multiplies the programme's true effect there (how well it transfers).
    """

    size: np.ndarray
    budget: np.ndarray
    context: np.ndarray


def draw_territories(spec: Territories, rng: np.random.Generator) -> TerritoryDraws:
    """Log-normal spreads with mean 1 around the contract's territory, which is the reference."""

    def spread(sd: float) -> np.ndarray:
        factor = np.exp(rng.normal(-0.5 * sd**2, sd, spec.count))
        factor[0] = 1.0
        return factor

    size = spread(spec.size_spread)
    budget = spec.budget_per_year * size * spread(spec.budget_spread)
    return TerritoryDraws(size=size, budget=budget, context=spread(spec.context_spread))

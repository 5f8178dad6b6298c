"""Social ties between beneficiaries, as a sparse adjacency built with numpy.

Why not networkx at run time: a Watts–Strogatz graph of 100k people costs seconds and hundreds of
MiB as Python objects, while peers' influence is one sparse product per measurement. The same
ties are handed to networkx on demand (`to_networkx`) for the game's views and for analysis.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy import sparse


def small_world(n: int, degree: int, rewire: float, rng: np.random.Generator) -> sparse.csr_matrix:
    """Symmetric 0/1 adjacency of a Watts–Strogatz-style ring lattice with random rewiring."""
    half = degree // 2
    if n < 3 or half == 0:
        return sparse.csr_matrix((n, n), dtype=np.float32)
    src = np.repeat(np.arange(n), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    moved = rng.random(src.size) < rewire
    dst[moved] = rng.integers(0, n, moved.sum())
    keep = src != dst
    src, dst = src[keep], dst[keep]
    rows = np.concatenate([src, dst])
    cols = np.concatenate([dst, src])
    adj = sparse.csr_matrix((np.ones(rows.size, np.float32), (rows, cols)), shape=(n, n))
    adj.data[:] = 1.0  # duplicates were summed; ties are unweighted
    return adj


def to_networkx(adj: sparse.csr_matrix) -> nx.Graph:
    """The same ties as a networkx graph (nodes are population indices)."""
    return nx.from_scipy_sparse_array(adj)


def peer_share(adj: sparse.csr_matrix, flag: np.ndarray) -> np.ndarray:
    """Share of each person's peers for whom `flag` is true (0 for isolated people)."""
    degree = np.asarray(adj.sum(axis=1)).ravel()
    counts = adj @ flag.astype(np.float32)
    return np.divide(counts, degree, out=np.zeros_like(counts), where=degree > 0)

"""Betweenness of the rank network: exact when the work fits a budget, else estimated from sampled sources with
a standard error.

* Directed, unweighted, normalised by ``(n-1)(n-2)`` as NetworkX does (turning every edge around leaves it
  unchanged).
* Exact (Brandes) when the work -- sources with an outgoing edge times (linked nodes + edges) -- is at most
  ``exact_work`` (:data:`EXACT_WORK`, about :data:`EXACT_SECONDS` s on the machine it was measured on,
  ``bench/bench_analysis.py``).
* Otherwise estimated from ``k`` sources drawn uniformly from the nodes with an outgoing edge (the others add
  nothing), scaled by (sources with an edge) / k: an unbiased estimate, with a standard error per node from the
  spread of :data:`ERROR_BATCHES` equal batches of the sample (corrected for sampling without replacement).
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from stackgraph.analysis.networks import betweenness_sums

__all__ = [
    "DEFAULT_SAMPLES",
    "ERROR_BATCHES",
    "EXACT_SECONDS",
    "EXACT_WORK",
    "Betweenness",
    "betweenness",
]

#: Exact betweenness when (sources with an outgoing edge) x (linked nodes + edges) is at most this.
EXACT_WORK = 2.5e8
#: What :data:`EXACT_WORK` costs in seconds with igraph on the 2-core machine it was measured on (bench).
EXACT_SECONDS = 5.0
#: Source nodes sampled for betweenness when exact is too costly.
DEFAULT_SAMPLES = 100
#: Batches the betweenness sample is split into to estimate its standard error.
ERROR_BATCHES = 10


@dataclass(frozen=True)
class Betweenness:
    """Normalised betweenness per node (``values``), its standard error when sampled (``error``, else ``None``),
    ``samples`` (``None``: exact), the ``sources`` with an outgoing edge, the error ``batches`` and the ``work``."""

    values: np.ndarray
    error: np.ndarray | None
    samples: int | None
    sources: int
    batches: int
    work: int


def betweenness(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    *,
    g: Any = None,
    D: nx.DiGraph | None = None,
    nodes: list[Hashable] | None = None,
    samples: int | None = None,
    exact: bool | None = None,
    seed: int = 0,
    exact_work: float = EXACT_WORK,
    compute: bool = True,
) -> Betweenness:
    """Betweenness of the network of ``n`` nodes and edges ``src -> dst``, measured on ``g`` (igraph) or ``D``
    (NetworkX, whose node order is ``nodes``).

    ``exact`` forces exact; ``samples`` asks for an estimate from that many sources (at least 2; as many as there
    are sources with an outgoing edge means exact); by default exact when the work fits ``exact_work``, else
    :data:`DEFAULT_SAMPLES` sources. ``compute=False`` only sizes the work (``values`` NaN, ``samples`` None).

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> found = betweenness(3, np.array([0, 1]), np.array([1, 2]), D=D, nodes=["a", "b", "c"])
    >>> found.values.tolist(), found.samples, found.sources
    ([0.0, 0.5, 0.0], None, 2)
    """
    has_out = np.zeros(n, dtype=bool)
    has_out[src] = True
    candidates = np.flatnonzero(has_out).tolist()
    linked = int(np.count_nonzero(np.bincount(np.concatenate([src, dst]), minlength=n))) if n else 0
    work = len(candidates) * (linked + len(src))
    k: int | None
    if exact:
        k = None
    elif samples is not None:
        k = max(2, int(samples))
    else:
        k = None if work <= exact_work else DEFAULT_SAMPLES
    if k is not None and k >= len(candidates):
        k = None
    if not compute:
        return Betweenness(np.full(n, np.nan), None, None, len(candidates), 0, work)
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    names = nodes if nodes is not None else list(range(n))
    if k is None:
        values = betweenness_sums(g, None, D, names)[0] * scale if candidates else np.zeros(n)
        return Betweenness(values, None, None, len(candidates), 0, work)
    sample = random.Random(seed).sample(candidates, k)
    batch_count = min(ERROR_BATCHES, k)
    batches = [sample[i::batch_count] for i in range(batch_count)]
    sums = betweenness_sums(g, batches, D, names)
    factor = len(candidates) * scale
    values = sum(sums, np.zeros(n)) * factor / k
    estimates = np.array([s * factor / len(b) for s, b in zip(sums, batches, strict=True)])
    correction = np.sqrt(max(0.0, 1.0 - k / len(candidates)))  # sampling without replacement
    error = estimates.std(axis=0, ddof=1) / np.sqrt(batch_count) * correction
    return Betweenness(values, error, k, len(candidates), batch_count, work)

"""The Leontief inverse of a network of stakes, ``L = (I - W)^-1``, computed sparsely level by level of the
network's condensation (see :mod:`stackgraph.analysis.ownership` for what it means and its sources).

Rows are computed sinks first: ``L_C = (I - W_CC)^-1 (I + W_C,rest L_rest)`` for each strongly connected component
``C`` -- a single entity, or a cycle of cross-holdings solved as one block (small ones by a dense inverse, a large
core by iterating ``X = B + W_CC X``). A cycle whose stakes go round at 100 % or more (spectral radius >= 1) has
no finite inverse: its internal stakes are left out and the cycle reported.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

__all__ = ["leontief_inverse"]


def _spectral_radius_reaches_one(block: Any) -> bool:
    """Whether the stakes inside a cycle go round at 100 % or more (spectral radius >= 1): never when every entity
    of the cycle is held below 100 % by the others (the radius is at most the largest column sum)."""
    if block.sum(axis=0).max() < 1.0:
        return False
    if block.shape[0] <= _DENSE_LIMIT:
        return bool(np.max(np.abs(np.linalg.eigvals(block.toarray()))) >= 1.0 - 1e-12)
    from scipy.sparse.linalg import ArpackNoConvergence, eigs

    try:
        value = eigs(block.astype(float), k=1, which="LM", return_eigenvectors=False, maxiter=10_000)
    except ArpackNoConvergence:  # slow convergence: a radius close to 1; refuse rather than guess
        return True
    return bool(np.abs(value).max() >= 1.0 - 1e-9)


def leontief_inverse(
    n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray, floor: float
) -> tuple[Any, np.ndarray, list[list[int]], np.ndarray]:
    """Return ``L = (I - W)^-1`` (CSR) for the stakes ``W[src, dst] = w`` with its rows and columns in the order
    ``order`` (of the nodes given), the cycles whose stakes go round at 100 % or more (their internal stakes left
    out) and the strongly connected component of each node.

    Rows are computed level by level of the condensation, the entities that hold nothing outside their cycle
    first: ``L_C = (I - W_CC)^-1 (I + W_C,rest L_rest)``, small cycles by a dense inverse of their block, large
    ones (a core of cross-holdings) by iterating ``X = B + W_CC X`` until it moves less than the floor (or 1e-15).
    Entries below ``floor`` are dropped as they go."""
    import igraph as ig
    import scipy.sparse as sp

    if not n:
        return sp.csr_matrix((0, 0)), np.zeros(0, dtype=np.int64), [], np.zeros(0, dtype=np.int64)
    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)
    membership = np.array(g.connected_components(mode="strong").membership, dtype=np.int64)
    sizes = np.bincount(membership)
    inside = membership[src] == membership[dst]
    links = np.unique(np.column_stack([membership[src], membership[dst]])[~inside], axis=0)
    cond = ig.Graph(n=len(sizes), edges=links.tolist(), directed=True)
    height = np.zeros(len(sizes), dtype=np.int64)  # 0: holds no stake outside its own cycle
    for comp in reversed(cond.topological_sorting(mode="out")):
        successors = cond.successors(comp)
        if successors:
            height[comp] = 1 + int(height[successors].max())
    W = sp.csr_matrix((w, (src, dst)), shape=(n, n))
    degenerate: list[list[int]] = []
    for comp in np.flatnonzero(sizes > 1).tolist():
        nodes = np.flatnonzero(membership == comp)
        if _spectral_radius_reaches_one(W[nodes][:, nodes]):
            degenerate.append(nodes.tolist())
            keep = ~((membership[src] == comp) & inside)
            src, dst, w, inside = src[keep], dst[keep], w[keep], inside[keep]
    level = height[membership]
    order = np.argsort(level, kind="stable")  # lower levels first: the rows' and columns' order from here on
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    P = sp.csr_matrix((w, (position[src], position[dst])), shape=(n, n))
    labels = membership[order]
    identity = sp.identity(n, format="csr")
    blocks: list[tuple[int, int, Any]] = []
    bounds = [0, *(np.flatnonzero(np.diff(level[order])) + 1).tolist(), n]
    for start, end in itertools.pairwise(bounds):
        rows = P[start:end]
        rhs = identity[start:end]
        if start:
            columns = rows[:, :start].tocsc()
            products = [rhs]
            for lo, hi, block in blocks:  # rows x (the levels below): a product per level actually held
                part = columns[:, lo:hi]
                if part.nnz:
                    products.append(part.tocsr() @ block)
            if len(products) > 1:  # one sum of all the products (duplicates add up in the conversion)
                pieces = [m.tocoo() for m in products]
                rhs = sp.csr_matrix(
                    (
                        np.concatenate([m.data for m in pieces]),
                        (np.concatenate([m.row for m in pieces]), np.concatenate([m.col for m in pieces])),
                    ),
                    shape=rhs.shape,
                )
        own = rows[:, start:end]
        if own.nnz:
            rhs = _solve_cycles(own, labels[start:end], rhs.tocsr(), floor)
        blocks.append((start, end, _pruned(rhs.tocsr(), floor)))
    L = sp.vstack([block for _, _, block in blocks], format="csr")
    return L, order, degenerate, membership


_DENSE_LIMIT = 400


def _pruned(matrix: Any, floor: float) -> Any:
    if floor > 0:
        matrix.data[np.abs(matrix.data) < floor] = 0.0
        matrix.eliminate_zeros()
    return matrix


def _solve_cycles(own: Any, labels: np.ndarray, rhs: Any, floor: float) -> Any:
    """``(I - own)^-1 rhs`` for the stakes ``own`` inside the cycles of one level (block diagonal by ``labels``)."""
    import scipy.sparse as sp

    if np.bincount(labels - labels.min()).max() <= _DENSE_LIMIT:
        return _block_inverse(sp.identity(own.shape[0], format="csr") - own, labels) @ rhs
    x = rhs
    tolerance = max(floor / 10, 1e-15)
    for _ in range(10_000):
        following = _pruned((rhs + own @ x).tocsr(), floor)
        change = abs(following - x).max() if following.nnz or x.nnz else 0.0
        x = following
        if change <= tolerance:
            break
    return x


def _block_inverse(matrix: Any, labels: np.ndarray) -> Any:
    """Inverse of ``matrix`` = I - (stakes inside cycles): the identity outside the cycles (no self-stakes), each
    cycle's block (the runs of equal ``labels`` with more than one member) inverted densely."""
    import scipy.sparse as sp

    size = matrix.shape[0]
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(i)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    single = np.ones(size, dtype=bool)
    dense = matrix.tocsr()
    for idx in groups.values():
        if len(idx) > 1:
            single[idx] = False
            block = np.linalg.inv(dense[idx][:, idx].toarray())
            index = np.array(idx)
            rows.append(np.repeat(index, len(idx)))
            cols.append(np.tile(index, len(idx)))
            values.append(block.ravel())
    ones = np.flatnonzero(single)
    rows.append(ones)
    cols.append(ones)
    values.append(np.ones(len(ones)))
    return sp.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(size, size))

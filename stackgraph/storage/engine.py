"""The in-memory engine of a :class:`~stackgraph.storage.dataset.Dataset`: a pyoxigraph store with the ontology
kept off it and mounted into it only for the queries that read it (see :mod:`stackgraph.storage.dataset`)."""

from __future__ import annotations

import threading

import pyoxigraph as ox

from stackgraph.storage.records import ONTOLOGY_GRAPH

__all__ = ["MAX_SWAPS", "ONTOLOGY", "Engine"]

#: The ontology's named graph, as the engine's term.
ONTOLOGY = ox.NamedNode(ONTOLOGY_GRAPH)

# How often the ontology may be taken out of an in-memory engine and put back (see :mod:`stackgraph.storage.dataset`):
# each swap adds two versions to each of its quads in pyoxigraph's memory store (about 10 kB and a little scan time).
MAX_SWAPS = 64


class Engine:
    """An in-memory pyoxigraph store, shared by a dataset and its branches, with the ontology kept off it.

    ``ontology`` holds the ontology graph's quads (in the named graph ``ONTOLOGY_GRAPH``) while they are not in
    ``store``; ``mounted`` says whether they are in it too; ``lock`` is taken to mount, unmount, choose a query's
    default graph and start the query.
    """

    def __init__(self) -> None:
        self.store = ox.Store()
        self.ontology = ox.Store()
        self.mounted = False
        self.swaps = 0
        self.lock = threading.RLock()

    def mount(self) -> None:
        """Put the ontology into the engine (a no-op when it is there)."""
        if not self.mounted:
            self.store.extend(self.ontology)
            self.mounted = True

    def unmount(self) -> bool:
        """Take the ontology out of the engine; false when it has been swapped too often and stays in."""
        if self.mounted and len(self.ontology):
            if self.swaps >= MAX_SWAPS:
                return False
            self.store.remove_graph(ONTOLOGY)
            self.swaps += 1
        self.mounted = False
        return True

    def set_ontology(self, ontology: ox.Store) -> None:
        """Replace the ontology by ``ontology``'s quads (in its named graph), taking the old ones out of the engine."""
        if self.mounted:
            self.store.remove_graph(ONTOLOGY)
            self.mounted = False
        self.ontology = ontology

"""The in-memory engine of a :class:`~stackgraph.storage.dataset.Dataset`: a pyoxigraph store with the ontology
kept off it and mounted into it only for the queries that read it (see :mod:`stackgraph.storage.dataset`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

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
    ``store``; ``mounted`` says whether they are in it too; ``lock`` is taken to mount, unmount and choose a query's
    default graph.

    Queries start side by side: a query is *starting* from the choice of its default graph (:meth:`begin`, under
    the lock) until pyoxigraph's ``query`` call returns (:meth:`end`), with the lock let go meanwhile -- an
    aggregate query evaluates whole inside that call, so its start can be most of its time. Mounting, unmounting and
    :meth:`exclusive` wait (letting go of the lock) until no query is starting and then act on the state they find,
    so a query never sees the ontology arrive or leave, nor a scratch graph, between the choice and its snapshot of
    the store.
    """

    def __init__(self) -> None:
        self.store = ox.Store()
        self.ontology = ox.Store()
        self.mounted = False
        self.swaps = 0
        self.lock = threading.RLock()
        self._idle = threading.Condition(self.lock)
        self._starting = 0  # queries between begin and end

    def begin(self) -> None:
        """Mark a query as starting; call it holding :attr:`lock`, right after choosing its default graph."""
        with self.lock:
            self._starting += 1

    def end(self) -> None:
        """Mark a query begun by :meth:`begin` as started (its ``query`` call has returned or failed)."""
        with self.lock:
            self._starting -= 1
            if not self._starting:
                self._idle.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold :attr:`lock` once no query is starting: no query starts, nor sees what changes, inside."""
        with self.lock:
            self._idle.wait_for(lambda: not self._starting)
            yield

    def mount(self) -> None:
        """Put the ontology into the engine (a no-op when it is there); call it holding :attr:`lock`."""
        with self.lock:
            while not self.mounted:
                if self._starting:  # the lock is let go while waiting: look at the state again after
                    self._idle.wait()
                    continue
                self.store.extend(self.ontology)
                self.mounted = True

    def unmount(self) -> bool:
        """Take the ontology out of the engine (call it holding :attr:`lock`); false when it has been swapped too
        often and stays in."""
        with self.lock:
            while self.mounted and len(self.ontology):
                if self.swaps >= MAX_SWAPS:
                    return False
                if self._starting:  # as in mount
                    self._idle.wait()
                    continue
                self.store.remove_graph(ONTOLOGY)
                self.swaps += 1
                self.mounted = False
            self.mounted = False
            return True

    def set_ontology(self, ontology: ox.Store) -> None:
        """Replace the ontology by ``ontology``'s quads (in its named graph), taking the old ones out of the engine."""
        with self.exclusive():
            if self.mounted:
                self.store.remove_graph(ONTOLOGY)
                self.mounted = False
            self.ontology = ontology

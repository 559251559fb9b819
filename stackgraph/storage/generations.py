"""The pyoxigraph store behind a persistent knowledge store: the published generation, or the next one.

A :class:`Generations` object reads the current generation of a :class:`~stackgraph.storage.folder.StoreFolder`
read-only. :meth:`Generations.begin` takes the writer lock and starts the next generation as a checkpoint of the
current one; :meth:`Generations.publish` closes it, makes it current and reads it like any reader again;
:meth:`Generations.abort` throws it away. The layout and the locks are described in
:mod:`stackgraph.storage.folder`.
"""

from __future__ import annotations

import pyoxigraph as ox

from stackgraph.errors import StoreError
from stackgraph.storage.folder import ReaderLock, StoreFolder, WriterLock
from stackgraph.storage.records import Manifest

__all__ = ["Generations"]


class Generations:
    """The published generation of a store folder (read-only), or the one this process is writing."""

    def __init__(self, folder: StoreFolder) -> None:
        self.folder = folder
        #: The pyoxigraph store to read (and, while :attr:`writing` is set, to write).
        self.store = ox.Store()
        #: The name of the unpublished generation being written, if any.
        self.writing: str | None = None
        self._reader: ReaderLock | None = None
        self._writer: WriterLock | None = None

    def open(self) -> Manifest:
        """Read the published generation (holding a reader lock on it) and return its manifest."""
        self._release_reader()
        manifest, store, self._reader = self.folder.open_current()
        self.store = store if store is not None else ox.Store()
        return manifest

    def begin(self, generation: str | None) -> Manifest | None:
        """Take the writer lock and start the next generation from the published one.

        ``generation`` is the one this process has open. When another process published a newer one meanwhile,
        that one is opened and its manifest returned, so the caller continues from it; else ``None``.
        Raises :class:`~stackgraph.errors.StoreBusyError` when another process is writing.
        """
        writer = self.folder.lock_for_writing()
        try:
            newer = None
            latest = self.folder.read_manifest()
            if (latest.generation if latest else None) != generation:
                newer = self.open()
                generation = newer.generation
            name, directory = self.folder.new_generation()
            try:
                if generation is not None:
                    self.store.backup(str(directory))  # hard links to the immutable files: instant
                store = ox.Store(str(directory))
            except OSError as error:
                self.folder.discard(name)
                raise StoreError(f"cannot write the store {self.folder.path}: {error}") from None
        except BaseException:
            writer.release()
            raise
        self._writer, self.writing, self.store = writer, name, store
        return newer

    def restart_without(self, graphs: set[str]) -> None:
        """Replace the generation being written by a fresh one holding all its graphs but ``graphs``."""
        assert self.writing is not None
        name, directory = self.folder.new_generation()
        try:
            fresh = ox.Store(str(directory))
            for kept in self.store.named_graphs():
                if kept.value not in graphs:
                    fresh.bulk_extend(self.store.quads_for_pattern(None, None, None, kept))
        except OSError as error:
            self.folder.discard(name)
            raise StoreError(f"cannot write the store {self.folder.path}: {error}") from None
        self.store = fresh
        self.folder.discard(self.writing)
        self.writing = name

    def publish(self, manifest: Manifest) -> Manifest:
        """Close the generation being written, make it current with ``manifest``, and read it from now on."""
        assert self.writing is not None
        self.store.flush()
        self.store = ox.Store()  # the last reference: the generation is closed, nothing writes it any more
        manifest.generation = self.writing
        self.folder.publish(manifest)
        self.writing = None
        try:
            published = self.open()
            self.folder.collect(keep=published.generation)
        finally:
            self._release_writer()
        return published

    def abort(self) -> Manifest:
        """Throw away the generation being written (if any) and read the published one again."""
        if self.writing is not None:
            self.store = ox.Store()
            self.folder.discard(self.writing)
            self.writing = None
        try:
            return self.open()
        finally:
            self._release_writer()

    def close(self) -> None:
        """Throw away unpublished work and let go of every lock."""
        if self.writing is not None:
            self.store = ox.Store()
            self.folder.discard(self.writing)
            self.writing = None
        self._release_writer()
        self._release_reader()
        self.store = ox.Store()

    def _release_reader(self) -> None:
        if self._reader is not None:
            self._reader.release()
            self._reader = None

    def _release_writer(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None

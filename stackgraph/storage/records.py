"""What each named graph of a store holds and where it came from: graph names, file records and the manifest.

A file's named graph is named after its full resolved path, so two ``data.ttl`` in different folders never
share a graph and a user's ``ontology.ttl`` or ``derived.ttl`` never replaces stackgraph's own graphs: the name
is the file's stem plus eight hex digits of the SHA-256 of its resolved path (the path itself is never
written into the RDF, so no local path is queryable). Only the ontology and the shipped graphs have fixed names
(``urn:stackgraph:graph:ontology``, ``urn:stackgraph:graph:<stem>``), the same on every machine.

Each graph has a :class:`Source` record: its kind, and for a file the resolved path, size, modification time
and SHA-256 of the bytes that were parsed. :meth:`Source.check` tells whether the file is unchanged (same size
and time stamp, or else the same hash), changed or missing. A persistent store keeps the records in a
:class:`Manifest` (``manifest.json`` beside the data, never in the RDF).

Examples
--------
>>> from pathlib import Path
>>> (a, kind), (b, _) = file_graph(Path("/tmp/a/data.ttl")), file_graph(Path("/tmp/b/data.ttl"))
>>> a.startswith("urn:stackgraph:graph:data-") and a != b, kind
(True, 'file')
>>> graph_iri("my file")
'urn:stackgraph:graph:my-file'
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from stackgraph.errors import StoreError
from stackgraph.namespace import GRAPH_IRI
from stackgraph.resources import ontology_path, shipped_graph_paths

__all__ = [
    "DERIVED_GRAPH",
    "KINDS",
    "ONTOLOGY_GRAPH",
    "UPDATES_GRAPH",
    "HashingReader",
    "Manifest",
    "Source",
    "file_graph",
    "graph_iri",
    "hash_file",
]

ONTOLOGY_GRAPH = GRAPH_IRI + "ontology"
DERIVED_GRAPH = GRAPH_IRI + "derived"
#: Where :meth:`KnowledgeStore.update` puts the triples an update writes without naming a graph.
UPDATES_GRAPH = GRAPH_IRI + "updates"

#: What a graph was loaded from: the ontology, a shipped graph, a user's file, or data given in memory.
KINDS = ("ontology", "shipped", "file", "data")

_FORMAT_VERSION = 1
_CHUNK = 1 << 20


def graph_iri(name: str) -> str:
    """Return the IRI of the named graph called ``name`` (other characters than letters, digits and ``._-``
    become ``-``)."""
    return GRAPH_IRI + re.sub(r"[^A-Za-z0-9._-]+", "-", name)


def file_graph(path: Path) -> tuple[str, str]:
    """Return the named graph a file is loaded into and its kind (``"ontology"``, ``"shipped"`` or ``"file"``).

    The ontology and the shipped graphs have fixed names; any other file is named from its resolved path.
    """
    resolved = path.resolve()
    if resolved == ontology_path().resolve():
        return ONTOLOGY_GRAPH, "ontology"
    if resolved in {shipped.resolve() for shipped in shipped_graph_paths()}:
        return graph_iri(resolved.stem), "shipped"
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return graph_iri(f"{resolved.stem}-{digest}"), "file"


class HashingReader(io.RawIOBase):
    """A binary reader that hashes what it reads and reports progress, for a parser that streams a file.

    ``progress(done, total)`` is called with the bytes read so far and the file size.
    """

    def __init__(self, handle: BinaryIO, total: int, progress: Callable[[int, int], None] | None = None) -> None:
        super().__init__()
        self._handle = handle
        self._total = total
        self._progress = progress
        self._hash = hashlib.sha256()
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._handle.readinto(buffer) or 0
        if count:
            self._hash.update(memoryview(buffer)[:count])
            self.done += count
            if self._progress is not None:
                self._progress(self.done, self._total)
        return count

    def hexdigest(self) -> str:
        """The SHA-256 of the bytes read so far."""
        return self._hash.hexdigest()


def hash_file(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Source:
    """What a named graph was loaded from.

    ``sha256`` is the hash of the parsed bytes (``None`` once an update changed the graph in the store); ``size``
    their length, which also estimates what rebuilding or removing the graph costs; ``path`` and ``mtime_ns``
    the resolved file and its modification time when it came from a file.
    """

    graph: str
    kind: str
    sha256: str | None
    size: int = 0
    path: str | None = None
    mtime_ns: int | None = None

    @property
    def label(self) -> str:
        """The file path, or the graph IRI for data without a file."""
        return self.path or self.graph

    def check(self) -> tuple[str, Source]:
        """Return ``("same" | "changed" | "missing", record)`` for a file's record; other records are ``"same"``.

        The size and time stamp are compared first; when only the time stamp moved the file is hashed, and if the
        hash is unchanged the returned record carries the new time stamp (so the next check is cheap again).
        """
        if self.path is None:
            return "same", self
        file = Path(self.path)
        try:
            stat = file.stat()
        except OSError:
            return "missing", self
        if stat.st_size != self.size:
            return "changed", self
        if stat.st_mtime_ns == self.mtime_ns:
            return "same", self
        try:
            digest = hash_file(file)
        except OSError:
            return "missing", self
        if digest != self.sha256:
            return "changed", self
        return "same", replace(self, mtime_ns=stat.st_mtime_ns)


@dataclass
class Manifest:
    """The records of a store: which generation is current, what each graph came from, how it was derived.

    ``derivation`` is the SHA-256 of the update that wrote the derived graph and ``derived_triples`` its size;
    a generation is only ever published with its derived graph up to date.
    """

    generation: str | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    derivation: str | None = None
    derived_triples: int = 0

    def recheck(self, shipped: Mapping[str, Path]) -> tuple[list[tuple[Path, Source]], list[str], list[str]]:
        """Check every recorded file (:meth:`Source.check`); return what to reload, drop and report.

        ``shipped`` maps the fixed graph names of this installation's ontology and shipped graphs to their files.
        Returns ``(reload, gone, missing)``: the files to parse again with their records (changed files, and
        shipped graphs that changed or moved), the shipped graphs this installation no longer ships, and the
        user's files that no longer exist. Records found unchanged take the time stamp they have now.
        """
        reload: list[tuple[Path, Source]] = []
        gone: list[str] = []
        missing: list[str] = []
        for source in list(self.sources.values()):
            state, record = source.check()
            if state == "same":
                self.sources[source.graph] = record
            elif source.kind in ("ontology", "shipped"):
                if source.graph in shipped:
                    reload.append((shipped[source.graph], source))
                else:
                    gone.append(source.graph)
            elif state == "missing":
                missing.append(source.label)
            else:
                reload.append((Path(source.label), source))
        return reload, gone, missing

    def to_json(self) -> str:
        """Serialise (sorted keys, so equal manifests are equal files)."""
        data = {
            "stackgraph_store": _FORMAT_VERSION,
            "generation": self.generation,
            "derivation": self.derivation,
            "derived_triples": self.derived_triples,
            "graphs": {graph: asdict(source) for graph, source in sorted(self.sources.items())},
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        """Read a manifest written by :meth:`to_json`; anything else raises :class:`StoreError` naming ``where``."""
        try:
            data = json.loads(text)
            if data.get("stackgraph_store") != _FORMAT_VERSION:
                raise StoreError(
                    f"{where} was written by another version of stackgraph (format {data.get('stackgraph_store')!r}); "
                    "delete the store folder and it is rebuilt from your files"
                )
            sources = {graph: Source(**record) for graph, record in data["graphs"].items()}
            unknown = sorted({source.kind for source in sources.values()} - set(KINDS))
            if unknown:
                raise ValueError(f"unknown graph kind {unknown[0]!r}")
            return cls(data["generation"], sources, data.get("derivation"), int(data.get("derived_triples", 0)))
        except StoreError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise StoreError(
                f"{where} is damaged ({type(error).__name__}: {error}); delete the store folder and it is rebuilt "
                "from your files"
            ) from None

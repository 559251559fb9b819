"""How the knowledge store keeps its data: what each named graph was loaded from, and the on-disk folder.

:mod:`stackgraph.storage.records` names a file's graph from its full resolved path and records its size, time
stamp and SHA-256 so that a later run can tell whether it changed; :mod:`stackgraph.storage.folder` keeps a
persistent store as immutable generations (one pyoxigraph directory each) behind an atomically replaced
``manifest.json``, with a writer lock that names its holder and shared locks for readers.
:class:`stackgraph.store.KnowledgeStore` is built on both; nothing else needs them.
"""

__all__: list[str] = []  # the modules are the interface: records, folder, generations, dataset, derivation, sparql

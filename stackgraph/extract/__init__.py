"""From news to graph: propose candidate deals from articles, each with its status, cue and quoted sentence.

``stackgraph extract`` reads plain-text or HTML articles, finds the deals their sentences state (acquisitions,
investments, supply, ownership, partnerships, development, public offerings) with the status the wording supports,
links the parties to the loaded entities, and writes the candidates as stackgraph RDF plus a review table. A
reviewer marks each row accepted, rejected or corrected; ``stackgraph extract --review`` writes the accepted graph.

The parts: :mod:`~stackgraph.extract.document` (reading), :mod:`~stackgraph.extract.lexicon` (the words),
:mod:`~stackgraph.extract.tokens` (spaCy sentences and phrase matching), :mod:`~stackgraph.extract.linking`
(names to entities, through :mod:`stackgraph.resolution`), :mod:`~stackgraph.extract.rules` (parties),
:mod:`~stackgraph.extract.status`, :mod:`~stackgraph.extract.values` (money, stakes, dates),
:mod:`~stackgraph.extract.extractor`, :mod:`~stackgraph.extract.output` (RDF), :mod:`~stackgraph.extract.review`,
:mod:`~stackgraph.extract.workflow` and :mod:`~stackgraph.extract.evaluation` (scoring against labelled sentences).

Examples
--------
>>> from stackgraph.extract import Extractor, Source
>>> extraction = Extractor().extract_text(
...     "Ardent Robotics is in advanced talks to acquire Lumen Motion, according to people familiar with the matter.",
...     Source("Demo", date="2026-03-16"))
>>> [(c.parties(), c.status, c.cue) for c in extraction.candidates]  # doctest: +ELLIPSIS
[('Ardent Robotics → Lumen Motion', 'in-talks', '"in advanced talks" (hedged: "according to people", ...)')]
"""

from stackgraph.extract.document import Article, read_article
from stackgraph.extract.extractor import Candidate, Extraction, Extractor, Source
from stackgraph.extract.workflow import extract_files, review_file, write_candidates

__all__ = [
    "Article",
    "Candidate",
    "Extraction",
    "Extractor",
    "Source",
    "extract_files",
    "read_article",
    "review_file",
    "write_candidates",
]

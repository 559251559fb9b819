"""Importers: bring real data into the ontology -- Crunchbase exports of any year, the tables of a dataset through
a mapping (TOML, :mod:`stackgraph.importers.mapping`), and Wikidata SPARQL results.

Each importer resolves the parties it reads against what is loaded (``against=store``; :mod:`stackgraph.resolution`)
and returns an :class:`ImportResult` (triples + :class:`ImportReport`) or, with an output path, writes the RDF
atomically and returns the report. Bad rows are reported (reason, row, excerpt), never dropped silently; names that
cannot be linked with certainty are listed for review.

Examples
--------
>>> from stackgraph.importers import read_crunchbase
>>> from stackgraph.resources import data_root
>>> report = read_crunchbase(data_root() / "tests" / "fixtures" / "crunchbase").report
>>> report.reasons()["self-acquisition"]
3
"""

from stackgraph.importers._common import ImportResult
from stackgraph.importers.crunchbase import import_crunchbase, read_crunchbase
from stackgraph.importers.csv_mapping import import_csv, load_csv_mapping, read_csv
from stackgraph.importers.mapping import load_mapping
from stackgraph.importers.report import ImportReport, ReviewItem, RowIssue
from stackgraph.importers.wikidata import fetch_wikidata, import_wikidata, read_wikidata

__all__ = [
    "ImportReport",
    "ImportResult",
    "ReviewItem",
    "RowIssue",
    "fetch_wikidata",
    "import_crunchbase",
    "import_csv",
    "import_wikidata",
    "load_csv_mapping",
    "load_mapping",
    "read_crunchbase",
    "read_csv",
    "read_wikidata",
]

"""The vocabulary part: the ontology's terms and tables (generated) and the domain rules (hand-written).

The bottom layer of stackgraph: everything else imports its rules from here, and it imports nothing of stackgraph
but :mod:`stackgraph.errors`.

- :mod:`stackgraph.vocabulary.terms` -- GENERATED from ``ontology/stackgraph.ttl``: ``SG`` (every term as a plain
  IRI string), the IRI bases, and the tables of deal statuses, deal classes, entity kinds and evidence kinds.
- :mod:`stackgraph.vocabulary.rules` -- partial dates as periods, the deal policy (:class:`DealPolicy`: as-of,
  statuses, undated, evidence), which deals count, which ties give control.
- :mod:`stackgraph.vocabulary.sparql` -- the same rules written as SPARQL, filled into the ``.rq`` templates.
- :mod:`stackgraph.vocabulary.names` -- name lookup (label, alias, local name or IRI) and concept keys.
"""

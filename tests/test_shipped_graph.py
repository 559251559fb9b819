"""Pin the facts of the shipped AI-stack graph (graphs/*.ttl) to the source article, through SPARQL.

Each relation the article states is checked with its kind, parties, status and the sentence it quotes. The
quotes are checked against the article text itself when the article is available (``../shared/sources``);
that one test is skipped, with the reason, when it is not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stackgraph.store import KnowledgeStore
from stackgraph.validation import validate

ARTICLE = Path(__file__).resolve().parents[1].parent / "shared" / "sources" / "000_ac66dd1d52036e7d.txt"
XSD = "http://www.w3.org/2001/XMLSchema#"
SG = "https://w3id.org/stackgraph/ns#"

# kind -> (role of the party a deal starts from, role of the party it points to)
ROLES = {
    "Acquisition": ("sg:acquirer", "sg:target"),
    "Investment": ("sg:investor", "sg:investee"),
    "Supply": ("sg:supplier", "sg:customer"),
    "Ownership": ("sg:owner", "sg:owned"),
    "Partnership": ("sg:partner", "sg:partner"),
    "Development": ("sg:developer", "sg:product"),
}


@pytest.fixture(scope="module")
def store() -> KnowledgeStore:
    return KnowledgeStore.with_shipped_graphs()


def iri_of(store: KnowledgeStore, label: str) -> str:
    rows = store.select(
        "SELECT DISTINCT ?x ?name WHERE { ?x rdfs:label ?l FILTER(LCASE(STR(?l)) = LCASE(STR(?name))) }",
        {"name": label},
    )
    assert len(rows) == 1, f"expected exactly one node labelled {label!r}, found {rows}"
    return rows[0]["x"]


def deals(store: KnowledgeStore, kind: str, actor: str, counterparty: str) -> dict[str, dict]:
    """Deals of ``kind`` from the entity labelled ``actor`` to the one labelled ``counterparty``.

    Returns {deal IRI: {"status": local name, "quotes": set of quoted sentences, "sources": set of IRIs}}.
    """
    actor_role, counter_role = ROLES[kind]
    rows = store.select(
        f"""
        SELECT ?deal ?status ?quote ?source ?actorName ?counterName WHERE {{
          ?deal a sg:{kind} ; {actor_role} ?a ; {counter_role} ?c ; sg:status ?status .
          FILTER(?a != ?c)
          ?a rdfs:label ?aLabel . ?c rdfs:label ?cLabel .
          FILTER(LCASE(STR(?aLabel)) = LCASE(STR(?actorName)) && LCASE(STR(?cLabel)) = LCASE(STR(?counterName)))
          OPTIONAL {{ ?deal prov:qualifiedDerivation ?evidence . ?evidence sg:quote ?quote ; prov:entity ?source }}
        }}
        """,
        {"actorName": actor, "counterName": counterparty},
    )
    found: dict[str, dict] = {}
    for row in rows:
        entry = found.setdefault(row["deal"], {"status": row["status"].rsplit("#", 1)[1], "quotes": set()})
        entry.setdefault("sources", set())
        if "quote" in row:
            entry["quotes"].add(row["quote"])
            entry["sources"].add(row["source"])
    return found


def the_deal(store: KnowledgeStore, kind: str, actor: str, counterparty: str, status: str, phrase: str) -> str:
    """Assert there is exactly one such deal, with ``status`` and a quote containing ``phrase``; return its IRI."""
    found = deals(store, kind, actor, counterparty)
    assert len(found) == 1, f"expected one {kind} {actor} → {counterparty}, found {found}"
    ((deal, entry),) = found.items()
    assert entry["status"] == status, f"{deal}: status {entry['status']}, expected {status}"
    assert any(phrase in quote for quote in entry["quotes"]), f"{deal}: no quote contains {phrase!r}: {entry}"
    return deal


def value_of(store: KnowledgeStore, subject: str, prop: str) -> tuple[str, str]:
    """The single value of ``prop`` on ``subject`` as (lexical form, datatype IRI)."""
    rows = store.select(
        f"SELECT ?s ?v (DATATYPE(?v) AS ?dt) (STR(?v) AS ?lex) WHERE {{ ?s {prop} ?v }}",
        {"s": subject},
    )
    assert len(rows) == 1, f"{subject} {prop}: {rows}"
    return rows[0]["lex"], rows[0].get("dt", "")


def direct(store: KnowledgeStore, subject: str, prop: str, obj: str) -> bool:
    return bool(store.query(f"ASK {{ ?s {prop} ?o }}", {"s": iri_of(store, subject), "o": iri_of(store, obj)}))


# -- the graph as a whole -----------------------------------------------------------------------------------------


def test_shipped_graphs_conform_to_the_shapes(store):
    report = validate(store)
    assert report.violations == []
    assert report.conforms
    assert report.deals_checked >= 10


# -- each relation the article states -----------------------------------------------------------------------------


def test_spacex_acquired_xai(store):
    the_deal(store, "Acquisition", "SpaceX", "xAI", "Completed", "SpaceX acquired xAI")


def test_cursor_is_in_talks_not_controlled(store):
    deal = the_deal(store, "Acquisition", "SpaceX", "Cursor", "InTalks", "reportedly in discussions to acquire Cursor")
    assert deal
    assert not direct(store, "SpaceX", "sg:controls", "Cursor")
    assert not direct(store, "SpaceX", "sg:acquires", "Cursor")


def test_nokia_is_a_hypothetical_target_named_by_analysis(store):
    found = deals(store, "Acquisition", "SpaceX", "Nokia")
    assert len(found) == 1
    ((_, entry),) = found.items()
    assert entry["status"] == "Hypothetical"
    assert any("analys" in quote for quote in entry["quotes"])
    assert any("Nokia" in quote for quote in entry["quotes"])
    assert not direct(store, "SpaceX", "sg:controls", "Nokia")


def test_nvidia_invested_one_billion_dollars_in_nokia_in_october_2025(store):
    deal = the_deal(store, "Investment", "Nvidia", "Nokia", "Completed", "Nvidia invested $1 billion in Nokia")
    amount, amount_type = value_of(store, deal, "sg:amount")
    assert float(amount) == 1e9
    assert amount_type in (XSD + "decimal", XSD + "integer")
    assert value_of(store, deal, "sg:currency")[0] == "USD"
    dates = store.select(
        "SELECT ?deal (STR(?d) AS ?lex) (DATATYPE(?d) AS ?dt) WHERE { ?deal sg:announcedDate|sg:effectiveDate ?d }",
        {"deal": deal},
    )
    assert ("2025-10", XSD + "gYearMonth") in {(row["lex"], row["dt"]) for row in dates}
    assert "AI-RAN" in value_of(store, deal, "sg:purpose")[0]
    assert direct(store, "Nvidia", "sg:investsIn", "Nokia")


def test_nvidia_and_nokia_partner_on_ai_ran(store):
    found = deals(store, "Partnership", "Nvidia", "Nokia")
    assert len(found) == 1
    ((_, entry),) = found.items()
    assert entry["status"] in {"Active", "Completed"}
    assert any("co-develop AI-RAN" in quote for quote in entry["quotes"])
    assert direct(store, "Nvidia", "sg:partnersWith", "Nokia")
    assert direct(store, "Nokia", "sg:partnersWith", "Nvidia")


def test_nvidia_supplies_spacex_with_gpus(store):
    found = deals(store, "Supply", "Nvidia", "SpaceX")
    active = {deal: entry for deal, entry in found.items() if entry["status"] == "Active"}
    assert len(active) == 1, found
    ((deal, entry),) = active.items()
    assert any("major customer of Nvidia's GPUs" in quote for quote in entry["quotes"])
    assert value_of(store, deal, "sg:inputLayer")[0] == SG + "Accelerators"
    assert direct(store, "Nvidia", "sg:supplies", "SpaceX")


def test_spacex_builds_and_owns_terafab(store):
    the_deal(store, "Development", "SpaceX", "Terafab", "Active", "called Terafab")
    the_deal(store, "Ownership", "SpaceX", "Terafab", "Active", "called Terafab")
    assert bool(store.query("ASK { ?t a sg:Facility }", {"t": iri_of(store, "Terafab")}))
    assert direct(store, "SpaceX", "sg:develops", "Terafab")
    assert direct(store, "SpaceX", "sg:controls", "Terafab")


def test_spacex_operates_starlink(store):
    the_deal(store, "Development", "SpaceX", "Starlink", "Active", "Starlink, SpaceX's satellite internet service")
    starlink = iri_of(store, "Starlink")
    assert bool(store.query("ASK { ?s a sg:Product ; sg:inLayer sg:SatelliteBroadband }", {"s": starlink}))


def test_xai_develops_grok(store):
    the_deal(store, "Development", "xAI", "Grok", "Active", "the company behind the Grok generative AI model")
    assert direct(store, "xAI", "sg:develops", "Grok")


def test_anthropic_and_openai_are_present(store):
    for name in ("Anthropic", "OpenAI"):
        organisation = iri_of(store, name)
        assert bool(store.query("ASK { ?o a sg:Organization ; sg:inLayer sg:AIModels }", {"o": organisation}))
    the_deal(store, "Development", "Anthropic", "Claude", "Active", "behind the Claude family of AI models")


# -- the IPO and the financial figures ----------------------------------------------------------------------------


def test_spacex_ipo(store):
    rows = store.select(
        "SELECT ?ipo ?issuer ?status WHERE { ?ipo a sg:PublicOffering ; sg:issuer ?issuer ; sg:status ?status }",
        {"issuer": iri_of(store, "SpaceX")},
    )
    assert len(rows) == 1
    ipo = rows[0]["ipo"]
    assert rows[0]["status"] == SG + "Announced"
    assert float(value_of(store, ipo, "sg:amount")[0]) == 75e9
    assert value_of(store, ipo, "sg:currency")[0] == "USD"
    assert float(value_of(store, ipo, "sg:sharePrice")[0]) == 135
    assert value_of(store, ipo, "sg:effectiveDate") == ("2026-06-12", XSD + "date")
    quotes = {
        row["q"]
        for row in store.select("SELECT ?ipo ?q WHERE { ?ipo prov:qualifiedDerivation/sg:quote ?q }", {"ipo": ipo})
    }
    assert any("$135 per share, set to raise $75 billion" in q for q in quotes)
    assert any("begin trading on June 12" in q for q in quotes)


@pytest.mark.parametrize(
    ("entity", "metric", "value", "phrase"),
    [
        ("SpaceX", "Valuation", 1.77e12, "$1.77 trillion"),
        ("SpaceX", "PriceToSales", 94, "94 times sales"),
        ("SpaceX", "Revenue", 18.7e9, "$18.7 billion in revenue in 2025"),
        ("SpaceX", "RevenueGrowth", 33, "up 33 percent"),
        ("SpaceX", "NetIncome", -4.9e9, "$4.9 billion net loss"),
        ("Anthropic", "Valuation", 965e9, "$965 billion valuation"),
        ("Anthropic", "Valuation", 1.2e12, "$1.2 trillion or more"),
        ("Anthropic", "PriceToSales", 25, "25 times sales"),
    ],
)
def test_financial_figure(store, entity, metric, value, phrase):
    rows = store.select(
        f"""
        SELECT ?entity ?figure ?value ?quote WHERE {{
          ?figure a sg:FinancialFigure ; sg:figureOf ?entity ; sg:metric sg:{metric} ; sg:value ?value ;
                  prov:qualifiedDerivation/sg:quote ?quote .
        }}
        """,
        {"entity": iri_of(store, entity)},
    )
    matching = [row for row in rows if row["value"] == pytest.approx(value)]
    assert matching, f"no {metric} of {entity} = {value}: {rows}"
    assert any(phrase in row["quote"] for row in matching)


def test_revenue_and_loss_are_dated_2025(store):
    rows = store.select(
        """
        SELECT ?spacex ?metric (STR(?asOf) AS ?year) (DATATYPE(?asOf) AS ?dt) WHERE {
          ?figure sg:figureOf ?spacex ; sg:metric ?metric ; sg:asOf ?asOf .
          FILTER(?metric IN (sg:Revenue, sg:NetIncome))
        }
        """,
        {"spacex": iri_of(store, "SpaceX")},
    )
    assert {(row["metric"].rsplit("#", 1)[1], row["year"], row["dt"]) for row in rows} == {
        ("Revenue", "2025", XSD + "gYear"),
        ("NetIncome", "2025", XSD + "gYear"),
    }


# -- derived direct properties ------------------------------------------------------------------------------------


def test_derived_direct_properties(store):
    assert direct(store, "SpaceX", "sg:controls", "xAI")
    assert direct(store, "SpaceX", "sg:acquires", "xAI")
    assert not direct(store, "SpaceX", "sg:controls", "Cursor")
    assert direct(store, "Nvidia", "sg:supplies", "SpaceX")
    assert not direct(store, "SpaceX", "sg:supplies", "Nvidia")


# -- provenance: quotes, the article source, editorial background ------------------------------------------------


def article_graph_and_source(store: KnowledgeStore) -> tuple[str, str]:
    rows = store.select(
        """
        SELECT DISTINCT ?g ?source WHERE {
          GRAPH ?g { ?evidence sg:quote ?quote ; prov:entity ?source }
        }
        """
    )
    assert len(rows) == 1, f"expected one quoted document source in one graph, found {rows}"
    return rows[0]["g"], rows[0]["source"]


def editorial_graph_and_source(store: KnowledgeStore) -> tuple[str, str]:
    rows = store.select("SELECT DISTINCT ?g ?source WHERE { GRAPH ?g { ?source a sg:EditorialSource } }")
    assert len(rows) == 1, f"expected one editorial source in one graph, found {rows}"
    return rows[0]["g"], rows[0]["source"]


def test_every_quote_is_non_empty(store):
    quotes = [row["q"] for row in store.select("SELECT ?q WHERE { ?e sg:quote ?q }")]
    assert len(quotes) >= 10
    assert all(q.strip() for q in quotes)


def test_every_article_fact_quotes_the_article(store):
    graph, source = article_graph_and_source(store)
    unquoted = store.select(
        """
        SELECT ?source ?fact WHERE {
          ?fact a ?kind ; prov:wasDerivedFrom ?source .
          VALUES ?kind { sg:Acquisition sg:Investment sg:Supply sg:Ownership sg:Partnership sg:Development
                         sg:PublicOffering sg:FinancialFigure sg:MarketPosition }
          FILTER NOT EXISTS { ?fact prov:qualifiedDerivation [ prov:entity ?source ; sg:quote ?q ] }
        }
        """,
        {"source": source},
        graphs=[graph],
    )
    assert unquoted == []


@pytest.mark.skipif(not ARTICLE.is_file(), reason=f"the source article is not available at {ARTICLE}")
def test_every_quote_is_verbatim_from_the_article(store):
    text = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    _, source = article_graph_and_source(store)
    quotes = [
        row["q"]
        for row in store.select("SELECT DISTINCT ?s ?q WHERE { ?e prov:entity ?s ; sg:quote ?q }", {"s": source})
    ]
    assert quotes
    not_verbatim = [q for q in quotes if " ".join(q.split()) not in text]
    assert not_verbatim == []


@pytest.mark.skipif(not ARTICLE.is_file(), reason=f"the source article is not available at {ARTICLE}")
def test_source_title_is_the_articles_headline(store):
    _, source = article_graph_and_source(store)
    headline = ARTICLE.read_text(encoding="utf-8").splitlines()[0].strip()
    assert value_of(store, source, "dcterms:title")[0] == headline


def test_editorial_background_lives_in_its_own_file_without_quotes_or_urls(store):
    article_graph, _ = article_graph_and_source(store)
    graph, editorial = editorial_graph_and_source(store)
    assert graph != article_graph
    assert value_of(store, editorial, "dcterms:title")[0].strip()
    assert not store.query("ASK { ?s schema:url ?url }", {"s": editorial})
    # No quote, no URL anywhere in the background file.
    assert not store.query("ASK { { ?e sg:quote ?q } UNION { ?s schema:url ?u } }", graphs=[graph])
    # Every sourced statement of the background file is editorial ...
    others = store.select(
        "SELECT DISTINCT ?editorial ?s WHERE { ?x prov:wasDerivedFrom ?s FILTER(?s != ?editorial) }",
        {"editorial": editorial},
        graphs=[graph],
    )
    assert others == []
    # ... and the article's file uses no editorial source.
    assert not store.query(
        "ASK { ?x prov:wasDerivedFrom ?editorial }", {"editorial": editorial}, graphs=[article_graph]
    )
    assert store.select("SELECT ?e ?x WHERE { ?x prov:wasDerivedFrom ?e }", {"e": editorial}, graphs=[graph])

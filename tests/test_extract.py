"""stackgraph extract: reading articles, status from wording, parties, values, RDF output, review, bad input.

The article sentences in tests/fixtures/extract/seed-excerpt.txt are quoted from the news article the shipped graph
is built from (see the README beside it); the other sentences are written for these tests.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest

from stackgraph.errors import InputError
from stackgraph.extract import Extractor, Source, read_article
from stackgraph.extract.document import article_from_text
from stackgraph.store import KnowledgeStore

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SEED_TITLE = "SpaceX's $75 Billion IPO Signals Musk's Bigger Play: Building an AI Empire, Not Just a Space Company"


@functools.cache
def shipped_extractor() -> Extractor:
    return Extractor.from_store(KnowledgeStore.with_shipped_graphs())


def deals(text: str, date: str | None = "2026-03-16") -> list[tuple[str, str, str]]:
    extraction = shipped_extractor().extract_text(text, Source("test", date=date))
    return [(c.kind, c.parties(), c.status) for c in extraction.candidates]


# --- status from wording ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Acme Labs acquired Widget Systems in 2024.", "completed"),
        ("Acme Labs has agreed to acquire Widget Systems.", "announced"),
        ("Acme Labs agreed to buy Widget Systems, pending approval from regulators.", "pending"),
        ("Acme Labs is reportedly in discussions to acquire Widget Systems.", "in-talks"),
        ("Acme Labs is said to be weighing a bid for Widget Systems.", "rumoured"),
        ("Analysts say Widget Systems could be an attractive target for Acme Labs.", "hypothetical"),
        ("Acme Labs called off its bid for Widget Systems.", "terminated"),
    ],
)
def test_status_cue_decides_acquisition_status(sentence: str, status: str) -> None:
    assert deals(sentence) == [("acquisition", "Acme Labs → Widget Systems", status)]


def test_ongoing_supply_and_partnership_are_active() -> None:
    assert deals("Tarn Foundry supplies wafers to Quartz Logic.") == [
        ("supply", "Tarn Foundry → Quartz Logic", "active")
    ]
    assert deals("Verdant Farms teamed up with Loam Analytics to map soil carbon.") == [
        ("partnership", "Verdant Farms ↔ Loam Analytics", "active")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "This is not a merger with Tesla or a simple acquisition spree.",
        "Cobalt Mining denied reports that it was in talks to acquire Pellucid Minerals.",
        "Driftwood Games said it has no plans to sell itself to Apex Interactive.",
        "Pelham Partners did not invest in Rook Security, contrary to earlier reports.",
        "An acquisition of Harwick Games is unlikely, said an executive at Pebble Forge.",
    ],
)
def test_negation_and_denial_give_no_deal(sentence: str) -> None:
    assert deals(sentence) == []


def test_not_the_only_is_no_negation() -> None:
    assert deals("SpaceX is not the only company pursuing an IPO in 2026.") == [
        ("public-offering", "SpaceX", "announced")
    ]


def test_cue_is_kept_with_the_candidate() -> None:
    extraction = shipped_extractor().extract_text(
        "The company is also reportedly in discussions to acquire Cursor.", Source("t")
    )
    assert extraction.candidates == []  # "the company" refers to nothing in a one-sentence text
    (candidate,) = (
        shipped_extractor()
        .extract_text("SpaceX grew fast. The company is also reportedly in discussions to acquire Cursor.", Source("t"))
        .candidates
    )
    assert candidate.parties() == "SpaceX → Cursor"
    assert candidate.cue == '"in discussions" (hedged: "reportedly")'


def test_article_date_decides_announced_against_completed() -> None:
    sentence = "Tinder Point's IPO on May 14, 2026 raised $1.1 billion."
    assert deals(sentence, date="2026-03-16") == [("public-offering", "Tinder Point", "announced")]
    assert deals(sentence, date="2026-06-01") == [("public-offering", "Tinder Point", "completed")]


# --- parties ---------------------------------------------------------------------------------------------------


def test_passive_and_nominal_frames_put_parties_in_their_roles() -> None:
    assert deals("Kestrel AI was acquired by Tessaract Labs last year.") == [
        ("acquisition", "Tessaract Labs → Kestrel AI", "completed")
    ]
    assert deals("The takeover of Vantor Microsystems by Granite Peak Capital is expected to close in May.") == [
        ("acquisition", "Granite Peak Capital → Vantor Microsystems", "pending")
    ]
    assert deals("Ember Motors buys its battery cells from Voltaic Cells.") == [
        ("supply", "Voltaic Cells → Ember Motors", "active")
    ]


def test_coordination_apposition_and_possessive_products() -> None:
    found = deals(
        "Anthropic, the AI safety-focused company behind the Claude family of AI models, and OpenAI are also "
        "expected to go public before year's end."
    )
    assert sorted(found) == [
        ("development", "Anthropic → Claude", "active"),
        ("public-offering", "Anthropic", "rumoured"),
        ("public-offering", "OpenAI", "rumoured"),
    ]
    assert deals(
        "This capability would be the counterpart to what Starlink, SpaceX's satellite internet service, "
        "does from orbit."
    ) == [("development", "SpaceX → Starlink", "active")]


def test_parties_link_to_loaded_entities_or_are_proposed_with_a_kind() -> None:
    extraction = shipped_extractor().extract_text(
        "NVIDIA invested $40 million in Okapi Robotics. Drummond Systems develops the Keel operating system.",
        Source("t"),
    )
    investment, development = extraction.candidates
    assert investment.actors[0].iri == "https://w3id.org/stackgraph/id/Nvidia"  # an alias of the shipped Nvidia
    assert (investment.counterparties[0].iri, investment.counterparties[0].kind) == (None, "organization")
    assert (development.counterparties[0].label, development.counterparties[0].kind) == ("Keel", "product")


def parties_of(text: str, extractor: Extractor | None = None) -> list[tuple[str, str | None, str, str]]:
    extraction = (extractor or shipped_extractor()).extract_text(text, Source("t", date="2026-03-16"))
    return [(m.text, m.iri, m.kind, m.review) for c in extraction.candidates for m in [*c.actors, *c.counterparties]]


SHIPPED = "https://w3id.org/stackgraph/id/"


@pytest.mark.parametrize(
    ("sentence", "linked"),
    [
        ("Nvidia Corporation invested $40 million in Okapi Robotics.", [("Nvidia Corporation", "Nvidia")]),
        ("NVIDIA Corp. invested $40 million in Okapi Robotics.", [("NVIDIA Corp.", "Nvidia")]),  # normalised
        (
            "Nvidia Corp. supplies GPUs to Space Exploration Technologies Corp.",
            [("Nvidia Corp.", "Nvidia"), ("Space Exploration Technologies Corp.", "SpaceX")],
        ),
    ],
)
def test_names_with_legal_forms_link_through_the_entity_resolution(
    sentence: str, linked: list[tuple[str, str]]
) -> None:
    found = {text: iri for text, iri, _kind, _review in parties_of(sentence)}
    assert {text: found[text] for text, _ in linked} == {text: SHIPPED + local for text, local in linked}


def test_a_near_match_keeps_the_new_entity_and_shows_the_match_with_its_score() -> None:
    from stackgraph.extract.review import review_rows

    extraction = shipped_extractor().extract_text(
        "Nvida Corp. invested $40 million in Okapi Robotics.", Source("t", date="2026-03-16")
    )
    (candidate,) = extraction.candidates
    (nvida,) = candidate.actors
    assert (nvida.iri, nvida.kind, nvida.review) == (None, "organization", "near match")
    assert [(c.iri, round(c.score)) for c in nvida.candidates] == [(SHIPPED + "Nvidia", 91)]
    (row,) = review_rows([extraction])
    assert (row["actor"], row["matches"]) == (
        "Nvida Corp.",
        "Nvida Corp.: near match: Nvidia (sgid:Nvidia, organization, 91)",
    )


KEEL = """@prefix sg: <https://w3id.org/stackgraph/ns#> . @prefix sgid: <https://w3id.org/stackgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
sgid:Drummond a sg:Organization ; rdfs:label "Drummond Systems" .
sgid:Keel a sg:Product ; rdfs:label "Keel" .
sgid:keel-dev a sg:Development ; sg:developer sgid:Drummond ; sg:product sgid:Keel .
sgid:LyraLabs a sg:Organization ; rdfs:label "Lyra" .
sgid:LyraModel a sg:Product ; rdfs:label "Lyra" .
"""


def test_a_product_and_an_organisation_that_share_a_name_are_never_merged() -> None:
    store = KnowledgeStore()
    store.load_data(KEEL, "urn:test")
    extractor = Extractor.from_store(store)
    keel_inc = parties_of("Keel Inc. acquired Quantica in 2024.", extractor)
    assert keel_inc[0] == ("Keel Inc.", None, "organization", "different kind")  # the product Keel, for review
    assert ("Keel", SHIPPED + "Keel", "product", "") in parties_of(
        "Drummond Systems develops the Keel operating system.", extractor
    )
    # "Lyra" names an organisation and a product: the sentence says which
    assert parties_of("Lyra acquired Quantica in 2024.", extractor)[0][:3] == (
        "Lyra",
        SHIPPED + "LyraLabs",
        "organization",
    )
    assert ("Lyra", SHIPPED + "LyraModel", "product", "") in parties_of(
        "Drummond Systems develops the Lyra language model.", extractor
    )


# --- values ----------------------------------------------------------------------------------------------------


def test_amounts_currencies_stakes_dates_and_purpose() -> None:
    (c,) = (
        shipped_extractor()
        .extract_text(
            "Orbital Relay agreed to buy a 30% stake in Farpoint Antennas for €2.3bn on 3 March to expand in Europe.",
            Source("t", date="2026-03-16"),
        )
        .candidates
    )
    assert (c.amount, c.currency, c.stake, c.date) == (Decimal(2_300_000_000), "EUR", Decimal(30), "2026-03-03")
    assert c.purpose == "expand in Europe"
    (ipo,) = (
        shipped_extractor()
        .extract_text(
            "SpaceX's upcoming initial public offering (IPO) at $135 per share, set to raise $75 billion, signals.",
            Source("t"),
        )
        .candidates
    )
    assert (ipo.amount, ipo.share_price, ipo.currency) == (Decimal(75_000_000_000), Decimal(135), "USD")


def test_relative_dates_need_the_article_date() -> None:
    extraction = shipped_extractor().extract_text("The IPO of Merrow Aerospace is set for June 12.", Source("t"))
    assert extraction.candidates[0].date is None
    assert "needs the article's date" in extraction.candidates[0].notes[0]


# --- documents ------------------------------------------------------------------------------------------------


def test_html_is_read_as_the_text_a_reader_sees() -> None:
    article = read_article(FIXTURES / "article.html")
    texts = [p.text for p in article.paragraphs]
    assert "In October 2025, Nvidia invested $1 billion in Nokia specifically to co-develop AI-RAN solutions." in texts
    assert not any("Home" in t or "Tesla" in t or "Publisher" in t or "var deal" in t for t in texts)
    extraction = shipped_extractor().extract(article, Source("t"))
    assert sorted((c.kind, c.parties()) for c in extraction.candidates) == [
        ("investment", "Nvidia → Nokia"),
        ("partnership", "Nvidia ↔ Nokia"),
        ("supply", "Nvidia → SpaceX"),
    ]


def test_quotes_are_verbatim_sentences_of_the_file() -> None:
    text = (FIXTURES / "seed-excerpt.txt").read_text(encoding="utf-8")
    extraction = shipped_extractor().extract(article_from_text(text), Source(SEED_TITLE))
    for candidate in extraction.candidates:
        for quote in candidate.quotes:
            assert quote in text


def test_seed_excerpt_gives_the_shipped_deals_and_nothing_for_tesla() -> None:
    text = (FIXTURES / "seed-excerpt.txt").read_text(encoding="utf-8")
    extraction = shipped_extractor().extract(article_from_text(text), Source(SEED_TITLE))
    found = {(c.kind, c.parties(), c.status) for c in extraction.candidates}
    assert found == {
        ("public-offering", "SpaceX", "announced"),
        ("acquisition", "SpaceX → xAI", "completed"),
        ("development", "xAI → Grok", "active"),
        ("acquisition", "SpaceX → Cursor", "in-talks"),
        ("investment", "Nvidia → Nokia", "completed"),
        ("partnership", "Nvidia ↔ Nokia", "active"),
        ("supply", "Nvidia → SpaceX", "active"),
    }
    assert not any("Tesla" in c.parties() for c in extraction.candidates)
    (ipo,) = [c for c in extraction.candidates if c.kind == "public-offering"]
    assert len(ipo.quotes) == 3  # title, the IPO sentence and "The IPO is scheduled ..." merged into one deal


def test_unreadable_articles_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    (tmp_path / "latin1.txt").write_bytes("Nokia acquired Café Oy.".encode("latin-1"))
    (tmp_path / "blank.txt").write_text("  \n\n \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty file"):
        read_article(tmp_path / "empty.txt")
    with pytest.raises(InputError, match="binary file"):
        read_article(tmp_path / "binary.txt")
    with pytest.raises(InputError, match=r"latin1.txt:1: not UTF-8 text \(byte 0xe9"):
        read_article(tmp_path / "latin1.txt")
    with pytest.raises(InputError, match="no text found"):
        read_article(tmp_path / "blank.txt")
    with pytest.raises(InputError, match="too large for one article"):
        read_article(FIXTURES / "seed-excerpt.txt", max_bytes=100)


def test_candidates_contradicting_a_loaded_deal_are_flagged_as_possible_updates() -> None:
    from stackgraph.extract.output import compare_with_loaded
    from stackgraph.extract.review import review_rows

    store = KnowledgeStore.with_shipped_graphs()
    extraction = shipped_extractor().extract_text(
        "SpaceX completed its acquisition of Cursor on Tuesday. Nvidia invested $2 billion in Nokia in October 2025. "
        "SpaceX acquired xAI.",
        Source("Later news", date="2026-09-01"),
    )
    compare_with_loaded(extraction.candidates, store)
    flags = {(row["actor"], row["counterparty"]): (row["flag"], row["supersedes"]) for row in review_rows([extraction])}
    assert flags[("SpaceX", "Cursor")] == (
        "possible update of deal-spacex-cursor-talks (status in-talks → completed)",
        "deal-spacex-cursor-talks",
    )
    assert flags[("Nvidia", "Nokia")] == (
        "possible update of deal-nvidia-invests-in-nokia-2025 (amount 1000000000 → 2000000000)",
        "deal-nvidia-invests-in-nokia-2025",
    )
    assert flags[("SpaceX", "xAI")] == ("same as loaded deal deal-spacex-acquires-xai", "")

"""Every message of issue #16 names the thing at fault; data never acts in text or Markdown output (item 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackgraph.cli import main
from stackgraph.errors import QueryError, UnknownEntityError
from stackgraph.store import KnowledgeStore
from stackgraph.vocabulary.names import resolve_name

BOM = b"\xef\xbb\xbf"
MINIMAL = Path(__file__).parent / "fixtures" / "valid" / "minimal.ttl"
RLO = "\u202e"


def _run(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_byte_order_mark_in_rdf_is_named_not_printed(tmp_path: Path) -> None:
    for name in ("bom.ttl", "bom.nt"):
        path = tmp_path / name
        path.write_bytes(BOM + b"<urn:a> <urn:b> <urn:c> .\n")
        result = _run("validate", "--no-shipped", path)
        assert result.exit_code == 2, result.output
        assert f"{path}:1:1: the file starts with a byte-order mark (U+FEFF)" in result.output
        assert "\ufeff" not in result.output


def test_a_byte_order_mark_is_accepted_where_the_format_is_text(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_bytes(BOM + b"ASK { ?s ?p ?o }")
    result = _run("query", "--no-shipped", "--with-ontology", "-f", query)  # only the ontology is loaded
    assert (result.exit_code, result.output) == (0, "true\n")
    scenario = tmp_path / "s.toml"
    scenario.write_bytes(BOM + b'name = "x"\n[[steps]]\nkind = "acquire"\nacquirer = "SpaceX"\ntarget = "Nokia"\n')
    result = _run("whatif", scenario, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["scenario"]["name"] == "x"


def test_an_unknown_prefix_is_named() -> None:
    result = _run("query", "SELECT * WHERE { ?s foo:bar ?o }")
    assert result.exit_code == 2
    assert "Error: SPARQL syntax error at line 1, column 28: unknown prefix 'foo:'; declare it with PREFIX foo:" in (
        result.output
    )
    assert "predefined: sg, sgid, src" in result.output


def test_an_update_sent_to_query_says_so() -> None:
    for update in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "PREFIX ex: <urn:ex:>\n# x\nDELETE WHERE { ?s ?p ?o }"):
        result = _run("query", update)
        assert result.exit_code == 2
        assert "Error: this is a SPARQL update (" in result.output and "not a query" in result.output
    with pytest.raises(QueryError, match="SPARQL syntax error"):  # an update with a typo is still a syntax error
        KnowledgeStore().update("INSERT DATA { <urn:a> <urn:b> }")


def test_an_unknown_question_lists_the_known_ones() -> None:
    result = _run("query", "no-such-question")
    assert result.exit_code == 2
    assert "Error: unknown question 'no-such-question' (one of: acquisitions-timeline, deal-sources," in result.output
    assert "who-controls)" in result.output


def test_an_unknown_status_lists_the_valid_ones() -> None:
    result = _run("query", "deals-by-status", "--bind", "status=finished")
    assert result.exit_code == 2
    assert (
        "Error: unknown deal status 'finished' (one of: active, announced, completed, hypothetical, in-talks, "
        "pending, rumoured, terminated)" in result.output
    )


def test_an_iri_shaped_bind_value_that_is_no_iri_is_a_clear_error() -> None:
    result = _run("query", "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1", "--bind", "x=<a b>")
    assert result.exit_code == 2
    assert "Error: the value '<a b>' is not a valid IRI (Invalid IRI code point ' ')" in result.output
    assert "Traceback" not in result.output


def test_a_label_matching_another_entitys_local_name_is_ambiguous(tmp_path: Path) -> None:
    names = {"urn:x:Grok": ["Grok (the model)"], "urn:x:GrokApp": ["Grok"]}
    with pytest.raises(UnknownEntityError) as caught:
        resolve_name("grok", names)
    assert str(caught.value) == "unknown (ambiguous) entity 'grok'; did you mean 'urn:x:Grok', 'urn:x:GrokApp'?"
    graph = tmp_path / "g.ttl"
    graph.write_text(
        MINIMAL.read_text()
        + '\nex:Gadget a sg:Product ; rdfs:label "Acme" .\n'  # labelled like the organisation named ex:Acme
    )
    result = _run("analyze", "coverage", "Acme", "--no-shipped", "--graph", graph)
    assert result.exit_code == 2
    assert "ambiguous" in result.output and "fixture/Acme" in result.output and "fixture/Gadget" in result.output


def test_bidi_overrides_in_labels_are_neutralised_in_text_and_markdown(tmp_path: Path) -> None:
    graph = tmp_path / "g.ttl"
    graph.write_text(MINIMAL.read_text().replace('rdfs:label "Acme"', f'rdfs:label "Acme{RLO}sreviR"'))
    for args in (("analyze", "groups"), ("entities",), ("query", "SELECT ?l WHERE { ?x rdfs:label ?l }")):
        result = _run(*args, "--no-shipped", "--graph", graph)
        assert result.exit_code == 0, result.output
        assert "Acme[U+202E]sreviR" in result.output and RLO not in result.output
    data = json.loads(_run("entities", "--no-shipped", "--graph", graph, "--format", "json").output)
    assert f"Acme{RLO}sreviR" in {e["label"] for e in data}  # machine formats keep the data as it is
    for fmt in ("table", "markdown"):
        result = _run("whatif", "--divest", "Acme:Widgets", "--no-shipped", "--graph", graph, "--format", fmt)
        assert result.exit_code == 0, result.output
        shown = "Acme[U+202E]sreviR" if fmt == "table" else "Acme\\[U+202E\\]sreviR"  # Markdown escapes brackets
        assert f"| {shown} | changed | 3 | 1 |" in result.output or f"{shown}  changed" in result.output
        assert RLO not in result.output
    refused = _run("whatif", "--acquire", "Acme:Gizmo", "--no-shipped", "--graph", graph)
    assert refused.exit_code == 2
    assert "Acme[U+202E]sreviR already controls Gizmo" in refused.output and RLO not in refused.output


def test_markdown_reports_escape_html_from_data(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'name = "<script>alert(1)</script> buys | Nokia"\ndescription = "<img src=x onerror=alert(2)>"\n'
        '[[steps]]\nkind = "acquire"\nacquirer = "SpaceX"\ntarget = "Nokia"\n'
    )
    result = _run("whatif", scenario, "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.output and "<img" not in result.output
    assert result.output.startswith("# What if: &lt;script&gt;alert(1)&lt;/script&gt; buys \\| Nokia\n")
    assert "_&lt;img src=x onerror=alert(2)&gt;_" in result.output

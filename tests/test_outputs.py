"""Outputs never clobber inputs (issue #16, item 1): every writing command refuses its own inputs, stackgraph's
data and store folders, and writes several outputs all or none."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackgraph.atomic import atomic_write_all
from stackgraph.cli import main
from stackgraph.errors import InputError
from stackgraph.outputs import Input, check_outputs
from stackgraph.resources import data_root, ontology_path, shapes_path, shipped_graph_paths

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "valid" / "minimal.ttl"
SHIPPED = shipped_graph_paths()[-1]  # graphs/ai-stack.ttl


@pytest.fixture(autouse=True)
def shipped_files_stay_intact() -> Iterator[None]:
    """Should a refusal ever regress, put stackgraph's own files back and fail the test."""
    files = [ontology_path(), shapes_path(), *shipped_graph_paths()]
    before = {path: path.read_bytes() for path in files}
    listing = sorted(os.listdir(data_root() / "graphs"))
    yield
    changed = [path for path, data in before.items() if path.read_bytes() != data]
    for path in changed:
        path.write_bytes(before[path])
    extra = sorted(set(os.listdir(data_root() / "graphs")) - set(listing))
    for name in extra:
        (data_root() / "graphs" / name).unlink()
    assert not changed and not extra, f"a command wrote over stackgraph's data: {changed} {extra}"


def _run(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args])


def _refused(result, path: Path | str, what: str) -> None:
    assert result.exit_code == 2, result.output
    assert f"refusing to write {path}" in result.output
    assert what in result.output


@pytest.fixture
def user_graph(tmp_path: Path) -> Path:
    path = tmp_path / "my.ttl"
    path.write_bytes(MINIMAL.read_bytes())
    return path


# -- the helper -------------------------------------------------------------------------------------------------


def test_the_ontology_shapes_and_shipped_graphs_are_refused() -> None:
    for path, what in ((ontology_path(), "ontology"), (shapes_path(), "SHACL shapes"), (SHIPPED, "shipped")):
        with pytest.raises(InputError, match=f"refusing to write .* \\(-o\\): it is .*{what}"):
            check_outputs({"-o": path})


def test_a_new_file_in_the_shipped_graphs_folder_is_refused() -> None:
    with pytest.raises(InputError, match="inside the folder of stackgraph's shipped graphs"):
        check_outputs({"--save": data_root() / "graphs" / "new.ttl"})


def test_links_to_an_input_are_caught(tmp_path: Path, user_graph: Path) -> None:
    symlink, hardlink = tmp_path / "sym.ttl", tmp_path / "hard.ttl"
    symlink.symlink_to(user_graph)
    os.link(user_graph, hardlink)
    inputs = [Input(user_graph, "an input of this command (--graph)")]
    for alias in (symlink, hardlink, tmp_path / "." / "my.ttl"):
        with pytest.raises(InputError, match=r"it is an input of this command \(--graph\)"):
            check_outputs({"-o": alias}, inputs)
    linked_folder = tmp_path / "linked-graphs"
    linked_folder.symlink_to(data_root() / "graphs", target_is_directory=True)
    with pytest.raises(InputError, match="a graph shipped with stackgraph"):
        check_outputs({"-o": linked_folder / SHIPPED.name})


def test_outputs_inside_a_store_and_two_outputs_on_one_file_are_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    with pytest.raises(InputError, match="inside the store folder"):
        check_outputs({"-o": store / "x.ttl"}, [Input(store, "the store folder given with --store", folder=True)])
    with pytest.raises(InputError, match="--save and --html name the same file"):
        check_outputs({"--save": tmp_path / "a.out", "--html": tmp_path / "a.out"})
    with pytest.raises(InputError, match=r"folder .* does not exist"):
        check_outputs({"-o": tmp_path / "missing" / "a.out"})
    assert check_outputs({"-o": None, "--html": "-", "--save": tmp_path / "a.ttl"}) == {"--save": tmp_path / "a.ttl"}


def test_several_outputs_are_written_all_or_none(tmp_path: Path) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("old")

    def fails(handle) -> None:
        handle.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        atomic_write_all([(first, "new"), (second, fails)])
    assert first.read_text() == "old" and not second.exists()
    assert sorted(os.listdir(tmp_path)) == ["first.txt"]  # no staged file left behind
    atomic_write_all([(first, "new"), (second, b"bytes")])
    assert (first.read_text(), second.read_bytes()) == ("new", b"bytes")
    assert sorted(os.listdir(tmp_path)) == ["first.txt", "second.txt"]


def test_a_failed_rename_puts_back_the_files_already_replaced(tmp_path: Path, monkeypatch) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("old")
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if Path(dst) == second:
            raise OSError(5, "I/O error")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="I/O error"):
        atomic_write_all([(first, "new"), (second, "x")])
    monkeypatch.undo()
    assert first.read_text() == "old" and not second.exists()
    assert sorted(os.listdir(tmp_path)) == ["first.txt"]


# -- one CliRunner test per writing command ----------------------------------------------------------------------


def test_whatif_save_over_a_shipped_graph_or_the_ontology(tmp_path: Path) -> None:
    _refused(_run("whatif", "--acquire", "SpaceX:Nokia", "--save", SHIPPED), SHIPPED, "a graph shipped with")
    _refused(_run("whatif", "--acquire", "SpaceX:Nokia", "--save", ontology_path()), ontology_path(), "ontology")
    # and the next run still knows SpaceX
    assert _run("whatif", "--acquire", "SpaceX:Nokia", "-o", tmp_path / "r.txt").exit_code == 0


def test_whatif_save_over_its_own_graph(user_graph: Path) -> None:
    result = _run("whatif", "--acquire", "Acme:Nokia", "--graph", user_graph, "--save", user_graph)
    _refused(result, user_graph, "an input of this command (--graph)")
    assert user_graph.read_bytes() == MINIMAL.read_bytes()


def test_whatif_html_and_report_outputs(tmp_path: Path) -> None:
    _refused(_run("whatif", "--acquire", "SpaceX:Nokia", "--html", shapes_path()), shapes_path(), "SHACL shapes")
    _refused(_run("whatif", "--acquire", "SpaceX:Nokia", "-o", SHIPPED), SHIPPED, "shipped")
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "x"\n[[steps]]\nkind = "acquire"\nacquirer = "SpaceX"\ntarget = "Nokia"\n')
    _refused(_run("whatif", scenario, "-o", scenario), scenario, "the scenario file this command reads")
    result = _run("whatif", "--acquire", "SpaceX:Nokia", "--save", tmp_path / "a", "--html", tmp_path / "a")
    assert result.exit_code == 2 and "--save and --html name the same file" in result.output


def test_whatif_writes_no_output_when_a_later_one_fails(tmp_path: Path, monkeypatch) -> None:
    import stackgraph.scenarios as scenarios

    save, html_folder = tmp_path / "scenario.ttl", tmp_path / "views"
    html_folder.mkdir()
    real = scenarios.run_scenario

    def run_then_lose_the_folder(*args, **kwargs):
        result = real(*args, **kwargs)
        html_folder.rmdir()  # the --html folder disappears while the scenario runs
        return result

    monkeypatch.setattr(scenarios, "run_scenario", run_then_lose_the_folder)
    result = _run("whatif", "--acquire", "SpaceX:Nokia", "--save", save, "--html", html_folder / "v.html")
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output
    assert not save.exists() and os.listdir(tmp_path) == []


def test_screen_output() -> None:
    _refused(_run("screen", "SpaceX", "-o", SHIPPED), SHIPPED, "shipped")


def test_analyze_output_over_the_shapes(user_graph: Path) -> None:
    _refused(_run("analyze", "groups", "-o", shapes_path()), shapes_path(), "SHACL shapes")
    _refused(_run("analyze", "groups", "--graph", user_graph, "-o", user_graph), user_graph, "--graph")


def test_render_output_over_a_shipped_graph() -> None:
    _refused(_run("render", "-o", SHIPPED), SHIPPED, "shipped")


def test_export_output(user_graph: Path, tmp_path: Path) -> None:
    _refused(_run("export", "--graph", user_graph, "-o", user_graph), user_graph, "--graph")
    store = tmp_path / "store"
    store.mkdir()
    result = _run("export", "--no-shipped", "--store", store, "-o", store / "dump.ttl")
    assert result.exit_code == 2 and "inside the store folder given with --store" in result.output


def test_query_and_entities_outputs(tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?s ?p ?o }")
    _refused(_run("query", "-f", query_file, "-o", query_file), query_file, "the query file this command reads")
    assert query_file.read_text() == "ASK { ?s ?p ?o }"
    _refused(_run("query", "--list", "-o", ontology_path()), ontology_path(), "ontology")
    _refused(_run("entities", "-o", SHIPPED), SHIPPED, "shipped")


def test_import_outputs_over_their_sources(tmp_path: Path) -> None:
    data, mapping = tmp_path / "rel.csv", tmp_path / "m.toml"
    data.write_text("From,To\nA,B\n")
    mapping.write_text('[columns]\nsubject = "From"\nobject = "To"\n[defaults]\nrelation = "supply"\n')
    _refused(
        _run("import", "csv", data, "--mapping", mapping, "-o", tmp_path / "x.ttl", "--report", data), data, "a source"
    )
    _refused(_run("import", "csv", data, "--mapping", mapping, "-o", SHIPPED), SHIPPED, "shipped")
    crunchbase = FIXTURES / "crunchbase"
    target = crunchbase / "crunchbase-companies.csv"
    _refused(
        _run("import", "crunchbase", crunchbase, "-o", tmp_path / "cb.ttl", "--report", target), target, "a source"
    )
    results = tmp_path / "wd.json"
    results.write_text("{}")
    _refused(_run("import", "wikidata", results, "-o", tmp_path / "wd.ttl", "--report", results), results, "a source")
    assert data.read_text() == "From,To\nA,B\n" and results.read_text() == "{}"
    assert sorted(os.listdir(tmp_path)) == ["m.toml", "rel.csv", "wd.json"]

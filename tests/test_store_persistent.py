"""A persistent store: what it records and re-checks, how graphs are named, what queries see, read-only opening,
the writer lock, and clear errors for damaged, foreign or old store folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from stackgraph.errors import InputError, ParseError, StoreBusyError, StoreError
from stackgraph.storage.generations import Generations
from stackgraph.store import DERIVED_GRAPH, ONTOLOGY_GRAPH, KnowledgeStore, file_graph_iri, open_store

PREFIXES = "@prefix sg: <https://w3id.org/stackgraph/ns#> .\n@prefix sgid: <https://w3id.org/stackgraph/id/> .\n"
DEAL = "sgid:{d} a sg:Acquisition ; sg:acquirer sgid:{a} ; sg:target sgid:{t} ; sg:status sg:Completed .\n"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def deals(*triples: tuple[str, str, str]) -> str:
    return PREFIXES + "".join(DEAL.format(d=d, a=a, t=t) for d, a, t in triples)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def acquisitions(store: KnowledgeStore) -> set[tuple[str, str]]:
    rows = store.select("SELECT ?a ?t WHERE { ?a sg:acquires ?t }")
    return {(r["a"].rsplit("/", 1)[1], r["t"].rsplit("/", 1)[1]) for r in rows}


def generation(folder: Path) -> str:
    return json.loads((folder / "manifest.json").read_text())["generation"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write(tmp_path / "data.ttl", deals(("d1", "H", "A")))


# -- what a query sees ----------------------------------------------------------------------------------------


def test_no_shipped_counts_equal_plain_pyoxigraph_and_the_ontology_is_asked_for(data: Path) -> None:
    raw = ox.Store()
    raw.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE)
    expected = int(next(iter(raw.query(COUNT)))["n"].value)
    assert expected == 4
    store = KnowledgeStore.with_shipped_graphs([data], include_shipped=False)
    assert store.select(COUNT, derived=False) == [{"n": expected}]
    # the derived direct properties come on top (documented), the ontology only when asked for
    assert store.select(COUNT) == [{"n": expected + 2}]  # H acquires A, H controls A
    assert not bool(store.query("ASK { sg:Acquisition a owl:Class }"))
    assert bool(store.query("ASK { sg:Acquisition a owl:Class }", with_ontology=True))


def test_no_local_path_is_queryable(tmp_path: Path) -> None:
    folder = tmp_path / "a-very-distinctive-folder"
    data = write(folder / "data.ttl", deals(("d1", "H", "A")))
    store = KnowledgeStore.with_shipped_graphs([data], path=tmp_path / "store", include_shipped=False)
    everything = store.query(
        "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", with_ontology=True
    )
    text = "\n".join(str(solution) for solution in everything)
    assert "a-very-distinctive-folder" not in text and str(tmp_path) not in text
    assert str(data.resolve()) in (tmp_path / "store" / "manifest.json").read_text()  # kept beside the data


# -- graph names ------------------------------------------------------------------------------------------------


def test_two_files_with_one_name_in_different_folders_get_two_graphs(tmp_path: Path) -> None:
    first = write(tmp_path / "a" / "data.ttl", deals(("d1", "H", "A")))
    second = write(tmp_path / "b" / "data.ttl", deals(("d2", "H", "B")))
    store = KnowledgeStore.with_shipped_graphs([first, second], include_shipped=False)
    assert file_graph_iri(first) != file_graph_iri(second)
    assert {file_graph_iri(first), file_graph_iri(second)} <= set(store.graph_names())
    assert acquisitions(store) == {("H", "A"), ("H", "B")}


def test_user_files_named_ontology_or_derived_shadow_nothing(tmp_path: Path) -> None:
    ontology = write(tmp_path / "ontology.ttl", deals(("d1", "H", "A")))
    derived = write(tmp_path / "derived.ttl", deals(("d2", "H", "B")))
    store = KnowledgeStore.with_shipped_graphs([ontology, derived], include_shipped=False)
    assert file_graph_iri(ontology) != ONTOLOGY_GRAPH and file_graph_iri(derived) != DERIVED_GRAPH
    assert bool(store.query("ASK { sg:Acquisition a owl:Class }", with_ontology=True))  # the ontology is intact
    assert acquisitions(store) == {("H", "A"), ("H", "B")}  # and the derived graph is derived from both
    with pytest.raises(InputError, match="derived direct properties"):
        store.load_data(deals(("d3", "H", "C")), DERIVED_GRAPH)


# -- re-checking recorded files ----------------------------------------------------------------------------------


def test_a_changed_file_is_reloaded_on_opening_and_reported(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    open_store([data], path=folder, include_shipped=False).close()
    write(data, deals(("d1", "H", "B")))
    store = KnowledgeStore(folder)  # the file is not passed again: the store re-checks what it recorded
    assert acquisitions(store) == {("H", "B")}
    assert store.notices == [f"reloaded {data.resolve()}: it changed since it was loaded into the store {folder}"]


def test_a_touched_but_unchanged_file_is_not_parsed_again(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    open_store([data], path=folder, include_shipped=False).close()
    before = generation(folder)
    os.utime(data, ns=(1, 1))  # new time stamp, same bytes: hashed, found equal
    store = open_store([data], path=folder, include_shipped=False)
    assert store.notices == [] and generation(folder) == before


def test_a_missing_file_is_refused_with_a_way_out(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    open_store([data], path=folder, include_shipped=False).close()
    data.unlink()
    with pytest.raises(InputError) as caught:
        open_store(path=folder, include_shipped=False)
    message = str(caught.value)
    assert str(data.resolve()) in message and "no longer exists" in message and f"delete the folder {folder}" in message


def test_no_shipped_means_what_it_says_on_a_store_holding_them(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    with_shipped = open_store([data], path=folder)
    assert len(with_shipped.select("SELECT ?a WHERE { ?a sg:acquires ?t }")) > 1
    with_shipped.close()
    alone = open_store(path=folder, include_shipped=False)
    assert acquisitions(alone) == {("H", "A")}
    assert [g for g in alone.graph_names() if g != ONTOLOGY_GRAPH] == [file_graph_iri(data)]
    alone.close()
    again = open_store(path=folder)
    assert len(acquisitions(again)) > 1


# -- replacing graphs on disk ---------------------------------------------------------------------------------------


def test_replacing_a_big_graph_rebuilds_and_a_small_one_is_removed_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = write(tmp_path / "big.ttl", deals(*[(f"b{i}", "H", f"T{i}") for i in range(300)]))
    small = write(tmp_path / "small.ttl", deals(("s1", "K", "S")))
    folder = tmp_path / "store"
    open_store([big, small], path=folder, include_shipped=False).close()
    rebuilds: list[set[str]] = []
    original = Generations.restart_without
    monkeypatch.setattr(Generations, "restart_without", lambda self, g: (rebuilds.append(g), original(self, g))[1])

    write(small, deals(("s1", "K", "S2")))
    store = open_store([big, small], path=folder, include_shipped=False)
    assert rebuilds == []  # a small graph is removed quad by quad
    assert ("K", "S2") in acquisitions(store) and ("K", "S") not in acquisitions(store)
    store.close()

    write(big, deals(*[(f"b{i}", "H", f"U{i}") for i in range(300)]))
    store = open_store([big, small], path=folder, include_shipped=False)
    assert rebuilds == [{file_graph_iri(big), DERIVED_GRAPH}]
    assert acquisitions(store) == {("K", "S2"), *{("H", f"U{i}") for i in range(300)}}
    store.close()
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == [generation(folder)]  # old ones collected


def test_a_batch_is_one_generation_and_a_parse_error_keeps_the_old_one(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    other = write(tmp_path / "other.ttl", deals(("d2", "H", "B")))
    open_store([data, other], path=folder, include_shipped=False).close()
    assert generation(folder) == "g000001"  # ontology, two files and the derived graph: one generation
    write(data, deals(("d1", "H", "C")))
    write(other, PREFIXES + "sgid:broken sg:status .\n")
    with pytest.raises(ParseError):
        open_store([data, other], path=folder, include_shipped=False)
    assert generation(folder) == "g000001"
    write(other, deals(("d2", "H", "B")))
    write(data, deals(("d1", "H", "A")))
    store = open_store(path=folder, include_shipped=False)
    assert acquisitions(store) == {("H", "A"), ("H", "B")} and store.notices == []


def test_derived_graph_is_recomputed_when_the_rule_changed(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    open_store([data], path=folder, include_shipped=False).close()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["derivation"] = "0" * 64  # as if an earlier stackgraph had derived it with another rule
    (folder / "manifest.json").write_text(json.dumps(manifest))
    store = open_store([data], path=folder, include_shipped=False)
    assert acquisitions(store) == {("H", "A")}
    assert json.loads((folder / "manifest.json").read_text())["derivation"] != "0" * 64


def test_update_and_remove_graph_are_published(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    store = open_store([data], path=folder, include_shipped=False)
    store.update("INSERT DATA { " + DEAL.format(d="d9", a="H", t="Z").replace(" .\n", " }"))
    assert acquisitions(KnowledgeStore(folder)) == {("H", "A"), ("H", "Z")}
    store.remove_graph(file_graph_iri(data))
    assert acquisitions(KnowledgeStore(folder)) == {("H", "Z")}


# -- concurrency: read-only opening and the writer lock ----------------------------------------------------------


@pytest.fixture
def lock_holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """Another process holding the writer lock of a store that holds ``data.ttl``."""
    folder = tmp_path / "store"
    data = write(tmp_path / "data.ttl", deals(("d1", "H", "A")))
    open_store([data], path=folder, include_shipped=False).close()
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom stackgraph.storage.folder import StoreFolder\n"
        "lock = StoreFolder(Path(sys.argv[1])).lock_for_writing()\nprint('locked', flush=True)\ntime.sleep(120)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    try:
        yield folder, holder
    finally:
        holder.kill()
        holder.wait()


def test_readers_need_no_lock_while_another_process_writes(lock_holder: tuple[Path, subprocess.Popen[str]]) -> None:
    folder, _ = lock_holder
    data = folder.parent / "data.ttl"
    first = open_store([data], path=folder, include_shipped=False)
    second = open_store([data], path=folder, include_shipped=False)
    assert acquisitions(first) == acquisitions(second) == {("H", "A")}


def test_a_writer_that_cannot_lock_names_the_holder(lock_holder: tuple[Path, subprocess.Popen[str]]) -> None:
    folder, holder = lock_holder
    data = write(folder.parent / "data.ttl", deals(("d1", "H", "B")))
    with pytest.raises(StoreBusyError) as caught:
        open_store([data], path=folder, include_shipped=False)
    assert caught.value.pid == holder.pid
    assert f"the store {folder} is being written by process {holder.pid}" in str(caught.value)


def _without_write_permission() -> list[str]:
    """Prefix for a command that must not write where permissions forbid it (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be enforced")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def test_a_read_only_store_folder_can_be_queried(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    open_store([data], path=folder, include_shipped=False).close()
    code = (
        "import sys\nfrom stackgraph.store import open_store\n"
        "store = open_store([sys.argv[2]], path=sys.argv[1], include_shipped=False)\n"
        "print(store.select('SELECT ?t WHERE { ?a sg:acquires ?t }'))\n"
    )
    paths = [folder, *folder.rglob("*")]
    for path in paths:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        command = [*_without_write_permission(), sys.executable, "-c", code, str(folder), str(data)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert "https://w3id.org/stackgraph/id/A" in done.stdout
        write(data, deals(("d1", "H", "B")))  # now the store would have to change, and it cannot
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode != 0
        assert f"the store {folder} cannot be written (Permission denied), and {data} is new or changed" in done.stderr
    finally:
        for path in paths:
            path.chmod(path.stat().st_mode | 0o200)


# -- damaged, foreign and old folders ------------------------------------------------------------------------------


def test_a_deleted_generation_is_a_clear_error(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    open_store([data], path=folder, include_shipped=False).close()
    shutil.rmtree(folder / generation(folder))
    with pytest.raises(StoreError, match=f"the store {folder} is damaged .*delete the folder {folder}"):
        open_store([data], path=folder, include_shipped=False)


def test_a_deleted_file_inside_a_generation_is_a_clear_error(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    open_store([data], path=folder, include_shipped=False).close()
    for table in (folder / generation(folder)).glob("*.sst"):
        table.unlink()
    with pytest.raises(StoreError, match=f"delete the folder {folder}"):
        store = open_store([data], path=folder, include_shipped=False)
        store.select("SELECT * WHERE { ?s ?p ?o }")


def test_a_damaged_or_missing_manifest(tmp_path: Path, data: Path) -> None:
    folder = tmp_path / "store"
    open_store([data], path=folder, include_shipped=False).close()
    (folder / "manifest.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(StoreError, match=r"manifest\.json is damaged"):
        KnowledgeStore(folder)
    (folder / "manifest.json").unlink()
    store = open_store([data], path=folder, include_shipped=False)
    assert "had no manifest.json" in store.notices[0] and acquisitions(store) == {("H", "A")}


def test_foreign_and_old_folders_are_refused(tmp_path: Path) -> None:
    foreign = write(tmp_path / "home" / "notes.txt", "my notes").parent
    with pytest.raises(InputError, match=r"is not a stackgraph store .*notes\.txt"):
        KnowledgeStore(foreign)
    old = write(tmp_path / "old" / "CURRENT", "MANIFEST-000005\n").parent
    with pytest.raises(StoreError, match="earlier version of stackgraph"):
        KnowledgeStore(old)
    with pytest.raises(InputError, match="is a file, not a folder"):
        KnowledgeStore(tmp_path / "home" / "notes.txt")

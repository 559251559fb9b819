"""``stackgraph extract``: candidates and review table, the review round, bad input (exit codes and messages)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from stackgraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
TITLE = "SpaceX's $75 Billion IPO Signals Musk's Bigger Play: Building an AI Empire, Not Just a Space Company"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return Path(shutil.copy(FIXTURES / "seed-excerpt.txt", tmp_path / "article.txt"))


def extract_to(article: Path, *extra: str) -> tuple[Path, Path, str]:
    out = article.with_name("candidates.ttl")
    code, stdout, stderr = run(
        "extract", str(article), "--title", TITLE, "--date", "2026-05-20", "-o", str(out), *extra
    )
    assert code == 0, stderr
    return out, article.with_name("candidates.review.csv"), stdout + stderr


def test_extract_writes_valid_candidates_and_a_review_table(article: Path) -> None:
    out, table, output = extract_to(article)
    assert "7 candidate deals from" in output and "| SpaceX → Cursor |" not in output
    assert "| acquisition | SpaceX | Cursor |  | in-talks |" in output  # empty matches: both parties are loaded
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert {r["flag"] for r in rows} == {
        f"same as loaded deal {d}"
        for d in (
            "deal-spacex-ipo",
            "deal-spacex-acquires-xai",
            "deal-xai-develops-grok",
            "deal-spacex-cursor-talks",
            "deal-nvidia-invests-in-nokia-2025",
            "deal-nvidia-nokia-ai-ran",
            "deal-nvidia-supplies-spacex",
        )
    }
    ipo = next(r for r in rows if r["kind"] == "public-offering")
    assert (ipo["amount"], ipo["currency"], ipo["date"]) == ("75000000000", "USD", "2026-06-12")
    code, _stdout, stderr = run("validate", str(out))
    assert code == 0, stderr
    turtle = out.read_text(encoding="utf-8")
    assert 'dcterms:title "SpaceX' in turtle and '"2026-05-20"^^xsd:date' in turtle
    assert "sg:statusCue" in turtle and "schema:url" not in turtle  # no URL was given: none is invented


def test_review_accepts_rejects_corrects_and_supersedes(article: Path, tmp_path: Path) -> None:
    _out, table, _ = extract_to(article)
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    for row in rows:
        row["decision"] = "reject"
    cursor = next(r for r in rows if r["counterparty"] == "Cursor")
    cursor.update(
        decision="correct",
        status="completed",
        amount="2500000000",
        currency="USD",
        supersedes="deal-spacex-cursor-talks",
    )
    next(r for r in rows if r["counterparty"] == "xAI")["decision"] = "accept"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    accepted = tmp_path / "accepted.ttl"
    code, _stdout, stderr = run("extract", "--review", str(table), "-o", str(accepted))
    assert code == 0, stderr
    assert "accepted 1, corrected 1, rejected 5, undecided 0" in stderr
    code, _stdout, stderr = run("validate", str(accepted))
    assert code == 0, stderr
    code, stdout, _ = run(
        "query", "who-controls", "--bind", "entity=Cursor", "--graph", str(accepted), "--format", "json"
    )
    assert code == 0 and "SpaceX" in stdout
    turtle = accepted.read_text(encoding="utf-8")
    assert "sg:supersedes sgid:deal-spacex-cursor-talks" in turtle and "2500000000" in turtle
    assert "possibleUpdateOf" not in turtle


def test_review_errors_name_the_row(article: Path, tmp_path: Path) -> None:
    _out, table, _ = extract_to(article)
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    talks = next(i for i, r in enumerate(rows) if r["status"] == "in-talks")
    rows[talks].update(decision="maybe")
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, _stdout, stderr = run("extract", "--review", str(table), "-o", str(tmp_path / "a.ttl"))
    assert code == 2 and f"row {talks + 2}, decision 'maybe'" in stderr and not (tmp_path / "a.ttl").exists()
    rows[talks].update(decision="accept", status="completed")
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, _stdout, stderr = run("extract", "--review", str(table), "-o", str(tmp_path / "a.ttl"))
    assert code == 2 and f"row {talks + 2}: status changed to 'completed' but the decision is 'accept'" in stderr


def write_rows(table: Path, rows: list[dict[str, str]]) -> None:
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_date_given_in_review_fills_the_date_its_status_names(article: Path, tmp_path: Path) -> None:
    """A reviewer's date on a deal without one: the extractor's rule (``rules.date_role``), not a second copy.
    Deals in talks are dated by when they were reported (was: an effective date, as if they had taken place),
    terminated ones by their end, completed ones by their start."""
    _out, table, _ = extract_to(article)
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    for row in rows:
        row["decision"] = "reject"
    dated = {"Cursor": ("in-talks", "2026-04"), "xAI": ("terminated", "2026-05"), "SpaceX": ("completed", "2026-03")}
    for row in rows:
        if row["counterparty"] in dated and not row["date"]:
            status, date = dated[row["counterparty"]]
            row.update(decision="correct", status=status, date=date)
    assert sum(row["decision"] == "correct" for row in rows) == 3
    write_rows(table, rows)
    accepted = tmp_path / "accepted.ttl"
    code, _stdout, stderr = run("extract", "--review", str(table), "-o", str(accepted))
    assert code == 0, stderr
    triples = list(ox.parse(path=str(accepted), format=ox.RdfFormat.TURTLE))

    def dates(party: str) -> list[tuple[str, str]]:
        deal = next(r["deal"] for r in rows if r["counterparty"] == party)
        found = [t for t in triples if t.subject.value == deal and t.predicate.value.endswith("Date")]
        return sorted((t.predicate.value.rsplit("#", 1)[1], t.object.value) for t in found)

    assert dates("Cursor") == [("announcedDate", "2026-04")]
    assert dates("xAI") == [("endDate", "2026-05")]
    assert dates("SpaceX") == [("effectiveDate", "2026-03")]


def test_a_near_match_is_linked_by_correcting_the_party_in_the_review(tmp_path: Path) -> None:
    article = tmp_path / "brief.txt"
    article.write_text("Nvida Corp. invested $40 million in Okapi Robotics on March 2.\n", encoding="utf-8")
    out, table, output = extract_to(article)
    assert "Nvida Corp.: near match: Nvidia (sgid:Nvidia, organization, 91)" in output
    (row,) = list(csv.DictReader(table.open(encoding="utf-8")))
    assert (row["actor"], row["counterparty"]) == ("Nvida Corp.", "Okapi Robotics")
    assert "sgid:extracted\\/nvida-corp a sg:Organization" in out.read_text(encoding="utf-8")  # kept apart
    accepted = tmp_path / "accepted.ttl"

    row.update(decision="accept", actor="Nvidia")  # a changed party needs 'correct'
    write_rows(table, [row])
    code, _stdout, stderr = run("extract", "--review", str(table), "-o", str(accepted))
    assert code == 2 and "row 2: actor changed to 'Nvidia' but the decision is 'accept'; write 'correct'" in stderr
    row.update(decision="correct", actor="Nvidea Inc")  # not a loaded name: refused with the closest one
    write_rows(table, [row])
    code, _stdout, stderr = run("extract", "--review", str(table), "-o", str(accepted))
    assert code == 2 and "row 2, actor 'Nvidea Inc': unknown entity 'Nvidea Inc'" in stderr and "Nvidia" in stderr
    row.update(actor="Nvidia", counterparty="NVIDIA")
    write_rows(table, [row])
    code, _stdout, stderr = run("extract", "--review", str(table), "-o", str(accepted))
    assert code == 2 and "one entity on both sides of the deal" in stderr
    assert not accepted.exists()

    row.update(actor="sgid:Nvidia", counterparty="Okapi Robotics")  # as the matches column writes it
    write_rows(table, [row])
    code, _stdout, stderr = run("extract", "--review", str(table), "-o", str(accepted))
    assert code == 0 and "corrected 1" in stderr, stderr
    turtle = accepted.read_text(encoding="utf-8")
    assert "sg:investor sgid:Nvidia" in turtle and "sgid:extracted\\/nvida-corp " not in turtle  # no new entity
    assert '"Nvida Corp."' not in turtle and "sameAsLoaded" not in turtle
    assert '"Nvidia → Okapi Robotics (investment, completed)"' in turtle and "sgid:extracted\\/okapi-robotics" in turtle
    code, _stdout, stderr = run("validate", str(accepted))
    assert code == 0, stderr
    code, stdout, _ = run("query", "investments", "--graph", str(accepted), "--format", "csv")
    assert any("/id/Nvidia," in line and "/id/extracted/okapi-robotics," in line for line in stdout.splitlines())


def test_json_table_and_folder_with_sidecar_facts(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(FIXTURES / "article.html", folder / "page.html")
    (folder / "page.toml").write_text('title = "SpaceX buys into the AI stack"\nurl = "https://example.org/a"\n')
    (folder / "brief.txt").write_text("Norvel Systems acquired Quantica for $1.2 billion in January.\n")
    out = tmp_path / "c.ttl"
    code, _stdout, stderr = run("extract", str(folder), "-o", str(out), "--format", "none")
    assert code == 2 and "brief.txt: no title" in stderr and not out.exists()
    (folder / "brief.toml").write_text('title = "Brief"\ndate = "2026-03-16"\n')
    code, stdout, stderr = run(
        "extract", str(folder), "-o", str(out), "--table", str(tmp_path / "c.json"), "--format", "json"
    )
    assert code == 0, stderr
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert data["schema"] == "stackgraph.extract.review/1"
    assert {(r["kind"], r["actor"], r["counterparty"]) for r in data["candidates"]} == {
        ("acquisition", "Norvel Systems", "Quantica"),
        ("investment", "Nvidia", "Nokia"),
        ("partnership", "Nvidia ↔ Nokia", ""),
        ("supply", "Nvidia", "SpaceX"),
    }
    assert json.loads(stdout)["candidates"] == data["candidates"]
    assert '"https://example.org/a"^^xsd:anyURI' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file, nothing to read"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL bytes), not an article"),
        ("Nokia kündigte an, Café Oy zu übernehmen.".encode("latin-1"), "not UTF-8 text"),
    ],
)
def test_bad_articles_exit_2_and_write_nothing(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    out = tmp_path / "c.ttl"
    code, _stdout, stderr = run("extract", str(path), "--title", "T", "-o", str(out))
    assert code == 2 and message in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt"]


def test_a_50_mb_text_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: the size is checked before a byte is read
    code, _stdout, stderr = run("extract", str(path), "--title", "T", "-o", str(tmp_path / "c.ttl"))
    assert code == 2 and "52.4 MB is too large for one article (limit 5.0 MB" in stderr
    assert not (tmp_path / "c.ttl").exists()


def test_an_article_without_deals_says_so_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "quiet.txt"
    path.write_text(
        "Shares of Norvel Systems fell 4% on Monday. "
        "Cobalt Mining denied reports that it was in talks to acquire Pellucid Minerals.\n"
    )
    code, _stdout, stderr = run("extract", str(path), "--title", "Quiet day", "-o", str(tmp_path / "c.ttl"))
    assert code == 0
    assert "no deal found in 2 sentences of 1 article(s) (1 negated or denied)" in stderr
    assert not (tmp_path / "c.ttl").exists()


def test_outputs_never_overwrite_inputs_or_loaded_graphs(tmp_path: Path, article: Path) -> None:
    from stackgraph.resources import shipped_graph_paths

    shipped = shipped_graph_paths()[0]
    before = shipped.read_bytes()
    code, _stdout, stderr = run("extract", str(article), "--title", "T", "-o", str(shipped))
    assert code == 2 and f"refusing to write {shipped} (-o): it is a graph shipped with stackgraph" in stderr
    assert shipped.read_bytes() == before
    mine = tmp_path / "mine.ttl"
    mine.write_text("")
    code, _stdout, stderr = run("extract", str(article), "--title", "T", "--graph", str(mine), "-o", str(mine))
    assert code == 2 and "it is an input of this command (--graph)" in stderr
    notes = tmp_path / "notes.md"
    notes.write_text(article.read_text())
    code, _stdout, stderr = run(
        "extract", str(notes), "--title", "T", "-o", str(tmp_path / "c.ttl"), "--table", str(notes)
    )
    assert code == 2 and "(--table): it is an article this command reads" in stderr
    assert notes.read_text() == article.read_text()


def test_usage_errors(tmp_path: Path, article: Path) -> None:
    assert run("extract", "-o", str(tmp_path / "c.ttl"))[0] == 2
    code, _stdout, stderr = run(
        "extract", str(article), "--title", "T", "--date", "2026-13-01", "-o", str(tmp_path / "c.ttl")
    )
    assert code == 2 and "impossible article date '2026-13-01'; use YYYY-MM-DD" in stderr
    code, _stdout, stderr = run("extract", str(article), "--title", "T", "-o", str(tmp_path / "c.nt"))
    assert code == 2 and "write the candidates as Turtle" in stderr
    code, _stdout, stderr = run("extract", str(tmp_path / "missing.txt"), "--title", "T", "-o", "c.ttl")
    assert code == 2 and "missing.txt: no such file or folder" in stderr

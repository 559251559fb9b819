"""The README runs as written: every ```python block, and every ```bash block in order, in one scratch folder.

Command blocks run top to bottom like a reader would type them (later lines read what earlier ones wrote:
``candidates.ttl``, ``matches.csv`` ...), in process through click's CliRunner. The files a reader brings along
(``my-deals.ttl``, ``chips.toml`` ...) are small fixtures copied in under the README's names. Lines that cannot run
in CI say why (:data:`NOT_RUN`); lines reading ``../shared`` (the Crunchbase 2013 export) run when that folder is
there -- next to the checkout, or named by ``$STACKGRAPH_SHARED`` -- and are skipped with the reason otherwise, with
every later line that reads what they would have written.

Directives in HTML comments (invisible on the rendered page) tie the README's quoted output to the commands:

- ``<!-- readme-test: output exit=N -->`` before an output block: the block is exactly what the last command
  printed (standard output), and that command exits with ``N`` (default 0);
- ``<!-- readme-test: expect "TEXT" -->`` after a command block: its commands printed ``TEXT`` (standard output or
  error) -- how a figure quoted in the prose is pinned to the command that produces it.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackgraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.S)
FIXTURES = Path(__file__).parent / "fixtures"

#: Lines of the README's command blocks that the test does not run, by what they start with or contain.
NOT_RUN = {
    "pip install": "installs the package (CI installs it itself)",
    "isql-vt": "needs a Virtuoso server (tests/test_endpoint_virtuoso.py loads one)",
    "--endpoint http": "needs a SPARQL server on the network (tests/test_endpoint*.py start local ones)",
}


#: The options naming what a command writes: a later line that reads it cannot run when this one did not.
_WRITES = ("-o", "--output", "--report", "--store", "--save", "--html", "--table", "--review-file")


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_example_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(BLOCKS[index], f"README.md python block {index}", "exec"), namespace)


# -- the command blocks ---------------------------------------------------------------------------------------------


@dataclass
class Item:
    """A piece of the README the runner acts on, with its line number."""

    kind: str  # "commands", "output", "expect"
    line: int
    text: str
    exit_code: int = 0
    commands: list[tuple[int, str]] = field(default_factory=list)


def readme_items(text: str = TEXT) -> list[Item]:
    """The command blocks, the outputs they are checked against and the expected texts, in README order."""
    items: list[Item] = []
    directive = r"<!-- readme-test: (?P<directive>.*?) -->\s*\n(?:```(?!bash|python)\w*\n(?P<output>.*?)```)?"
    pattern = re.compile(directive + r"|```bash\n(?P<bash>.*?)```", re.S)
    for match in pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if match.group("bash") is not None:
            items.append(Item("commands", line, match.group("bash"), commands=_commands(match.group("bash"), line)))
            continue
        given = match.group("directive").strip()
        if given.startswith("output"):
            code = re.search(r"exit=(\d+)", given)
            assert match.group("output") is not None, f"README line {line}: an output directive needs a block after it"
            items.append(Item("output", line, match.group("output"), int(code.group(1)) if code else 0))
        elif given.startswith("expect"):
            items.append(Item("expect", line, json.loads(given.removeprefix("expect").strip())))
        else:
            pytest.fail(f"README line {line}: unknown readme-test directive {given!r}")
    return items


def _commands(block: str, first_line: int) -> list[tuple[int, str]]:
    """The block's commands with their README line numbers: continuation lines joined, comments dropped."""
    commands, pending, start = [], "", 0
    for offset, raw in enumerate(block.splitlines(), start=1):
        if not pending:
            start = first_line + offset
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = (pending + raw).strip()
        pending = ""
        words = shlex.split(line, comments=True)
        if words:
            commands.append((start, line))
    return commands


def _shared() -> Path | None:
    """The folder of shared data (the Crunchbase 2013 export) beside the checkout, or named by the environment."""
    for candidate in (os.environ.get("STACKGRAPH_SHARED"), ROOT.parent / "shared"):
        if candidate and (Path(candidate) / "data").is_dir():
            return Path(candidate)
    return None


def _bring_along(folder: Path) -> None:
    """The files a reader has at hand, under the README's names."""
    shutil.copy(FIXTURES / "valid" / "minimal.ttl", folder / "my-deals.ttl")
    shutil.copy(FIXTURES / "broken" / "stake_140.ttl", folder / "bad-stake.ttl")
    shutil.copy(FIXTURES / "extract" / "seed-excerpt.txt", folder / "article.txt")
    shutil.copy(ROOT / "scenarios" / "spacex-acquires-nokia.toml", folder / "my-scenario.toml")
    for table in (FIXTURES / "datasets" / "chips").iterdir():
        shutil.copy(table, folder / table.name)
    (folder / "my-question.rq").write_text(
        "# Acquisitions and their targets\nSELECT ?deal ?target WHERE { ?deal a sg:Acquisition ; sg:target ?target }"
        " ORDER BY ?deal\n"
    )
    (folder / "suppliers.toml").write_text(
        '[columns]\nsubject = "supplier"\nobject = "customer"\n[defaults]\nrelation = "supply"\n'
    )
    (folder / "suppliers.csv").write_text("supplier,customer\nTSMC,Nvidia\nTSMC,Nvidea\n")
    binding = {
        "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q193701"},
        "itemLabel": {"type": "literal", "value": "SpaceX"},
        "property": {"type": "uri", "value": "http://www.wikidata.org/prop/direct/P127"},
        "value": {"type": "uri", "value": "http://www.wikidata.org/entity/Q317521"},
        "valueLabel": {"type": "literal", "value": "Elon Musk"},
    }
    (folder / "results.json").write_text(
        json.dumps({"head": {"vars": list(binding)}, "results": {"bindings": [binding]}})
    )


def test_readme_command_blocks_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = readme_items()
    assert sum(1 for item in items if item.kind == "commands") >= 10
    work = tmp_path / "work"
    work.mkdir()
    shared = _shared()
    if shared is not None:
        (tmp_path / "shared").symlink_to(shared)
    _bring_along(work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # ~/.cache/stackgraph in the README
    ran, skipped, tainted = 0, [], set()
    last = None
    block_output, block_skipped = "", False
    pending_exit: tuple[int, str, int] | None = None  # a command that exited non-zero, until an output allows it
    for item in items:
        if pending_exit is not None and item.kind != "output":
            pytest.fail(f"README line {pending_exit[0]}: `{pending_exit[1]}` exited with {pending_exit[2]}")
        if item.kind == "commands":
            block_output, block_skipped = "", False
            for line, command in item.commands:
                reason = next((why for key, why in NOT_RUN.items() if key in command), None)
                words = [os.path.expanduser(w) for w in shlex.split(command, comments=True)]
                if reason is None and "../shared" in command and shared is None:
                    reason = "needs ../shared (the Crunchbase 2013 export): set STACKGRAPH_SHARED to run it"
                if reason is None and tainted.intersection(words):
                    reason = "reads what a skipped line would have written"
                if reason is not None:
                    skipped.append(f"line {line}: {command} -- {reason}")
                    block_skipped = block_skipped or reason not in NOT_RUN.values()
                    tainted.update(b for a, b in itertools.pairwise(words) if a in _WRITES)
                    continue
                assert words[0] == "stackgraph", f"README line {line}: not a stackgraph command: {command}"
                last = CliRunner().invoke(main, words[1:])
                ran += 1
                block_output += last.output
                if last.exit_code != 0:
                    pending_exit = (line, command, last.exit_code)
                assert last.exception is None or isinstance(last.exception, SystemExit), (
                    f"README line {line}: `{command}` raised {last.exception!r}\n{last.output}"
                )
        elif item.kind == "output":
            assert last is not None, f"README line {item.line}: an output block before any command"
            code = pending_exit[2] if pending_exit is not None else 0
            assert code == item.exit_code, f"README line {item.line}: exit {code}, the README says {item.exit_code}"
            pending_exit = None
            printed = "\n".join(row.rstrip() for row in last.stdout.strip().splitlines())
            quoted = "\n".join(row.rstrip() for row in item.text.strip().splitlines())
            assert printed == quoted, f"README line {item.line}: the command prints\n{printed}"
        elif item.kind == "expect":
            if block_skipped:
                skipped.append(f"line {item.line}: expect {item.text!r} -- its block did not run whole")
                continue
            assert item.text in block_output, f"README line {item.line}: {item.text!r} not printed"
    if pending_exit is not None:
        pytest.fail(f"README line {pending_exit[0]}: `{pending_exit[1]}` exited with {pending_exit[2]}")
    assert ran >= 50, f"only {ran} README commands ran"
    print(f"{ran} README commands ran; skipped:", *skipped, sep="\n  ")


def test_readme_lines_reading_shared_data() -> None:
    """The lines reading ``../shared`` run inside the ordered runner above when the folder is there; say so here
    (a skip with its reason in the test summary) when it is not."""
    if _shared() is None:
        pytest.skip("README lines reading ../shared (the Crunchbase 2013 export) not run: set STACKGRAPH_SHARED")
    assert (_shared() / "data" / "crunchbase-2013").is_dir()

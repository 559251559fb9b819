"""The ``stackgraph`` command line: a thin layer over the library.

Subcommands are imported only when invoked, so ``stackgraph --help`` stays fast and no command pays for
another's imports.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

__all__ = ["main"]

# command name -> "module:attribute"
_COMMANDS: dict[str, str] = {
    "query": "stackgraph.cli.query:query",
    "entities": "stackgraph.cli.query:entities",
    "export": "stackgraph.cli.export:export",
    "validate": "stackgraph.cli.validate:validate",
    "analyze": "stackgraph.cli.analyze:analyze",
    "whatif": "stackgraph.cli.whatif:whatif",
    "screen": "stackgraph.cli.whatif:screen",
    "render": "stackgraph.cli.render:render",
    "import": "stackgraph.cli.importers:import_group",
    "extract": "stackgraph.cli.extract:extract",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            return None
        command: Any = getattr(module, attribute)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="stackgraph")
def main() -> None:
    """stackgraph: who controls which layer of the AI stack, who depends on whom, and what a deal would change.

    Works on the shipped AI-infrastructure graph by default; add your own graphs with --graph or a persistent
    store with --store.
    """

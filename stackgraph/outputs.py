"""Where a command may write: never over one of its inputs, never over stackgraph's own data, never into a store.

Every command that writes files names its outputs and its inputs to :func:`check_outputs` before it does any
work. An output is refused when it is the same file as an input (compared by resolved path and by device and
inode, so symbolic links, hard links and letter-case variants on case-insensitive file systems are caught), lies
inside a protected folder (a ``--store`` folder, the folders of the shipped graphs, ontology, example scenarios
and the package itself -- a new ``.ttl`` file in the shipped graphs' folder would be loaded as shipped data by
every later run), or names the same file as another output of the same command. The files are then written all
or none with :func:`stackgraph.atomic.atomic_write_all`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from stackgraph.errors import InputError
from stackgraph.resources import (
    data_root,
    ontology_path,
    package_dir,
    scenario_examples_dir,
    shapes_path,
    shipped_graph_paths,
)

__all__ = ["Input", "check_outputs", "is_stdout", "shipped_inputs"]


@dataclass(frozen=True)
class Input:
    """Something a command reads (or must never write into): a file, or a whole folder.

    ``what`` completes the sentence "it is ..." in the refusal, e.g. ``"an input of this command (--graph)"``.
    """

    path: Path
    what: str
    folder: bool = False


def is_stdout(path: str | Path | None) -> bool:
    """Return whether ``path`` means standard output (``None`` or ``-``)."""
    return path is None or str(path) == "-"


def shipped_inputs() -> list[Input]:
    """Return stackgraph's own data, which no output may replace: ontology, shapes, shipped graphs, examples.

    Examples
    --------
    >>> [i.what for i in shipped_inputs()][:2]
    ["stackgraph's ontology", "stackgraph's SHACL shapes"]
    """
    inputs = [Input(ontology_path(), "stackgraph's ontology"), Input(shapes_path(), "stackgraph's SHACL shapes")]
    inputs += [Input(path, "a graph shipped with stackgraph") for path in shipped_graph_paths()]
    root = data_root()
    inputs += [
        Input(root / "graphs", "the folder of stackgraph's shipped graphs (every .ttl there is loaded)", True),
        Input(root / "ontology", "the folder of stackgraph's ontology and shapes", True),
        Input(scenario_examples_dir(), "the folder of stackgraph's example scenarios", True),
        Input(package_dir(), "the folder of the installed stackgraph package", True),
    ]
    return inputs


def check_outputs(outputs: Mapping[str, str | Path | None], inputs: Iterable[Input] = ()) -> dict[str, Path]:
    """Refuse outputs that would replace an input, write into a protected folder, or collide with each other.

    Parameters
    ----------
    outputs : mapping
        Option name (as the user typed it, e.g. ``"--save"``) to the path given; ``None`` and ``-`` (standard
        output) are skipped.
    inputs : iterable of Input
        What the command reads besides stackgraph's own data (:func:`shipped_inputs`, always protected).

    Returns
    -------
    dict
        Option name to path, for the outputs that are files.

    Raises
    ------
    InputError
        Naming the option, the path and what it would overwrite; or a missing output folder.

    Examples
    --------
    >>> from stackgraph.resources import ontology_path
    >>> check_outputs({"-o": ontology_path()})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    stackgraph.errors.InputError: refusing to write .../stackgraph.ttl (-o): it is stackgraph's ontology; ...
    """
    protected = [*shipped_inputs(), *inputs]
    files: dict[str, Path] = {}
    seen: list[tuple[str, Path]] = []
    for option, given in outputs.items():
        if is_stdout(given):
            continue
        path = Path(str(given))
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise InputError(f"cannot write {path}: folder {folder} does not exist")
        if path.is_dir():
            raise InputError(f"cannot write {path} ({option}): it is a folder; give a file name")
        for item in protected:
            if item.folder and _inside(path, item.path):
                raise InputError(
                    f"refusing to write {path} ({option}): it is inside {item.what} ({item.path}); "
                    "write the output elsewhere (nothing was written)"
                )
            if not item.folder and _same_file(path, item.path):
                raise InputError(
                    f"refusing to write {path} ({option}): it is {item.what}; an output never replaces what a "
                    "command reads -- write it elsewhere (nothing was written)"
                )
        for other_option, other in seen:
            if _same_file(path, other):
                raise InputError(f"{other_option} and {option} name the same file {path}; give each its own file")
        seen.append((option, path))
        files[option] = path
    return files


def _resolved(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _same_file(a: Path, b: Path) -> bool:
    if _resolved(a) == _resolved(b):
        return True
    first, second = _identity(a), _identity(b)
    return first is not None and first == second


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies (at any depth) inside ``folder``, through links or letter-case variants too."""
    folder_id = _identity(folder)
    target = Path(_resolved(path))
    root = _resolved(folder)
    if str(target).startswith(root.rstrip(os.sep) + os.sep):
        return True
    if folder_id is None:
        return False
    return any(_identity(parent) == folder_id for parent in target.parents)

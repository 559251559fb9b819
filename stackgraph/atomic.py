"""Write output files atomically: a reader never sees half a file, and a failure leaves the old one intact.

:func:`atomic_write` writes one file; :func:`atomic_write_all` writes several as one unit -- every file is first
staged beside its target (a hidden temporary file in the same folder), and only when all are staged are they
renamed into place, so a failure while producing any of them (a full disk, an error in a later output) leaves
none of them written and every earlier file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from stackgraph.errors import InputError

__all__ = ["Payload", "atomic_write", "atomic_write_all"]

#: What can be written: text (UTF-8), bytes, or a function that writes into a binary file handle (streaming).
Payload = str | bytes | Callable[[BinaryIO], object]


def atomic_write(path: str | Path, data: Payload) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename.

    ``data`` may be text, bytes or a callable that writes into the (binary) file handle it is given, which
    streams large outputs without holding them in memory.

    Raises :class:`InputError` when the folder does not exist or cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "a.txt", lambda handle: handle.write(b"streamed")).read_text()
    'streamed'
    """
    return atomic_write_all([(path, data)])[0]


def atomic_write_all(files: Sequence[tuple[str | Path, Payload]]) -> list[Path]:
    """Write every ``(path, data)`` of ``files``, or none of them.

    Each file is staged in its target's folder first; only when all are staged are they renamed into place.
    If staging any file fails, the staged ones are removed and no target is touched. If a rename fails midway
    (rare: the temporary file already sits in the target's folder), the files already renamed are put back as
    they were (an existing file is kept through a hard link while the batch commits).

    Raises
    ------
    InputError
        A folder does not exist or cannot be written; the message names the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> def broken(handle):
    ...     raise OSError(28, "No space left on device")
    >>> atomic_write_all([(folder / "report.txt", "ok"), (folder / "graph.ttl", broken)])
    Traceback (most recent call last):
    ...
    OSError: [Errno 28] No space left on device
    >>> sorted(p.name for p in folder.iterdir())
    []
    """
    staged: list[tuple[Path, str]] = []
    try:
        for path, data in files:
            target = Path(path)
            staged.append((target, _stage(target, data)))
    except BaseException:
        for _, tmp_name in staged:
            Path(tmp_name).unlink(missing_ok=True)
        raise
    _commit(staged)
    return [target for target, _ in staged]


def _stage(target: Path, data: Payload) -> str:
    """Write ``data`` to a new temporary file beside ``target`` (flushed to disk) and return its name."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {target}: folder {folder} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputError(f"cannot write {target}: {error.strerror}") from error
    try:
        # mkstemp creates the file 0600; give it the mode a plain open() would (or keep the replaced file's).
        os.chmod(tmp_name, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return tmp_name


def _commit(staged: Sequence[tuple[Path, str]]) -> None:
    """Rename the staged files into place; on a failure put back what was already replaced."""
    done: list[tuple[Path, str | None]] = []
    try:
        for target, tmp_name in staged:
            backup = _keep(target) if len(staged) > 1 else None
            try:
                os.replace(tmp_name, target)
            except BaseException:
                if backup is not None:
                    Path(backup).unlink(missing_ok=True)
                raise
            done.append((target, backup))
    except BaseException:
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        for _, tmp_name in staged:
            Path(tmp_name).unlink(missing_ok=True)
        raise
    for _, backup in done:
        if backup is not None:
            Path(backup).unlink(missing_ok=True)


def _keep(target: Path) -> str | None:
    """Hard-link an existing ``target`` to a hidden name (to put it back if the batch fails); None if absent."""
    if not target.is_file():
        return None
    backup = f"{target.parent / ('.' + target.name)}.{os.getpid()}.keep"
    try:
        Path(backup).unlink(missing_ok=True)
        os.link(target, backup)
    except OSError:
        return None  # no hard links here: the batch still commits, only without a way back for this file
    return backup


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

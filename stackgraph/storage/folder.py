"""A persistent store folder: immutable generations behind an atomically replaced manifest.

Layout::

    manifest.json     which generation is current and what each graph came from (see records.Manifest)
    writer.lock       locked (flock) by the one process writing the store; holds its pid and command line
    g000007/          a pyoxigraph (RocksDB) directory: the current generation, never written once published
    g000007.lock      readers of g000007 hold a shared lock on it, so that no writer deletes it under them

A writer never writes a published generation. It builds the next one in a new directory -- a checkpoint of
the current one (RocksDB hard-links its immutable files, so this is instant) or an empty one -- brings its
derived graph up to date, closes it, and only then publishes it by replacing ``manifest.json`` (temporary
file, fsync, rename). A kill at any moment therefore leaves either the old generation or the new one current,
never a half-written one; directories that no manifest names are deleted by the next writer once no reader
holds them. Readers open the current generation read-only (``pyoxigraph.Store.read_only``): any number at
once, beside a writer, and in a folder they may not write to. Locks are POSIX ``flock`` locks, released by
the system when a process dies, so a killed writer never leaves the store locked.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from stackgraph.atomic import atomic_write
from stackgraph.errors import InputError, StoreBusyError, StoreError
from stackgraph.storage.records import Manifest

__all__ = ["ReaderLock", "StoreFolder", "WriterLock"]

_MANIFEST = "manifest.json"
_WRITER_LOCK = "writer.lock"
_GENERATION = re.compile(r"^g(\d{6})$")
_OURS = re.compile(r"^(manifest\.json|writer\.lock|g\d{6}(\.lock)?|\.manifest\.json\..*\.tmp)$")
_DELETE_ADVICE = "delete the folder {path} and it is rebuilt from your files on next use"


def _flock(fd: int, exclusive: bool, wait: bool = True) -> None:
    """``flock`` the file; raises ``BlockingIOError`` when ``wait`` is false and another process holds it."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        raise StoreError("a persistent store needs POSIX file locks (Linux, macOS, BSD)") from None
    operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    fcntl.flock(fd, operation if wait else operation | fcntl.LOCK_NB)


class ReaderLock:
    """A shared lock on one generation, held while a process reads it (released by :meth:`release`)."""

    def __init__(self, path: Path) -> None:
        self._fd: int | None = None
        for flags in (os.O_RDONLY, os.O_RDONLY | os.O_CREAT):
            try:
                self._fd = os.open(path, flags, 0o644)
                break
            except OSError:
                continue
        if self._fd is not None:  # a read-only folder whose lock file is gone: read without a lock
            _flock(self._fd, exclusive=False)

    def release(self) -> None:
        """Let go of the lock (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()


class WriterLock:
    """The exclusive lock of the one process writing a store; records who holds it.

    Raises :class:`StoreBusyError` naming the holder's pid and command when another process has it, and
    :class:`StoreError` when the folder cannot be written at all.
    """

    def __init__(self, folder: Path) -> None:
        path = folder / _WRITER_LOCK
        self._fd: int | None = None
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreError(f"the store {folder} cannot be written ({error.strerror})") from None
        try:
            _flock(self._fd, exclusive=True, wait=False)
        except BlockingIOError:
            holder = _read_holder(self._fd)
            os.close(self._fd)
            self._fd = None
            pid, command = holder.get("pid"), holder.get("command")
            who = f"process {pid}" + (f" ({command})" if command else "") if pid else "another process"
            raise StoreBusyError(
                f"the store {folder} is being written by {who}; run this again when it has finished "
                "(commands that only read an up-to-date store can run meanwhile)",
                pid if isinstance(pid, int) else None,
                command if isinstance(command, str) else None,
            ) from None
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "python"
        record = {"pid": os.getpid(), "command": command[:300], "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(record).encode("utf-8"), 0)

    def release(self) -> None:
        """Clear the holder record and let go of the lock (idempotent)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()


def _read_holder(fd: int) -> dict[str, object]:
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class StoreFolder:
    """A folder holding a persistent store (created when missing).

    Raises :class:`InputError` when the path is a file or a folder of other files (a store never writes
    among them), and :class:`StoreError` for a store written by an earlier stackgraph (one pyoxigraph
    directory, no manifest).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists() and not path.is_dir():
            raise InputError(f"the store {path} is a file, not a folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
            names = sorted(os.listdir(path))
        except OSError as error:
            raise InputError(f"cannot open the store folder {path}: {error.strerror}") from None
        if _MANIFEST in names:
            return
        if "CURRENT" in names or any(name.endswith(".sst") for name in names):
            raise StoreError(
                f"{path} holds a store written by an earlier version of stackgraph; " + _DELETE_ADVICE.format(path=path)
            )
        foreign = [name for name in names if not _OURS.match(name)]
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise InputError(f"{path} is not a stackgraph store (it holds {shown}); give --store a new or empty folder")

    @property
    def interrupted(self) -> bool:
        """Whether the folder holds generations but no manifest (a first load was killed, or it was deleted)."""
        return not (self.path / _MANIFEST).exists() and bool(self._generations())

    def read_manifest(self) -> Manifest | None:
        """Return the published manifest, or ``None`` for a store nothing was published to yet."""
        path = self.path / _MANIFEST
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror}") from None
        return Manifest.from_json(text, str(path))

    def open_current(self) -> tuple[Manifest, ox.Store | None, ReaderLock | None]:
        """Open the current generation read-only, holding its reader lock; ``(Manifest(), None, None)`` if none."""
        for _ in range(100):
            manifest = self.read_manifest()
            if manifest is None or manifest.generation is None:
                return manifest or Manifest(), None, None
            lock = ReaderLock(self.path / f"{manifest.generation}.lock")
            again = self.read_manifest()
            if again is None or again.generation != manifest.generation:  # a writer published meanwhile
                lock.release()
                continue
            directory = self.path / manifest.generation
            try:
                if not directory.is_dir():
                    raise FileNotFoundError(f"{directory} is missing")
                return again, ox.Store.read_only(str(directory)), lock
            except (OSError, RuntimeError) as error:  # pyoxigraph reports a corrupt database as RuntimeError
                lock.release()
                raise StoreError(
                    f"the store {self.path} is damaged ({error}); " + _DELETE_ADVICE.format(path=self.path)
                ) from None
        raise StoreError(f"the store {self.path} keeps changing under this process; try again")

    def lock_for_writing(self) -> WriterLock:
        """Take the writer lock (see :class:`WriterLock`)."""
        return WriterLock(self.path)

    def new_generation(self) -> tuple[str, Path]:
        """Name a generation that does not exist yet and create its reader-lock file; the directory is not made."""
        number = max(self._generations(), default=0) + 1
        name = f"g{number:06d}"
        (self.path / f"{name}.lock").touch()
        return name, self.path / name

    def publish(self, manifest: Manifest) -> None:
        """Make ``manifest`` (and the generation it names) current, atomically."""
        atomic_write(self.path / _MANIFEST, manifest.to_json())
        with contextlib.suppress(OSError):  # make the rename itself durable
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def discard(self, name: str) -> None:
        """Delete an unpublished generation this writer made."""
        shutil.rmtree(self.path / name, ignore_errors=True)
        with contextlib.suppress(OSError):
            (self.path / f"{name}.lock").unlink()

    def collect(self, keep: str | None) -> None:
        """Delete every generation but ``keep`` that no reader holds (call with the writer lock held)."""
        for number in self._generations():
            name = f"g{number:06d}"
            if name == keep:
                continue
            lock_path = self.path / f"{name}.lock"
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                continue
            try:
                _flock(fd, exclusive=True, wait=False)
            except BlockingIOError:
                os.close(fd)
                continue  # a reader still has it open: a later writer deletes it
            try:
                shutil.rmtree(self.path / name, ignore_errors=True)
                lock_path.unlink(missing_ok=True)
            finally:
                os.close(fd)

    def _generations(self) -> list[int]:
        numbers = set()
        for name in os.listdir(self.path):
            match = _GENERATION.match(name.removesuffix(".lock"))
            if match:
                numbers.add(int(match.group(1)))
        return sorted(numbers)

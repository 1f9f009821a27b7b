"""One letter file per recipient, written with as little file-system work as a letter allows.

Why not :func:`app.export.merge.state.write_atomic` (temporary name + rename) for every letter:
in a merge of short text letters the rename and the walk down a deep folder path for each file
were half of the time. A letter's record (its ``merge_recipients`` row, its manifest line) is
written only after its file is complete, so the record says a letter exists, and a run that died
mid-write left a file without a record, which the redo writes again. So a new letter is created
exclusively (``O_EXCL``: it did not exist and no one else is writing it) and written in place; a
letter whose file already exists (left by an attempt that died, perhaps torn, or written by an
attempt running at the same time) is written to a temporary name and renamed over it, so the file
that stays is always a complete one. Folders are opened once and files are named relative to them
(``dir_fd``), so the kernel looks up one name per file, not the whole path.
"""

from __future__ import annotations

import contextlib
import os
from types import TracebackType
from typing import BinaryIO

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_REPLACE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_RELATIVE = os.open in os.supports_dir_fd and os.replace in os.supports_dir_fd


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (os.write may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class LetterFiles:
    """Writes files under ``root`` (sub-folders made on their first file); a context manager."""

    def __init__(self, root: str):
        self.root = os.fspath(root)
        self._dirs: dict[str, int] = {}
        self._tmp_suffix = f".{os.getpid()}.tmp"

    def __enter__(self) -> LetterFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def write(self, rel: str, data: bytes) -> None:
        """Write ``data`` to ``root/rel`` (a ``folder/name`` path under ``root``)."""
        folder, name = os.path.split(rel)
        dir_fd = self._dirs.get(folder)
        if dir_fd is None:  # first letter in this folder: made now, so no folder is left empty
            path = os.path.join(self.root, folder)
            os.makedirs(path, exist_ok=True)
            dir_fd = self._dirs[folder] = os.open(path, _DIR) if _RELATIVE else -1
        if not _RELATIVE:
            self._write_in(None, os.path.join(self.root, folder), name, data)
            return
        self._write_in(dir_fd, "", name, data)

    def _write_in(self, dir_fd: int | None, folder: str, name: str, data: bytes) -> None:
        target = os.path.join(folder, name) if folder else name
        try:
            fd = os.open(target, _CREATE, 0o644, dir_fd=dir_fd)
        except FileExistsError:
            tmp = (
                os.path.join(folder, f".{name}{self._tmp_suffix}")
                if folder
                else f".{name}{self._tmp_suffix}"
            )
            fd = os.open(tmp, _REPLACE, 0o644, dir_fd=dir_fd)
            try:
                write_all(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp, target, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            return
        try:
            write_all(fd, data)
        finally:
            os.close(fd)

    def close(self) -> None:
        """Close the folders opened so far."""
        dirs, self._dirs = self._dirs, {}
        for fd in dirs.values():
            if fd >= 0:
                os.close(fd)


SEPARATOR = b"\f\n"
"""Between two text letters in a chunk file and in a bound per-variant file (a form feed)."""


class ChunkLetterFiles:
    """Per-variant text merges: a chunk's letters in one file per variant, not one per recipient.

    Why: in a text merge the kernel's cost of creating a file was most of the time on a real disk
    (≈ 0.2–0.9 ms per file on this machine's ext4, against ≈ 0.1 ms to render a letter). In
    per-variant mode the per-recipient files were only a step before binding, so a chunk writes
    ``letters/<variant>/<chunk>.txt``: its letters of that variant in input order, joined by
    :data:`SEPARATOR` — binding concatenates these files. Every produced line of the chunk is
    written, also the lines an earlier attempt already recorded, so the file is whole whichever
    attempt wrote it; it is written under a temporary name and renamed by :meth:`commit`, which the
    chunk calls before it marks itself done. So a done chunk's files are complete, and a chunk
    redone after a crash rewrites them whole (the content depends only on the chunk's rows).
    """

    def __init__(self, root: str, number: int):
        self.root = os.fspath(root)
        self.name = f"{number:06d}.txt"
        self._tmp = f".{number:06d}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        self._open: dict[str, BinaryIO] = {}
        self.written: dict[str, tuple[int, int]] = {}
        """folder -> (letters, bytes) written to its file: the binding checks the file by them."""

    def path(self, folder: str) -> str:
        """The chunk's file of ``folder`` (``letters/<variant>``), relative to the root."""
        return f"{folder}/{self.name}"

    def write(self, folder: str, data: bytes) -> str:
        """Append one letter to the chunk's file of ``folder``; return that file's relative path."""
        fh = self._open.get(folder)
        if fh is None:
            target = os.path.join(self.root, folder)
            os.makedirs(target, exist_ok=True)
            fh = self._open[folder] = open(os.path.join(target, self._tmp), "wb")
            letters, size = 1, len(data)
        else:
            fh.write(SEPARATOR)
            letters, size = self.written[folder]
            letters, size = letters + 1, size + len(SEPARATOR) + len(data)
        fh.write(data)
        self.written[folder] = (letters, size)
        return self.path(folder)

    def commit(self) -> None:
        """Rename the finished files to their names (replacing any an earlier attempt left)."""
        files, self._open = self._open, {}
        for folder, fh in files.items():
            fh.close()
            target = os.path.join(self.root, folder)
            os.replace(os.path.join(target, self._tmp), os.path.join(target, self.name))

    def close(self) -> None:
        """Drop files not committed (the chunk stopped before its end)."""
        files, self._open = self._open, {}
        for folder, fh in files.items():
            fh.close()
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self.root, folder, self._tmp))


def letters_in(data: bytes) -> int:
    """How many text letters a chunk file (or a one-letter file) holds."""
    return data.count(SEPARATOR) + 1

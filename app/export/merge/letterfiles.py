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

import os
from types import TracebackType

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_REPLACE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
_RELATIVE = os.open in os.supports_dir_fd and os.replace in os.supports_dir_fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class LetterFiles:
    """Writes files under ``root`` (whose sub-folders exist); use as a context manager."""

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
        if not _RELATIVE:
            self._write_in(None, os.path.join(self.root, folder), name, data)
            return
        dir_fd = self._dirs.get(folder)
        if dir_fd is None:
            dir_fd = self._dirs[folder] = os.open(os.path.join(self.root, folder), _DIR)
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
                _write_all(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp, target, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            return
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)

    def close(self) -> None:
        """Close the folders opened so far."""
        dirs, self._dirs = self._dirs, {}
        for fd in dirs.values():
            os.close(fd)

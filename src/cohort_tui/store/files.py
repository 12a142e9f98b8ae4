"""Writing a file so that a crash or a full disk leaves either the old content or the new,
never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from cohort_tui.store.errors import writing


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a write may be short)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def atomic_write(path: Path, data: bytes, *, durable: bool = True, mode: int = 0o600) -> None:
    """Temp file in the same folder, fsync, replace, then fsync the folder.

    ``durable=False`` skips the fsyncs, for files that are written often and are only
    a convenience (drafts): a crash may lose the last few keystrokes, never the file.
    ``mode`` is the new file's permissions (``0o600`` unless said otherwise: tokens and
    drafts are nobody else's business).

    Raises:
        StoreWriteError: the folder or the disk refused (full, read-only, no permission,
            I/O error); the temp file is gone and ``path`` is as it was.
    """
    with writing(path):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
        try:
            try:
                if mode != 0o600:
                    os.fchmod(fd, mode)
                write_all(fd, data)
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    if durable:
        # The new content is in place; a failure here only means it may not survive a
        # power cut, which is worth saying but is not "nothing was changed".
        with writing(path, "it was written but may not survive a power cut"):
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

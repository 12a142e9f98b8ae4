"""Errors the store raises; each message is one sentence a user can act on.

Every write path (the op log, repair, snapshot, drafts, local facts, ``sync.json``,
credentials, ``store.toml``, the user config) turns an ``OSError`` into a
:class:`StoreWriteError` through :func:`writing`, so a full disk, a read-only folder, a
permission problem or a failing disk reads the same everywhere: the file, the cause in
plain words, what became of the change, and what to do.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class StoreError(Exception):
    """A store that cannot be opened or written, with the reason and the way out."""


class StoreWriteError(StoreError, OSError):
    """A file could not be written (or read) because of the disk or the folder.

    Also an ``OSError``, so code that guards a write with ``except OSError`` (a draft
    saved from the app, say) keeps catching it; ``str()`` is the whole sentence and
    ``strerror`` the cause alone.

    Args:
        message: The sentence for the user.
        code: The ``errno`` of the underlying failure, if any.
        cause: The cause in plain words ("the disk is full").
        path: The file that could not be written.
    """

    def __init__(self, message: str, code: int | None, cause: str, path: Path) -> None:
        super().__init__(message)
        self.message = message
        """The sentence for the user."""
        self.cause = cause
        """The cause alone, in plain words."""
        self.errno = code
        self.strerror = cause
        self.filename = str(path)

    def __str__(self) -> str:
        return self.message


_CAUSES: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full", "free some space and try again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space and try again"),
    errno.EFBIG: ("the file is too large for this disk", "move the store to another disk"),
    errno.EROFS: (
        "the folder is on a read-only file system",
        "copy the store somewhere writable or remount it read-write",
    ),
    errno.EACCES: ("permission denied", "check who owns the folder and its permissions"),
    errno.EPERM: ("the operation is not permitted", "check the folder's permissions"),
    errno.EIO: (
        "the disk reported an input/output error",
        "the disk may be failing: copy the store to another disk",
    ),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.EISDIR: ("it is a folder, not a file", "move the folder aside"),
    errno.ENAMETOOLONG: ("the path is too long", "use a shorter path"),
    errno.EMFILE: ("too many files are open", "close other programs and try again"),
    errno.ENFILE: ("too many files are open", "close other programs and try again"),
}


def plain_cause(exc: OSError) -> str:
    """What went wrong, in words (``the disk is full``), for any ``OSError``."""
    if isinstance(exc, StoreWriteError):
        return exc.cause
    known = _CAUSES.get(exc.errno or 0)
    if known is not None:
        return known[0]
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def _advice(exc: OSError) -> str:
    known = _CAUSES.get(exc.errno or 0)
    return f" ({known[1]})" if known is not None else ""


def write_failed(path: Path, exc: OSError, outcome: str) -> StoreWriteError:
    """The error for a failed write of ``path``; ``outcome`` says what became of the
    change (``nothing was changed``)."""
    if isinstance(exc, StoreWriteError):
        return exc
    cause = plain_cause(exc)
    return StoreWriteError(
        f"cannot write {path}: {cause}; {outcome}{_advice(exc)}.", exc.errno, cause, path
    )


def read_failed(path: Path, exc: OSError) -> StoreWriteError:
    """The error for a file of the store that cannot be read (a failing disk, say)."""
    if isinstance(exc, StoreWriteError):
        return exc
    cause = plain_cause(exc)
    return StoreWriteError(
        f"cannot read {path}: {cause}; nothing was changed{_advice(exc)}.", exc.errno, cause, path
    )


@contextlib.contextmanager
def writing(path: Path, outcome: str = "nothing was changed") -> Iterator[None]:
    """Turn any ``OSError`` raised inside into a :class:`StoreWriteError` about ``path``.

    The block is responsible for leaving things as they were (removing a temp file,
    truncating a partial append); ``outcome`` tells the user it did.
    """
    try:
        yield
    except StoreWriteError:
        raise
    except OSError as exc:
        raise write_failed(path, exc, outcome) from exc


def describe_os_error(exc: OSError) -> str:
    """One line for an ``OSError`` nobody wrapped (the CLI's last resort)."""
    if isinstance(exc, StoreWriteError):
        return exc.message
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{plain_cause(exc)}{_advice(exc)}"

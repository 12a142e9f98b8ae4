"""Disk faults for tests: an injected failing writer, and a real tiny or read-only tmpfs.

:class:`DiskFaults` wraps the ``os`` calls the store writes through (``open``, ``write``,
``fsync``, ``replace``, ``link``, ``mkdir``) so that, for the files a test picks, they
fail the way a real disk does: a write lets a budget of bytes through (a short write)
and then raises ``ENOSPC``, an ``fsync`` reports ``EIO``, an ``open`` for writing meets
``EROFS`` or ``EACCES``. Every fault actually raised is counted.

:func:`tmpfs` mounts a real small tmpfs (root only); tests skip with the reason when the
mount is not permitted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

Where = Callable[[str], bool]
"""Picks the files a fault applies to, by path."""

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def anywhere(_: str) -> bool:
    return True


def named(*names: str) -> Where:
    """Files whose name is one of ``names`` (temp files of ``name`` included)."""

    def where(path: str) -> bool:
        base = os.path.basename(path)
        return any(base == n or base.startswith(f".{n}") for n in names)

    return where


def under(folder: Path) -> Where:
    """Files inside ``folder``."""
    root = os.fspath(folder)

    def where(path: str) -> bool:
        return os.path.abspath(path).startswith(root + os.sep) or os.path.abspath(path) == root

    return where


class DiskFaults:
    """Failing ``os`` calls for chosen files; install with :meth:`arm`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._mp = monkeypatch
        self._paths: dict[int, str] = {}
        self._rules: list[tuple[str, Where, int, list[int]]] = []
        self.injected = 0
        """How many faults were raised."""
        self._real = {
            name: getattr(os, name)
            for name in ("open", "write", "fsync", "replace", "link", "mkdir", "ftruncate")
        }
        self._armed = False

    def _arm(self) -> None:
        if self._armed:
            return
        self._armed = True
        real = self._real

        def fake_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: Any = None) -> int:
            name = os.fspath(path)
            if flags & _WRITE_FLAGS:
                self._maybe_fail("open", name)
            fd: int = real["open"](path, flags, mode, dir_fd=dir_fd)
            self._paths[fd] = name
            return fd

        def fake_write(fd: int, data: Any) -> int:
            name = self._paths.get(fd, "")
            for kind, where, code, budget in self._rules:
                if kind == "write" and where(name):
                    if budget[0] <= 0:
                        self.injected += 1
                        raise OSError(code, os.strerror(code))
                    data = bytes(data)[: budget[0]]
                    written: int = real["write"](fd, data)
                    budget[0] -= written
                    return written
            result: int = real["write"](fd, data)
            return result

        def fake_fsync(fd: int) -> None:
            self._maybe_fail("fsync", self._paths.get(fd, ""))
            real["fsync"](fd)

        def fake_replace(src: Any, dst: Any, **kw: Any) -> None:
            self._maybe_fail("replace", os.fspath(dst))
            real["replace"](src, dst, **kw)

        def fake_link(src: Any, dst: Any, **kw: Any) -> None:
            self._maybe_fail("link", os.fspath(dst))
            real["link"](src, dst, **kw)

        def fake_mkdir(path: Any, mode: int = 0o777, **kw: Any) -> None:
            self._maybe_fail("mkdir", os.fspath(path))
            real["mkdir"](path, mode, **kw)

        for name, fake in (
            ("open", fake_open),
            ("write", fake_write),
            ("fsync", fake_fsync),
            ("replace", fake_replace),
            ("link", fake_link),
            ("mkdir", fake_mkdir),
        ):
            self._mp.setattr(os, name, fake)

    def _maybe_fail(self, kind: str, path: str) -> None:
        for rule_kind, where, code, _ in self._rules:
            if rule_kind == kind and where(path):
                self.injected += 1
                raise OSError(code, os.strerror(code), path)

    def writes_fail(
        self, code: int = errno.ENOSPC, *, after: int = 0, where: Where = anywhere
    ) -> None:
        """``os.write`` to matching files lets ``after`` bytes through, then raises."""
        self._arm()
        self._rules.append(("write", where, code, [after]))

    def fail(self, kind: str, code: int, where: Where = anywhere) -> None:
        """``kind`` (``open`` for writing, ``fsync``, ``replace``, ``link``, ``mkdir``)
        raises ``code`` for matching paths."""
        self._arm()
        self._rules.append((kind, where, code, [0]))

    def clear(self) -> None:
        """No more faults (the wrappers stay, passing through)."""
        self._rules.clear()


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of ``size`` (``64k``) at ``folder``; skips the test when this
    process may not mount (not root, or no ``CAP_SYS_ADMIN`` in a container)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the injected-fault tests cover this case")
    done = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder))
    if done.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here ({done.stderr.strip()})")
    try:
        yield folder
    finally:
        _mount("-o", "remount,rw", str(folder))
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def remount(folder: Path, mode: str) -> None:
    """Remount a :func:`tmpfs` ``ro`` or ``rw`` (chmod does not stop root)."""
    done = _mount("-o", f"remount,{mode}", str(folder))
    assert done.returncode == 0, done.stderr


def fill(folder: Path) -> None:
    """Fill the file system holding ``folder`` to the last byte."""
    fd = os.open(folder / ".filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (65_536, 4_096, 1):  # big blocks, then the last partial block
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)


def unfill(folder: Path) -> None:
    (folder / ".filler").unlink(missing_ok=True)

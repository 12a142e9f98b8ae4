"""Unsent posts, kept on disk as they are typed, per member, so a crash loses nothing.

A draft lives in ``<store>/drafts/<member>/<key>.json`` (a pod's store holds several
members, each with their own drafts). Keys name what the draft is for:
``thread-new``, ``thread-new.<lesson>``, ``reply.<thread>``, ``edit.<post>``.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import msgspec

from cohort_tui.store.errors import writing
from cohort_tui.store.files import atomic_write


class SavedDraft(msgspec.Struct, kw_only=True):
    title: str = ""
    body: str = ""
    saved_at: int = 0
    tags: list[str] = msgspec.field(default_factory=list)
    """As typed in the tags field (a new thread's draft); older drafts have none."""
    lesson: str | None = None
    """The lesson chosen for a new thread, if any."""


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class Drafts:
    """One member's drafts in one store."""

    def __init__(self, store_root: Path, member: str) -> None:
        self.folder = store_root / "drafts" / _UNSAFE.sub("_", member)

    def _path(self, key: str) -> Path:
        return self.folder / (_UNSAFE.sub("_", key)[:120] + ".json")

    def load(self, key: str) -> SavedDraft | None:
        """The saved draft, or None (also when the file is unreadable: it is only a draft)."""
        try:
            return msgspec.json.decode(self._path(key).read_bytes(), type=SavedDraft)
        except (OSError, msgspec.DecodeError):
            return None

    def save(self, key: str, draft: SavedDraft) -> None:
        """Keep the draft; an empty one is removed instead.

        Raises:
            StoreWriteError: the disk or folder refused (an ``OSError`` too); the draft
                saved before is kept.
        """
        if not draft.title.strip() and not draft.body.strip():
            self.discard(key)
            return
        path = self._path(key)
        with writing(path):
            self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, msgspec.json.encode(draft), durable=False)

    def discard(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self._path(key).unlink()

    def keys(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(path.stem for path in self.folder.glob("*.json"))

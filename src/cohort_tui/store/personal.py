"""Small facts about one member on this device that are not cohort data (no op): that
they read the norms, say. Kept in ``<store>/local/<member>.json``; losing it costs a
tick on a checklist, nothing more."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from cohort_tui.store.errors import writing
from cohort_tui.store.files import atomic_write

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class LocalFacts:
    def __init__(self, store_root: Path, member: str) -> None:
        self.path = store_root / "local" / (_UNSAFE.sub("_", member) + ".json")

    def _load(self) -> dict[str, int]:
        try:
            return msgspec.json.decode(self.path.read_bytes(), type=dict[str, int])
        except (OSError, msgspec.DecodeError):
            return {}

    def get(self, key: str) -> int | None:
        return self._load().get(key)

    def set(self, key: str, value: int) -> None:
        """Remember ``key``.

        Raises:
            StoreWriteError: the disk or folder refused (an ``OSError`` too); the facts
                saved before are kept.
        """
        facts = self._load()
        facts[key] = value
        with writing(self.path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, msgspec.json.encode(facts), durable=False)

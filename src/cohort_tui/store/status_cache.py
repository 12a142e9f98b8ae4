"""The last ``cohort status --tmux`` line, kept with the log state it was made from.

A tmux status bar runs ``cohort status --tmux`` every few seconds, and nearly every run
finds the log as the last one left it. Loading a 100k-op cohort to print the same line
again cost ~200 ms a run; the line is kept in ``<store>/local/status-tmux.json`` with
the log's size and modification time, who asked and the minute it was made, and reused
only when all four match. A new op (any process), a repaired log, another member or the
next minute makes a fresh line. A cache: losing it costs one slow run, nothing more.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

FORMAT = 1
MINUTE_MS = 60_000


class StatusLineCache:
    """The cached line for one store, asker and minute.

    Args:
        root: The store directory.
        who: What ``--as`` / ``$COHORT_AS`` said (empty: the store's own member).
        now_ms: Epoch-ms now.
    """

    def __init__(self, root: Path, who: str, now_ms: int) -> None:
        self.path = root / "local" / "status-tmux.json"
        self.who = who
        try:
            log = os.stat(root / "ops.jsonl")
        except OSError:
            self.key: list[int | str] | None = None
            return
        self.key = [FORMAT, log.st_size, log.st_mtime_ns, now_ms // MINUTE_MS]

    # The standard library's json, not msgspec: the whole point is a run that imports
    # next to nothing.
    def _entries(self) -> dict[str, Any]:
        try:
            entries = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def get(self) -> str | None:
        """The line made for the same log, asker and minute, if there is one."""
        if self.key is None:
            return None
        entry = self._entries().get(self.who)
        if not isinstance(entry, dict) or entry.get("key") != self.key:
            return None
        line = entry.get("line")
        return line if isinstance(line, str) else None

    def put(self, line: str) -> None:
        """Keep ``line`` (best effort: a read-only store just stays uncached)."""
        if self.key is None:
            return
        from cohort_tui.store.files import atomic_write

        entries = self._entries()
        entries[self.who] = {"key": self.key, "line": line}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(entries).encode(), durable=False)

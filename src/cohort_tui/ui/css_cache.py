"""Parsed stylesheet rules, kept between runs.

Textual parses the app's CSS and every widget class's ``DEFAULT_CSS`` on every start,
with a tokenizer written in Python: about 1 ms per KB, 6 ms of each start before Home is
drawn, and tens of milliseconds more as the warm-up styles the other screens. What a
parse produces depends only on its inputs: the CSS text, where it was read from, whether
it is default CSS, its tie-breaker and scope, and the theme's variables. So
:class:`CachedStylesheet` looks the rules up in a :class:`RulesCache` file under those
inputs (plus the Python and Textual builds) and parses only what is not there. Loading
back the rules Home needs takes 0.4 ms where parsing them took 4.5.

The file is a cache in the user's own cache folder, like Python's ``__pycache__``: it is
read only when this user owns it and nobody else may write to it, anything unreadable
is ignored (the CSS is parsed as before), and it is replaced whole, never edited in place.
CSS with errors is never cached, so it is reported as it always was.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import textual.css.stylesheet
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

from cohort_tui.store.files import atomic_write

try:  # BLAKE2 without hashlib, which loads OpenSSL at import (~4 ms of every start)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b as _blake2b

FORMAT = 1
"""Bumped when what the file holds changes shape."""
FILE_NAME = "css-rules.pickle"
MAX_BYTES = 4 * 1024 * 1024
"""A file larger than this (many themes, many builds) is started afresh when next saved."""


def _build_stamp() -> str:
    """What parsed rules also depend on: this Python and this copy of Textual's parser."""
    parser = Path(textual.css.stylesheet.__file__).with_name("parse.py")
    try:
        stat = parser.stat()
    except OSError:
        return ""
    return f"{FORMAT}|{sys.version}|{parser}|{stat.st_size}|{stat.st_mtime_ns}"


def _digest(*parts: str) -> str:
    h = _blake2b(digest_size=20)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class RulesCache:
    """Parsed rules by digest of their inputs, in one file (``path``); None: memory only.

    Entries are kept pickled until asked for, so loading the file costs one read however
    many screens' rules it holds.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamp = _build_stamp()
        self._entries: dict[str, bytes] | None = None  # loaded on first use
        self._added: dict[str, bytes] = {}

    def key(self, css: str, read_from: CSSLocation, flags: str, variables: str) -> str:
        """The digest of one parse's inputs (``variables``: :meth:`variables_key`)."""
        return _digest(self._stamp, css, *read_from, flags, variables)

    @staticmethod
    def variables_key(variables: dict[str, str]) -> str:
        return _digest(*(f"{name}={value}" for name, value in sorted(variables.items())))

    def get(self, key: str) -> list[RuleSet] | None:
        """The rules stored under ``key``, or None (not there, or not readable)."""
        if not self._stamp:
            return None
        raw = self._load().get(key)
        if raw is None:
            return None
        try:
            rules = pickle.loads(raw)  # the user's own cache file (see above)
        except Exception:  # a damaged entry: parse instead
            return None
        if isinstance(rules, list) and all(isinstance(rule, RuleSet) for rule in rules):
            return rules
        return None

    def put(self, key: str, rules: list[RuleSet]) -> None:
        """Keep ``rules`` under ``key`` (written by :meth:`save`)."""
        if not self._stamp:
            return
        try:
            raw = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # something in them does not pickle: parse them each time
            return
        self._load()[key] = raw
        self._added[key] = raw

    def save(self) -> None:
        """Write the file with what this run added, merged into what is there now (another
        pane may have saved since this one loaded). Failures are ignored: it is a cache."""
        if not self._added or self.path is None:
            return
        merged = {**self._read(), **self._added}
        if sum(map(len, merged.values())) > MAX_BYTES:
            merged = dict(self._added)
        data = pickle.dumps(
            {"format": FORMAT, "stamp": self._stamp, "entries": merged},
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        with contextlib.suppress(OSError):  # a StoreWriteError is one too
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write(self.path, data, durable=False)  # for this user alone (0600)
            self._added.clear()

    def _load(self) -> dict[str, bytes]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict[str, bytes]:
        """The file's entries for this build; empty when there is no file or it is not
        to be trusted (someone else's, writable by others, too big, another shape)."""
        if self.path is None:
            return {}
        try:
            with open(self.path, "rb") as f:
                stat = os.fstat(f.fileno())
                getuid = getattr(os, "getuid", None)
                if getuid is not None and (stat.st_uid != getuid() or stat.st_mode & 0o022):
                    return {}
                if stat.st_size > MAX_BYTES:
                    return {}
                content: Any = pickle.loads(f.read())  # its owner and mode were checked above
        except Exception:  # missing, unreadable or damaged: start empty
            return {}
        if (
            not isinstance(content, dict)
            or content.get("format") != FORMAT
            or content.get("stamp") != self._stamp
            or not isinstance(content.get("entries"), dict)
        ):
            return {}
        entries = content["entries"]
        return {
            key: raw
            for key, raw in entries.items()
            if isinstance(key, str) and isinstance(raw, bytes)
        }


class CachedStylesheet(Stylesheet):
    """A Textual stylesheet that parses through a :class:`RulesCache`."""

    def __init__(self, *, variables: dict[str, str] | None = None, rules_cache: RulesCache) -> None:
        self.rules_cache = rules_cache
        self._variables_key = ""
        super().__init__(variables=variables)

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_key = ""

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        memory_key = (css, read_from, is_default_rules, tie_breaker, scope)
        rules: list[RuleSet] | None = self._parse_cache.get(memory_key)
        if rules is not None:
            return rules
        if not self._variables_key:
            self._variables_key = RulesCache.variables_key(self._variables)
        flags = f"{is_default_rules}|{tie_breaker}|{scope}"
        key = self.rules_cache.key(css, read_from, flags, self._variables_key)
        rules = self.rules_cache.get(key)
        if rules is not None:
            self._parse_cache[memory_key] = rules
            return rules
        rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        if not any(rule.errors for rule in rules):
            self.rules_cache.put(key, rules)
        return rules

    def reparse(self) -> None:
        """Textual's ``reparse``, parsing through this stylesheet's cache.

        As Textual does, the sources are parsed into a fresh stylesheet first, so CSS
        with errors leaves this one as it was.
        """
        fresh = CachedStylesheet(variables=self._variables, rules_cache=self.rules_cache)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(
                css,
                read_from=read_from,
                is_default_css=is_defaults,
                tie_breaker=tie_breaker,
                scope=scope,
            )
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False

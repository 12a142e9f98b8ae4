"""Home's agenda: an ``OptionList`` that takes new rows in place.

Home refreshes on every batch of posts, and a batch mostly changes one row's words (the
count of new posts in a thread). ``OptionList.set_options`` (and even
``replace_option_prompt``) drops the drawn lines of every row, so each batch drew the
whole list again; here only the rows whose words changed are drawn again. This reads
two private caches of Textual's ``OptionList`` (Textual is pinned; a test covers it).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import OptionList
from textual.widgets.option_list import Option


class AgendaList(OptionList):
    """An option list whose rows can be replaced in place when only their words change."""

    def update_in_place(self, options: Sequence[Option]) -> bool:
        """Take ``options`` if they are the shown rows (the same ids, in order, each as
        enabled as before) with other words; return False, changing nothing, otherwise
        (the caller then sets them as new rows)."""
        shown = self.options
        if len(shown) != len(options) or any(
            old.id != new.id or old.disabled != new.disabled
            for old, new in zip(shown, options, strict=True)
        ):
            return False
        changed = [
            (old, new.prompt)
            for old, new in zip(shown, options, strict=True)
            if repr(old.prompt) != repr(new.prompt)  # Text compares by words and styles
        ]
        if not changed:
            return True
        cache = self._option_render_cache
        for old, prompt in changed:
            old._set_prompt(prompt)
            for key in [key for key in cache.keys() if key[0] is old]:  # noqa: SIM118
                cache.discard(key)
        self._line_cache.clear()  # a row's height may change with its words
        self.refresh()
        return True

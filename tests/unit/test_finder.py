"""The palette finder's matching: linear, ranked on Textual's scale, highlights by offset."""

from __future__ import annotations

from typing import Any

import pytest
from textual.fuzzy import FuzzySearch
from textual.style import Style

from cohort_tui.ui.finder import Candidate, highlighted, match, score, shown_name
from tests.ui.hostile import ESCAPES, INVISIBLE, MARKUP


def entry(group: str, name: str) -> tuple[Candidate, str]:
    candidate = Candidate(group, name, f"{group.lower()}:x", "help")
    return candidate, candidate.label.lower()


def test_a_substring_scores_as_textual_scores_it() -> None:
    fuzzy = FuzzySearch()
    value, offsets = match("theme", "theme", fuzzy)
    assert (value, list(offsets)) == (fuzzy.match("theme", "Theme")[0], [0, 1, 2, 3, 4])


def test_words_in_order_then_letters() -> None:
    fuzzy = FuzzySearch()
    label = "thread: pathlib vs os.path"
    value, offsets = match("thread pathlib", label, fuzzy)
    assert value > 0
    assert "".join(label[i] for i in offsets) == "threadpathlib"
    value, offsets = match("thr plib", label, fuzzy)
    assert value > 0 and "".join(label[i] for i in offsets) == "thrplib"
    assert match("pathlib thread", label, fuzzy)[0] == 0  # order matters
    assert match("zz", label, fuzzy)[0] == 0
    assert match("   ", label, fuzzy)[0] == 0


def test_better_matches_rank_first() -> None:
    entries = [entry("Thread", "pathlib vs os.path"), entry("Lesson", "Paths and files")]
    ranked = sorted(score(entries, "pathlib", FuzzySearch()), key=lambda hit: -hit[0])
    assert ranked[0][1].name == "pathlib vs os.path"


def test_never_enumerates_every_placement(monkeypatch: Any) -> None:
    """Textual's enumeration takes seconds on a title like "abab..." (5 s for a
    five-letter query); the finder must never call it."""

    def refuse(*_: object) -> object:
        raise AssertionError("combinatorial fuzzy search used")

    monkeypatch.setattr(FuzzySearch, "_match", refuse)
    entries = [entry("Thread", "ab" * 40), entry("Thread", " ".join("etaoinshrdlu" * 6))]
    assert score(entries, "aaaaa", FuzzySearch())
    assert score(entries, "the tree", FuzzySearch())


@pytest.mark.parametrize(
    "name", [MARKUP, f"x {ESCAPES}", INVISIBLE, "[b]x[/b] [@click=app.quit]q[/]"]
)
def test_prompts_are_plain_content(name: str) -> None:
    cleaned = shown_name(name)
    label = f"Thread: {cleaned}"
    content = highlighted(label, range(len(label)), Style(bold=True))
    assert content.plain == label  # shown as written: nothing parsed as markup
    assert "\x1b" not in content.plain and "\u202e" not in content.plain

"""Parsed CSS kept between runs: the same rules as a parse, never trusted blindly."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from textual.app import App
from textual.css import parse as textual_parse
from textual.css import stylesheet as textual_stylesheet
from textual.css.model import RuleSet
from textual.css.stylesheet import StylesheetParseError
from textual.widgets import OptionList, Static

from cohort_tui.paths import cache_dir
from cohort_tui.ui.css_cache import FILE_NAME, CachedStylesheet, RulesCache
from tests.ui.helpers import make_app

SOURCES = {
    ("app.tcss", ""): "Screen { background: $surface; } #side { width: 2fr; min-width: 30; }",
    ("widgets.py", "Static.DEFAULT_CSS"): Static.DEFAULT_CSS,
    ("widgets.py", "OptionList.DEFAULT_CSS"): OptionList.DEFAULT_CSS,
}
DARK = {"surface": "#101010", "foreground": "#eeeeee"}
LIGHT = {"surface": "#fafafa", "foreground": "#111111"}


def variables(theme: dict[str, str]) -> dict[str, str]:
    return {**App().get_css_variables(), **theme}


def parse_all(path: Path, theme: dict[str, str]) -> tuple[CachedStylesheet, list[RuleSet]]:
    sheet = CachedStylesheet(variables=variables(theme), rules_cache=RulesCache(path))
    for read_from, css in SOURCES.items():
        sheet.add_source(css, read_from=read_from, is_default_css=read_from[0] != "app.tcss")
    return sheet, sheet.rules


def looks(rules: list[RuleSet]) -> list[tuple[str, str, bool, int]]:
    """What a rule does, comparable across parses (layouts are objects without equality)."""
    return [
        (
            rule.selectors,
            repr({k: v for k, v in rule.styles.get_rules().items() if k != "layout"}),
            rule.is_default_rules,
            rule.tie_breaker,
        )
        for rule in rules
    ]


def assert_read_back(sheet: CachedStylesheet, parsed: list[RuleSet], parses: list[str]) -> None:
    """Save what ``sheet`` parsed: a new stylesheet on the same file parses nothing and
    gets the same rules."""
    sheet.rules_cache.save()
    parses.clear()
    path = sheet.rules_cache.path
    assert path is not None
    _, cached = parse_all(path, DARK)
    assert parses == []
    assert looks(cached) == looks(parsed)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every CSS text Textual's parser is run on."""
    seen: list[str] = []
    parse = textual_parse.parse

    def counted(scope: str, css: str, *args: object, **kwargs: object) -> object:
        seen.append(css)
        return parse(scope, css, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(textual_stylesheet, "parse", counted)
    return seen


def test_a_second_run_reads_the_rules_back_and_parses_nothing(
    tmp_path: Path, parses: list[str]
) -> None:
    path = tmp_path / FILE_NAME
    first, parsed = parse_all(path, DARK)
    assert len(parses) == len(SOURCES)
    assert_read_back(first, parsed, parses)


def test_other_theme_variables_are_parsed_again_with_their_own_colours(
    tmp_path: Path, parses: list[str]
) -> None:
    path = tmp_path / FILE_NAME
    dark, _ = parse_all(path, DARK)
    dark.rules_cache.save()
    parses.clear()

    _, light_rules = parse_all(path, LIGHT)
    assert len(parses) == len(SOURCES)
    screen = next(rule for rule in light_rules if rule.selectors == "Screen")
    assert screen.styles.background.hex.lower() == "#fafafa"


def test_a_reparse_goes_through_the_cache(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / FILE_NAME
    first, parsed = parse_all(path, DARK)
    first.rules_cache.save()
    sheet, _ = parse_all(path, DARK)
    parses.clear()
    sheet.reparse()
    assert parses == []
    assert looks(sheet.rules) == looks(parsed)


def test_css_with_errors_is_reported_every_time_and_never_cached(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    for _ in range(2):
        sheet = CachedStylesheet(variables=variables(DARK), rules_cache=RulesCache(path))
        sheet.add_source("Static { width: banana; }", read_from=("bad.tcss", ""))
        with pytest.raises(StylesheetParseError):
            sheet.parse()
        sheet.rules_cache.save()
    assert not path.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"format": 999, "stamp": "", "entries": {}}),
        pickle.dumps(["a", "list"]),
        pickle.dumps({"format": 1, "stamp": "other build", "entries": {"k": b"x"}}),
    ],
    ids=["empty", "garbage", "other-format", "other-shape", "other-build"],
)
def test_a_damaged_or_foreign_file_is_ignored_and_replaced(
    tmp_path: Path, parses: list[str], content: bytes
) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(content)
    sheet, parsed = parse_all(path, DARK)
    assert len(parses) == len(SOURCES)
    assert_read_back(sheet, parsed, parses)


def test_a_damaged_entry_is_parsed_instead(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / FILE_NAME
    sheet, parsed = parse_all(path, DARK)
    sheet.rules_cache.save()
    content = pickle.loads(path.read_bytes())
    content["entries"] = {key: b"\x80\x05broken" for key in content["entries"]}
    path.write_bytes(pickle.dumps(content))
    parses.clear()
    _, again = parse_all(path, DARK)
    assert len(parses) == len(SOURCES)
    assert looks(again) == looks(parsed)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file ownership is a POSIX notion")
def test_a_file_others_may_write_is_not_read(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / FILE_NAME
    sheet, _ = parse_all(path, DARK)
    sheet.rules_cache.save()
    assert path.stat().st_mode & 0o077 == 0  # written for this user alone
    path.chmod(0o666)
    parses.clear()
    parse_all(path, DARK)
    assert len(parses) == len(SOURCES)


def test_saving_keeps_what_another_pane_saved_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    one = RulesCache(path)
    two = RulesCache(path)
    one.get("nothing")  # both loaded the (missing) file before either saved
    two.get("nothing")
    rules = CachedStylesheet(variables=variables(DARK), rules_cache=RulesCache(None))
    rules.add_source("Static { width: 3; }", read_from=("a.tcss", ""))
    one.put("from-one", rules.rules)
    one.save()
    two.put("from-two", rules.rules)
    two.save()
    reader = RulesCache(path)
    assert reader.get("from-one") is not None
    assert reader.get("from-two") is not None


def test_an_unwritable_cache_folder_changes_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    sheet, parsed = parse_all(blocker / FILE_NAME, DARK)
    sheet.rules_cache.save()  # no exception: it is only a cache
    assert parsed


async def test_the_app_looks_the_same_drawn_from_cached_rules(
    tmp_path: Path, parses: list[str]
) -> None:
    screens: list[str] = []
    for run in range(2):
        app = make_app(tmp_path / f"store{run}", "m_mei")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screens.append(app.export_screenshot())
        if run == 0:
            assert (cache_dir() / FILE_NAME).exists()  # saved as the app closed
            parses.clear()
    assert parses == []  # the second run parsed nothing
    assert screens[0] == screens[1]

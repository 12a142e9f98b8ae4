"""No literal colour in the UI's sources: every colour comes from the theme.

A colour name in a Rich style (``"bold green"``) or in CSS (``color: red``) is the dark
theme's colour whatever theme is on: unreadable on cohort-light, wrong on cohort-ansi.
Screens name what text is (:mod:`cohort_tui.ui.palette`), widgets use component
classes and theme variables (``$text-success``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rich.color import ANSI_COLOR_NAMES

import cohort_tui.ui

UI = Path(cohort_tui.ui.__file__).parent

STYLE_WORDS = {
    "bold",
    "b",
    "dim",
    "d",
    "italic",
    "i",
    "underline",
    "u",
    "reverse",
    "r",
    "strike",
    "s",
    "blink",
    "not",
    "on",
    "none",
    "default",
    "overline",
    "conceal",
    "frame",
    "encircle",
    "underline2",
}
CSS_COLOUR_PROPERTIES = re.compile(
    r"(?P<prop>(?:[a-z-]*-)?(?:color|background|border(?:-[a-z]+)?|outline(?:-[a-z]+)?|tint|"
    r"scrollbar-[a-z-]+|link-[a-z-]+))\s*:\s*(?P<value>[^;}\n]+)"
)
LITERAL = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(|\bcolor\(\d|\bansi_[a-z_]+")


def colour_word(word: str) -> bool:
    """Whether one word of a style or a CSS value names a fixed colour."""
    return word.lower() in ANSI_COLOR_NAMES or bool(LITERAL.search(word))


def literal_style(value: str) -> bool:
    """``"bold red"``, ``"#ff0000"``, ``"on blue"``: a Rich style with a fixed colour.

    Only strings made of style words count, so prose ("the text turned red") does not.
    """
    words = value.split()
    if not words or not all(w.lower() in STYLE_WORDS or colour_word(w) for w in words):
        return False
    return any(colour_word(w) for w in words)


def literal_css(css: str) -> list[str]:
    """Declarations in CSS that give a colour property a fixed colour."""
    found = []
    for match in CSS_COLOUR_PROPERTIES.finditer(css):
        value = match["value"]
        words = re.split(r"[\s,]+", value.strip())
        if any(colour_word(w) for w in words if not w.startswith("$")):
            found.append(f"{match['prop']}: {value.strip()}")
    return found


def docstrings(tree: ast.AST) -> set[int]:
    """ids of the constants that are docstrings (module, class, function, attribute)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for statement in body:
            if (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                found.add(id(statement.value))
    return found


def violations(path: Path) -> list[str]:
    source = path.read_text("utf-8")
    if path.suffix == ".tcss":
        return [f"{path.name}: {hit}" for hit in literal_css(source)]
    tree = ast.parse(source)
    skip = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in skip:
            continue
        where = f"{path.relative_to(UI)}:{node.lineno}"
        if literal_style(node.value):
            found.append(f"{where}: style {node.value!r}")
        found += [f"{where}: css {hit}" for hit in literal_css(node.value)]
    for node in ast.walk(tree):  # Style(color="red"), Color(255, 0, 0)
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            for keyword in node.keywords:
                if keyword.arg in ("color", "bgcolor") and isinstance(keyword.value, ast.Constant):
                    found.append(f"{path.relative_to(UI)}:{node.lineno}: {name}({keyword.arg}=)")
    return found


SOURCES = sorted([*UI.rglob("*.py"), *UI.rglob("*.tcss")])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(UI)))
def test_no_literal_colours(path: Path) -> None:
    assert violations(path) == []


@pytest.mark.parametrize(
    "value",
    [
        "green",
        "bold red",
        "on blue",
        "bold #ff0000",
        "italic grey50",
        "dim bright_cyan",
        "red on white",
    ],
)
def test_catches_a_literal_style(value: str) -> None:
    assert literal_style(value)


@pytest.mark.parametrize(
    "value", ["bold", "dim italic", "the text turned red", "cohort.ok", "", "Green light"]
)
def test_leaves_prose_and_names_alone(value: str) -> None:
    assert not literal_style(value)


def test_catches_literal_css() -> None:
    css = "Foo { color: red; background: $surface; border: tall #333; tint: $accent 10%; }"
    assert literal_css(css) == ["color: red", "border: tall #333"]


def test_theme_variables_pass() -> None:
    assert literal_css("Foo { color: $text-success; background: $boost 40%; }") == []


def test_milestone_states_have_a_glyph_each() -> None:
    """The grid's state is told by a glyph, not by colour alone."""
    from typing import get_args

    from cohort_tui.domain.milestone_views import MARKS, Status

    assert set(MARKS) == set(get_args(Status))
    assert len(set(MARKS.values())) == len(MARKS)

"""The UI's one boundary for outside text, checked two ways.

1. The source: no module of ``cohort_tui.ui`` parses markup on purpose, renders Markdown
   except through :func:`cohort_tui.ui.text.outside_markdown`, or hands a widget a string
   built at run time (an f-string, a concatenation, a cleaned string: Textual parses a
   ``str`` given to ``Static``, ``Label``, ``Option``, ``border_title`` ... as markup).
2. The renderables: whatever Markdown a curriculum holds, what
   :func:`~cohort_tui.ui.text.outside_markdown` draws carries no control, bidi or
   invisible character, no link and no control segment.
"""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import ControlType, Segment
from rich.style import Style
from rich.text import Text

import cohort_tui.ui
from cohort_tui.ui.text import Inert, outside_markdown

UI = Path(cohort_tui.ui.__file__).parent
BOUNDARY = UI / "text.py"

SINK_CALLS = {"Static", "Label", "Button", "Option", "Tab", "Tooltip"}
"""Widgets whose first argument, a ``str``, is parsed as markup."""
SINK_METHODS = {"update", "write"}
"""``Static.update``, ``RichLog.write``: a ``str`` is parsed as markup."""
SINK_ATTRIBUTES = {"border_title", "border_subtitle", "tooltip", "label"}
MARKUP_PARSERS = {"from_markup", "from_ansi", "render_markup", "escape"}
CLEANERS = {"clean_line", "clean_text", "truncate", "str"}
"""Calls that return a ``str``: still markup to a widget, however clean."""


def _built_string(node: ast.expr) -> bool:
    """Whether ``node`` is a string made at run time (so it may hold outside text)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _built_string(node.left) or _built_string(node.right) or _is_str(node.left)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in CLEANERS or name == "format" or name == "join"
    if isinstance(node, ast.IfExp):
        return _built_string(node.body) or _built_string(node.orelse)
    return False


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: list[str] = []

    def say(node: ast.AST, what: str) -> None:
        found.append(f"{path.relative_to(UI.parent)}:{getattr(node, 'lineno', '?')}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and path != BOUNDARY:
            names = {alias.name for alias in node.names}
            if node.module == "rich.markdown" or (
                node.module == "textual.widgets" and names & {"Markdown", "MarkdownViewer"}
            ):
                say(node, "Markdown outside ui/text.py (use outside_markdown)")
            if node.module == "rich.markup":
                say(node, "rich.markup is not a boundary")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if isinstance(func, ast.Attribute) and name in MARKUP_PARSERS:
                say(node, f"{name}() parses markup or escapes from outside text")
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "markup" and isinstance(value, ast.Constant) and value.value:
                    say(node, "markup=True")
            sink = (isinstance(func, ast.Name) and name in SINK_CALLS) or (
                isinstance(func, ast.Attribute) and name in SINK_METHODS
            )
            if sink and node.args and _built_string(node.args[0]):
                say(node, f"{name}() given a string built at run time (markup)")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in SINK_ATTRIBUTES
                    and _built_string(node.value)
                ):
                    say(node, f".{target.attr} = a string built at run time (markup)")
    return found


def test_no_module_of_the_ui_passes_outside_text_as_markup() -> None:
    found = [problem for path in sorted(UI.rglob("*.py")) for problem in violations(path)]
    assert not found, "\n".join(found)


def test_the_checker_catches_what_it_should(tmp_path: Path) -> None:
    """The lint is only worth something if it fails: each line here is a violation."""
    bad = UI / "_lint_probe.py"  # must sit under ui/ for its relative name
    source = "\n".join(
        [
            "from rich.markdown import Markdown",
            "from rich.markup import escape",
            "Static(f'{title}')",
            "Static(clean_line(title))",
            "label = Label('a' + title)",
            "widget.update('{}'.format(title))",
            "log.write(str(error))",
            "panel.border_title = f'{title}'",
            "panel.border_subtitle = 'x' + title",
            "Text.from_markup(title)",
            "notify(title, markup=True)",
            "Option(' '.join(tags))",
        ]
    )
    bad.write_text(source, "utf-8")
    try:
        assert len(violations(bad)) == 12, violations(bad)
    finally:
        bad.unlink()


FORBIDDEN = (
    {chr(c) for c in [*range(0, 32), 0x7F, *range(0x80, 0xA0)]}
    | {chr(c) for c in [0x061C, 0x200B, 0x200E, 0x200F, 0xFEFF, *range(0x202A, 0x202F)]}
    | {chr(c) for c in range(0x2066, 0x206A)}
)

REFERENCE = st.sampled_from(
    ["&#x202E;", "&#x202e;", "&#8238;", "&rlm;", "&lrm;", "&zwj;", "&zwnj;", "&#27;",
     "&#x9B;", "&#0;", "&#x7F;", "&#xFEFF;", "&#x2066;", "&amp;", "&lt;", "&#10;"]
)  # fmt: skip
PIECE = st.one_of(
    st.text(max_size=30),
    REFERENCE,
    st.sampled_from(["\x1b[2J", "\x1b]0;t\x07", "\x9b", "\x1b", "`", "```\n", "\n\n", "# ",
                     "[x](https://e.example/\x1b)", "<b>", "**", "> ", "- ", "\t"]),
)  # fmt: skip


def rendered(renderable: object, width: int = 60) -> list[Segment]:
    console = Console(width=width, color_system="truecolor", force_terminal=True)
    return list(console.render(renderable))  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.lists(PIECE, max_size=25).map("".join))
@example("&#x202E;evil &rlm; &#27;[2J `&#x202E;` <span>&#x2066;</span>")
@example("```\n\x1b]0;t\x07&#x202E;\n```")
def test_outside_markdown_draws_nothing_but_text(source: str) -> None:
    for segment in rendered(outside_markdown(source)):
        assert segment.control is None
        bad = {f"U+{ord(c):04X}" for c in segment.text if c in FORBIDDEN and c != "\n"}
        assert not bad, (bad, segment.text)
        assert segment.style is None or not (segment.style.link or segment.style.meta)


def test_a_reference_reads_as_the_raw_character_would() -> None:
    shown = "".join(s.text for s in rendered(outside_markdown("a &#x202E;b \u202ec &rlm;")))
    assert "a ⟪U+202E⟫b ⟪U+202E⟫c ⟪U+200F⟫" in shown


def test_inert_drops_controls_links_and_actions() -> None:
    class Hostile:
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            yield Segment("\x1b]0;t\x07", None, [(ControlType.BELL,)])
            yield Segment("click", Style(link="https://evil.example"))
            yield Segment("act", Style.from_meta({"@click": "app.quit"}))
            yield Segment("a\u202eb\tc")

    segments = rendered(Inert(Hostile()))
    assert "".join(s.text for s in segments) == "clickacta⟪U+202E⟫b c"
    assert all(s.control is None for s in segments)
    assert all(s.style is None or not (s.style.link or s.style.meta) for s in segments)
    assert rendered(Inert(Text("plain"))) == rendered(Text("plain"))

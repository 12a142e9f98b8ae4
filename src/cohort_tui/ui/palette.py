"""Named looks for the text screens build (``cohort.ok``, ``cohort.warn`` ...), from the theme.

Screens build rows and panes as Rich ``Text`` and never name a colour: they name what a
piece of text *is* (a success, a warning, something new, code). The app turns every
name into a Rich style from the current theme's variables (:func:`rich_theme`) and puts
it on its console, again on every theme switch. A name is resolved when the text is
drawn, so a widget that draws again after a switch (the Line-API views drop their line
caches, :func:`recolour` re-reads ``Static`` content) shows the new theme's colours: no
restart, and cohort-light or cohort-ansi never show a dark theme's yellow.

The specs use Textual's style syntax with theme variables (``$text-success``: the
success colour made readable on the theme's background). The ``markdown.*`` names
override Rich's own defaults, which are literal colours, for lessons shown with Rich's
Markdown; the ``cohort.syntax.*`` names colour code, in the code view and in lessons.

State is never told by colour alone: every use pairs the colour with a glyph or a word
(``✓``, ``✗ changes requested``, ``● 3``), so it reads under ``NO_COLOR`` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.style import Style as RichStyle
from rich.theme import Theme as RichTheme

if TYPE_CHECKING:
    from pygments.token import _TokenType  # type: ignore[import-untyped]
    from textual.app import App
    from textual.dom import DOMNode

OK = "cohort.ok"
"""Done, passed, approved, met."""
OK_STRONG = "cohort.ok.strong"
WARN = "cohort.warn"
"""Needs attention soon: due, late, awaiting, behind by a little."""
WARN_STRONG = "cohort.warn.strong"
BAD = "cohort.bad"
"""Failed, overdue, changes requested, cancelled."""
BAD_STRONG = "cohort.bad.strong"
NEW = "cohort.new"
"""Unread and new things."""
ACTIVE = "cohort.active"
"""In progress: the lesson I am on."""
STAR = "cohort.star"
"""Helpful marks and badges."""
INFO = "cohort.info"
"""Neutral figures and markers: the cohort's median, a claim, a diff hunk."""
INFO_STRONG = "cohort.info.strong"
CODE = "cohort.code"
"""Inline code in posts."""
ADDED = "cohort.added"
"""A diff's added line sign."""
REMOVED = "cohort.removed"
"""A diff's removed line sign."""
INVISIBLE = "cohort.invisible"
"""Where the sanitiser made an invisible, bidi or control character visible."""

SPECS: dict[str, str] = {
    OK: "$text-success",
    OK_STRONG: "bold $text-success",
    WARN: "$text-warning",
    WARN_STRONG: "bold $text-warning",
    BAD: "$text-error",
    BAD_STRONG: "bold $text-error",
    NEW: "bold $text-accent",
    ACTIVE: "bold $text-accent",
    STAR: "$text-accent",
    INFO: "$text-primary",
    INFO_STRONG: "bold $text-primary",
    CODE: "$text-secondary",
    ADDED: "bold $text-success",
    REMOVED: "bold $text-error",
    INVISIBLE: "bold reverse $text-error",
    # Code, by pygments token kind (the first matching ancestor wins).
    "cohort.syntax.comment": "dim italic",  # $text-muted is "auto 60%": no colour here
    "cohort.syntax.keyword": "bold $text-primary",
    "cohort.syntax.string": "$text-success",
    "cohort.syntax.number": "$text-accent",
    "cohort.syntax.function": "$text-secondary",
    "cohort.syntax.class": "bold $text-secondary",
    "cohort.syntax.builtin": "$text-primary",
    "cohort.syntax.decorator": "$text-accent",
    "cohort.syntax.operator": "$text-primary",
    "cohort.syntax.error": "$text-error",
    "cohort.syntax.heading": "bold $text-primary",
    "cohort.syntax.inserted": "$text-success",
    "cohort.syntax.deleted": "$text-error",
    # Rich's Markdown (lesson bodies): its defaults are fixed colours.
    "markdown.code": "bold $text-secondary",
    "markdown.code_block": "$text-secondary",
    "markdown.h1": "bold $text-primary",
    "markdown.h1.border": "$primary",
    "markdown.h2": "bold underline $text-primary",
    "markdown.h3": "bold $text-primary",
    "markdown.h4": "bold italic $text-primary",
    "markdown.h5": "underline",
    "markdown.h6": "italic",
    "markdown.block_quote": "$text-secondary",
    "markdown.item.bullet": "bold $text-accent",
    "markdown.item.number": "bold $text-accent",
    "markdown.link": "$text-primary",
    "markdown.link_url": "underline $text-primary",
    "markdown.hr": "dim",
}
"""Every name, as a Textual style over the theme's variables."""

SYNTAX_TOKENS: tuple[tuple[str, str], ...] = (
    ("Comment", "cohort.syntax.comment"),
    ("Keyword", "cohort.syntax.keyword"),
    ("Literal.String", "cohort.syntax.string"),
    ("Literal.Number", "cohort.syntax.number"),
    ("Name.Function", "cohort.syntax.function"),
    ("Name.Class", "cohort.syntax.class"),
    ("Name.Builtin", "cohort.syntax.builtin"),
    ("Name.Decorator", "cohort.syntax.decorator"),
    ("Name.Tag", "cohort.syntax.keyword"),
    ("Name.Attribute", "cohort.syntax.function"),
    ("Operator.Word", "cohort.syntax.keyword"),
    ("Operator", "cohort.syntax.operator"),
    ("Error", "cohort.syntax.error"),
    ("Generic.Heading", "cohort.syntax.heading"),
    ("Generic.Subheading", "cohort.syntax.heading"),
    ("Generic.Inserted", "cohort.syntax.inserted"),
    ("Generic.Deleted", "cohort.syntax.deleted"),
)
"""Pygments token kinds and the name each is drawn with; other tokens stay plain."""


def rich_theme(variables: Mapping[str, str]) -> RichTheme:
    """Every name resolved against one theme's CSS variables."""
    return RichTheme({name: resolve(spec, variables) for name, spec in SPECS.items()})


def resolve(spec: str, variables: Mapping[str, str]) -> RichStyle:
    """One spec (``"bold $text-success"``): Rich attributes, and one colour variable.

    Not Textual's style parser: inside an app it reads the stylesheet's variables,
    which are the old theme's until Textual refreshes the CSS (after the theme's
    watchers), and given variables it takes ~3 ms a spec (a switch paid 165 ms).
    """
    from textual.color import Color, ColorParseError

    words = spec.split()
    style = RichStyle.parse(" ".join(w for w in words if not w.startswith("$")))
    for word in words:
        if word.startswith("$"):
            try:
                colour = Color.parse(variables[word[1:]].split()[0])
            except (KeyError, IndexError, ColorParseError):
                continue  # not a plain colour here (auto 60%): attributes only
            style += RichStyle(color=colour.rich_color)
    return style


def syntax_name(token_type: _TokenType) -> str:
    """The palette name a pygments token is drawn with (``""``: plain)."""
    return _syntax_names(token_type)


def _token_name(token_type: _TokenType) -> str:
    dotted = ".".join(token_type)
    for prefix, name in SYNTAX_TOKENS:
        if dotted == prefix or dotted.startswith(prefix + "."):
            return name
    return ""


_SYNTAX_CACHE: dict[object, str] = {}


def _syntax_names(token_type: _TokenType) -> str:
    name = _SYNTAX_CACHE.get(token_type)
    if name is None:
        name = _SYNTAX_CACHE[token_type] = _token_name(token_type)
    return name


class Palette:
    """The app's side: the palette on the console, following the theme.

    Args:
        app: The app whose console draws the screens.
    """

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._pushed = False
        self.generation = 0
        """Bumped on every switch; a widget compares it to know its look is stale."""

    def apply(self, variables: dict[str, str] | None = None) -> None:
        """Resolve every name against the current theme and put them on the console
        (``variables``: the theme's CSS variables, when the caller has them already)."""
        theme = rich_theme(variables if variables is not None else self._app.get_css_variables())
        console = self._app.console
        if self._pushed:
            console.pop_theme()
        console.push_theme(theme)
        self._pushed = True
        self.generation += 1


def recolour(root: DOMNode) -> None:
    """Read again every ``Static`` under ``root`` that shows our own ``Text``.

    A ``Static`` turns ``Text`` into styled content once, when it is given the text;
    after a theme switch it would keep the old theme's colours until its next update.
    """
    from rich.text import Text
    from textual.widgets import Static

    from cohort_tui.ui.text import Inert

    statics: Iterable[Static] = root.query(Static)
    for widget in statics:
        content = widget.content
        if isinstance(content, Text | Inert):
            widget.update(content)

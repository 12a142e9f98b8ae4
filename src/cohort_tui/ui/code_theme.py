"""Rich ``Syntax`` colours from the palette, for code blocks in lessons.

Its own module because ``rich.syntax`` imports pygments: only a lesson with a body
needs it, never start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style as RichStyle
from rich.syntax import SyntaxTheme

from cohort_tui.ui.palette import syntax_name

if TYPE_CHECKING:
    from pygments.token import _TokenType  # type: ignore[import-untyped]


class PaletteSyntax(SyntaxTheme):
    """Rich ``Syntax`` colours from the palette (for code blocks in lessons).

    Rich asks for a token's style while it draws, so the lookup goes to the console of
    the app that is drawing: a lesson drawn after a theme switch gets the new colours.
    """

    def get_style_for_token(self, token_type: _TokenType) -> RichStyle:
        name = syntax_name(token_type)
        if not name:
            return RichStyle.null()
        from textual._context import active_app

        try:
            return active_app.get().console.get_style(name)
        except LookupError:  # drawn outside an app (a test printing it): plain
            return RichStyle.null()

    def get_background_style(self) -> RichStyle:
        return RichStyle.null()

"""The rubric form: a level per criterion (with its guidance), a general comment and the
verdict, sent as one review. The rubric's example review is one key away."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Select, Static, TextArea

from cohort_tui.domain.model import Rubric
from cohort_tui.domain.sanitize import clean_text
from cohort_tui.ui.screens.dialogs import TextScreen
from cohort_tui.ui.text import member_block, member_line

VERDICTS: list[tuple[str, str]] = [
    ("approve", "Approve: ready as it is"),
    ("changes", "Request changes"),
]


@dataclass(frozen=True)
class ReviewForm:
    """What the form returns: ``send`` False means closed, keep it as a draft."""

    scores: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    verdict: str = ""
    send: bool = False


class RubricScreen(ModalScreen[ReviewForm]):
    """Score each criterion, write a comment, choose a verdict; ``ctrl+s`` sends."""

    DEFAULT_CSS = """
    RubricScreen { align: center middle; }
    RubricScreen > Vertical {
        width: 95%; max-width: 110; height: 95%; border: round $primary;
        background: $surface; padding: 0 1;
    }
    RubricScreen VerticalScroll { height: 1fr; }
    RubricScreen .criterion { margin-top: 1; height: auto; }
    RubricScreen .guidance { color: $text-muted; height: auto; }
    RubricScreen Select { margin: 0; }
    RubricScreen #rubric-comment { height: 6; }
    RubricScreen #rubric-problem { color: $error; height: auto; }
    RubricScreen .dialog-help { color: $foreground 60%; height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "send", "Send", id="rubric.send", priority=True, tooltip="Send the review"
        ),
        Binding(
            "f2",
            "example",
            "Example",
            id="rubric.example",
            priority=True,
            tooltip="Read the rubric's example review",
        ),
        Binding(
            "escape",
            "cancel",
            "Close",
            id="rubric.cancel",
            tooltip="Close; what you filled in is kept as a draft",
        ),
    ]

    def __init__(
        self,
        rubric: Rubric | None,
        heading: str,
        *,
        initial: ReviewForm | None = None,
        calibration: bool = False,
        pending_lines: int = 0,
        keep: Callable[[ReviewForm], None] | None = None,
    ) -> None:
        super().__init__()
        self.rubric = rubric
        self.heading = heading
        initial = initial or ReviewForm()
        # A draft comes from a file: what the TextArea draws must be clean.
        self.initial = replace(initial, comment=clean_text(initial.comment))
        self.calibration = calibration
        self.pending_lines = pending_lines
        self._keep = keep

    def compose(self) -> ComposeResult:
        rubric = self.rubric
        with Vertical():
            yield Static(member_line(self.heading, "bold"))
            with VerticalScroll():
                if rubric is None:
                    yield Static(Text("This lesson has no rubric: comment and verdict only."))
                for criterion in rubric.criteria if rubric else []:
                    yield Static(member_line(criterion.title, "bold"), classes="criterion")
                    if criterion.guidance:
                        yield Static(member_block(criterion.guidance), classes="guidance")
                    options = [
                        (
                            member_line(
                                f"{level.score} {level.label}"
                                + (f": {level.description}" if level.description else "")
                            ),
                            level.score,
                        )
                        for level in criterion.levels
                    ]
                    chosen = self.initial.scores.get(criterion.id)
                    yield Select(
                        options,
                        prompt=f"level for {criterion.id}"[:60],
                        id=f"score-{criterion.id}",
                        value=chosen if chosen is not None else Select.NULL,
                        compact=True,
                    )
                yield Static(Text("General comment", style="bold"), classes="criterion")
                yield TextArea(self.initial.comment, id="rubric-comment")
                if not self.calibration:
                    yield Static(Text("Verdict", style="bold"), classes="criterion")
                    yield Select(
                        [(Text(label), value) for value, label in VERDICTS],
                        prompt="verdict",
                        id="rubric-verdict",
                        value=self.initial.verdict or Select.NULL,
                        compact=True,
                    )
                if self.pending_lines:
                    s = "s" if self.pending_lines != 1 else ""
                    yield Static(
                        Text(f"{self.pending_lines} line comment{s} will be sent with it.")
                    )
            yield Static(id="rubric-problem")
            example = " · f2 example review" if rubric and rubric.example else ""
            yield Static(Text(f"ctrl+s sends{example} · esc keeps a draft"), classes="dialog-help")

    def on_mount(self) -> None:
        first = self.query(Select).first() if self.query(Select) else None
        (first or self.query_one("#rubric-comment", TextArea)).focus()

    def form(self, *, send: bool) -> ReviewForm:
        scores: dict[str, int] = {}
        for criterion in self.rubric.criteria if self.rubric else []:
            value = self.query_one(f"#score-{criterion.id}", Select).value
            if isinstance(value, int):
                scores[criterion.id] = value
        verdict = ""
        if not self.calibration:
            chosen = self.query_one("#rubric-verdict", Select).value
            verdict = chosen if isinstance(chosen, str) else ""
        comment = self.query_one("#rubric-comment", TextArea).text
        return ReviewForm(scores=scores, comment=comment, verdict=verdict, send=send)

    def problem(self, form: ReviewForm) -> str:
        """Why the form cannot be sent yet, or ``""``."""
        missing = (
            [c.title for c in self.rubric.criteria if c.id not in form.scores]
            if (self.rubric)
            else []
        )
        if missing:
            return "Choose a level for: " + ", ".join(clean for clean in missing) + "."
        if not self.calibration and not form.verdict:
            return "Choose a verdict: approve or request changes."
        if len(form.comment) > 262_144:
            return "The comment is too long."
        return ""

    def action_send(self) -> None:
        form = self.form(send=True)
        problem = self.problem(form)
        if problem:
            self.query_one("#rubric-problem", Static).update(member_line(problem))
            return
        self.dismiss(form)

    def action_example(self) -> None:
        rubric = self.rubric
        if rubric is None or rubric.example is None:
            self.notify("This rubric has no example review.")
            return
        if self.calibration:
            self.notify("Score the example first; the reference review is shown after.")
            return
        example = rubric.example
        body = Text(end="")
        for criterion in rubric.criteria:
            score = example.scores.get(criterion.id)
            level = next((lv for lv in criterion.levels if lv.score == score), None)
            body.append_text(member_line(criterion.title, "bold"))
            body.append(": ")
            body.append_text(member_line(f"{score} {level.label}" if level else "-"))
            body.append("\n")
        if example.comment:
            body.append("\n")
            body.append_text(member_block(example.comment.strip()))
        self.app.push_screen(TextScreen(f"Example review: {example.title}", body))

    def action_cancel(self) -> None:
        self.dismiss(self.form(send=False))

    def keep_draft(self) -> None:
        """Keep what is filled in as a draft: the app is quitting or lost its terminal."""
        if self._keep is not None and self.is_mounted:
            self._keep(self.form(send=False))

    @on(Select.Changed)
    def _clear_problem(self) -> None:
        self.query_one("#rubric-problem", Static).update("")

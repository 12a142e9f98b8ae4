"""One submission under review: the code with line comments inline, the reviews, and
what each side does next (comment, score the rubric, reply, mark helpful, revise).

Line numbers are the ones ``cohort review show`` prints and ``--line FILE:LINE=`` takes:
a file's own lines from 1, and new-side numbers in a diff (``diff_rows``).

The screen also runs calibration: the rubric's example opens here (id ``example:RUBRIC``)
and its scores are compared with the reference review once sent.
"""

from __future__ import annotations

import json
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain import review_view as rv
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import Review, Rubric, Submission
from cohort_tui.domain.review_input import ReviewProblem, parse_line_comments, rubric_for
from cohort_tui.domain.sanitize import (
    BIDI_CONTROLS,
    clean_line,
    find_invisibles,
    has_invisibles,
)
from cohort_tui.domain.submissions import (
    AnchoredComment,
    commentable_lines,
    diff_between_revisions,
    diff_by_file,
    diff_rows,
    line_comments_by_line,
)
from cohort_tui.domain.teams import author_label
from cohort_tui.store.drafts import Drafts, SavedDraft
from cohort_tui.ui import palette
from cohort_tui.ui.review_looks import STATUS_LOOK, VERDICT_WORDS
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.compose import ComposeScreen, ComposeSetup, Draft
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen, TextScreen
from cohort_tui.ui.screens.rubric_form import ReviewForm, RubricScreen
from cohort_tui.ui.screens.submit_files import SubmitScreen, SubmitSetup
from cohort_tui.ui.text import at_handle, member_block, member_line, plain
from cohort_tui.ui.widgets.code_view import CodeFile, CodeView
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader

MAX_BANNER_NAMES = 3
REPLY_LIMIT = 20_000


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"review.{name}", tooltip=tip)


def revision_files(sub_revision_files: list[tuple[str, str]], diff: str) -> list[CodeFile]:
    """The files of a revision as the view shows them: plain files, then each file of
    its diff (new-side numbers)."""
    files = [
        CodeFile(path, [(n, line) for n, line in enumerate(content.splitlines(), start=1)])
        for path, content in sub_revision_files
    ]
    if diff:
        for path, section in diff_by_file(diff).items():
            files.append(CodeFile(path or "(patch)", diff_rows(section), diff=True, label="diff"))
    return files


def invisible_banner(files: list[CodeFile]) -> Text | None:
    """A warning naming the invisible and bidi characters in the files, with where the
    first of each kind is; None when there are none."""
    found: dict[str, tuple[int, str]] = {}
    total = 0
    for f in files:
        if not has_invisibles("\n".join(raw for _, raw in f.rows)):
            continue
        for row, (number, raw) in enumerate(f.rows, start=1):
            for mark in find_invisibles(raw):
                total += 1
                rank = 0 if mark.codepoint in BIDI_CONTROLS else 1 if mark.codepoint > 0x7F else 2
                found.setdefault(mark.name, (rank, f"{clean_line(f.path)}:{number or row}"))
    if not found:
        return None
    # Bidi controls first (they reorder what you read), then invisible ones, then controls.
    ranked = sorted(found.items(), key=lambda item: item[1][0])
    names = [(name, where) for name, (_, where) in ranked]
    kinds = len(names)
    text = Text(f"⚠ {total} hidden character{'s' if total != 1 else ''} in this code: ")
    text.stylize("bold")
    text.append(", ".join(f"{name} ({where})" for name, where in names[:MAX_BANNER_NAMES]))
    if kinds > MAX_BANNER_NAMES:
        text.append(f", {kinds - MAX_BANNER_NAMES} more kind{'s' if kinds > 4 else ''}")
    text.append(". Marked ⟪U+…⟫ or ␛ in reverse video: read those lines with care.")
    return text


class ChangesReady(Message):
    """The diff between two revisions, worked out off the UI thread."""

    def __init__(self, key: tuple[str, str], files: list[CodeFile]) -> None:
        super().__init__()
        self.key = key
        self.files = files


class ReviewScreen(CohortScreen):
    """The code of one submission's revision, and its reviews."""

    TITLE_TEXT = "Review"
    AUTO_FOCUS = "#code"
    DEFAULT_CSS = """
    ReviewScreen #review-main { height: 1fr; }
    ReviewScreen #review-meta { height: auto; max-height: 3; padding: 0 1; }
    ReviewScreen #review-banner {
        height: auto; max-height: 4; padding: 0 1; background: $error 25%; color: $text;
    }
    ReviewScreen #code { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("escape", "back", "Back", "back", "Back to the inbox"),
        _binding("c", "comment", "Comment", "comment", "Comment on the cursor line"),
        _binding("v", "review", "Review", "review", "Score the rubric and send the review"),
        _binding("r", "reply", "Reply", "reply", "Reply to a comment on this line, or a review"),
        _binding("h", "helpful", "Helpful", "helpful", "Mark a review as helpful (author)"),
        _binding("R", "revise", "Revise", "revise", "Submit a new revision from this folder"),
        _binding("d", "changes", "Changes", "changes", "Show what changed since the last revision"),
        _binding("less_than_sign", "revision(-1)", "Older", "older", "Older revision", False),
        _binding("greater_than_sign", "revision(1)", "Newer", "newer", "Newer revision", False),
    ]

    def __init__(self, submission_id: str) -> None:
        super().__init__()
        self.sub_id = submission_id
        self.calibration = submission_id.startswith(rv.CALIBRATION_PREFIX)
        self._rev: int | None = None  # None: the latest
        self._changes = False
        self._changes_files: dict[tuple[str, str], list[CodeFile]] = {}
        self._comments: dict[str, dict[int, list[AnchoredComment]]] = {}

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Vertical(id="review-main", classes="panel"):
            yield Static(id="review-meta")
            banner = Static(id="review-banner")
            banner.display = False
            yield banner
            yield CodeView(id="code")
        yield CohortFooter()

    # -- what is shown -------------------------------------------------------------

    @property
    def sub(self) -> Submission | None:
        return self.state.submissions.get(self.sub_id)

    @property
    def rubric(self) -> Rubric | None:
        if self.calibration:
            return self.state.rubrics.get(self.sub_id.removeprefix(rv.CALIBRATION_PREFIX))
        sub = self.sub
        return rubric_for(self.state, sub) if sub else None

    def _index(self, sub: Submission) -> int:
        last = len(sub.revisions) - 1
        return last if self._rev is None else min(max(self._rev, 0), last)

    @property
    def drafts(self) -> Drafts:
        return Drafts(self.cohort_app.replica.root, self.me)

    @property
    def draft_key(self) -> str:
        return f"review.{self.sub_id}"

    def load_draft(self) -> tuple[list[dict[str, object]], ReviewForm]:
        """Pending line comments (``path``, ``line``, ``body``) and the rubric form."""
        saved = self.drafts.load(self.draft_key)
        try:
            data = json.loads(saved.body) if saved else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        lines = [
            c
            for c in data.get("lines", [])
            if isinstance(c, dict)
            and isinstance(c.get("path"), str)
            and isinstance(c.get("line"), int)
            and isinstance(c.get("body"), str)
        ]
        scores = data.get("scores", {})
        form = ReviewForm(
            scores={c: s for c, s in scores.items() if isinstance(s, int)}
            if isinstance(scores, dict)
            else {},
            comment=str(data.get("comment", "")),
            verdict=str(data.get("verdict", "")),
        )
        return lines, form

    def save_draft(self, lines: list[dict[str, object]], form: ReviewForm) -> None:
        data = {
            "lines": lines,
            "scores": form.scores,
            "comment": form.comment,
            "verdict": form.verdict,
        }
        empty = not lines and not form.scores and not form.comment.strip() and not form.verdict
        body = "" if empty else json.dumps(data)
        self.keep_draft(self.draft_key, SavedDraft(body=body, saved_at=self.now()))

    def keep_draft(self, key: str, draft: SavedDraft) -> None:
        """Save a draft; a disk that refuses is a toast, never a crash (it is only a draft)."""
        try:
            self.drafts.save(key, draft)
        except OSError as error:
            self.notify(f"Could not save the draft: {error.strerror}", severity="warning")

    def refresh_view(self) -> None:
        self.fill_header()
        if self.calibration:
            self._show_calibration()
            return
        sub = self.sub
        view = self.query_one("#code", CodeView)
        meta = self.query_one("#review-meta", Static)
        if sub is None:
            meta.update(Text("This submission is not in the store.", style="italic"))
            view.show([])
            return
        index = self._index(sub)
        revision = sub.revisions[index]
        reviews = rv.reviews_of_revision(self.state, sub, revision.id)
        self._comments = line_comments_by_line(reviews)
        changes = self._changes and index > 0
        preface = self._preface(sub, index, reviews)
        if changes:
            key = (sub.revisions[index - 1].id, revision.id)
            found = self._changes_files.get(key)
            if found is None:
                self._work_out_changes(sub, index)
                preface.append(Text("Working out the changes…", style="italic"))
            files = found or []
        else:
            files = revision_files([(f.path, f.content) for f in revision.files], revision.diff)
        meta.update(self._meta(sub, index, changes))
        self._banner(files)
        view.show(files, self._notes(sub, index), preface)
        self.refresh_bindings()

    def _meta(self, sub: Submission, index: int, changes: bool) -> Text:
        state = self.state
        status = q.submission_status(state, sub)
        glyph, word, colour = STATUS_LOOK[status]
        lesson = state.lessons.get(sub.lesson)
        text = plain(member_line(sub.title, "bold"), "\n", ("by ", "dim"), author_label(state, sub))
        if lesson is not None:
            text.append_text(member_line(f" · {lesson.title}", "dim", limit=40))
        text.append(" · ")
        text.append(f"{glyph} {word}", style=colour)
        text.append(f" · revision {index + 1} of {len(sub.revisions)}", style="bold")
        revision = sub.revisions[index]
        if revision.diff_range:
            text.append_text(member_line(f" · {revision.diff_range}", "dim", limit=50))
        if changes:
            text.append(f" · changes since revision {index}", style=palette.NEW)
        if len(sub.revisions) > 1:
            text.append(" (< > other revisions)", style="dim")
        return text

    def _banner(self, files: list[CodeFile]) -> None:
        banner = self.query_one("#review-banner", Static)
        warning = invisible_banner(files)
        banner.display = warning is not None
        banner.update(warning or "")

    def _notes(self, sub: Submission, index: int) -> dict[str, dict[int, list[Text]]]:
        state = self.state
        notes: dict[str, dict[int, list[Text]]] = {}
        for path, by_line in self._comments.items():
            for number, comments in by_line.items():
                texts = notes.setdefault(path, {}).setdefault(number, [])
                for c in comments:
                    texts.append(
                        plain(
                            ("▸ ", palette.INFO),
                            (at_handle(state, c.reviewer), palette.INFO_STRONG),
                            ": ",
                        )
                        + member_block(c.comment.body)
                    )
                    for reply in c.replies:
                        texts.append(
                            plain(("  ↳ ", "dim"), (at_handle(state, reply.author), "bold"), ": ")
                            + member_block(reply.body)
                        )
        if index == len(sub.revisions) - 1 and rv.may_review(state, self.me, sub):
            pending, _ = self.load_draft()
            for item in pending:
                path, number, body = str(item["path"]), int(str(item["line"])), str(item["body"])
                notes.setdefault(path, {}).setdefault(number, []).append(
                    plain(("✎ your comment, sent with your review: ", palette.WARN_STRONG))
                    + member_block(body)
                )
        return notes

    def _preface(self, sub: Submission, index: int, reviews: list[Review]) -> list[Text]:
        state = self.state
        revision = sub.revisions[index]
        out: list[Text] = []
        if revision.message:
            out.append(
                plain(("Note from ", "dim"), at_handle(state, revision.author or sub.author), ": ")
                + member_block(revision.message, "italic")
            )
        rubric = rubric_for(state, sub)
        for review in reviews:
            out.append(self._review_line(review, rubric))
            if review.comment:
                out.append(member_block(review.comment))
            for reply in review.replies:
                if reply.comment is None:
                    out.append(
                        plain(("  ↳ ", "dim"), (at_handle(state, reply.author), "bold"), ": ")
                        + member_block(reply.body)
                    )
        if not reviews:
            out.append(Text("No reviews of this revision yet.", style="dim italic"))
        if self.me in sub.authors:
            out.append(
                Text("r replies to a comment · h marks a review helpful · R revises", style="dim")
            )
        elif rv.may_review(state, self.me, sub) and index == len(sub.revisions) - 1:
            out.append(
                Text("c comments on the cursor line · v scores the rubric and sends", style="dim")
            )
        return out

    def _review_line(self, review: Review, rubric: Rubric | None) -> Text:
        look = palette.OK_STRONG if review.verdict == "approve" else palette.BAD_STRONG
        text = plain(
            ("● ", look),
            (at_handle(self.state, review.reviewer), "bold"),
            " · ",
            (VERDICT_WORDS.get(review.verdict, review.verdict), look),
        )
        if review.helpful:
            text.append(" · ★ helpful", style=palette.STAR)
        for criterion in rubric.criteria if rubric else []:
            score = review.scores.get(criterion.id)
            if score is None:
                continue
            level = next((lv for lv in criterion.levels if lv.score == score), None)
            text.append(" · ", style="dim")
            text.append_text(member_line(criterion.title, "dim"))
            text.append_text(member_line(f" {score} {level.label if level else ''}".rstrip()))
        return text

    def _show_calibration(self) -> None:
        rubric = self.rubric
        view = self.query_one("#code", CodeView)
        meta = self.query_one("#review-meta", Static)
        if rubric is None or rubric.example is None:
            meta.update(Text("This rubric has no example to calibrate on.", style="italic"))
            view.show([])
            return
        example = rubric.example
        meta.update(
            plain(
                ("Calibration: ", palette.WARN_STRONG),
                member_line(example.title, "bold"),
                "\n",
                (
                    "Before your first review with this rubric, score this example "
                    "(press v); then compare with the reference review.",
                    "dim",
                ),
            )
        )
        files = revision_files([(example.path, example.content)], "")
        self._banner(files)
        view.show(files, {}, [])
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _work_out_changes(self, sub: Submission, index: int) -> None:
        before, after = sub.revisions[index - 1], sub.revisions[index]
        files = [
            CodeFile(fd.path, diff_rows("\n".join(fd.lines)), diff=True, label=fd.change)
            for fd in diff_between_revisions(before, after)
        ]
        if not files:
            files = [CodeFile("(no changes)", [], label="the files are the same")]
        self.post_message(ChangesReady((before.id, after.id), files))

    @on(ChangesReady)
    def _changes_ready(self, event: ChangesReady) -> None:
        self._changes_files[event.key] = event.files
        self.refresh_view()

    def open_target(self, kind: str, target_id: str) -> None:
        if kind == "submission" and target_id != self.sub_id:
            self.app.pop_screen()
            self.app.push_screen(ReviewScreen(target_id))

    # -- who may do what -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        sub = self.sub
        if action == "review":
            return self.calibration or (sub is not None and rv.may_review(self.state, self.me, sub))
        if action == "comment":
            return (
                not self.calibration and sub is not None and rv.may_review(self.state, self.me, sub)
            )
        if action in ("helpful", "revise"):
            return sub is not None and self.me in sub.authors
        if action == "reply":
            return sub is not None and (
                self.me in sub.authors
                or any(self.state.reviews[r].reviewer == self.me for r in sub.reviews)
                or self.state.has_role(self.me, "mentor", "facilitator")
            )
        if action in ("changes", "revision"):
            return sub is not None and len(sub.revisions) > 1
        return True

    # -- actions -------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_revision(self, step: int) -> None:
        sub = self.sub
        if sub is None:
            return
        index = self._index(sub) + step
        if not 0 <= index < len(sub.revisions):
            self.notify("No older revision." if step < 0 else "This is the latest revision.")
            return
        self._rev = None if index == len(sub.revisions) - 1 else index
        self.refresh_view()

    def action_changes(self) -> None:
        sub = self.sub
        if sub is None:
            return
        if self._index(sub) == 0:
            self.notify("This is the first revision: nothing to compare with (< > move).")
            return
        self._changes = not self._changes
        self.refresh_view()

    def _latest_or_warn(self, sub: Submission) -> bool:
        if self._index(sub) != len(sub.revisions) - 1:
            self.notify("Reviews go on the latest revision: press > to get there.")
            return False
        return True

    def action_comment(self) -> None:
        sub = self.sub
        if sub is None or not rv.may_review(self.state, self.me, sub):
            self.notify("Only a reviewer of this submission comments on lines.", severity="warning")
            return
        if not self._latest_or_warn(sub):
            return
        place = self.query_one("#code", CodeView).cursor_place()
        if place is None or place[1] is None:
            self.notify("Put the cursor on a numbered line to comment on it.", severity="warning")
            return
        path, number = place[0], place[1]
        latest = sub.revisions[-1]
        where = commentable_lines(latest).get(path)
        plain_files = {f.path for f in latest.files}
        ok = (isinstance(where, int) and 1 <= number <= where) or (
            isinstance(where, set) and number in where
        )
        if not ok or (self._changes and path not in plain_files):
            self.notify("That line cannot take a comment here; press d for the files.")
            return
        lines, _ = self.load_draft()
        mine = next((c for c in lines if c["path"] == path and c["line"] == number), None)

        def done(body: str | None) -> None:
            if body is None:
                return
            current, current_form = self.load_draft()
            current = [c for c in current if not (c["path"] == path and c["line"] == number)]
            if body.strip():
                current.append({"path": path, "line": number, "body": body.strip()})
                current.sort(key=lambda c: (str(c["path"]), int(str(c["line"]))))
            self.save_draft(current, current_form)
            self.notify(
                "Comment kept; it is sent with your review (v)."
                if body.strip()
                else "Comment removed."
            )
            self.refresh_view()

        prompt = PromptScreen(
            f"Comment on {clean_line(path)}:{number}" + (" (empty removes it)" if mine else ""),
            placeholder="what should the author look at here?",
            value=str(mine["body"]) if mine else "",
            max_length=20_000,
            keep=done,  # quitting mid-comment keeps it with the review draft
        )
        self.app.push_screen(prompt, done)

    def action_review(self) -> None:
        if self.calibration:
            self._calibrate()
            return
        sub = self.sub
        if sub is None or not rv.may_review(self.state, self.me, sub):
            self.notify("You are not a reviewer of this submission.", severity="warning")
            return
        if not self._latest_or_warn(sub):
            return
        rubric = self.rubric
        if rv.needs_calibration(self.state, self.me, rubric):
            assert rubric is not None
            self.notify("First, calibrate: score the rubric's example and compare (v there).")
            self.app.push_screen(ReviewScreen(rv.calibration_id(rubric.id)))
            return
        lines, form = self.load_draft()
        sub_id, revision = sub.id, sub.revisions[-1].id

        def done(result: ReviewForm | None) -> None:
            current_lines, _ = self.load_draft()
            if result is None:
                return
            if not result.send:
                self.save_draft(current_lines, result)
                return
            current = self.state.submissions.get(sub_id)
            if current is None or current.revisions[-1].id != revision:
                self.save_draft(current_lines, result)
                self.notify("A new revision arrived: your review is kept as a draft.")
                self.refresh_view()
                return
            specs = [f"{c['path']}:{c['line']}={c['body']}" for c in current_lines]
            try:
                comments = parse_line_comments(current, specs)
            except ReviewProblem as exc:
                self.save_draft(current_lines, result)
                self.notify(f"Not sent: {exc}.", severity="error")
                return
            op = k.ReviewSubmit(
                review=new_id("v"),
                submission=sub_id,
                revision=revision,
                verdict="approve" if result.verdict == "approve" else "changes",
                scores=result.scores,
                comment=result.comment.strip(),
                lines=comments,
            )
            if self.write(op):
                self.drafts.discard(self.draft_key)
                self.notify(f"Review sent: {VERDICT_WORDS.get(op.verdict, op.verdict)}.")
                self.refresh_view()
            else:
                self.save_draft(current_lines, result)

        heading = f"Review: {sub.title}"
        screen = RubricScreen(
            rubric,
            heading,
            initial=form,
            pending_lines=len(lines),
            keep=lambda kept: self.save_draft(self.load_draft()[0], kept),
        )
        self.app.push_screen(screen, done)

    def _calibrate(self) -> None:
        rubric = self.rubric
        if rubric is None or rubric.example is None:
            return
        rubric_id = rubric.id

        def done(result: ReviewForm | None) -> None:
            if result is None or not result.send:
                return
            op = k.ReviewSubmit(
                review=new_id("v"),
                submission=rv.calibration_id(rubric_id),
                revision=rv.CALIBRATION_REVISION,
                verdict="approve",
                scores=result.scores,
                comment=result.comment.strip(),
                calibration=True,
            )
            if not self.write(op):
                return
            current = self.state.rubrics.get(rubric_id)
            body = calibration_report(current, result.scores) if current else Text()
            self.app.pop_screen()
            self.app.push_screen(TextScreen("Your scores and the reference review", body))
            self.notify("Calibrated. Now review the submission: press v.")

        heading = f"Calibration: {rubric.example.title}"
        self.app.push_screen(RubricScreen(rubric, heading, calibration=True), done)

    def _line_comments(self) -> list[AnchoredComment]:
        place = self.query_one("#code", CodeView).cursor_place()
        if place is None or place[1] is None:
            return []
        return self._comments.get(place[0], {}).get(place[1], [])

    def action_reply(self) -> None:
        sub = self.sub
        if sub is None:
            return
        state = self.state
        choices: list[tuple[str, Text]] = []
        targets: dict[str, tuple[str, str | None]] = {}
        for n, c in enumerate(self._line_comments()):
            key = f"line{n}"
            targets[key] = (c.review, c.comment.id)
            choices.append(
                (
                    key,
                    plain(at_handle(state, c.reviewer), ": ")
                    + member_line(c.comment.body, limit=60),
                )
            )
        if not choices:
            index = self._index(sub)
            for review in rv.reviews_of_revision(state, sub, sub.revisions[index].id):
                key = f"review{len(choices)}"
                targets[key] = (review.id, None)
                choices.append(
                    (
                        key,
                        plain(at_handle(state, review.reviewer), " · review: ")
                        + member_line(review.comment or review.verdict, limit=60),
                    )
                )
        if not choices:
            self.notify("Nothing to reply to here: no comment on this line, no review yet.")
            return

        def write_reply(target: tuple[str, str | None]) -> None:
            key = f"review-reply.{target[0]}.{target[1] or 'review'}"

            def done(draft: Draft | None) -> None:
                if draft is None or not draft.body.strip():
                    return
                body = draft.body.strip()
                if len(body) > REPLY_LIMIT:
                    self.notify(
                        f"Too long: a reply may have {REPLY_LIMIT:,} characters; "
                        "your text is kept as a draft.",
                        severity="warning",
                    )
                    self.keep_draft(key, SavedDraft(body=draft.body, saved_at=self.now()))
                    return
                op = k.ReviewReply(
                    review=target[0], reply=new_id("y"), body=body, comment=target[1]
                )
                if self.write(op):
                    self.drafts.discard(key)
                    self.notify("Reply sent.")

            what = "the comment" if target[1] else "the review"
            setup = ComposeSetup(heading=f"Reply to {what}", drafts=self.drafts, draft_key=key)
            self.app.push_screen(ComposeScreen(setup), done)

        if len(choices) == 1:
            write_reply(targets[choices[0][0]])
            return

        def chosen(key: str | None) -> None:
            if key in targets:
                write_reply(targets[key])

        self.app.push_screen(ChoiceScreen("Reply to which?", choices), chosen)

    def action_helpful(self) -> None:
        sub = self.sub
        if sub is None or self.me not in sub.authors:
            self.notify("Only the authors mark a review helpful.", severity="warning")
            return
        state = self.state
        reviews = rv.reviews_of_revision(state, sub, sub.revisions[self._index(sub)].id)
        if not reviews:
            self.notify("No reviews of this revision yet.")
            return

        def toggle(review_id: str | None) -> None:
            review = self.state.reviews.get(review_id or "")
            if review is None:
                return
            if self.write(k.ReviewHelpful(review=review.id, helpful=not review.helpful)):
                self.notify(
                    "Marked helpful: thank you for telling them."
                    if review.helpful
                    else "No longer marked helpful."
                )

        if len(reviews) == 1:
            toggle(reviews[0].id)
            return
        options = [
            (
                r.id,
                plain(
                    ("★ " if r.helpful else "  ", palette.STAR),
                    at_handle(state, r.reviewer),
                    f" · {VERDICT_WORDS.get(r.verdict, r.verdict)}",
                ),
            )
            for r in reviews
        ]
        self.app.push_screen(ChoiceScreen("Which review helped?", options), toggle)

    def action_revise(self) -> None:
        sub = self.sub
        if sub is None or self.me not in sub.authors:
            self.notify("Only the authors revise a submission.", severity="warning")
            return
        setup = SubmitSetup(
            work_dir=self.cohort_app.work_dir,
            lessons=[],
            revise=sub.id,
            revise_title=sub.title,
            preselect=tuple(f.path for f in sub.revisions[-1].files),
        )

        def done(op: k.SubmissionCreate | k.SubmissionRevise | None) -> None:
            if op is not None and self.write(op):
                self._rev = None
                self.notify("Revision sent; your reviewers are asked to look again.")

        self.app.push_screen(SubmitScreen(setup), done)


def calibration_report(rubric: Rubric, scores: dict[str, int]) -> Text:
    """My calibration scores beside the reference, criterion by criterion, then the
    reference review's comment (its paragraphs reflowed to the dialog's width)."""
    text = Text(end="")
    for row in rv.calibration_rows(rubric, scores):
        if row.delta is None:
            mark, style = "not scored", "dim"
        elif row.delta == 0:
            mark, style = "= same", palette.OK
        elif row.delta > 0:
            mark, style = f"▲ {row.delta} higher", palette.WARN
        else:
            mark, style = f"▼ {-row.delta} lower", palette.WARN
        text.append_text(member_line(row.criterion, "bold"))
        text.append("\n  yours ", style="dim")
        text.append_text(member_line(row.mine))
        text.append(" · reference ", style="dim")
        text.append_text(member_line(row.reference))
        text.append(" · ")
        text.append(mark + "\n", style=style)
    example = rubric.example
    if example and example.comment:
        text.append("\nThe reference review\n", style="bold")
        paragraphs = [" ".join(p.split()) for p in example.comment.strip().split("\n\n")]
        text.append_text(member_block("\n\n".join(p for p in paragraphs if p)))
    return text

"""What a member does to threads and posts on the discussions screen, each a dialog and
then an op: start a thread, reply (quoting or not), edit, see the edit history, react,
accept an answer, pin, hide. Who may do what comes from the domain
(:mod:`cohort_tui.domain.discussions`, on the rules of :mod:`cohort_tui.domain.permissions`).

| Key | Action |
|---|---|
| n | start a thread |
| r / > | reply / reply quoting the highlighted post |
| + | react to the highlighted post |
| e / h | edit my post / its earlier versions |
| a | mark the highlighted post as the answer |
| p | pin or unpin the thread (facilitator) |
| x | hide (or show again) the highlighted post |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from cohort_tui.domain import discussions as d
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.clock import new_id
from cohort_tui.domain.model import Post, Thread
from cohort_tui.domain.pods import may_post_in_pod
from cohort_tui.domain.queries import handle_of
from cohort_tui.ui.screens.compose import ComposeScreen, ComposeSetup, Draft
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen, TextScreen

if TYPE_CHECKING:
    from cohort_tui.ui.screens.discussions import DiscussionsScreen

REACTIONS: list[tuple[str, str]] = [
    ("👍", "agree / +1"),
    ("🎉", "congrats"),
    ("❤️", "thanks"),
    ("👀", "looking into it"),
    ("🤔", "not sure"),
    ("✅", "works for me"),
]


def _binding(key: str, action: str, label: str, name: str, tip: str, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, id=f"discussions.{name}", tooltip=tip)


BINDINGS = [
    _binding("n", "new_thread", "New", "new", "Start a new thread"),
    _binding("r", "reply", "Reply", "reply", "Reply in the open thread"),
    _binding(
        "greater_than_sign", "quote_reply", "Quote", "quote", "Reply quoting the highlighted post"
    ),
    _binding("plus", "react", "React", "react", "React to the highlighted post"),
    _binding("e", "edit", "Edit", "edit", "Edit my highlighted post", False),
    _binding("h", "history", "History", "history", "Earlier versions of an edited post", False),
    _binding("a", "accept", "Accept", "accept", "Mark the highlighted post as the answer", False),
    _binding("p", "pin", "Pin", "pin", "Pin or unpin the thread (facilitator)", False),
    _binding("x", "hide", "Hide", "hide", "Hide (or show) the highlighted post", False),
]
"""The keys of these actions, declared on the discussions screen."""


def _composer(screen: DiscussionsScreen, heading: str, key: str, **fields: object) -> ComposeScreen:
    state = screen.state
    setup = ComposeSetup(
        heading=heading,
        lessons=[(lesson.title, lesson.id) for lesson in q.ordered_lessons(state)],
        handles=sorted(m.handle for m in state.members.values()),
        drafts=screen.drafts,
        draft_key=key,
        **fields,  # type: ignore[arg-type]
    )
    return ComposeScreen(setup)


def new_thread(
    screen: DiscussionsScreen, *, lesson: str | None, title: str = "", body: str = ""
) -> None:
    """Open the composer for a new thread, optionally anchored to a lesson."""
    state = screen.state
    lesson_obj = state.lessons.get(lesson or "")
    # Filtered to a pod channel I may post in: the new thread goes there.
    shown = screen.thread_list.filter
    pod = state.pods.get(shown.value) if shown.kind == "pod" else None
    if pod is not None and not may_post_in_pod(state, screen.me, pod):
        pod = None
    heading = "New thread" + (f" on {lesson_obj.title}" if lesson_obj else "")
    heading += f" in pod {pod.name}" if pod is not None else ""
    key = "thread-new" + (f".{lesson_obj.id}" if lesson_obj else "")
    key += f".pod.{pod.id}" if pod is not None else ""

    def done(draft: Draft | None) -> None:
        if draft is None:
            return
        thread_id = new_id("t")
        op = k.ThreadCreate(
            thread=thread_id,
            post=new_id("p"),
            title=draft.title,
            body=draft.body,
            lesson=draft.lesson,
            tags=draft.tags,
            pod=pod.id if pod is not None else None,
        )
        if screen.write(op):
            screen.drafts.discard(key)
            screen.open_thread(thread_id)

    composer = _composer(
        screen,
        heading,
        key,
        with_title=True,
        title=title,
        body=body,
        lesson=lesson_obj.id if lesson_obj else None,
    )
    screen.app.push_screen(composer, done)


def open_thread_or_warn(screen: DiscussionsScreen) -> Thread | None:
    """The open thread, or a note to open one first."""
    thread = screen.thread_pane.thread
    if thread is None:
        screen.notify("Open a thread first (Enter).", severity="warning")
    return thread


def highlighted_post(screen: DiscussionsScreen) -> Post | None:
    """The post under the cursor of the open thread (a note when none is open)."""
    if open_thread_or_warn(screen) is None:
        return None
    return screen.thread_pane.highlighted_post


def reply(screen: DiscussionsScreen, *, quote: bool) -> None:
    """Reply in the open thread, quoting the highlighted post when ``quote``."""
    thread = open_thread_or_warn(screen)
    if thread is None:
        return
    quoted = highlighted_post(screen) if quote else None
    if quote and (quoted is None or quoted.hidden is not None):
        screen.notify("Highlight a visible post to quote.", severity="warning")
        return
    key = f"reply.{thread.id}" + (f".{quoted.id}" if quoted else "")
    thread_id = thread.id

    def done(draft: Draft | None) -> None:
        if draft is None:
            return
        post_id = new_id("p")
        op = k.PostCreate(
            post=post_id,
            thread=thread_id,
            body=draft.body,
            reply_to=quoted.id if quoted else None,
        )
        if screen.write(op):
            screen.drafts.discard(key)
            screen.open_thread(thread_id, post=post_id)

    heading = f"Reply: {thread.title}"
    body = d.quote_body(screen.state, quoted) if quoted else ""
    screen.app.push_screen(_composer(screen, heading, key, body=body), done)


def edit(screen: DiscussionsScreen) -> None:
    """Edit my highlighted post."""
    post = highlighted_post(screen)
    if post is None:
        return
    if not d.can_edit(screen.me, post):
        screen.notify("You can edit only your own visible posts.", severity="warning")
        return
    key = f"edit.{post.id}"
    post_id = post.id

    def done(draft: Draft | None) -> None:
        if draft is not None and screen.write(k.PostEdit(post=post_id, body=draft.body)):
            screen.drafts.discard(key)
            screen.thread_pane.fill()

    screen.app.push_screen(_composer(screen, "Edit your post", key, body=post.body), done)


def history(screen: DiscussionsScreen) -> None:
    """The earlier versions of the highlighted post."""
    post = highlighted_post(screen)
    source = screen.thread_pane.source
    if post is None or source is None:
        return
    if not post.edits:
        screen.notify("This post has not been edited.")
        return
    title = f"Edit history: @{handle_of(screen.state, post.author)}"
    screen.app.push_screen(TextScreen(title, source.history(post.id)))


def react(screen: DiscussionsScreen) -> None:
    """React to the highlighted post (choosing a reaction of mine removes it)."""
    post = highlighted_post(screen)
    if post is None:
        return
    if post.hidden is not None:
        screen.notify("That post is hidden.", severity="warning")
        return
    post_id = post.id
    mine = {emoji for emoji, who in post.reactions.items() if screen.me in who}
    options = [
        (
            emoji,
            Text(f"{emoji}  {label}" + ("  (yours: choose to remove)" if emoji in mine else "")),
        )
        for emoji, label in REACTIONS
    ]

    def chosen(emoji: str | None) -> None:
        if emoji is not None:
            screen.write(k.PostReact(post=post_id, emoji=emoji, on=emoji not in mine))

    screen.app.push_screen(ChoiceScreen("React", options), chosen)


def accept(screen: DiscussionsScreen) -> None:
    """Mark the highlighted post as the thread's answer (again: unmark it)."""
    post = highlighted_post(screen)
    thread = screen.thread_pane.thread
    if post is None or thread is None:
        return
    if not d.can_accept(screen.state, screen.me, thread):
        screen.notify(
            "Only the thread's author or a mentor/facilitator marks the answer.",
            severity="warning",
        )
        return
    if post.id == thread.posts[0]:
        screen.notify("The question itself cannot be its answer.", severity="warning")
        return
    accepted = None if thread.answer == post.id else post.id
    if screen.write(k.ThreadAnswer(thread=thread.id, post=accepted)):
        screen.notify("Marked as the answer." if accepted else "Answer mark removed.")


def pin(screen: DiscussionsScreen) -> None:
    """Pin or unpin the open thread."""
    thread = open_thread_or_warn(screen)
    if thread is None:
        return
    if not d.can_pin(screen.state, screen.me):
        screen.notify("Only a facilitator pins threads.", severity="warning")
        return
    if screen.write(k.ThreadPin(thread=thread.id, pinned=not thread.pinned)):
        screen.notify("Unpinned." if thread.pinned else "Pinned to the top of the list.")


def hide(screen: DiscussionsScreen) -> None:
    """Hide the highlighted post with a reason everyone sees (or show it again)."""
    post = highlighted_post(screen)
    if post is None:
        return
    if not d.can_hide(screen.state, screen.me, post):
        screen.notify(
            "You can hide your own posts; mentors and facilitators any post.",
            severity="warning",
        )
        return
    post_id = post.id
    if post.hidden is not None:
        if screen.write(k.PostHide(post=post_id, hidden=False)):
            screen.notify("The post is shown again.")
        return

    def reason_given(reason: str | None) -> None:
        if reason is not None and screen.write(
            k.PostHide(post=post_id, hidden=True, reason=reason.strip())
        ):
            screen.notify("Hidden: it stays in the log and shows collapsed with the reason.")

    prompt = PromptScreen(
        f"Hide this post by @{handle_of(screen.state, post.author)}?",
        placeholder="reason (shown to everyone): off-topic, spoiler, posted twice…",
        max_length=200,
    )
    screen.app.push_screen(prompt, reason_given)

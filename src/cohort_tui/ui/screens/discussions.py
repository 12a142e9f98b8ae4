"""Discussions: the thread list (filters, search) and the open thread (read, write)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from cohort_tui.domain import discussions as d
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.clock import Clock, new_id
from cohort_tui.domain.model import Post, Thread
from cohort_tui.domain.pods import may_post_in_pod
from cohort_tui.domain.sanitize import clean_line
from cohort_tui.store.drafts import Drafts
from cohort_tui.ui.screens.base import CohortScreen
from cohort_tui.ui.screens.compose import ComposeScreen, ComposeSetup, Draft
from cohort_tui.ui.screens.dialogs import ChoiceScreen, PromptScreen, TextScreen
from cohort_tui.ui.screens.faq import FaqScreen  # imported here so idle warm-up parses its CSS
from cohort_tui.ui.text import ago, member_line, plain
from cohort_tui.ui.thread_posts import BodyCache, ThreadPosts
from cohort_tui.ui.widgets.cohort_footer import CohortFooter
from cohort_tui.ui.widgets.cohort_header import CohortHeader
from cohort_tui.ui.widgets.post_view import PostView
from cohort_tui.ui.widgets.row_list import Row, RowList

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


class DiscussionsScreen(CohortScreen):
    """Threads on the left, the open thread on the right."""

    TITLE_TEXT = "Discussions"
    AUTO_FOCUS = "#thread-list"
    DEFAULT_CSS = """
    DiscussionsScreen #disc-body { height: 1fr; }
    DiscussionsScreen #disc-left { width: 2fr; min-width: 30; }
    DiscussionsScreen #thread-list { height: 1fr; }
    DiscussionsScreen #thread-search { height: 3; }
    DiscussionsScreen #disc-right { width: 3fr; }
    DiscussionsScreen #thread-meta {
        height: auto; max-height: 2; padding: 0 1; color: $text-muted;
    }
    DiscussionsScreen #thread-posts { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("n", "new_thread", "New", "new", "Start a new thread"),
        _binding("r", "reply", "Reply", "reply", "Reply in the open thread"),
        _binding(
            "greater_than_sign",
            "quote_reply",
            "Quote",
            "quote",
            "Reply quoting the highlighted post",
        ),
        _binding("plus", "react", "React", "react", "React to the highlighted post"),
        _binding("f", "filter", "Filter", "filter", "Show unread, mine, mentions, a lesson, a tag"),
        _binding("slash", "search", "Search", "search", "Search thread titles and posts"),
        _binding("u", "toggle_unread", "Unread", "unread", "Only threads new to me", False),
        _binding("F", "faq", "FAQ", "faq", "Answered questions by lesson, searchable", False),
        _binding("e", "edit", "Edit", "edit", "Edit my highlighted post", False),
        _binding("h", "history", "History", "history", "Earlier versions of an edited post", False),
        _binding(
            "a", "accept", "Accept", "accept", "Mark the highlighted post as the answer", False
        ),
        _binding("p", "pin", "Pin", "pin", "Pin or unpin the thread (facilitator)", False),
        _binding("x", "hide", "Hide", "hide", "Hide (or show) the highlighted post", False),
        _binding(
            "right_square_bracket", "unread(1)", "Next new", "next_new", "Next new post", False
        ),
        _binding(
            "left_square_bracket", "unread(-1)", "Prev new", "prev_new", "Previous new post", False
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._query = ""
        self._filter = d.ThreadFilter()
        self._open: str | None = None
        self._seen_upto: Clock | None = None
        self._bodies = BodyCache()
        self._index = d.SearchIndex()
        self._source: ThreadPosts | None = None
        self._listed: list[str] = []

    def compose(self) -> ComposeResult:
        yield CohortHeader()
        with Horizontal(id="disc-body"):
            with Vertical(id="disc-left", classes="panel") as left:
                left.border_title = "Threads"
                search = Input(placeholder="search titles and posts", id="thread-search")
                search.display = False
                yield search
                yield RowList(id="thread-list")
            with Vertical(id="disc-right", classes="panel") as right:
                right.border_title = "Thread"
                yield Static(id="thread-meta")
                yield PostView(id="thread-posts")
        yield CohortFooter()

    @property
    def drafts(self) -> Drafts:
        return Drafts(self.cohort_app.replica.root, self.me)

    # -- state -> view -------------------------------------------------------------

    def refresh_view(self) -> None:
        thread = self.state.threads.get(self._open or "")
        if thread is not None and self.is_current:
            self._mark_read(thread)  # new posts in the thread I am reading are read
        self.fill_header()
        self._fill_list()
        self._fill_thread()

    def _visible_threads(self) -> list[Thread]:
        state = self.state
        threads = d.ordered_threads(state, self.me)
        if self._query.strip():
            found = self._index.search(state, self._query)
            threads = [t for t in threads if t.id in found]
        if self._filter.kind != "all":
            threads = [t for t in threads if d.matches(state, self.me, t, self._filter)]
        return threads

    def _row_text(self, thread: Thread) -> Callable[[], Text]:
        """A thread's row, built only when it is drawn (20k threads open instantly)."""

        def build() -> Text:
            state = self.state
            unread = q.unread_count(state, self.me, thread.id)
            lesson = state.lessons.get(thread.lesson or "")
            marks = ("⚑" if thread.pinned else " ") + ("✓" if thread.answer else " ")
            replies = len(thread.posts) - 1
            parts: list[str | tuple[str, str] | Text] = [
                (marks, "green" if thread.answer else ""),
                (f"{'●' + str(unread):>4} " if unread else "     ", "bold yellow"),
                ("⌂ " if thread.pod else "", "italic"),
                member_line(thread.title, "bold" if unread else ""),
                (f" · {replies} repl{'y' if replies == 1 else 'ies'}", "dim"),
                (f" · {ago(thread.last_activity, self.now())}", "dim"),
                (f" · @{clean_line(self._handle(thread.author))}", "dim"),
            ]
            pod = state.pods.get(thread.pod) if thread.pod else None
            if pod is not None:
                parts.append(member_line(f" · ⌂ {pod.name}", "italic", limit=30))
            if lesson is not None:
                parts.append(member_line(f" · {lesson.title}", "dim italic", limit=40))
            if thread.tags:
                parts.append(member_line(" " + " ".join("#" + t for t in thread.tags), "dim"))
            return plain(*parts)

        return build

    def _fill_list(self) -> None:
        listing = self.query_one("#thread-list", RowList)
        threads = self._visible_threads()
        ids = [t.id for t in threads]
        if ids and ids == self._listed:
            listing.redraw()  # same threads in the same order: only counts and times moved
        else:
            self._listed = ids
            rows = [Row(t.id, self._row_text(t)) for t in threads]
            if not rows:
                narrowed = self._query or self._filter.kind != "all"
                message = (
                    "No thread matches." if narrowed else "No threads yet: press n to start one."
                )
                rows.append(Row("none", Text(message, style="italic"), selectable=False))
            listing.set_rows(rows, keep=self._open)
        left = self.query_one("#disc-left")
        left.border_title = Text(f"Threads ({len(ids)})")
        shown = []
        if self._filter.kind != "all":
            shown.append(clean_line(self._filter.label(self.state)))
        if self._query:
            shown.append(f"“{clean_line(self._query)}”")
        left.border_subtitle = Text(" · ".join(shown))  # never markup

    def _fill_thread(self) -> None:
        thread = self.state.threads.get(self._open or "")
        view = self.query_one("#thread-posts", PostView)
        meta = self.query_one("#thread-meta", Static)
        right = self.query_one("#disc-right")
        if thread is None:
            self._source = None
            view.show(None)
            meta.update(Text("Pick a thread and press Enter.", style="italic"))
            right.border_title = "Thread"
            return
        right.border_title = member_line(thread.title)  # a str would be parsed as markup
        self._source = ThreadPosts(
            self.state, self.me, thread, self.now(), self._bodies, seen_upto=self._seen_upto
        )
        view.show(self._source)
        meta.update(self._meta(thread))

    def _meta(self, thread: Thread) -> Text:
        lesson = self.state.lessons.get(thread.lesson or "")
        text = plain(("started by ", "dim"), member_line("@" + self._handle(thread.author)))
        if thread.pinned:
            text.append(" · pinned", style="bold")
        text.append(" · answered" if thread.answer else " · unanswered", style="dim")
        if lesson is not None:
            text.append_text(member_line(f" · lesson: {lesson.title}", "dim italic"))
        if thread.tags:
            text.append_text(member_line(" · " + " ".join("#" + t for t in thread.tags), "dim"))
        new = len(self._source.new_posts()) if self._source else 0
        if new:
            text.append(f" · {new} new (] next)", style="bold yellow")
        return text

    def _handle(self, member_id: str) -> str:
        member = self.state.members.get(member_id)
        return member.handle if member else member_id

    # -- opening and reading ---------------------------------------------------------

    @on(RowList.Selected, "#thread-list")
    def _selected(self, event: RowList.Selected) -> None:
        self.open_thread(event.row_id)

    def open_thread(self, thread_id: str, *, post: str | None = None) -> None:
        """Show a thread at my first new post (or ``post``) and mark it read."""
        thread = self.state.threads.get(thread_id)
        if thread is None:
            self.notify("No such thread.", severity="warning")
            return
        if thread_id != self._open:
            self._seen_upto = self.state.reads.get(self.me, {}).get(thread_id)
        self._open = thread_id
        self.query_one("#thread-list", RowList).highlight(thread_id)
        self._fill_thread()
        view = self.query_one("#thread-posts", PostView)
        target = post or d.first_unread(self.state, self.me, thread) or thread.posts[-1]
        self.call_after_refresh(view.select, target)
        view.focus()
        self._mark_read(thread)

    def _mark_read(self, thread: Thread) -> None:
        newest = self.state.posts[thread.posts[-1]].clock
        marker = self.state.reads.get(self.me, {}).get(thread.id)
        if marker is None or tuple(newest) > tuple(marker):
            # Reading one thread lowers the header's unread total by exactly that thread's
            # count: carry the total over instead of recounting every thread.
            total = self.cohort_app.memo_known("unread")
            here = q.unread_count(self.state, self.me, thread.id)
            if self.write(k.ThreadRead(thread=thread.id, upto=newest)) and isinstance(total, int):
                self.cohort_app.memo_seed("unread", max(0, total - here))

    def open_target(self, kind: str, target_id: str) -> None:
        if kind == "thread":
            self.open_thread(target_id)
        elif kind == "lesson-threads":
            self._filter = d.ThreadFilter("lesson", target_id)
            self._fill_list()
            self.query_one("#thread-list", RowList).focus()
        elif kind == "reply" and target_id in self.state.threads:
            self.open_thread(target_id)
            self._reply(quote=False)
        elif kind == "post" and target_id in self.state.posts:
            self.open_thread(self.state.posts[target_id].thread, post=target_id)

    def key_escape(self) -> None:
        search = self.query_one("#thread-search", Input)
        if search.has_focus or (search.display and not self._query):
            search.value = ""
            search.display = False
        self.query_one("#thread-list", RowList).focus()

    def action_unread(self, step: int) -> None:
        if self._source is None:
            return
        view = self.query_one("#thread-posts", PostView)
        new = self._source.new_posts()
        position = {p: i for i, p in enumerate(view.post_ids)}
        here = view.cursor
        ahead = [p for p in new if (position[p] > here if step > 0 else position[p] < here)]
        if not ahead:
            self.notify("No more new posts here." if new else "Nothing new in this thread.")
            return
        view.select(ahead[0] if step > 0 else ahead[-1])

    # -- list: search and filters ----------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#thread-search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#thread-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._query = event.value
        self._fill_list()

    @on(Input.Submitted, "#thread-search")
    def _search_done(self) -> None:
        self.query_one("#thread-list", RowList).focus()

    def action_faq(self) -> None:
        """The cohort's knowledge base: accepted answers by module and lesson."""
        self.app.push_screen(FaqScreen())

    def action_toggle_unread(self) -> None:
        unread = self._filter.kind != "unread"
        self._set_filter(d.ThreadFilter("unread") if unread else d.ThreadFilter())

    def action_filter(self) -> None:
        choices = d.filter_choices(self.state, self.me)
        keys = {f"{c.kind}:{c.value}": c for c in choices}

        def chosen(key: str | None) -> None:
            if key is not None and key in keys:
                self._set_filter(keys[key])

        options = [(key, member_line(c.label(self.state))) for key, c in keys.items()]
        current = f"{self._filter.kind}:{self._filter.value}"
        self.app.push_screen(ChoiceScreen("Show threads", options, current), chosen)

    def _set_filter(self, chosen: d.ThreadFilter) -> None:
        self._filter = chosen
        self._fill_list()
        self.notify(f"Showing {clean_line(chosen.label(self.state))}.", timeout=2)

    # -- writing ---------------------------------------------------------------------

    def _composer(self, heading: str, key: str, **fields: object) -> ComposeScreen:
        state = self.state
        setup = ComposeSetup(
            heading=heading,
            lessons=[(lesson.title, lesson.id) for lesson in q.ordered_lessons(state)],
            handles=sorted(m.handle for m in state.members.values()),
            drafts=self.drafts,
            draft_key=key,
            **fields,  # type: ignore[arg-type]
        )
        return ComposeScreen(setup)

    def action_new_thread(self) -> None:
        self.start_new_thread(lesson=None)

    def start_new_thread(self, *, lesson: str | None, title: str = "", body: str = "") -> None:
        """Open the composer for a new thread, optionally anchored to a lesson."""
        lesson_obj = self.state.lessons.get(lesson or "")
        # Filtered to a pod channel I may post in: the new thread goes there.
        pod = self.state.pods.get(self._filter.value) if self._filter.kind == "pod" else None
        if pod is not None and not may_post_in_pod(self.state, self.me, pod):
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
            if self.write(op):
                self.drafts.discard(key)
                self.open_thread(thread_id)

        composer = self._composer(
            heading,
            key,
            with_title=True,
            title=title,
            body=body,
            lesson=lesson_obj.id if lesson_obj else None,
        )
        self.app.push_screen(composer, done)

    def _open_thread_or_warn(self) -> Thread | None:
        thread = self.state.threads.get(self._open or "")
        if thread is None:
            self.notify("Open a thread first (Enter).", severity="warning")
        return thread

    def _highlighted_post(self) -> Post | None:
        if self._open_thread_or_warn() is None:
            return None
        post_id = self.query_one("#thread-posts", PostView).highlighted_id
        return self.state.posts.get(post_id or "")

    def action_reply(self) -> None:
        self._reply(quote=False)

    def action_quote_reply(self) -> None:
        self._reply(quote=True)

    def _reply(self, *, quote: bool) -> None:
        thread = self._open_thread_or_warn()
        if thread is None:
            return
        quoted = self._highlighted_post() if quote else None
        if quote and (quoted is None or quoted.hidden is not None):
            self.notify("Highlight a visible post to quote.", severity="warning")
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
            if self.write(op):
                self.drafts.discard(key)
                self.open_thread(thread_id, post=post_id)

        heading = f"Reply: {thread.title}"
        body = d.quote_body(self.state, quoted) if quoted else ""
        self.app.push_screen(self._composer(heading, key, body=body), done)

    def action_edit(self) -> None:
        post = self._highlighted_post()
        if post is None:
            return
        if not d.can_edit(self.me, post):
            self.notify("You can edit only your own visible posts.", severity="warning")
            return
        key = f"edit.{post.id}"
        post_id = post.id

        def done(draft: Draft | None) -> None:
            if draft is not None and self.write(k.PostEdit(post=post_id, body=draft.body)):
                self.drafts.discard(key)
                self._fill_thread()

        self.app.push_screen(self._composer("Edit your post", key, body=post.body), done)

    def action_history(self) -> None:
        post = self._highlighted_post()
        if post is None or self._source is None:
            return
        if not post.edits:
            self.notify("This post has not been edited.")
            return
        title = f"Edit history: @{self._handle(post.author)}"
        self.app.push_screen(TextScreen(title, self._source.history(post.id)))

    def action_react(self) -> None:
        post = self._highlighted_post()
        if post is None:
            return
        if post.hidden is not None:
            self.notify("That post is hidden.", severity="warning")
            return
        post_id = post.id
        mine = {emoji for emoji, who in post.reactions.items() if self.me in who}
        options = [
            (
                emoji,
                Text(
                    f"{emoji}  {label}" + ("  (yours: choose to remove)" if emoji in mine else "")
                ),
            )
            for emoji, label in REACTIONS
        ]

        def chosen(emoji: str | None) -> None:
            if emoji is not None:
                self.write(k.PostReact(post=post_id, emoji=emoji, on=emoji not in mine))

        self.app.push_screen(ChoiceScreen("React", options), chosen)

    def action_accept(self) -> None:
        post = self._highlighted_post()
        thread = self.state.threads.get(self._open or "")
        if post is None or thread is None:
            return
        if not d.can_accept(self.state, self.me, thread):
            self.notify(
                "Only the thread's author or a mentor/facilitator marks the answer.",
                severity="warning",
            )
            return
        if post.id == thread.posts[0]:
            self.notify("The question itself cannot be its answer.", severity="warning")
            return
        accepted = None if thread.answer == post.id else post.id
        if self.write(k.ThreadAnswer(thread=thread.id, post=accepted)):
            self.notify("Marked as the answer." if accepted else "Answer mark removed.")

    def action_pin(self) -> None:
        thread = self._open_thread_or_warn()
        if thread is None:
            return
        if not d.can_pin(self.state, self.me):
            self.notify("Only a facilitator pins threads.", severity="warning")
            return
        if self.write(k.ThreadPin(thread=thread.id, pinned=not thread.pinned)):
            self.notify("Unpinned." if thread.pinned else "Pinned to the top of the list.")

    def action_hide(self) -> None:
        post = self._highlighted_post()
        if post is None:
            return
        if not d.can_hide(self.state, self.me, post):
            self.notify(
                "You can hide your own posts; mentors and facilitators any post.",
                severity="warning",
            )
            return
        post_id = post.id
        if post.hidden is not None:
            if self.write(k.PostHide(post=post_id, hidden=False)):
                self.notify("The post is shown again.")
            return

        def reason_given(reason: str | None) -> None:
            if reason is not None and self.write(
                k.PostHide(post=post_id, hidden=True, reason=reason.strip())
            ):
                self.notify("Hidden: it stays in the log and shows collapsed with the reason.")

        prompt = PromptScreen(
            f"Hide this post by @{self._handle(post.author)}?",
            placeholder="reason (shown to everyone): off-topic, spoiler, posted twice…",
            max_length=200,
        )
        self.app.push_screen(prompt, reason_given)

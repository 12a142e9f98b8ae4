"""Toasts for posts that concern me: a reply in my thread, or a mention of me."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import Op
from cohort_tui.domain.queries import mention_pattern
from cohort_tui.domain.sanitize import clean_line, truncate

if TYPE_CHECKING:
    from cohort_tui.ui.app import CohortApp


def announce(app: CohortApp, ops: list[Op]) -> None:
    """Toast each new post, from someone else, that mentions me or answers my thread."""
    state, me = app.replica.state, app.member_id
    member = state.members.get(me)
    if member is None:
        return
    mentions = mention_pattern(member.handle)
    for op in ops:
        if op.author == me or not isinstance(op.data, (k.PostCreate, k.ThreadCreate)):
            continue
        post = state.posts.get(op.data.post)
        thread = state.threads.get(op.data.thread)
        if post is None or thread is None or post.hidden is not None:
            continue
        author = state.members.get(op.author)
        who = "@" + clean_line(author.handle if author else op.author)
        title = truncate(clean_line(thread.title), 50)
        if mentions.search(post.body):
            app.notify(f"{who} mentioned you in “{title}”", title="Mention", timeout=8)
        elif thread.author == me and isinstance(op.data, k.PostCreate):
            app.notify(f"{who} replied in your thread “{title}”", title="Reply", timeout=8)

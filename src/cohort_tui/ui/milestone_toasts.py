"""Toasts for a shoutout to me and for a badge I just earned."""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.badges import badges_for
from cohort_tui.domain.ops import Op
from cohort_tui.domain.sanitize import clean_line, truncate

if TYPE_CHECKING:
    from cohort_tui.ui.app import CohortApp

CANNOT_EARN_ME_A_BADGE = frozenset(
    {
        k.PostCreate.KIND,
        k.ThreadCreate.KIND,
        k.ThreadRead.KIND,
        k.PostReact.KIND,
        k.PostEdit.KIND,
        k.ThreadPin.KIND,
        k.ThreadUpdate.KIND,
    }
)
"""Kinds that, written by someone else, change none of my badges (see ``badges_for``)."""

_known: WeakKeyDictionary[CohortApp, set[str]] = WeakKeyDictionary()
"""Per app, the badge ids the acting member held last time (the first call only looks)."""


def announce(app: CohortApp, ops: list[Op]) -> None:
    state, me = app.replica.state, app.member_id
    for op in ops:
        if isinstance(op.data, k.ShoutoutCreate) and op.data.to == me and op.author != me:
            author = state.members.get(op.author)
            who = "@" + clean_line(author.handle if author else op.author)
            message = truncate(clean_line(op.data.message), 80)
            app.notify(f"{who} thanked you: {message}", title="Shoutout", timeout=8)
    if (
        app in _known
        and ops
        and all(op.author != me and op.kind in CANNOT_EARN_ME_A_BADGE for op in ops)
    ):
        return  # other members' posts and markers: no badge of mine changed (a scan of
        # every post per batch, at 5 posts/s, was a fifth of a busy pane's work)
    earned = badges_for(state, me)  # everything in the state, whatever the clock says
    ids = {badge.id for badge in earned}
    known = _known.get(app)
    _known[app] = ids
    if known is None:
        return
    for badge in earned:
        if badge.id not in known:
            app.notify(f"★ {badge.title}: {badge.description}", title="Badge earned", timeout=8)

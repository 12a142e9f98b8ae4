"""The compact fold the server checks permissions against.

The rules in :mod:`permissions` only ask who is a member, with which roles, and who
created a thread, post, submission or review. :class:`PermissionView` folds those facts
and nothing else, so a cohort of 100k ops costs a few megabytes, not the hundreds a full
:class:`~cohort_tui.domain.model.State` takes. It follows the same rules as the full
fold for membership and roles (member adds, role changes with the last-facilitator rule,
the founder), so role checks give the same answer.

Creators are kept the way the fold keeps them in every normal history: the first op
that creates an id (and passes :func:`role_problem`) names its creator. The full fold
also drops a create that fails a reducer check (an unknown lesson, say); the view does
not replay those reducers, so for such an id it still knows the creator where the full
view would know nothing. That only matters for ops that edit an entity no replica has,
which every replica's fold refuses anyway.

A push is checked op by op against the view with the batch's earlier ops applied
(:meth:`PermissionView.tentative`), then the view takes the stored order back from
storage: what several servers wrote to one database, in the database's order.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import Clock
from cohort_tui.domain.ops import Op
from cohort_tui.domain.permissions import role_problem


class MemberFacts:
    """A member as far as permissions go."""

    __slots__ = ("handle", "id", "roles")

    def __init__(self, member_id: str, handle: str, roles: tuple[str, ...]) -> None:
        self.id = member_id
        self.handle = handle
        self.roles = roles


class Creator:
    """Who created an entity; one object per member, shared by all it created."""

    __slots__ = ("author",)

    def __init__(self, author: str) -> None:
        self.author = author


class SubmissionFacts:
    """Who submitted, and as which team (a team's members may revise and reply)."""

    __slots__ = ("author", "team")

    authors: tuple[str, ...] = ()
    """The full fold's credited members; the view asks the team's history instead."""

    def __init__(self, author: str, team: str | None) -> None:
        self.author = author
        self.team = team


class TeamMember:
    """One entry of a team's history: a member who was in it or invited to it."""

    __slots__ = ("member",)

    def __init__(self, member: str) -> None:
        self.member = member


class TeamFacts:
    """Everyone ever in a team or invited to it (the rules are lenient on purpose)."""

    __slots__ = ("history",)

    def __init__(self, history: tuple[TeamMember, ...]) -> None:
        self.history = history


class ReviewFacts:
    """Who wrote a review, about which submission."""

    __slots__ = ("reviewer", "submission")

    def __init__(self, reviewer: str, submission: str) -> None:
        self.reviewer = reviewer
        self.submission = submission


Undo = Callable[[], None]
_MISSING = object()


class PermissionView:
    """Membership, roles and creators of one cohort, folded in storage order."""

    def __init__(self) -> None:
        self.cohort: str | None = None
        """The cohort's id once ``cohort.create`` was folded."""
        self.members: dict[str, MemberFacts] = {}
        self.threads: dict[str, Creator] = {}
        self.posts: dict[str, Creator] = {}
        self.submissions: dict[str, SubmissionFacts] = {}
        self.teams: dict[str, TeamFacts] = {}
        self.chat_messages: dict[str, Creator] = {}
        self.reviews: dict[str, ReviewFacts] = {}
        self.max_clock: Clock | None = None
        """The newest clock among the ops that changed a fact, so an op the server writes
        (a join's ``member.add``) sorts after every membership and role change it knows.
        Other ops' clocks are not read: they never decide a permission, and skipping them
        is what makes a rebuild cheap."""
        self.seq = 0
        """The storage cursor of the last op folded in."""
        self._creators: dict[str, Creator] = {}
        self._journal: list[Undo] | None = None
        """While tentative: how to undo each change made since."""

    # -- what the rules read ------------------------------------------------------------

    def has_role(self, member_id: str, *roles: str) -> bool:
        """Whether the member holds any of ``roles``."""
        member = self.members.get(member_id)
        return member is not None and any(role in member.roles for role in roles)

    def problem(self, op: Op) -> str | None:
        """Why the server refuses ``op``; None to accept it."""
        return role_problem(self, op)

    def size(self) -> int:
        """How many facts the view holds (what its memory grows with).

        Safe to ask while a worker thread folds into the view (the server sums every
        view's size): the teams are copied in one step before they are counted."""
        return (
            len(self.members)
            + len(self.threads)
            + len(self.posts)
            + len(self.submissions)
            + len(self.chat_messages)
            + sum(len(team.history) for team in list(self.teams.values()))
            + len(self.reviews)
        )

    # -- folding ----------------------------------------------------------------------

    def apply(self, op: Op) -> None:
        """Fold ``op`` in (arrival order is the server's order)."""
        handler = _HANDLERS.get(op.kind)
        if handler is None or not isinstance(op.data, k.Data):
            return  # no permission fact, an unknown kind, or data that failed its schema
        if self.max_clock is None or op.clock > self.max_clock:
            self._set_attr("max_clock", op.clock)
        if role_problem(self, op) is None:
            handler(self, op, op.data)

    @contextlib.contextmanager
    def tentative(self) -> Iterator[None]:
        """Changes made inside are undone on leaving (a push checks its batch with its
        earlier ops applied, then takes the stored order from storage)."""
        journal: list[Undo] = []
        self._journal = journal
        try:
            yield
        finally:
            self._journal = None
            for undo in reversed(journal):
                undo()

    # -- changes, journalled while tentative ----------------------------------------------

    def _set_attr(self, name: str, value: object) -> None:
        if self._journal is not None:
            old = getattr(self, name)
            self._journal.append(lambda: setattr(self, name, old))
        setattr(self, name, value)

    def _put(self, table: dict[str, Any], key: str, value: object) -> None:
        if self._journal is not None:
            old = table.get(key, _MISSING)
            if old is _MISSING:
                self._journal.append(lambda: table.pop(key, None))
            else:
                self._journal.append(lambda: table.__setitem__(key, old))
        table[key] = value

    def _set_roles(self, member: MemberFacts, roles: tuple[str, ...]) -> None:
        if self._journal is not None:
            old = member.roles
            self._journal.append(lambda: setattr(member, "roles", old))
        member.roles = roles

    def _claim(self, table: dict[str, Creator], entity: str, author: str) -> None:
        """The first create of an id names its creator; later ones change nothing."""
        if entity not in table:
            creator = self._creators.get(author)
            if creator is None:
                creator = self._creators[author] = Creator(author)
            self._put(table, entity, creator)


def _cohort_create(view: PermissionView, op: Op, d: k.CohortCreate) -> None:
    view._set_attr("cohort", d.cohort)
    view._put(view.members, op.author, MemberFacts(op.author, d.handle, ("facilitator",)))


def _member_add(view: PermissionView, op: Op, d: k.MemberAdd) -> None:
    if d.member in view.members or any(m.handle == d.handle for m in view.members.values()):
        return  # the fold refuses it: the member or the handle exists
    roles = tuple(sorted(set(d.roles))) or ("learner",)
    view._put(view.members, d.member, MemberFacts(d.member, d.handle, roles))


def _member_roles(view: PermissionView, op: Op, d: k.MemberRoles) -> None:
    member = view.members.get(d.member)
    if member is None:
        return
    roles = tuple(sorted(set(d.roles)))
    if (
        "facilitator" not in roles
        and "facilitator" in member.roles
        and not any("facilitator" in m.roles for m in view.members.values() if m is not member)
    ):
        return  # the cohort keeps at least one facilitator
    view._set_roles(member, roles)


def _thread_create(view: PermissionView, op: Op, d: k.ThreadCreate) -> None:
    if d.thread in view.threads or d.post in view.posts:
        return  # the fold refuses the whole op
    view._claim(view.threads, d.thread, op.author)
    view._claim(view.posts, d.post, op.author)


def _post_create(view: PermissionView, op: Op, d: k.PostCreate) -> None:
    view._claim(view.posts, d.post, op.author)


def _submission_create(view: PermissionView, op: Op, d: k.SubmissionCreate) -> None:
    if d.submission not in view.submissions:
        view._put(view.submissions, d.submission, SubmissionFacts(op.author, d.team))


def _add_to_team(view: PermissionView, team_id: str, members: list[str]) -> None:
    """Record ``members`` in the team's history (a new tuple: undone with the put)."""
    team = view.teams.get(team_id)
    known = {m.member for m in team.history} if team else set()
    new = tuple(TeamMember(m) for m in dict.fromkeys(members) if m not in known)
    if new:
        view._put(view.teams, team_id, TeamFacts((team.history if team else ()) + new))


def _team_create(view: PermissionView, op: Op, d: k.TeamCreate) -> None:
    if d.team not in view.teams:
        # As the fold: a facilitator places the listed members; a learner is the first.
        placing = view.has_role(op.author, "facilitator")
        _add_to_team(view, d.team, list(d.members) if placing else [op.author, *d.members])


def _team_accept(view: PermissionView, op: Op, d: k.TeamAccept) -> None:
    if d.team in view.teams:
        _add_to_team(view, d.team, [op.author])


def _team_set(view: PermissionView, op: Op, d: k.TeamSet) -> None:
    if d.team in view.teams and d.members:
        _add_to_team(view, d.team, d.members)


def _chat_send(view: PermissionView, op: Op, d: k.ChatSend) -> None:
    view._claim(view.chat_messages, d.message, op.author)


def _review_submit(view: PermissionView, op: Op, d: k.ReviewSubmit) -> None:
    if d.review not in view.reviews:
        view._put(view.reviews, d.review, ReviewFacts(op.author, d.submission))


_HANDLERS: dict[str, Callable[[PermissionView, Op, Any], None]] = {
    k.CohortCreate.KIND: _cohort_create,
    k.MemberAdd.KIND: _member_add,
    k.MemberRoles.KIND: _member_roles,
    k.ThreadCreate.KIND: _thread_create,
    k.PostCreate.KIND: _post_create,
    k.SubmissionCreate.KIND: _submission_create,
    k.ChatSend.KIND: _chat_send,
    k.TeamCreate.KIND: _team_create,
    k.TeamAccept.KIND: _team_accept,
    k.TeamSet.KIND: _team_set,
    k.ReviewSubmit.KIND: _review_submit,
}
"""The op kinds that change a permission fact; every other kind only moves the clock."""
FACT_KINDS = frozenset(_HANDLERS)
"""Kinds whose ops change a permission fact."""

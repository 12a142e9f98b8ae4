"""Who may write which op: the role and ownership rules, shared by the fold and the server.

The fold (:mod:`reduce`) asks :func:`role_problem` before applying an op and the sync
server asks it again before storing a pushed op, so both refuse the same things with the
same words. The rules here depend only on membership, roles and who created an entity
(authors never change once an entity exists). Rules that depend on fold-order details
(review assignments, whether an id is taken) stay in the reducers, so a server that sees
ops in arrival order never refuses an op every replica's fold would accept.

The rules read their facts through :class:`Facts`, which the fold's :class:`State`
satisfies as it is, and so does the server's compact
:class:`~cohort_tui.domain.permission_view.PermissionView` (membership, roles and who
created what, without the rest of the state).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import Op

STAFF = ("facilitator",)
"""Roles that run the cohort."""
CURRICULUM_ROLES = ("facilitator", "curator")
"""Roles that may change the curriculum and milestones."""
MODERATORS = ("facilitator", "mentor")
"""Roles that may moderate discussions and reviews."""
FIGURE_READERS = MODERATORS
"""Roles that see the whole cohort's figures: the milestone grid, the metrics and every
member's reviewer figures (a member always sees their own)."""


class Authored(Protocol):
    """Anything whose creator the rules ask about (a thread, a post, a submission)."""

    @property
    def author(self) -> str: ...


class Submitted(Protocol):
    """What the rules ask of a submission: who submitted it, for whom, as which team."""

    @property
    def author(self) -> str: ...

    @property
    def authors(self) -> Sequence[str]:
        """Everyone credited (a team's members); empty for a solo submission."""
        ...

    @property
    def team(self) -> str | None: ...


class TeamChange(Protocol):
    """One entry of a team's history: who joined, was invited or left."""

    @property
    def member(self) -> str: ...


class TeamFacts(Protocol):
    """What the rules ask of a team: everyone ever in it or invited to it."""

    @property
    def history(self) -> Sequence[TeamChange]: ...


class Reviewed(Protocol):
    """What the rules ask of a review: who wrote it, about which submission."""

    @property
    def reviewer(self) -> str: ...

    @property
    def submission(self) -> str: ...


class Facts(Protocol):
    """What the rules read: everything else in a cohort's state is irrelevant to them."""

    @property
    def cohort(self) -> object | None:
        """Set once the cohort was created."""
        ...

    @property
    def members(self) -> Mapping[str, object]: ...

    @property
    def threads(self) -> Mapping[str, Authored]: ...

    @property
    def posts(self) -> Mapping[str, Authored]: ...

    @property
    def submissions(self) -> Mapping[str, Submitted]: ...

    @property
    def teams(self) -> Mapping[str, TeamFacts]: ...

    @property
    def chat_messages(self) -> Mapping[str, Authored]: ...

    @property
    def reviews(self) -> Mapping[str, Reviewed]: ...

    def has_role(self, member_id: str, *roles: str) -> bool: ...


Rule = Callable[[Facts, Op, Any], "str | None"]


def _needs(roles: tuple[str, ...], reason: str) -> Rule:
    def rule(state: Facts, op: Op, data: Any) -> str | None:
        return None if state.has_role(op.author, *roles) else reason

    return rule


def _owner_or(
    owner: Callable[[Facts, Any], str | None], roles: tuple[str, ...], reason: str
) -> Rule:
    """The entity's author, or (when ``roles``) a member holding one of them.

    An entity this state does not know yet is not a permission problem: the reducer
    reports it, and a server that has not seen it yet accepts the op.
    """

    def rule(state: Facts, op: Op, data: Any) -> str | None:
        who = owner(state, data)
        if who is None or who == op.author or (roles and state.has_role(op.author, *roles)):
            return None
        return reason

    return rule


def _thread_author(state: Facts, d: Any) -> str | None:
    thread = state.threads.get(d.thread)
    return thread.author if thread else None


def _post_author(state: Facts, d: Any) -> str | None:
    post = state.posts.get(d.post)
    return post.author if post else None


def _submission_author(state: Facts, d: Any) -> str | None:
    sub = state.submissions.get(d.submission)
    return sub.author if sub else None


def _ever_in_team(state: Facts, member: str, team_id: str | None) -> bool:
    """Whether ``member`` is, was or is invited to be in the team (by its history).

    Lenient on purpose: the server checks against its newest state, and a member who
    left after revising offline must not be refused there; the fold checks membership
    at the op's own place in the order.
    """
    team = state.teams.get(team_id) if team_id else None
    return team is not None and any(c.member == member for c in team.history)


def _submission_reviser(state: Facts, op: Op, d: k.SubmissionRevise) -> str | None:
    sub = state.submissions.get(d.submission)
    if sub is None or op.author in (sub.author, *sub.authors):
        return None
    if _ever_in_team(state, op.author, sub.team):
        return None
    return "only the author or the team may revise a submission"


def _chat_author(state: Facts, d: Any) -> str | None:
    message = state.chat_messages.get(d.message)
    return message.author if message else None


def _cohort_create(state: Facts, op: Op, d: k.CohortCreate) -> str | None:
    return "the cohort already exists" if state.cohort is not None else None


def _member_update(state: Facts, op: Op, d: k.MemberUpdate) -> str | None:
    if op.author == d.member or state.has_role(op.author, *STAFF):
        return None
    return "only the member or a facilitator may edit a profile"


def _not_own_submission(state: Facts, op: Op, d: Any) -> str | None:
    if getattr(d, "calibration", False):
        return None
    if _submission_author(state, d) == op.author:
        return "you cannot review your own submission"
    return None


def _review_reply(state: Facts, op: Op, d: k.ReviewReply) -> str | None:
    review = state.reviews.get(d.review)
    if review is None:
        return None
    sub = state.submissions.get(review.submission)
    involved = op.author == review.reviewer or (
        sub is not None
        and (op.author in (sub.author, *sub.authors) or _ever_in_team(state, op.author, sub.team))
    )
    if involved or state.has_role(op.author, *MODERATORS):
        return None
    return "only the author, the reviewer or a mentor may reply"


def _review_helpful(state: Facts, op: Op, d: k.ReviewHelpful) -> str | None:
    review = state.reviews.get(d.review)
    sub = state.submissions.get(review.submission) if review else None
    if sub is None or op.author in (sub.author, *sub.authors):
        return None
    if _ever_in_team(state, op.author, sub.team):
        return None
    return "only the submission's authors may mark a review helpful"


_CURRICULUM = "only a curator or facilitator may change the curriculum"

ROLE_RULES: dict[str, tuple[tuple[str, ...], str]] = {
    k.CohortUpdate.KIND: (STAFF, "only a facilitator may change the cohort"),
    k.MemberAdd.KIND: (STAFF, "only a facilitator may add members"),
    k.MemberRoles.KIND: (STAFF, "only a facilitator may assign roles"),
    k.RotationSet.KIND: (STAFF, "only a facilitator may set the rotation"),
    k.CurriculumSet.KIND: (CURRICULUM_ROLES, _CURRICULUM),
    k.ModuleUpsert.KIND: (CURRICULUM_ROLES, _CURRICULUM),
    k.LessonUpsert.KIND: (CURRICULUM_ROLES, _CURRICULUM),
    k.RubricUpsert.KIND: (CURRICULUM_ROLES, _CURRICULUM),
    k.ThreadPin.KIND: (STAFF, "only a facilitator may pin threads"),
    k.MilestoneUpsert.KIND: (
        CURRICULUM_ROLES,
        "only a facilitator or curator may change milestones",
    ),
    k.MilestoneExtend.KIND: (STAFF, "only a facilitator may extend a due date"),
    k.SessionUpsert.KIND: (STAFF, "only a facilitator may schedule sessions"),
    k.SessionNotes.KIND: (MODERATORS, "only a mentor or facilitator may attach session notes"),
    k.TeamSet.KIND: (STAFF, "only a facilitator may change a team"),
    k.PodCreate.KIND: (STAFF, "only a facilitator may form pods"),
    k.PodUpdate.KIND: (STAFF, "only a facilitator may change a pod"),
    k.PodRotate.KIND: (STAFF, "only a facilitator may rotate pods"),
    k.ShowcaseFeature.KIND: (STAFF, "only a facilitator may feature showcase entries"),
}
"""Op kind -> the roles its author needs (any one of them) and the refusal, for the kinds
whose rule is a role alone: screens ask :func:`may_write` before offering the action."""

RULES: dict[str, Rule] = {
    **{kind: _needs(roles, reason) for kind, (roles, reason) in ROLE_RULES.items()},
    k.CohortCreate.KIND: _cohort_create,
    k.MemberUpdate.KIND: _member_update,
    k.ThreadUpdate.KIND: _owner_or(
        _thread_author, MODERATORS, "only the thread's author or a moderator may edit it"
    ),
    k.PostEdit.KIND: _owner_or(_post_author, (), "only the author may edit a post"),
    k.PostHide.KIND: _owner_or(
        _post_author, MODERATORS, "only the author or a mentor or facilitator may hide a post"
    ),
    k.ThreadAnswer.KIND: _owner_or(
        _thread_author,
        MODERATORS,
        "only the thread's author, a mentor or a facilitator may accept an answer",
    ),
    k.SubmissionRevise.KIND: _submission_reviser,
    k.ReviewClaim.KIND: _not_own_submission,
    k.ReviewSubmit.KIND: _not_own_submission,
    k.ReviewReply.KIND: _review_reply,
    k.ReviewHelpful.KIND: _review_helpful,
    k.ChatHide.KIND: _owner_or(
        _chat_author, MODERATORS, "only the author or a mentor or facilitator may hide a message"
    ),
}
"""Op kind -> the rule its author must pass; kinds not listed only need membership."""


def role_problem(state: Facts, op: Op) -> str | None:
    """Why ``op``'s author may not write it given ``state``, or None when allowed.

    Unknown kinds (from a newer client) only need a member as author.
    """
    if op.kind != k.CohortCreate.KIND and op.author not in state.members:
        return "author is not a member of the cohort"
    rule = RULES.get(op.kind)
    if rule is None or not isinstance(op.data, k.Data):
        return None
    return rule(state, op, op.data)


class ReviewedSubmission(Submitted, Protocol):
    """A submission with the reviews written of it (their ids)."""

    @property
    def reviews(self) -> Sequence[str]: ...


def credited(sub: Submitted, member: str) -> bool:
    """Whether the submission is ``member``'s work (one of its credited authors): who
    revises it, marks its reviews helpful, and may not review it. Screens ask this to
    show or hide those keys; the fold's rules above stay more lenient for ops that
    arrive late (a team member who has since left)."""
    return member in sub.authors


def may_reply_on(state: Facts, member: str, sub: ReviewedSubmission) -> bool:
    """Whether ``member`` takes part in the review talk of ``sub`` as a screen offers
    it: an author, one of its reviewers, or a moderator (:func:`_review_reply` decides
    each reply op)."""
    return (
        credited(sub, member)
        or any(state.reviews[r].reviewer == member for r in sub.reviews)
        or state.has_role(member, *MODERATORS)
    )


def may_write(state: Facts, member: str, kind: str) -> bool:
    """Whether ``member`` holds a role :data:`ROLE_RULES` asks of ``kind`` (True for a
    kind with no role rule): what a screen asks before it offers an action."""
    needed = ROLE_RULES.get(kind)
    return needed is None or state.has_role(member, *needed[0])


def sees_figures(state: Facts, member: str) -> bool:
    """Whether ``member`` sees the whole cohort's figures (:data:`FIGURE_READERS`)."""
    return state.has_role(member, *FIGURE_READERS)

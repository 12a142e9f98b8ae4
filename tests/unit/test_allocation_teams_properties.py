"""Reviewer allocation with teams and pods: never a team member or invitee, least loaded
first, fewest past pairings with the team, the pod preference only among equals, and the
same answer from the same ops in any order."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.allocation import open_load, qualification
from cohort_tui.domain.model import State, Submission
from cohort_tui.domain.ops import Op
from cohort_tui.domain.pods import pod_index
from cohort_tui.domain.reduce import apply_op, fold_ops
from tests.factories import OpMaker

LESSON = "proj"


@st.composite
def team_histories(draw: st.DrawFn) -> list[Op]:
    """A cohort with a team project, random pods, teams (some invitations pending),
    the pod preference, and a stream of team and solo submissions and reviews."""
    m = OpMaker()
    size = draw(st.integers(3, 12))
    team_size = draw(st.integers(2, 4))
    ops = [
        m.op("m_0", k.CohortCreate(cohort="c", name="C", handle="u0", display_name="U0")),
        m.op("m_0", k.ModuleUpsert(module="mod", title="M")),
        m.op(
            "m_0",
            k.LessonUpsert(
                lesson=LESSON,
                module="mod",
                title="P",
                project=k.Project(
                    title="Build", reviewers=draw(st.integers(1, 3)), team_size=team_size
                ),
            ),
        ),
    ]
    preference = draw(st.sampled_from(["any", "same", "other"]))
    ops.append(m.op("m_0", k.CohortUpdate(settings=k.Settings(review_pods=preference))))  # type: ignore[arg-type]
    members = [f"m_{i}" for i in range(1, size + 1)]
    for i, mid in enumerate(members, start=1):
        roles: list[k.Role] = draw(
            st.sampled_from([["learner"], ["learner", "reviewer"], ["mentor"]])
        )
        ops.append(
            m.op("m_0", k.MemberAdd(member=mid, handle=f"u{i}", display_name=f"U{i}", roles=roles))
        )
    shuffled = draw(st.permutations(members))
    for n, start in enumerate(range(0, len(shuffled), 3)):
        ops.append(
            m.op(
                "m_0",
                k.PodCreate(pod=f"p{n}", name=f"P{n}", members=list(shuffled[start : start + 3])),
            )
        )
    state = fold_ops(ops)
    teams: list[str] = []
    subs: list[str] = []
    for n in range(draw(st.integers(1, 30))):
        action = draw(st.integers(0, 9))
        author = draw(st.sampled_from(members))
        data: k.Data
        if action <= 2:
            others = draw(st.lists(st.sampled_from(members), max_size=team_size))
            data = k.TeamCreate(team=f"t{n}", lesson=LESSON, name=f"T{n}", members=others)
            teams.append(f"t{n}")
        elif action == 3 and teams:
            data = k.TeamAccept(team=draw(st.sampled_from(teams)))
        elif action <= 6:
            team = next(
                (t for t in state.teams.values() if author in t.members and t.submission is None),
                None,
            )
            data = k.SubmissionCreate(
                submission=f"s{n}",
                lesson=LESSON,
                title="t",
                revision=k.RevisionData(revision=f"s{n}r", diff="+x"),
                team=team.id if team else None,
            )
            subs.append(f"s{n}")
        elif subs:
            sub = state.submissions.get(draw(st.sampled_from(subs)))
            active = [a.reviewer for a in sub.assignments if a.active] if sub else []
            if sub is None or not active:
                continue
            author = draw(st.sampled_from(active))
            data = k.ReviewSubmit(
                review=f"v{n}", submission=sub.id, revision=sub.revisions[-1].id, verdict="approve"
            )
        else:
            continue
        op = m.op(author, data)
        ops.append(op)
        apply_op(state, op)
    return ops


def _barred(state: State, sub: Submission) -> set[str]:
    team = state.teams.get(sub.team) if sub.team else None
    return {sub.author, *sub.authors, *(team.invited if team else ())}


def _key(
    state: State,
    sub: Submission,
    member: str,
    load: dict[str, int],
    pairs: dict[str, dict[str, int]],
    pods: dict[str, str],
    author_pods: set[str],
    preference: str,
) -> tuple[int, int, int, int]:
    """What allocation orders by (the tiebreak hash aside), as it stood before."""
    rank = 0
    if preference != "any":
        mine = pods.get(member)
        fits = mine is not None and (mine in author_pods) == (preference == "same")
        rank = 0 if fits else 1
    paired = sum(pairs.get(a, {}).get(member, 0) for a in sub.authors)
    return (load.get(member, 0), rank, -qualification(state, member, sub.lesson), paired)


@settings(max_examples=150, deadline=None)
@given(team_histories())
def test_team_allocations_are_fair_and_never_inside_the_team(ops: list[Op]) -> None:
    state = State()
    for op in ops:
        if not isinstance(op.data, k.SubmissionCreate):
            apply_op(state, op)
            continue
        before_load = dict(state.review_load)
        before_pairs = {a: dict(p) for a, p in state.review_pairs.items()}
        pods = pod_index(state)
        preference = state.cohort.review_pods if state.cohort else "any"
        apply_op(state, op)
        sub = state.submissions.get(op.data.submission)
        if sub is None:
            continue
        chosen = [a.reviewer for a in sub.assignments]
        barred = _barred(state, sub)
        assert not barred & set(chosen)
        assert len(set(chosen)) == len(chosen)
        eligible = [m for m in state.members if m not in barred]
        qualified = [m for m in eligible if qualification(state, m, sub.lesson) > 0]
        pool = qualified if len(qualified) >= len(chosen) else eligible
        assert len(chosen) == min(len(eligible), len(chosen)) and set(chosen) <= set(pool)
        author_pods = {pods[a] for a in sub.authors if a in pods}
        keys = {
            m: _key(state, sub, m, before_load, before_pairs, pods, author_pods, preference)
            for m in pool
        }
        for c in chosen:
            for other in set(pool) - set(chosen):
                assert keys[c] <= keys[other], (c, other)
    assert state.review_load == open_load(state)


@settings(max_examples=80, deadline=None)
@given(team_histories(), st.randoms(use_true_random=False))
def test_teams_fold_the_same_in_any_order(ops: list[Op], rnd: random.Random) -> None:
    state = fold_ops(ops)
    shuffled = ops + ops[: len(ops) // 3]
    rnd.shuffle(shuffled)
    again = fold_ops(shuffled)
    assert again.teams == state.teams and again.pods == state.pods
    assert again.submissions == state.submissions
    assert again.review_pairs == state.review_pairs

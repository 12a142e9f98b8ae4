"""Reviewer allocation: never the author, fair load, qualified first, few repeated pairs,
and the same answer from the same state."""

from __future__ import annotations

import copy
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.allocation import choose_reviewers, open_load, pair_counts, qualification
from cohort_tui.domain.model import DAY_MS, State, Submission
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import active_assignment, apply_op, fold_ops, reviewers_wanted
from cohort_tui.domain.review_upkeep import may_reassign, stale_assignments, stale_for
from tests.factories import OpMaker

LESSON = "proj"
REVIEWER: list[k.Role] = ["reviewer"]
LEARNER: list[k.Role] = ["learner"]


def _cohort(m: OpMaker, roles: list[list[k.Role]], done: list[bool], wanted: int) -> list[Op]:
    """A facilitator (m_0) plus members m_1.. with the given roles and lesson progress."""
    ops = [
        m.op("m_0", k.CohortCreate(cohort="c", name="Pod", handle="u0", display_name="U0")),
        m.op("m_0", k.ModuleUpsert(module="mod", title="Module")),
        m.op(
            "m_0",
            k.LessonUpsert(
                lesson=LESSON,
                module="mod",
                title="Project",
                project=k.Project(title="Build", reviewers=wanted),
            ),
        ),
    ]
    for i, member_roles in enumerate(roles, start=1):
        ops.append(
            m.op(
                "m_0",
                k.MemberAdd(
                    member=f"m_{i}", handle=f"u{i}", display_name=f"U{i}", roles=member_roles
                ),
            )
        )
    for i, finished in enumerate(done):
        if finished:
            ops.append(m.op(f"m_{i}", k.ProgressSet(lesson=LESSON, status="done")))
    return ops


ROLE_SETS: list[list[k.Role]] = [["learner"], ["learner", "reviewer"], ["mentor"], ["learner"]]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Op], int]:
    """A cohort and a random stream of submissions, reviews, claims, releases and revisions."""
    m = OpMaker()
    size = draw(st.integers(2, 10))
    roles = [draw(st.sampled_from(ROLE_SETS)) for _ in range(size)]
    done = [draw(st.booleans()) for _ in range(size + 1)]
    wanted = draw(st.integers(1, 3))
    ops = _cohort(m, roles, done, wanted)
    state = fold_ops(ops)
    members = sorted(state.members)
    subs: list[str] = []
    for n in range(draw(st.integers(1, 25))):
        action = draw(st.integers(0, 9))
        if action <= 4 or not subs:
            sid = f"s{n}"
            data: k.Data = k.SubmissionCreate(
                submission=sid,
                lesson=LESSON,
                title="t",
                revision=k.RevisionData(revision=f"{sid}r0", diff="+x"),
            )
            author = draw(st.sampled_from(members))
            subs.append(sid)
        else:
            sid = draw(st.sampled_from(subs))
            sub = state.submissions[sid]
            open_ = [a.reviewer for a in sub.assignments if a.active]
            if action <= 7 and open_:
                author = draw(st.sampled_from(open_))
                data = k.ReviewSubmit(
                    review=f"v{n}",
                    submission=sid,
                    revision=sub.revisions[-1].id,
                    verdict=draw(st.sampled_from(["approve", "changes"])),
                )
            elif action == 8 and open_:
                author = draw(st.sampled_from(open_))
                data = draw(
                    st.sampled_from(
                        [k.ReviewRelease(submission=sid), k.ReviewClaim(submission=sid)]
                    )
                )
            else:
                author = sub.author
                data = k.SubmissionRevise(
                    submission=sid, revision=k.RevisionData(revision=f"{sid}r{n}", diff="+y")
                )
        op = m.op(author, data)
        ops.append(op)
        apply_op(state, op)
    return ops, wanted


def _key(state: State, sub: Submission, member: str) -> tuple[int, int, int]:
    return (
        state.review_load.get(member, 0),
        -qualification(state, member, sub.lesson),
        state.review_pairs.get(sub.author, {}).get(member, 0),
    )


def _check_choice(state: State, sub: Submission, count: int, chosen: list[str]) -> None:
    eligible = [m for m in state.members if m != sub.author]
    qualified = [m for m in eligible if qualification(state, m, sub.lesson) > 0]
    pool = qualified if len(qualified) >= count else eligible
    # Never the author, no one twice, as many as asked when there are enough people.
    assert sub.author not in chosen
    assert len(set(chosen)) == len(chosen) == min(count, len(eligible))
    # Qualified members first: only fall back to everyone when too few are qualified.
    assert set(chosen) <= set(pool)
    # Least loaded first, then better qualified, then fewest past pairings with the author.
    for c in chosen:
        for p in set(pool) - set(chosen):
            assert _key(state, sub, c) <= _key(state, sub, p), (c, p)


@settings(max_examples=150, deadline=None)
@given(histories())
def test_every_allocation_is_fair_at_the_moment_it_is_made(case: tuple[list[Op], int]) -> None:
    ops, _ = case
    state = State()
    for op in ops:
        if isinstance(op.data, k.SubmissionCreate):
            d = op.data
            stub = Submission(
                id=d.submission, lesson=d.lesson, author=op.author, title=d.title, created_at=op.at
            )
            count = reviewers_wanted(state, stub)
            expected = choose_reviewers(state, stub, count)
            _check_choice(state, stub, count, expected)
            apply_op(state, op)
            made = [a.reviewer for a in state.submissions[d.submission].assignments]
            assert made == expected  # the fold allocates exactly this
        elif isinstance(op.data, k.ReviewRelease):
            sub = state.submissions[op.data.submission]
            before = copy.deepcopy(state)
            apply_op(state, op)
            fresh = [a.reviewer for a in state.submissions[sub.id].assignments][
                len(sub.assignments) :
            ]
            past = {a.reviewer for a in before.submissions[sub.id].assignments}
            assert not past & set(fresh) and sub.author not in fresh
        else:
            apply_op(state, op)
    assert state.review_load == open_load(state)
    for author in state.members:
        assert state.review_pairs.get(author, {}) == pair_counts(state, author)


@settings(max_examples=100, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_equal_state_gives_equal_reviewers(case: tuple[list[Op], int], rnd: random.Random) -> None:
    ops, wanted = case
    state = fold_ops(ops)
    shuffled = list(ops)
    rnd.shuffle(shuffled)
    again = fold_ops(shuffled)
    for sid, sub in state.submissions.items():
        assert [a.reviewer for a in sub.assignments] == [
            a.reviewer for a in again.submissions[sid].assignments
        ]
    new = Submission(id="s_new", lesson=LESSON, author="m_1", title="t", created_at=0)
    answer = choose_reviewers(state, new, wanted)
    assert choose_reviewers(copy.deepcopy(state), new, wanted) == answer
    assert choose_reviewers(again, new, wanted) == answer
    # Member order in the dict is not part of the answer.
    state.members = dict(reversed(list(state.members.items())))
    assert choose_reviewers(state, new, wanted) == answer


@settings(max_examples=100, deadline=None)
@given(
    reviewers=st.integers(1, 8),
    learners=st.integers(1, 8),
    wanted=st.integers(1, 3),
    authors=st.lists(st.integers(0, 7), min_size=1, max_size=40),
)
def test_open_load_stays_within_one_of_fair(
    reviewers: int, learners: int, wanted: int, authors: list[int]
) -> None:
    """With reviews outstanding and authors outside the qualified pool, every reviewer in
    the pool carries the same open load, give or take one."""
    m = OpMaker()
    roles = [REVIEWER] * reviewers + [LEARNER] * learners
    ops = _cohort(m, roles, [False] * (len(roles) + 1), wanted)
    for n, a in enumerate(authors):
        ops.append(
            m.op(
                f"m_{reviewers + 1 + a % learners}",
                k.SubmissionCreate(
                    submission=f"s{n}",
                    lesson=LESSON,
                    title="t",
                    revision=k.RevisionData(revision=f"r{n}", diff="+x"),
                ),
            )
        )
    state = fold_ops(ops)
    pool = [f"m_{i}" for i in range(1, reviewers + 1)]
    if reviewers >= wanted:
        loads = [state.review_load.get(r, 0) for r in pool]
        assert max(loads) - min(loads) <= 1
        assert sum(loads) == wanted * len(authors)
        assert all(state.review_load.get(f"m_{reviewers + 1 + i}", 0) == 0 for i in range(learners))
    else:  # too few qualified: everyone else shares the load, still never the author
        for sub in state.submissions.values():
            assert sub.author not in {a.reviewer for a in sub.assignments}


def test_repeated_pairs_are_avoided_while_someone_new_is_free() -> None:
    m = OpMaker()
    ops = _cohort(m, [REVIEWER] * 6 + [LEARNER], [False] * 8, 2)
    state = fold_ops(ops)
    seen: list[set[str]] = []
    for n in range(6):
        op = m.op(
            "m_7",
            k.SubmissionCreate(
                submission=f"s{n}",
                lesson=LESSON,
                title="t",
                revision=k.RevisionData(revision=f"r{n}", diff="+x"),
            ),
        )
        apply_op(state, op)
        sub = state.submissions[f"s{n}"]
        chosen = {a.reviewer for a in sub.assignments}
        seen.append(chosen)
        for reviewer in sorted(chosen):  # reviewed at once, so load never decides
            assert active_assignment(state, sub, reviewer) is not None
            apply_op(
                state,
                m.op(
                    reviewer,
                    k.ReviewSubmit(
                        review=f"v{n}{reviewer}",
                        submission=sub.id,
                        revision=f"r{n}",
                        verdict="approve",
                    ),
                ),
            )
    # Six reviewers, two per submission: the first three submissions meet all six once.
    assert set().union(*seen[:3]) == {f"m_{i}" for i in range(1, 7)}
    assert sum(len(s) for s in seen[:3]) == 6
    counts = state.review_pairs["m_7"]
    assert sorted(counts.values()) == [2] * 6


def test_finished_reviewers_are_preferred_to_role_only_and_progress_only() -> None:
    m = OpMaker()
    # m_1: role and finished; m_2: role only; m_3: finished only; m_4: neither; m_5: author.
    roles: list[list[k.Role]] = [["reviewer"], ["reviewer"], ["learner"], ["learner"], ["learner"]]
    ops = _cohort(m, roles, [False, True, False, True, False, False], 1)
    ops.append(
        m.op(
            "m_5",
            k.SubmissionCreate(
                submission="s",
                lesson=LESSON,
                title="t",
                revision=k.RevisionData(revision="r", diff="+"),
            ),
        )
    )
    state = fold_ops(ops)
    assert [a.reviewer for a in state.submissions["s"].assignments] == ["m_1"]
    sub = state.submissions["s"]
    pick = choose_reviewers(state, sub, 3, load={})
    assert pick[0] == "m_1" and set(pick[1:]) == {"m_2", "m_3"}


@settings(max_examples=100, deadline=None)
@given(histories(), st.integers(0, 10 * DAY_MS))
def test_stale_reassignments_are_all_accepted_and_keep_every_request(
    case: tuple[list[Op], int], later: int
) -> None:
    ops, _ = case
    state = fold_ops(ops)
    now = ops[-1].at + later
    stale = stale_assignments(state, now)
    open_before = {
        sid: sum(a.active for a in s.assignments) for sid, s in state.submissions.items()
    }
    m = OpMaker(node="n_upkeep", start=now)
    for data in stale:
        apply_op(state, m.op("m_0", data, at=now))
    assert not [r for r in state.refused if r.kind == "review.reassign"]
    for sid, sub in state.submissions.items():
        # Every stale request was handed to someone new, none was dropped.
        assert sum(a.active for a in sub.assignments) == open_before[sid]
        assert sub.author not in {a.reviewer for a in sub.assignments}
    assert stale_assignments(state, now) == []
    assert state.review_load == open_load(state)


def test_stale_reassignments_stop_when_nobody_new_is_left() -> None:
    m = OpMaker()
    ops = _cohort(m, [["learner"], ["reviewer"], ["reviewer"]], [False] * 4, 2)
    ops.append(
        m.op(
            "m_1",
            k.SubmissionCreate(
                submission="s",
                lesson=LESSON,
                title="t",
                revision=k.RevisionData(revision="r", diff="+"),
            ),
        )
    )
    state = fold_ops(ops)
    first = [a.reviewer for a in state.submissions["s"].assignments]
    assert sorted(first) == ["m_2", "m_3"]
    now = m.now + 4 * DAY_MS
    # Both are stale, but only m_0 is left to take one: reassigning both would drop one.
    assert stale_assignments(state, now) == [k.ReviewReassign(submission="s", reviewer=first[0])]


@settings(max_examples=60, deadline=None)
@given(histories(), st.integers(0, 10 * DAY_MS))
def test_a_members_stale_reassignments_are_the_ones_they_may_write(
    case: tuple[list[Op], int], later: int
) -> None:
    ops, _ = case
    state = fold_ops(ops)
    now = ops[-1].at + later
    everyone = stale_assignments(state, now)
    for member in [*state.members, "m_nobody"]:
        allowed = [
            op for op in everyone if may_reassign(state, member, state.submissions[op.submission])
        ]
        assert stale_for(state, member, now) == allowed

"""Team projects and pods in the fold: who may do what, allocation outside the team,
approval for every member, pods' channels and rotation history."""

from __future__ import annotations

import random

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import pods, queries, teams
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.permissions import role_problem
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort

FILES = [k.SubmittedFile(path="main.py", content="print('hi')\n")]


def _team_lesson(m: OpMaker, size: int = 3) -> list[Op]:
    """l5: a team project (up to ``size``), and three more learners."""
    ops = [
        m.op(
            "m_fac",
            k.LessonUpsert(
                lesson="l5",
                module="more",
                title="Team project",
                order=4,
                project=k.Project(title="Build together", reviewers=2, team_size=size),
            ),
        )
    ]
    for mid in ("m_d", "m_e", "m_f"):
        ops.append(
            m.op("m_fac", k.MemberAdd(member=mid, handle=mid[2:] * 3, display_name=mid.upper()))
        )
    return ops


def _cohort() -> tuple[OpMaker, list[Op]]:
    m, ops = small_cohort()
    return m, ops + _team_lesson(m)


def _refusals(state: State) -> list[str]:
    return [r.reason for r in state.refused]


def _submit(m: OpMaker, who: str, sub: str = "s1", team: str | None = "t1") -> Op:
    rev = k.RevisionData(revision=f"{sub}r1", files=FILES)
    return m.op(
        who, k.SubmissionCreate(submission=sub, lesson="l5", title="Ours", revision=rev, team=team)
    )


def test_learner_invites_and_members_accept() -> None:
    m, ops = _cohort()
    ops += [
        m.op("m_a", k.TeamCreate(team="t1", lesson="l5", name="Ants", members=["m_b", "m_c"])),
        m.op("m_b", k.TeamAccept(team="t1")),
    ]
    state = fold_ops(ops)
    team = state.teams["t1"]
    assert team.members == ["m_a", "m_b"]
    assert team.invited == ["m_c"]
    assert teams.team_of(state, "m_b", "l5") is team
    assert [t.id for t in teams.invitations(state, "m_c")] == ["t1"]
    state = fold_ops([m.op("m_c", k.TeamLeave(team="t1"))], state)
    assert team.invited == [] and [c.change for c in team.history][-1] == "declined"


def test_team_size_and_one_team_per_lesson() -> None:
    m, ops = _cohort()
    ops += [
        m.op("m_a", k.TeamCreate(team="t1", lesson="l5", name="A", members=["m_b", "m_c", "m_d"])),
        m.op("m_a", k.TeamCreate(team="t2", lesson="l5", name="A", members=["m_b"])),
        m.op("m_b", k.TeamCreate(team="t3", lesson="l4", name="solo", members=[])),
        m.op("m_b", k.TeamCreate(team="t4", lesson="l5", name="B", members=["m_a"])),
        m.op("m_a", k.TeamAccept(team="t4")),
    ]
    state = fold_ops(ops)
    assert "t1" not in state.teams and "t3" not in state.teams
    assert state.teams["t2"].members == ["m_a"]
    assert state.teams["t4"].members == ["m_b"]
    assert _refusals(state) == [
        "a team for this project has at most 3 people",
        "this lesson's project is a solo project",
        "m_a is in another team for this lesson already",
    ]


def test_facilitator_forms_and_changes_teams_keeping_history() -> None:
    m, ops = _cohort()
    ops += [
        m.op("m_fac", k.TeamCreate(team="t1", lesson="l5", name="F", members=["m_a", "m_b"])),
        m.op("m_a", k.TeamSet(team="t1", members=["m_a"])),
        m.op("m_fac", k.TeamSet(team="t1", name="G", members=["m_a", "m_c"])),
    ]
    state = fold_ops(ops)
    team = state.teams["t1"]
    assert (team.name, team.members) == ("G", ["m_a", "m_c"])
    assert [(c.member, c.change) for c in team.history] == [
        ("", "created"),
        ("m_a", "added"),
        ("m_b", "added"),
        ("m_b", "removed"),
        ("m_c", "added"),
    ]
    assert _refusals(state) == ["only a facilitator may change a team"]


def test_team_submission_allocation_approval_and_contributions() -> None:
    m, ops = _cohort()
    ops += [
        m.op("m_fac", k.TeamCreate(team="t1", lesson="l5", name="F", members=["m_a", "m_b"])),
        _submit(m, "m_a"),
        m.op(
            "m_b",
            k.SubmissionRevise(
                submission="s1", revision=k.RevisionData(revision="s1r2", files=FILES)
            ),
        ),
        m.op(
            "m_c",
            k.SubmissionRevise(
                submission="s1", revision=k.RevisionData(revision="s1r3", files=FILES)
            ),
        ),
    ]
    state = fold_ops(ops)
    sub = state.submissions["s1"]
    assert sub.authors == ["m_a", "m_b"] and sub.team == "t1"
    reviewers = [a.reviewer for a in sub.assignments]
    assert len(reviewers) == 2 and not {"m_a", "m_b"} & set(reviewers)
    assert [r.author for r in sub.revisions] == ["m_a", "m_b"]
    assert "only the author or the team may revise a submission" in _refusals(state)
    ops2 = [
        m.op(
            r, k.ReviewSubmit(review=f"rv{i}", submission="s1", revision="s1r2", verdict="approve")
        )
        for i, r in enumerate(reviewers)
    ]
    ops2.append(m.op("m_b", k.ReviewReply(review="rv0", reply="rp1", body="thanks")))
    state = fold_ops(ops2, state)
    assert queries.project_approved(state, "m_a", "l5")
    assert queries.project_approved(state, "m_b", "l5")
    assert not queries.project_approved(state, "m_c", "l5")
    rows = {c.member: c for c in teams.contributions(state, sub)}
    assert rows["m_a"].revisions == ["s1r1"] and rows["m_b"].revisions == ["s1r2"]
    assert rows["m_b"].replies == [("rv0", "rp1")]


def test_team_members_cannot_review_and_outsiders_cannot_submit_for_the_team() -> None:
    m, ops = _cohort()
    ops += [
        m.op("m_fac", k.TeamCreate(team="t1", lesson="l5", name="F", members=["m_a", "m_rev"])),
        _submit(m, "m_c", sub="s0"),
        _submit(m, "m_a"),
        _submit(m, "m_rev", sub="s2"),
        m.op("m_rev", k.ReviewClaim(submission="s1")),
    ]
    state = fold_ops(ops)
    assert "s0" not in state.submissions and "s2" not in state.submissions
    assert _refusals(state) == [
        "only the team's members may submit for it",
        "the team has submitted already; revise its submission",
        "you cannot review your own team's submission",
    ]


def test_accepting_later_moves_credit_and_is_refused_to_a_reviewer() -> None:
    m, ops = _cohort()
    ops += [
        m.op("m_a", k.TeamCreate(team="t1", lesson="l5", name="A", members=["m_b", "m_rev"])),
        _submit(m, "m_a"),
    ]
    state = fold_ops(ops)
    sub = state.submissions["s1"]
    assert "m_b" not in [a.reviewer for a in sub.assignments]  # invited: kept out too
    reviewer = sub.assignments[0].reviewer
    ops.append(m.op("m_b", k.TeamAccept(team="t1")))
    state = fold_ops(ops)
    assert state.submissions["s1"].authors == ["m_a", "m_b"]
    if reviewer == "m_rev":
        ops.append(m.op("m_rev", k.TeamAccept(team="t1")))
        state = fold_ops(ops)
        assert _refusals(state)[-1] == "m_rev is reviewing this team's submission"


def test_server_permission_lets_a_former_member_revise_but_not_a_stranger() -> None:
    m, ops = _cohort()
    ops += [
        m.op("m_fac", k.TeamCreate(team="t1", lesson="l5", name="F", members=["m_a", "m_b"])),
        _submit(m, "m_a"),
        m.op("m_b", k.TeamLeave(team="t1")),
    ]
    state = fold_ops(ops)
    revise = k.SubmissionRevise(submission="s1", revision=k.RevisionData(revision="x", files=FILES))
    assert role_problem(state, m.op("m_b", revise)) is None
    assert role_problem(state, m.op("m_c", revise)) is not None


def _pods_cohort() -> tuple[OpMaker, list[Op]]:
    m, ops = _cohort()
    ops += [
        m.op("m_fac", k.PodCreate(pod="p1", name="Otters", members=["m_a", "m_b", "m_c"])),
        m.op("m_fac", k.PodCreate(pod="p2", name="Owls", members=["m_d"], capacity=3, open=True)),
    ]
    return m, ops


def test_pods_join_capacity_and_one_pod_each() -> None:
    m, ops = _pods_cohort()
    ops += [
        m.op("m_e", k.PodJoin(pod="p2")),
        m.op("m_f", k.PodJoin(pod="p2")),
        m.op("m_rev", k.PodJoin(pod="p2")),
        m.op("m_a", k.PodJoin(pod="p2")),
        m.op("m_rev", k.PodJoin(pod="p1")),
        m.op("m_a", k.PodCreate(pod="p3", name="mine")),
        m.op("m_fac", k.PodCreate(pod="p4", name="dup", members=["m_a"])),
    ]
    state = fold_ops(ops)
    assert state.pods["p2"].members == ["m_d", "m_e", "m_f"]
    assert pods.pod_of(state, "m_a") is state.pods["p1"]
    assert _refusals(state) == [
        "this pod is full",
        "this pod is full",
        "this pod is not open for members to join",
        "only a facilitator may form pods",
        "m_a is in another pod already",
    ]


def test_pod_channel_visibility_and_rotation_history() -> None:
    m, ops = _pods_cohort()
    ops += [
        m.op(
            "m_a", k.ThreadCreate(thread="th1", post="po1", title="Pod plan", body="hi", pod="p1")
        ),
        m.op("m_d", k.ThreadCreate(thread="th2", post="po2", title="x", body="x", pod="p1")),
        m.op("m_d", k.PostCreate(post="po3", thread="th1", body="let me in")),
        m.op("m_men", k.PostCreate(post="po4", thread="th1", body="mentor here")),
    ]
    state = fold_ops(ops)
    thread = state.threads["th1"]
    assert thread.pod == "p1" and "th2" not in state.threads and "po3" not in state.posts
    assert pods.may_see_thread(state, "m_b", thread)
    assert pods.may_see_thread(state, "m_men", thread)
    assert not pods.may_see_thread(state, "m_d", thread)
    ops += [
        m.op(
            "m_fac",
            k.PodRotate(
                round="week 2",
                pods=[
                    k.PodSpec(pod="p5", name="Lynx", members=["m_a", "m_d", "m_e"]),
                    k.PodSpec(pod="p6", name="Hares", members=["m_b", "m_c", "m_f"]),
                ],
            ),
        ),
        m.op("m_a", k.PostCreate(post="po5", thread="th1", body="too late")),
    ]
    state = fold_ops(ops)
    assert not state.pods["p1"].active and state.pods["p1"].members == ["m_a", "m_b", "m_c"]
    assert [p.id for p in pods.past_pods(state, "m_a")] == ["p1"]
    assert pods.pod_of(state, "m_a") is state.pods["p5"]
    assert pods.may_see_thread(state, "m_a", state.threads["th1"])  # history stays readable
    assert _refusals(state)[-1] == "this pod was closed by a rotation; its channel is read-only"
    activity = pods.pod_activity(state, state.pods["p1"])
    assert [a.what for a in activity] == ["post", "thread"]


def test_review_pods_setting_prefers_same_or_other_pods() -> None:
    for preference, expect_same in (("same", True), ("other", False)):
        m, ops = small_cohort()
        ops += [
            m.op("m_fac", k.CohortUpdate(settings=k.Settings(review_pods=preference))),  # type: ignore[arg-type]
            m.op("m_fac", k.MemberRoles(member="m_a", roles=["learner", "reviewer"])),
            m.op("m_fac", k.MemberRoles(member="m_b", roles=["learner", "reviewer"])),
            m.op("m_fac", k.PodCreate(pod="p1", name="One", members=["m_c", "m_a", "m_men"])),
            m.op("m_fac", k.PodCreate(pod="p2", name="Two", members=["m_b", "m_rev", "m_fac"])),
        ]
        for i in range(4):
            rev = k.RevisionData(revision=f"r{i}", files=FILES)
            ops.append(
                m.op(
                    "m_c",
                    k.SubmissionCreate(submission=f"s{i}", lesson="l4", title="t", revision=rev),
                )
            )
        state = fold_ops(ops)
        first = state.submissions["s0"].assignments
        in_same = {a.reviewer in {"m_a", "m_men"} for a in first}
        assert in_same == {expect_same}, preference


def test_team_and_pod_ops_fold_the_same_in_any_order() -> None:
    m, ops = _pods_cohort()
    ops += [
        m.op("m_a", k.TeamCreate(team="t1", lesson="l5", name="A", members=["m_b", "m_e"])),
        m.op("m_b", k.TeamAccept(team="t1")),
        _submit(m, "m_b"),
        m.op("m_e", k.TeamAccept(team="t1")),
        m.op("m_e", k.PodJoin(pod="p2")),
        m.op("m_fac", k.PodRotate(pods=[k.PodSpec(pod="p9", name="N", members=["m_e"])])),
    ]
    expected = fold_ops(ops)
    for seed in range(5):
        shuffled = ops + ops[: seed + 3]
        random.Random(seed).shuffle(shuffled)
        state = fold_ops(shuffled)
        assert state.teams == expected.teams
        assert state.pods == expected.pods
        assert state.submissions == expected.submissions

"""Reducer rules, one behaviour per test, on a small hand-built cohort."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import queries as q
from cohort_tui.domain.model import DAY_MS
from cohort_tui.domain.reduce import fold_ops
from tests.factories import small_cohort


def test_a_non_member_is_refused_and_kept_out() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_nobody", k.ProgressSet(lesson="l1", status="done")))
    state = fold_ops(ops)
    assert state.refused[-1].reason == "author is not a member of the cohort"
    assert "m_nobody" not in state.progress


def test_learners_cannot_change_the_curriculum_or_pin() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.LessonUpsert(lesson="l9", module="basics", title="Sneaky")))
    ops.append(m.op("m_a", k.ThreadCreate(thread="t1", post="p1", title="q", body="b")))
    ops.append(m.op("m_a", k.ThreadPin(thread="t1")))
    state = fold_ops(ops)
    assert "l9" not in state.lessons
    assert not state.threads["t1"].pinned
    assert {r.kind for r in state.refused} == {"lesson.upsert", "thread.pin"}


def test_lesson_states_follow_prerequisites_and_progress() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.ProgressSet(lesson="l1", status="done")))
    ops.append(m.op("m_a", k.ProgressSet(lesson="l2", status="doing")))
    state = fold_ops(ops)
    states = [q.lesson_state(state, "m_a", le) for le in q.ordered_lessons(state)]
    assert states == ["done", "doing", "locked", "locked"]
    assert q.next_lesson(state, "m_a").id == "l2"  # type: ignore[union-attr]


def test_last_writer_wins_on_progress_and_edits_keep_history() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.ProgressSet(lesson="l1", status="done")))
    ops.append(m.op("m_a", k.ProgressSet(lesson="l1", status="todo")))
    ops.append(m.op("m_a", k.ThreadCreate(thread="t1", post="p1", title="q", body="v1")))
    ops.append(m.op("m_a", k.PostEdit(post="p1", body="v2")))
    ops.append(m.op("m_b", k.PostEdit(post="p1", body="vandal")))
    state = fold_ops(ops)
    assert state.progress["m_a"]["l1"].status == "todo"
    assert state.posts["p1"].body == "v2"
    assert [e.body for e in state.posts["p1"].edits] == ["v1"]
    assert state.refused[-1].reason == "only the author may edit a post"


def test_unread_counts_and_read_markers_take_the_max() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.ThreadCreate(thread="t1", post="p1", title="q", body="hi @bob")))
    reply = m.op("m_c", k.PostCreate(post="p2", thread="t1", body="answer"))
    ops.append(reply)
    state = fold_ops(ops)
    assert q.unread_count(state, "m_b", "t1") == 2
    assert q.unread_count(state, "m_a", "t1") == 1
    assert q.unread_mentions(state, "m_b") == ["p1"]
    ops.append(m.op("m_b", k.ThreadRead(thread="t1", upto=reply.clock)))
    ops.append(m.op("m_b", k.ThreadRead(thread="t1", upto=(0, 0, "old"))))
    state = fold_ops(ops)
    assert q.unread_count(state, "m_b", "t1") == 0
    assert q.unread_mentions(state, "m_b") == []


def test_submission_gets_two_reviewers_never_the_author() -> None:
    m, ops = small_cohort()
    ops.append(
        m.op(
            "m_a",
            k.SubmissionCreate(
                submission="s1",
                lesson="l4",
                title="mine",
                revision=k.RevisionData(revision="r1", diff="+print('hi')"),
            ),
        )
    )
    state = fold_ops(ops)
    reviewers = [a.reviewer for a in state.submissions["s1"].assignments]
    assert len(reviewers) == 2 and "m_a" not in reviewers
    # Reviewer-role members are preferred over plain learners.
    assert set(reviewers) <= {"m_men", "m_rev", "m_fac"} | {"m_b", "m_c"}
    assert "m_rev" in reviewers and "m_men" in reviewers


def test_review_flow_changes_then_approve_after_revision() -> None:
    m, ops = small_cohort()
    ops.append(
        m.op(
            "m_a",
            k.SubmissionCreate(
                submission="s1",
                lesson="l4",
                title="mine",
                revision=k.RevisionData(
                    revision="r1", files=[k.SubmittedFile(path="a.py", content="x")]
                ),
            ),
        )
    )
    ops.append(
        m.op(
            "m_rev",
            k.ReviewSubmit(
                review="v1", submission="s1", revision="r1", verdict="changes", scores={"works": 2}
            ),
        )
    )
    state = fold_ops(ops)
    assert q.submission_status(state, state.submissions["s1"]) == "changes"
    ops.append(
        m.op(
            "m_a",
            k.SubmissionRevise(
                submission="s1",
                revision=k.RevisionData(
                    revision="r2", files=[k.SubmittedFile(path="a.py", content="y")]
                ),
            ),
        )
    )
    state = fold_ops(ops)
    assert q.submission_status(state, state.submissions["s1"]) == "awaiting"
    assert [t.submission.id for t in q.reviews_waiting(state, "m_rev")] == ["s1"]
    ops.append(
        m.op(
            "m_rev",
            k.ReviewSubmit(
                review="v2", submission="s1", revision="r2", verdict="approve", scores={"works": 3}
            ),
        )
    )
    state = fold_ops(ops)
    assert q.submission_status(state, state.submissions["s1"]) == "approved"


def test_bad_rubric_scores_and_self_reviews_are_refused() -> None:
    m, ops = small_cohort()
    ops.append(
        m.op(
            "m_a",
            k.SubmissionCreate(
                submission="s1",
                lesson="l4",
                title="mine",
                revision=k.RevisionData(revision="r1", diff="+x"),
            ),
        )
    )
    ops.append(
        m.op(
            "m_rev",
            k.ReviewSubmit(
                review="v1", submission="s1", revision="r1", verdict="approve", scores={"works": 7}
            ),
        )
    )
    ops.append(
        m.op("m_a", k.ReviewSubmit(review="v2", submission="s1", revision="r1", verdict="approve"))
    )
    state = fold_ops(ops)
    assert not state.reviews
    assert [r.reason for r in state.refused] == [
        "7 is not a level of works",
        "you cannot review your own submission",
    ]


def test_stale_assignment_is_reassigned_only_after_the_configured_days() -> None:
    m, ops = small_cohort()
    sub = m.op(
        "m_a",
        k.SubmissionCreate(
            submission="s1",
            lesson="l4",
            title="mine",
            revision=k.RevisionData(revision="r1", diff="+x"),
        ),
    )
    ops.append(sub)
    state = fold_ops(ops)
    first = state.submissions["s1"].assignments[0].reviewer
    ops.append(m.op("m_b", k.ReviewReassign(submission="s1", reviewer=first), at=sub.at + DAY_MS))
    ops.append(
        m.op("m_b", k.ReviewReassign(submission="s1", reviewer=first), at=sub.at + 4 * DAY_MS)
    )
    state = fold_ops(ops)
    assert state.refused[-1].reason == "the assignment is not stale yet"
    assignments = state.submissions["s1"].assignments
    assert len(assignments) == 3
    assert assignments[0].replaced_at == sub.at + 4 * DAY_MS
    assert assignments[2].reviewer not in {first, "m_a"}


def test_milestone_met_and_extension() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.ProgressSet(lesson="l1", status="done")))
    ops.append(m.op("m_a", k.ProgressSet(lesson="l2", status="done")))
    ops.append(m.op("m_fac", k.MilestoneExtend(milestone="ms1", member="m_b", due=5)))
    state = fold_ops(ops)
    ms = state.milestones["ms1"]
    assert q.milestone_met(state, ms, "m_a")
    assert not q.milestone_met(state, ms, "m_b")
    assert q.due_for(ms, "m_b") == 5
    assert q.milestone_completion(state, ms) == (1, 4)


def test_the_last_facilitator_cannot_be_demoted() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_fac", k.MemberRoles(member="m_fac", roles=["learner"])))
    state = fold_ops(ops)
    assert state.members["m_fac"].roles == ["facilitator"]

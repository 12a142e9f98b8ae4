"""Discussion rules outside the fold: filters, search, quoting, mentions, permissions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import discussions as d
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import State
from cohort_tui.domain.reduce import fold_ops
from tests.factories import OpMaker, small_cohort


def cohort_with_threads() -> State:
    m, ops = small_cohort()
    ops += [
        m.op(
            "m_a",
            k.ThreadCreate(
                thread="t1",
                post="p1",
                title="Pathlib question",
                body="How do I glob files?",
                tags=["files"],
            ),
        ),
        m.op("m_b", k.PostCreate(post="p2", thread="t1", body="Use Path.glob, @alice")),
        m.op(
            "m_b",
            k.ThreadCreate(
                thread="t2", post="p3", title="Venv trouble", body="activate fails on fish"
            ),
        ),
        m.op("m_a", k.PostCreate(post="p4", thread="t2", body="secret spoiler answer")),
        m.op("m_a", k.PostHide(post="p4", hidden=True, reason="spoiler")),
        m.op("m_a", k.ThreadAnswer(thread="t1", post="p2")),
    ]
    return fold_ops(ops)


def test_filters() -> None:
    state = cohort_with_threads()
    t1, t2 = state.threads["t1"], state.threads["t2"]

    def shown(kind: str, value: str = "", me: str = "m_a") -> set[str]:
        chosen = d.ThreadFilter(kind, value)
        return {t.id for t in (t1, t2) if d.matches(state, me, t, chosen)}

    assert shown("all") == {"t1", "t2"}
    assert shown("unanswered") == {"t2"}
    assert shown("mine") == {"t1", "t2"}  # started t1, posted in t2
    assert shown("mine", me="m_b") == {"t1", "t2"}
    assert shown("mentions") == {"t1"}
    assert shown("mentions", me="m_b") == set()
    assert shown("tag", "files") == {"t1"}
    assert shown("unread") == {"t1"}  # posting in t2 marked it read
    choices = d.filter_choices(state)
    assert d.ThreadFilter("tag", "files") in choices


def test_search_matches_titles_tags_and_visible_bodies_by_prefix() -> None:
    state = cohort_with_threads()
    index = d.SearchIndex()
    assert index.search(state, "glob") == {"t1"}
    assert index.search(state, "PATH") == {"t1"}  # title word, any case
    assert index.search(state, "fil") == {"t1"}  # tag and body prefix
    assert index.search(state, "venv fish") == {"t2"}
    assert index.search(state, "venv glob") == set()  # every word must match
    assert index.search(state, "spoiler") == set()  # hidden posts are not searched
    assert index.search(state, "  ") == {"t1", "t2"}


def test_search_follows_edits_and_new_posts() -> None:
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.ThreadCreate(thread="t1", post="p1", title="T", body="apple")))
    state = fold_ops(ops)
    index = d.SearchIndex()
    assert index.search(state, "apple") == {"t1"}
    from cohort_tui.domain.reduce import apply_op

    apply_op(state, m.op("m_a", k.PostEdit(post="p1", body="banana")))
    apply_op(state, m.op("m_b", k.PostCreate(post="p2", thread="t1", body="cherry")))
    assert index.search(state, "apple") == set()
    assert index.search(state, "banana") == {"t1"}
    assert index.search(state, "cherry") == {"t1"}


def test_first_unread_and_quote() -> None:
    state = cohort_with_threads()
    thread = state.threads["t1"]
    assert d.first_unread(state, "m_a", thread) == "p2"
    assert d.first_unread(state, "m_b", thread) is None  # posting reads the thread
    assert d.first_unread(state, "m_c", thread) == "p1"
    quoted = d.quote_body(state, state.posts["p2"])
    assert quoted.startswith("> @bob wrote:\n> Use Path.glob")
    assert quoted.endswith("\n\n")


def test_permissions() -> None:
    state = cohort_with_threads()
    thread, post = state.threads["t1"], state.posts["p2"]
    assert d.can_accept(state, "m_a", thread)
    assert not d.can_accept(state, "m_b", thread)
    assert d.can_hide(state, "m_b", post) and not d.can_hide(state, "m_a", post)
    assert d.can_edit("m_b", post) and not d.can_edit("m_a", post)


def test_mention_prefix_and_candidates() -> None:
    state = cohort_with_threads()
    assert d.mention_prefix("hi @al") == "al"
    assert d.mention_prefix("hi @") == ""
    assert d.mention_prefix("mail me@al") is None
    assert d.mention_prefix("no mention") is None
    assert d.mention_candidates(state, "AL") == ["alice"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=6), st.text(max_size=20))
def test_search_never_fails_on_arbitrary_text(bodies: list[str], query: str) -> None:
    m = OpMaker()
    _, ops = small_cohort(m)
    for i, body in enumerate(bodies):
        ops.append(
            m.op("m_a", k.ThreadCreate(thread=f"t{i}", post=f"p{i}", title="t", body=body or "x"))
        )
    state = fold_ops(ops)
    found = d.SearchIndex().search(state, query)
    assert found <= set(state.threads)


def test_the_unread_cache_recounts_what_changed_and_agrees_with_a_count() -> None:
    from cohort_tui.domain import queries as q
    from cohort_tui.domain.reduce import apply_op

    m, ops = small_cohort()
    state = fold_ops(ops)
    cache = q.UnreadCache()
    steps = [
        m.op("m_a", k.ThreadCreate(thread="t1", post="p1", title="One", body="hi")),
        m.op("m_b", k.ThreadCreate(thread="t2", post="p2", title="Two", body="yo")),
        m.op("m_b", k.PostCreate(post="p3", thread="t1", body="reply")),
        m.op("m_c", k.ThreadRead(thread="t1", upto=m.clock.now(m.now + 5_000))),
        m.op("m_a", k.PostCreate(post="p4", thread="t1", body="again")),
        m.op("m_fac", k.PostHide(post="p4", hidden=True, reason="spam")),
        m.op("m_fac", k.PostHide(post="p4", hidden=False)),
        m.op("m_c", k.PostCreate(post="p5", thread="t2", body="mine")),
    ]
    for op in steps:
        apply_op(state, op)
        for member in ("m_a", "m_b", "m_c"):
            assert q.unread_threads(state, member, cache) == q.unread_threads(state, member)
    assert q.unread_threads(state, "m_c", cache) == [("t1", 1)]  # p4 sorts after the marker

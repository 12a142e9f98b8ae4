"""Submission payloads, revision diffs, line comments, review input and stale upkeep."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import DAY_MS, HOUR_MS, Reply, Review, ReviewLine, Revision
from cohort_tui.domain.model import SubmittedFile as StoredFile
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import fold_ops
from cohort_tui.domain.review_input import (
    ReviewProblem,
    parse_line_comments,
    parse_scores,
    rubric_for,
)
from cohort_tui.domain.review_upkeep import may_reassign, stale_assignments, stale_for
from cohort_tui.domain.submissions import (
    SubmissionProblem,
    build_create,
    build_revise,
    build_revision,
    commentable_lines,
    diff_between_revisions,
    diff_new_lines,
    is_binary,
    line_comments_by_line,
)
from tests.factories import OpMaker, small_cohort

GIT_DIFF = (
    "diff --git a/notes.py b/notes.py\n"
    "index 1111111..2222222 100644\n"
    "--- a/notes.py\n"
    "+++ b/notes.py\n"
    "@@ -1,2 +1,6 @@\n"
    " def f():\n"
    "-    return 1\n"
    "+    return 2\n"
    "+\n"
    "+\n"
    "+def g():\n"
    "+    return 3\n"
    "diff --git a/README.md b/README.md\n"
    "--- a/README.md\n"
    "+++ b/README.md\n"
    "@@ -10,2 +10,3 @@ intro\n"
    " keep\n"
    "+added\n"
    " keep\n"
)


# -- building -------------------------------------------------------------------------


def test_files_become_a_revision_with_clean_paths() -> None:
    rev = build_revision(
        files=[("./src/a.py", b"print('hi')\n"), ("b.txt", "café\n".encode())],
        message="first",
        revision_id="r1",
    )
    assert rev.revision == "r1" and rev.message == "first"
    assert [(f.path, f.content) for f in rev.files] == [
        ("src/a.py", "print('hi')\n"),
        ("b.txt", "café\n"),
    ]
    create = build_create(lesson="l4", title="  my   project ", revision=rev)
    assert create.title == "my project" and create.submission.startswith("s_")
    raw = msgspec.json.encode(create)
    assert msgspec.json.decode(raw, type=k.SubmissionCreate) == create
    assert build_revise(submission="s1", revision=rev).submission == "s1"


def test_binary_files_are_refused_by_name() -> None:
    assert is_binary(b"a\x00b") and is_binary(b"\xff\xfe") and not is_binary("é".encode())
    with pytest.raises(SubmissionProblem) as err:
        build_revision(
            files=[("ok.py", b"x = 1\n"), ("logo.png", b"\x89PNG\x00"), ("latin1.txt", b"caf\xe9")]
        )
    assert str(err.value) == "binary files cannot be submitted; leave out: latin1.txt, logo.png"


def test_binary_files_in_a_diff_are_refused_by_name() -> None:
    diff = GIT_DIFF + (
        "diff --git a/img/logo.png b/img/logo.png\n"
        "index 0000000..1111111\n"
        "Binary files a/img/logo.png and b/img/logo.png differ\n"
    )
    with pytest.raises(SubmissionProblem, match=r"leave out: img/logo\.png$"):
        build_revision(diff=diff)
    raw = GIT_DIFF.encode() + b"diff --git a/old.txt b/old.txt\n+caf\xe9\n"
    with pytest.raises(SubmissionProblem, match=r"leave out: old\.txt$"):
        build_revision(diff=raw)


def test_file_count_limit_names_the_limit_and_the_figure() -> None:
    files = [(f"f{i}.py", b"x\n") for i in range(k.MAX_FILES + 1)]
    with pytest.raises(SubmissionProblem) as err:
        build_revision(files=files)
    assert str(err.value) == f"{k.MAX_FILES + 1} files given; a submission may carry at most 50"
    assert len(build_revision(files=files[:-1]).files) == k.MAX_FILES


def test_byte_limit_names_the_limit_the_figure_and_the_largest_files() -> None:
    half = k.MAX_SUBMISSION_BYTES // 2
    exact = [("a.txt", b"a" * half), ("b.txt", b"b" * (k.MAX_SUBMISSION_BYTES - half))]
    assert len(build_revision(files=exact).files) == 2
    over = [*exact, ("c.txt", b"c")]
    with pytest.raises(SubmissionProblem) as err:
        build_revision(files=over)
    assert str(err.value) == (
        "the submission is 512,001 bytes; the limit is 512,000 bytes "
        "(largest: a.txt 256,000, b.txt 256,000, c.txt 1)"
    )
    # Multi-byte characters count as bytes, as the op schema counts them.
    with pytest.raises(SubmissionProblem, match="the submission is 512,002 bytes"):
        build_revision(diff="é" * (half + 1))


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({}, "nothing to submit"),
        ({"diff": "  \n"}, "nothing to submit"),
        ({"files": [("a.py", b"1"), ("./a.py", b"2")]}, "a.py is given twice"),
        ({"files": [("dir/", b"1")]}, "is not a file name"),
        ({"files": [("x" * 301, b"1")]}, "longer than 300 characters"),
        ({"files": [("a\x1bb.py", b"1")]}, "control characters"),
        ({"diff": "+x", "message": "m" * 262_145}, "the message is 262,145 characters"),
        ({"diff": "+x", "diff_range": "a" * 201}, "range is longer than 200"),
    ],
)
def test_problems_are_one_sentence(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(SubmissionProblem, match=needle):
        build_revision(**kwargs)  # type: ignore[arg-type]


def test_titles_are_checked() -> None:
    rev = build_revision(diff="+x")
    with pytest.raises(SubmissionProblem, match="the title is empty"):
        build_create(lesson="l", title="   ", revision=rev)
    with pytest.raises(SubmissionProblem, match="the title is 301 characters"):
        build_create(lesson="l", title="t" * 301, revision=rev)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_/]{0,20}\.py", fullmatch=True),
        st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
        min_size=1,
        max_size=8,
    )
)
def test_any_text_under_the_limits_round_trips(files: dict[str, str]) -> None:
    rev = build_revision(files=[(p, c.encode()) for p, c in files.items()], revision_id="r1")
    data = msgspec.json.decode(msgspec.json.encode(rev), type=k.RevisionData)
    assert {f.path: f.content for f in data.files} == files


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"diff --git a/x.py b/x.py\n",
                b'diff --git "a/q x" "b/q x"\n',
                b"@@ -1,2 +1,3 @@\n",
                b"@@ -0,0 +0,1 @@\n",
                b"@@ garbage @@\n",
                b"Binary files a/x and b/x differ\n",
                b"+added\n",
                b"-removed\n",
                b" context\n",
                b"\\ No newline at end of file\n",
                b"\xff\xfe",
                b"\x00",
                b"\n",
            ]
        ),
        max_size=30,
    ),
    st.binary(max_size=20),
)
def test_any_diff_bytes_give_a_revision_or_a_problem(parts: list[bytes], tail: bytes) -> None:
    raw = b"".join(parts) + tail
    try:
        rev = build_revision(diff=raw, revision_id="r")
    except SubmissionProblem:
        return
    stored = Revision(id="r", created_at=0, diff=rev.diff)
    for path, lines in commentable_lines(stored).items():
        assert path and (isinstance(lines, int) or all(n >= 1 for n in lines))
    diff_between_revisions(stored, _rev("e"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=4))
def test_any_line_specs_give_comments_or_a_problem(specs: list[str]) -> None:
    _, ops, sid = _submitted({"a.py": "1\n2\n"}, GIT_DIFF)
    sub = fold_ops(ops).submissions[sid]
    try:
        comments = parse_line_comments(sub, specs)
    except ReviewProblem:
        return
    for c in comments:
        assert c.line >= 1 and c.body.strip()
        assert msgspec.json.decode(msgspec.json.encode(c), type=k.LineComment) == c


# -- reading a revision -----------------------------------------------------------------


def _rev(rid: str, files: dict[str, str] | None = None, diff: str = "") -> Revision:
    return Revision(
        id=rid,
        created_at=0,
        files=[StoredFile(path=p, content=c) for p, c in (files or {}).items()],
        diff=diff,
    )


def test_diff_new_lines_and_commentable_lines() -> None:
    assert diff_new_lines("@@ -1,2 +1,3 @@\n a\n-b\n+c\n+d\n\\ No newline\n") == {1, 2, 3}
    where = commentable_lines(_rev("r", {"a.py": "1\n2\n3\n"}, GIT_DIFF))
    assert where == {"a.py": 3, "notes.py": {1, 2, 3, 4, 5, 6}, "README.md": {10, 11, 12}}
    assert commentable_lines(_rev("r", {"empty.py": ""})) == {"empty.py": 1}


def test_hostile_diffs_are_read_without_crashing() -> None:
    # A hunk number past Python's int-from-string limit is not a hunk header.
    huge = "diff --git a/x b/x\n@@ -1 +" + "9" * 5_000 + " @@\n+a\n"
    assert commentable_lines(_rev("r", diff=huge)) == {"x": set()}
    # Quoted names, and a header with many " b/" in it, resolve to the last new-side path.
    quoted = 'diff --git "a/q x.py" "b/q x.py"\n@@ -0,0 +1 @@\n+a\n'
    assert commentable_lines(_rev("r", diff=quoted)) == {"q x.py": {1}}
    tricky = "diff --git a/a b/b b/c\n@@ -0,0 +1 @@\n+a\n"
    assert list(commentable_lines(_rev("r", diff=tricky))) == ["c"]
    with pytest.raises(SubmissionProblem, match="leave out: the diff"):
        build_revision(diff="Binary files " + " and x" * 20_000 + " differ\n")


def test_diff_between_revisions_per_file() -> None:
    a = _rev("a", {"keep.py": "same\n", "gone.py": "bye\n", "notes.py": "one\ntwo\n"})
    b = _rev("b", {"keep.py": "same\n", "new.py": "hi\n", "notes.py": "one\n2\n"})
    diffs = diff_between_revisions(a, b)
    assert [(d.path, d.change) for d in diffs] == [
        ("gone.py", "removed"),
        ("new.py", "added"),
        ("notes.py", "changed"),
    ]
    notes = diffs[2].lines
    assert notes[:2] == ["--- a/notes.py", "+++ b/notes.py"]
    assert "-two" in notes and "+2" in notes and " one" in notes
    assert diffs[1].lines[:2] == ["--- /dev/null", "+++ b/new.py"]
    assert diff_between_revisions(a, a) == []
    # Diff revisions compare per file by their patch text.
    d1, d2 = _rev("d1", diff=GIT_DIFF), _rev("d2", diff=GIT_DIFF.replace("+added", "+more"))
    assert [d.path for d in diff_between_revisions(d1, d2)] == ["README.md"]


def test_line_comments_grouped_by_file_and_line_with_replies() -> None:
    first = Review(
        id="v1",
        submission="s",
        revision="r",
        reviewer="m_a",
        verdict="changes",
        submitted_at=1,
        lines=(
            ReviewLine(id="c1", path="a.py", line=3, body="why?"),
            ReviewLine(id="c2", path="a.py", line=9, body="typo"),
        ),
        replies=(
            Reply(id="y1", author="m_b", body="because", at=2, comment="c1"),
            Reply(id="y2", author="m_b", body="thanks", at=3),
        ),
    )
    second = Review(
        id="v2",
        submission="s",
        revision="r",
        reviewer="m_c",
        verdict="approve",
        submitted_at=4,
        lines=(ReviewLine(id="c1", path="a.py", line=3, body="agree"),),
    )
    grouped = line_comments_by_line([first, second])
    assert sorted(grouped["a.py"]) == [3, 9]
    on3 = grouped["a.py"][3]
    assert [(c.review, c.reviewer, c.comment.body) for c in on3] == [
        ("v1", "m_a", "why?"),
        ("v2", "m_c", "agree"),
    ]
    assert [r.body for r in on3[0].replies] == ["because"] and on3[1].replies == []
    assert line_comments_by_line(second) == {"a.py": {3: [on3[1]]}}


# -- review input -------------------------------------------------------------------------


def _submitted(
    files: dict[str, str] | None = None, diff: str = ""
) -> tuple[OpMaker, list[Op], str]:
    m, ops = small_cohort()
    ops.append(
        m.op(
            "m_a",
            k.SubmissionCreate(
                submission="s1",
                lesson="l4",
                title="mine",
                revision=build_revision(
                    files=[(p, c.encode()) for p, c in (files or {}).items()],
                    diff=diff,
                    revision_id="r1",
                ),
            ),
        )
    )
    return m, ops, "s1"


def test_scores_by_id_title_label_or_number() -> None:
    _, ops, sid = _submitted({"a.py": "x\n"})
    state = fold_ops(ops)
    sub = state.submissions[sid]
    assert rubric_for(state, sub) is not None
    assert parse_scores(state, sub, ["works=Mostly"]) == {"works": 2}
    assert parse_scores(state, sub, ["Works=3"]) == {"works": 3}
    for specs, needle in (
        (["speed=1"], "no criterion 'speed' in rubric r1 (criteria: works)"),
        (["works=great"], "'great' is not a level of works (levels: 1=no, 2=mostly, 3=yes)"),
        (["works"], "a score is CRITERION=LEVEL"),
        (["works=1", "works=2"], "works is scored twice"),
    ):
        with pytest.raises(ReviewProblem, match=needle.replace("(", r"\(").replace(")", r"\)")):
            parse_scores(state, sub, specs)
    sub.lesson = "l1"
    with pytest.raises(ReviewProblem, match="lesson l1 has no rubric"):
        parse_scores(state, sub, ["works=1"])


def test_line_comments_are_checked_against_the_latest_revision() -> None:
    _, ops, sid = _submitted({"a.py": "1\n2\n3\n"}, GIT_DIFF)
    sub = fold_ops(ops).submissions[sid]
    lines = parse_line_comments(sub, ["a.py:3=off by one", "./notes.py:5=g?", "README.md:11=x=y"])
    assert [(c.id, c.path, c.line, c.body) for c in lines] == [
        ("c1", "a.py", 3, "off by one"),
        ("c2", "notes.py", 5, "g?"),
        ("c3", "README.md", 11, "x=y"),
    ]
    for spec, needle in (
        ("a.py:4=x", "a.py has 3 lines; line 4 is not one of them"),
        ("README.md:13=x", "the diff does not show line 13 of README.md (it shows 10-12)"),
        ("b.py:1=x", "no file b.py in the latest revision (files: README.md, a.py, notes.py)"),
        ("a.py:one=x", "'one' is not a line number"),
        ("a.py:1=  ", "a line comment is FILE:LINE=TEXT"),
        ("a.py=x", "a line comment is FILE:LINE=TEXT"),
    ):
        with pytest.raises(ReviewProblem) as err:
            parse_line_comments(sub, [spec])
        assert needle in str(err.value)


# -- stale assignments --------------------------------------------------------------------


def test_stale_assignments_match_what_the_fold_accepts() -> None:
    m, ops, sid = _submitted(diff="+x")
    state = fold_ops(ops)
    created = state.submissions[sid].created_at
    first, second = (a.reviewer for a in state.submissions[sid].assignments)
    assert stale_assignments(state, created + 3 * DAY_MS - 1) == []
    # The first reviewer claims a day in: the lease (24 h) protects the claim until it ends.
    ops.append(m.op(first, k.ReviewClaim(submission=sid), at=created + 2 * DAY_MS + HOUR_MS))
    state = fold_ops(ops)
    later = created + 3 * DAY_MS
    assert stale_assignments(state, later) == [k.ReviewReassign(submission=sid, reviewer=second)]
    much_later = created + 4 * DAY_MS
    stale = stale_assignments(state, much_later)
    assert {op.reviewer for op in stale} == {first, second}
    for data in stale:
        ops.append(m.op("m_fac", data, at=much_later))
    state = fold_ops(ops)
    assert not [r for r in state.refused if r.kind == "review.reassign"]
    active = [a.reviewer for a in state.submissions[sid].assignments if a.active]
    assert len(active) == 2 and not {first, second, "m_a"} & set(active)


def test_who_may_write_reassignments() -> None:
    _, ops, sid = _submitted(diff="+x")
    state = fold_ops(ops)
    sub = state.submissions[sid]
    assert may_reassign(state, "m_fac", sub) and may_reassign(state, "m_men", sub)
    assert may_reassign(state, "m_a", sub)  # the author, for their own submission
    assert not may_reassign(state, "m_b", sub) and not may_reassign(state, "m_rev", sub)
    late = sub.created_at + 5 * DAY_MS
    assert len(stale_for(state, "m_a", late)) == 2 and stale_for(state, "m_b", late) == []


def test_no_reassignment_when_nobody_else_could_take_it() -> None:
    m = OpMaker()
    ops = [
        m.op("m_f", k.CohortCreate(cohort="c", name="n", handle="f", display_name="F")),
        m.op("m_f", k.MemberAdd(member="m_x", handle="x", display_name="X")),
        m.op("m_f", k.ModuleUpsert(module="mo", title="M")),
        m.op("m_f", k.LessonUpsert(lesson="l", module="mo", title="L")),
        m.op(
            "m_x",
            k.SubmissionCreate(
                submission="s",
                lesson="l",
                title="t",
                revision=k.RevisionData(revision="r", diff="+"),
            ),
        ),
    ]
    state = fold_ops(ops)
    assert [a.reviewer for a in state.submissions["s"].assignments] == ["m_f"]
    assert stale_assignments(state, m.now + 30 * DAY_MS) == []

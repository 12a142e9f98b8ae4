"""The showcase on the op log: who may publish, reactions, thanks, features, the export."""

from __future__ import annotations

import html
import random
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from cohort_tui.cli import main
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import showcase as sc
from cohort_tui.domain.ops import Op
from cohort_tui.domain.reduce import fold_ops
from cohort_tui.domain.showcase_pages import showcase_pages
from tests.factories import OpMaker, small_cohort

HOSTILE = "<script>alert(1)</script> [x](javascript:alert(2)) \x1b[31mred\u202e [b]b[/b] *em*"


def _submitted(m: OpMaker, ops: list[Op], author: str = "m_a") -> str:
    ops.append(
        m.op(
            author,
            k.SubmissionCreate(
                submission="s1",
                lesson="l4",
                title="My project",
                revision=k.RevisionData(
                    revision="r1", files=[k.SubmittedFile(path="a.py", content="x")]
                ),
            ),
        )
    )
    return "s1"


def _approve(m: OpMaker, ops: list[Op], verdict: k.Verdict = "approve") -> None:
    ops.append(
        m.op(
            "m_men",
            k.ReviewSubmit(review=f"v_{len(ops)}", submission="s1", revision="r1", verdict=verdict),
        )
    )


def _publish(m: OpMaker, author: str = "m_a", entry: str = "e1", **kw: str) -> Op:
    fields = {"title": "Built it", "built": "a thing", "feedback": "reviews helped"} | kw
    return m.op(author, k.ShowcasePublish(entry=entry, submission="s1", **fields))


def test_only_an_approved_project_is_published_and_only_by_its_authors() -> None:
    m, ops = small_cohort()
    _submitted(m, ops)
    ops.append(_publish(m))  # not approved yet
    _approve(m, ops)
    ops.append(_publish(m, author="m_b", entry="e2"))  # not an author
    ops.append(_publish(m))
    ops.append(_publish(m, entry="e3"))  # a second entry for the same project
    state = fold_ops(ops)
    assert list(state.showcase) == ["e1"]
    reasons = [r.reason for r in state.refused]
    assert reasons == [
        "only an approved project may be published",
        "only the project's authors may publish it",
        "this project is on the showcase already; edit its entry",
    ]
    entry = state.showcase["e1"]
    assert (entry.authors, entry.lesson, entry.title) == (["m_a"], "l4", "Built it")


def test_the_authors_edit_their_entry_and_no_one_else() -> None:
    m, ops = small_cohort()
    _submitted(m, ops)
    _approve(m, ops)
    ops += [_publish(m), _publish(m, title="Better title"), _publish(m, author="m_b", title="x")]
    state = fold_ops(ops)
    assert state.showcase["e1"].title == "Better title"
    assert state.refused[-1].reason == "only the project's authors may edit its showcase entry"


def test_reactions_thanks_and_features() -> None:
    m, ops = small_cohort()
    _submitted(m, ops)
    _approve(m, ops)
    ops.append(_publish(m))
    ops += [
        m.op("m_b", k.ShowcaseReact(entry="e1", emoji="👏")),
        m.op("m_c", k.ShowcaseReact(entry="e1", emoji="👏")),
        m.op("m_c", k.ShowcaseReact(entry="e1", emoji="👏", on=False)),
        m.op("m_b", k.ShowcaseThank(entry="e1", thanks="ty1", text="thank you")),
        m.op("m_b", k.ShowcaseThank(entry="e1", thanks="ty1", text="again")),
        m.op("m_b", k.ShowcaseFeature(entry="e1")),
        m.op("m_fac", k.ShowcaseFeature(entry="e1")),
    ]
    state = fold_ops(ops)
    entry = state.showcase["e1"]
    assert entry.reactions == {"👏": ["m_b"]}
    assert [t.text for t in entry.thanks] == ["thank you"]
    assert entry.featured
    assert [r.reason for r in state.refused] == [
        "thanks id already used",
        "only a facilitator may feature showcase entries",
    ]
    assert sc.reaction_summary(entry) == "👏 1"


def test_the_fold_is_the_same_in_any_order() -> None:
    m, ops = small_cohort()
    _submitted(m, ops)
    _approve(m, ops)
    ops += [_publish(m), m.op("m_b", k.ShowcaseReact(entry="e1", emoji="🎉"))]
    first = fold_ops(ops)
    for seed in range(4):
        shuffled = ops * 2
        random.Random(seed).shuffle(shuffled)
        assert fold_ops(shuffled).showcase == first.showcase


def test_publishable_lists_my_approved_unpublished_projects() -> None:
    m, ops = small_cohort()
    _submitted(m, ops)
    assert sc.publishable(fold_ops(ops), "m_a") == []
    _approve(m, ops)
    state = fold_ops(ops)
    assert [s.id for s in sc.publishable(state, "m_a")] == ["s1"]
    assert sc.publishable(state, "m_b") == []
    ops.append(_publish(m))
    assert sc.publishable(fold_ops(ops), "m_a") == []


def test_pages_are_escaped_scriptless_and_the_same_bytes_every_time() -> None:
    m, ops = small_cohort()
    _submitted(m, ops)
    _approve(m, ops)
    ops.append(_publish(m, title=HOSTILE[:120], built=HOSTILE, feedback=HOSTILE))
    ops.append(m.op("m_b", k.ShowcaseThank(entry="e1", thanks="ty1", text=HOSTILE[:200])))
    pages = showcase_pages(fold_ops(ops))
    again = showcase_pages(fold_ops(list(reversed(ops))))
    assert pages == again
    page = pages["showcase.html"]
    body = page.split("<body>")[1]
    assert "<script" not in page and 'href="javascript' not in body
    assert html.escape("<script>alert(1)</script>") in body
    assert "\x1b" not in page and "\u202e" not in page
    assert "&lt;script&gt;" in page
    rendered = MarkdownIt().render(pages["showcase.md"])
    assert "<script>" not in rendered and "<a href" not in rendered.replace('<a id="e-e1">', "")
    assert "\x1b" not in pages["showcase.md"]


def test_cli_export_showcase_writes_pages_and_refuses_a_foreign_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s"
    assert main(["demo", str(store)]) == 0
    out = tmp_path / "out"
    assert main(["export", "--store", str(store), "--format", "showcase", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".cohort-showcase",
        "showcase.html",
        "showcase.md",
    ]
    assert "notes: a tiny notes CLI" in (out / "showcase.md").read_text()
    first = (out / "showcase.html").read_bytes()
    assert main(["export", "--store", str(store), "--format", "showcase", str(out)]) == 0
    assert (out / "showcase.html").read_bytes() == first
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    capsys.readouterr()
    assert main(["export", "--store", str(store), "--format", "showcase", str(foreign)]) == 1
    assert "holds no earlier showcase export" in capsys.readouterr().err
    assert main(["export", "--store", str(store), "--format", "showcase"]) != 0


def test_cli_showcase_list_thank_react_feature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    store = tmp_path / "s"
    main(["demo", str(store)])
    capsys.readouterr()
    assert main(["showcase", "list", "--store", str(store), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    entry = rows[0]["id"]
    assert rows[0]["featured"] and rows[0]["reactions"] == {"👏": 2, "💡": 1}
    assert main(["showcase", "thank", entry, "so useful", "--store", str(store)]) == 0
    assert main(["showcase", "react", entry, "🎉", "--store", str(store)]) == 0
    assert main(["showcase", "feature", entry, "--off", "--store", str(store)]) == 1  # sam
    assert "only a facilitator" in capsys.readouterr().err
    assert main(["showcase", "feature", entry, "--off", "--store", str(store), "--as", "ada"]) == 0
    assert main(["showcase", "list", "--store", str(store), "--json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert not row["featured"] and row["reactions"]["🎉"] == 1
    assert row["thanks"][-1]["text"] == "so useful"
    assert main(["showcase", "thank", "nope", "x", "--store", str(store)]) == 1

"""curriculum.toml validation (every problem with its key path) and re-import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.curriculum import CurriculumError, curriculum_changes
from cohort_tui.domain.reduce import fold_ops
from cohort_tui.paths import demo_curriculum_dir
from cohort_tui.store.curriculum_files import load_curriculum_dir
from tests.factories import OpMaker

GOOD = """
format = 1
[course]
id = "c"
title = "Course"
[[modules]]
id = "m"
title = "Module"
[[lessons]]
id = "a"
module = "m"
title = "A"
file = "a.md"
[[lessons]]
id = "b"
module = "m"
title = "B"
file = "b.md"
prerequisites = ["a"]
[lessons.project]
title = "P"
rubric = "r"
[[rubrics]]
id = "r"
title = "R"
[[rubrics.criteria]]
id = "ok"
title = "OK"
levels = [{ score = 1, label = "no" }, { score = 2, label = "yes" }]
[[milestones]]
id = "w1"
title = "Week 1"
due_days = 7
lessons = ["a"]
projects = ["b"]
"""


def folder(tmp_path: Path, toml: str, files: tuple[str, ...] = ("a.md", "b.md")) -> Path:
    root = tmp_path / "cur"
    root.mkdir(exist_ok=True)
    (root / "curriculum.toml").write_text(toml)
    for name in files:
        (root / name).write_text(f"# {name}\n")
    return root


def problems(tmp_path: Path, toml: str, files: tuple[str, ...] = ("a.md", "b.md")) -> str:
    with pytest.raises(CurriculumError) as err:
        load_curriculum_dir(folder(tmp_path, toml, files))
    return str(err.value)


def test_the_good_one_and_the_demo_parse(tmp_path: Path) -> None:
    parsed = load_curriculum_dir(folder(tmp_path, GOOD))
    assert [le.lesson for le in parsed.lessons] == ["a", "b"]
    demo = load_curriculum_dir(demo_curriculum_dir())
    assert len(demo.lessons) >= 10 and sum(le.check is not None for le in demo.lessons) >= 2


def test_unknown_key_names_its_path(tmp_path: Path) -> None:
    text = problems(tmp_path, GOOD.replace('title = "B"', 'title = "B"\ncolour = "red"'))
    assert "curriculum.toml: lessons[1].colour: unknown key" in text


def test_missing_file(tmp_path: Path) -> None:
    assert "lessons[1].file: file 'b.md' does not exist" in problems(tmp_path, GOOD, ("a.md",))


def test_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    text = problems(tmp_path, GOOD.replace('file = "b.md"', 'file = "../../etc/passwd"'))
    assert "must be a path inside the curriculum folder" in text


def test_duplicate_ids(tmp_path: Path) -> None:
    assert "lessons[1].id: duplicate lesson id 'a'" in problems(
        tmp_path, GOOD.replace('id = "b"', 'id = "a"').replace('prerequisites = ["a"]', "")
    )


def test_prerequisite_cycle(tmp_path: Path) -> None:
    toml = GOOD.replace('file = "a.md"', 'file = "a.md"\nprerequisites = ["b"]')
    assert "prerequisite cycle: a -> b -> a" in problems(tmp_path, toml)


def test_unknown_prerequisite_and_module(tmp_path: Path) -> None:
    text = problems(
        tmp_path,
        GOOD.replace('prerequisites = ["a"]', 'prerequisites = ["zz"]').replace(
            'module = "m"\ntitle = "A"', 'module = "nope"\ntitle = "A"'
        ),
    )
    assert "lessons[1].prerequisites: unknown lesson 'zz'" in text
    assert "lessons[0].module: unknown module 'nope'" in text


def test_bad_rubric(tmp_path: Path) -> None:
    text = problems(
        tmp_path,
        GOOD.replace(
            'levels = [{ score = 1, label = "no" }, { score = 2, label = "yes" }]',
            'levels = [{ score = 1, label = "only one" }]',
        ).replace('rubric = "r"', 'rubric = "q"'),
    )
    assert "rubrics[0].criteria[0].levels: a criterion needs at least two levels" in text
    assert "lessons[1].project.rubric: unknown rubric 'q'" in text


def test_not_toml_and_wrong_types(tmp_path: Path) -> None:
    assert "curriculum.toml" in problems(tmp_path, "this is [ not toml")
    text = problems(tmp_path, GOOD.replace('title = "A"', "title = 5"))
    assert "lessons[0].title: must be a string" in text


def test_nothing_is_written_when_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cohort_tui.cli import main

    store = tmp_path / "store"
    assert main(["init", str(store), "--name", "x", "--handle", "fac"]) == 0
    before = (store / "ops.jsonl").read_bytes()
    bad = folder(tmp_path, GOOD, ("a.md",))
    assert main(["curriculum", "import", str(bad), "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert "1 problem(s); nothing was written" in err and "b.md" in err
    assert (store / "ops.jsonl").read_bytes() == before


def test_reimport_archives_removed_lessons_and_keeps_progress(tmp_path: Path) -> None:
    m = OpMaker()
    ops = [m.op("m_f", k.CohortCreate(cohort="c", name="x", handle="f", display_name="F"))]
    ops += [
        m.op("m_f", d)
        for d in curriculum_changes(fold_ops(ops), load_curriculum_dir(folder(tmp_path, GOOD)))
    ]
    ops.append(m.op("m_f", k.ProgressSet(lesson="b", status="done")))
    state = fold_ops(ops)
    assert curriculum_changes(state, load_curriculum_dir(folder(tmp_path, GOOD))) == []
    shutil.rmtree(tmp_path / "cur")
    smaller = (
        GOOD.split('[[lessons]]\nid = "b"')[0] + "\n[[rubrics]]" + GOOD.split("[[rubrics]]")[1]
    )
    smaller = smaller.replace('projects = ["b"]', "projects = []")
    changes = curriculum_changes(state, load_curriculum_dir(folder(tmp_path, smaller, ("a.md",))))
    archived = [c for c in changes if isinstance(c, k.LessonUpsert)]
    assert [(c.lesson, c.archived) for c in archived] == [("b", True)]
    state = fold_ops([*ops, *(m.op("m_f", c) for c in changes)])
    assert state.lessons["b"].archived
    assert state.progress["m_f"]["b"].status == "done"

"""The curriculum format: a parsed ``curriculum.toml`` in, validated op payloads out.

Pure: the caller parses the TOML and passes a ``read_file`` function for the lesson,
check and example files, so this module never touches the file system. Every problem is
collected with its key path (``lessons[3].prerequisites``) before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import DAY_MS, State
from cohort_tui.domain.utf8 import where_not_utf8

SLUG = re.compile(r"^[a-z0-9][a-z0-9\-]*$")

_TOP_KEYS = {"format", "course", "modules", "lessons", "rubrics", "milestones"}
_COURSE_KEYS = {"id", "title", "summary"}
_MODULE_KEYS = {"id", "title", "summary"}
_LESSON_KEYS = {
    "id",
    "module",
    "title",
    "file",
    "minutes",
    "prerequisites",
    "tags",
    "hints",
    "resources",
    "check",
    "project",
}
_CHECK_KEYS = {"script", "timeout"}
_PROJECT_KEYS = {"title", "brief", "rubric", "reviewers", "team_size"}
_RUBRIC_KEYS = {"id", "title", "criteria", "example"}
_CRITERION_KEYS = {"id", "title", "guidance", "levels"}
_LEVEL_KEYS = {"score", "label", "description"}
_EXAMPLE_KEYS = {"title", "file", "scores", "comment"}
_MILESTONE_KEYS = {"id", "title", "description", "due_days", "lessons", "projects"}


class CurriculumError(ValueError):
    """Every problem found in a curriculum, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ParsedCurriculum:
    """A validated curriculum, as op payloads in the order they must be applied."""

    course: k.CurriculumSet
    modules: list[k.ModuleUpsert]
    rubrics: list[k.RubricUpsert]
    lessons: list[k.LessonUpsert]
    milestones: list[tuple[str, str, str, int, list[str], list[str]]]
    """``(id, title, description, due_days, lessons, projects)``; dated on import."""


class _Checker:
    def __init__(self, read_file: Callable[[str], str]) -> None:
        self.problems: list[str] = []
        self.read_file = read_file

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def table(self, value: Any, path: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "must be a table")
            return {}
        for key in sorted(set(value) - allowed):
            self.fail(f"{path}.{key}" if path else key, "unknown key")
        for key in sorted(required - set(value)):
            self.fail(path or "curriculum.toml", f"missing required key '{key}'")
        return value

    def text(
        self,
        table: dict[str, Any],
        key: str,
        path: str,
        default: str | None = None,
        limit: int = 300,
    ) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            if key in table or default is None:
                self.fail(f"{path}.{key}", "must be a string")
            return default or ""
        if len(value) > limit:
            self.fail(f"{path}.{key}", f"is longer than {limit} characters")
        return value

    def slug(self, table: dict[str, Any], key: str, path: str) -> str:
        value = self.text(table, key, path, limit=80)
        if value and not SLUG.match(value):
            self.fail(f"{path}.{key}", f"'{value}' must be lowercase letters, digits and '-'")
        return value

    def integer(
        self, table: dict[str, Any], key: str, path: str, default: int, lo: int, hi: int
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.fail(f"{path}.{key}", f"must be a whole number from {lo} to {hi}")
            return default
        return value

    def strings(self, table: dict[str, Any], key: str, path: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{path}.{key}", "must be a list of strings")
            return []
        return value

    def tables(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "must be an array of tables")
            return []
        return value

    def file(self, name: str, path: str) -> str:
        if not name:
            return ""
        if name.startswith("/") or ".." in name.replace("\\", "/").split("/"):
            self.fail(path, f"'{name}' must be a path inside the curriculum folder")
            return ""
        try:
            text = self.read_file(name)
        except FileNotFoundError:
            self.fail(path, f"file '{name}' does not exist")
        except UnicodeDecodeError as exc:
            self.fail(path, f"file '{name}' is not UTF-8 text ({where_not_utf8(exc)})")
        except OSError as exc:
            self.fail(path, f"file '{name}' cannot be read ({exc.strerror or exc})")
        else:
            if "\0" not in text:
                return text
            # Valid UTF-8 but a NUL byte: a binary file named by mistake, never a lesson.
            nul = text.index("\0")
            line = text.count("\n", 0, nul) + 1
            self.fail(path, f"file '{name}' holds a NUL byte (line {line}); is it a binary file?")
        return ""


def parse_curriculum(raw: dict[str, Any], read_file: Callable[[str], str]) -> ParsedCurriculum:
    """Validate a parsed ``curriculum.toml``; raises :class:`CurriculumError` listing all
    problems with their key paths."""
    c = _Checker(read_file)
    top = c.table(raw, "", _TOP_KEYS, {"format", "course", "modules", "lessons"})
    if top.get("format", 1) != 1:
        c.fail("format", "this version reads format 1")
    course_t = c.table(top.get("course", {}), "course", _COURSE_KEYS, {"id", "title"})
    course = k.CurriculumSet(
        course=c.slug(course_t, "id", "course") or "course",
        title=c.text(course_t, "title", "course", ""),
        summary=c.text(course_t, "summary", "course", "", limit=20_000),
    )

    modules: list[k.ModuleUpsert] = []
    for i, mt in enumerate(c.tables(top.get("modules"), "modules")):
        path = f"modules[{i}]"
        t = c.table(mt, path, _MODULE_KEYS, {"id", "title"})
        mid = c.slug(t, "id", path)
        if any(m.module == mid for m in modules):
            c.fail(f"{path}.id", f"duplicate module id '{mid}'")
        modules.append(
            k.ModuleUpsert(
                module=mid or f"module-{i}",
                title=c.text(t, "title", path, ""),
                summary=c.text(t, "summary", path, "", limit=20_000),
                order=i,
            )
        )
    module_ids = {m.module for m in modules}

    rubrics = _parse_rubrics(c, top)
    rubric_ids = {r.rubric for r in rubrics}

    lessons: list[k.LessonUpsert] = []
    seen: set[str] = set()
    for i, lt in enumerate(c.tables(top.get("lessons"), "lessons")):
        path = f"lessons[{i}]"
        t = c.table(lt, path, _LESSON_KEYS, {"id", "module", "title", "file"})
        lid = c.slug(t, "id", path)
        if lid in seen:
            c.fail(f"{path}.id", f"duplicate lesson id '{lid}'")
        seen.add(lid)
        module = c.text(t, "module", path, "")
        if module and module not in module_ids:
            c.fail(f"{path}.module", f"unknown module '{module}'")
        body = c.file(c.text(t, "file", path, ""), f"{path}.file")
        resources = []
        for j, rt in enumerate(c.tables(t.get("resources"), f"{path}.resources")):
            rp = f"{path}.resources[{j}]"
            r = c.table(rt, rp, {"title", "url"}, {"title", "url"})
            resources.append(
                k.Resource(
                    title=c.text(r, "title", rp, ""), url=c.text(r, "url", rp, "", limit=2_000)
                )
            )
        check = None
        if "check" in t:
            ct = c.table(t["check"], f"{path}.check", _CHECK_KEYS, {"script"})
            script_name = c.text(ct, "script", f"{path}.check", "")
            script = c.file(script_name, f"{path}.check.script")
            check = k.Check(
                script_name=script_name.rsplit("/", 1)[-1] or "check.py",
                script=script,
                timeout=c.integer(ct, "timeout", f"{path}.check", 60, 1, 3_600),
            )
        project = None
        if "project" in t:
            pp = f"{path}.project"
            pt = c.table(t["project"], pp, _PROJECT_KEYS, {"title"})
            rubric = pt.get("rubric")
            if rubric is not None and rubric not in rubric_ids:
                c.fail(f"{pp}.rubric", f"unknown rubric '{rubric}'")
            project = k.Project(
                title=c.text(pt, "title", pp, ""),
                brief=c.text(pt, "brief", pp, "", limit=20_000),
                rubric=rubric if isinstance(rubric, str) else None,
                reviewers=c.integer(pt, "reviewers", pp, 2, 1, 10),
                team_size=c.integer(pt, "team_size", pp, 1, 1, k.MAX_TEAM_SIZE),
            )
        lessons.append(
            k.LessonUpsert(
                lesson=lid or f"lesson-{i}",
                module=module,
                title=c.text(t, "title", path, ""),
                body=body,
                order=i,
                minutes=c.integer(t, "minutes", path, 0, 0, 10_000),
                prerequisites=c.strings(t, "prerequisites", path),
                tags=c.strings(t, "tags", path),
                hints=c.strings(t, "hints", path),
                resources=resources,
                check=check,
                project=project,
            )
        )

    lesson_ids = {le.lesson for le in lessons}
    for i, lesson in enumerate(lessons):
        for prereq in lesson.prerequisites:
            if prereq not in lesson_ids:
                c.fail(f"lessons[{i}].prerequisites", f"unknown lesson '{prereq}'")
    if cycle := _find_cycle({le.lesson: le.prerequisites for le in lessons}):
        c.fail("lessons", "prerequisite cycle: " + " -> ".join(cycle))

    milestones: list[tuple[str, str, str, int, list[str], list[str]]] = []
    for i, mt in enumerate(c.tables(top.get("milestones"), "milestones")):
        path = f"milestones[{i}]"
        t = c.table(mt, path, _MILESTONE_KEYS, {"id", "title", "due_days"})
        mid = c.slug(t, "id", path)
        if any(m[0] == mid for m in milestones):
            c.fail(f"{path}.id", f"duplicate milestone id '{mid}'")
        needed = c.strings(t, "lessons", path)
        projects = c.strings(t, "projects", path)
        for lid in needed:
            if lid not in lesson_ids:
                c.fail(f"{path}.lessons", f"unknown lesson '{lid}'")
        for lid in projects:
            if not any(le.lesson == lid and le.project for le in lessons):
                c.fail(f"{path}.projects", f"'{lid}' is not a lesson with a project")
        milestones.append(
            (
                mid,
                c.text(t, "title", path, ""),
                c.text(t, "description", path, "", limit=20_000),
                c.integer(t, "due_days", path, 7, 0, 3_650),
                needed,
                projects,
            )
        )

    if c.problems:
        raise CurriculumError(c.problems)
    return ParsedCurriculum(course, modules, rubrics, lessons, milestones)


def _parse_rubrics(c: _Checker, top: dict[str, Any]) -> list[k.RubricUpsert]:
    rubrics: list[k.RubricUpsert] = []
    for i, rt in enumerate(c.tables(top.get("rubrics"), "rubrics")):
        path = f"rubrics[{i}]"
        t = c.table(rt, path, _RUBRIC_KEYS, {"id", "title", "criteria"})
        rid = c.slug(t, "id", path)
        if any(r.rubric == rid for r in rubrics):
            c.fail(f"{path}.id", f"duplicate rubric id '{rid}'")
        criteria = []
        for j, ct in enumerate(c.tables(t.get("criteria"), f"{path}.criteria")):
            cp = f"{path}.criteria[{j}]"
            ctab = c.table(ct, cp, _CRITERION_KEYS, {"id", "title", "levels"})
            levels = []
            for n, lv in enumerate(c.tables(ctab.get("levels"), f"{cp}.levels")):
                lp = f"{cp}.levels[{n}]"
                lt = c.table(lv, lp, _LEVEL_KEYS, {"score", "label"})
                levels.append(
                    k.Level(
                        score=c.integer(lt, "score", lp, 0, 0, 100),
                        label=c.text(lt, "label", lp, ""),
                        description=c.text(lt, "description", lp, "", 4_000),
                    )
                )
            if len(levels) < 2:
                c.fail(f"{cp}.levels", "a criterion needs at least two levels")
            if len({lv.score for lv in levels}) != len(levels):
                c.fail(f"{cp}.levels", "level scores must be distinct")
            levels.sort(key=lambda lv: lv.score)
            criteria.append(
                k.Criterion(
                    id=c.slug(ctab, "id", cp) or f"c{j}",
                    title=c.text(ctab, "title", cp, ""),
                    guidance=c.text(ctab, "guidance", cp, "", 4_000),
                    levels=levels if len(levels) >= 2 else _two_levels(),
                )
            )
        if not criteria:
            c.fail(f"{path}.criteria", "a rubric needs at least one criterion")
        if len({cr.id for cr in criteria}) != len(criteria):
            c.fail(f"{path}.criteria", "criterion ids must be distinct")
        example = None
        if "example" in t:
            ep = f"{path}.example"
            et = c.table(t["example"], ep, _EXAMPLE_KEYS, {"title", "file", "scores"})
            scores = et.get("scores", {})
            if not isinstance(scores, dict):
                c.fail(f"{ep}.scores", "must be a table of criterion = score")
                scores = {}
            for cid, score in scores.items():
                crit = next((cr for cr in criteria if cr.id == cid), None)
                if crit is None:
                    c.fail(f"{ep}.scores.{cid}", "unknown criterion")
                elif score not in {lv.score for lv in crit.levels}:
                    c.fail(f"{ep}.scores.{cid}", f"{score!r} is not one of the levels")
            file_name = c.text(et, "file", ep, "")
            example = k.RubricExample(
                title=c.text(et, "title", ep, ""),
                path=file_name,
                content=c.file(file_name, f"{ep}.file"),
                scores={str(a): b for a, b in scores.items() if isinstance(b, int)},
                comment=c.text(et, "comment", ep, "", 20_000),
            )
        rubrics.append(
            k.RubricUpsert(
                rubric=rid or f"rubric-{i}",
                title=c.text(t, "title", path, ""),
                criteria=criteria or [k.Criterion(id="c", title="c", levels=_two_levels())],
                example=example,
            )
        )
    return rubrics


def _two_levels() -> list[k.Level]:
    return [k.Level(score=0, label="-"), k.Level(score=1, label="-")]


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A prerequisite cycle as a path that ends where it starts, or None."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if colour.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if colour.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        colour[node] = 2
        return None

    for node in graph:
        if colour.get(node) is None and (found := visit(node)):
            return found
    return None


def curriculum_changes(state: State, parsed: ParsedCurriculum) -> list[k.Data]:
    """The ops that bring the state's curriculum in line with ``parsed``.

    Unchanged entities give no op, so re-importing the same folder writes nothing.
    Removed modules and lessons are archived (progress on them is kept); milestones are
    dated from the cohort's start.
    """
    out: list[k.Data] = []
    if state.course is None or (state.course.id, state.course.title, state.course.summary) != (
        parsed.course.course,
        parsed.course.title,
        parsed.course.summary,
    ):
        out.append(parsed.course)
    for m in parsed.modules:
        old = state.modules.get(m.module)
        if old is None or (old.title, old.summary, old.order, old.archived) != (
            m.title,
            m.summary,
            m.order,
            False,
        ):
            out.append(m)
    for r in parsed.rubrics:
        old_r = state.rubrics.get(r.rubric)
        if old_r is None or (old_r.title, old_r.criteria, old_r.example) != (
            r.title,
            r.criteria,
            r.example,
        ):
            out.append(r)
    for le in parsed.lessons:
        old_l = state.lessons.get(le.lesson)
        if old_l is None or _lesson_tuple(old_l) != _lesson_tuple(le):
            out.append(le)
    new_lessons = {le.lesson for le in parsed.lessons}
    for old_l in state.lessons.values():
        if old_l.id not in new_lessons and not old_l.archived:
            out.append(
                k.LessonUpsert(
                    lesson=old_l.id,
                    module=old_l.module,
                    title=old_l.title,
                    body=old_l.body,
                    order=old_l.order,
                    archived=True,
                )
            )
    new_modules = {m.module for m in parsed.modules}
    for old_m in state.modules.values():
        if old_m.id not in new_modules and not old_m.archived:
            out.append(
                k.ModuleUpsert(module=old_m.id, title=old_m.title, order=old_m.order, archived=True)
            )
    start = state.cohort.starts_at if state.cohort else 0
    start_day = start - start % DAY_MS
    for mid, title, description, due_days, lessons, projects in parsed.milestones:
        due = start_day + due_days * DAY_MS + 17 * 3_600_000  # 17:00 UTC on the due day
        old_ms = state.milestones.get(mid)
        if old_ms is None or (
            old_ms.title,
            old_ms.description,
            old_ms.due,
            old_ms.lessons,
            old_ms.projects,
            old_ms.archived,
        ) != (title, description, due, lessons, projects, False):
            out.append(
                k.MilestoneUpsert(
                    milestone=mid,
                    title=title,
                    due=due,
                    description=description,
                    lessons=lessons,
                    projects=projects,
                )
            )
    return out


def _lesson_tuple(le: Any) -> tuple[Any, ...]:
    """The fields a stored lesson and a ``LessonUpsert`` share, for change detection."""
    return (
        le.module,
        le.title,
        le.body,
        le.order,
        le.minutes,
        le.prerequisites,
        le.tags,
        le.hints,
        le.resources,
        le.check,
        le.project,
        le.archived,
    )

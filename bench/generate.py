"""Builds large synthetic cohorts for the benchmarks (not a benchmark itself).

``big_cohort_ops()`` makes about 100k ops: ~300 members, 20k posts in 2k threads, 3k
submissions with reviews, a 10x10 curriculum and progress spread across everyone.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import HybridClock
from cohort_tui.domain.model import DAY_MS, State
from cohort_tui.domain.ops import Op, encode_op
from cohort_tui.domain.reduce import apply_op
from cohort_tui.store.workspace import Replica, StoreConfig, write_config

T0 = 1_790_000_000_000
WORDS = [
    "python",
    "function",
    "test",
    "loop",
    "list",
    "dict",
    "file",
    "path",
    "json",
    "argparse",
    "venv",
    "git",
    "commit",
    "review",
    "error",
    "value",
    "type",
    "class",
    "module",
    "import",
    "return",
    "print",
    "string",
    "bytes",
]


class Gen:
    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.clock = HybridClock("n_bench")
        self.now = T0
        self.n = 0
        self.ops: list[Op] = []
        self.state = State()

    def text(self, words: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words))

    def op(self, author: str, data: k.Data, fold: bool = True) -> Op:
        self.now += self.rng.randint(1, 20_000)
        self.n += 1
        op = Op(f"b{self.n:08d}", data.KIND, author, self.clock.now(self.now), data)
        self.ops.append(op)
        if fold:
            apply_op(self.state, op)
        return op


def curriculum(g: Gen, modules: int, per_module: int) -> list[str]:
    lessons = []
    g.op(
        "m_0",
        k.CohortCreate(
            cohort="c_bench", name="Bench Cohort", handle="u0", display_name="User 0", starts_at=T0
        ),
        fold=True,
    )
    for m in range(modules):
        g.op(
            "m_0",
            k.ModuleUpsert(module=f"mod{m}", title=f"Module {m}: {g.text(3)}", order=m),
            fold=True,
        )
        for i in range(per_module):
            lid = f"mod{m}-l{i}"
            prereq = [lessons[-1]] if lessons else []
            project = k.Project(title="Project", rubric="rub") if i == per_module - 1 else None
            if m == 0 and i == 0:
                g.op(
                    "m_0",
                    k.RubricUpsert(
                        rubric="rub",
                        title="Rubric",
                        criteria=[
                            k.Criterion(
                                id=f"c{c}",
                                title=f"Criterion {c}",
                                levels=[k.Level(score=s, label=f"L{s}") for s in range(1, 5)],
                            )
                            for c in range(4)
                        ],
                    ),
                    fold=True,
                )
            g.op(
                "m_0",
                k.LessonUpsert(
                    lesson=lid,
                    module=f"mod{m}",
                    title=f"Lesson {m}.{i}",
                    body=f"# Lesson {m}.{i}\n\n" + g.text(300),
                    order=m * per_module + i,
                    minutes=20,
                    prerequisites=prereq,
                    project=project,
                ),
                fold=True,
            )
            lessons.append(lid)
    return lessons


def big_cohort_ops(
    members: int = 300,
    posts: int = 20_000,
    threads: int = 2_000,
    submissions: int = 3_000,
    modules: int = 10,
    per_module: int = 10,
) -> list[Op]:
    """About 100k ops with the default sizes."""
    g = Gen()
    lessons = curriculum(g, modules, per_module)
    people = [f"m_{i}" for i in range(members)]
    for i, mid in enumerate(people[1:], start=1):
        roles = (
            ["learner", "reviewer"] if i % 10 == 0 else ["mentor"] if i % 50 == 1 else ["learner"]
        )
        g.op(
            "m_0",
            k.MemberAdd(member=mid, handle=f"u{i}", display_name=f"User {i}", roles=roles),
            fold=True,
        )  # type: ignore[arg-type]
    projects = [le for le in lessons if le.endswith(f"-l{per_module - 1}")]
    # Progress: everyone walks the lessons in order at their own pace.
    pace = {m: g.rng.randint(0, len(lessons)) for m in people}
    for step in range(len(lessons)):
        for m in people:
            if step < pace[m]:
                g.op(m, k.ProgressSet(lesson=lessons[step], status="doing"))
                g.op(m, k.ProgressSet(lesson=lessons[step], status="done"))
    thread_ids = []
    for t in range(threads):
        tid, author = f"t{t}", g.rng.choice(people)
        g.op(
            author,
            k.ThreadCreate(
                thread=tid,
                post=f"p{t}_0",
                title=g.text(6),
                body=g.text(40),
                lesson=g.rng.choice(lessons),
                tags=[g.rng.choice(WORDS)],
            ),
        )
        thread_ids.append(tid)
    for p in range(posts - threads):
        tid = g.rng.choice(thread_ids)
        op = g.op(g.rng.choice(people), k.PostCreate(post=f"q{p}", thread=tid, body=g.text(30)))
        if p % 3 == 0:
            g.op(g.rng.choice(people), k.ThreadRead(thread=tid, upto=op.clock))
        if p % 4 == 0:
            g.op(g.rng.choice(people), k.PostReact(post=f"q{p}", emoji="+1"))
    code = "\n".join(f"def f{i}(x):\n    return x + {i}" for i in range(40))
    for s in range(submissions):
        author = g.rng.choice(people)
        sid = f"s{s}"
        g.op(
            author,
            k.SubmissionCreate(
                submission=sid,
                lesson=g.rng.choice(projects),
                title=g.text(4),
                revision=k.RevisionData(
                    revision=f"{sid}r0", files=[k.SubmittedFile(path="main.py", content=code)]
                ),
            ),
            fold=True,
        )
        for a in list(g.state.submissions[sid].assignments):
            if g.rng.random() < 0.7:
                g.op(
                    a.reviewer,
                    k.ReviewSubmit(
                        review=f"v{s}_{a.reviewer}",
                        submission=sid,
                        revision=f"{sid}r0",
                        verdict=g.rng.choice(["approve", "changes"]),
                        scores={f"c{c}": g.rng.randint(1, 4) for c in range(4)},
                        comment=g.text(20),
                    ),
                    fold=True,
                )
    while len(g.ops) < 100_000:
        g.op(
            g.rng.choice(people),
            k.ThreadRead(thread=g.rng.choice(thread_ids), upto=(g.now, 0, "n")),
        )
    for i in range(4):
        g.op(
            "m_0",
            k.MilestoneUpsert(
                milestone=f"ms{i}",
                title=f"Milestone {i}",
                due=T0 + (i + 1) * 7 * DAY_MS,
                lessons=lessons[: (i + 1) * len(lessons) // 4],
            ),
        )
    return g.ops


def write_store(root: Path, ops: list[Op], member: str = "m_1") -> Path:
    """Write ``ops`` as a store (log lines written directly; no snapshot yet)."""
    root.mkdir(parents=True, exist_ok=True)
    write_config(root, StoreConfig(cohort="c_bench", node="n_bench", default_member=member))
    with (root / "ops.jsonl").open("wb") as f:
        for op in sorted(ops, key=Op.sort_key):
            f.write(encode_op(op) + b"\n")
    return root


def big_store(root: Path) -> Path:
    """A 100k-op store at ``root`` with its snapshot written, made once and reused."""
    from cohort_tui.store.snapshot import SNAPSHOT_NAME

    if not (root / "store.toml").exists():
        write_store(root, big_cohort_ops())
    if not (root / SNAPSHOT_NAME).exists():
        Replica(root).save_snapshot()
    else:
        Replica(root)  # a snapshot of another format (or log) is rebuilt as it opens
    return root


if __name__ == "__main__":
    import time

    t = time.perf_counter()
    ops = big_cohort_ops()
    print(f"{len(ops)} ops generated in {time.perf_counter() - t:.2f}s")

"""Builders for small, hand-checkable cohorts made of real ops."""

from __future__ import annotations

import json
import time

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import HybridClock
from cohort_tui.domain.model import DAY_MS
from cohort_tui.domain.ops import Op

T0 = 1_790_000_000_000
"""A fixed epoch-ms start so tests never depend on the wall clock."""


class OpMaker:
    """Makes ops at explicit times with a deterministic clock and ids."""

    def __init__(self, node: str = "n_test", start: int = T0) -> None:
        self.clock = HybridClock(node)
        self.now = start
        self.count = 0

    def op(self, author: str, data: k.Data, at: int | None = None) -> Op:
        if at is not None:
            self.now = at
        else:
            self.now += 1_000
        self.count += 1
        stamp = self.clock.now(self.now)
        return Op(f"op{self.count:06d}{self.clock.node}", data.KIND, author, stamp, data)


def small_cohort(m: OpMaker | None = None) -> tuple[OpMaker, list[Op]]:
    """A facilitator, a mentor, a reviewer and three learners; two modules, four lessons
    (the last with a rubric-scored project), one milestone."""
    m = m or OpMaker()
    ops = [
        m.op(
            "m_fac",
            k.CohortCreate(
                cohort="c1",
                name="Test Pod",
                handle="fac",
                display_name="Fay Facilitator",
                starts_at=T0,
            ),
        ),
    ]
    people: tuple[tuple[str, str, list[k.Role]], ...] = (
        ("m_men", "men", ["mentor"]),
        ("m_rev", "rev", ["reviewer", "learner"]),
        ("m_a", "alice", ["learner"]),
        ("m_b", "bob", ["learner"]),
        ("m_c", "carol", ["learner"]),
    )
    for mid, handle, roles in people:
        ops.append(
            m.op(
                "m_fac",
                k.MemberAdd(member=mid, handle=handle, display_name=handle.title(), roles=roles),
            )
        )
    ops += [
        m.op("m_fac", k.ModuleUpsert(module="basics", title="Basics", order=0)),
        m.op("m_fac", k.ModuleUpsert(module="more", title="More", order=1)),
        m.op(
            "m_fac",
            k.RubricUpsert(
                rubric="r1",
                title="Project",
                criteria=[
                    k.Criterion(
                        id="works",
                        title="Works",
                        levels=[
                            k.Level(score=1, label="no"),
                            k.Level(score=2, label="mostly"),
                            k.Level(score=3, label="yes"),
                        ],
                    )
                ],
            ),
        ),
        m.op("m_fac", k.LessonUpsert(lesson="l1", module="basics", title="One", order=0)),
        m.op(
            "m_fac",
            k.LessonUpsert(
                lesson="l2", module="basics", title="Two", order=1, prerequisites=["l1"]
            ),
        ),
        m.op(
            "m_fac",
            k.LessonUpsert(
                lesson="l3", module="more", title="Three", order=2, prerequisites=["l2"]
            ),
        ),
        m.op(
            "m_fac",
            k.LessonUpsert(
                lesson="l4",
                module="more",
                title="Project",
                order=3,
                prerequisites=["l3"],
                project=k.Project(title="Build it", rubric="r1", reviewers=2),
            ),
        ),
        m.op(
            "m_fac",
            k.MilestoneUpsert(
                milestone="ms1", title="Week 1", due=T0 + 7 * DAY_MS, lessons=["l1", "l2"]
            ),
        ),
    ]
    return m, ops


def poison_line(author: str = "m_ada", op_id: str = "01POISON0000000000000000AA") -> str:
    """Issue 11's op as a log line: 300 days ahead, counter one past the signed 32-bit range."""
    op = {
        "id": op_id,
        "kind": "progress.set",
        "author": author,
        "clock": [int(time.time() * 1000) + 300 * DAY_MS, 2**31, "n_evil"],
        "data": {"lesson": "x", "status": "done"},
    }
    return json.dumps(op) + "\n"

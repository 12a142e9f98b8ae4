"""Pure helpers of the review screens: waiting bands, calibration, who may review."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain import review_view as rv
from cohort_tui.domain.review_input import rubric_for
from tests.ui.helpers import demo_replica

HOUR = 3_600_000


@given(st.integers(min_value=0, max_value=10_000 * HOUR), st.integers(1, 500))
def test_bands_are_ordered_by_waiting_time(waited: int, target: int) -> None:
    order = ["fresh", "due", "overdue"]
    band = rv.waiting_band(waited, target)
    later = rv.waiting_band(waited + HOUR, target)
    assert order.index(later) >= order.index(band)
    assert (band == "overdue") == (waited > target * HOUR)


def test_waited_is_compact() -> None:
    assert rv.waited(5 * HOUR) == "5h"
    assert rv.waited(27 * HOUR) == "1d 3h"
    assert rv.waited(-1) == "0h"


def test_calibration_is_asked_once_per_rubric(tmp_path: Path) -> None:
    replica = demo_replica(tmp_path / "s")
    state = replica.state
    sub = next(s for s in state.submissions.values() if "tags" in s.title)
    rubric = rubric_for(state, sub)
    assert rubric is not None and rubric.example is not None
    assert not rv.needs_calibration(state, "m_sam", rubric)  # already reviewed with it
    assert rv.needs_calibration(state, "m_ada", rubric)
    assert not rv.needs_calibration(state, "m_ada", None)
    replica.write(
        k.ReviewSubmit(
            review="v_cal",
            submission=rv.calibration_id(rubric.id),
            revision=rv.CALIBRATION_REVISION,
            verdict="approve",
            scores={"correctness": 4, "tests": 0},
            calibration=True,
        ),
        author="m_ada",
    )
    state = replica.state
    assert rv.calibration_review(state, "m_ada", rubric.id) is not None
    assert not rv.needs_calibration(state, "m_ada", rubric)
    rows = {r.criterion: r for r in rv.calibration_rows(rubric, {"correctness": 4, "tests": 0})}
    assert rows["Correctness"].delta == 1 and rows["Correctness"].mine == "4 Polished"
    assert rows["Correctness"].reference == "3 Works"
    assert rows["Tests"].delta == 0
    assert rows["Code clarity"].delta is None and rows["Code clarity"].mine == "-"


def test_who_may_review(tmp_path: Path) -> None:
    state = demo_replica(tmp_path / "s").state
    sub = next(s for s in state.submissions.values() if "tags" in s.title)
    assert rv.may_review(state, "m_sam", sub)  # assigned
    assert rv.may_review(state, "m_ada", sub)  # facilitator
    assert not rv.may_review(state, "m_priya", sub)  # the author
    assert not rv.may_review(state, "m_mei", sub)  # not assigned, no role

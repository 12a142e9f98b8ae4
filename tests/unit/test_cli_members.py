"""cohort member add: a facilitator adds a seat offline (issue 14)."""

from __future__ import annotations

from pathlib import Path

from cohort_tui.store.workspace import Replica
from tests.unit.conftest import CliRunner


def test_a_facilitator_adds_a_member_who_can_then_act(cli: CliRunner, demo: Path) -> None:
    code, out, err = cli(
        "member", "add", "nia", "--name", "Nia Okafor", "--as", "ada", "--store", str(demo)
    )
    assert code == 0, err
    assert "added @nia (learner)" in out
    member = next(m for m in Replica(demo).state.members.values() if m.handle == "nia")
    assert member.display_name == "Nia Okafor" and member.roles == ["learner"]
    code, out, err = cli("status", "--as", "nia", "--store", str(demo))
    assert code == 0, err


def test_a_learner_may_not_add_members(cli: CliRunner, demo: Path) -> None:
    code, _, err = cli("member", "add", "nia", "--name", "Nia", "--as", "sam", "--store", str(demo))
    assert code == 1 and "not allowed" in err and err[-1] == "\n" and err.count("\n") == 1
    assert not any(m.handle == "nia" for m in Replica(demo).state.members.values())


def test_bad_handles_and_taken_handles_are_one_line_errors(cli: CliRunner, demo: Path) -> None:
    for handle, needle in [("Nia Okafor", "a handle is"), ("sam", "already a member")]:
        code, _, err = cli(
            "member", "add", handle, "--name", "N", "--as", "ada", "--store", str(demo)
        )
        assert code == 1 and needle in err and err.count("\n") == 1, err


def test_the_demo_cohort_demo_writes_has_a_newcomer_to_onboard(
    cli: CliRunner, tmp_path: Path
) -> None:
    from cohort_tui.domain.onboarding import checklist, offer_checklist

    code, _, err = cli("demo", str(tmp_path / "pod"))
    assert code == 0, err
    state = Replica(tmp_path / "pod").state
    nia = next(m for m in state.members.values() if m.handle == "nia")
    steps = checklist(state, nia.id, norms_read=False)
    assert not any(step.done for step in steps)
    assert offer_checklist(state, nia.id, steps, state.members[nia.id].joined_at + 3_600_000)

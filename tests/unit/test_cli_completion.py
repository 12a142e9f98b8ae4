"""Shell completion generated from the parser, exercised in a real bash."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from cohort_tui.cli import HELP_ORDER, build_parser
from cohort_tui.commands.completion import completion_script

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


def complete(words: list[str]) -> list[str]:
    """What Tab offers after ``words`` (the last one is being typed)."""
    script = completion_script(build_parser(), "bash")
    array = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    call = f"COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; _cohort"
    probe = f'{script}\n{call}; printf "%s\\n" "${{COMPREPLY[@]}}"'
    out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.split()


@needs_bash
def test_the_first_word_completes_to_commands() -> None:
    assert complete(["cohort", "sta"]) == ["status"]
    assert {"sessions", "server", "serve", "sync", "submit"} <= set(complete(["cohort", "s"]))


@needs_bash
def test_a_command_completes_its_own_options_and_actions() -> None:
    assert set(complete(["cohort", "status", "--"])) >= {"--json", "--tmux", "--store", "--as"}
    assert complete(["cohort", "curriculum", ""]) == ["import"]
    assert {"--store", "--as"} <= set(complete(["cohort", "curriculum", "import", "--"]))
    assert "--format" in complete(["cohort", "export", "--f"])
    assert complete(["cohort", "export", "--format", "m"]) == ["markdown"]


@needs_bash
def test_global_options_with_values_are_skipped_when_finding_the_command() -> None:
    assert set(complete(["cohort", "--store", "/tmp/x", "status", "--t"])) == {"--tmux"}


@needs_bash
def test_an_option_with_fixed_values_completes_them() -> None:
    assert complete(["cohort", "completion", ""]) == ["--help", "bash", "zsh"]
    assert complete(["cohort", "progress", "L1", "--status", "d"]) == ["doing", "done"]


def test_zsh_uses_the_same_function_through_bashcompinit() -> None:
    script = completion_script(build_parser(), "zsh")
    assert "bashcompinit" in script and script.rstrip().endswith("complete -F _cohort cohort")


def test_help_lists_commands_in_the_order_people_meet_them() -> None:
    help_text = build_parser().format_help()
    listed = [name for name in HELP_ORDER if f"\n    {name} " in help_text]
    positions = [help_text.index(f"\n    {name} ") for name in listed]
    assert positions == sorted(positions) and listed[:4] == ["demo", "init", "join", "invite"]

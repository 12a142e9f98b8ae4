"""Bad bytes: invalid UTF-8, NULs, garbage and huge lines in the op log, in curriculum
files, on the command line and on stdin give one clear error, and ``cohort repair`` sets
every kind of damaged line aside in one pass without losing an intact op."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from io import BytesIO, TextIOWrapper
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cohort_tui.domain.ops import OpError, decode_op
from cohort_tui.store.errors import StoreError
from cohort_tui.store.workspace import Replica
from tests.unit.conftest import CliRunner

OP_WITH_BAD_UTF8 = (
    b'{"id":"bad1","kind":"post.create","author":"m_sam","clock":[1795000000000,0,"n_x"],'
    b'"data":{"post":"p_bad1","thread":"t_x","body":"caf\xe9 \xff\xfe"}}'
)
"""Valid JSON in every other way: the bytes inside a string are not UTF-8."""


def op_ids(log: Path) -> set[str]:
    """The ids of every line of ``log`` that is an op."""
    ids = set()
    for raw in log.read_bytes().split(b"\n"):
        with contextlib.suppress(OpError):
            ids.add(decode_op(raw, lenient=True).id)
    return ids


def one_line(err: str) -> str:
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("cohort: ") and "Traceback" not in err, err
    return lines[0]


def insert(log: Path, at: int, *damage: bytes) -> list[bytes]:
    """Put ``damage`` lines after line ``at``; returns the log's lines as they were."""
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join([*lines[:at], *damage, *lines[at:]]))
    return lines


# -- decoding ------------------------------------------------------------------------


@given(st.binary(max_size=400))
@example(OP_WITH_BAD_UTF8)
@example(OP_WITH_BAD_UTF8.replace(b'"thread":"t_x"', b'"thread":5'))  # invalid, then bad UTF-8
@example(OP_WITH_BAD_UTF8.replace(b"post.create", b"future.kind"))
@example(b"\x00" * 40)
@example(b'{"id":"a","kind":"x","author":"m","clock":[1,0,"n"],"data":"\\ud800"}')
def test_any_bytes_decode_to_an_op_or_an_op_error(raw: bytes) -> None:
    for lenient in (False, True):
        with contextlib.suppress(OpError):
            decode_op(raw, lenient=lenient)


def test_text_with_undecodable_bytes_is_an_op_error_too() -> None:
    with pytest.raises(OpError, match="UTF-8"):
        decode_op(OP_WITH_BAD_UTF8.decode("utf-8", "surrogateescape"))


def test_a_damage_reason_is_safe_to_print() -> None:
    from cohort_tui.store.log import damage_reason

    reason = damage_reason(OpError("field \x1b]0;owned\x07 \x1b[2J" + "x" * 500))
    assert "\x1b" not in reason and "\x07" not in reason and len(reason) <= 200


# -- the store and every command ---------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        OP_WITH_BAD_UTF8,
        b"\x00" * 64,
        b"\x00\x00\x00" + b'{"id":"half',
        b"\xff\xfe\xfd not even close",
        b"{}",
    ],
    ids=["bad-utf8-in-a-string", "nuls", "nuls-then-garbage", "binary", "empty-object"],
)
def test_a_damaged_line_names_the_file_line_and_repair_in_every_command(
    cli: CliRunner, demo: Path, damage: bytes
) -> None:
    insert(demo / "ops.jsonl", 7, damage + b"\n")
    for argv in (["status"], ["threads"], ["export"], ["post", "t_x", "--body", "b"]):
        code, _, err = cli(*argv, "--store", str(demo))
        line = one_line(err)
        assert code == 1
        assert "ops.jsonl, line 8: damaged op" in line and "cohort repair" in line, line
    with pytest.raises(StoreError, match="line 8"):
        Replica(demo)


def test_lines_end_at_newline_only_as_repair_counts_them(cli: CliRunner, demo: Path) -> None:
    log = demo / "ops.jsonl"
    intact = op_ids(log)
    lines = log.read_bytes().splitlines(keepends=True)
    # JSON allows a carriage return between tokens: still one line and one op.
    lines[2] = lines[2].replace(b',"kind"', b',\r"kind"')
    lines.insert(5, b"damaged\rline\n")
    log.write_bytes(b"".join(lines))
    code, _, err = cli("status", "--store", str(demo))
    assert code == 1 and "line 6: damaged op" in one_line(err)
    code, out, _ = cli("repair", "--store", str(demo))
    assert code == 0 and out.startswith("line 6:") and "set 1 damaged line(s)" in out
    assert op_ids(log) == intact


def test_a_50_mb_line_of_garbage_and_a_50_mb_op(cli: CliRunner, demo: Path) -> None:
    log = demo / "ops.jsonl"
    ids = op_ids(log)
    huge_op = json.dumps(
        {
            "id": "huge1",
            "kind": "post.create",
            "author": "m_sam",
            "clock": [1795000000000, 0, "n_x"],
            "data": {"post": "p_huge", "thread": "t_x", "body": "y" * 50_000_000},
        }
    ).encode()
    insert(log, 4, b"z" * 50_000_000 + b"\n", huge_op + b"\n")
    code, _, err = cli("status", "--store", str(demo))
    assert code == 1 and "line 5: damaged op" in one_line(err)
    code, out, _ = cli("repair", "--store", str(demo))
    assert code == 0 and "set 1 damaged line(s) aside" in out
    # The huge op is an op (its body is over the limit): kept, and refused by the fold.
    replica = Replica(demo)
    assert "huge1" in {r.op for r in replica.state.refused}
    assert op_ids(log) == ids | {"huge1"}


def test_ops_import_of_a_file_with_bad_bytes_says_which_line(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "in.jsonl"
    good = (demo / "ops.jsonl").read_bytes().splitlines()[0]
    batch.write_bytes(good + b"\n" + OP_WITH_BAD_UTF8 + b"\n")
    before = (demo / "ops.jsonl").read_bytes()
    code, _, err = cli("ops", "import", str(batch), "--store", str(demo))
    assert code == 1 and "line 2" in one_line(err) and "UTF-8" in err
    assert (demo / "ops.jsonl").read_bytes() == before


# -- repair ------------------------------------------------------------------------------


def test_repair_sets_every_kind_of_damage_aside_in_one_pass(cli: CliRunner, demo: Path) -> None:
    log = demo / "ops.jsonl"
    intact = op_ids(log)
    lines = log.read_bytes().splitlines(keepends=True)
    damage = [
        b"garbage\n",
        OP_WITH_BAD_UTF8 + b"\n",
        b"\x00" * 100 + b"\n",
        b"\xc3\x28 invalid two-byte sequence\n",
        b"[" * 100_000 + b"\n",  # deep nesting: no recursion trouble
        b"q" * 2_000_000 + b"\n",
    ]
    body = [*lines[:3], damage[0], *lines[3:10], *damage[1:4], *lines[10:], *damage[4:]]
    log.write_bytes(b"".join(body) + b'{"id":"torn","kind":"post.cr')
    code, out, _ = cli("repair", "--store", str(demo))
    assert code == 0
    assert f"set {len(damage) + 1} damaged line(s) aside" in out
    code, _, err = cli("status", "--store", str(demo))
    assert code == 0, err  # one repair is enough
    assert op_ids(log) == intact  # every intact op survives
    rejected = (demo / "ops.rejected.jsonl").read_bytes()
    assert rejected == b"".join(damage) + b'{"id":"torn","kind":"post.cr\n'
    backups = sorted(demo.glob("ops.jsonl.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"".join(body) + (
        b'{"id":"torn","kind":"post.cr'
    )


def test_repair_recovers_whole_ops_from_inside_a_damaged_line(cli: CliRunner, demo: Path) -> None:
    log = demo / "ops.jsonl"
    intact = op_ids(log)
    lines = log.read_bytes().splitlines(keepends=True)
    # A lost newline glues two ops together; a crash left NULs in front of another.
    glued = lines[4].rstrip(b"\n") + b"#" + lines[5]
    nuls = b"\x00" * 4096 + lines[8]
    log.write_bytes(b"".join([*lines[:4], glued, *lines[6:8], nuls, *lines[9:]]))
    with pytest.raises(StoreError):
        Replica(demo)
    code, out, _ = cli("repair", "--store", str(demo))
    assert code == 0 and "3 op(s) recovered from them" in out
    assert op_ids(log) == intact
    assert cli("status", "--store", str(demo))[0] == 0


def test_a_last_line_that_only_lost_its_newline_keeps_its_op(cli: CliRunner, demo: Path) -> None:
    log = demo / "ops.jsonl"
    intact = op_ids(log)
    log.write_bytes(log.read_bytes().rstrip(b"\n"))
    code, out, _ = cli("repair", "--store", str(demo))
    assert code == 0 and "its op is kept" in out
    assert op_ids(log) == intact and log.read_bytes().endswith(b"\n")
    assert not (demo / "ops.rejected.jsonl").exists()


def test_two_repairs_in_the_same_second_keep_both_backups(
    cli: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = 1_800_000_000.0
    real_gmtime = time.gmtime
    monkeypatch.setattr(time, "time", lambda: frozen)
    monkeypatch.setattr(time, "gmtime", lambda *_: real_gmtime(frozen))
    log = demo / "ops.jsonl"
    originals = []
    for damage in (b"first damage\n", b"second damage\n"):
        insert(log, 2, damage)
        originals.append(log.read_bytes())
        assert cli("repair", "--store", str(demo))[0] == 0
    backups = sorted(demo.glob("ops.jsonl.bak-*"), key=lambda p: p.stat().st_mtime_ns)
    assert len(backups) == 2
    assert sorted(b.read_bytes() for b in backups) == sorted(originals)
    assert (demo / "ops.rejected.jsonl").read_bytes() == b"first damage\nsecond damage\n"


# -- arguments, stdin, curriculum files --------------------------------------------------


def test_an_argument_that_is_not_utf8_is_refused_before_anything_runs(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    before = (demo / "ops.jsonl").read_bytes()
    bad = b"caf\xe9".decode("utf-8", "surrogateescape")  # as Python hands argv over
    code, _, err = cli("post", "t_x", "--body", bad, "--store", str(demo))
    assert code == 2 and one_line(err) == (
        "cohort: argument 'caf\\xe9' is not valid UTF-8 text; nothing was done"
    )
    assert (demo / "ops.jsonl").read_bytes() == before
    code, _, err = cli("init", str(tmp_path / "new"), "--name", bad, "--handle", "fay")
    assert code == 2 and "caf\\xe9" in one_line(err)
    assert not (tmp_path / "new").exists()


def test_a_member_variable_that_is_not_utf8_is_refused(
    cli: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COHORT_AS", "\udcff")
    code, _, err = cli("status", "--store", str(demo))
    assert code == 2 and "$COHORT_AS '\\xff'" in one_line(err)


def test_real_argv_bytes_from_a_shell(demo: Path) -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "cohort_tui", "--store", str(demo), "post", "t_x", "--body",
         b"bad \xff bytes"],
        capture_output=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr
        == b"cohort: argument 'bad \\xff bytes' is not valid UTF-8 text; nothing was done\n"
    )


def test_a_body_on_stdin_that_is_not_utf8(
    cli: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", TextIOWrapper(BytesIO(b"line one\nbad \xff here")))
    code, _, err = cli("post", "t_x", "--body-file", "-", "--store", str(demo))
    assert code == 1 and one_line(err) == (
        "cohort: standard input is not UTF-8 text (byte 0xff at line 2, column 5)"
    )


def _curriculum(tmp_path: Path) -> Path:
    import shutil

    from cohort_tui.paths import demo_curriculum_dir

    folder = tmp_path / "curriculum"
    shutil.copytree(demo_curriculum_dir(), folder)
    return folder


@pytest.mark.parametrize(
    ("file", "damage", "problem"),
    [
        (
            "lessons/core-values.md",
            b"\n\nbad \xff\xfe bytes",
            "is not UTF-8 text (byte 0xff at line",
        ),
        ("lessons/core-values.md", b"\nimage\x00data", "holds a NUL byte (line"),
        ("checks/fizzbuzz.py", b"\x00\x01\x02", "holds a NUL byte"),
        ("curriculum.toml", b"\n# \xc3\x28\n", "not UTF-8 text (byte 0xc3 at line"),
        ("curriculum.toml", b'\nx = "a\x00b"\n', "Illegal character"),
    ],
    ids=["lesson-utf8", "lesson-nul", "check-nul", "toml-utf8", "toml-nul"],
)
def test_bad_bytes_in_a_curriculum_file_are_a_clear_problem(
    cli: CliRunner, demo: Path, tmp_path: Path, file: str, damage: bytes, problem: str
) -> None:
    folder = _curriculum(tmp_path)
    with (folder / file).open("ab") as f:
        f.write(damage)
    before = (demo / "ops.jsonl").read_bytes()
    code, _, err = cli("curriculum", "import", str(folder), "--store", str(demo), "--as", "ada")
    assert code == 1 and "Traceback" not in err
    assert "nothing was written" in err and problem in err, err
    assert (demo / "ops.jsonl").read_bytes() == before

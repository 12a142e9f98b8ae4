"""``cohort export --format faq DIR``: the knowledge base as a folder of pages."""

from __future__ import annotations

import random
from pathlib import Path

from cohort_tui.demo.seed import build_demo_ops
from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica, StoreConfig, write_config
from tests.unit.conftest import DEMO_NOW, CliRunner


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_export_writes_an_index_and_a_page_per_answered_lesson(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "kb"
    code, out, err = cli("export", "--store", str(demo), "--format", "faq", str(out_dir))
    assert code == 0 and err == ""
    assert out.startswith("wrote 10 files for 4 answered questions to ")
    written = files(out_dir)
    assert sorted(written) == [
        ".cohort-faq",
        "index.html",
        "index.md",
        "lessons/core-functions.html",
        "lessons/core-functions.md",
        "lessons/io-json.html",
        "lessons/io-json.md",
        "lessons/quality-pytest.html",
        "lessons/quality-pytest.md",
        "lessons/setup-python-venv.html",
        "lessons/setup-python-venv.md",
    ]
    page = written["lessons/io-json.md"].decode()
    assert page.startswith("# JSON: saving structured data\n")
    assert "**Accepted answer** by @lin" in page and "`cohort --open thread:t_" in page
    html = written["lessons/io-json.html"].decode()
    assert "<script" not in html and "<h2>json.dump writes \\u00e9 instead of é</h2>" in html


def test_two_replicas_with_the_same_ops_write_the_same_bytes(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    # A second replica, another node, the same ops arriving in another order.
    other = tmp_path / "other"
    other.mkdir()
    write_config(other, StoreConfig(cohort="c_demo", node="n_other", default_member="m_lin"))
    (other / "ops.jsonl").touch()
    ops = build_demo_ops(DEMO_NOW)
    random.Random(3).shuffle(ops)
    Replica(other).import_ops(ops)
    cli("export", "--store", str(demo), "--format", "faq", str(tmp_path / "a"))
    cli("export", "--store", str(other), "--format", "faq", str(tmp_path / "b"))
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_a_second_export_updates_its_own_folder_and_drops_stale_pages(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "kb"
    cli("export", "--store", str(demo), "--format", "faq", str(out_dir))
    replica = Replica(demo)
    thread = next(t for t in replica.state.threads.values() if t.lesson == "io-json" and t.answer)
    assert thread.answer is not None
    replica.write(k.PostHide(post=thread.answer, hidden=True, reason="wrong"), author="m_ada")
    code, out, _ = cli("export", "--store", str(demo), "--format", "faq", str(out_dir))
    assert code == 0 and out.rstrip().endswith(", 2 stale removed")
    written = files(out_dir)
    assert "lessons/io-json.md" not in written
    assert b"JSON: saving structured data: no answered questions yet" in written["index.md"]
    assert b"json.dump" not in b"".join(written.values())  # the hidden answer's question


def test_a_folder_it_did_not_write_is_left_alone(
    cli: CliRunner, demo: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "todo.md").write_text("mine")
    code, out, err = cli("export", "--store", str(demo), "--format", "faq", str(mine))
    assert code == 1 and out == ""
    assert err == (
        f"cohort: {mine} is not empty and holds no earlier FAQ export; give a new or empty "
        "folder (nothing was written)\n"
    )
    assert [p.name for p in mine.iterdir()] == ["todo.md"]
    code, _, err = cli("export", "--store", str(demo), "--format", "faq", str(mine / "todo.md"))
    assert code == 1 and err == f"cohort: {mine / 'todo.md'} is not a folder\n"


def test_the_folder_goes_with_faq_only(cli: CliRunner, demo: Path, tmp_path: Path) -> None:
    code, _, err = cli("export", "--store", str(demo), "--format", "faq")
    assert code == 1 and err.startswith("cohort: --format faq needs a folder")
    code, _, err = cli("export", "--store", str(demo), "--format", "json", str(tmp_path))
    assert code == 1 and err.startswith("cohort: --format faq needs a folder")


def test_hostile_titles_and_bodies_stay_text(cli: CliRunner, demo: Path, tmp_path: Path) -> None:
    replica = Replica(demo)
    replica.write(
        k.ThreadCreate(
            thread="t_evil",
            post="p_evil_q",
            title="<script>alert(1)</script>\x1b[2J\u202e[red]x[/red]",
            body="<iframe src=//evil></iframe> [x](javascript:alert(1))",
            lesson="io-files",
        ),
        author="m_sam",
    )
    replica.write(
        k.PostCreate(post="p_evil_a", thread="t_evil", body="</p><script>1</script>\x1b]0;t\x07"),
        author="m_lin",
    )
    replica.write(k.ThreadAnswer(thread="t_evil", post="p_evil_a"), author="m_sam")
    cli("export", "--store", str(demo), "--format", "faq", str(tmp_path / "kb"))
    written = files(tmp_path / "kb")
    html, md = written["lessons/io-files.html"].decode(), written["lessons/io-files.md"].decode()
    assert "<script" not in html and "<iframe" not in html
    assert "&lt;/p&gt;&lt;script&gt;1&lt;/script&gt;" in html
    assert "\\<script\\>alert(1)\\</script\\>" in md and "\\[x\\](javascript:alert(1))" in md
    for text in (html, md, written["index.md"].decode(), written["index.html"].decode()):
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        assert "⟪U+202E⟫" in text

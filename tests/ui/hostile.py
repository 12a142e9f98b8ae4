"""Hostile text from outside the process, and checks that what the app draws is inert.

"Inert" means: no escape sequence or other control character, no bidi override or
invisible character reaches the terminal (they are removed or shown as ``␛``, ``�``,
``⟪U+202E⟫``), nothing is parsed as markup (the brackets show as typed), and no segment
carries a link or a click action that came from outside text.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from rich.segment import Segment

from cohort_tui.domain.curriculum import curriculum_changes
from cohort_tui.paths import demo_curriculum_dir
from cohort_tui.store.curriculum_files import load_curriculum_dir
from cohort_tui.store.workspace import Replica

ESCAPES = (
    "\x1b[2J\x1b[31mred\x1b[0m"  # CSI: clear the screen, colour
    "\x1b]0;pwned title\x07"  # OSC: set the terminal's title
    "\x1b]52;c;SGVsbG8=\x07"  # OSC 52: write the clipboard
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "\x9b31m\x9d0;c1 title\x9c"  # 8-bit C1 CSI and OSC
    "\x1bPq#0;2;0;0;0\x1b\\"  # DCS (sixel)
)
MARKUP = "[reverse]rev[/reverse] [/] [link=https://x.example]l[/link] [@click=app.quit]q[/]"
INVISIBLE = "a\u202eevil\u202c \u2066iso\u2069 zero\u200bwidth \ufeffbom nul\x00 del\x7f"
REFERENCES = "&#x202E;ref-rlo &rlm; &#27; &#x9b; &zwnj;"
"""Markdown character references that decode to characters the sanitiser must catch."""
LONE = "lone \x1b and \x9b"
HOSTILE_LINE = f"{MARKUP} {ESCAPES} {INVISIBLE}"

FORBIDDEN = frozenset(
    [chr(c) for c in [*range(0, 32), 0x7F, *range(0x80, 0xA0)]]
    + ["\u061c", "\u200b", "\u200e", "\u200f", "\ufeff"]
    + [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
)
"""Characters that must never reach the terminal (newlines are checked by line)."""


def bad_characters(text: str) -> list[str]:
    """The forbidden characters in ``text``, as ``U+XXXX``."""
    return sorted({f"U+{ord(c):04X}" for c in text if c in FORBIDDEN and c != "\n"})


def drawn_segments(app: Any) -> list[Segment]:
    """Every segment of every line the screen (and its toasts, tooltips) shows now."""
    return [segment for strip in app.screen._compositor.render_strips() for segment in strip]


def screen_text(app: Any) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_inert(app: Any) -> str:
    """Check what the screen shows now; returns its text for further asserts."""
    for segment in drawn_segments(app):
        assert segment.control is None, segment
        bad = bad_characters(segment.text)
        assert not bad, (bad, segment.text)
        style = segment.style
        if style is not None:
            assert style.link is None, (style.link, segment.text)
            click = str(style.meta.get("@click", ""))
            assert "quit" not in click and "x.example" not in click, (click, segment.text)
    text = screen_text(app)
    assert "pwned title" not in text and "c1 title" not in text  # OSC payloads removed
    return text


def _file_text(text: str) -> str:
    """Hostile text for a lesson or example file, less NUL bytes.

    A NUL makes a file binary, which the curriculum loader refuses outright (that refusal
    has its own test); every other control character must load and then show inert.
    """
    return text.replace("\x00", "")


def hostile_curriculum(folder: Path) -> Path:
    """The demo curriculum with hostile text in every field a learner reads."""
    shutil.copytree(demo_curriculum_dir(), folder)
    toml_path = folder / "curriculum.toml"
    raw: dict[str, Any] = tomllib.loads(toml_path.read_text("utf-8"))
    raw["course"]["title"] = "Course " + HOSTILE_LINE
    for module in raw["modules"]:
        module["title"] = f"{module['title']} {MARKUP} \x1b]0;mod\x07\u202e"
    for lesson in raw["lessons"]:
        lesson["title"] = f"{lesson['title']} [reverse]L[/reverse] \x1b]0;lt\x07\u202e"
        lesson["hints"] = [f"hint {HOSTILE_LINE}", f"second {LONE}"]
        lesson["resources"] = [
            {"title": f"res {HOSTILE_LINE}", "url": "https://x.example/\x1b]0;u\x07\u202e"}
        ]
        project = lesson.get("project")
        if project is not None:
            project["title"] = f"Project {MARKUP} \x1b[2J"
            project["brief"] = f"Brief {HOSTILE_LINE}"
        body = folder / lesson["file"]
        body.write_text(
            _file_text(
                f"# Heading {MARKUP} \x1b[31m\n\n{ESCAPES}Body {INVISIBLE}\n\n{REFERENCES}\n\n"
                f"[a link](https://x.example/\x1b]0;l\x07)\n\n"
                f"```python\nprint('{ESCAPES}')  # {MARKUP}\n```\n\n"
            )
            + body.read_text("utf-8"),
            "utf-8",
        )
    for rubric in raw["rubrics"]:
        rubric["title"] = f"Rubric {MARKUP} \x1b]0;r\x07"
        for criterion in rubric["criteria"]:
            criterion["title"] = f"{criterion['title']} [reverse]C[/reverse] \x9b2J"
            criterion["guidance"] = f"Guide {HOSTILE_LINE}\nline two {LONE}"
            for level in criterion["levels"]:
                level["label"] = f"{level['label']} \x1b[5m[b]x[/b]"
                level["description"] = f"desc {HOSTILE_LINE}"
        example = rubric.get("example")
        if example is not None:
            example["title"] = f"Example {MARKUP} \x1b]0;e\x07"
            example["comment"] = f"Reference {HOSTILE_LINE}"
            code = folder / example["file"]
            code.write_text(_file_text(f"# {HOSTILE_LINE}\n") + code.read_text("utf-8"), "utf-8")
    for milestone in raw["milestones"]:
        milestone["title"] = f"{milestone['title']} {MARKUP} \x1b[2J"
        milestone["description"] = f"Milestone {HOSTILE_LINE}"
    for script in (folder / "checks").glob("*.py"):
        script.write_text(HOSTILE_CHECK, "utf-8")
    toml_path.write_text(tomli_w.dumps(raw), "utf-8")
    return folder


HOSTILE_CHECK = r"""
import sys
sys.stdout.write("\x1b]0;pwned title\x07\x1b[2J\x1b[31mFAIL [reverse]out[/reverse]\n")
sys.stdout.write("progress 10%\rprogress 100%\n")
sys.stdout.write("bidi \u202eevil\u202c and c1 \x9b31m and lone \x1b\n")
sys.stdout.flush()
sys.stderr.write("stderr \x1b]52;c;SGVsbG8=\x07 [@click=app.quit]q[/]\n")
sys.stdout.write("x" * 5000 + "\n")
sys.exit(1)
"""
"""A check whose output (stdout and stderr) is as hostile as a check can be."""


def import_curriculum(root: Path, folder: Path, author: str = "m_ada") -> None:
    """Bring the store's cohort in line with ``folder``, as ``cohort curriculum import``."""
    replica = Replica(root)
    changes = curriculum_changes(replica.state, load_curriculum_dir(folder))
    replica.write_many(changes, author=author)

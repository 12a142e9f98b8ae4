"""Reading a curriculum folder from disk into the pure curriculum parser."""

from __future__ import annotations

import tomllib
from pathlib import Path

from cohort_tui.domain.curriculum import CurriculumError, ParsedCurriculum, parse_curriculum
from cohort_tui.domain.utf8 import where_not_utf8
from cohort_tui.store.errors import plain_cause


def load_curriculum_dir(folder: Path) -> ParsedCurriculum:
    """Parse and validate ``folder/curriculum.toml`` and the files it names.

    Raises:
        CurriculumError: every problem found, with its file and key path.
    """
    toml_path = folder / "curriculum.toml"
    if not folder.is_dir():
        raise CurriculumError([f"{folder}: not a directory"])
    try:
        raw = tomllib.loads(toml_path.read_text("utf-8"))
    except FileNotFoundError:
        raise CurriculumError([f"{toml_path}: missing (a curriculum needs one)"]) from None
    except UnicodeDecodeError as exc:
        raise CurriculumError([f"{toml_path}: not UTF-8 text ({where_not_utf8(exc)})"]) from None
    except OSError as exc:
        raise CurriculumError([f"{toml_path}: cannot be read ({plain_cause(exc)})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise CurriculumError([f"{toml_path}: {exc}"]) from None
    root = folder.resolve()

    def read_file(name: str) -> str:
        path = (root / name).resolve()
        if not path.is_relative_to(root):
            raise FileNotFoundError(name)
        return path.read_text("utf-8")

    try:
        return parse_curriculum(raw, read_file)
    except CurriculumError as exc:
        raise CurriculumError([f"{toml_path}: {p}" for p in exc.problems]) from None

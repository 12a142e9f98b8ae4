"""Layers import downwards only; the domain stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "cohort_tui"

FORBIDDEN = {
    "domain": {
        "textual",
        "httpx",
        "httpx_sse",
        "starlette",
        "uvicorn",
        "pathlib",
        "shutil",
        "tempfile",
        "sqlite3",
        "fcntl",
        "cohort_tui.store",
        "cohort_tui.sync",
        "cohort_tui.ui",
        "cohort_tui.server",
        "cohort_tui.commands",
        "rich",
    },
    "store": {"textual", "httpx", "cohort_tui.ui", "cohort_tui.sync", "cohort_tui.server"},
    "sync": {"textual", "cohort_tui.ui", "cohort_tui.server"},
    "server": {"textual", "cohort_tui.ui", "cohort_tui.store", "cohort_tui.sync"},
    "commands": {"textual"},
    "web": {
        "textual",
        "cohort_tui.ui",
        "cohort_tui.sync",
        "cohort_tui.server",
        "cohort_tui.commands",
    },
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    problems = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for name in _imports(path):
            for banned in FORBIDDEN[layer]:
                if name == banned or name.startswith(banned + "."):
                    problems.append(f"{path.relative_to(SRC)} imports {name}")
    assert not problems, problems

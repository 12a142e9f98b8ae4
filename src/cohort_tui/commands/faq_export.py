"""Writing the knowledge base (``cohort export --format faq DIR``) to a folder; the
showcase export writes its pages through the same :func:`write_pages`.

The pages come from :func:`cohort_tui.domain.faq_pages.faq_pages`; this module only
decides where they may go. A new or empty folder is filled; a folder that holds an
earlier FAQ export (its marker file) is brought up to date, pages of lessons that no
longer have answers removed; any other folder is left alone with an error, so an export
never overwrites files it did not write.
"""

from __future__ import annotations

from pathlib import Path

from cohort_tui.commands.context import fail
from cohort_tui.domain.faq_pages import GENERAL_PAGE, LESSONS_DIR, MARKER, faq_pages
from cohort_tui.domain.model import State
from cohort_tui.store.files import atomic_write


def owned_pages(folder: Path) -> set[str]:
    """Pages an earlier export may have left: relative paths of lesson and general pages."""
    found = set()
    for ext in ("md", "html"):
        if (folder / f"{GENERAL_PAGE}.{ext}").is_file():
            found.add(f"{GENERAL_PAGE}.{ext}")
        lessons = folder / LESSONS_DIR
        if lessons.is_dir():
            found |= {f"{LESSONS_DIR}/{p.name}" for p in lessons.glob(f"*.{ext}") if p.is_file()}
    return found


def write_faq(state: State, folder: Path) -> tuple[int, int]:
    """Write the knowledge base into ``folder``; returns (pages written, pages removed)."""
    owned = owned_pages(folder) if folder.is_dir() else set()
    return write_pages(folder, faq_pages(state), MARKER, owned, "FAQ", LESSONS_DIR)


def write_pages(
    folder: Path,
    pages: dict[str, str],
    marker: str,
    owned: set[str],
    what: str,
    subfolder: str = "",
) -> tuple[int, int]:
    """Write an export's ``pages`` into ``folder``, shared by every page export.

    A new or empty folder is filled; one holding ``marker`` (an earlier export of the
    same kind) is brought up to date, removing the ``owned`` pages it no longer has;
    any other folder is refused. Returns (pages written, pages removed).
    """
    if folder.exists() and not folder.is_dir():
        fail(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / marker).is_file():
        fail(
            f"{folder} is not empty and holds no earlier {what} export; "
            "give a new or empty folder (nothing was written)"
        )
    try:
        stale = owned - set(pages) if folder.is_dir() else set()
        (folder / subfolder).mkdir(parents=True, exist_ok=True)
        for name in sorted(stale):
            (folder / name).unlink()
        for name, text in pages.items():
            atomic_write(folder / name, text.encode("utf-8"), durable=False)
    except OSError as exc:
        fail(f"cannot write the {what} to {folder}: {exc.strerror or exc}")
    return len(pages) - 1, len(stale)  # the marker is not a page

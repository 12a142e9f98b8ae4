"""``cohort export``: the materialised state as JSON or Markdown, or the cohort's
knowledge base (every accepted answer) as a folder of Markdown and HTML pages."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cohort_tui.commands.context import fail, open_replica


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[common], help="print the materialised cohort state")
    p.add_argument("--format", choices=("json", "markdown", "faq", "showcase"), default="json")
    p.add_argument(
        "dir",
        nargs="?",
        metavar="DIR",
        help="with --format faq: the folder for the knowledge base (index and lesson pages); "
        "with --format showcase: the folder for the showcase (Markdown and HTML)",
    )
    p.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    folders = ("faq", "showcase")
    if (args.format in folders) != (args.dir is not None):
        fail(
            f"--format {args.format if args.format in folders else 'faq'} needs a folder "
            "(cohort export --format faq|showcase DIR); the others print"
        )
    replica = open_replica(args)
    if args.format == "faq":
        return _export_faq(replica.state, args.dir)
    if args.format == "showcase":
        return _export_showcase(replica.state, args.dir)
    if args.format == "json":
        from cohort_tui.domain.export import export_json

        sys.stdout.buffer.write(export_json(replica.state))
        sys.stdout.flush()
        return 0
    print(markdown_report(replica.state))
    return 0


def _export_faq(state: Any, folder: str) -> int:
    from pathlib import Path

    from cohort_tui.commands.faq_export import write_faq
    from cohort_tui.domain.faq import answered_count, faq_sections

    written, removed = write_faq(state, Path(folder))
    answered = answered_count(faq_sections(state))
    gone = f", {removed} stale removed" if removed else ""
    print(f"wrote {written} files for {answered} answered questions to {folder}{gone}")
    return 0


def _export_showcase(state: Any, folder: str) -> int:
    from pathlib import Path

    from cohort_tui.commands.faq_export import write_pages
    from cohort_tui.domain.showcase_pages import MARKER, PAGES, showcase_pages

    written, _ = write_pages(Path(folder), showcase_pages(state), MARKER, set(PAGES), "showcase")
    print(f"wrote {written} files for {len(state.showcase)} showcase entries to {folder}")
    return 0


def markdown_report(state: Any) -> str:
    """A readable Markdown summary of the cohort; member text is sanitised."""
    from cohort_tui.domain import queries as q
    from cohort_tui.domain.sanitize import clean_line, clean_text

    def esc(text: str) -> str:
        return clean_line(text).replace("|", "\\|")

    lines = [f"# {esc(state.cohort.name if state.cohort else 'Cohort')}", ""]
    if state.course:
        lines += [f"Course: **{esc(state.course.title)}**", ""]
    lines += ["## Members", "", "| Handle | Name | Roles | Lessons done |", "|---|---|---|---|"]
    for m in sorted(state.members.values(), key=lambda m: m.handle):
        lines.append(
            f"| @{esc(m.handle)} | {esc(m.display_name)} | {', '.join(m.roles)} | "
            f"{q.completed_lessons(state, m.id)} |"
        )
    lines += ["", "## Curriculum", ""]
    peers = q.lesson_peers(state)
    for module, lessons in q.curriculum_outline(state):
        lines.append(f"### {esc(module.title)}")
        for le in lessons:
            p = peers.get(le.id)
            lines.append(
                f"- {esc(le.title)} (`{le.id}`): {p.done if p else 0}/{p.total if p else 0} done"
            )
        lines.append("")
    lines += ["## Milestones", ""]
    for ms in q.live_milestones(state):
        met, total = q.milestone_completion(state, ms)
        lines.append(f"- {esc(ms.title)}: {met}/{total}")
    lines += ["", "## Threads", ""]
    for t in sorted(state.threads.values(), key=lambda t: -t.last_activity):
        lines.append(f"- {esc(t.title)} ({len(t.posts)} posts)")
    lines += ["", "## Submissions", ""]
    for s in sorted(state.submissions.values(), key=lambda s: s.id):
        author = state.members[s.author].handle if s.author in state.members else s.author
        lines.append(f"- {esc(s.title)} by @{esc(author)}: {q.submission_status(state, s)}")
    return clean_text("\n".join(lines))

"""The ``cohort`` command: opens the app, or runs a scripting subcommand.

Scripting commands never import Textual: ``cohort status --tmux`` runs every few seconds
in a tmux status bar. Every user error ends in one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from cohort_tui import __version__


def command_modules() -> list[str]:
    """Every module in :mod:`cohort_tui.commands` that registers subcommands.

    Discovered rather than listed, so a new family of commands is one new file.
    """
    import pkgutil

    import cohort_tui.commands as package

    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg)
    return [f"cohort_tui.commands.{name}" for name in names]


HELP_ORDER = (
    # Starting: a demo to try, a cohort of one's own, or a seat in someone's.
    "demo", "init", "join", "invite",
    # Every day: where I am, lessons, discussions, reviews, milestones.
    "status", "lessons", "progress", "check", "threads", "read", "thread", "post", "chat",
    "reviews", "submit", "review", "team", "pod", "showcase", "milestones", "sessions",
    # Running the cohort.
    "report", "curriculum", "export", "sync", "ops", "repair",
    # Serving it.
    "serve", "server", "token", "web", "completion",
)  # fmt: skip
"""The order ``cohort --help`` lists commands in: by what a person does first. A command
not named here is listed after these, in module order."""

SCREENS = ("home", "curriculum", "discussions", "reviews", "milestones", "chat", "showcase")
FAST = ("status",)
"""Commands parsed with only their own module loaded (see :func:`build_parser`)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser: app options plus every subcommand; when ``argv`` is given,
    only what it needs. With no command (opening the app) no command module is loaded;
    when it names a command whose module has the command's name (``status``), only that
    module: a tmux status bar runs ``cohort status --tmux`` every few seconds, and
    importing every command family costs more than the command itself."""
    parser = _Parser(
        prog="cohort",
        description="A terminal client for study cohorts. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"cohort-tui {__version__}")
    parser.add_argument(
        "--store",
        metavar="DIR",
        help="store directory (default: $COHORT_STORE, else your data dir)",
    )
    parser.add_argument(
        "--as",
        dest="as_member",
        metavar="HANDLE",
        help="act as this member (default: $COHORT_AS, else the store's own)",
    )
    parser.add_argument(
        "--open",
        dest="open_target",
        metavar="TARGET",
        help="start on a screen (" + ", ".join(SCREENS) + ") or on "
        "lesson:ID, thread:ID, submission:ID, milestone:ID, member:ID",
    )
    # Options repeated on every subcommand, so `cohort status --store X` works too.
    common = _Parser(add_help=False)
    common.add_argument("--store", metavar="DIR", default=argparse.SUPPRESS, help="store directory")
    common.add_argument(
        "--as",
        dest="as_member",
        metavar="HANDLE",
        default=argparse.SUPPRESS,
        help="act as this member",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    first = _command_word(argv or [])
    if argv is not None and first is None and not {"-h", "--help"} & set(argv):
        # Opening the app: no command to parse, and importing every command family
        # (~40 ms) would come before the first frame.
        return parser
    modules = command_modules()
    if first is not None and f"cohort_tui.commands.{first}" in modules and first in FAST:
        modules = [f"cohort_tui.commands.{first}"]
    for name in modules:
        module = importlib.import_module(name)
        if hasattr(module, "register"):
            module.register(sub, common)
    _order_help(sub)
    parser.set_defaults(root_parser=parser)  # for `cohort completion`
    return parser


def _order_help(sub: argparse._SubParsersAction[_Parser]) -> None:
    """List subcommands in :data:`HELP_ORDER` rather than module (alphabetical) order."""
    rank = {name: i for i, name in enumerate(HELP_ORDER)}
    sub._choices_actions.sort(key=lambda action: rank.get(action.dest, len(rank)))


def _command_word(argv: Sequence[str]) -> str | None:
    """The subcommand's name in ``argv``, skipping global options and their values."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in ("--store", "--as", "--open"):
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def undecodable_input(argv: Sequence[str]) -> str | None:
    """The first argument (or store/member variable) that is not valid UTF-8, shown
    with its bad bytes escaped; None when all are text.

    Python hands bytes that are not UTF-8 over as lone surrogates ("surrogateescape");
    they cannot be written into an op, printed or used as a name, so they are refused
    here, once, before anything runs.
    """
    named = [("argument", word) for word in argv]
    named += [(f"${name}", os.environ.get(name, "")) for name in ("COHORT_STORE", "COHORT_AS")]
    for label, value in named:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{label} '{_escaped(value)}'"
    return None


def _escaped(value: str) -> str:
    """``value`` with the bytes that were not UTF-8 shown as ``\\xff``, printable."""
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from a byte
        raw = value.encode("utf-8", "backslashreplace")
    return repr(raw)[2:-1]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    from cohort_tui.commands.context import CliError
    from cohort_tui.store.errors import StoreError, describe_os_error

    argv = sys.argv[1:] if argv is None else list(argv)
    bad = undecodable_input(argv)
    if bad is not None:
        print(f"cohort: {bad} is not valid UTF-8 text; nothing was done", file=sys.stderr)
        return 2
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return open_app(args)
        try:
            result: int = args.run(args)
        finally:
            import gc

            gc.unfreeze()  # open_replica froze the state for the command's run
        return result
    except CliError as exc:
        print(f"cohort: {exc}", file=sys.stderr)
        return exc.code
    except StoreError as exc:
        print(f"cohort: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cohort: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # The last resort for a disk or folder problem no write path wrapped (each
        # wraps its own with a fuller sentence): one line, never a traceback.
        print(f"cohort: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:
        # Only a command that loaded the curriculum module can raise its error, so the
        # module is looked up rather than imported on every run.
        curriculum = sys.modules.get("cohort_tui.domain.curriculum")
        if curriculum is None or not isinstance(exc, curriculum.CurriculumError):
            raise
        print(
            f"cohort: the curriculum has {len(exc.problems)} problem(s); nothing was written:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1


def open_app(args: argparse.Namespace) -> int:
    """Open the Textual app on the store."""
    import gc

    # Start-up builds hundreds of thousands of long-lived objects (modules, the folded
    # state, widgets); collecting while they are young walked them all again and again
    # (80 ms on the demo, 380 ms at 100k ops). The app freezes them and turns the
    # collector back on once its first frame is drawn.
    gc.disable()
    from cohort_tui.commands.context import acting_member, fail, open_replica

    target = args.open_target
    if (
        target
        and target not in SCREENS
        and target.split(":", 1)[0] not in ("lesson", "thread", "submission", "milestone", "member")
    ):
        fail(
            f"--open takes a screen ({', '.join(SCREENS)}) or lesson:ID, thread:ID, "
            f"submission:ID, milestone:ID, member:ID; not '{target}'",
            2,
        )
    replica = open_replica(args)
    member = acting_member(replica, args)
    from cohort_tui.ui.app import CohortApp

    app = CohortApp(replica, member.id, open_target=target)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""``cohort`` started in a real terminal, against a bare Textual app started the same way.

Each launch is a fresh process on its own pseudo-terminal (100x30), started through its
real command: ``.venv/bin/cohort --store DIR`` (the console script: argument parsing,
config, store load, themes, Home) and ``python bare.py`` (a Textual app with one
``Static``). The terminal's output is read through a VT emulator (``pyte``) and a launch
is timed until a known text is on screen:

- the bare app: its one line of text;
- cohort: a *complete* Home (header with the screen name, agenda rows, my progress,
  the cohort pulse, the footer).

Then, to show the keys work, ``2`` is pressed and timed until the next screen has drawn
(the bare app answers ``2`` by changing its text). Peak RSS is the child's own high-water
mark (``VmHWM``), read when Home is complete and again after the key.

The apps are interleaved round by round (the order rotates), so a busy machine slows
them alike; ratios are given both as ratio of medians and as the median of each round's
ratio. Targets: <= 1.3x on the demo store, <= 1.6x on the 100k-op store, peak RSS
<= 100 MiB at 100k ops.

    python bench/bench_startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import CACHE, python
from _term import Term, TermTimeout, term_env

BARE = """\
from textual.app import App
from textual.widgets import Static


class Bare(App):
    BINDINGS = [("2", "two", "Two")]

    def compose(self):
        yield Static("bare textual app ready", id="text")

    def action_two(self):
        self.query_one("#text", Static).update("key 2 pressed")


if __name__ == "__main__":
    Bare().run()
"""

HOME_PARTS = (
    r" · Home ",  # header, with the screen's name
    r"@\w+ +(local|online|offline)",  # header, right side: me and the sync state
    r"│  [▶◆●✎⚠✉@…] ",  # an agenda row
    r"streak \d+ day",  # my progress
    r"reviews given",  # the cohort pulse
    r"2 Curriculum",  # the footer
)
CURRICULUM_PARTS = (
    r" · Curriculum ",
    r"Cohort median",
    r"[✓▸○⊘] +\d+/\d+ ",  # a lesson row with the cohort's count
    r"╭─ Lesson",  # the lesson pane, titled with the lesson
)


def all_of(*patterns: str) -> object:
    compiled = [re.compile(p) for p in patterns]
    return lambda screen: all(p.search(screen) for p in compiled)


@dataclass
class Case:
    name: str
    argv: list[str]
    ready: object
    after_key: object
    first: list[float] = field(default_factory=list)
    key: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_home: list[int] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)


def run_once(case: Case, env: dict[str, str]) -> None:
    term = Term(case.argv, env)
    try:
        case.first.append(term.wait_for(case.ready))  # type: ignore[arg-type]
        case.cpu.append(term.cpu_seconds())
        case.rss_home.append(term.peak_rss_kib())
        sent = term.press("2")
        case.key.append(term.wait_for(case.after_key, since=sent))  # type: ignore[arg-type]
        case.rss.append(term.peak_rss_kib())
    finally:
        term.close()


def stores(cache: Path) -> tuple[Path, Path]:
    """The demo store and the 100k-op store, made once (in a child, so this process
    stays small: its memory would otherwise be counted in a forked child's peak)."""
    demo, big = cache / "demo", cache / "big100k"
    bench = Path(__file__).parent
    subprocess.run(
        [
            python(),
            "-c",
            "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
            "from generate import big_store; big_store(Path(sys.argv[2]));"
            "from cohort_tui.demo.seed import write_demo_store;"
            "d = Path(sys.argv[3]); (d / 'store.toml').exists() or write_demo_store(d)",
            str(bench),
            str(big),
            str(demo),
        ],
        check=True,
    )
    return demo, big


def ms(v: float) -> str:
    return f"{v * 1000:5.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--compare",
        metavar="COHORT",
        help="another build's cohort command (e.g. the last release's) to run in the same "
        "rounds, on its own copies of the stores",
    )
    args = parser.parse_args()
    demo, big = stores(CACHE)
    cohort = str(Path(python()).with_name("cohort"))
    with tempfile.TemporaryDirectory() as tmp:
        bare_script = Path(tmp) / "bare.py"
        bare_script.write_text(BARE)
        config = Path(tmp) / "config"  # no user config: default theme, no keymap
        config.mkdir()
        # Its own cache folder too, filled by the warm-up round below (parsed CSS is kept
        # there between runs, as it is for a user who has started cohort before).
        env = term_env(COHORT_CONFIG_DIR=str(config), COHORT_CACHE_DIR=str(Path(tmp) / "cache"))
        cases = [
            Case(
                "bare Textual app",
                [python(), str(bare_script)],
                all_of("bare textual app ready"),
                all_of("key 2 pressed"),
            ),
            Case(
                "cohort, demo store",
                [cohort, "--store", str(demo)],
                all_of(*HOME_PARTS),
                all_of(*CURRICULUM_PARTS),
            ),
            Case(
                "cohort, 100k-op store",
                [cohort, "--store", str(big)],
                all_of(*HOME_PARTS),
                all_of(*CURRICULUM_PARTS),
            ),
        ]
        if args.compare:
            for label, store in (("demo store", demo), ("100k-op store", big)):
                copy = CACHE / f"compare-{store.name}"
                if not copy.exists():  # its own snapshot format lives here
                    shutil.copytree(store, copy)
                cases.append(
                    Case(
                        f"compared, {label}",
                        [args.compare, "--store", str(copy)],
                        all_of(*HOME_PARTS),
                        all_of(*CURRICULUM_PARTS),
                    )
                )
        for case in cases:  # warm the disk cache and compiled bytecode
            run_once(case, env)
            case.first.clear()
            case.key.clear()
            case.rss_home.clear()
            case.cpu.clear()
            case.rss.clear()
        for round_ in range(args.rounds):
            turn = round_ % len(cases)
            order = cases[turn:] + cases[:turn]
            for case in order:
                try:
                    run_once(case, env)
                except TermTimeout as exc:
                    sys.exit(f"{case.name}: {exc}")
    report(cases, args.rounds)


def report(cases: list[Case], rounds: int) -> None:
    bare = cases[0]
    print(f"launch in a 100x30 pty until the screen is complete; {rounds} interleaved rounds")
    print(
        f"{'':{max(len(c.name) for c in cases)}} {'median':>6} {'min':>5} {'max':>5}  "
        f"{'ratio':>5} {'per-round':>9} "
        f"{'min/min':>7} {'cpu':>5} {'ratio':>5}   {'key 2':>5} {'RSS MiB':>10}"
    )
    targets = {"cohort, demo store": 1.3, "cohort, 100k-op store": 1.6}
    width = max(len(case.name) for case in cases)
    for case in cases:
        med = statistics.median(case.first)
        ratio = med / statistics.median(bare.first)
        per_round = statistics.median(a / b for a, b in zip(case.first, bare.first, strict=True))
        min_ratio = min(case.first) / min(bare.first)
        target = targets.get(case.name)
        print(
            f"{case.name:{width}} {ms(med):>6} {ms(min(case.first)):>5} {ms(max(case.first)):>5}  "
            f"{ratio:5.2f} {per_round:9.2f} {min_ratio:7.2f} "
            f"{ms(statistics.median(case.cpu)):>5} "
            f"{statistics.median(case.cpu) / statistics.median(bare.cpu):5.2f}   "
            f"{ms(statistics.median(case.key)):>5} "
            f"{statistics.median(case.rss_home) / 1024:5.0f} /"
            f"{statistics.median(case.rss) / 1024:3.0f}"
            + (f"   target <= {target}x" if target else "")
        )
    print(
        "times in ms; ratio = median / bare median; per-round = median of each round's "
        "ratio; cpu = the child's CPU time until the screen is complete (less moved by a "
        "busy machine than wall time), and its ratio; "
        "key 2 = key press until the next screen is drawn; RSS = peak (VmHWM) at Home / "
        "after key 2"
    )
    print("target: peak RSS <= 100 MiB on the 100k-op store")


if __name__ == "__main__":
    main()

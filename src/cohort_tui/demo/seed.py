"""Writes the demo cohort: eight members two weeks into "Practical Python in the Terminal".

The activity is generated relative to ``now`` (so the demo always looks alive) by a
seeded generator, so two demo stores made at the same ``now`` are identical: the
snapshot tests rely on that. The fold runs as ops are made, so later activity can react
to what the fold decided (who was allocated to review a submission, say).
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Generator
from pathlib import Path

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import HybridClock
from cohort_tui.domain.curriculum import curriculum_changes
from cohort_tui.domain.model import DAY_MS, HOUR_MS, Lesson, State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.queries import ordered_lessons
from cohort_tui.domain.reduce import active_assignment, apply_op
from cohort_tui.paths import demo_curriculum_dir
from cohort_tui.store.curriculum_files import load_curriculum_dir
from cohort_tui.store.errors import writing
from cohort_tui.store.workspace import Replica, StoreConfig, new_store_dir, write_config

YOU = "m_sam"
NEWCOMER = "m_nia"
"""A member who joined the day before, in the demo `cohort demo` writes."""
"""The member a new user acts as in the demo: a learner who also reviews."""

MEMBERS: list[tuple[str, str, str, list[k.Role], int, str]] = [
    # id, handle, name, roles, lessons done, bio
    (
        "m_ada",
        "ada",
        "Ada Okafor",
        ["facilitator"],
        0,
        "Runs this cohort. Ask me anything about the schedule.",
    ),
    (
        "m_lin",
        "lin",
        "Lin Chen",
        ["mentor", "reviewer"],
        0,
        "Backend dev, ten years of Python. Mentor for weeks 1-4.",
    ),
    (
        "m_omar",
        "omar",
        "Omar Haddad",
        ["curator", "learner"],
        9,
        "Keeps the curriculum tidy. Found a typo? Tell me.",
    ),
    (
        "m_sam",
        "sam",
        "Sam Rivera",
        ["learner", "reviewer"],
        6,
        "Frontend dev learning Python for scripting.",
    ),
    ("m_priya", "priya", "Priya Nair", ["learner"], 12, "Data analyst moving to engineering."),
    ("m_jonas", "jonas", "Jonas Berg", ["learner"], 11, "Sysadmin; bash is my first language."),
    ("m_mei", "mei", "Mei Tanaka", ["learner"], 4, "Studying on the train, mostly offline."),
    ("m_tomas", "tomas", "Tomás Silva", ["learner"], 2, "Career changer, ex-chef."),
    ("m_zoe", "zoe", "Zoe Martin", ["learner"], 7, "Student; night owl."),
]


GROUP_KINDS = (
    k.TeamCreate,
    k.TeamAccept,
    k.TeamLeave,
    k.TeamSet,
    k.PodCreate,
    k.PodUpdate,
    k.PodJoin,
    k.PodLeave,
    k.PodRotate,
)

Event = tuple[int, str, k.Data]
"""``(when, author, data)``: one thing a member does in the demo's story."""
Script = Generator[Event, Op, None]
"""A strand of the story (one thread, one member's progress), in time order."""


class _Seeder:
    """Makes ops at chosen past times and folds them as it goes."""

    def __init__(self, now: int, seed: int = 7) -> None:
        self.now = now
        self.rng = random.Random(seed)
        self.group_rng = random.Random(seed + 1)
        """Ids of team and pod ops (and pod channel posts) come from their own generator,
        so adding them left every other op's id as it was."""
        self.clock = HybridClock("n_demo")
        self.state = State()
        self.ops: list[Op] = []
        self.start = (now - 15 * DAY_MS) // DAY_MS * DAY_MS + 9 * HOUR_MS
        """Day 0 of the cohort, 09:00 UTC, fifteen days before ``now``."""

    def day(self, d: int, hour: int = 12, minute: int = 0) -> int:
        """Epoch ms of ``hour:minute`` UTC on day ``d`` of the cohort."""
        return self.start + d * DAY_MS + (hour - 9) * HOUR_MS + minute * 60_000

    def ulid(self, at: int, rng: random.Random | None = None) -> str:
        alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        value = (at << 80) | (rng or self.rng).getrandbits(80)
        return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(26)))

    def new_id(self, prefix: str, at: int) -> str:
        return f"{prefix}_{self.ulid(at)}"

    def group_id(self, prefix: str, at: int) -> str:
        """An id for a team, pod or pod channel entity (see ``group_rng``)."""
        return f"{prefix}_{self.ulid(at, self.group_rng)}"

    def _group_op(self, data: k.Data) -> bool:
        if isinstance(data, GROUP_KINDS):
            return True
        if isinstance(data, k.ThreadCreate):
            return data.pod is not None
        thread = self.state.threads.get(data.thread) if isinstance(data, k.PostCreate) else None
        return thread is not None and thread.pod is not None

    def run(self, scripts: list[Script]) -> None:
        """Play several scripts together in time order.

        Each script yields ``(when, author, data)`` and gets the op back. Interleaving
        them by time means every op is folded at its own moment, so the fold's
        decisions (who reviews what) and the times (response times, streaks, retention)
        are those a real cohort would have had. An event a script dates before what was
        already played happens now instead.
        """
        heap: list[tuple[int, int, Script, Event]] = []

        def advance(n: int, script: Script, sent: Op | None) -> None:
            try:
                event = next(script) if sent is None else script.send(sent)
            except StopIteration:
                return
            heapq.heappush(heap, (event[0], n, script, event))

        for n, script in enumerate(scripts):
            advance(n, script, None)
        while heap:
            when, n, script, (_, author, data) = heapq.heappop(heap)
            advance(n, script, self.emit(author, data, when))

    def emit(self, author: str, data: k.Data, at: int) -> Op:
        at = min(at, self.now - 60_000)
        stamp = self.clock.now(max(at, (self.state.last_clock or (0,))[0]))
        rng = self.group_rng if self._group_op(data) else None
        op = Op(self.ulid(stamp[0], rng), data.KIND, author, stamp, data)
        apply_op(self.state, op)
        self.ops.append(op)
        return op


def build_demo_ops(now: int | None = None, *, newcomer: bool = False) -> list[Op]:
    """The demo cohort's ops, in order, as of ``now`` (epoch ms); with ``newcomer``,
    also @nia, who joined the day before and has done nothing yet."""
    now = int(time.time() * 1000) if now is None else now
    s = _Seeder(now)
    start, day = s.start, s.day

    s.emit(
        "m_ada",
        k.CohortCreate(
            cohort="c_demo",
            name="Python Pod · Autumn",
            handle="ada",
            display_name="Ada Okafor",
            starts_at=start,
            charter="We learn Python together, four weeks, in the terminal. We ship a small CLI.",
            norms="Be kind. Ask early: being stuck for 20 minutes is the signal to post. "
            "Review within two days. Credit the people who helped you.",
            settings=k.Settings(response_target_hours=48, reviewers_per_submission=2),
        ),
        start - DAY_MS,
    )
    for mid, handle, name, roles, _, bio in MEMBERS[1:]:
        s.emit(
            "m_ada",
            k.MemberAdd(member=mid, handle=handle, display_name=name, roles=roles, bio=bio),
            start - DAY_MS + 60_000,
        )
    parsed = load_curriculum_dir(demo_curriculum_dir())
    for data in curriculum_changes(s.state, parsed):
        s.emit(
            "m_omar" if not isinstance(data, k.MilestoneUpsert) else "m_ada",
            data,
            start - DAY_MS + 3_600_000,
        )

    lessons = ordered_lessons(s.state)
    welcome = s.new_id("t", start)
    s.emit(
        "m_ada",
        k.ThreadCreate(
            thread=welcome,
            post=s.new_id("p", start),
            title="Welcome! Introduce yourself here",
            tags=["welcome"],
            body="Hi everyone, I'm Ada and I'll facilitate this pod.\n\nReply with who you are, "
            "what you want to build with Python, and one thing you're nervous about. "
            "Live session every Thursday, 18:00 UTC.",
        ),
        start,
    )
    s.emit("m_ada", k.CohortUpdate(welcome_thread=welcome), start + 60_000)
    intros = {
        "m_lin": "Lin here, mentor. I write Python services for a living. Ping me with "
        "@lin when stuck, especially on testing.",
        "m_omar": "Omar. I curate the lessons, so tell me when something is unclear.",
        "m_priya": "Priya! Pandas all day; I want to write real tools. Nervous about git.",
        "m_jonas": "Jonas, sysadmin. Want to replace my 400-line bash scripts.",
        "m_mei": "Mei. I study on a long train commute, so I'm offline a lot.",
        "m_tomas": "Tomás, ex-chef, first time programming. Nervous about everything :)",
        "m_zoe": "Zoe, CS student. Looking forward to the reviews.",
    }
    for i, (author, body) in enumerate(intros.items()):
        s.emit(
            author,
            k.PostCreate(post=s.new_id("p", day(0)), thread=welcome, body=body),
            day(0, 10 + i),
        )

    scripts: list[Script] = [
        _progress(s, lessons, member, done) for member, done in ((m[0], m[4]) for m in MEMBERS)
    ]
    scripts += _discussions(s, lessons)
    scripts += _reviews(s, lessons)
    scripts += _sessions_and_shoutouts(s)
    scripts += [_pods(s)]
    s.run(scripts)
    if newcomer:
        # A member who joined today: the "Getting started" checklist is there to try
        # (cohort --as nia), and the facilitator's views have someone new to welcome.
        s.emit(
            "m_ada",
            k.MemberAdd(
                member=NEWCOMER,
                handle="nia",
                display_name="Nia Adeyemi",
                roles=["learner"],
                bio="Joined this week: first time in a cohort.",
            ),
            now - 20 * HOUR_MS,
        )
    from cohort_tui.demo.social import social_ops

    ops = s.ops + social_ops(s.state, start, now)
    # Played in time order already; sorting makes the log's order the fold's exactly.
    return sorted(ops, key=Op.sort_key)


def _progress(s: _Seeder, lessons: list[Lesson], member: str, done: int) -> Script:
    """A learner walks the lessons in order at their own pace."""
    if not done:
        return
    span = 14 * done / max(1, len(lessons))
    for i, lesson in enumerate(lessons[:done]):
        when = s.day(int(i * span / max(1, done) * 1.0) + 1, 9 + (i * 3) % 11, s.rng.randrange(60))
        yield when - 2 * HOUR_MS, member, k.ProgressSet(lesson=lesson.id, status="doing")
        if i == 0:
            rating = s.rng.randint(1, 3)
            yield (
                when - 2 * HOUR_MS,
                member,
                k.SkillRate(lesson=lesson.id, phase="before", rating=rating),
            )
        yield when, member, k.ProgressSet(lesson=lesson.id, status="done")
        if i == 0:
            rating = s.rng.randint(3, 5)
            yield when, member, k.SkillRate(lesson=lesson.id, phase="after", rating=rating)
    if done < len(lessons) and member != "m_omar":
        yield s.day(14, 20), member, k.ProgressSet(lesson=lessons[done].id, status="doing")


def _event(author: str, data: k.Data, when: int) -> Event:
    return when, author, data


def _lesson_like(lessons: list[Lesson], *words: str) -> str:
    for word in words:
        for lesson in lessons:
            if word in lesson.id:
                return lesson.id
    return lessons[min(len(lessons) - 1, 2)].id


def _discussions(s: _Seeder, lessons: list[Lesson]) -> list[Script]:
    threads = [
        (
            "m_tomas",
            _lesson_like(lessons, "venv", "toolbox", "setup"),
            s.day(1, 19),
            "`source .venv/bin/activate` does nothing on my machine?",
            "I run `source .venv/bin/activate` and the prompt doesn't change, and `which python` "
            "still shows /usr/bin/python. I'm on macOS with zsh. What am I missing?",
            ["setup", "venv"],
            [
                (
                    "m_jonas",
                    "Did you create it first? `python3 -m venv .venv` — if the folder "
                    "is empty the activate script isn't there.",
                ),
                (
                    "m_lin",
                    "Also check you're in the project folder: `ls -a` should show `.venv`. "
                    "@tomas if it still fails paste the output of `ls .venv/bin`.",
                ),
                ("m_tomas", "That was it, I was one folder up. Thank you both!"),
            ],
            1,
        ),
        (
            "m_zoe",
            _lesson_like(lessons, "function", "fizz"),
            s.day(4, 23),
            "fizzbuzz check fails on n=15 but my output looks right",
            "The check says `FAIL fizzbuzz(15)[-1]`. I print FizzBuzz for 15... I use "
            "`range(1, n)`. Is the check wrong?",
            ["checks", "functions"],
            [
                (
                    "m_priya",
                    "`range(1, n)` stops at n-1, so 15 is never reached. Try `range(1, n + 1)`.",
                ),
                ("m_zoe", "Off by one, classic. Passing now 🎉"),
            ],
            0,
        ),
        (
            "m_mei",
            _lesson_like(lessons, "json"),
            s.day(9, 7),
            "json.dump writes \\u00e9 instead of é",
            "My notes file has `caf\\u00e9` in it. Is that a bug? It reads back fine.",
            ["json", "unicode"],
            [
                (
                    "m_lin",
                    "Not a bug: JSON escapes non-ASCII by default. Pass `ensure_ascii=False` "
                    'and open the file with `encoding="utf-8"` if you want it readable.',
                ),
                ("m_omar", "Good question, I'll add this to the lesson's hints."),
                ("m_sam", "I hit the same thing last week, thanks @mei for asking."),
            ],
            0,
        ),
        (
            "m_jonas",
            _lesson_like(lessons, "argparse", "args", "cli"),
            s.day(11, 8),
            "argparse subcommands: where does the shared --verbose go?",
            "If I add `--verbose` to the main parser, `tool add --verbose` fails. If I add it "
            "to each subparser I repeat myself. What's the idiom?",
            ["argparse"],
            [
                (
                    "m_lin",
                    "Use a parent parser: `common = ArgumentParser(add_help=False)`, add "
                    "`--verbose` there, and pass `parents=[common]` to each `add_parser`.",
                ),
                ("m_sam", "Does that work with defaults? I got None overwriting my value."),
                (
                    "m_lin",
                    "Use `default=argparse.SUPPRESS` in the parent so a subparser doesn't "
                    "overwrite what the main parser set. @sam",
                ),
            ],
            None,
        ),
        (
            "m_priya",
            _lesson_like(lessons, "pytest", "test"),
            s.day(13, 16),
            "How do you test code that reads the current time?",
            "My notes CLI stamps each note with `datetime.now()`. How do I write a stable test?",
            ["testing"],
            [
                (
                    "m_lin",
                    "Pass the clock in: `def add_note(text, now=datetime.now)`. Tests pass "
                    "a lambda returning a fixed datetime.",
                ),
                ("m_zoe", "Or `freezegun`, but injecting is cleaner and needs no dependency."),
                ("m_priya", "Injected it. Tests are green and faster too."),
                ("m_jonas", "@sam you asked about this in the session, see above."),
            ],
            0,
        ),
        (
            "m_sam",
            _lesson_like(lessons, "file", "path"),
            s.day(14, 21),
            "pathlib vs os.path: which one should we use in the project?",
            "The lessons use pathlib, but half the answers online use os.path. Does it matter "
            "for the notes CLI?",
            ["files"],
            [
                (
                    "m_omar",
                    "pathlib for new code. The rubric doesn't require it but reviewers like it.",
                )
            ],
            None,
        ),
    ]
    scripts = [_thread(s, *thread) for thread in threads]
    scripts.append(_pin_welcome(s))
    return scripts


def _pin_welcome(s: _Seeder) -> Script:
    pinned = s.state.cohort.welcome_thread if s.state.cohort else None
    if pinned:
        yield s.day(0, 9, 30), "m_ada", k.ThreadPin(thread=pinned)


def _thread(
    s: _Seeder,
    author: str,
    lesson: str,
    when: int,
    title: str,
    body: str,
    tags: list[str],
    replies: list[tuple[str, str]],
    answer: int | None,
) -> Script:
    """One thread: the question, its replies 47 minutes apart, the answer, the readers."""
    tid, first = s.new_id("t", when), s.new_id("p", when)
    yield (
        when,
        author,
        k.ThreadCreate(thread=tid, post=first, title=title, body=body, lesson=lesson, tags=tags),
    )
    post_ids = []
    for i, (who, text) in enumerate(replies):
        pid = s.new_id("p", when)
        post_ids.append(pid)
        reply_to = first if i == 0 else None
        yield (
            when + (i + 1) * 47 * 60_000,
            who,
            k.PostCreate(post=pid, thread=tid, body=text, reply_to=reply_to),
        )
    if answer is not None:
        at = when + (len(replies) + 1) * 50 * 60_000
        yield at, author, k.ThreadAnswer(thread=tid, post=post_ids[answer])
        yield at, author, k.PostReact(post=post_ids[answer], emoji="👍")
    # Readers: everyone who took part has read up to their own last post; a few others
    # caught up too. Sam (you) has some threads unread.
    for reader in ("m_ada", "m_lin", "m_priya"):
        last = s.state.posts[s.state.threads[tid].posts[-1]]
        yield when + 6 * HOUR_MS, reader, k.ThreadRead(thread=tid, upto=last.clock)


def _reviews(s: _Seeder, lessons: list[Lesson]) -> list[Script]:
    project = next((le for le in lessons if le.project), None)
    if project is None or project.project is None:
        return []
    rubric = s.state.rubrics.get(project.project.rubric or "")
    top = {c.id: c.levels[-1].score for c in rubric.criteria} if rubric else {}
    mid = {c.id: c.levels[len(c.levels) // 2].score for c in rubric.criteria} if rubric else {}
    code = (
        '"""notes: a tiny notes CLI."""\nimport argparse\nimport json\nfrom pathlib import '
        'Path\n\nSTORE = Path.home() / ".notes.json"\n\n\ndef load() -> list[dict]:\n    if '
        "not STORE.exists():\n        return []\n    return json.loads(STORE.read_text())"
        '\n\n\ndef main() -> None:\n    parser = argparse.ArgumentParser(prog="notes")\n'
        '    sub = parser.add_subparsers(dest="cmd", required=True)\n    add = sub.add_parser'
        '("add")\n    add.add_argument("text")\n    sub.add_parser("list")\n    args = '
        'parser.parse_args()\n    notes = load()\n    if args.cmd == "add":\n        notes.'
        'append({"text": args.text})\n        STORE.write_text(json.dumps(notes))\n    else:'
        '\n        for i, note in enumerate(notes, 1):\n            print(i, note["text"])\n'
        '\n\nif __name__ == "__main__":\n    main()\n'
    )
    return [_reviewed_submission(s, project, code, top, mid), _fresh_submission(s, project, code)]


def _reviewed_submission(
    s: _Seeder, project: Lesson, code: str, top: dict[str, int], mid: dict[str, int]
) -> Script:
    """Jonas and Omar, a team: Jonas submitted a week ago, reviewed by whoever the fold
    allocated (never Omar), Omar revised, approved for both."""
    # Drawn first, as before teams existed: every other op of the demo keeps its id.
    sub_j, rev_1 = s.new_id("s", s.day(8)), s.new_id("r", s.day(8))
    team = s.group_id("team", s.day(7))
    yield _event(
        "m_jonas",
        k.TeamCreate(team=team, lesson=project.id, name="Bash Refugees", members=["m_omar"]),
        s.day(7, 9),
    )
    yield _event("m_omar", k.TeamAccept(team=team), s.day(7, 19))
    yield _event(
        "m_jonas",
        k.SubmissionCreate(
            submission=sub_j,
            lesson=project.id,
            title="notes: add and list",
            revision=k.RevisionData(
                revision=rev_1,
                message="First version. No delete yet.",
                files=[k.SubmittedFile(path="notes.py", content=code)],
            ),
            team=team,
        ),
        s.day(8, 10),
    )
    sub = s.state.submissions[sub_j]
    for n, a in enumerate(list(sub.assignments)):
        when = s.day(9, 14 + 4 * n)
        verdict: k.Verdict = "changes" if n == 0 else "approve"
        yield _event(
            a.reviewer,
            k.ReviewSubmit(
                review=s.new_id("v", when),
                submission=sub_j,
                revision=sub.revisions[-1].id,
                verdict=verdict,
                scores=mid if n == 0 else top,
                comment="Clean and readable. `load()` crashes on an empty or corrupt file, though: "
                "catch `json.JSONDecodeError` and say what went wrong."
                if n == 0
                else "Works well, argparse use is idiomatic. Nice small functions.",
                lines=[
                    k.LineComment(
                        id="c1",
                        path="notes.py",
                        line=12,
                        body="What if the file exists but is empty?",
                    )
                ]
                if n == 0
                else [],
            ),
            when,
        )
    review_ids = list(s.state.submissions[sub_j].reviews)
    if review_ids:
        yield _event("m_jonas", k.ReviewHelpful(review=review_ids[0]), s.day(10, 9))
        yield _event(
            "m_jonas",
            k.ReviewReply(
                review=review_ids[0],
                reply=s.new_id("y", s.day(10)),
                comment="c1",
                body="Good catch, fixed in revision 2.",
            ),
            s.day(10, 9, 5),
        )
    fixed = code.replace(
        "    return json.loads(STORE.read_text())",
        '    try:\n        return json.loads(STORE.read_text() or "[]")\n'
        "    except json.JSONDecodeError as exc:\n        raise SystemExit("
        'f"notes: {STORE} is damaged ({exc})")',
    )
    yield _event(
        "m_omar",
        k.SubmissionRevise(
            submission=sub_j,
            revision=k.RevisionData(
                revision=s.new_id("r", s.day(10)),
                message="Handle empty and corrupt files.",
                files=[k.SubmittedFile(path="notes.py", content=fixed)],
            ),
        ),
        s.day(10, 11),
    )
    sub = s.state.submissions[sub_j]
    for a in list(sub.assignments):
        if active_assignment(s.state, sub, a.reviewer) is not None:
            when = s.day(11, 15)
            yield _event(
                a.reviewer,
                k.ReviewSubmit(
                    review=s.new_id("v", when),
                    submission=sub_j,
                    revision=sub.revisions[-1].id,
                    verdict="approve",
                    scores=top,
                    comment="Fixed, thanks. Approving.",
                ),
                when,
            )


def _pods(s: _Seeder) -> Script:
    """Two pods in week 1, rotated into two new ones in week 2 (the first pair kept as
    history); a thread in each of Sam's pods' channels."""
    yield _event(
        "m_ada",
        k.PodRotate(
            round="week 1",
            capacity=4,
            pods=[
                k.PodSpec(
                    pod=s.group_id("pod", s.day(0)),
                    name="Otters",
                    members=["m_sam", "m_priya", "m_tomas"],
                ),
                k.PodSpec(
                    pod=s.group_id("pod", s.day(0)),
                    name="Herons",
                    members=["m_jonas", "m_mei", "m_zoe", "m_omar"],
                ),
            ],
        ),
        s.day(0, 11),
    )
    otters = next(p for p in s.state.pods.values() if p.name == "Otters")
    thread = s.group_id("t", s.day(2))
    yield _event(
        "m_priya",
        k.ThreadCreate(
            thread=thread,
            post=s.group_id("p", s.day(2)),
            pod=otters.id,
            title="Otters: study together Tuesday?",
            body="Anyone up for a call after work on Tuesday? Venvs are eating me.",
        ),
        s.day(2, 18),
    )
    yield _event(
        "m_sam",
        k.PostCreate(post=s.group_id("p", s.day(2)), thread=thread, body="I'm in, 19:00 UTC?"),
        s.day(2, 19),
    )
    yield _event(
        "m_ada",
        k.PodRotate(
            round="week 2",
            capacity=4,
            pods=[
                k.PodSpec(
                    pod=s.group_id("pod", s.day(7)),
                    name="Kestrels",
                    members=["m_sam", "m_jonas", "m_omar"],
                ),
                k.PodSpec(
                    pod=s.group_id("pod", s.day(7)),
                    name="Badgers",
                    members=["m_priya", "m_tomas", "m_mei", "m_zoe"],
                ),
            ],
        ),
        s.day(7, 8),
    )
    kestrels = next(p for p in s.state.pods.values() if p.name == "Kestrels")
    thread = s.group_id("t", s.day(12))
    yield _event(
        "m_jonas",
        k.ThreadCreate(
            thread=thread,
            post=s.group_id("p", s.day(12)),
            pod=kestrels.id,
            title="Kestrels: review swap before Friday",
            body="Omar and I revised the notes CLI. Sam, want to trade a read of "
            "each other's code before the reviews land?",
        ),
        s.day(12, 20),
    )
    yield _event(
        "m_sam",
        k.PostCreate(
            post=s.group_id("p", s.day(12)),
            thread=thread,
            body="Yes! Send me the diff, I'll look tonight.",
        ),
        s.day(13, 8),
    )


def _fresh_submission(s: _Seeder, project: Lesson, code: str) -> Script:
    """Priya: submitted two days ago; Sam (you) claimed a review of it."""
    sub_p = s.new_id("s", s.day(13))
    yield _event(
        "m_priya",
        k.SubmissionCreate(
            submission=sub_p,
            lesson=project.id,
            title="notes CLI with tags and search",
            revision=k.RevisionData(
                revision=s.new_id("r", s.day(13)),
                message="Adds tags (`notes add --tag work`) and `notes search WORD`.",
                files=[
                    k.SubmittedFile(
                        path="notes.py",
                        content=code.replace(
                            '    add.add_argument("text")\n',
                            '    add.add_argument("text")\n'
                            '    add.add_argument("--tag", action="append", default=[])\n',
                        ),
                    ),
                    k.SubmittedFile(
                        path="test_notes.py",
                        content=(
                            "from notes import load\n\n\ndef test_load_missing(tmp_path, "
                            "monkeypatch):\n    monkeypatch.setattr('notes.STORE', tmp_path / "
                            "'n.json')\n    assert load() == []\n"
                        ),
                    ),
                ],
            ),
        ),
        s.day(13, 17),
    )
    if YOU not in {a.reviewer for a in s.state.submissions[sub_p].assignments}:
        yield _event(YOU, k.ReviewClaim(submission=sub_p), s.day(14, 9))


def _sessions_and_shoutouts(s: _Seeder) -> list[Script]:
    return [_sessions(s), _shoutouts(s)]


def _sessions(s: _Seeder) -> Script:
    week = 7 * DAY_MS
    first = s.day(3, 18)
    for n in range(4):
        sid = f"live-week-{n + 1}"
        yield _event(
            "m_ada",
            k.SessionUpsert(
                session=sid,
                title=f"Week {n + 1} live: "
                + ["Setup clinic", "Functions & tests", "Files and JSON", "Demo day"][n],
                start=first + n * week,
                minutes=60,
                link="https://meet.example.org/python-pod",
                agenda=[
                    "Get everyone's toolbox green. Bring your errors.",
                    "Live-code fizzbuzz with tests; Q&A.",
                    "Reading and writing files safely; project kickoff.",
                    "Show your notes CLI! Five minutes each.",
                ][n],
            ),
            s.day(0, 9),
        )
    rsvps: tuple[tuple[str, k.Rsvp], ...] = (
        ("m_sam", "yes"),
        ("m_priya", "yes"),
        ("m_mei", "maybe"),
        ("m_jonas", "yes"),
        ("m_tomas", "no"),
    )
    for member, answer in rsvps:
        yield _event(member, k.SessionRsvp(session="live-week-3", answer=answer), s.day(14, 8))


def _shoutouts(s: _Seeder) -> Script:
    yield _event(
        "m_priya",
        k.ShoutoutCreate(
            shoutout=s.new_id("h", s.day(13)),
            to="m_lin",
            message="For the dependency-injection tip: my tests are finally deterministic.",
        ),
        s.day(13, 19),
    )
    yield _event(
        "m_tomas",
        k.ShoutoutCreate(
            shoutout=s.new_id("h", s.day(2)),
            to="m_jonas",
            message="Saved my evening with the venv fix.",
        ),
        s.day(2, 8),
    )


def write_demo_store(root: Path, *, now: int | None = None, newcomer: bool = False) -> Replica:
    """Write a fresh demo store at ``root`` (which must not exist or be empty).

    ``newcomer`` adds @nia, a member who joined the day before (what ``cohort demo`` and
    the first ``make run`` write); the tests' demo leaves her out, so its figures stay
    those the snapshots were drawn from."""
    ops = build_demo_ops(now, newcomer=newcomer)
    with new_store_dir(root):  # a full disk half way leaves nothing behind
        write_config(root, StoreConfig(cohort="c_demo", node="n_demo", default_member=YOU))
        with writing(root / "ops.jsonl"):
            (root / "ops.jsonl").touch()
        replica = Replica(root)
        replica.import_ops(ops, trusted=True)
    replica.save_snapshot()
    return replica

"""The materialised state: what the fold of the op log produces.

Entities are mutable msgspec structs so the fold can update them in place and the whole
state encodes to a snapshot in one call. ``gc=False`` keeps a 100k-op state out of the
cyclic garbage collector's way: these structs never form reference cycles.
"""

import threading
from collections.abc import Iterable, Iterator
from typing import overload

import msgspec
from msgspec import Struct, field

from cohort_tui.domain.clock import Clock
from cohort_tui.domain.op_kinds import (
    Check,
    Criterion,
    ProgressStatus,
    Project,
    Resource,
    RubricExample,
    Verdict,
)
from cohort_tui.domain.pods import Pod
from cohort_tui.domain.teams import Team

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


class Cohort(Struct, kw_only=True, gc=False):
    id: str
    name: str
    created_at: int
    starts_at: int
    charter: str = ""
    norms: str = ""
    welcome_thread: str | None = None
    response_target_hours: int = 48
    reviewers_per_submission: int = 2
    claim_lease_hours: int = 24
    reassign_after_days: int = 3
    review_pods: str = "any"
    """Reviewer allocation's pod preference: ``any``, ``same`` pod, or ``other`` pods."""


class Course(Struct, kw_only=True, gc=False):
    id: str
    title: str
    summary: str = ""


class Member(Struct, kw_only=True, gc=False):
    id: str
    handle: str
    display_name: str
    roles: list[str]
    joined_at: int
    bio: str = ""
    timezone: str = ""


class Module(Struct, kw_only=True, gc=False):
    id: str
    title: str
    summary: str = ""
    order: int = 0
    archived: bool = False


class Lesson(Struct, kw_only=True, gc=False):
    id: str
    module: str
    title: str
    body: str = ""
    order: int = 0
    minutes: int = 0
    prerequisites: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    check: Check | None = None
    project: Project | None = None
    archived: bool = False


class Rubric(Struct, kw_only=True, gc=False):
    id: str
    title: str
    criteria: list[Criterion]
    example: RubricExample | None = None


class Progress(Struct, kw_only=True, gc=False):
    status: ProgressStatus
    """A Literal, not any str: decoded, each value is the one shared string (14k of them
    at 100k ops were 14k strings "done")."""
    updated_at: int
    started_at: int | None = None
    done_at: int | None = None


class Skill(Struct, kw_only=True, gc=False):
    before: int | None = None
    after: int | None = None


class CheckResult(Struct, kw_only=True, gc=False):
    passed: bool
    at: int
    summary: str = ""


class StuckSpell(Struct, kw_only=True, gc=False):
    """A member's check on a lesson failed at ``failed_at`` and has not been recorded
    as ended yet (``passed_at`` is set once a check passes, until ``check.unstuck``)."""

    failed_at: int
    passed_at: int | None = None


class Edit(Struct, kw_only=True, gc=False):
    """A post's earlier body, kept when it is edited."""

    at: int
    body: str


class Hidden(Struct, kw_only=True, gc=False):
    by: str
    reason: str
    at: int


class Post(Struct, kw_only=True, gc=False):
    id: str
    thread: str
    author: str
    body: str
    created_at: int
    clock: Clock
    reply_to: str | None = None
    edits: tuple[Edit, ...] = ()
    """Earlier bodies, oldest first. A tuple: nearly every post has none, and an empty
    tuple is one shared object where 20k empty lists were 20k allocations on every load."""
    reactions: dict[str, list[str]] = field(default_factory=dict)
    hidden: Hidden | None = None


class Thread(Struct, kw_only=True, gc=False):
    id: str
    title: str
    author: str
    created_at: int
    last_activity: int
    posts: list[str] = field(default_factory=list)
    lesson: str | None = None
    tags: list[str] = field(default_factory=list)
    pinned: bool = False
    answer: str | None = None
    pod: str | None = None
    """The pod whose channel holds it (shown to its members and staff only)."""


class SubmittedFile(Struct, kw_only=True, gc=False):
    path: str
    content: str


class Revision(Struct, kw_only=True, gc=False):
    id: str
    created_at: int
    message: str = ""
    files: list[SubmittedFile] = field(default_factory=list)
    diff: str = ""
    diff_range: str = ""
    author: str = ""
    """Who submitted this revision (a team's members take turns)."""


class Assignment(Struct, kw_only=True, gc=False):
    reviewer: str
    assigned_at: int
    claimed_until: int | None = None
    replaced_at: int | None = None
    """Set when the assignment was handed to someone else (reassigned or released)."""
    reviewed_at: int | None = None
    """Set when the reviewer submitted the review this assignment asked for."""

    @property
    def active(self) -> bool:
        """Still waiting on the reviewer."""
        return self.replaced_at is None and self.reviewed_at is None


class Submission(Struct, kw_only=True, gc=False):
    id: str
    lesson: str
    author: str
    title: str
    created_at: int
    revisions: list[Revision] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)
    team: str | None = None
    """The team that submitted it; None for a solo submission."""
    authors: list[str] = field(default_factory=list)
    """Whose work it is: the team's members (kept in step with the team), else the
    submitter. Approval counts for each of them."""


class Reply(Struct, kw_only=True, gc=False):
    id: str
    author: str
    body: str
    at: int
    comment: str | None = None


class ReviewLine(Struct, kw_only=True, gc=False):
    id: str
    path: str
    line: int
    body: str


class Review(Struct, kw_only=True, gc=False):
    id: str
    submission: str
    revision: str
    reviewer: str
    verdict: Verdict
    submitted_at: int
    scores: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    lines: tuple[ReviewLine, ...] = ()
    assigned_at: int | None = None
    helpful: bool = False
    calibration: bool = False
    replies: tuple[Reply, ...] = ()


class Milestone(Struct, kw_only=True, gc=False):
    id: str
    title: str
    due: int
    description: str = ""
    lessons: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    archived: bool = False
    extensions: dict[str, int] = field(default_factory=dict)


class LiveSession(Struct, kw_only=True, gc=False):
    id: str
    title: str
    start: int
    minutes: int = 60
    link: str = ""
    agenda: str = ""
    cancelled: bool = False
    rsvps: dict[str, str] = field(default_factory=dict)
    notes_thread: str | None = None


class Shoutout(Struct, kw_only=True, gc=False):
    id: str
    author: str
    to: str
    message: str
    at: int


class ChatMessage(Struct, kw_only=True, gc=False):
    """One message in a live channel; channels keep their messages in fold order."""

    id: str
    channel: str
    author: str
    text: str
    at: int
    clock: Clock
    hidden: bool = False


class ShowcaseThanks(Struct, kw_only=True, gc=False):
    id: str
    author: str
    text: str
    at: int


class ShowcaseEntry(Struct, kw_only=True, gc=False):
    """The write-up of an approved project, on the cohort's showcase."""

    id: str
    submission: str
    lesson: str
    authors: list[str]
    """Who may edit it: the submission's authors when it was first published."""
    title: str
    built: str
    feedback: str
    published_at: int
    updated_at: int
    featured: bool = False
    reactions: dict[str, list[str]] = field(default_factory=dict)
    thanks: list[ShowcaseThanks] = field(default_factory=list)


class Refusal(Struct, kw_only=True, gc=False):
    """An op the fold skipped, and why; it stays in the log."""

    op: str
    kind: str
    author: str
    reason: str


_UNPACKING = threading.Lock()


class IdSet:
    """The ids of every op folded, as a set; a loaded snapshot keeps them packed (one
    bytes object) until the first op is folded or looked up.

    A 100k-op state holds 100k ids: decoding them as strings and hashing them into a
    set was a tenth of the snapshot's load time and 10 MB, on a path (opening the app,
    ``cohort status``) that asks no id about.
    """

    __slots__ = ("_ids", "_packed")

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._ids: set[str] | None = set(ids)
        self._packed = b""

    @classmethod
    def from_packed(cls, packed: bytes) -> "IdSet":
        """The set :meth:`pack` made, unpacked when first used."""
        ids = cls()
        ids._ids, ids._packed = None, packed
        return ids

    def pack(self) -> bytes:
        """Every id, as one MessagePack array (kept as is when never unpacked)."""
        if self._ids is None:
            return self._packed
        return msgspec.msgpack.encode(sorted(self._ids))

    @property
    def unpacked(self) -> bool:
        """Whether the ids are a set already (a first lookup costs nothing more)."""
        return self._ids is not None

    def unpack(self) -> None:
        """Unpack now: a thread can, so the first fold on an event loop need not."""
        self._set()

    def _set(self) -> set[str]:
        ids = self._ids
        if ids is None:
            with _UNPACKING:  # a thread unpacking ahead and the fold must build one set
                if self._ids is None:
                    self._ids = set(msgspec.msgpack.decode(self._packed, type=list[str]))
                    self._packed = b""
                ids = self._ids
        return ids

    def __contains__(self, op_id: object) -> bool:
        return op_id in self._set()

    def add(self, op_id: str) -> None:
        self._set().add(op_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._set())

    def __len__(self) -> int:
        return len(self._set())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdSet):
            return self._set() == other._set()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like set

    def __repr__(self) -> str:
        return f"IdSet({len(self)} ids)"


class ReadMarks:
    """member id -> thread id -> clock of the newest post read, one member unpacked at a
    time: a loaded snapshot keeps each member's marks packed until asked.

    Only the acting member's marks are ever read (unread counts, the thread view), yet
    a 100k-op cohort holds 56k of them, a fifth of the objects a snapshot decoded.
    """

    __slots__ = ("_marks", "_packed")

    def __init__(self) -> None:
        self._marks: dict[str, dict[str, Clock]] = {}
        self._packed: dict[str, bytes] = {}

    @classmethod
    def from_packed(cls, packed: dict[str, bytes]) -> "ReadMarks":
        """The marks :meth:`pack` made, each member's unpacked when first asked for."""
        marks = cls()
        marks._packed = dict(packed)
        return marks

    def pack(self) -> dict[str, bytes]:
        """Every member's marks as MessagePack (kept as is when never unpacked)."""
        packed = dict(self._packed)
        for member, marks in self._marks.items():
            packed[member] = msgspec.msgpack.encode(marks)
        return packed

    def _unpack(self, member: str) -> dict[str, Clock] | None:
        marks = self._marks.get(member)
        if marks is None and member in self._packed:
            with _UNPACKING:
                marks = self._marks.get(member)
                if marks is None:
                    raw = self._packed.pop(member)
                    marks = msgspec.msgpack.decode(raw, type=dict[str, Clock])
                    self._marks[member] = marks
        return marks

    @overload
    def get(self, member: str) -> dict[str, Clock] | None: ...

    @overload
    def get(self, member: str, default: dict[str, Clock]) -> dict[str, Clock]: ...

    def get(self, member: str, default: dict[str, Clock] | None = None) -> dict[str, Clock] | None:
        """A member's marks (their own dict: changing it changes the state)."""
        marks = self._unpack(member)
        return default if marks is None else marks

    def setdefault(self, member: str, default: dict[str, Clock]) -> dict[str, Clock]:
        marks = self._unpack(member)
        if marks is None:
            marks = self._marks[member] = default
        return marks

    def __contains__(self, member: object) -> bool:
        return member in self._marks or member in self._packed

    def __len__(self) -> int:
        return len(self._marks) + len(self._packed)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReadMarks):
            return NotImplemented
        members = set(self._marks) | set(self._packed)
        if members != set(other._marks) | set(other._packed):
            return False
        return all(self.get(m) == other.get(m) for m in members)

    __hash__ = None  # type: ignore[assignment]  # mutable, like dict


class State(Struct, kw_only=True, gc=False):
    """Everything the screens show, folded from the op log."""

    cohort: Cohort | None = None
    course: Course | None = None
    members: dict[str, Member] = field(default_factory=dict)
    modules: dict[str, Module] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    progress: dict[str, dict[str, Progress]] = field(default_factory=dict)
    """member id -> lesson id -> progress."""
    skills: dict[str, dict[str, Skill]] = field(default_factory=dict)
    checks: dict[str, dict[str, CheckResult]] = field(default_factory=dict)
    stuck: dict[str, dict[str, StuckSpell]] = field(default_factory=dict)
    """member id -> lesson id -> the failure spell not yet recorded as ended."""
    unstuck: dict[str, dict[str, int]] = field(default_factory=dict)
    """lesson id -> rung (hint, faq, thread, alone) -> failures it ended."""
    threads: dict[str, Thread] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    reads: ReadMarks = field(default_factory=ReadMarks)
    """member id -> thread id -> clock of the newest post read."""
    submissions: dict[str, Submission] = field(default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    milestones: dict[str, Milestone] = field(default_factory=dict)
    sessions: dict[str, LiveSession] = field(default_factory=dict)
    shoutouts: dict[str, Shoutout] = field(default_factory=dict)
    rotation: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """ISO week -> role -> member ids."""
    teams: dict[str, Team] = field(default_factory=dict)
    """Project teams (see :mod:`teams`)."""
    pods: dict[str, Pod] = field(default_factory=dict)
    """Pods, current and closed (see :mod:`pods`)."""
    review_load: dict[str, int] = field(default_factory=dict)
    """Index: reviewer -> assignments that are active and not yet reviewed."""
    review_pairs: dict[str, dict[str, int]] = field(default_factory=dict)
    """Index: author -> reviewer -> assignments ever made between them."""
    shown_posts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Index: thread id -> author -> posts not hidden (unread counts without a scan)."""
    active_days: dict[str, list[int]] = field(default_factory=dict)
    """member id -> sorted epoch days on which the member wrote an op."""
    chat: dict[str, list[str]] = field(default_factory=dict)
    """Channel -> message ids, oldest first (fold order: the same on every replica)."""
    chat_messages: dict[str, ChatMessage] = field(default_factory=dict)
    chat_reads: dict[str, dict[str, Clock]] = field(default_factory=dict)
    """member id -> channel -> clock of the newest message read."""
    showcase: dict[str, ShowcaseEntry] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)
    unknown_ops: int = 0
    applied: int = 0
    last_clock: Clock | None = None
    last_id: str = ""
    seen: IdSet = field(default_factory=IdSet)
    """Every op id folded (see :class:`IdSet`; snapshots store it packed)."""

    def member_name(self, member_id: str) -> str:
        """A member's display name, or their id when unknown (raw: sanitise to show)."""
        member = self.members.get(member_id)
        return member.display_name if member else member_id

    def has_role(self, member_id: str, *roles: str) -> bool:
        """Whether the member holds any of ``roles``."""
        member = self.members.get(member_id)
        return member is not None and any(role in member.roles for role in roles)

"""The typed payload of every op kind.

Each ``*Data`` struct is the ``data`` of one op kind, named by its ``KIND``. Decoding is
strict about types and sizes but ignores unknown fields, so an op written by a newer
client that added an optional field still folds here.
"""

from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta, Struct

Id = Annotated[str, Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Title = Annotated[str, Meta(max_length=300)]
ShortText = Annotated[str, Meta(max_length=4_000)]
Body = Annotated[str, Meta(max_length=262_144)]
Tag = Annotated[str, Meta(min_length=1, max_length=40)]
Millis = Annotated[int, Meta(ge=0, le=32_503_680_000_000)]  # up to the year 3000
Rating = Annotated[int, Meta(ge=1, le=5)]
ProgressStatus = Literal["todo", "doing", "done"]
Role = Literal["learner", "mentor", "reviewer", "curator", "facilitator"]
ROLES: tuple[Role, ...] = ("learner", "mentor", "reviewer", "curator", "facilitator")
Verdict = Literal["approve", "changes"]
Rsvp = Literal["yes", "no", "maybe"]
PodPreference = Literal["any", "same", "other"]
GroupName = Annotated[str, Meta(min_length=1, max_length=80)]
"""A team's or pod's name: free text (sanitised to show), one line by convention."""
MAX_TEAM_SIZE = 12
"""Most members a curriculum may ask a project team to have."""
POD_SIZES = (3, 6)
"""A pod holds 3 to 6 people: its capacity lies in this range."""
MAX_PODS = 100
"""Most pods one rotation may form."""

MAX_FILES = 50
"""Most files one submission revision may carry."""
MAX_SUBMISSION_BYTES = 512_000
"""Most bytes of file content and diff one revision may carry (UTF-8)."""


class Data(Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Base of every op payload."""

    KIND: ClassVar[str] = ""


# -- cohort and members -------------------------------------------------------------


class Settings(Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Cohort-wide knobs; each field of an update is optional."""

    response_target_hours: Annotated[int, Meta(ge=1, le=24 * 60)] | None = None
    reviewers_per_submission: Annotated[int, Meta(ge=1, le=10)] | None = None
    claim_lease_hours: Annotated[int, Meta(ge=1, le=24 * 30)] | None = None
    reassign_after_days: Annotated[int, Meta(ge=1, le=60)] | None = None
    review_pods: PodPreference | None = None
    """Which reviewers allocation prefers, among equally loaded ones (see domain/pods.py)."""


class CohortCreate(Data, kw_only=True, frozen=True):
    """Founds the cohort; its author becomes the first facilitator."""

    KIND: ClassVar[str] = "cohort.create"
    cohort: Id
    name: Title
    handle: Annotated[str, Meta(min_length=1, max_length=32)]
    display_name: Title
    charter: Body = ""
    norms: Body = ""
    starts_at: Millis | None = None
    settings: Settings = Settings()


class CohortUpdate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "cohort.update"
    name: Title | None = None
    charter: Body | None = None
    norms: Body | None = None
    starts_at: Millis | None = None
    welcome_thread: Id | None = None
    settings: Settings = Settings()


class MemberAdd(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "member.add"
    member: Id
    handle: Annotated[str, Meta(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_\-]*$")]
    display_name: Title
    roles: list[Role] = msgspec.field(default_factory=lambda: ["learner"])
    bio: ShortText = ""
    timezone: Annotated[str, Meta(max_length=64)] = ""


class MemberUpdate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "member.update"
    member: Id
    display_name: Title | None = None
    bio: ShortText | None = None
    timezone: Annotated[str, Meta(max_length=64)] | None = None


class MemberRoles(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "member.roles"
    member: Id
    roles: Annotated[list[Role], Meta(min_length=1)]


class RotationSet(Data, kw_only=True, frozen=True):
    """Who holds a rotating role in one ISO week (``2026-W48``)."""

    KIND: ClassVar[str] = "rotation.set"
    week: Annotated[str, Meta(pattern=r"^\d{4}-W\d{2}$")]
    role: Role
    members: list[Id]


# -- curriculum -----------------------------------------------------------------------


class Resource(Struct, kw_only=True, frozen=True, omit_defaults=True):
    title: Title
    url: Annotated[str, Meta(max_length=2_000)]


class Check(Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A runnable check: a script shipped in the curriculum, run in the learner's cwd."""

    script_name: Annotated[str, Meta(max_length=200)]
    script: Body
    timeout: Annotated[int, Meta(ge=1, le=3_600)] = 60


class Project(Struct, kw_only=True, frozen=True, omit_defaults=True):
    title: Title
    brief: Body = ""
    rubric: Id | None = None
    reviewers: Annotated[int, Meta(ge=1, le=10)] | None = None
    team_size: Annotated[int, Meta(ge=1, le=MAX_TEAM_SIZE)] = 1
    """Most people one team may have for this project; 1 is a solo project."""


class CurriculumSet(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "curriculum.set"
    course: Id
    title: Title
    summary: Body = ""


class ModuleUpsert(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "module.upsert"
    module: Id
    title: Title
    summary: Body = ""
    order: int = 0
    archived: bool = False


class LessonUpsert(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "lesson.upsert"
    lesson: Id
    module: Id
    title: Title
    body: Body = ""
    order: int = 0
    minutes: Annotated[int, Meta(ge=0, le=10_000)] = 0
    prerequisites: list[Id] = []
    tags: list[Tag] = []
    hints: list[ShortText] = []
    resources: list[Resource] = []
    check: Check | None = None
    project: Project | None = None
    archived: bool = False


class Level(Struct, kw_only=True, frozen=True, omit_defaults=True):
    score: Annotated[int, Meta(ge=0, le=100)]
    label: Title
    description: ShortText = ""


class Criterion(Struct, kw_only=True, frozen=True, omit_defaults=True):
    id: Id
    title: Title
    guidance: ShortText = ""
    levels: Annotated[list[Level], Meta(min_length=2)]


class RubricExample(Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A reference submission and review, for reviewer calibration."""

    title: Title
    path: Annotated[str, Meta(max_length=300)]
    content: Body
    scores: dict[str, int]
    comment: Body = ""


class RubricUpsert(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "rubric.upsert"
    rubric: Id
    title: Title
    criteria: Annotated[list[Criterion], Meta(min_length=1)]
    example: RubricExample | None = None


# -- progress ---------------------------------------------------------------------------


class ProgressSet(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "progress.set"
    lesson: Id
    status: ProgressStatus


class SkillRate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "skill.rate"
    lesson: Id
    phase: Literal["before", "after"]
    rating: Rating


class CheckRun(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "check.run"
    lesson: Id
    passed: bool
    summary: ShortText = ""


class CheckUnstuck(Data, kw_only=True, frozen=True):
    """Which rung of the stuck ladder ended the author's failing check on a lesson:
    written with the passing ``check.run``; the fold counts one per failure spell."""

    KIND: ClassVar[str] = "check.unstuck"
    lesson: Id
    rung: Literal["hint", "faq", "thread", "alone"]
    thread: Id | None = None
    """The answered thread read (faq) or the thread started (thread)."""


# -- discussions ------------------------------------------------------------------------


class ThreadCreate(Data, kw_only=True, frozen=True):
    """A new thread with its opening post."""

    KIND: ClassVar[str] = "thread.create"
    thread: Id
    post: Id
    title: Annotated[str, Meta(min_length=1, max_length=300)]
    body: Body
    lesson: Id | None = None
    tags: Annotated[list[Tag], Meta(max_length=10)] = []
    pod: Id | None = None
    """The pod whose channel holds the thread; None for the cohort's own."""


class ThreadUpdate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "thread.update"
    thread: Id
    title: Annotated[str, Meta(min_length=1, max_length=300)] | None = None
    tags: Annotated[list[Tag], Meta(max_length=10)] | None = None
    lesson: Id | None = None


class PostCreate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "post.create"
    post: Id
    thread: Id
    body: Body
    reply_to: Id | None = None


class PostEdit(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "post.edit"
    post: Id
    body: Body


class PostReact(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "post.react"
    post: Id
    emoji: Annotated[str, Meta(min_length=1, max_length=16)]
    on: bool = True


class PostHide(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "post.hide"
    post: Id
    hidden: bool = True
    reason: ShortText = ""


class ThreadRead(Data, kw_only=True, frozen=True):
    """I have read the thread up to the post with this clock; the max wins."""

    KIND: ClassVar[str] = "thread.read"
    thread: Id
    upto: tuple[int, int, str]


class ThreadPin(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "thread.pin"
    thread: Id
    pinned: bool = True


class ThreadAnswer(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "thread.answer"
    thread: Id
    post: Id | None = None


# -- peer review ------------------------------------------------------------------------


class SubmittedFile(Struct, kw_only=True, frozen=True, omit_defaults=True):
    path: Annotated[str, Meta(min_length=1, max_length=300)]
    content: str


class RevisionData(Struct, kw_only=True, frozen=True, omit_defaults=True):
    revision: Id
    message: Body = ""
    files: Annotated[list[SubmittedFile], Meta(max_length=MAX_FILES)] = []
    diff: str = ""
    diff_range: Annotated[str, Meta(max_length=200)] = ""

    def __post_init__(self) -> None:
        size = len(self.diff.encode("utf-8", "surrogatepass")) + sum(
            len(f.content.encode("utf-8", "surrogatepass")) for f in self.files
        )
        if size > MAX_SUBMISSION_BYTES:
            raise ValueError(f"a revision may carry at most {MAX_SUBMISSION_BYTES} bytes")
        if not self.files and not self.diff:
            raise ValueError("a revision needs files or a diff")


class SubmissionCreate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "submission.create"
    submission: Id
    lesson: Id
    title: Annotated[str, Meta(min_length=1, max_length=300)]
    revision: RevisionData
    team: Id | None = None
    """The team submitting; its author must be one of its members."""


class SubmissionRevise(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "submission.revise"
    submission: Id
    revision: RevisionData


class ReviewClaim(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "review.claim"
    submission: Id


class ReviewRelease(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "review.release"
    submission: Id


class ReviewReassign(Data, kw_only=True, frozen=True):
    """Replace a reviewer whose assignment went stale (checked against the op's clock)."""

    KIND: ClassVar[str] = "review.reassign"
    submission: Id
    reviewer: Id


class LineComment(Struct, kw_only=True, frozen=True, omit_defaults=True):
    id: Id
    path: Annotated[str, Meta(max_length=300)]
    line: Annotated[int, Meta(ge=1)]
    body: Annotated[str, Meta(min_length=1, max_length=20_000)]


class ReviewSubmit(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "review.submit"
    review: Id
    submission: Id
    revision: Id
    verdict: Verdict
    scores: dict[str, int] = {}
    comment: Body = ""
    lines: Annotated[list[LineComment], Meta(max_length=500)] = []
    calibration: bool = False


class ReviewReply(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "review.reply"
    review: Id
    reply: Id
    body: Annotated[str, Meta(min_length=1, max_length=20_000)]
    comment: Id | None = None
    """The line comment answered; None answers the review's general comment."""


class ReviewHelpful(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "review.helpful"
    review: Id
    helpful: bool = True


# -- milestones, sessions, shoutouts ----------------------------------------------------


class MilestoneUpsert(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "milestone.upsert"
    milestone: Id
    title: Title
    due: Millis
    description: Body = ""
    lessons: list[Id] = []
    projects: list[Id] = []
    archived: bool = False


class MilestoneExtend(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "milestone.extend"
    milestone: Id
    member: Id
    due: Millis


class SessionUpsert(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "session.upsert"
    session: Id
    title: Title
    start: Millis
    minutes: Annotated[int, Meta(ge=1, le=24 * 60)] = 60
    link: Annotated[str, Meta(max_length=2_000)] = ""
    agenda: Body = ""
    cancelled: bool = False


class SessionRsvp(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "session.rsvp"
    session: Id
    answer: Rsvp


class SessionNotes(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "session.notes"
    session: Id
    thread: Id


class ShoutoutCreate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "shoutout.create"
    shoutout: Id
    to: Id
    message: Annotated[str, Meta(min_length=1, max_length=2_000)]


# -- teams and pods ---------------------------------------------------------------------


class TeamCreate(Data, kw_only=True, frozen=True):
    """A team for one lesson's project.

    Written by a learner, the author is its first member and ``members`` are invited
    (each accepts with ``team.accept``); written by a facilitator, ``members`` are its
    members at once.
    """

    KIND: ClassVar[str] = "team.create"
    team: Id
    lesson: Id
    name: GroupName
    members: Annotated[list[Id], Meta(max_length=MAX_TEAM_SIZE)] = []


class TeamAccept(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "team.accept"
    team: Id


class TeamLeave(Data, kw_only=True, frozen=True):
    """Leave a team, or decline an invitation to it."""

    KIND: ClassVar[str] = "team.leave"
    team: Id


class TeamSet(Data, kw_only=True, frozen=True):
    """A facilitator renames a team or sets its members (invitations not listed lapse)."""

    KIND: ClassVar[str] = "team.set"
    team: Id
    name: GroupName | None = None
    members: Annotated[list[Id], Meta(min_length=1, max_length=MAX_TEAM_SIZE)] | None = None


PodCapacity = Annotated[int, Meta(ge=POD_SIZES[0], le=POD_SIZES[1])]
PodMembers = Annotated[list[Id], Meta(max_length=POD_SIZES[1])]


class PodSpec(Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One pod of a rotation."""

    pod: Id
    name: GroupName
    members: PodMembers = []


class PodCreate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "pod.create"
    pod: Id
    name: GroupName
    members: PodMembers = []
    capacity: PodCapacity = POD_SIZES[1]
    open: bool = False
    """Members may join by themselves while it has room."""


class PodUpdate(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "pod.update"
    pod: Id
    name: GroupName | None = None
    members: PodMembers | None = None
    capacity: PodCapacity | None = None
    open: bool | None = None


class PodJoin(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "pod.join"
    pod: Id


class PodLeave(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "pod.leave"
    pod: Id


class PodRotate(Data, kw_only=True, frozen=True):
    """Close every current pod (kept, with its channel, as history) and form new ones."""

    KIND: ClassVar[str] = "pod.rotate"
    round: Annotated[str, Meta(max_length=80)] = ""
    pods: Annotated[list[PodSpec], Meta(max_length=MAX_PODS)] = []
    capacity: PodCapacity = POD_SIZES[1]
    open: bool = False


# -- quick-help chat ----------------------------------------------------------------------

CHAT_MAX_CHARS = 500
"""Longest chat message: quick help is a line or two; answers that last are threads."""
ChatText = Annotated[str, Meta(min_length=1, max_length=CHAT_MAX_CHARS)]
COHORT_CHANNEL = "cohort"
"""The channel every member reads; pod channels are ``pod:<pod id>``."""


class ChatSend(Data, kw_only=True, frozen=True):
    """A short message in a live channel (the cohort's, or a pod's)."""

    KIND: ClassVar[str] = "chat.send"
    message: Id
    channel: Id = COHORT_CHANNEL
    text: ChatText


class ChatRead(Data, kw_only=True, frozen=True):
    """I have read the channel up to the message with this clock; the max wins."""

    KIND: ClassVar[str] = "chat.read"
    channel: Id
    upto: tuple[int, int, str]


class ChatHide(Data, kw_only=True, frozen=True):
    """Hide (or show again) a chat message: its author, a mentor or a facilitator."""

    KIND: ClassVar[str] = "chat.hide"
    message: Id
    hidden: bool = True


# -- showcase -----------------------------------------------------------------------------

ShowcaseText = Annotated[str, Meta(max_length=2_000)]
THANKS_MAX_CHARS = 200


class ShowcasePublish(Data, kw_only=True, frozen=True):
    """Publish (or edit) the write-up of an approved project; its authors only."""

    KIND: ClassVar[str] = "showcase.publish"
    entry: Id
    submission: Id
    title: Annotated[str, Meta(min_length=1, max_length=120)]
    built: Annotated[str, Meta(min_length=1, max_length=2_000)]
    """What they built."""
    feedback: ShowcaseText = ""
    """What feedback changed it."""


class ShowcaseReact(Data, kw_only=True, frozen=True):
    KIND: ClassVar[str] = "showcase.react"
    entry: Id
    emoji: Annotated[str, Meta(min_length=1, max_length=16)]
    on: bool = True


class ShowcaseThank(Data, kw_only=True, frozen=True):
    """A line of thanks under a showcase entry."""

    KIND: ClassVar[str] = "showcase.thank"
    entry: Id
    thanks: Id
    text: Annotated[str, Meta(min_length=1, max_length=THANKS_MAX_CHARS)]


class ShowcaseFeature(Data, kw_only=True, frozen=True):
    """A facilitator features an entry (shown first), or stops featuring it."""

    KIND: ClassVar[str] = "showcase.feature"
    entry: Id
    featured: bool = True


DATA_TYPES: dict[str, type[Data]] = {
    cls.KIND: cls
    for cls in (
        CohortCreate, CohortUpdate, MemberAdd, MemberUpdate, MemberRoles, RotationSet,
        CurriculumSet, ModuleUpsert, LessonUpsert, RubricUpsert,
        ProgressSet, SkillRate, CheckRun,
        ThreadCreate, ThreadUpdate, PostCreate, PostEdit, PostReact, PostHide, ThreadRead,
        ThreadPin, ThreadAnswer,
        SubmissionCreate, SubmissionRevise, ReviewClaim, ReviewRelease, ReviewReassign,
        ReviewSubmit, ReviewReply, ReviewHelpful,
        MilestoneUpsert, MilestoneExtend, SessionUpsert, SessionRsvp, SessionNotes,
        ShoutoutCreate,
        CheckUnstuck,
        TeamCreate, TeamAccept, TeamLeave, TeamSet,
        PodCreate, PodUpdate, PodJoin, PodLeave, PodRotate,
        ChatSend, ChatRead, ChatHide,
        ShowcasePublish, ShowcaseReact, ShowcaseThank, ShowcaseFeature,
    )
}  # fmt: skip
"""Every op kind this version understands, by name."""

_DECODERS: dict[str, msgspec.json.Decoder[Data]] = {}
"""A decoder per kind, made when the kind is first decoded: building all of them costs
~10 ms at import, and opening a store from its snapshot decodes none."""


def decode_data(kind: str, raw: bytes) -> Data:
    """Decode the ``data`` of a known kind; raises ``msgspec.ValidationError``."""
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS[kind] = msgspec.json.Decoder(DATA_TYPES[kind])
    return decoder.decode(raw)

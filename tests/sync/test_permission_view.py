"""The server's compact permission view: same answers as the full fold, bounded in
memory, built on first use and following ops other instances store."""

from __future__ import annotations

import contextlib
import random
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cohort_tui.demo.seed import build_demo_ops
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op, decode_op, encode_op
from cohort_tui.domain.permission_view import PermissionView
from cohort_tui.domain.permissions import role_problem
from cohort_tui.domain.reduce import OutOfOrder, apply_op
from cohort_tui.server.app import create_app
from cohort_tui.server.cohort_views import CohortViews, fold_into
from cohort_tui.server.http import RateLimiter
from cohort_tui.server.sql_storage import SqlStorage
from cohort_tui.server.storage import NewOp, SqliteStorage
from tests.factories import small_cohort
from tests.sync.conftest import Api
from tests.sync.ops_helpers import thread, wire


class FullView:
    """The reference: the whole fold in arrival order, as the server kept it before."""

    def __init__(self) -> None:
        self.state = State()

    def apply(self, op: Op) -> None:
        self.state.last_clock = None
        with contextlib.suppress(OutOfOrder):
            apply_op(self.state, op)


def _forged(op: Op, author: str, n: int) -> Op:
    """The op again under a new id, written by someone else."""
    return Op(f"{op.id}_f{n}", op.kind, author, op.clock, op.data)


def _stream(seed: int) -> list[Op]:
    """The demo cohort in fold order, each op followed now and then by copies by other
    members (and a stranger): role changes, edits and hides of others' entities."""
    ops = sorted(build_demo_ops(), key=Op.sort_key)
    state = State()
    for op in ops:
        with contextlib.suppress(OutOfOrder):
            apply_op(state, op)
    people = [*state.members, "m_stranger"]
    rng = random.Random(seed)
    stream: list[Op] = []
    for n, op in enumerate(ops):
        stream.append(op)
        if rng.random() < 0.5:
            stream.append(_forged(op, rng.choice(people), n))
    return stream


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_compact_view_refuses_exactly_what_the_full_fold_refuses(seed: int) -> None:
    full, compact = FullView(), PermissionView()
    stream = _stream(seed)
    refused = 0
    for op in stream:
        expected = role_problem(full.state, op)
        assert compact.problem(op) == expected, (op.kind, op.author)
        refused += expected is not None
        full.apply(op)
        compact.apply(op)
    assert refused > 20  # the forgeries did reach the rules
    assert compact.cohort is not None
    roles = {m.id: tuple(sorted(m.roles)) for m in full.state.members.values()}
    assert {m.id: tuple(sorted(m.roles)) for m in compact.members.values()} == roles


def test_a_tentative_batch_leaves_no_trace() -> None:
    m, ops = small_cohort()
    view = PermissionView()
    for op in ops:
        view.apply(op)
    before = (dict(view.posts), {i: f.roles for i, f in view.members.items()}, view.max_clock)
    with view.tentative():
        view.apply(m.op("m_a", k.ThreadCreate(thread="t1", post="p1", title="x", body="y")))
        view.apply(m.op("m_fac", k.MemberRoles(member="m_a", roles=["facilitator"])))
        assert view.posts["p1"].author == "m_a" and view.has_role("m_a", "facilitator")
    after = (dict(view.posts), {i: f.roles for i, f in view.members.items()}, view.max_clock)
    assert after == before


def test_the_view_holds_facts_not_bodies() -> None:
    """Hundreds of posts with long bodies: the view keeps one fact per post."""
    m, ops = small_cohort()
    ops.append(m.op("m_a", k.ThreadCreate(thread="t1", post="p0", title="x", body="y")))
    ops += [
        m.op("m_b", k.PostCreate(post=f"p{i}", thread="t1", body="z" * 5_000))
        for i in range(1, 500)
    ]
    view = PermissionView()
    for op in ops:
        view.apply(op)
    assert view.size() == len(view.members) + 1 + 500
    assert len({id(c) for c in view.posts.values()}) == 2  # one creator object per member


# -- the cache of views over storage ---------------------------------------------------


def _filled(path: Path, cohorts: int, posts: int) -> SqliteStorage:
    storage = SqliteStorage(path)
    for c in range(cohorts):
        m, ops = small_cohort()
        ops.append(m.op("m_a", k.ThreadCreate(thread="t", post="p", title="x", body="y")))
        ops += [m.op("m_b", k.PostCreate(post=f"p{i}", thread="t", body="b")) for i in range(posts)]
        storage.create_cohort(f"c{c}", f"C{c}", expires_at=2**50)
        storage.add_ops(f"c{c}", [NewOp(op.id, op.author, encode_op(op)) for op in ops])
    return storage


async def test_views_are_evicted_past_the_budget_and_rebuilt_on_use(tmp_path: Path) -> None:
    storage = _filled(tmp_path / "s.db", cohorts=5, posts=200)
    views = CohortViews(storage, budget=500)
    for c in range(5):
        view = await views.current(f"c{c}")
        assert view.posts["p7"].author == "m_b"
    assert views.size() <= 500 and len(views) == 2  # each view holds ~210 facts
    assert "c4" in views and "c0" not in views
    again = await views.current("c0")  # rebuilt from storage
    assert again.posts["p7"].author == "m_b" and again.seq == storage.last_seq("c0")
    storage.close()


def test_start_folds_nothing_whatever_the_history(tmp_path: Path) -> None:
    storage = _filled(tmp_path / "s.db", cohorts=3, posts=100)
    app = create_app(storage, warm_up=True)
    with TestClient(app) as client:
        assert client.get("/v1/health").status_code == 200
        assert len(app.state.sync.views) == 0
    storage.close()


# -- two instances on one database -----------------------------------------------------


@pytest.fixture
def twin(api: Api, make_storage: Callable[[], SqlStorage]) -> Iterator[TestClient]:
    """A second instance on the same database as ``api`` (SQLite file or PostgreSQL)."""
    client = TestClient(create_app(make_storage(), RateLimiter(rate=10_000, burst=10_000)))
    with client:
        yield client


def _push(client: TestClient, api: Api, token: str, *ops: dict[str, object]) -> list[str]:
    r = client.post(
        f"/v1/cohorts/{api.cohort}/ops", json={"ops": list(ops)}, headers=api.auth(token)
    )
    assert r.status_code == 200, r.text
    return [x["reason"] for x in r.json()["rejected"]]


def test_a_role_given_through_one_instance_counts_on_the_other(api: Api, twin: TestClient) -> None:
    member, token = api.join("lea")
    lesson = k.LessonUpsert(lesson="l1", module="m1", title="L")
    assert _push(twin, api, token, wire(member, lesson)) == [
        "only a curator or facilitator may change the curriculum"
    ]
    # The founder makes lea a curator through the first instance ...
    promote = wire(api.founder, k.MemberRoles(member=member, roles=["curator"]))
    assert _push(api.client, api, api.token, promote) == []
    # ... and the second one, whose view was built before, follows the shared log.
    assert _push(twin, api, token, wire(member, lesson)) == []
    # Taken away on the second instance, refused on the first.
    demote = wire(api.founder, k.MemberRoles(member=member, roles=["learner"]))
    assert _push(twin, api, api.token, demote) == []
    assert _push(api.client, api, token, wire(member, lesson)) == [
        "only a curator or facilitator may change the curriculum"
    ]


def test_ownership_and_members_cross_instances(api: Api, twin: TestClient) -> None:
    a, a_token = api.join("ann")
    b, b_token = api.join("ben")
    assert _push(twin, api, b_token, thread(b, 1)) == []  # twin's view now has ben
    # A member who joined through the twin writes through the first instance.
    joined = twin.post("/v1/join", json={"invite": api.invite(), "handle": "cat"}).json()
    assert _push(api.client, api, joined["token"], thread(joined["member"], 4)) == []
    mine = thread(a, 2)
    assert _push(api.client, api, a_token, mine) == []
    edit = wire(b, k.PostEdit(post=mine["data"]["post"], body="not yours"))
    assert _push(twin, api, b_token, edit) == ["only the author may edit a post"]
    # The same op id pushed to both instances is stored once.
    again = thread(b, 3)
    _push(api.client, api, b_token, again)
    r = twin.post(f"/v1/cohorts/{api.cohort}/ops", json={"ops": [again]}, headers=api.auth(b_token))
    assert r.json()["duplicates"] == 1
    ids = [msgspec.json.decode(body)["id"] for _, body in api.storage.ops_after(api.cohort, 0, 999)]
    assert ids.count(again["id"]) == 1


def test_handles_taken_through_another_instance_are_refused(api: Api, twin: TestClient) -> None:
    api.join("dan")
    twin_join = twin.post("/v1/join", json={"invite": api.invite(), "handle": "dan"})
    assert twin_join.status_code == 409


async def test_a_view_that_missed_many_ops_catches_up(tmp_path: Path) -> None:
    storage = _filled(tmp_path / "s.db", cohorts=1, posts=10)
    views = CohortViews(storage)
    view = await views.current("c0")
    m, _ = small_cohort()
    more = [m.op("m_c", k.PostCreate(post=f"q{i}", thread="t", body="b")) for i in range(5_000)]
    other = SqliteStorage(tmp_path / "s.db")  # another instance writes
    other.add_ops("c0", [NewOp(op.id, op.author, encode_op(op)) for op in more])
    other.close()
    view = await views.current("c0")
    assert view.posts["q4999"].author == "m_c" and view.seq == storage.last_seq("c0")
    fresh = PermissionView()
    fold_into(fresh, storage, "c0")
    assert fresh.size() == view.size()
    storage.close()


def test_folding_from_storage_gives_the_view_applying_every_op_gives(tmp_path: Path) -> None:
    """Only fact-changing kinds are decoded whole from storage; the rest move the clock."""
    stream = _stream(4)
    direct = PermissionView()
    for op in stream:
        direct.apply(op)
    storage = SqliteStorage(tmp_path / "s.db")
    storage.create_cohort("c1", "C", expires_at=2**50)
    storage.add_ops("c1", [NewOp(op.id, op.author, encode_op(op)) for op in stream])
    stored = PermissionView()
    fold_into(stored, storage, "c1")
    storage.close()

    def facts(view: PermissionView) -> object:
        return (
            view.cohort,
            {i: (m.handle, m.roles) for i, m in view.members.items()},
            {i: c.author for i, c in view.posts.items()},
            {i: c.author for i, c in view.threads.items()},
            {i: c.author for i, c in view.submissions.items()},
            {i: (r.reviewer, r.submission) for i, r in view.reviews.items()},
            view.max_clock,
        )

    assert facts(stored) == facts(direct)
    assert stored.seq == len(stream)


async def test_concurrent_first_requests_build_the_view_once(tmp_path: Path) -> None:
    import asyncio

    storage = _filled(tmp_path / "s.db", cohorts=2, posts=3_000)
    starts: list[str] = []
    ops_after = storage.ops_after

    def counting(cohort: str, after: int, limit: int) -> list[tuple[int, bytes]]:
        if after == 0:
            starts.append(cohort)
        rows: list[tuple[int, bytes]] = ops_after(cohort, after, limit)
        return rows

    storage.ops_after = counting
    views = CohortViews(storage)
    got = await asyncio.gather(*(views.current(f"c{n % 2}") for n in range(6)))
    assert sorted(starts) == ["c0", "c1"]
    assert {id(view) for view in got} == {id(got[0]), id(got[1])}
    assert all(view.seq == storage.last_seq("c0") for view in got)
    storage.close()


@pytest.mark.parametrize("same", [True, False])
def test_an_id_stored_by_another_instance_mid_push_is_a_duplicate_or_a_conflict(
    api: Api,
    make_storage: Callable[[], SqlStorage],
    monkeypatch: pytest.MonkeyPatch,
    same: bool,
) -> None:
    """Another instance stores the id between this one's duplicate check and its write:
    the same content is acknowledged, other content is a conflict (never acknowledged)."""
    member, token = api.join("eve")
    mine = thread(member, 9)
    theirs = mine if same else {**mine, "data": {**mine["data"], "title": "Other"}}
    checked = api.storage.existing_ids

    def racing(cohort: str, ids: list[str]) -> set[str]:
        found = checked(cohort, ids)
        other = make_storage()  # the other instance, on the same database, writes now
        body = msgspec.json.encode(theirs)
        other.add_ops(cohort, [NewOp(mine["id"], member, body)])
        return found

    monkeypatch.setattr(api.storage, "existing_ids", racing)
    r = api.client.post(
        f"/v1/cohorts/{api.cohort}/ops", json={"ops": [mine]}, headers=api.auth(token)
    )
    body = r.json()
    if same:
        assert body["acked"] == [mine["id"]] and body["rejected"] == []
        assert body["accepted"] + body["duplicates"] == 1
    else:
        assert body["acked"] == [] and body["accepted"] == 0
        assert [x["status"] for x in body["rejected"]] == ["conflict"]


def test_ops_are_told_apart_by_kind_whatever_the_json_spacing(tmp_path: Path) -> None:
    """Bodies written by another tool (spaces after colons) still count; a kind's name
    quoted in a post only costs a decode."""
    import json

    m, ops = small_cohort()
    added = m.op("m_fac", k.MemberAdd(member="m_new", handle="newbie", display_name="N"))
    tagged = k.ThreadCreate(thread="t", post="p", title="x", body="y", tags=["member.add"])
    decoy = m.op("m_a", tagged)
    storage = SqliteStorage(tmp_path / "s.db")
    storage.create_cohort("c1", "C", expires_at=2**50)
    rows = [NewOp(op.id, op.author, encode_op(op)) for op in [*ops, decoy]]
    spaced = json.dumps(json.loads(encode_op(added))).encode()  # ", " and ": "
    assert b'"kind": "member.add"' in spaced
    storage.add_ops("c1", [*rows, NewOp(added.id, added.author, spaced)])
    view = PermissionView()
    fold_into(view, storage, "c1")
    storage.close()
    assert view.members["m_new"].handle == "newbie"
    assert view.threads["t"].author == "m_a"


def _facts(view: PermissionView) -> object:
    return (
        {i: (m.handle, m.roles) for i, m in view.members.items()},
        {i: c.author for i, c in view.threads.items()},
        {i: c.author for i, c in view.posts.items()},
        view.max_clock,
        view.seq,
    )


def test_a_push_folds_its_own_ops_undecoded_and_the_log_exactly_around_a_racing_writer(
    api: Api,
    make_storage: Callable[[], SqlStorage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While a push stores its batch, another instance stores one of the batch's ids with
    other content and a role change of its own. The pushing instance's view folds the
    rows it stored from the ops it decoded for the checks (no second decode), and the
    other rows from storage: it ends as a view built from the log alone."""
    import cohort_tui.server.cohort_views as cohort_views

    member, token = api.join("eve")
    other, _ = api.join("olga")
    batch = [thread(member, n) for n in range(4)]
    stolen = batch[1]  # its id, other content: the thread of someone else
    theirs = {**stolen, "author": other, "data": {**stolen["data"], "thread": "t_olga"}}
    promote = wire(api.founder, k.MemberRoles(member=member, roles=["curator"]))
    store = api.storage.add_ops

    def racing(cohort: str, ops: list[NewOp]) -> int:
        rival = make_storage()  # another instance on the same database writes first
        rival.add_ops(
            cohort,
            [
                NewOp(theirs["id"], other, msgspec.json.encode(theirs)),
                NewOp(promote["id"], api.founder, msgspec.json.encode(promote)),
            ],
        )
        return store(cohort, ops)

    decoded: list[bytes] = []

    def counting(body: bytes | str, *, lenient: bool = False) -> Op:
        decoded.append(bytes(body) if isinstance(body, bytes) else body.encode())
        return decode_op(body, lenient=lenient)

    monkeypatch.setattr(api.storage, "add_ops", racing)
    monkeypatch.setattr(cohort_views, "decode_op", counting)
    r = api.client.post(
        f"/v1/cohorts/{api.cohort}/ops", json={"ops": batch}, headers=api.auth(token)
    )
    assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()["rejected"]] == [stolen["id"]]
    ids = [msgspec.json.decode(body)["id"] for body in decoded]
    assert ids == [theirs["id"], promote["id"]]  # the batch's stored ops were not decoded
    view = api.client.app.state.sync.views._views[api.cohort]  # type: ignore[attr-defined]
    built = PermissionView()
    fold_into(built, api.storage, api.cohort)
    assert _facts(view) == _facts(built)
    assert view.threads["t_olga"].author == other and f"t1_{member}" not in view.threads
    assert view.has_role(member, "curator")


def test_a_cached_view_follows_ops_another_instance_stores_before_any_request(
    api: Api, twin: TestClient, backend: str
) -> None:
    """PostgreSQL's NOTIFY reaches every instance: a view that is cached catches up in the
    background, so the next request does not fold the others' ops while its client waits."""
    if backend == "sqlite":
        pytest.skip("one SQLite file has one server process: no other instance rings it")
    import time

    member, token = api.join("ivy")
    assert _push(api.client, api, token, thread(member, 1)) == []  # the view is cached
    views = api.client.app.state.sync.views  # type: ignore[attr-defined]
    batch = [thread(member, n) for n in range(2, 40)]
    assert _push(twin, api, token, *batch) == []
    last = api.storage.last_seq(api.cohort)
    deadline = time.monotonic() + 30
    while views._views[api.cohort].seq != last and time.monotonic() < deadline:
        time.sleep(0.02)
    view = views._views[api.cohort]
    assert view.seq == last and f"t39_{member}" in view.threads


async def test_concurrent_pushes_to_one_instance_keep_its_view_on_the_log(
    make_storage: Callable[[], SqlStorage],
) -> None:
    """Pushes wait for storage in worker threads; while one is stored and folded back in,
    the next one of the cohort waits for the view (it would see, or undo, half a fold)."""
    import asyncio

    import httpx

    from cohort_tui.server.storage import now_ms

    storage = make_storage()
    app = create_app(storage, RateLimiter(rate=10_000, burst=10_000))
    code = storage.create_cohort("c_race", "Race", expires_at=now_ms() + 86_400_000)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        fay = (await client.post("/v1/join", json={"invite": code, "handle": "fay"})).json()
        auth = {"Authorization": f"Bearer {fay['token']}"}
        batches = [[thread(fay["member"], 1000 * b + i) for i in range(150)] for b in range(8)]
        replies = await asyncio.gather(
            *(client.post("/v1/cohorts/c_race/ops", json={"ops": b}, headers=auth) for b in batches)
        )
    assert [r.status_code for r in replies] == [200] * len(batches)
    assert all(r.json()["accepted"] == 150 for r in replies)
    view = app.state.sync.views._views["c_race"]
    built = PermissionView()
    fold_into(built, storage, "c_race")
    assert _facts(view) == _facts(built) and len(view.threads) == 8 * 150

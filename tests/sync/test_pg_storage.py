"""Several instances on one database: cursors under concurrent writers, schema versions,
the doorbell across instances, and a PostgreSQL that goes away and comes back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import httpx
import psycopg
import pytest

from cohort_tui.cli import main
from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.clock import new_id
from cohort_tui.server import pg_schema
from cohort_tui.server.pg_doorbell import PgDoorbell
from cohort_tui.server.pg_storage import PostgresStorage, redact
from cohort_tui.server.schema import SchemaError
from cohort_tui.server.sql_storage import SqlStorage
from cohort_tui.server.storage import NewOp, now_ms
from tests.sync.live_server import LiveServer, free_port
from tests.sync.ops_helpers import wire
from tests.sync.pg_db import PrivateServer
from tests.sync.test_server_streams import _events

DAY_MS = 86_400_000


def _op(name: str) -> NewOp:
    return NewOp(name, "m1", b'{"id":"%s"}' % name.encode())


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_concurrent_writers_on_two_instances_leave_no_gap_a_reader_could_skip(
    make_storage: Callable[[], SqlStorage],
) -> None:
    first, second, reader = make_storage(), make_storage(), make_storage()
    first.create_cohort("c1", "One", expires_at=now_ms() + DAY_MS)
    done = threading.Event()
    seen: list[int] = []
    failures: list[BaseException] = []

    def write(storage: SqlStorage, prefix: str) -> None:
        try:
            for n in range(30):
                storage.add_ops("c1", [_op(f"{prefix}-{n}-{k}") for k in range(1 + n % 3)])
        except BaseException as exc:  # reported by the test thread
            failures.append(exc)

    def read() -> None:
        cursor = 0
        while True:
            finished = done.is_set()  # before the read: a last read after every commit
            rows = reader.ops_after("c1", cursor, 1000)
            seen.extend(seq for seq, _ in rows)
            if rows:
                cursor = rows[-1][0]
            elif finished:
                return

    writers = [
        threading.Thread(target=write, args=(storage, f"{name}{n}"))
        for storage, name in ((first, "a"), (second, "b"))
        for n in range(2)
    ]
    following = threading.Thread(target=read)
    following.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    following.join()
    assert not failures, failures
    total = 4 * sum(1 + n % 3 for n in range(30))
    # Following the cursor, the reader met every seq once, in order: none skipped.
    assert seen == list(range(1, total + 1))
    assert first.last_seq("c1") == second.last_seq("c1") == total


@pytest.mark.postgres
def test_a_writer_that_commits_late_holds_back_the_next_seq(pg_url: str) -> None:
    first, second = PostgresStorage(pg_url), PostgresStorage(pg_url)
    try:
        first.create_cohort("c1", "One", expires_at=now_ms() + DAY_MS)
        first.add_ops("c1", [_op("one")])
        finished: list[int] = []
        with first._writing() as db:  # a push on the first instance, not yet committed
            last = first._lock_seq(db, "c1")
            first._insert_ops(db, "c1", last, [_op("late")])
            other = threading.Thread(
                target=lambda: finished.append(second.add_ops("c1", [_op("quick")]))
            )
            other.start()
            _wait_for(lambda: _waiting_on_a_lock(pg_url), "the second writer to wait")
            # A reader sees neither: the late op is uncommitted, the quick one waits.
            assert [seq for seq, _ in second.ops_after("c1", 0, 10)] == [1]
            assert not finished
        other.join()
        rows = second.ops_after("c1", 1, 10)  # a client whose cursor is 1 misses nothing
        assert [(seq, body) for seq, body in rows] == [
            (2, _op("late").body),
            (3, _op("quick").body),
        ]
        assert finished == [3]
    finally:
        first.close()
        second.close()


def _waiting_on_a_lock(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(row and row[0])


@pytest.mark.postgres
def test_a_new_database_is_made_at_the_current_version_and_reopening_changes_nothing(
    pg_url: str,
) -> None:
    storage = PostgresStorage(pg_url)
    history = storage.instance()
    storage.close()
    again = PostgresStorage(pg_url)
    assert again.instance() == history  # same history: cursors still mean the same
    again.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        row = conn.execute("SELECT version FROM schema_version").fetchall()
    assert row == [(pg_schema.VERSION,)]


def _start_together(url: str, count: int) -> list[PostgresStorage]:
    """``count`` instances opening the database at the same moment."""
    opened: list[PostgresStorage] = []
    failures: list[BaseException] = []
    gate = threading.Barrier(count)

    def start() -> None:
        try:
            gate.wait()
            opened.append(PostgresStorage(url))
        except BaseException as exc:
            failures.append(exc)

    starting = [threading.Thread(target=start) for _ in range(count)]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join()
    for storage in opened:
        storage.close()
    assert not failures, failures
    return opened


@pytest.mark.postgres
def test_instances_starting_together_on_an_empty_database_make_it_once(pg_url: str) -> None:
    histories = {storage.instance() for storage in _start_together(pg_url, 4)}
    assert len(histories) == 1


@pytest.mark.postgres
def test_migrations_run_once_in_order_when_instances_start_together(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    PostgresStorage(pg_url).close()  # a database at today's version
    # The next version adds a column; adding it twice would fail.
    monkeypatch.setitem(
        pg_schema.MIGRATIONS, pg_schema.VERSION + 1, "ALTER TABLE cohorts ADD COLUMN note TEXT;"
    )
    monkeypatch.setattr(pg_schema, "VERSION", pg_schema.VERSION + 1)
    assert len(_start_together(pg_url, 3)) == 3
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [
            (pg_schema.VERSION,)
        ]
        conn.execute("SELECT note FROM cohorts")  # the migration ran


@pytest.mark.postgres
def test_a_database_from_a_newer_cohort_tui_is_refused_in_one_line(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    PostgresStorage(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(SchemaError, match="schema version 99"):
        PostgresStorage(pg_url)
    for argv in (
        ["serve", "--db", pg_url],
        ["server", "new-cohort", "--db", pg_url, "--name", "X"],
    ):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("cohort: cannot use postgresql://") and "upgrade cohort-tui" in err
        assert err.count("\n") == 1


def test_an_unreachable_database_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"postgresql://someone:s3cret@127.0.0.1:{free_port()}/nothing"
    assert main(["server", "new-cohort", "--db", url, "--name", "X"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cohort: cannot open {redact(url)} as a server database: ")
    assert "s3cret" not in err and err.count("\n") == 1
    assert redact(url) == url.replace("s3cret", "***")


@pytest.mark.postgres
def test_cli_new_cohort_and_serve_take_a_postgresql_url(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "new-cohort", "--db", pg_url, "--name", "Pg"]) == 0
    made = capsys.readouterr().out
    storage = PostgresStorage(pg_url)
    try:
        assert [row.name for row in map(storage.cohort, storage.cohort_ids()) if row] == ["Pg"]
        assert storage.cohort_ids()[0] in made
    finally:
        storage.close()


@pytest.fixture
def two_instances(pg_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two servers on one PostgreSQL database; the cohort was made through the first."""
    first = LiveServer(pg_url).start()
    second = LiveServer(pg_url).start(found=False)
    second.cohort, second.founder, second.token = first.cohort, first.founder, first.token
    yield first, second
    second.stop()
    first.stop()


def _doorbell(server: LiveServer) -> PgDoorbell:
    doorbell = server.app.state.sync.doorbell
    assert isinstance(doorbell, PgDoorbell)
    return doorbell


def _post(server: LiveServer, text: str) -> httpx.Response:
    """A new thread titled ``text``, pushed by the founder."""
    data = k.ThreadCreate(thread=new_id("t"), post=new_id("p"), title=text, body=text)
    return httpx.post(
        f"{server.url}/v1/cohorts/{server.cohort}/ops",
        json={"ops": [wire(server.founder, data)]},
        headers=server.auth(),
        timeout=10,
    )


def _next_ops(events: Iterator[tuple[str, str]]) -> tuple[str, str]:
    """The next event other than presence (who is here, sent as the stream opens too)."""
    for name, data in events:
        if name != "presence":
            return name, data
    raise AssertionError("the stream ended")


@pytest.mark.postgres
def test_an_op_pushed_to_one_instance_reaches_stream_listeners_on_another(
    two_instances: tuple[LiveServer, LiveServer],
) -> None:
    first, second = two_instances
    _wait_for(lambda: _doorbell(second).listening.is_set(), "the second instance to listen")
    after = second.storage.last_seq(second.cohort)
    url = f"{second.url}/v1/cohorts/{second.cohort}/stream?after={after}"
    # The founder's token, made through the first instance, works on the second one.
    with httpx.stream("GET", url, headers=second.auth(), timeout=10.0) as r:
        assert r.status_code == 200
        events = _events(r)
        assert next(events)[0] == "ready"
        started = time.monotonic()
        assert _post(first, "hello").status_code == 200
        name, data = _next_ops(events)
        assert name == "ops" and "hello" in data
        assert time.monotonic() - started < 5  # rung, not found by a heartbeat (15 s)
        # Its listening connection killed, the second instance listens again by itself
        # and hears the next op.
        with psycopg.connect(first.db, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN%'"
            )
        _wait_for(lambda: _doorbell(second).connects >= 2, "the second instance to listen again")
        assert _post(first, "again").status_code == 200
        name, data = _next_ops(events)
        assert name == "ops" and "again" in data


@pytest.mark.postgres
def test_pooled_connections_killed_by_the_database_are_replaced_without_an_error(
    two_instances: tuple[LiveServer, LiveServer],
) -> None:
    first, _second = two_instances
    pull = f"{first.url}/v1/cohorts/{first.cohort}/ops"
    assert httpx.get(pull, headers=first.auth()).status_code == 200
    with psycopg.connect(first.db, autocommit=True) as conn:
        killed = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = 'cohort-serve'"
        ).fetchone()
    assert killed and killed[0] >= 2
    for _ in range(5):  # each would otherwise meet a dead pooled connection first
        assert httpx.get(pull, headers=first.auth()).status_code == 200
    assert _post(first, "after").status_code == 200


@pytest.fixture
def private_server() -> Iterator[PrivateServer]:
    server = PrivateServer(free_port())
    try:
        if server.problem is not None:
            pytest.skip(server.problem)
        server.start()
        yield server
    finally:
        server.remove()


@pytest.mark.postgres
def test_while_postgresql_is_down_requests_get_503_and_the_instance_recovers_by_itself(
    private_server: PrivateServer,
) -> None:
    live = LiveServer(private_server.url).start()
    try:
        pull = f"{live.url}/v1/cohorts/{live.cohort}/ops"
        assert _post(live, "before").status_code == 200
        private_server.stop()
        for _ in range(3):
            for r in (httpx.get(pull, headers=live.auth(), timeout=10), _post(live, "down")):
                assert r.status_code == 503, r.text
                assert r.json()["error"] == "unavailable" and "try again" in r.json()["message"]
                assert int(r.headers["retry-after"]) > 0
        assert httpx.get(f"{live.url}/v1/health").status_code == 200  # still answering
        private_server.start()
        _wait_for(
            lambda: httpx.get(pull, headers=live.auth(), timeout=10).status_code == 200,
            "the instance to reach PostgreSQL again",
        )
        assert _post(live, "after").status_code == 200
        texts = httpx.get(pull, headers=live.auth(), timeout=10).text
        assert "before" in texts and "after" in texts and "down" not in texts
    finally:
        live.stop()

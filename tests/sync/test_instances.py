"""Three `cohort serve` instances on one PostgreSQL database, behind HAProxy (the example
config in deploy/, when haproxy is installed) or addressed directly: members on any
instance converge, and one instance killed mid-way loses and doubles nothing."""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cohort_tui.domain import op_kinds as k
from cohort_tui.store.workspace import Replica
from cohort_tui.sync.credentials import load_credentials
from tests.sync.test_end_to_end import ServerProcess, _free_port, cli, random_ops

EXAMPLE = Path(__file__).parents[2] / "deploy" / "haproxy.cfg"

pytestmark = pytest.mark.postgres


class Balancer:
    """HAProxy running deploy/haproxy.cfg, with this test's ports."""

    def __init__(self, backends: list[int], root: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ports = iter(backends)
        config = EXAMPLE.read_text()
        config = config.replace("bind 127.0.0.1:8080", f"bind 127.0.0.1:{self.port}")
        config = re.sub(
            r"server (\w+) 127\.0\.0\.1:\d+",
            lambda m: f"server {m.group(1)} 127.0.0.1:{next(ports)}",
            config,
        )
        assert next(ports, None) is None, "the example has one server line per instance"
        self.config = root / "haproxy.cfg"
        self.config.write_text(config)
        self.log = root / "haproxy.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                ["haproxy", "-db", "-f", str(self.config)], stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError("haproxy did not start: " + self.log.read_text())

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def instances(pg_url: str, tmp_path: Path) -> Iterator[list[ServerProcess]]:
    servers = [ServerProcess(pg_url, _free_port(), tmp_path / f"serve{n}.log") for n in range(3)]
    try:  # an instance that fails to start must not leave the ones before it running
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            if server.proc is not None:
                server.stop(signal.SIGKILL)


@pytest.fixture
def entries(instances: list[ServerProcess], tmp_path: Path) -> Iterator[list[str]]:
    """The server URL of each of three members: the balancer's for all, or without
    haproxy one instance each."""
    if shutil.which("haproxy") is None:
        yield [server.url for server in instances]
        return
    balancer = Balancer([server.port for server in instances], tmp_path)
    balancer.start()
    yield [balancer.url] * 3
    balancer.stop()


def test_three_instances_serve_one_cohort_and_a_killed_one_loses_nothing(
    pg_url: str,
    instances: list[ServerProcess],
    entries: list[str],
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    rng = random.Random(12)
    behind_balancer = len(set(entries)) == 1
    code, out, err = cli(capsysbinary, "server", "new-cohort", "--db", pg_url, "--name", "N")
    assert code == 0, err
    handles = ("fay", "ann", "ben")
    stores = {h: tmp_path / h for h in handles}
    urls = dict(zip(handles, entries, strict=True))
    code, _, err = cli(
        capsysbinary, "join", urls["fay"], "--invite", json.loads(out)["invite"],
        "--handle", "fay", "--store", str(stores["fay"]),
    )  # fmt: skip
    assert code == 0, err
    invite = cli(capsysbinary, "invite", "--store", str(stores["fay"]), "--uses", "2")[1]
    for handle in ("ann", "ben"):
        code, _, err = cli(
            capsysbinary, "join", urls[handle], "--invite", invite.decode().strip(),
            "--handle", handle, "--store", str(stores[handle]),
        )  # fmt: skip
        assert code == 0, err
    fay = Replica(stores["fay"])
    fay.write_many(
        [
            k.ModuleUpsert(module="m", title="M"),
            k.LessonUpsert(lesson="l1", module="m", title="One"),
            k.LessonUpsert(lesson="l2", module="m", title="Two"),
        ],
        author=fay.resolve_member("fay").id,
    )
    replicas = {h: Replica(p) for h, p in stores.items()}

    def sync(handle: str) -> int:
        code, _, _ = cli(capsysbinary, "sync", "--store", str(stores[handle]))
        return code

    for handle in handles:
        assert sync(handle) == 0
    for round_ in range(3):
        for handle, replica in replicas.items():
            random_ops(rng, replica, handle, rng.randrange(5, 20))
        if round_ == 1:
            instances[0].stop(signal.SIGKILL)  # a crash; the others go on
        for handle in handles:
            if behind_balancer or urls[handle] != instances[0].url or round_ != 1:
                assert sync(handle) == 0, f"{handle} could not sync in round {round_}"
            else:  # its own instance is down: it keeps its ops for later
                assert sync(handle) == 1
        if round_ == 1:
            instances[0].start()
    for handle in (*handles, *handles):
        assert sync(handle) == 0
    exports = {h: cli(capsysbinary, "export", "--store", str(p))[1] for h, p in stores.items()}
    assert exports["fay"] == exports["ann"] == exports["ben"]
    state = json.loads(exports["fay"])
    assert len(state["members"]) == 3 and len(state["posts"]) > 10
    # Every op once on the server, numbered 1..N whichever instance stored it; and every
    # instance serves the same log.
    token = next(iter(load_credentials(stores["fay"]).values())).token
    logs = []
    for server in instances:
        ids: list[str] = []
        after, more = 0, True
        while more:
            page = httpx.get(
                f"{server.url}/v1/cohorts/{state['cohort']['id']}/ops",
                params={"after": after},
                headers={"Authorization": f"Bearer {token}"},
            ).json()
            ids += [op["id"] for op in page["ops"]]
            after, more = page["cursor"], page["more"]
        assert len(ids) == len(set(ids)) and after == len(ids)
        logs.append(ids)
    assert logs[0] == logs[1] == logs[2]

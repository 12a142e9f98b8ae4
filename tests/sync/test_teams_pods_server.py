"""The server takes team and pod ops with the fold's role rules: a teammate (present or
past) may revise the team's submission, a stranger may not; only a facilitator forms,
changes and rotates pods."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.ops import decode_op
from cohort_tui.domain.reduce import fold_ops
from tests.sync.conftest import Api
from tests.sync.ops_helpers import wire as wire_at

_step = itertools.count()


def wire(author: str, data: k.Data) -> dict[str, Any]:
    """An op stamped after the joins (now, plus a step so each sorts after the one
    before), so a client's fold orders it after them too."""
    return wire_at(author, data, at=int(time.time() * 1000) + 1_000 + next(_step))


FILES = [k.SubmittedFile(path="a.py", content="x = 1\n")]


def _push(api: Api, ops: list[dict[str, Any]], token: str) -> dict[str, Any]:
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", json={"ops": ops}, headers=api.auth(token))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _revise(author: str, rev: str) -> dict[str, Any]:
    return wire(
        author,
        k.SubmissionRevise(submission="s1", revision=k.RevisionData(revision=rev, files=FILES)),
    )


def test_team_and_pod_ops_through_the_server(api: Api) -> None:
    bob, bob_token = api.join("bob")
    cara, cara_token = api.join("cara")
    dave, dave_token = api.join("dave")
    setup = [
        wire(api.founder, k.ModuleUpsert(module="m", title="M")),
        wire(
            api.founder,
            k.LessonUpsert(
                lesson="l", module="m", title="L", project=k.Project(title="P", team_size=2)
            ),
        ),
    ]
    assert _push(api, setup, api.token)["rejected"] == []
    body = _push(
        api,
        [
            wire(bob, k.TeamCreate(team="t1", lesson="l", name="B&C", members=[cara])),
            wire(
                bob,
                k.SubmissionCreate(
                    submission="s1",
                    lesson="l",
                    title="ours",
                    team="t1",
                    revision=k.RevisionData(revision="r1", files=FILES),
                ),
            ),
        ],
        bob_token,
    )
    assert body["rejected"] == []
    body = _push(api, [wire(cara, k.TeamAccept(team="t1")), _revise(cara, "r2")], cara_token)
    assert body["rejected"] == []
    body = _push(api, [_revise(dave, "r3")], dave_token)
    assert [r["reason"] for r in body["rejected"]] == [
        "only the author or the team may revise a submission"
    ]
    # A member who left may still push a revision written while in the team (offline).
    written_before_leaving = _revise(cara, "r4")
    leave = wire(cara, k.TeamLeave(team="t1"))
    body = _push(api, [leave, written_before_leaving], cara_token)
    assert body["rejected"] == []
    body = _push(api, [wire(bob, k.PodCreate(pod="p1", name="mine", members=[bob]))], bob_token)
    assert [r["reason"] for r in body["rejected"]] == ["only a facilitator may form pods"]
    pods = [
        wire(api.founder, k.PodCreate(pod="p1", name="One", members=[bob], open=True)),
        wire(
            api.founder,
            k.PodRotate(round="2", pods=[k.PodSpec(pod="p2", name="Two", members=[cara, dave])]),
        ),
    ]
    assert _push(api, pods, api.token)["rejected"] == []
    body = _push(api, [wire(bob, k.PodRotate(pods=[]))], bob_token)
    assert [r["reason"] for r in body["rejected"]] == ["only a facilitator may rotate pods"]
    # What a client pulls folds to the teams and pods the fold rules give.
    pulled = api.client.get(f"/v1/cohorts/{api.cohort}/ops?limit=1000", headers=api.auth()).json()
    state = fold_ops(decode_op(json.dumps(op).encode()) for op in pulled["ops"])
    assert not state.refused, state.refused[:3]
    assert state.teams["t1"].members == [bob]
    assert [r.author for r in state.submissions["s1"].revisions] == [bob, cara, cara]
    assert not state.pods["p1"].active and state.pods["p2"].members == [cara, dave]

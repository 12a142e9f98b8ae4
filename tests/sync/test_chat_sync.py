"""Chat and showcase ops through the server: accepted, role-checked, pulled back."""

from __future__ import annotations

from cohort_tui.domain import op_kinds as k
from tests.sync.conftest import Api
from tests.sync.ops_helpers import wire


def _push(api: Api, ops: list[dict[str, object]], token: str | None = None) -> dict:  # type: ignore[type-arg]
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", json={"ops": ops}, headers=api.auth(token))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_chat_ops_go_through_and_come_back_in_order(api: Api) -> None:
    bob, bob_token = api.join("bob")
    sent = [
        wire(api.founder, k.ChatSend(message="c1", text="anyone around?")),
        wire(api.founder, k.ChatRead(channel="cohort", upto=(1, 0, "n"))),
    ]
    assert _push(api, sent)["accepted"] == 2
    answer = wire(bob, k.ChatSend(message="c2", text="yes!"))
    assert _push(api, [answer], token=bob_token)["accepted"] == 1
    r = api.client.get(f"/v1/cohorts/{api.cohort}/ops?limit=100", headers=api.auth(bob_token))
    kinds = [o["kind"] for o in r.json()["ops"]]
    assert kinds[-3:] == ["chat.send", "chat.read", "chat.send"]


def test_the_server_refuses_what_the_fold_refuses_by_role(api: Api) -> None:
    bob, bob_token = api.join("bob")
    _push(api, [wire(api.founder, k.ChatSend(message="c1", text="mine"))])
    hide = wire(bob, k.ChatHide(message="c1"))
    feature = wire(bob, k.ShowcaseFeature(entry="e1"))
    body = _push(api, [hide, feature], token=bob_token)
    assert [r["reason"] for r in body["rejected"]] == [
        "only the author or a mentor or facilitator may hide a message",
        "only a facilitator may feature showcase entries",
    ]
    assert api.storage.existing_ids(api.cohort, [hide["id"], feature["id"]]) == set()
    own = wire(bob, k.ChatSend(message="c2", text="oops"))
    body = _push(api, [own, wire(bob, k.ChatHide(message="c2"))], token=bob_token)
    assert body["accepted"] == 2 and not body["rejected"]


def test_an_oversized_chat_message_is_refused_not_a_500(api: Api) -> None:
    op = wire(api.founder, k.ChatSend(message="c1", text="x"))
    op["data"]["text"] = "x" * (k.CHAT_MAX_CHARS + 1)
    r = api.client.post(f"/v1/cohorts/{api.cohort}/ops", json={"ops": [op]}, headers=api.auth())
    assert r.status_code < 500

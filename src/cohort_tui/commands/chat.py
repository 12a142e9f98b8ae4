"""``cohort chat send`` and ``cohort chat tail``: the quick-help chat from a shell."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cohort_tui.commands.context import acting_member, fail, open_replica


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("chat", help="the quick-help chat: send a message, print the latest")
    chat_sub = p.add_subparsers(dest="chat_command", metavar="ACTION", required=True)
    send = chat_sub.add_parser("send", parents=[common], help="send a message; prints its id")
    send.add_argument("text", metavar="TEXT")
    send.add_argument(
        "--channel",
        default="cohort",
        metavar="CHANNEL",
        help="cohort (default), or your pod: pod:NAME or pod:ID",
    )
    send.set_defaults(run=run_send)
    tail = chat_sub.add_parser("tail", parents=[common], help="print a channel's latest messages")
    tail.add_argument("--channel", default="cohort", metavar="CHANNEL", help="as for send")
    tail.add_argument("-n", "--lines", type=int, default=20, metavar="N", help="how many (20)")
    tail.add_argument("--json", action="store_true", help="machine-readable output")
    tail.add_argument(
        "--mark-read", action="store_true", help="mark the channel read up to its newest message"
    )
    tail.set_defaults(run=run_tail)


def run_send(args: argparse.Namespace) -> int:
    from cohort_tui.domain import chat
    from cohort_tui.domain.clock import new_id
    from cohort_tui.domain.op_kinds import ChatSend

    text = " ".join(args.text.split())  # one line: quick help, not a thread
    if problem := chat.check_text(text):
        fail(problem)
    replica = open_replica(args)
    me = acting_member(replica, args)
    channel = chat.resolve_channel(replica.state, me.id, args.channel)
    if problem := chat.channel_problem(replica.state, me.id, channel):
        fail(f"{problem} (channels: {', '.join(chat.channel_names(replica.state, me.id))})")
    message_id = new_id("c")
    op = replica.write(ChatSend(message=message_id, channel=channel, text=text), author=me.id)
    for refusal in replica.state.refused:
        if refusal.op == op.id:
            fail(f"not allowed: {refusal.reason}")
    print(message_id)
    return 0


def run_tail(args: argparse.Namespace) -> int:
    from cohort_tui.domain import chat
    from cohort_tui.domain.op_kinds import ChatRead

    if args.lines < 1:
        fail("-n must be at least 1")
    replica = open_replica(args)
    me = acting_member(replica, args)
    state = replica.state
    channel = chat.resolve_channel(state, me.id, args.channel)
    if problem := chat.channel_problem(state, me.id, channel, writing=False):
        fail(f"{problem} (channels: {', '.join(chat.channel_names(state, me.id))})")
    ids = chat.messages(state, channel)[-args.lines :]
    shown = [state.chat_messages[i] for i in ids]
    if args.json:
        rows = [
            {
                "id": m.id,
                "channel": m.channel,
                "author": m.author,
                "handle": state.members[m.author].handle if m.author in state.members else None,
                "text": None if m.hidden else m.text,
                "at": m.at,
                "hidden": m.hidden,
            }
            for m in shown
        ]
        unread = chat.unread_count(state, me.id, channel)
        # ASCII escapes: the text stays exact, and no control character reaches a terminal.
        print(json.dumps({"channel": channel, "unread": unread, "messages": rows}, indent=2))
    else:
        for message in shown:
            print(chat.message_line(state, message))
        if not shown:
            print("no messages yet")
    newest = chat.newest_clock(state, channel)
    mark = chat.read_mark(state, me.id, channel)
    if args.mark_read and newest is not None and (mark is None or tuple(newest) > tuple(mark)):
        replica.write(ChatRead(channel=channel, upto=newest), author=me.id)
    return 0

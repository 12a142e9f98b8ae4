"""Quick-help chat: channels, who may use them, unread counts, and a chat turned thread.

Pure. A channel is the cohort's (``cohort``, every member) or a pod's (``pod:<id>``: its
members and the staff). Messages sit in their channel in fold order, so every replica
shows the same conversation in the same order, newest at the bottom.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from cohort_tui.domain.clock import Clock
from cohort_tui.domain.model import ChatMessage, State
from cohort_tui.domain.op_kinds import CHAT_MAX_CHARS, COHORT_CHANNEL
from cohort_tui.domain.sanitize import clean_line, truncate

POD_PREFIX = "pod:"
STAFF = ("facilitator", "mentor")
"""Roles that may read and write every pod's channel (they run the cohort)."""
QUOTE_LIMIT = 200
"""Most messages one chat-turned-thread quotes (a thread body stays readable)."""
THREAD_TITLE_CHARS = 80


def pod_members(state: State, pod: str) -> set[str] | None:
    """The members of a pod, or None when the state knows no such pod."""
    pods = getattr(state, "pods", None)  # pods arrive with the team-projects work
    found = pods.get(pod) if isinstance(pods, dict) else None
    if found is None:
        return None
    return set(getattr(found, "members", ()))


def member_pods(state: State, member: str) -> list[str]:
    """The pods whose channels ``member`` may use, sorted (staff: every pod)."""
    pods = getattr(state, "pods", None)
    if not isinstance(pods, dict):
        return []
    staff = state.has_role(member, *STAFF)
    return sorted(
        pod_id
        for pod_id, pod in pods.items()
        if staff or member in set(getattr(pod, "members", ()))
    )


def channel_problem(state: State, member: str, channel: str) -> str | None:
    """Why ``member`` may not use ``channel``; None when they may."""
    if channel == COHORT_CHANNEL:
        return None
    if not channel.startswith(POD_PREFIX):
        return f"unknown channel {channel}"
    members = pod_members(state, channel.removeprefix(POD_PREFIX))
    if members is None:
        return f"unknown channel {channel}"
    if member in members or state.has_role(member, *STAFF):
        return None
    return "only the pod's members and the staff use a pod's channel"


def channels_for(state: State, member: str) -> list[str]:
    """The channels ``member`` may use: the cohort's first, then their pods'."""
    return [COHORT_CHANNEL] + [POD_PREFIX + pod for pod in member_pods(state, member)]


def channel_title(state: State, channel: str) -> str:
    """A channel's name to show (raw: sanitise to draw)."""
    if channel == COHORT_CHANNEL:
        return "Cohort"
    pod_id = channel.removeprefix(POD_PREFIX)
    pods = getattr(state, "pods", None)
    pod = pods.get(pod_id) if isinstance(pods, dict) else None
    name = getattr(pod, "name", "") or pod_id
    return f"Pod {name}"


def messages(state: State, channel: str) -> list[str]:
    """The channel's message ids, oldest first (the state's own list: do not change it)."""
    return state.chat.get(channel, [])


def read_mark(state: State, member: str, channel: str) -> Clock | None:
    """The clock of the newest message ``member`` has read in ``channel``."""
    return state.chat_reads.get(member, {}).get(channel)


def first_unread(state: State, member: str, channel: str) -> int | None:
    """The index of the first message after my read mark (not my own), or None."""
    ids = messages(state, channel)
    mark = read_mark(state, member, channel)
    first = None
    for index in range(len(ids) - 1, -1, -1):  # newest first: stops at the mark
        message = state.chat_messages[ids[index]]
        if mark is not None and tuple(message.clock) <= tuple(mark):
            break
        if message.author != member and not message.hidden:
            first = index
    return first


def unread_count(state: State, member: str, channel: str) -> int:
    """Messages by others after my read mark (hidden ones do not count)."""
    ids = messages(state, channel)
    mark = read_mark(state, member, channel)
    count = 0
    for index in range(len(ids) - 1, -1, -1):
        message = state.chat_messages[ids[index]]
        if mark is not None and tuple(message.clock) <= tuple(mark):
            break
        if message.author != member and not message.hidden:
            count += 1
    return count


def newest_clock(state: State, channel: str) -> Clock | None:
    """The clock of the channel's newest message."""
    ids = messages(state, channel)
    return state.chat_messages[ids[-1]].clock if ids else None


def check_text(text: str) -> str | None:
    """Why a message may not be sent as typed; None when it may."""
    if not text.strip():
        return "type a message first"
    if len(text) > CHAT_MAX_CHARS:
        return f"a chat message is at most {CHAT_MAX_CHARS} characters ({len(text)} typed)"
    return None


def utc_minute(ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ms / 1000))


def thread_draft(state: State, ids: Iterable[str]) -> tuple[str, str]:
    """A thread's title and body quoting the messages ``ids`` (in channel order).

    The body quotes each message as a line, with who wrote it and when (UTC, so every
    replica makes the same draft); hidden messages are left out.
    """
    chosen = [state.chat_messages[i] for i in ids if i in state.chat_messages]
    chosen = [m for m in chosen if not m.hidden]
    chosen.sort(key=lambda m: (m.clock, m.id))
    chosen = chosen[:QUOTE_LIMIT]
    if not chosen:
        return "", ""
    channel = channel_title(state, chosen[0].channel)
    lines = [f"From the {channel} chat:", ""]
    for message in chosen:
        member = state.members.get(message.author)
        who = member.handle if member else message.author
        text = " ".join(message.text.split())
        lines.append(f"> **@{who}** ({utc_minute(message.at)}): {text}")
        lines.append(">")
    body = "\n".join(lines[:-1])
    title = truncate(clean_line(" ".join(chosen[0].text.split())), THREAD_TITLE_CHARS)
    return title or "From the chat", body


def message_line(state: State, message: ChatMessage) -> str:
    """A message as one line of plain text (for ``cohort chat tail``): sanitised."""
    member = state.members.get(message.author)
    who = member.handle if member else message.author
    when = time.strftime("%H:%M", time.gmtime(message.at / 1000))
    text = "(hidden)" if message.hidden else clean_line(" ".join(message.text.split()))
    return f"{when} @{clean_line(who)}: {text}"

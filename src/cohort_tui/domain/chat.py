"""Quick-help chat: channels, who may use them, unread counts, and a chat turned thread.

Pure. A channel is the cohort's (``cohort``, every member) or a pod's (``pod:<id>``: its
members and the staff). Messages sit in their channel in fold order, so every replica
shows the same conversation in the same order, newest at the bottom.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Iterable

from cohort_tui.domain import pods
from cohort_tui.domain.clock import Clock
from cohort_tui.domain.model import ChatMessage, State
from cohort_tui.domain.op_kinds import CHAT_MAX_CHARS, COHORT_CHANNEL
from cohort_tui.domain.sanitize import clean_line, truncate

POD_PREFIX = "pod:"
QUOTE_LIMIT = 200
"""Most messages one chat-turned-thread quotes (a thread body stays readable)."""
THREAD_TITLE_CHARS = 80


def channel_problem(state: State, member: str, channel: str, *, writing: bool = True) -> str | None:
    """Why ``member`` may not write in (or, ``writing=False``, read) ``channel``; None
    when they may. A pod's channel is its members' and the staff's; a pod closed by a
    rotation keeps its channel as read-only history."""
    if channel == COHORT_CHANNEL:
        return None
    pod = (
        state.pods.get(channel.removeprefix(POD_PREFIX)) if channel.startswith(POD_PREFIX) else None
    )
    if pod is None:
        return f"unknown channel {channel}"
    if not pods.may_see_pod(state, member, pod):
        return "only the pod's members and the staff use a pod's channel"
    if writing and not pod.active:
        return "the pod was closed by a rotation; its channel is read-only"
    return None


def channels_for(state: State, member: str) -> list[str]:
    """The channels ``member`` may write in: the cohort's first, then the current pods
    they see (their own; the staff, every one), by name."""
    return [COHORT_CHANNEL] + [
        POD_PREFIX + pod.id
        for pod in pods.active_pods(state)
        if pods.may_see_pod(state, member, pod)
    ]


def resolve_channel(state: State, member: str, name: str) -> str:
    """The channel a person typed: ``cohort``, ``pod:<id>``, or a pod's name (with or
    without ``pod:``, any case) among the pods ``member`` sees; as typed when none fits."""
    if name == COHORT_CHANNEL or name.removeprefix(POD_PREFIX) in state.pods:
        return name
    wanted = name.removeprefix(POD_PREFIX).casefold()
    for channel in channels_for(state, member)[1:]:
        pod = state.pods[channel.removeprefix(POD_PREFIX)]
        if pod.name.casefold() == wanted:
            return channel
    return name


def channel_names(state: State, member: str) -> list[str]:
    """How a person may name the channels ``member`` writes in (``pod:<name>``)."""
    return [COHORT_CHANNEL] + [
        POD_PREFIX + state.pods[c.removeprefix(POD_PREFIX)].name
        for c in channels_for(state, member)[1:]
    ]


def channel_title(state: State, channel: str) -> str:
    """A channel's name to show (raw: sanitise to draw)."""
    if channel == COHORT_CHANNEL:
        return "Cohort"
    pod_id = channel.removeprefix(POD_PREFIX)
    pod = state.pods.get(pod_id)
    return f"Pod {pod.name if pod else pod_id}"


def messages(state: State, channel: str) -> list[str]:
    """The channel's message ids, oldest first (the state's own list: do not change it)."""
    return state.chat.get(channel, [])


def read_mark(state: State, member: str, channel: str) -> Clock | None:
    """The clock of the newest message ``member`` has read in ``channel``."""
    return state.chat_reads.get(member, {}).get(channel)


def _after_mark(state: State, ids: list[str], mark: Clock | None) -> int:
    """The index of the channel's first message after ``mark``: a binary search, as a
    channel keeps its messages in fold order, which is clock order."""
    if mark is None:
        return 0
    messages = state.chat_messages
    return bisect_right(ids, tuple(mark), key=lambda message: tuple(messages[message].clock))


def _unread(state: State, member: str, message_id: str) -> bool:
    message = state.chat_messages[message_id]
    return message.author != member and not message.hidden


def first_unread(state: State, member: str, channel: str) -> int | None:
    """The index of the first message after my read mark (not my own), or None."""
    ids = messages(state, channel)
    for index in range(_after_mark(state, ids, read_mark(state, member, channel)), len(ids)):
        if _unread(state, member, ids[index]):
            return index
    return None


def unread_count(state: State, member: str, channel: str) -> int:
    """Messages by others after my read mark (hidden ones do not count)."""
    ids = messages(state, channel)
    start = _after_mark(state, ids, read_mark(state, member, channel))
    return sum(1 for index in range(start, len(ids)) if _unread(state, member, ids[index]))


def has_unread(state: State, member: str, channel: str) -> bool:
    """Whether :func:`unread_count` is above 0, looking from the newest message back
    only as far as the first unread one (a backlog of thousands costs one step)."""
    ids = messages(state, channel)
    start = _after_mark(state, ids, read_mark(state, member, channel))
    return any(_unread(state, member, ids[index]) for index in range(len(ids) - 1, start - 1, -1))


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
        lines.append(f"> @{who} ({utc_minute(message.at)}): {text}")
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

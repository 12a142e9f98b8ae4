"""The fold of pod ops (``pod.*``): reducers :mod:`reduce` registers.

A member is in at most one active pod; a pod never holds more than its capacity; a
rotation closes every active pod (kept as history) before forming the new ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from cohort_tui.domain import op_kinds as k
from cohort_tui.domain.handlers import Handler, Reason, registrar
from cohort_tui.domain.model import State
from cohort_tui.domain.ops import Op
from cohort_tui.domain.pods import Pod, PodChange, PodChangeKind, pod_of

HANDLERS: dict[str, Handler] = {}
_handles = registrar(HANDLERS)


def _note(pod: Pod, op: Op, member: str, change: PodChangeKind) -> None:
    pod.history.append(PodChange(at=op.at, by=op.author, member=member, change=change))


def _placing_problem(state: State, members: Iterable[str], capacity: int, pod_id: str) -> Reason:
    """Why these members cannot make up pod ``pod_id`` (members of another pod, unknown,
    repeated or too many)."""
    people = list(members)
    if len(set(people)) != len(people):
        return "a member is listed twice"
    if len(people) > capacity:
        return f"the pod holds at most {capacity} people"
    for member in people:
        if member not in state.members:
            return f"unknown member {member}"
        current = pod_of(state, member)
        if current is not None and current.id != pod_id:
            return f"{member} is in another pod already"
    return None


@_handles(k.PodCreate)
def _pod_create(state: State, op: Op, d: k.PodCreate) -> Reason:
    if d.pod in state.pods:
        return "pod id already used"
    if reason := _placing_problem(state, d.members, d.capacity, d.pod):
        return reason
    pod = Pod(
        id=d.pod,
        name=d.name,
        created_at=op.at,
        created_by=op.author,
        capacity=d.capacity,
        open=d.open,
        members=list(d.members),
    )
    _note(pod, op, "", "formed")
    for member in pod.members:
        _note(pod, op, member, "added")
    state.pods[pod.id] = pod
    return None


@_handles(k.PodUpdate)
def _pod_update(state: State, op: Op, d: k.PodUpdate) -> Reason:
    pod = state.pods.get(d.pod)
    if pod is None:
        return "unknown pod"
    if not pod.active:
        return "this pod was closed by a rotation; it is kept as history"
    capacity = d.capacity if d.capacity is not None else pod.capacity
    members = list(d.members) if d.members is not None else pod.members
    if reason := _placing_problem(state, members, capacity, pod.id):
        return reason
    for member in [m for m in pod.members if m not in members]:
        _note(pod, op, member, "removed")
    for member in [m for m in members if m not in pod.members]:
        _note(pod, op, member, "added")
    pod.members, pod.capacity = members, capacity
    if d.name is not None:
        pod.name = d.name
    if d.open is not None:
        pod.open = d.open
    return None


@_handles(k.PodJoin)
def _pod_join(state: State, op: Op, d: k.PodJoin) -> Reason:
    pod = state.pods.get(d.pod)
    if pod is None:
        return "unknown pod"
    if not pod.active:
        return "this pod was closed by a rotation"
    if op.author in pod.members:
        return "you are in this pod already"
    if not pod.open:
        return "this pod is not open for members to join"
    if not pod.has_room:
        return "this pod is full"
    if pod_of(state, op.author) is not None:
        return "you are in another pod already; leave it first"
    pod.members.append(op.author)
    _note(pod, op, op.author, "joined")
    return None


@_handles(k.PodLeave)
def _pod_leave(state: State, op: Op, d: k.PodLeave) -> Reason:
    pod = state.pods.get(d.pod)
    if pod is None:
        return "unknown pod"
    if not pod.active:
        return "this pod was closed by a rotation"
    if op.author not in pod.members:
        return "you are not in this pod"
    pod.members.remove(op.author)
    _note(pod, op, op.author, "left")
    return None


@_handles(k.PodRotate)
def _pod_rotate(state: State, op: Op, d: k.PodRotate) -> Reason:
    ids = [spec.pod for spec in d.pods]
    if len(set(ids)) != len(ids) or any(pod_id in state.pods for pod_id in ids):
        return "pod id already used"
    everyone = [m for spec in d.pods for m in spec.members]
    if len(set(everyone)) != len(everyone):
        return "a member is placed in two pods"
    for spec in d.pods:
        if len(spec.members) > d.capacity:
            return f"the pod holds at most {d.capacity} people"
        if unknown := [m for m in spec.members if m not in state.members]:
            return f"unknown member {unknown[0]}"
    for pod in state.pods.values():
        if pod.active:
            pod.closed_at = op.at
            _note(pod, op, "", "closed")
    for spec in d.pods:
        pod = Pod(
            id=spec.pod,
            name=spec.name,
            created_at=op.at,
            created_by=op.author,
            capacity=d.capacity,
            open=d.open,
            members=list(spec.members),
            round=d.round,
        )
        _note(pod, op, "", "formed")
        for member in pod.members:
            _note(pod, op, member, "added")
        state.pods[pod.id] = pod
    return None

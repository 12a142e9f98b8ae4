"""The op envelope: decoding, validation and encoding of log lines.

An op is ``{"id", "kind", "author", "clock", "data"}``. Known kinds get a typed ``data``
(see :mod:`op_kinds`); unknown kinds, written by a newer client, keep their raw data so
they survive in the log and are skipped by the fold.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from cohort_tui.domain.clock import (
    MAX_WALL_MS,
    READ_MAX_COUNTER,
    Clock,
    HybridClock,
    new_ulid,
)
from cohort_tui.domain.op_kinds import DATA_TYPES, Data, decode_data

OpId = Annotated[str, Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Kind = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_.]*$")]
NodeClock = tuple[
    Annotated[int, Meta(ge=0, le=MAX_WALL_MS)],
    Annotated[int, Meta(ge=0, le=READ_MAX_COUNTER)],
    Annotated[str, Meta(min_length=1, max_length=40)],
]
"""A clock as a line may hold it. This is the *read* range: an op whose counter is past
:data:`~cohort_tui.domain.clock.MAX_COUNTER` (written by an older version) still decodes and
is kept; receivers refuse such ops with :func:`~cohort_tui.domain.clock.clock_problem`."""


class OpError(ValueError):
    """An op that cannot be decoded or is invalid; the message says why."""


class Op(Struct, frozen=True, gc=False):
    """One immutable change. ``data`` is a typed :class:`Data` for known kinds."""

    id: str
    kind: str
    author: str
    clock: Clock
    data: Any

    @property
    def known(self) -> bool:
        """Whether this version of cohort-tui understands the kind."""
        return isinstance(self.data, Data)

    @property
    def at(self) -> int:
        """Wall time of the op in epoch milliseconds."""
        return self.clock[0]

    def sort_key(self) -> tuple[Clock, str]:
        """The total order every replica folds ops in."""
        return (self.clock, self.id)


class _Envelope(Struct, frozen=True):
    id: OpId
    kind: Kind
    author: OpId
    clock: NodeClock
    data: msgspec.Raw


class _Batch(Struct, frozen=True):
    ops: list[_Envelope]


_envelope_decoder = msgspec.json.Decoder(_Envelope)
_batch_decoder = msgspec.json.Decoder(_Batch)
_any_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


class InvalidData(dict[str, Any]):
    """The raw ``data`` of a known kind that failed validation (kept, folded as refused)."""

    reason: str = ""


def _from_envelope(env: _Envelope, *, lenient: bool = False) -> Op:
    # ``Raw`` data is only checked to be well-formed JSON; it is checked for valid UTF-8
    # when it is decoded, so every decode here can fail, and an op with invalid UTF-8 in
    # a string is not an op (never a crash).
    try:
        if env.kind not in DATA_TYPES:
            return Op(env.id, env.kind, env.author, env.clock, _any_decoder.decode(env.data))
        try:
            data: Any = decode_data(env.kind, bytes(env.data))
        except msgspec.ValidationError as exc:
            if not lenient:
                raise OpError(f"op {env.id} ({env.kind}): {exc}") from None
            data = InvalidData(_any_decoder.decode(env.data))
            data.reason = f"invalid data: {exc}"
    except msgspec.DecodeError as exc:
        raise OpError(f"op {env.id} ({env.kind}): {exc}") from None
    return Op(env.id, env.kind, env.author, env.clock, data)


def decode_op(line: bytes | str, *, lenient: bool = False) -> Op:
    """Decode one JSON op; raises :class:`OpError` with a readable reason.

    With ``lenient`` (reading our own log), a well-formed envelope whose data fails its
    schema decodes with :class:`InvalidData`, so the fold can refuse it visibly instead
    of the whole store failing to open.
    """
    try:
        env = _envelope_decoder.decode(line)
    except msgspec.ValidationError as exc:
        raise OpError(f"not a valid op: {exc}") from None
    except msgspec.DecodeError as exc:
        raise OpError(f"not JSON: {exc}") from None
    except UnicodeEncodeError:  # a str holding lone surrogates (undecodable bytes)
        raise OpError("not JSON: not valid UTF-8 text") from None
    return _from_envelope(env, lenient=lenient)


def decode_batch(body: bytes) -> list[Op]:
    """Decode ``{"ops": [...]}``, validating every op; raises :class:`OpError`."""
    try:
        batch = _batch_decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise OpError(f"not a valid batch: {exc}") from None
    except msgspec.DecodeError as exc:
        raise OpError(f"not JSON: {exc}") from None
    return [_from_envelope(env) for env in batch.ops]


def encode_op(op: Op) -> bytes:
    """The canonical one-line JSON form of an op (no trailing newline)."""
    return _encoder.encode(op)


def op_to_builtins(op: Op) -> dict[str, Any]:
    """The op as plain JSON-compatible Python objects."""
    result: dict[str, Any] = msgspec.to_builtins(op)
    return result


def make_op(data: Data, *, author: str, clock: HybridClock, op_id: str | None = None) -> Op:
    """A new op authored now by ``author``, stamped by ``clock``."""
    stamp = clock.now()
    return Op(op_id or new_ulid(stamp[0]), data.KIND, author, stamp, data)

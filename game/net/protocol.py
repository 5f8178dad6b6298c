"""What a browser client may send, and the one-line errors it gets back.

Why so strict: a client is a phone in a room on a shared Wi-Fi; anything it sends is untrusted
input. A message is JSON of at most `MAX_BYTES`, one of a few typed shapes (unknown fields are
errors), and a decision goes through the same check a saved decision does
(`savefile.DecisionEntry`). A bad message gets an error reply naming the field, the value and
what is allowed; it never reaches the model and never ends the connection.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from cislab.game.decisions import DECISIONS
from cislab.game.savefile import DecisionEntry, Predictions, shorten
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

MAX_BYTES = 4096
CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 5
LANGS = ("fr", "en")
Role = Literal["state", "investor", "operator"]
Lang = Literal["fr", "en"]
Token = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Scalar = (
    bool
    | Annotated[int, Field(ge=-(10**9), le=10**9)]
    | Annotated[float, Field(allow_inf_nan=False, ge=-1e9, le=1e9)]
    | Annotated[str, Field(max_length=40)]
)


class ProtocolError(ValueError):
    """A message refused: `code` names the kind (translated by the client), `field`, `value`
    and `allowed` say what was wrong; `str()` is the English line."""

    def __init__(self, code: str, field: str = "", value: Any = None, allowed: str = "") -> None:
        self.code = code
        self.field = field
        self.value = "" if value is None else shorten(value, 60)
        self.allowed = allowed
        parts = [code]
        if field:
            parts.append(f"{field} = {self.value or '—'}")
        if allowed:
            parts.append(f"allowed: {allowed}")
        super().__init__(": ".join(parts))

    def reply(self) -> dict[str, Any]:
        return {
            "type": "error",
            "code": self.code,
            "field": self.field,
            "value": self.value,
            "allowed": self.allowed,
            "message": str(self),
        }


class _Msg(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Hello(_Msg):
    """The first message: the session code, and a token to rejoin one's role after a reload."""

    type: Literal["hello"]
    code: Annotated[str, Field(min_length=1, max_length=12)]
    token: Token | None = None
    role: Role | None = None
    lang: Lang = "en"
    name: Annotated[str, Field(max_length=40)] | None = None


class Pick(_Msg):
    """Join a role's team (a free role: its controller; a held one: a viewer of its team)."""

    type: Literal["pick"]
    role: Role


class Decide(_Msg):
    """The team's decisions for `turn` (values by decision id); they replace an earlier
    submission of the same turn until the turn runs."""

    type: Literal["decide"]
    turn: int = Field(ge=0, le=100_000)
    values: dict[Annotated[str, Field(max_length=40)], Scalar] = Field(max_length=8)


class Predict(_Msg):
    type: Literal["predict"]
    answers: Predictions


class TakeControl(_Msg):
    """A viewer takes its team's controls (only when no device of the team holds them)."""

    type: Literal["take_control"]


class SetLang(_Msg):
    type: Literal["lang"]
    lang: Lang


class Ping(_Msg):
    """Echoed back as "pong" with the same `t` (the client measures round trips)."""

    type: Literal["ping"]
    t: Annotated[float, Field(allow_inf_nan=False)] = 0.0


Message = Annotated[
    Hello | Pick | Decide | Predict | TakeControl | SetLang | Ping, Field(discriminator="type")
]
_ADAPTER: TypeAdapter[Message] = TypeAdapter(Message)
TYPES = ("hello", "pick", "decide", "predict", "take_control", "lang", "ping")


def parse(raw: str | bytes | dict[str, Any]) -> Message:
    """A message from the wire; raises `ProtocolError` for anything else."""
    if isinstance(raw, dict):
        obj: Any = raw
    else:
        if len(raw) > MAX_BYTES:
            raise ProtocolError("too_big", "message", f"{len(raw)} bytes", f"≤ {MAX_BYTES}")
        try:
            obj = json.loads(raw, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise ProtocolError("not_json", "message", raw[:40]) from None
    if not isinstance(obj, dict):
        raise ProtocolError("bad_message", "message", obj, "a JSON object")
    if obj.get("type") not in TYPES:
        raise ProtocolError("bad_type", "type", obj.get("type"), ", ".join(TYPES))
    try:
        return _ADAPTER.validate_python(obj)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        if loc and loc[0] == obj["type"]:  # the discriminator's tag
            loc = loc[1:]
        field = ".".join(loc) or "message"
        value = err.get("input") if err["type"] != "missing" else None
        raise ProtocolError("bad_field", field, value, err["msg"]) from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def check_decisions(role: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values if every one is a decision the role has, with a value it offers (the rule a
    saved decision obeys); else `ProtocolError` naming the first bad one."""
    offered = {d.id: d for d in DECISIONS[role]}
    for key, value in values.items():
        spec = offered.get(key)
        if spec is None:
            raise ProtocolError("bad_value", f"values.{key}", value, ", ".join(offered))
        try:
            DecisionEntry(kind="decision", turn=0, month=0, role=role, decision=key, value=value)
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise ProtocolError("bad_value", f"values.{key}", value, problem) from None
    return dict(values)

"""The session save format: JSON data that is replayed, never code that is run.

Why replay rather than a snapshot: a save holds only what the players chose — the scenario as
data, the seed, roles, turn length, agreed terms, predictions and every decision with its turn
and month — plus the events the seed drew and checks of where the session stood. Loading
rebuilds the model from the scenario and the seed and re-applies the decisions at their months
(`game.replay`); the model's determinism then restores the exact session. Nothing in a save
names a class or a function, so a crafted file can at worst be refused. (The former format was a
pickle: opening one could run any command.)

Why so strict: a save is a file anyone can hand over. It is parsed as JSON only, every number
must be finite and bounded, every string and list is bounded, unknown fields are errors, the
decisions must be ones the game offers, and months must lie within the contract. Any failure is a
`SaveError` carrying a translation key and its fields, so the game shows one line in the player's
language and goes on.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Annotated, Any, Literal

from cislab.game import i18n
from cislab.game.decisions import DECISIONS, ROLES
from cislab.game.events import EVENTS
from cislab.game.levers import CONTRACT_LEVERS, HORIZON, lever
from cislab.game.levers import overrides as lever_overrides
from cislab.game.workshop import TURN_LENGTHS
from cislab.model.scenarios import ScenarioError, load_scenario, validate_data
from cislab.model.schema import Scenario
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    model_validator,
)

FORMAT = "cislab-session"
VERSION = 3  # 1–2 were pickles (never read again); 3: JSON replayed from scenario and seed
MAX_BYTES = 4_000_000  # a scenario is ~16 kB and a long session's journal ~100 kB
MAX_JOURNAL = 20_000
MAX_FORKS = 10
MAX_NEGOTIATION = 64
MAX_DEPTH = 32  # nesting of JSON arrays/objects (a scenario needs 4)
MAX_STRING = 20_000  # characters in any one string (scenario descriptions are the longest)
MAX_INT = 2**63 - 1
MAX_MONTH = 100_000
SHORT = 120  # characters of a value quoted in a message
PREDICTION_KEYS = ("creaming", "measured_above_true", "money_back", "payments_share", "note")
TURNS = tuple(TURN_LENGTHS)  # quarter, year, and the workshop plan's other lengths
MOVES = ("propose", "accept", "counter", "accept_counter", "reject_counter")


class SaveError(ValueError):
    """A save that cannot be read, written or replayed. `key` and `fields` give the one line
    the game shows (in its current language); `str()` is the English line."""

    def __init__(self, key: str, **fields: Any) -> None:
        self.key = key
        self.fields = {k: str(v) for k, v in fields.items()}
        super().__init__(i18n.table("en")[key].format(**self.fields))

    def message(self) -> str:
        """The line in the game's current language."""
        return i18n.tr(self.key, **self.fields)


def shorten(value: Any, limit: int = SHORT) -> str:
    """A value (as Python writes it) in a short single line for a message."""
    return clip(repr(value), limit)


def clip(text: str, limit: int = SHORT) -> str:
    """Text as one short line: a message must never spill over the game's toast."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(value: Any) -> Any:
    """A JSON scalar for a recorded value (widgets may hand numpy numbers)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return int(value)
    return float(value)


# ---------------------------------------------------------------------- the schema
Turn = Annotated[int, Field(ge=0, le=MAX_MONTH)]
Month = Annotated[int, Field(ge=0, le=MAX_MONTH)]
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
Short = Annotated[str, Field(max_length=SHORT)]
Role = Literal["state", "investor", "operator"]
Scalar = bool | Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)] | Finite | Short


class _Strict(BaseModel):
    """Strict types (no "3" for 3), unknown fields refused, immutable once read."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class DecisionEntry(_Strict):
    """A human's decision, written into the role's agent at this month."""

    kind: Literal["decision"]
    turn: Turn
    month: Month
    role: Role
    decision: Short
    value: Scalar

    @model_validator(mode="after")
    def _offered(self) -> DecisionEntry:
        spec = {d.id: d for d in DECISIONS[self.role]}.get(self.decision)
        if spec is None:
            allowed = ", ".join(spec.id for spec in DECISIONS[self.role])
            raise ValueError(f"not a decision of the {self.role}; allowed: {allowed}")
        v = self.value
        if spec.kind == "choice" and not (isinstance(v, str) and v in spec.options):
            raise ValueError(f"allowed: {', '.join(spec.options)}")
        if spec.kind == "slider" and (isinstance(v, bool | str) or not spec.low <= v <= spec.high):
            raise ValueError(f"a number from {spec.low:g} to {spec.high:g}")
        if spec.kind == "action" and not isinstance(v, bool):
            raise ValueError("true or false")
        return self


class EventEntry(_Strict):
    """An event the session's seeded stream drew at this turn's opening (checked on replay)."""

    kind: Literal["event"]
    turn: Turn
    month: Month
    event: Literal[EVENTS]  # type: ignore[valid-type]


class MonthsEntry(_Strict):
    """Months of the contract the model ran within a turn (a turn is at most 12 months, but a
    contract stopped early winds down to its end in one go: the last measurements and payments
    of the cohorts already served, with nothing left to decide)."""

    kind: Literal["months"]
    turn: Turn
    month: Month
    count: int = Field(ge=1, le=MAX_MONTH)


class EndTurnEntry(_Strict):
    kind: Literal["end_turn"]
    turn: Turn
    month: Month


class AfterYearEntry(_Strict):
    """A year (or the last months) played after the contract."""

    kind: Literal["after_year"]
    turn: Turn
    month: Month
    months: int = Field(ge=1, le=12)


Entry = Annotated[
    DecisionEntry | EventEntry | MonthsEntry | EndTurnEntry | AfterYearEntry,
    Field(discriminator="kind"),
]


class Move(_Strict):
    """One move of the contract negotiation (its outcome is `Settings.terms`)."""

    role: Role
    move: Literal[MOVES]  # type: ignore[valid-type]
    terms: dict[Short, Scalar] = Field(max_length=len(CONTRACT_LEVERS))


class Settings(_Strict):
    humans: list[Role] = Field(max_length=len(ROLES))
    turn: Literal[TURNS]  # type: ignore[valid-type]
    horizon_years: int = Field(ge=0, le=1000)  # the scenario's own bound applies on top
    terms: dict[Short, Scalar] = Field(max_length=len(CONTRACT_LEVERS))

    @model_validator(mode="after")
    def _levers(self) -> Settings:
        if len(set(self.humans)) != len(self.humans):
            raise ValueError("humans: each role once")
        expected = {lv.path for lv in CONTRACT_LEVERS}
        if set(self.terms) != expected:
            missing = sorted(expected - set(self.terms))
            extra = sorted(set(self.terms) - expected)
            raise ValueError(f"terms: missing {missing}, unknown {extra}")
        for path, value in self.terms.items():
            _check_term(path, value)
        return self


def _check_term(path: str, value: Any) -> None:
    """A term must be what its lever can hold (the widgets never produce anything else).

    A slider's range depends on the case (`levers.levers_for`: a case's own value widens it),
    so here a slider term need only be a finite number; the replay applies the terms to the
    saved scenario, whose schema then checks each value's bounds like any other input."""
    lv = lever(path)
    ok = {
        "choice": isinstance(value, str) and value in lv.options,
        "toggle": isinstance(value, bool),
        "slider": isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value),
    }[lv.kind]
    if not ok:
        raise ValueError(f"terms.{path} = {shorten(value)}: not a value of this lever")


class Predictions(_Strict):
    creaming: Literal["yes", "no"] | None = None
    measured_above_true: Literal["yes", "no"] | None = None
    money_back: Literal["yes", "no"] | None = None
    payments_share: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] | None = None
    note: Annotated[str, Field(max_length=300)] | None = None


Team = Literal["state", "investor", "operator", "room"]


def _teams(value: Any) -> Any:
    """Predictions per team; a save from before teams holds one shared set (flat keys): it is
    read as the team "room" (the whole room), see `game.predictions`."""
    if isinstance(value, dict) and value and set(value) <= set(PREDICTION_KEYS):
        return {"room": value}
    return value


TeamPredictions = Annotated[dict[Team, Predictions], BeforeValidator(_teams)]


class Position(_Strict):
    """Where the session stood when saved; the replay must arrive at exactly this point."""

    turn: Turn
    month: Month
    turn_open: bool


class Check(_Strict):
    """The ledger at the save point: a replay that does not reproduce it is refused."""

    ledger_rows: int = Field(ge=0, le=10_000_000)
    ledger_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Timeline(_Strict):
    """A run of decisions from the contract's start to a point (the session, or a fork)."""

    journal: list[Entry] = Field(max_length=MAX_JOURNAL)
    position: Position
    check: Check


class SaveData(_Strict):
    format: Literal["cislab-session"]
    version: Literal[3]
    cislab_version: Short
    saved_at: Annotated[str, Field(max_length=40)]
    case: Annotated[str, Field(max_length=80)]
    scenario_source: Annotated[str, Field(max_length=1000)]
    scenario: dict[str, JsonValue]
    seed: int = Field(ge=0, le=MAX_INT)
    settings: Settings
    negotiation: list[Move] = Field(max_length=MAX_NEGOTIATION)
    predictions: TeamPredictions
    signed_by_human: bool
    session: Timeline
    forks: list[Timeline] = Field(max_length=MAX_FORKS)

    @model_validator(mode="after")
    def _date(self) -> SaveData:
        if datetime.fromisoformat(self.saved_at).tzinfo is None:  # ValueError: not a date
            raise ValueError("saved_at: a date and time with its time zone")
        return self


# ---------------------------------------------------------------------- reading
def parse(raw: bytes, name: str) -> tuple[SaveData, Scenario]:
    """Bytes of a save -> its validated data and the scenario it was played on.

    Raises `SaveError` for anything else; never evaluates anything but JSON."""
    if len(raw) > MAX_BYTES:
        raise SaveError("save.error.too_big", name=name, size=len(raw), limit=MAX_BYTES)
    if raw[:1] == b"\x80" or raw[:2] in (b"(d", b"}q", b"(l", b"]q"):
        raise SaveError("save.error.pickle", name=name)
    try:
        text = raw.decode("utf-8-sig")
        obj = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise SaveError("save.error.not_json", name=name, problem="nested too deep") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise SaveError("save.error.not_json", name=name, problem=_first_line(exc)) from None
    _check_values(obj, name)
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise SaveError("save.error.not_save", name=name)
    if obj.get("version") != VERSION:
        raise SaveError("save.error.version", name=name, version=shorten(obj.get("version")))
    try:
        data = SaveData.model_validate(obj, strict=True)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "save"
        value = shorten(err.get("input"), 40) if err["type"] != "missing" else "—"
        problem = clip(err["msg"].removeprefix("Value error, "))
        raise SaveError(
            "save.error.invalid", name=name, field=field, value=value, problem=problem
        ) from None
    try:
        base = validate_data(data.scenario)
        config = load_scenario(base, session_overrides(data.settings))
    except ScenarioError as exc:
        raise SaveError("save.error.scenario", name=name, problem=clip(str(exc))) from None
    if data.case != base.meta.name:
        raise SaveError(
            "save.error.invalid",
            name=name,
            field="case",
            value=shorten(data.case, 40),
            problem=f"the scenario is {base.meta.name}",
        )
    for where, timeline in (("session", data.session), *(("forks", f) for f in data.forks)):
        _check_months(timeline, config, name, where)
    return data, base


def session_overrides(settings: Settings) -> dict[str, Any]:
    """The overrides a session builds its model with (the agreed terms and the horizon)."""
    return {**lever_overrides(dict(settings.terms)), HORIZON.path: settings.horizon_years}


def _no_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a number JSON allows")


def _first_line(exc: Exception) -> str:
    return clip(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 80)


def _check_values(obj: Any, name: str) -> None:
    """Every number finite and bounded, every string bounded, nesting shallow (no recursion)."""
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SaveError("save.error.not_json", name=name, problem="nested too deep")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
            stack.extend((k, depth + 1) for k in node)
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise SaveError("save.error.value", name=name, value=shorten(node))
        elif _too_big(node):
            raise SaveError("save.error.value", name=name, value=shorten(node, 40))


def _too_big(node: Any) -> bool:
    if isinstance(node, str):
        return len(node) > MAX_STRING
    return isinstance(node, int) and not isinstance(node, bool) and abs(node) > MAX_INT


def _check_months(timeline: Timeline, config: Scenario, name: str, where: str) -> None:
    """Contract decisions within the contract, the years after within the horizon, in order."""
    contract_end = config.contract_months
    run_end = contract_end + config.after_months
    last = (0, 0)
    for i, e in enumerate(timeline.journal):
        end = e.month + (getattr(e, "count", 0) or getattr(e, "months", 0))
        limit = run_end if isinstance(e, AfterYearEntry) else contract_end
        if end > limit or (e.turn, e.month) < last:
            raise SaveError(
                "save.error.month",
                name=name,
                field=f"{where}.journal.{i}.month",
                value=e.month,
                limit=limit,
            )
        last = (e.turn, e.month)
    if timeline.position.month > run_end:
        raise SaveError(
            "save.error.month",
            name=name,
            field=f"{where}.position.month",
            value=timeline.position.month,
            limit=run_end,
        )


# ---------------------------------------------------------------------- writing
def dumps(data: dict[str, Any]) -> bytes:
    """Strict JSON (no NaN/Infinity), validated against the very schema loading uses."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, indent=1)
    raw = text.encode("utf-8")
    parse(raw, "save")  # what we write must be what we can read back
    return raw

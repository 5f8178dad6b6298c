"""Workshop mode: fit one or two cases into the session length the trainer gives.

Why a plan and not a fixed turn length: a 90-minute session of 12 people has room for about
nine to fifteen turns of play, whatever the case's length. Peterborough's 99 months in quarters is
33 turns (about 85 minutes of play with three teams deciding); in years it is 9 turns. The plan
keeps the fixed phases (briefing, predictions, debrief, discussion) at their minimum, gives the
rest to play, and picks the shortest turn length whose number of turns fits that play time.

The timing assumptions are constants below, stated so a trainer can read them on the run sheet:
a team needs about `SEAT_SECONDS` to decide a turn, the room `RUN_SECONDS` to watch the months run
and read the news, and the years after the contract are played at once (`AFTER_MINUTES`).
Pure Python (no pygame): the game, the CLI and the facilitator pack read the same plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cislab.model.schema import Scenario

PHASES = ("briefing", "predictions", "play", "debrief", "discussion")
# Turn lengths a session may use, by the name a save records (months).
TURN_LENGTHS = {"quarter": 3, "half_year": 6, "year": 12, "eighteen_months": 18, "two_years": 24}
TURN_CHOICES = tuple(TURN_LENGTHS.values())
SEAT_SECONDS = 45  # one team reads its note and sets its levers
RUN_SECONDS = 20  # the months run; the room reads what happened
AFTER_MINUTES = 2  # the years after the contract, animated at once
# Minutes per case for the fixed phases (a shared discussion closes the session).
BRIEFING_MINUTES = (10, 7)  # first case, each further case (the room knows the roles by then)
PREDICTION_MINUTES = 5
DEBRIEF_MINUTES = (14, 9)
DISCUSSION_MINUTES = (14, 10)  # one case, two cases (shared)
MIN_SESSION = 30
MAX_SESSION = 600


class PlanError(ValueError):
    """The session is too short for the case(s); one line saying what fits."""


@dataclass(frozen=True)
class CasePlan:
    """One case inside the session: its phases and how its contract is cut into turns."""

    case: str
    contract_months: int
    turn_months: int
    turns: int
    seats: int
    minutes: dict[str, float] = field(default_factory=dict)  # per phase ("discussion" apart)

    @property
    def turn_name(self) -> str:
        return next(k for k, v in TURN_LENGTHS.items() if v == self.turn_months)


@dataclass(frozen=True)
class WorkshopPlan:
    session_minutes: int
    cases: tuple[CasePlan, ...]
    discussion: float

    def phases(self) -> list[tuple[str, str, float]]:
        """(case, phase, minutes) in the order the session runs them; "" for the discussion."""
        rows = [(c.case, p, c.minutes[p]) for c in self.cases for p in PHASES[:-1]]
        rows.append(("", "discussion", self.discussion))
        return rows

    def total(self) -> float:
        return sum(m for _, _, m in self.phases())

    def for_case(self, case: str) -> CasePlan | None:
        return next((c for c in self.cases if c.case == case), None)


def seconds_per_turn(seats: int) -> int:
    """A turn: every human team decides, then the months run."""
    return SEAT_SECONDS * max(seats, 1) + RUN_SECONDS


def play_minutes(turns: int, seats: int) -> float:
    """Minutes of play for `turns` turns with `seats` human teams, the years after included."""
    return turns * seconds_per_turn(seats) / 60 + AFTER_MINUTES


def turns_for(contract_months: int, turn_months: int) -> int:
    return math.ceil(contract_months / turn_months)


def fit_turn(contract_months: int, minutes: float, seats: int) -> int:
    """The shortest turn length (months) whose turns fit `minutes` of play; PlanError if none."""
    for months in TURN_CHOICES:
        if play_minutes(turns_for(contract_months, months), seats) <= minutes + 1e-9:
            return months
    longest = TURN_CHOICES[-1]
    need = play_minutes(turns_for(contract_months, longest), seats)
    raise PlanError(
        f"{contract_months} months of contract need {need:.0f} min of play in turns of "
        f"{longest} months; only {minutes:.0f} min left"
    )


def plan(cases: list[Scenario], session_minutes: int, seats: int = 3) -> WorkshopPlan:
    """Cut `session_minutes` into phases for `cases` (one or two), each played with `seats`
    human teams at one keyboard. Play gets what the fixed phases leave, shared between the cases
    in proportion to their contracts' lengths."""
    if not cases:
        raise PlanError("no case to plan")
    if not MIN_SESSION <= session_minutes <= MAX_SESSION:
        raise PlanError(
            f"session length = {session_minutes} min: allowed {MIN_SESSION} to {MAX_SESSION}"
        )
    n = len(cases)
    discussion = DISCUSSION_MINUTES[0 if n == 1 else 1]
    fixed: list[dict[str, float]] = []
    for i in range(n):
        brief = BRIEFING_MINUTES[0 if i == 0 else 1]
        debrief = DEBRIEF_MINUTES[0 if n == 1 else 1]
        fixed.append({"briefing": brief, "predictions": PREDICTION_MINUTES, "debrief": debrief})
    left = session_minutes - discussion - sum(sum(f.values()) for f in fixed)
    lengths = [c.contract_months for c in cases]
    if left <= 0:
        raise PlanError(
            f"session length = {session_minutes} min: the fixed phases alone take "
            f"{session_minutes - left:.0f} min"
        )
    shares = [left * m / sum(lengths) for m in lengths]
    planned = []
    for sc, share, f in zip(cases, shares, fixed, strict=True):
        months = fit_turn(sc.contract_months, share, seats)
        turns = turns_for(sc.contract_months, months)
        planned.append((sc, months, turns, f))
    # What play leaves (turns are whole) goes to the discussion, where a room always wants more.
    used = sum(math.ceil(play_minutes(t, seats)) for _, _, t, _ in planned)
    discussion += max(left - used, 0.0)
    out = tuple(
        CasePlan(
            case=sc.meta.name,
            contract_months=sc.contract_months,
            turn_months=months,
            turns=turns,
            seats=seats,
            minutes={**f, "play": math.ceil(play_minutes(turns, seats))},
        )
        for sc, months, turns, f in planned
    )
    return WorkshopPlan(session_minutes, out, math.floor(discussion))


def case_minutes(sc: Scenario, turn_months: int = 3, seats: int = 3) -> float:
    """Minutes of play the case takes at this turn length (the case library's figure)."""
    return play_minutes(turns_for(sc.contract_months, turn_months), seats)


def phase_of(scene: str) -> str:
    """The workshop phase a scene belongs to (the clock shows it)."""
    if scene in ("predict",):
        return "predictions"
    if scene in ("play", "after", "explore", "pause"):
        return "play"
    if scene == "debrief":
        return "debrief"
    return "briefing"


def clock(seconds: float) -> str:
    """mm:ss (h:mm:ss past an hour): a clock a room reads at a glance."""
    s = max(int(seconds), 0)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


def describe(plan: WorkshopPlan, lang: str = "en") -> list[str]:
    """The plan as lines for a terminal or a run sheet, in the session's language."""
    from cislab.game.i18n import table

    t = table(lang)
    lines = [t["workshop.plan_head"].format(minutes=plan.session_minutes)]
    start = 0.0
    for case, phase, minutes in plan.phases():
        c = plan.for_case(case)
        detail = ""
        if phase == "play" and c is not None:
            detail = t["workshop.play_detail"].format(
                turns=c.turns, months=c.turn_months, seats=c.seats
            )
        name = t[f"workshop.phase.{phase}"]
        where = f" — {case}" if case and len(plan.cases) > 1 else ""
        lines.append(
            f"{hh_mm(start)}–{hh_mm(start + minutes)}  {name}{where}: {minutes:.0f} min{detail}"
        )
        start += minutes
    return lines


def hh_mm(minutes: float) -> str:
    """Minutes into the session as h:mm (a run sheet's times)."""
    m = round(minutes)
    return f"{m // 60}:{m % 60:02d}"

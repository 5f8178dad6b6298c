"""A full session per role on two scenarios, played through the screens with real clicks:
title → scenario → roles → contract → predict → play (every turn) → after → debrief → export."""

from __future__ import annotations

import pygame
import pytest
from cislab.game import fmt
from cislab.game.app import SPEEDS
from cislab.game.i18n import tr

from tests.game.conftest import ARTIFACTS, nonblank

FIRST_TURN = {
    "state": [("click", "dec:audit_now"), ("slide", "dec:audit_rate")],
    "investor": [("choose", "dec:pressure", "choice.pressure.strong")],
    "operator": [
        ("choose", "dec:targeting", "choice.targeting.hardest_first"),
        ("choose", "dec:effort", "choice.effort.generous"),
    ],
}


def negotiate(d, role: str) -> None:
    scene = d.scene
    if role == "state":
        assert scene.neg.actor == "state"
        d.nudge("lv:contract.price_per_outcome", 2)
        d.click("lv:contract.price_tiers")
        d.click("propose")
    elif role == "investor":
        assert scene.neg.actor == "investor"
        d.nudge("lv:contract.price_per_outcome", 4)
        d.click("counter")  # the model's State answers at once
        if d.scene.neg.actor == "investor":
            d.click("accept")
    else:
        assert scene.neg.actor == "operator"
        d.click("accept")
    d.until(lambda: "next" in d.scene.ui)


@pytest.mark.parametrize(
    ("scenario", "role", "lang", "turn"),
    [
        ("default", "state", "en", "quarter"),
        ("default", "investor", "fr", "quarter"),
        ("default", "operator", "en", "quarter"),
        ("peterborough", "state", "fr", "year"),
        ("peterborough", "investor", "en", "year"),
        ("peterborough", "operator", "fr", "year"),
    ],
)
def test_full_session_for_one_role(make_app, tmp_path, scenario, role, lang, turn):
    shots = ARTIFACTS / f"scripted-{scenario}-{role}"
    for old in shots.glob("*.png"):
        old.unlink()
    d = make_app(lang=lang, screenshots=shots)
    app = d.app
    d.pump(2)
    seen = []

    def snap():
        d.pump(2)
        seen.append(d.scene.name)
        app.shoot(d.scene.name)

    snap()
    d.click("play")
    assert d.scene.name == "scenario"
    d.click(f"sc:{scenario}")
    snap()
    d.click("next")
    assert d.scene.name == "roles"
    d.click(f"toggle:{role}")
    d.choose("turn", tr(f"roles.{turn}"))
    snap()
    d.click("next")
    assert d.scene.name == "contract"
    negotiate(d, role)
    snap()
    d.click("next")
    assert d.scene.name == "predict"
    d.choose(f"a:{role}:creaming", tr("ui.no"))
    d.choose(f"a:{role}:payments_share", fmt.pct(0.75))
    d.click(f"a:{role}:note")
    d.pump(2, [pygame.event.Event(pygame.TEXTINPUT, text=c) for c in "hard cases"])
    snap()
    d.click("start")
    assert d.scene.name == "play"
    session = app.session
    assert session.humans == [role] and session.predictions[role]["creaming"] == "no"
    assert session.predictions[role]["payments_share"] == 0.75
    others = [t for t in session.predictions if t != role]
    assert all(session.predictions[t]["creaming"] is None for t in others)  # nothing pre-filled
    assert session.turn_months == (3 if turn == "quarter" else 12)
    app.speed_index = len(SPEEDS) - 1
    first = True
    turns = 0
    while d.scene.name == "play":
        if "done" in d.scene.ui:
            if first:
                for action in FIRST_TURN[role]:
                    if action[0] == "click":
                        d.click(action[1])
                    elif action[0] == "slide":
                        d.nudge(action[1], 3)
                    else:
                        d.choose(action[1], tr(action[2]))
                snap()
                first = False
            d.click("done")
            turns += 1
        elif "after" in d.scene.ui:  # the contract stopped early: why, then on
            stop = session.model.termination_month
            assert stop is not None and (scenario != "peterborough" or stop <= 43)
            assert all(e["month"] <= stop for e in session.log if e["kind"] == "decision")
            d.click("after")
        else:
            d.pump()
        assert turns < 60
    assert d.scene.name == "after" and session.contract_over and not session.finished
    decisions = [e for e in session.log if e["kind"] == "decision" and e["role"] == role]
    assert decisions, "the human role's decisions reached the session"
    model = session.model
    if role == "operator":
        assert model.operator.targeting == "hardest_first"
    elif role == "investor":
        assert model.investor.pressure_target == 1.0
    else:
        base = session.base.contract.audit_rate
        rates = [e["value"] for e in decisions if e["decision"] == "audit_rate"]
        assert rates and abs(rates[0] - (base + 0.15)) < 1e-6  # three clicks of 5 points
        assert model.state.audits >= 1
    snap()
    d.click("next")
    assert d.scene.name == "debrief" and session.finished  # the years left were played first
    assert session.years_after == session.horizon_years == 10
    snap()
    d.click("export")
    out = d.scene.exported  # a new folder inside the export folder
    assert out is not None and out.parent == app.export_dir
    for name in ("summary.csv", "data/timeseries.csv", "predictions.csv", "decisions.csv"):
        assert (out / name).stat().st_size > 0
    assert nonblank(out / "debrief.png") and (out / "debrief.pdf").read_bytes()[:5] == b"%PDF-"
    assert (out / "data" / "territories.csv").stat().st_size > 0
    for name in ("chart_effects.png", "chart_indices.png", "chart_money.png", "chart_adoption.png"):
        assert nonblank(out / name, min_colours=15)
    assert "hard cases" in (out / "predictions.csv").read_text(encoding="utf-8")
    first = (out / "summary.csv").read_bytes()
    d.key(pygame.K_x)  # a second export: a new folder beside the first, which is kept
    again = d.scene.exported
    assert again != out and again.parent == out.parent and (again / "summary.csv").is_file()
    assert (out / "summary.csv").read_bytes() == first
    assert seen == ["title", "scenario", "roles", "contract", "predict", "play", "after", "debrief"]
    assert all(nonblank(p) for p in shots.glob("*.png"))


def test_hot_seat_undo_fork_save_load_by_keys(make_app):
    """Three humans at one keyboard; the facilitator's keys: undo, fork, return, save, load."""
    d = make_app(lang="en")
    app = d.app
    d.pump(2)
    d.click("play")
    d.click("next")
    for key in (pygame.K_1, pygame.K_2, pygame.K_3):  # every role to a human
        d.key(key)
    d.click("next")
    for _ in range(4):  # State proposes, Investor and Operator accept
        name = next(n for n in ("propose", "accept", "next") if n in d.scene.ui)
        d.click(name)
        if d.scene.name != "contract":
            break
    d.click("start")
    scene = d.scene
    assert scene.name == "play" and app.session.humans == ["state", "investor", "operator"]
    app.speed_index = len(SPEEDS) - 1
    order = []
    for _ in range(6):  # two turns of three seats
        order.append(d.scene.role)
        d.key(pygame.K_SPACE)
        d.until(lambda: d.scene.role is not None)
    assert order == ["state", "investor", "operator"] * 2
    assert app.session.model.month == 6
    d.key(pygame.K_u)
    assert app.session.model.month == 3
    d.key(pygame.K_f)
    for _ in range(3):
        d.key(pygame.K_SPACE)
    d.until(lambda: app.session.model.month == 6 and d.scene.role is not None)
    d.key(pygame.K_r)
    assert app.session.model.month == 3
    d.key(pygame.K_s, pygame.KMOD_CTRL)  # the slots menu; Enter: the first free slot
    assert d.scene.name == "saves"
    d.key(pygame.K_RETURN)
    assert (app.saves_dir / "slot-1.json").is_file() and d.scene.name == "play"
    for _ in range(3):
        d.key(pygame.K_SPACE)
    d.until(lambda: app.session.model.month == 6 and d.scene.role is not None)
    d.key(pygame.K_o, pygame.KMOD_CTRL)  # Enter: the latest save
    d.key(pygame.K_RETURN)
    assert d.scene.name == "play" and app.session.model.month == 3

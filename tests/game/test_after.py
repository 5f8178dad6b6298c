"""After the contract: the session plays the model's post-contract years, the After scene shows
what the model reports (figures from its summary, curves from its time series, the map from its
territories), and the debrief scores adoption from the model's figures."""

from __future__ import annotations

import numpy as np
import pygame
import pytest
from cislab.game import debrief, fmt
from cislab.game.app import SPEEDS
from cislab.game.i18n import tr
from cislab.game.levers import GAME_HORIZON_YEARS, HORIZON
from cislab.game.scenes.debrief import AFTER_COLUMNS, AfterScene, DebriefScene
from cislab.game.session import Session, SessionError
from cislab.game.widgets import territory_map

from tests.game.conftest import ARTIFACTS, nonblank


def started(scenario: str, seed: int = 0, horizon: int | None = None) -> Session:
    """A session with the model in every role, its contract played to the end."""
    s = Session(scenario, seed=seed)
    if horizon is not None:
        s.set_horizon(horizon)
    s.begin_negotiation()
    s.settle_ai_moves()
    s.start()
    while s.in_contract:
        s.run_turn()
    return s


def test_session_plays_the_contract_then_the_years_after():
    s = Session("default")
    assert s.base.after.horizon_years == 0 and s.horizon_years == GAME_HORIZON_YEARS == 10
    assert Session("france_cis_programme").horizon_years == 10  # the case's own horizon
    assert s.overrides[HORIZON.path] == 10
    s.begin_negotiation()
    s.settle_ai_moves()
    s.start()
    with pytest.raises(SessionError):
        s.set_horizon(3)
    contract = s.model.config.contract_months
    while s.live:
        s.run_turn()
    assert s.model.month == contract and s.contract_over and not s.finished
    assert not s.step_month()  # the play screen's turns stop at the contract's end
    assert s.run_year() == 12 and s.years_after == 1 and s.model.month == contract + 12
    s.run_after()
    assert s.finished and s.years_after == 10 and s.run_year() == 0
    assert [e["year"] for e in s.log if e["kind"] == "after_year"] == list(range(1, 11))

    none = started("default", horizon=0)
    assert none.model.after is None and none.finished
    assert debrief.scores(none.result())["adoption"] is None


def test_after_scene_shows_the_models_adoption_figures(make_app):
    """Every figure, curve and map colour on the After screen is read from the model."""
    d = make_app(lang="fr", screenshots=ARTIFACTS / "after")
    app = d.app
    app.session = started("france_cis_programme")
    app.stack.replace(AfterScene(app))
    d.pump(3)
    scene = d.scene
    assert scene.name == "after" and scene.horizon == 10
    first = app.shoot("after_year0_fr")
    d.click("year")
    assert app.session.years_after == 1

    def shown_matches_model() -> dict:
        result = app.session.result()
        s, ts, model = result.summary, result.timeseries, result.model
        rows = dict(scene.figures())
        assert rows[tr("after.fig.adopted")] == tr(
            "after.of", n=s["adopted"], total=101, ever=s["adopted_ever"]
        )
        assert rows[tr("after.fig.reached")] == tr(
            "after.of_total", n=s["territories_reached"], total=101
        )
        assert rows[tr("after.fig.people")] == fmt.num(s["people_covered"], 0)
        assert rows[tr("after.fig.reinvested")] == fmt.money(s["investor_reinvestment"], "EUR")
        n, total = s["scale_ups_on_inflated_evidence"], s["scale_up_decisions"]
        if total:
            share = fmt.pct(s["scaled_on_inflated_evidence"])
            assert rows[tr("after.fig.inflated")] == tr(
                "after.inflated", n=n, total=total, share=share
            )
        curves = scene.curves()
        assert set(curves) == set(AFTER_COLUMNS) and len(curves["people_covered"]) == model.month
        for column, values in curves.items():
            assert np.array_equal(values, ts[column].to_numpy(dtype=float), equal_nan=True)
        assert curves["territories_adopted"][-1] == s["adopted"]
        counts = territory_map.counts(model.after.territory_map())
        assert counts["adopted"] + counts["waiting"] == s["adopted"]
        assert sum(counts.values()) == 101
        return s

    one_year = shown_matches_model()
    app.speed_index = len(SPEEDS) - 1  # "all the years" then plays one a frame
    d.key(pygame.K_a)
    d.until(lambda: app.session.finished, frames=60)
    d.pump(2)
    end = shown_matches_model()
    assert end["people_covered"] > one_year["people_covered"] > 0  # seen 8,808 and 175
    assert end["adopted"] >= 1 and end["next_contracts"] >= 1  # seen 6 and 4
    last = app.shoot("after_end_fr")
    assert nonblank(first) and nonblank(last) and first.read_bytes() != last.read_bytes()
    assert scene.ui["year"].is_enabled is False

    d.key(pygame.K_SPACE)
    assert d.scene.name == "debrief"
    result = app.session.result()
    share = end["adopted"] / end["territories"]
    assert d.scene.scores["adoption"] == pytest.approx(100 * min(1.0, share / 0.5))
    inflated = [i for i in d.scene.incidents if i.kind == "inflated"]
    if end["scale_ups_on_inflated_evidence"]:  # seen 15 of 17
        first_inflated = min(x.month for x in result.model.after.decisions if x.inflated)
        assert [(i.month, i.value) for i in inflated] == [
            (first_inflated, end["scaled_on_inflated_evidence"])
        ]
        html = d.scene.ui["incidents"].html_text
        assert fmt.pct(end["scaled_on_inflated_evidence"]) in html
    else:
        assert inflated == []


def test_adoption_score_rescales_the_models_figures():
    assert debrief.adoption_score({"territories": 12, "adopted": 3}) == pytest.approx(50.0)
    assert debrief.adoption_score({"territories": 101, "adopted": 80}) == 100.0
    assert debrief.adoption_score({"territories": 1, "adopted": 0}) == 0.0
    assert debrief.adoption_score({"creaming_index": 0.1}) is None  # no post-contract phase
    unsigned = {"territories": 12, "adopted": 0, "contract_signed": False}
    assert debrief.adoption_score(unsigned) is None  # nothing was there to adopt


def test_horizon_lever_on_the_design_screen(make_app):
    d = make_app(lang="en")
    d.pump(2)
    d.click("play")
    d.click("next")
    d.click("next")  # the model plays every role: the horizon is still the players' to set
    assert d.scene.name == "contract"
    name = f"lv:{HORIZON.path}"
    assert d.scene.ui[name].is_enabled
    d.nudge(name, 3, right=False)
    assert d.app.session.horizon_years == 7
    assert d.scene.ui[f"val:{HORIZON.path}"].text == tr("unit.years", n=7)
    assert d.scene.ui[f"lbl:{HORIZON.path}"].tool_tip_text == tr(HORIZON.tip_key)
    d.key(pygame.K_F2)  # the row is rebuilt in French from the session's value
    assert d.scene.ui[f"val:{HORIZON.path}"].text == "7 ans"
    assert d.scene.ui[f"lbl:{HORIZON.path}"].text == "Années après le contrat"


def test_debrief_without_years_after_says_so(make_app):
    d = make_app(lang="en")
    app = d.app
    app.session = started("peterborough", horizon=0)
    app.stack.replace(AfterScene(app))
    d.pump(3)
    assert "year" not in d.scene.ui  # nothing to play
    d.click("next")
    assert isinstance(d.scene, DebriefScene) and d.scene.scores["adoption"] is None
    assert d.scene._no_score("adoption") == tr("score.no_horizon")


def test_unsigned_contract_goes_to_the_debrief_with_nothing_to_adopt(make_app):
    d = make_app(lang="fr")
    app = d.app
    s = Session("default")
    neg = s.begin_negotiation()
    neg.terms["contract.price_per_outcome"] = 1000.0  # the model's investor declines
    neg.stage = "done"
    s.start()
    assert not s.model.signed and s.contract_over and not s.in_contract
    app.session = s
    app.goto_session_scene()
    d.pump(3)
    assert d.scene.name == "after" and "year" not in d.scene.ui
    d.click("next")
    assert d.scene.name == "debrief" and d.scene.scores["adoption"] is None


def test_the_after_screen_lists_the_later_contracts_the_model_ran(make_app):
    """Each later contract (model.after's next_contracts table) is a row on the After screen:
    kind, operator, enrolled, creaming, measured against true (seen in the French case's later
    outcome contracts: creaming comes back)."""
    from cislab.game.scenes.registry import make
    from cislab.game.widgets import text

    d = make_app(lang="fr")
    s = Session("france_cis_programme", seed=0, lang="fr")
    s.start()
    while s.live:
        s.run_turn()
    s.run_after()
    d.app.session = s
    d.app.stack.replace(make("after", d.app))
    d.pump(2)
    table = s.model.after.tables()["next_contracts"]
    rows = d.scene.contract_rows()
    assert len(rows) == len(table) > 0
    assert [r["start"] for r in rows] == sorted(table["start"], reverse=True)
    drawn = text.record(True)
    d.scene.draw(d.app.canvas)
    text.record(False)
    shown = [t for t, *_ in drawn]
    assert tr("after.contracts_title", n=len(table)) in shown
    for row in rows[:5]:
        assert tr(f"after.kind.{row['kind']}") in shown
        assert tr(f"after.operator.{row['operator']}") in shown
    creamed = [r for r in rows if r["creaming_index"] > debrief.CREAMING_SIGN]
    assert creamed, "the case's later outcome contracts cream (seed 0)"
    assert fmt.num(creamed[0]["creaming_index"], 3, signed=True) in shown

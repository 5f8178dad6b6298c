"""Predictions per team, as on the workshop pack's sheets (issue 10): one blank sheet per role's
team, the sheet's own choices, each team judged against the final figures and compared."""

from __future__ import annotations

import csv

import pytest
from cislab.game import debrief, fmt, pack, predictions
from cislab.game.decisions import ROLES
from cislab.game.i18n import tr
from cislab.game.session import Session
from cislab.model.api import run


@pytest.fixture(scope="module")
def result():
    return run("default", seed=3)


def test_every_team_starts_blank():
    s = Session("default", seed=0)
    assert list(s.predictions) == list(ROLES) == list(predictions.TEAMS)
    for answers in s.predictions.values():
        assert all(answers[q] is None for q in predictions.QUESTIONS) and answers["note"] == ""
    assert predictions.teams_with_answers(s.predictions) == []


def test_the_game_offers_the_sheets_teams_and_choices(make_app, monkeypatch, tmp_path):
    """The printed sheets (one per team) tick 0/25/50/75/100 %; the predict screen has the same
    teams, each with those choices and a blank, and nothing chosen."""
    ticked: list[list[str]] = []
    monkeypatch.setattr(
        pack.Doc, "tick_boxes", lambda self, options, size=12: ticked.append(options)
    )
    teams: list[str] = []
    real = pack._prediction_sheet
    monkeypatch.setattr(
        pack,
        "_prediction_sheet",
        lambda doc, sc, lang, team: (teams.append(team), real(doc, sc, lang, team)),
    )
    d = make_app(lang="fr")
    app = d.app
    app.session = Session("default", seed=0, lang="fr")
    from cislab.game.scenes.registry import make

    app.stack.replace(make("predict", app))
    d.pump(2)
    shares = [fmt.pct(t) for t in predictions.SHARE_TICKS]
    for team in predictions.TEAMS:
        menu = d.scene.ui[f"a:{team}:payments_share"]
        assert menu.options_list[0][0] == tr("predict.blank") == menu.selected_option[0]
        assert [o[0] for o in menu.options_list[1:]] == shares
        assert d.scene.ui[f"a:{team}:creaming"].selected_option[0] == tr("predict.blank")
    pack.build_pdf(app.session.base, "fr", tmp_path)
    assert teams == list(predictions.TEAMS)
    assert shares in ticked


def test_each_team_is_judged_against_the_final_figures(result):
    actual = predictions.actual_answers(result)
    s = result.summary
    assert actual["creaming"] == ("yes" if s["creaming_index"] > debrief.CREAMING_SIGN else "no")
    assert actual["payments_share"] == pytest.approx(
        s["outcome_payments"] / result.model.config.contract.max_payment
    )
    opposite = {"yes": "no", "no": "yes"}
    nearest = min(predictions.SHARE_TICKS, key=lambda t: abs(t - actual["payments_share"]))
    right = {q: actual[q] for q in predictions.QUESTIONS[:3]} | {"payments_share": nearest}
    wrong = {q: opposite[actual[q]] for q in predictions.QUESTIONS[:3]}
    sheets = {
        "state": {**predictions.blank(), **right},
        "investor": {**predictions.blank(), **wrong, "note": "we doubt it"},
        "operator": predictions.blank(),  # left blank: not a team of the comparison
    }
    scores = {t["team"]: t for t in predictions.team_scores(sheets, result)}
    assert set(scores) == {"state", "investor"}
    assert (scores["state"]["right"], scores["state"]["answered"]) == (4, 4)
    assert (scores["investor"]["right"], scores["investor"]["answered"]) == (0, 3)
    assert scores["state"]["best"] and not scores["investor"]["best"]
    assert [r["right"] for r in scores["investor"]["rows"]][-1] is None  # no answer: not judged


def test_a_share_is_right_on_the_nearest_tick_only():
    for truth in (0.0, 0.1, 0.37, 0.5, 0.62, 0.9, 1.0):
        right = [
            t for t in predictions.SHARE_TICKS if predictions.judge("payments_share", t, truth)
        ]
        assert right, truth  # some tick is always right
        best = min(predictions.SHARE_TICKS, key=lambda t: abs(t - truth))
        assert best in right and all(abs(t - truth) <= 0.125 + 1e-9 for t in right)


def test_the_export_has_one_row_per_team_and_question(tmp_path, result):
    sheets = {t: predictions.blank() for t in predictions.TEAMS}
    sheets["operator"].update(creaming="yes", note="hard cases")
    sheets["state"].update(money_back="no")
    debrief.export_tables(tmp_path, result, sheets, [])
    with (tmp_path / "predictions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    body = rows[1:]
    teams = {r[0] for r in body}
    assert teams == {"state", "operator"}
    assert sum(r[1] != "note" for r in body) == 2 * len(predictions.QUESTIONS)
    assert ["operator", "note", "hard cases", "", ""] in body


def test_the_debrief_compares_the_teams_on_screen(make_app):
    d = make_app(lang="fr")
    app = d.app
    s = Session("default", seed=3, lang="fr")
    s.predictions["investor"].update(creaming="yes", money_back="yes", payments_share=0.5)
    s.predictions["operator"].update(creaming="no")
    s.start()
    while not s.finished:
        s.run_turn()
    app.session = s
    from cislab.game.scenes.registry import make

    app.stack.replace(make("debrief", app))
    d.pump(2)
    html = d.scene._predictions_html()
    assert tr("role.investor") in html and tr("role.operator") in html
    assert tr("debrief.team_scores") in html
    assert "1/1" in html or "0/1" in html  # the operator answered one question

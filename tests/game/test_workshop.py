"""Workshop mode (issue 10): the plan fits the case into the session, a scripted Peterborough
session in a 90-minute workshop announces the month-43 stop and skips the dead turns, the clock
counts each phase, and `cislab workshop-pack` writes a PDF with every section in both languages."""

from __future__ import annotations

import pygame
import pytest
from cislab.game import headlines, workshop
from cislab.game.i18n import tr
from cislab.game.scenes.play import PlayScene
from cislab.model.scenarios import load_scenario, scenario_names
from typer.testing import CliRunner

from tests.game.test_events_and_cases import agreed


@pytest.mark.parametrize("name", scenario_names())
def test_every_case_fits_a_90_minute_session_and_the_plan_adds_up(name):
    sc = load_scenario(name)
    plan = workshop.plan([sc], 90)
    case = plan.cases[0]
    assert plan.total() == 90
    assert case.turns * case.turn_months >= sc.contract_months  # the whole contract is played
    assert case.minutes["play"] >= workshop.play_minutes(case.turns, 3)  # the turns fit
    shorter = [m for m in workshop.TURN_CHOICES if m < case.turn_months]
    for months in shorter:  # the shortest turn that fits was chosen
        assert (
            workshop.play_minutes(workshop.turns_for(sc.contract_months, months), 3)
            > (case.minutes["play"])
        )


def test_peterborough_and_gironde_share_90_minutes():
    cases = [load_scenario("peterborough"), load_scenario("gironde_relais_familial")]
    plan = workshop.plan(cases, 90)
    assert plan.total() == 90
    assert [p for _, p, _ in plan.phases()].count("play") == 2
    assert all(c.turns <= 8 for c in plan.cases)


def test_a_session_too_short_is_refused_in_one_line():
    with pytest.raises(workshop.PlanError, match="fixed phases alone"):
        workshop.plan([load_scenario("peterborough")], 40)


def test_cli_workshop_refuses_bad_lengths_with_one_line():
    from cislab.cli import app

    result = CliRunner().invoke(app, ["play", "peterborough", "--workshop", "5"])
    assert result.exit_code == 2
    assert "--workshop = 5: allowed 30 to 600 minutes" in result.output


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_scripted_peterborough_workshop_announces_the_stop_and_skips_dead_turns(make_app, lang):
    """Three teams, 90 minutes: 17 turns of 6 months are planned; the contract stops at month
    43 (policy change) and no team gets a seat after it; the months left run at once."""
    d = make_app(lang=lang, workshop=90, scenario="peterborough")
    app = d.app
    plan = workshop.plan([load_scenario("peterborough")], 90)
    assert (plan.cases[0].turn_months, plan.cases[0].turns) == (6, 17)
    app.session = agreed("peterborough", ["state", "investor", "operator"], "half_year")
    assert app.session.turn_months == 6
    app.stack.replace(PlayScene(app))
    d.pump(2)
    seats_seen = []
    for _ in range(40):
        scene = d.scene
        if scene.name != "play" or scene.phase == "ended":
            break
        if scene.role is not None:
            seats_seen.append((app.session.model.month, scene.role))
        d.key(pygame.K_SPACE)
        d.until(lambda: d.scene.name != "play" or d.scene.phase in ("decide", "ended"), 3000)
    s = app.session
    assert d.scene.phase == "ended" and s.model.terminated == "policy_change"
    assert s.model.termination_month == 43
    assert max(m for m, _ in seats_seen) <= 43  # no seat after the stop: dead turns skipped
    assert s.turn <= 8  # 43 months in 6-month turns, not the 17 planned
    assert s.model.month == s.model.config.contract_months  # the last payments were played
    title = d.scene.ui["panel_title"].text
    assert title == tr("play.stopped_title", month=43)
    stop = headlines.describe(
        {"kind": "stopped", "month": 43, "cause": "policy_change"}, s.base, "GBP"
    )
    assert stop in d.scene.ui["reports"].html_text
    # the clock counted the play phase, shown beside the status line
    assert app.phase_seconds.get((0, "play"), 0) > 0
    said, _late = app.clock_text("play")
    assert tr("workshop.phase.play") in said and "/90 min" in said


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_workshop_pack_writes_every_section(tmp_path, lang):
    import re

    from cislab.cli import app

    out = tmp_path / "pack"
    result = CliRunner().invoke(
        app, ["workshop-pack", "peterborough", "--lang", lang, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    pdf = out / f"workshop-pack-peterborough-{lang}.pdf"
    raw = pdf.read_bytes()
    # run sheet, briefing, three role cards, three prediction sheets, prompts, glossary
    assert len(re.findall(rb"/Type /Page\b(?!s)", raw)) == 10
    assert b"/FontFile2" in raw and b"DejaVuSans" in raw  # the font is embedded
    # a second run never overwrites the first folder
    again = CliRunner().invoke(
        app, ["workshop-pack", "peterborough", "--lang", lang, "--out", str(out)]
    )
    assert again.exit_code == 2 and pdf.exists()

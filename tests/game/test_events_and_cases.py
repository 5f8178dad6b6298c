"""Events the room sees (read from the model, announced when they happen, dead turns skipped),
"paid so far" from the ledger, and cases played as they were (levers, counter-offers, payer)."""

from __future__ import annotations

import math

import pygame
import pytest
from cislab.game import announcements, fmt, headlines, i18n, payer
from cislab.game.app import SPEEDS
from cislab.game.i18n import tr
from cislab.game.levers import CONTRACT_LEVERS, levers_for
from cislab.game.scenes import lever_rows
from cislab.game.scenes.contract import ContractScene
from cislab.game.scenes.play import PlayScene
from cislab.game.session import Session
from cislab.model.api import build, run
from cislab.model.population import Status
from cislab.model.scenarios import load_scenario, scenario_names

from tests.game.conftest import ARTIFACTS

RAW_CODES = ("policy_change", "investor_exit", "operator_insolvent")


@pytest.fixture(autouse=True)
def _fresh_fonts():
    """Drop fonts cached while pygame ran: a later test must not meet a font of a quit module."""
    yield
    from cislab.game.widgets import text

    text.reset()


def agreed(scenario: str, humans: list[str], turn: str = "quarter", seed: int = 0) -> Session:
    """A session whose parties all accept the case's own terms, started."""
    s = Session(scenario, seed=seed)
    s.set_roles(humans, turn)
    neg = s.begin_negotiation()
    neg.propose({})
    neg.accept("investor")
    neg.accept("operator")
    s.start()
    return s


# ---------------------------------------------------------------------- events the room sees
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_peterborough_session_announces_the_month_43_stop_and_skips_dead_turns(make_app, lang):
    """Three humans, turns of a year, through the screens: the contract stops at month 43 by
    the policy change (as `cislab run peterborough` says), no seat is offered after it, the play
    screen says so with its cause in the session's language, then the after phase follows."""
    cli = run("peterborough", seed=0)  # what `cislab run peterborough` writes
    enrolled = cli.timeseries.set_index("month")["enrolled_total"]
    assert cli.summary["termination_month"] == 43
    assert enrolled[43:].nunique() == 1 and enrolled[41] < enrolled[42]  # no one enrols after
    d = make_app(lang=lang, screenshots=ARTIFACTS / f"events-peterborough-{lang}")
    app = d.app
    app.session = agreed("peterborough", ["state", "investor", "operator"], "year")
    app.stack.replace(PlayScene(app))
    app.speed_index = len(SPEEDS) - 1
    d.pump(2)
    seats = []
    for _ in range(40):
        scene = d.scene
        if scene.name != "play" or scene.phase == "ended":
            break
        if scene.role is not None:
            seats.append((app.session.model.month, scene.role))
            d.key(pygame.K_SPACE)
        else:
            d.pump()
    scene = d.scene
    s = app.session
    assert scene.name == "play" and scene.phase == "ended"
    # the seats: three a year at months 0, 12, 24, 36; none after the stop
    assert [m for m, _ in seats] == [0] * 3 + [12] * 3 + [24] * 3 + [36] * 3
    assert s.turn == 4 and s.model.termination_month == 43
    assert s.model.month == s.model.config.contract_months  # the last payments were played
    assert all(e["month"] <= 43 for e in s.log if e["kind"] == "decision")
    title = scene.ui["panel_title"].text
    assert title == tr("play.stopped_title", month=43)
    html = scene.ui["reports"].html_text
    stop = headlines.describe(
        {"kind": "stopped", "month": 43, "cause": "policy_change"}, s.base, "GBP"
    )
    assert stop in html and tr("reason.policy_change") in html
    assert getattr(s.base.context.policy_change_why, lang) in html
    assert tr("news.cancelled.one", cohorts="3", planned=3) in html
    log = scene.ui["log"].html_text
    assert stop in log  # the log keeps the announcements too
    for code in RAW_CODES:
        assert code not in html and code not in log
    # the payment of the cohorts already served is announced, with its cohorts, from the ledger
    paid = s.result().ledger.query("reason == 'outcome_payment'")["amount"].sum()
    assert paid > 0 and fmt.money(paid, "GBP") in html
    assert payer.in_sentence(s.base) in html
    app.shoot(f"play_stopped_{lang}")
    d.key(pygame.K_SPACE)
    assert d.scene.name == "after"
    assert headlines.cause("policy_change", s.base) in d.scene.ui["evidence"].html_text


def test_a_human_investor_exit_ends_the_contract_with_its_cause():
    s = agreed("default", ["investor", "operator"])
    s.run_turn()
    assert s.seats == ["investor", "operator"]
    s.decide("investor", {"exit": True})
    assert s.seats == [] and not s.live and s.winding_down  # the operator's seat is skipped
    s.run_turn()
    assert s.contract_over and s.model.month == s.model.config.contract_months
    kinds = [(i["kind"], i["month"]) for i in s.news]
    assert ("investor_exit", 3) in kinds and ("stopped", 3) in kinds
    exit_item = next(i for i in s.news if i["kind"] == "investor_exit")
    assert exit_item["by_rule"] is False  # a player's decision, read from the agent
    stop = next(i for i in s.news if i["kind"] == "stopped")
    assert stop["cause"] == s.model.terminated == "investor_exit"
    i18n.set_language("fr")
    try:
        text = headlines.describe(stop, s.base, "EUR")
        assert text == tr("news.stopped", month=3, cause=tr("reason.investor_exit"))
    finally:
        i18n.set_language("en")


def test_an_investor_that_exited_gets_no_seat():
    s = agreed("default", ["state", "investor"])
    s.model.investor.funding = False  # as after an exit the contract outlived (model state)
    assert s.seats == ["state"]


def test_operator_insolvency_and_cancelled_cohorts_are_read_from_the_model():
    model = build(
        "default",
        seed=0,
        overrides={"investor.capital": 100_000, "operator.cash": 1000},
    )
    # the model's operator refuses terms it cannot carry (issue 12); a player signs anyway
    assert model.operator_verdict.choice == "refuse" and not model.signed
    model.sign()
    assert model.signed
    model.run()
    items = announcements.news(model, 0, model.month)
    insolvent = next(i for i in items if i["kind"] == "insolvent")
    month = model.termination_month
    assert model.service_stopped == "operator_insolvent" and insolvent["month"] == month
    pop = model.population
    left = int(((pop.status == Status.dropped) & (pop.exit_month == month)).sum())
    assert insolvent["clients"] == left > 0
    cancelled = next(i for i in items if i["kind"] == "cancelled")
    c = model.config.contract
    assert cancelled["cohorts"] == [k + 1 for k in model.cancelled_cohorts]
    assert cancelled["cohorts"] == [k + 1 for k in range(c.cohorts) if k * c.cohort_months >= month]
    for item in items:
        text = headlines.describe(item, model.config, "EUR")
        assert not any(code in text for code in RAW_CODES)


# ---------------------------------------------------------------------- paid so far
def test_paid_so_far_is_the_cumulative_outcome_payments_of_the_ledger(make_app):
    """At every turn the State's note shows every outcome payment made so far (not the turn's);
    the model's State's report likewise."""
    d = make_app(lang="en")
    app = d.app
    s = agreed("default", ["state"], "quarter")
    app.session = s
    app.stack.replace(PlayScene(app))
    d.pump(2)
    seen_after_a_payment_turn = False
    while s.live:
        ledger = s.model.ledger.to_frame()
        paid = ledger.query("reason == 'outcome_payment' and payer == 'state'")
        total = float(paid["amount"].sum())
        note = d.scene._role_note("state")
        assert fmt.money(total, "EUR") in note
        last_turn = paid[paid["month"] >= s.turn_start - s.turn_months]["amount"].sum()
        if total > 0 and last_turn < total:
            seen_after_a_payment_turn = True  # where the old note showed the turn's payment
        s.run_turn()
        d.scene.refresh()
    assert seen_after_a_payment_turn
    model_state = agreed("default", [])
    while model_state.live:
        model_state.run_turn()
    app.session = model_state
    app.stack.replace(PlayScene(app))
    d.pump(2)
    total = model_state.result().ledger.query("reason == 'outcome_payment'")["amount"].sum()
    assert total == announcements.paid_so_far(model_state.model) > 0
    assert fmt.money(total, "EUR") in d.scene._reports_html()  # the model's State's report


# ---------------------------------------------------------------------- cases as they were
def lever_value(sc, path: str) -> float:
    section, name = path.split(".")
    return float(getattr(getattr(sc, section), name))


@pytest.mark.parametrize("name", scenario_names())
def test_every_lever_reads_back_the_cases_own_value(make_app, name):
    """On the design screen each lever holds exactly the case's value, and a session started
    without touching anything runs the case's own contract terms."""
    sc = load_scenario(name)
    d = make_app(lang="en")
    app = d.app
    app.session = Session(name)
    app.session.set_roles(["state", "investor", "operator"])
    app.stack.replace(ContractScene(app))
    d.pump(2)
    scene = d.scene
    levers = {lv.path: lv for lv in scene.levers}
    for lv in CONTRACT_LEVERS:
        own = levers[lv.path]
        if lv.kind == "slider":
            value = lever_value(sc, lv.path)
            widget = scene.ui[f"lv:{lv.path}"]
            assert math.isclose(widget.get_current_value(), value, abs_tol=1e-9), lv.path
            assert own.low <= value <= own.high and own.clamp(value) == pytest.approx(value)
            shown = scene.ui[f"val:{lv.path}"].text
            assert shown == lever_rows.show(own, value, sc.meta.currency)
        elif lv.kind == "choice":
            assert scene.values[lv.path] == str(lever_value_raw(sc, lv.path))
    for button in ("propose", "accept", "accept"):
        d.click(button)
    assert scene.neg.done
    app.session.start()
    model = app.session.model.config
    for lv in CONTRACT_LEVERS:
        section, field = lv.path.split(".")
        assert getattr(getattr(model, section), field) == getattr(getattr(sc, section), field)


def lever_value_raw(sc, path: str):
    section, name = path.split(".")
    return getattr(getattr(sc, section), name)


def test_case_values_outside_the_usual_range_widen_it():
    gironde = levers_for(load_scenario("gironde_relais_familial"))
    price, threshold = gironde["contract.price_per_outcome"], gironde["contract.threshold"]
    assert price.high > 45_000 and price.clamp(45_000) == 45_000
    assert threshold.high >= 0.82 and threshold.clamp(0.82) == pytest.approx(0.82)
    assert round(56 / 68, 2) == 0.82
    wimoov = levers_for(load_scenario("wimoov"))
    assert wimoov["contract.price_per_outcome"].clamp(100) == 100
    assert wimoov["contract.threshold"].clamp(0.8) == pytest.approx(0.8)
    rikers = levers_for(load_scenario("rikers_island"))["contract.threshold"]
    assert rikers.clamp(0.085) == pytest.approx(0.085)  # a stop of the slider's steps
    pb = levers_for(load_scenario("peterborough"))["contract.price_per_outcome"]
    assert lever_rows.show(pb, 12_500, "GBP") == "£12.5k"
    i18n.set_language("fr")
    try:
        assert lever_rows.show(pb, 12_500, "GBP").startswith("12,5")
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("state_human", [True, False])
def test_a_counter_offer_moves_the_slider(make_app, state_human):
    """The Investor counters with a 15% cap on Peterborough (13%): the slider and its value show
    15% — while the State considers it, and once accepted."""
    d = make_app(lang="en")
    app = d.app
    app.session = Session("peterborough")
    humans = ["investor", "state"] if state_human else ["investor"]
    app.session.set_roles(humans)
    app.stack.replace(ContractScene(app))
    d.pump(2)
    if state_human:
        d.click("propose")
    assert d.scene.neg.actor == "investor"
    assert d.scene.values["contract.return_cap"] == pytest.approx(0.13)
    d.nudge("lv:contract.return_cap", 4)  # 4 × 0.5 points
    assert d.scene.values["contract.return_cap"] == pytest.approx(0.15)
    d.click("counter")
    scene = d.scene
    cap = scene.ui["lv:contract.return_cap"]
    assert math.isclose(cap.get_current_value(), 0.15, abs_tol=1e-9)
    assert scene.ui["val:contract.return_cap"].text == "15%"
    if state_human:
        assert scene.neg.stage == "state_reply"
        d.click("accept_counter")
        cap = d.scene.ui["lv:contract.return_cap"]
        assert math.isclose(cap.get_current_value(), 0.15, abs_tol=1e-9)
    assert d.scene.neg.terms["contract.return_cap"] == pytest.approx(0.15)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_payer_is_named_by_the_case(make_app, lang):
    d = make_app(lang=lang)
    app = d.app
    from cislab.game.scenes.title import RolesScene

    for name, expected in (
        (
            "gironde_relais_familial",
            {"en": "Gironde département", "fr": "Département de la Gironde"},
        ),
        ("default", {"en": "State", "fr": "État"}),
    ):
        app.session = Session(name)
        app.stack.replace(RolesScene(app))
        d.pump(2)
        assert d.scene.ui["name:state"].text == expected[lang]
        brief = d.scene.ui["desc:state"].html_text
        assert (expected[lang] in brief) == (name != "default")
    gironde = load_scenario("gironde_relais_familial")
    line = headlines.describe(
        {
            "kind": "payment",
            "month": 30,
            "amount": 45_000.0,
            "cohorts": [1],
            "overall": False,
            "total": 90_000.0,
        },
        gironde,
        "EUR",
    )
    assert payer.in_sentence(gironde) in line
    assert ("le Département de la Gironde" if lang == "fr" else "the Gironde département") in line


def test_the_operators_cash_at_zero_is_flagged_when_the_timeseries_shows_it():
    """Wimoov's operator spends its last euro in month 2 without going insolvent: the month the
    run's timeseries first shows no cash is announced, once."""
    result = run("wimoov", seed=0)
    ts = result.timeseries
    empty = ts.loc[ts["operator_cash"] < announcements.CASH_EMPTY, "month"]
    assert len(empty) and result.model.service_stopped is None
    items = announcements.news(result.model, 0, result.model.month)
    flagged = [i for i in items if i["kind"] == "cash_zero"]
    assert [i["month"] for i in flagged] == [int(empty.min())]
    i18n.set_language("fr")
    try:
        said = headlines.describe(flagged[0], result.model.config, "EUR")
        assert said == f"Mois {int(empty.min())} : la trésorerie de l'opérateur tombe à 0 €."
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_cases_payer_orders_the_audit_after_a_media_story(make_app, lang):
    d = make_app(lang=lang)
    app = d.app
    app.session = agreed("gironde_relais_familial", ["state"])
    app.stack.replace(PlayScene(app))
    d.pump(2)
    said = d.scene._event_text("media_story", {"story": "creaming", "value": 0.1})
    who = {"en": "The Gironde département", "fr": "Le Département de la Gironde"}[lang]
    assert who in said
    assert tr("event.story_payer.creaming", payer=who) == said
    title = d.scene.ui["panel_title"].text  # the State's seat, named without "l'Département"
    name = payer.role_name("state", app.session.base)
    assert title == tr("play.seat_named", role=name, n=1, total=1) and "l'D" not in title


def test_a_stopped_contract_without_years_after_goes_to_the_debrief(make_app):
    d = make_app(lang="en")
    app = d.app
    s = Session("peterborough")
    s.set_horizon(0)
    s.set_roles(["operator"], "year")
    neg = s.begin_negotiation()
    s.settle_ai_moves()
    if not neg.done:  # the operator accepts the terms the others agreed
        neg.accept("operator")
    s.start()
    app.session = s
    app.stack.replace(PlayScene(app))
    app.speed_index = len(SPEEDS) - 1
    d.until(lambda: d.scene.phase == "ended" or d.scene.role is not None)
    while d.scene.phase != "ended":
        if d.scene.role is not None:
            d.key(pygame.K_SPACE)
        d.pump()
    assert d.scene.ui["after"].text == tr("play.to_debrief")
    d.key(pygame.K_SPACE)
    assert d.scene.name == "debrief" and s.finished

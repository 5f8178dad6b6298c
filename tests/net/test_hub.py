"""The rules of a real room, as plain calls on the hub: rejoin after a reload, one controller
per role, a late joiner takes a free role, bad messages get an error reply."""

from __future__ import annotations

import json

import pytest
from cislab.game.net import protocol
from cislab.game.net.hub import Hub


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def hub() -> Hub:
    return Hub(code="ABCDE", grace=30.0, clock=Clock())


def hello(hub: Hub, conn: int, role: str | None = None, token: str | None = None, **kw):
    msg = {"type": "hello", "code": "ABCDE", "lang": "fr", **kw}
    if role:
        msg["role"] = role
    if token:
        msg["token"] = token
    replies = hub.handle(conn, json.dumps(msg))
    assert replies[0]["type"] == "welcome", replies
    return replies[0]


def test_first_device_on_a_role_controls_it_a_second_becomes_a_viewer(hub):
    a = hello(hub, 1, "operator")
    b = hello(hub, 2, "operator")
    assert a["notices"] == [] and b["notices"] == ["role_taken"]
    assert hub.view(a["token"])["you"] == {
        "role": "operator",
        "controller": True,
        "name": "",
        "lang": "fr",
    }
    viewer = hub.view(b["token"])["you"]
    assert viewer["role"] == "operator" and viewer["controller"] is False
    hub.open_turn(0, ["operator"])
    refused = hub.handle(2, {"type": "decide", "turn": 0, "values": {"mission_weight": 0.5}})
    assert refused[0]["type"] == "error" and refused[0]["code"] == "not_controller"
    assert hub.submissions == {}
    ok = hub.handle(1, {"type": "decide", "turn": 0, "values": {"mission_weight": 0.5}})
    assert ok[0] == {"type": "ack", "what": "decide", "notices": []}
    assert hub.view(b["token"])["submitted"] == {"mission_weight": 0.5}  # the team sees it
    # the viewer may not grab the controls while the controller is online
    assert hub.handle(2, {"type": "take_control"})[0]["code"] == "role_taken"


def test_reload_rejoins_the_same_role_as_controller(hub):
    a = hello(hub, 1, "investor", name="Team  blue")
    hub.gone(1)
    assert hub.status("investor") == "away"
    assert hub.occupied() == ["investor"]  # the seat is kept through the grace
    hub.clock.now += 25
    again = hello(hub, 7, token=a["token"])
    assert again["token"] == a["token"]
    you = hub.view(a["token"])["you"]
    assert you == {"role": "investor", "controller": True, "name": "Team blue", "lang": "fr"}
    assert len(hub.clients) == 1


def test_same_token_on_a_second_connection_replaces_the_first(hub):
    a = hello(hub, 1, "state")
    joined = hub.hello(2, protocol.Hello(type="hello", code="abcde", token=a["token"]))
    assert joined.replaced == 1 and joined.token == a["token"]
    hub.gone(1)  # the old socket closing later does not log the device out
    assert hub.controller_of("state").online


def test_a_seat_within_grace_is_kept_then_a_late_joiner_takes_it(hub):
    a = hello(hub, 1, "operator")
    hub.gone(1)
    hub.clock.now += 10
    late = hello(hub, 2, "operator")
    assert late["notices"] == ["role_taken"]  # still reserved for the one who dropped
    hub.clock.now += 30
    assert hub.free_roles() == ["state", "investor", "operator"]
    latest = hello(hub, 3, "operator")
    assert latest["notices"] == []
    assert hub.controller_of("operator").token == latest["token"]
    # the first device comes back: it is a viewer of its team now, not a second controller
    hello(hub, 4, token=a["token"])
    assert hub.view(a["token"])["you"]["controller"] is False


def test_a_teammate_takes_the_controls_of_a_device_that_went_away(hub):
    hello(hub, 1, "state")
    b = hello(hub, 2, "state")
    hub.gone(1)
    assert hub.handle(2, {"type": "take_control"})[0]["type"] == "ack"
    assert hub.controller_of("state").token == b["token"]


def test_late_joiner_takes_a_free_role_and_the_free_roles_are_listed(hub):
    hello(hub, 1, "state")
    hello(hub, 2, "investor")
    late = hello(hub, 3)
    assert hub.view(late["token"])["you"]["role"] is None
    assert hub.free_roles() == ["operator"]
    assert hub.handle(3, {"type": "pick", "role": "operator"})[0]["notices"] == []
    assert hub.occupied() == ["state", "investor", "operator"]


PAYMENTS, NOTE = "answers.payments_share", "answers.note"


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ("not json at all", "not_json", "message"),
        ("[1, 2]", "bad_message", "message"),
        ('{"type": "launch_missiles"}', "bad_type", "type"),
        ('{"type": "decide", "turn": "0", "values": {}}', "bad_field", "turn"),
        ('{"type": "decide", "turn": 0, "values": {}, "state": {"m": 3}}', "bad_field", "state"),
        ('{"type": "decide", "turn": 0, "values": {"audit_rate": NaN}}', "not_json", "message"),
        ('{"type": "predict", "answers": {"payments_share": 7}}', "bad_field", PAYMENTS),
        ('{"type": "predict", "answers": {"note": "' + "x" * 400 + '"}}', "bad_field", NOTE),
        ('{"type": "pick", "role": "king"}', "bad_field", "role"),
        ("{" * 5000, "too_big", "message"),
        ('{"type": "hello", "code": "ABCDE"}', "hello_twice", "type"),
    ],
)
def test_bad_messages_get_an_error_reply_and_nothing_changes(hub, raw, code, field):
    hello(hub, 1, "state")
    hub.open_turn(0, ["state"])
    before = hub.version
    replies = hub.handle(1, raw)
    assert len(replies) == 1
    err = replies[0]
    assert err["type"] == "error" and err["code"] == code and err["field"] == field, err
    assert err["message"]
    assert hub.version == before and hub.submissions == {}


@pytest.mark.parametrize(
    ("values", "field", "allowed"),
    [
        ({"audit_rate": 1.5}, "values.audit_rate", "a number from 0 to 1"),
        ({"referral_rule": "bribes"}, "values.referral_rule", "need_first"),
        ({"audit_now": "yes"}, "values.audit_now", "true or false"),
        ({"targeting": "hardest_first"}, "values.targeting", "audit_rate, referral_rule"),
    ],
)
def test_decisions_outside_the_role_s_offer_are_refused(hub, values, field, allowed):
    hello(hub, 1, "state")
    hub.open_turn(0, ["state"])
    err = hub.handle(1, {"type": "decide", "turn": 0, "values": values})[0]
    assert err["code"] == "bad_value" and err["field"] == field
    assert allowed in err["allowed"]
    assert hub.submissions == {}


def test_decisions_out_of_turn_are_refused(hub):
    hello(hub, 1, "state")
    hello(hub, 2, "investor")
    msg = {"type": "decide", "turn": 0, "values": {"audit_rate": 0.2}}
    assert hub.handle(1, msg)[0]["code"] == "not_deciding"  # the lobby
    hub.open_turn(3, ["investor"])
    assert hub.handle(1, {**msg, "turn": 3})[0]["code"] == "not_your_turn"
    stale = hub.handle(2, {"type": "decide", "turn": 2, "values": {"tranches": "hold"}})
    assert stale[0]["code"] == "stale_turn" and stale[0]["allowed"] == "3"


def test_wrong_session_code_and_messages_before_hello(hub):
    err = hub.handle(1, {"type": "hello", "code": "ZZZZZ"})[0]
    assert err["code"] == "bad_code"
    assert hub.handle(1, {"type": "pick", "role": "state"})[0]["code"] == "hello_first"
    assert hub.clients == {}
    assert hub.handle(1, {"type": "ping", "t": 1.5}) == [{"type": "pong", "t": 1.5}]


def test_predictions_per_team_only_from_the_controller_and_only_before_the_start(hub):
    a = hello(hub, 1, "state")
    hello(hub, 2, "state")
    hello(hub, 3, "operator")
    answers = {"creaming": "yes", "payments_share": 0.4, "note": "we will cream"}
    assert hub.handle(1, {"type": "predict", "answers": answers})[0]["type"] == "ack"
    assert hub.handle(2, {"type": "predict", "answers": answers})[0]["code"] == "not_controller"
    hub.handle(3, {"type": "predict", "answers": {"creaming": "no"}})
    assert hub.predictions == {"state": answers, "operator": {"creaming": "no"}}
    assert hub.view(a["token"])["predictions"] == answers
    hub.start(["state", "operator"])
    late = hub.handle(1, {"type": "predict", "answers": {"creaming": "no"}})[0]
    assert late["code"] == "predictions_closed"
    assert hub.predictions["state"] == answers


def test_all_in_waits_for_present_seats_only(hub):
    hello(hub, 1, "state")
    hello(hub, 2, "operator")
    hub.open_turn(0, ["state", "investor", "operator"])
    assert [hub.status(r) for r in ("state", "investor", "operator")] == [
        "deciding",
        "empty",
        "deciding",
    ]
    assert not hub.all_in()
    hub.handle(1, {"type": "decide", "turn": 0, "values": {"audit_rate": 0.2}})
    hub.gone(2)
    assert hub.status("operator") == "away" and not hub.all_in()
    hub.clock.now += 31
    assert hub.status("operator") == "empty" and hub.all_in()
    assert hub.take_submissions() == {"state": {"audit_rate": 0.2}}
    assert hub.phase == "run" and hub.submissions == {}

"""The ASGI app through starlette's TestClient: the page and its files, and websockets playing
a short session (a reload rejoins, a second device is a viewer, garbage gets an error reply)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cislab.game.net.conductor import Conductor
from cislab.game.net.hub import Hub
from cislab.game.net.server import STATIC, create_app, dumps
from cislab.game.session import Session
from starlette.testclient import TestClient


def until(ws, want, limit: int = 40) -> dict[str, Any]:
    """The first message `want(msg)` accepts (views coalesce, so some states are skipped)."""
    seen = []
    for _ in range(limit):
        msg = ws.receive_json()
        if want(msg):
            return msg
        seen.append(msg.get("type"))
    raise AssertionError(f"no such message in {seen}")


def hello(ws, role: str | None = None, token: str | None = None) -> dict[str, Any]:
    msg: dict[str, Any] = {"type": "hello", "code": "abcde", "lang": "en"}
    if role:
        msg["role"] = role
    if token:
        msg["token"] = token
    ws.send_text(json.dumps(msg))
    return until(ws, lambda m: m["type"] in ("welcome", "error"))


@pytest.fixture
def room():
    hub = Hub(code="ABCDE")
    conductor = Conductor(Session("default", seed=3), hub, turn="year")
    with TestClient(create_app(hub)) as client:
        yield hub, conductor, client


def test_page_scripts_and_translations_are_served(room):
    _, _, client = room
    page = client.get("/")
    assert page.status_code == 200 and 'src="/static/app.js"' in page.text
    for name in ("app.js", "style.css", "web.en.json", "web.fr.json"):
        assert client.get(f"/static/{name}").status_code == 200
    en, fr = (json.loads((STATIC / f"web.{lang}.json").read_text()) for lang in ("en", "fr"))
    assert set(en) == set(fr) and all(v.strip() for v in [*en.values(), *fr.values()])
    assert client.get("/static/../server.py").status_code == 404
    assert client.get("/info").json()["free"] == ["state", "investor", "operator"]


def test_every_error_code_and_notice_the_server_sends_has_words_in_both_languages():
    import re
    from pathlib import Path

    sources = "".join(p.read_text() for p in Path(STATIC).parent.glob("*.py"))
    codes = set(re.findall(r'ProtocolError\(\s*"([a-z_]+)"', sources))
    notices = set(re.findall(r'\["(role_taken)"\]', sources))
    assert {"bad_code", "not_controller", "stale_turn", "bad_value"} <= codes
    for lang in ("en", "fr"):
        table = json.loads((STATIC / f"web.{lang}.json").read_text())
        assert {c for c in codes if f"error.{c}" not in table} == set()
        assert {n for n in notices if f"notice.{n}" not in table} == set()


def test_a_short_session_over_websockets(room):
    hub, conductor, client = room
    with (
        client.websocket_connect("/ws") as op,
        client.websocket_connect("/ws") as op2,
        client.websocket_connect("/ws") as payer,
    ):
        token = hello(op, "operator")["token"]
        second = hello(op2, "operator")
        assert second["notices"] == ["role_taken"]
        hello(payer, "state")
        op.send_text("{not json")
        err = until(op, lambda m: m["type"] == "error")
        assert err["code"] == "not_json"
        payer.send_text(json.dumps({"type": "predict", "answers": {"creaming": "no"}}))
        until(payer, lambda m: m["type"] == "ack")
        assert conductor.start() == ["state", "operator"]
        view = until(op2, lambda m: m["type"] == "state" and m["phase"] == "decide")
        assert view["you"]["controller"] is False and view["seats"] == ["state", "operator"]
        assert [f["key"] for f in view["private"]["figures"]][:2] == ["caseload", "cash"]
        assert "applicants" in view["private"]
        turns = 0
        while conductor.session.live:
            turn = conductor.session.turn
            op.send_text(
                json.dumps(
                    {"type": "decide", "turn": turn, "values": {"targeting": "hardest_first"}}
                )
            )
            payer.send_text(
                json.dumps({"type": "decide", "turn": turn, "values": {"audit_rate": 0.3}})
            )
            until(op2, lambda m, t=turn: m["type"] == "state" and m["submitted"] is not None)
            until(payer, lambda m: m["type"] == "ack")
            assert hub.all_in()
            assert conductor.step()
            turns += 1
        # the teams' decisions reached the model through the session, journalled like hot seat
        decided = [e for e in conductor.session.journal if e["kind"] == "decision"]
        assert {(e["role"], e["decision"], e["value"]) for e in decided} == {
            ("operator", "targeting", "hardest_first"),
            ("state", "audit_rate", 0.3),
        }
        # the model's investor, facing hardest-first enrolment, pulls out after three years
        assert (turns, conductor.session.model.terminated) == (3, "investor_exit")
        conductor.step()  # the years after the contract
        over = until(payer, lambda m: m["type"] == "state" and m["phase"] == "over")
        assert over["results"]["teams"][0]["role"] == "state"
        assert over["results"]["teams"][0]["rows"][0]["guess"] == {"fr": "non", "en": "no"}
    # a reload: a new socket with the same token is the operator's controller again
    with client.websocket_connect("/ws") as again:
        assert hello(again, token=token)["token"] == token
        view = until(again, lambda m: m["type"] == "state")
        assert view["you"]["role"] == "operator" and view["you"]["controller"] is True


def test_a_second_tab_of_the_same_device_replaces_the_first(room):
    _, _, client = room
    with client.websocket_connect("/ws") as first:
        token = hello(first, "investor")["token"]
        with client.websocket_connect("/ws") as second:
            hello(second, token=token)
            assert until(first, lambda m: m["type"] == "replaced")


def test_views_are_strict_json():
    import numpy as np

    assert dumps({"a": np.float64(0.5), "b": np.int64(3), "c": np.bool_(True)}) == (
        '{"a": 0.5, "b": 3, "c": true}'
    )
    for bad in (float("inf"), np.float64("nan"), np.float32("nan")):
        with pytest.raises(ValueError):
            dumps({"x": bad})


def test_every_key_the_client_and_projector_use_exists_in_both_languages():
    import re
    from pathlib import Path

    js = (STATIC / "app.js").read_text()
    used = set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", js))
    used |= set(re.findall(r'data-t="([a-z_.]+)"', (STATIC / "index.html").read_text()))
    py = "".join(p.read_text() for p in Path(STATIC).parent.glob("*.py"))
    used |= set(re.findall(r"""\bsay\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", py))
    used |= {f"teams.st.{s}" for s in ("submitted", "deciding", "away", "empty")}
    used |= {f"projector.st.{s}" for s in ("submitted", "deciding", "away", "empty")}
    used |= {f"phase.{p}" for p in ("lobby", "decide", "run", "after", "over")}
    used |= {f"private.{r}" for r in ("state", "investor", "operator")}
    used |= {f"fig.{k}" for k in re.findall(r'_fig\("([a-z_]+)"', py) if k != "note"}
    used |= {"applicants.clients", "applicants.pool"}
    assert len(used) > 60
    for lang in ("en", "fr"):
        table = json.loads((STATIC / f"web.{lang}.json").read_text())
        assert sorted(used - set(table)) == [], lang

"""Saves are data replayed from scenario and seed: nothing in a save file can run code, any bad
file is one line on screen and the game goes on, a replay is the saved session exactly, slots
are never overwritten silently, and loading keeps the game's language (issue 9)."""

from __future__ import annotations

import json
import math
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pygame
import pytest
from cislab.game import i18n, replay, savefile, saves
from cislab.game.decisions import ROLES
from cislab.game.savefile import SaveError
from cislab.game.session import Session
from cislab.model.scenarios import SCENARIO_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# ---------------------------------------------------------------------- sessions to save
EVERY_ROLE = {
    # turn -> decisions of each role (every decision the game offers appears at least once)
    0: {
        "state": {"audit_rate": 0.5, "referral_rule": "need_first"},
        "investor": {"pressure": "strong"},
        "operator": {"targeting": "hardest_first", "effort": "generous", "mission_weight": 0.8},
    },
    2: {
        "state": {"audit_now": True},
        "investor": {"tranches": "release", "pressure": "moderate"},
        "operator": {"targeting": "easiest_first", "effort": "metric"},
    },
    4: {
        "state": {"audit_rate": 0.1, "referral_rule": "random"},
        "investor": {"pressure": "own", "tranches": "hold"},
        "operator": {"targeting": "own", "effort": "own", "mission_weight": 0.2},
    },
}


def negotiated(scenario: str | Path = "default", seed: int = 1, humans=ROLES) -> Session:
    """A session past the negotiation: the State asks a higher price, the investor counters."""
    s = Session(scenario, seed=seed)
    s.set_roles(list(humans), "quarter")
    s.set_horizon(2)
    neg = s.begin_negotiation()
    s.settle_ai_moves()
    if neg.actor == "state" and neg.stage == "state":
        neg.propose({"contract.price_per_outcome": 18000, "contract.audit_rate": 0.3})
    if neg.stage == "investor" and s.is_human("investor"):
        neg.counter("investor", {"contract.return_cap": 0.1})
        neg.reply(True)
    while not neg.done:
        if s.is_human(neg.actor):
            neg.reply(True) if neg.stage == "state_reply" else neg.accept(neg.actor)
        else:
            neg.ai_move()
    s.predictions["investor"].update(creaming="yes", money_back="no", payments_share=0.25)
    s.predictions["operator"].update(note="é?")  # the state's team left its sheet blank
    s.start()
    return s


def play_turns(s: Session, turns: int, plan: dict[int, dict[str, dict[str, Any]]]) -> None:
    for _ in range(turns):
        if s.finished:
            return
        for role, values in plan.get(s.turn, {}).items():
            if s.is_human(role):
                s.decide(role, values)
        s.run_turn()


def full_session(scenario: str | Path = "default", seed: int = 1) -> Session:
    """Every role human, decisions of each, events, a fork, a result read, a half-run turn."""
    s = negotiated(scenario, seed)
    play_turns(s, 3, EVERY_ROLE)
    s.fork()
    play_turns(s, 3, EVERY_ROLE)
    s.result()  # reading results mid-session must not change what a replay sees
    s.undo()
    play_turns(s, 2, {})
    s.step_month()  # saved in the middle of a turn
    return s


def assert_same_session(a: Session, b: Session) -> None:
    """Same point, same record, same model: summary, time series, ledger, cohorts."""
    assert (a.turn, a.turn_open, a.turn_start) == (b.turn, b.turn_open, b.turn_start)
    assert a.model.month == b.model.month
    assert a.journal == b.journal and a.log == b.log
    assert a.events_seen == b.events_seen and a.event == b.event
    assert a.humans == b.humans and a.terms == b.terms and a.horizon_years == b.horizon_years
    assert a.predictions == b.predictions and a.signed_by_human == b.signed_by_human
    assert _moves(a) == _moves(b)
    assert a.base == b.base
    ra, rb = a.result(), b.result()
    assert same_summary(ra.summary, rb.summary)
    pd.testing.assert_frame_equal(ra.timeseries, rb.timeseries)
    pd.testing.assert_frame_equal(ra.ledger, rb.ledger)
    pd.testing.assert_frame_equal(ra.cohorts, rb.cohorts)


def _moves(s: Session) -> list:
    return s.negotiation.history if s.negotiation is not None else []


def same_summary(x: dict[str, Any], y: dict[str, Any]) -> bool:
    def same(u: Any, v: Any) -> bool:
        if isinstance(u, float) and isinstance(v, float) and math.isnan(u) and math.isnan(v):
            return True
        return u == v

    return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)


@pytest.fixture(scope="module")
def saved_file(tmp_path_factory) -> Path:
    """One real save (every role, events, a fork, mid-turn), written once for the module."""
    path = tmp_path_factory.mktemp("saves") / "slot-1.json"
    replay.save(full_session("default", 24), path)  # a contract still running at the save
    return path


@pytest.fixture(scope="module")
def saved_data(saved_file) -> dict[str, Any]:
    return json.loads(saved_file.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------- replay equality
@pytest.mark.parametrize(("scenario", "seed"), [("default", 1), ("default", 24), ("wimoov", 4)])
def test_replayed_session_equals_the_saved_one(tmp_path, scenario, seed):
    """Human decisions of every role, events (reform, media story, turnover, recession), a fork,
    undo and a half-run turn: the replay is the same session, and both go on identically."""
    s = full_session(scenario, seed)
    assert s.events_seen, "the seed must draw events for this test to mean something"
    kinds = {(e["role"], e["decision"]) for e in s.journal if e["kind"] == "decision"}
    assert {role for role, _ in kinds} == set(ROLES)
    loaded = replay.load(replay.save(s, tmp_path / "s.json"))
    assert_same_session(s, loaded)
    # the model's hidden state (random streams, agents' memories) matches too: play on alike
    for session in (s, loaded):
        play_turns(session, 2, {session.turn: EVERY_ROLE[2]})
        while not session.finished:
            session.run_turn()
    assert_same_session(s, loaded)
    # and the fork kept in the save leads back to the same place
    assert s.return_to_fork() == loaded.return_to_fork()
    assert_same_session(s, loaded)


def test_a_users_scenario_file_restores_after_it_is_gone(make_app, tmp_path):
    """The save holds the scenario's data: deleting or changing the .toml changes nothing, and
    explore mode still shows the user's case."""
    toml = tmp_path / "my_case.toml"
    text = (SCENARIO_DIR / "default.toml").read_text(encoding="utf-8")
    text = text.replace('name = "default"', 'name = "my_case"', 1)
    toml.write_text(text.replace("caseworkers = 5", "caseworkers = 6", 1), encoding="utf-8")
    s = full_session(toml, seed=3)
    assert (s.base.meta.name, s.base.operator.caseworkers) == ("my_case", 6)
    path = replay.save(s, tmp_path / "s.json")
    toml.write_text("this is not toml [", encoding="utf-8")
    changed = replay.load(path)
    toml.unlink()
    gone = replay.load(path)
    assert_same_session(s, changed)
    assert_same_session(s, gone)
    assert gone.scenario == str(toml)  # remembered for the record, never opened again
    d = make_app(lang="en")
    d.pump(2)
    assert d.app.load_file(path)
    d.key(pygame.K_e)
    assert d.scene.name == "explore" and d.scene.config.meta.name == "my_case"
    assert d.scene.config.operator.caseworkers == 6


def test_a_case_with_a_long_horizon_saves_and_loads(tmp_path):
    """A case may set up to 30 years after the contract (the design screen offers 20)."""
    toml = tmp_path / "long.toml"
    text = (SCENARIO_DIR / "default.toml").read_text(encoding="utf-8")
    text = text.replace("[after]\nhorizon_years = 0", "[after]\nhorizon_years = 25", 1)
    toml.write_text(text, encoding="utf-8")
    s = Session(toml, seed=1)
    assert s.horizon_years == 25
    s.start()
    play_turns(s, 1, {})
    assert_same_session(s, replay.load(replay.save(s, tmp_path / "long.json")))


def test_after_the_contract_and_finished_sessions_replay(tmp_path):
    s = negotiated("default", seed=4, humans=("investor",))
    while not s.contract_over:
        play_turns(s, 1, {1: {"investor": {"exit": True}}})
    s.run_year()
    assert s.contract_over and not s.finished and any(e["kind"] == "after_year" for e in s.journal)
    assert_same_session(s, replay.load(replay.save(s, tmp_path / "after.json")))
    s.run_after()
    assert s.finished
    assert_same_session(s, replay.load(replay.save(s, tmp_path / "end.json")))


def test_a_tampered_ledger_check_or_event_is_refused(tmp_path, saved_data):
    data = json.loads(json.dumps(saved_data))
    data["session"]["check"]["ledger_sha256"] = "0" * 64
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SaveError, match="does not replay") as info:
        replay.load(path)
    assert info.value.key == "save.error.replay"


def test_a_save_from_before_teams_keeps_its_one_shared_set(tmp_path, saved_data):
    """A save holding one shared set of predictions (before teams) loads it as the room's."""
    data = json.loads(json.dumps(saved_data))
    data["predictions"] = {"creaming": "no", "payments_share": 0.5, "note": "old"}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    s = replay.load(path)
    assert s.predictions["room"]["creaming"] == "no" and s.predictions["room"]["note"] == "old"
    assert s.predictions["room"]["money_back"] is None


def test_predictions_of_an_unknown_team_are_refused(tmp_path, saved_data):
    data = json.loads(json.dumps(saved_data))
    data["predictions"] = {"jury": {"creaming": "no"}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SaveError):
        replay.load(path)


# ---------------------------------------------------------------------- nothing runs
class _Payload:
    """Unpickling this calls `os.mkdir(target)`: proof that a pickle would run code."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (os.mkdir, (str(self.target),))


def test_a_crafted_pickle_is_never_executed(make_app, tmp_path, monkeypatch):
    """~/.cislab/session.pkl used to be unpickled on Ctrl+O: a crafted one ran a command."""
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Payload(probe)))
    assert probe.is_dir()  # the payload is live: unpickling it does run os.mkdir

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"version": 2, "state": _Payload(marker)})
    cislab_dir = Path.home() / ".cislab"
    (cislab_dir / "saves").mkdir(parents=True)
    (cislab_dir / "session.pkl").write_bytes(payload)  # where the old game looked
    (cislab_dir / "saves" / "slot-1.json").write_bytes(payload)  # a pickle named as a save
    (cislab_dir / "saves" / "slot-2.pkl").write_bytes(payload)

    d = make_app(lang="en")
    d.app.save_dir = None  # the real default: ~/.cislab/saves under HOME
    d.pump(2)
    d.key(pygame.K_o, pygame.KMOD_CTRL)
    assert d.scene.name == "saves"
    assert "no longer supported" in d.scene.notice and "session.pkl" in d.scene.notice
    d.key(pygame.K_RETURN)
    d.click("slot:1")
    for path in (cislab_dir / "session.pkl", cislab_dir / "saves" / "slot-2.pkl"):
        with pytest.raises(SaveError) as info:
            replay.load(path)
        assert info.value.key == "save.error.pickle"
    assert not marker.exists()
    assert d.app.running and d.app.session is None
    assert "pickle" in d.app.toast[0] and "\n" not in d.app.toast[0]
    assert (cislab_dir / "session.pkl").read_bytes() == payload  # kept, never deleted


# ---------------------------------------------------------------------- malformed saves
def _edit(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    node = data
    *parents, leaf = path.split(".")
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(leaf)] = value
    else:
        node[leaf] = value
    return data


def _with_term(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    data["settings"]["terms"][path] = value
    return data


def _malformed(saved: dict[str, Any], raw: bytes) -> dict[str, Any]:
    """name -> bytes of the file (or a callable making the slot) and the message key."""
    good = json.dumps(saved).encode()
    j = json.dumps
    first = saved["session"]["journal"][0]
    return {
        "bad JSON": (b'{"format": "cislab-session", "version": 3,,}', "save.error.not_json"),
        "truncated": (raw[: len(raw) // 2], "save.error.not_json"),
        "empty": (b"", "save.error.not_json"),
        "binary garbage": (bytes(range(256)) * 4, "save.error.not_json"),
        "a pickle": (pickle.dumps({"version": 2, "state": {}}), "save.error.pickle"),
        "invalid utf-8": (b'{"format": "\xff\xfe"}', "save.error.not_json"),
        "NaN token": (good.replace(b'"seed": 24', b'"seed": NaN'), "save.error.not_json"),
        "top-level list": (b"[1, 2, 3]", "save.error.not_save"),
        "another format": (j({"format": "zip", "version": 3}).encode(), "save.error.not_save"),
        "old version": (j(_edit(saved, "version", 2)).encode(), "save.error.version"),
        "date without zone": (
            j(_edit(saved, "saved_at", "2026-01-01T00:00:00")).encode(),
            "save.error.invalid",
        ),
        "not a date": (j(_edit(saved, "saved_at", "yesterday")).encode(), "save.error.invalid"),
        "wrong type": (j(_edit(saved, "seed", "1")).encode(), "save.error.invalid"),
        "bool for int": (j(_edit(saved, "seed", True)).encode(), "save.error.invalid"),
        "huge int": (good.replace(b'"seed": 24', b'"seed": ' + b"9" * 400), "save.error.value"),
        "huge float": (good.replace(b'"seed": 24', b'"seed": 1e400'), "save.error.value"),
        "huge negative": (j(_edit(saved, "seed", -(2**70))).encode(), "save.error.value"),
        "unknown top field": (j({**saved, "exec": "rm -rf ~"}).encode(), "save.error.invalid"),
        "unknown scenario field": (
            j(_edit(saved, "scenario.contract.bogus", 1)).encode(),
            "save.error.scenario",
        ),
        "scenario out of range": (
            j(_edit(saved, "scenario.contract.audit_rate", 7.0)).encode(),
            "save.error.scenario",
        ),
        "unknown entry kind": (
            j(_edit(saved, "session.journal.0", {**first, "kind": "teleport"})).encode(),
            "save.error.invalid",
        ),
        "unknown decision": (
            j(
                _edit(
                    saved,
                    "session.journal.0",
                    {**first, "kind": "decision", "decision": "bribe", "value": True},
                )
            ).encode(),
            "save.error.invalid",
        ),
        "decision value out of range": (
            j(
                _edit(
                    saved,
                    "session.journal.0",
                    {**first, "role": "state", "decision": "audit_rate", "value": 7.0},
                )
            ).encode(),
            "save.error.invalid",
        ),
        "month after the contract": (
            j(_edit(saved, "session.journal.0.month", 5000)).encode(),
            "save.error.month",
        ),
        "unknown lever": (j(_with_term(saved, "contract.hack", 1)).encode(), "save.error.invalid"),
        "lever value out of range": (  # ranges follow the case: the scenario's bounds judge
            j(_with_term(saved, "contract.return_cap", 5.0)).encode(),
            "save.error.scenario",
        ),
        "event the seed never drew": (
            j(
                _edit(
                    saved,
                    "session.journal.0",
                    {"kind": "event", "turn": 0, "month": 0, "event": "recession"},
                )
            ).encode(),
            "save.error.replay",
        ),
        "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "save.error.not_json"),
        "too big": (b" " * (savefile.MAX_BYTES + 1), "save.error.too_big"),
        "long string": (
            j(_edit(saved, "scenario_source", "x" * 50_000)).encode(),
            "save.error.value",
        ),
        "a directory": ("dir", "save.error.not_file"),
        "missing file": ("missing", "save.error.missing"),
    }


def test_malformed_saves_each_give_one_line_and_the_game_goes_on(make_app, saved_file):
    """At least 11 kinds of bad save, loaded through the game's menu: one line, no exception."""
    raw = saved_file.read_bytes()
    cases = _malformed(json.loads(raw), raw)
    assert len(cases) >= 11
    d = make_app(lang="en")
    d.pump(2)
    folder = d.app.saves_dir
    seen: dict[str, str] = {}
    for name, (content, key) in cases.items():
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        slot = folder / "slot-1.json"
        if content == "dir":
            slot.mkdir()
        elif content != "missing":
            slot.write_bytes(content)
        d.app.toast = None
        assert d.app.load_slot(1) is False, name
        assert d.app.running and d.app.session is None and d.scene.name == "title", name
        message = d.app.toast[0]
        assert message and "\n" not in message and len(message) < 400, (name, message)
        with pytest.raises(SaveError) as info:
            replay.load(slot)
        assert info.value.key == key, (name, info.value.key, str(info.value))
        assert message == info.value.message()
        seen[name] = message
    assert len(set(seen.values())) >= 11  # they say what is wrong, not one catch-all line


def test_the_slots_menu_survives_every_malformed_slot_and_speaks_french(make_app, saved_file):
    raw = saved_file.read_bytes()
    d = make_app(lang="fr")
    d.pump(2)
    folder = d.app.saves_dir
    folder.mkdir(parents=True)
    (folder / "slot-1.json").write_bytes(raw[:-40])
    (folder / "slot-2.json").mkdir()
    (folder / "slot-3.json").write_bytes(raw)
    d.key(pygame.K_o, pygame.KMOD_CTRL)
    assert "illisible" in d.scene.ui["info:1"].text and "illisible" in d.scene.ui["info:2"].text
    d.click("slot:1")
    assert d.scene.name == "saves" and "JSON invalide" in d.app.toast[0]
    d.click("slot:2")
    assert "n'est pas un fichier de sauvegarde" in d.app.toast[0]
    d.click("slot:3")
    where = "play" if d.app.session.live else "after"  # a contract stopped early: its after
    assert d.scene.name == where and d.app.session.model.month > 0


# ---------------------------------------------------------------------- fuzz
def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:6]):
            out += _paths(v, (*prefix, i))
    return out


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@st.composite
def mutated_saves(draw, raw: bytes, paths: list[tuple]) -> bytes:
    how = draw(st.sampled_from(["replace", "delete", "add", "truncate", "flip", "bytes"]))
    if how == "bytes":
        return draw(st.binary(max_size=300))
    if how == "truncate":
        return raw[: draw(st.integers(0, len(raw) - 1))]
    if how == "flip":
        data = bytearray(raw)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        return bytes(data)
    data = json.loads(raw)
    path = draw(st.sampled_from(paths))
    node = data
    for key in path[:-1]:
        node = node[key]
    if not path:
        return json.dumps(draw(JSON_VALUES)).encode()
    leaf = path[-1]
    if how == "delete" and isinstance(node, dict):
        del node[leaf]
    elif how == "add" and isinstance(node[leaf], dict):
        node[leaf][draw(st.text(max_size=10))] = draw(JSON_VALUES)
    else:
        node[leaf] = draw(JSON_VALUES)
    return json.dumps(data, allow_nan=True).encode()


@pytest.fixture(scope="module")
def small_save() -> bytes:
    """A short session (fast to replay), so a mutation that stays valid costs little."""
    s = negotiated("default", seed=1)
    play_turns(s, 2, EVERY_ROLE)
    s.fork()
    play_turns(s, 1, {})
    return savefile.dumps(replay.to_save(s))


def test_fuzzed_save_files_give_a_message_or_a_session(small_save, tmp_path):
    """Hypothesis: 300+ damaged saves (changed, deleted or added fields, truncated, flipped or
    random bytes). Each loads or raises SaveError with one line — never anything else."""
    paths = _paths(json.loads(small_save))
    path = tmp_path / "slot-1.json"
    outcomes = {"loaded": 0, "refused": 0}

    @settings(
        max_examples=300,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated_saves(small_save, paths))
    def check(raw: bytes) -> None:
        path.write_bytes(raw)
        try:
            replay.load(path)
        except SaveError as exc:
            line = exc.message()
            assert line and "\n" not in line
            outcomes["refused"] += 1
        else:
            outcomes["loaded"] += 1

    check()
    assert sum(outcomes.values()) >= 300
    assert outcomes["refused"] > 150  # the mutations really broke files


# ---------------------------------------------------------------------- slots
def test_slots_list_date_case_and_month_and_never_overwrite_silently(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = saves.default_dir()
    assert folder == tmp_path / ".cislab" / "saves"
    a = negotiated("default", seed=1)
    play_turns(a, 2, {})
    b = negotiated("wimoov", seed=2, humans=("state",))
    play_turns(b, 3, {})
    replay.save(a, saves.slot_path(folder, 1))
    replay.save(b, saves.slot_path(folder, 3))
    listing = saves.list_slots(folder)
    assert [s.used for s in listing] == [True, False, True] + [False] * (saves.SLOTS - 3)
    assert (listing[0].case, listing[0].month) == ("default", 6)
    assert (listing[2].case, listing[2].month) == ("wimoov", 9)
    assert all(s.saved_at is not None and s.error is None for s in listing if s.used)
    assert saves.first_free(folder) == 2
    before = saves.slot_path(folder, 1).read_bytes()
    with pytest.raises(SaveError) as info:
        replay.save(b, saves.slot_path(folder, 1))
    assert info.value.key == "save.error.slot_used"
    assert saves.slot_path(folder, 1).read_bytes() == before
    replay.save(b, saves.slot_path(folder, 1), overwrite=True)
    assert saves.list_slots(folder)[0].case == "wimoov"
    assert sorted(p.name for p in folder.iterdir()) == ["slot-1.json", "slot-3.json"]  # no temps


def test_the_menu_asks_before_overwriting_a_used_slot(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    d = make_app(lang="en")
    d.app.save_dir = None
    d.app.session = negotiated("default", seed=1)
    d.pump(2)
    d.key(pygame.K_s, pygame.KMOD_CTRL)
    assert d.scene.name == "saves" and d.scene.mode == "save"
    d.click("slot:2")
    slot = Path.home() / ".cislab" / "saves" / "slot-2.json"
    assert slot.is_file() and d.scene.name == "title"
    first = slot.read_bytes()
    play_turns(d.app.session, 2, {})
    d.key(pygame.K_s, pygame.KMOD_CTRL)
    assert "default" in d.scene.ui["info:2"].text and "month 0" in d.scene.ui["info:2"].text
    d.click("slot:2")  # a used slot: the first click only asks
    assert slot.read_bytes() == first and d.scene.ui["slot:2"].text == "Confirm: overwrite"
    d.click("slot:2")
    assert json.loads(slot.read_bytes())["session"]["position"]["month"] == 6


def test_loading_keeps_the_games_language(make_app, saved_file):
    """A save made in English, loaded in a French game: the game stays French (--lang)."""
    d = make_app(lang="fr")
    d.pump(2)
    assert d.app.load_file(saved_file)
    assert d.app.lang == "fr" and i18n.language() == "fr" and d.app.session.lang == "fr"
    assert d.scene.name == "play"


def test_saves_are_strict_finite_json(saved_file):
    raw = saved_file.read_text(encoding="utf-8")

    def no_constant(token: str) -> None:
        raise AssertionError(token)

    data = json.loads(raw, parse_constant=no_constant)
    assert data["format"] == "cislab-session" and data["version"] == savefile.VERSION
    assert {"scenario", "seed", "settings", "session", "forks", "cislab_version"} <= set(data)
    assert data["forks"] and data["session"]["journal"]
    assert os.path.getsize(saved_file) < 200_000


def test_every_save_message_exists_in_both_languages():
    import re

    game = Path(savefile.__file__).resolve().parent
    keys = set()
    for path in game.rglob("*.py"):
        keys |= set(re.findall(r'SaveError\(\s*"(save\.error\.[a-z_]+)"', path.read_text("utf-8")))
    assert len(keys) >= 14
    for lang in i18n.LANGS:
        assert sorted(k for k in keys if k not in i18n.table(lang)) == []

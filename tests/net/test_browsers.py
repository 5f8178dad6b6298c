"""End to end as a room plays it: three real headless Chromium clients (Debian's chromium and
chromedriver, never a downloaded browser), phone-sized, join a server on 127.0.0.1 by its code,
take the three roles, send predictions, decide every turn, and read the debrief that compares
the teams. One of them reloads mid-session and must come back as its team's controller.
Screenshots of the phone view in French and English land in test-artifacts/net/."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "net"
PHONE = (390, 844)
WAIT = 30.0

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()) or shutil.which("chromium") is None,
    reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)",
)


def phone(lang: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={PHONE[0]},{PHONE[1]}",
        f"--lang={lang}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True},
    )
    return driver


def wait(driver, script: str, what: str, timeout: float = WAIT):
    """Poll a JS expression until it is truthy; fail naming what was awaited."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(f"return {script}")
        if value:
            return value
        time.sleep(0.05)
    state = driver.execute_script("return cislab.view && [cislab.view.phase, cislab.view.turn]")
    raise AssertionError(f"timed out waiting for {what}; client at {state}")


def click(driver, css: str) -> None:
    """Click the element `css` names. The client redraws its page when any device's news
    arrives (another phone joining, say), so an element found a moment ago may be gone: find it
    again and click the new one, for as long as a wait lasts."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    end = time.monotonic() + WAIT
    while True:
        element = driver.find_element(By.CSS_SELECTOR, css)
        try:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            element.click()
            return
        except StaleElementReferenceException:
            if time.monotonic() > end:
                raise


def choose(driver, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.NAME, name)).select_by_value(value)


def shot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.1)
    driver.save_screenshot(str(path))
    return path


ROLES = {"state": "fr", "investor": "en", "operator": "fr"}
PREDICTIONS = {
    "state": {"creaming": "yes", "money_back": "no"},
    "investor": {"creaming": "no", "money_back": "yes"},
    "operator": {"creaming": "yes", "money_back": "yes"},
}
DECISIONS = {  # what each team changes in its form every turn
    "state": ("referral_rule", "need_first"),
    "investor": ("pressure", "moderate"),
    "operator": ("effort", "standard"),
}


def test_three_browsers_play_a_whole_session_on_loopback():
    from cislab.game.net.headless import HeadlessHost

    drivers: dict[str, object] = {}
    with HeadlessHost("default", seed=4, turn="year") as host:
        try:
            for role, lang in ROLES.items():
                d = phone(lang)
                drivers[role] = d
                d.get(host.url)  # the QR code's address: the code is in it
                wait(d, "document.body.dataset.ready", "the page")
                click(d, f'button.lang[data-lang="{lang}"]')  # each phone its own language
                wait(d, "cislab.view && !cislab.view.you.role", "the role picker")
                if role == "state":
                    shot(d, f"phone_pick_{lang}")
                click(d, f'.role-option[data-role="{role}"]')
                wait(d, f"cislab.view.you.role === '{role}' && cislab.view.you.controller", role)
            assert host.hub.occupied() == ["state", "investor", "operator"]

            for role, d in drivers.items():
                for key, value in PREDICTIONS[role].items():
                    choose(d, key, value)
                if role == "operator":
                    d.find_element("id", "p-note").send_keys("Ils vont écrémer.")
                click(d, "#submit-predictions")
                wait(d, "cislab.view.predictions", f"{role}'s predictions received")
            shot(drivers["state"], "phone_lobby_fr")
            shot(drivers["investor"], "phone_lobby_en")
            assert set(host.hub.predictions) == set(ROLES)

            host.begin()
            turns = 0
            while True:
                d0 = drivers["state"]
                wait(
                    d0,
                    "['decide', 'over'].includes(cislab.view.phase) && cislab.view.public.started",
                    "a turn to decide or the end",
                )
                if d0.execute_script("return cislab.view.phase") == "over":
                    break
                turn = d0.execute_script("return cislab.view.turn")
                for role, d in drivers.items():
                    wait(d, f"cislab.view.phase === 'decide' && cislab.view.turn === {turn}", role)
                    if not d.execute_script(f"return cislab.view.seats.includes('{role}')"):
                        continue
                    wait(d, "!document.getElementById('decide-form').hidden", f"{role}'s form")
                    choose(d, *DECISIONS[role])
                    if turns == 0 and role in ("operator", "investor"):
                        shot(d, f"phone_decide_{ROLES[role]}_{role}")
                    click(d, "#submit-decisions")
                if turns == 1:  # a reload mid-turn: the operator comes back as controller
                    op = drivers["operator"]
                    op.refresh()
                    wait(op, "document.body.dataset.ready", "the page after a reload")
                    wait(op, "cislab.view && cislab.view.you.controller", "the rejoin")
                    assert op.execute_script("return cislab.view.you.role") == "operator"
                turns += 1
                for d in drivers.values():  # the turn runs once everyone is in
                    wait(d, f"cislab.view.turn > {turn} || cislab.view.phase === 'over'", "run")
                assert turns < 20

            for role, d in drivers.items():
                wait(d, "cislab.view.results && !document.getElementById('results').hidden", role)
            shot(drivers["state"], "phone_results_fr")
            shot(drivers["investor"], "phone_results_en")
            headers = drivers["investor"].execute_script(
                "return [...document.querySelectorAll('table.results th')].map(t => t.textContent)"
            )
            assert headers[1:] == ["State", "Investor", "Operator"]
            french = drivers["state"].execute_script("return document.body.innerText")
            assert "Ce qui s'est passé" in french and "justes" in french
            latencies = [
                ms
                for d in drivers.values()
                for ms in d.execute_script("return cislab.metrics.decideSeen")
            ]
        finally:
            for d in drivers.values():
                d.quit()
        assert host.error is None
        session = host.conductor.session
        assert session.finished and turns >= 4
        journal = [e for e in session.journal if e["kind"] == "decision"]
        decided = {(e["role"], e["decision"], e["value"]) for e in journal}
        assert decided == {(role, *DECISIONS[role]) for role in ROLES}
        assert session.humans == ["state", "investor", "operator"]
        assert host.hub.predictions["operator"]["note"] == "Ils vont écrémer."
    # the decision-to-screen time the browsers saw (send → their team's view says "received")
    assert latencies and max(latencies) < 2000, latencies
    (ARTIFACTS / "browser_latency_ms.txt").write_text(
        " ".join(f"{ms:.1f}" for ms in sorted(latencies)) + "\n"
    )

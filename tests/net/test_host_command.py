"""`cislab host` refuses bad input with one line (field, value, what is allowed) and exit 2,
before opening a window or a port; the server's files ship in the package."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cislab.cli import app


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["default", "--lang", "de"], "--lang = 'de': allowed: fr, en"),
        (["default", "--turn", "week"], "--turn = 'week': allowed: quarter, year"),
        (["default", "--port", "70000"], "--port = 70000: allowed: 0 to 65535"),
        (["default", "--bind", "my laptop"], "--bind = 'my laptop': allowed: an IP address"),
        (["default", "--screenshots", "shots"], "--screenshots needs --autoplay"),
        (["no_such_case"], "no_such_case"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, said):
    result = CliRunner().invoke(app, ["host", *args])
    assert result.exit_code == 2, result.output
    assert said in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_client_files_ship_with_the_package():
    from importlib.resources import files

    static = files("cislab.game.net") / "static"
    names = {p.name for p in static.iterdir()}
    assert {"index.html", "app.js", "style.css", "web.en.json", "web.fr.json"} <= names


def test_join_address_is_loopback_unless_asked():
    from cislab.game.net.host import is_loopback, join_host

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")
    assert join_host("192.0.2.7") == "192.0.2.7"  # an address the facilitator chose
    assert join_host("0.0.0.0") not in ("0.0.0.0", "")

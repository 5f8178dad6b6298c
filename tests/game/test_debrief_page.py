"""The projectable debrief (issue 10): one clean page, PDF and PNG, with the case, the contract as
played, scores, incidents, each team's predictions and the fork's two branches; a new folder per
export; wrap-up CSV headers in the session's language, with stable-id twins in data/."""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest
from cislab.game import debrief_page, i18n
from cislab.game.i18n import tr
from cislab.game.scenes.registry import make
from cislab.game.session import Session

from tests.game.conftest import nonblank


def forked_session(lang: str) -> Session:
    s = Session("default", seed=2, lang=lang)
    s.set_roles(["operator"])
    s.predictions["investor"].update(creaming="no", payments_share=0.75, note="rien")
    s.start()
    for _ in range(4):
        s.run_turn()
    s.fork()
    s.decide("operator", {"targeting": "easiest_first"})
    for _ in range(3):
        s.run_turn()
    s.return_to_fork()
    s.decide("operator", {"targeting": "hardest_first"})
    while not s.finished:
        s.run_turn()
    return s


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_export_is_one_clean_page_in_the_sessions_language(make_app, tmp_path, lang):
    d = make_app(lang=lang, export_dir=tmp_path / "exports")
    app = d.app
    app.session = forked_session(lang)
    app.stack.replace(make("debrief", app))
    d.pump(2)
    first = d.scene.export()
    second = d.scene.export()
    assert first != second and first.parent == second.parent  # never over the first
    pdf = (first / "debrief.pdf").read_bytes()
    assert (
        pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") <= 2
    )
    assert nonblank(first / "debrief.png", min_colours=8)
    with (first / "predictions.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with (first / "data" / "predictions.csv").open(encoding="utf-8") as fh:
        ids = next(csv.reader(fh))
    assert ids == ["team", "question", "predicted", "actual", "right"]
    assert header == [tr(f"csv.{c}") for c in ids]
    if lang == "fr":
        assert header[0] == "équipe"
    assert (first / "data" / "timeseries.csv").is_file() and (first / "README.txt").is_file()
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(first / "debrief.pdf")], capture_output=True, text=True
        )
        assert "Pages:           1" in info.stdout


def test_the_page_sets_the_two_branches_side_by_side_and_every_team(make_app):
    d = make_app(lang="en")
    app = d.app
    s = forked_session("en")
    app.session = s
    app.stack.replace(make("debrief", app))
    branches = d.scene.branches()
    assert len(branches) == 2
    (left_name, left), (this_name, this) = branches
    assert this is d.scene.result and left.model.month == this.model.month  # both played whole
    # easiest first then hardest first from the same fork: different creaming, same start
    assert left.summary["creaming_index"] != this.summary["creaming_index"]
    page = debrief_page.content(s.base, d.scene.result, s.predictions, branches, seed=s.seed)
    assert page.branch_header[1:] == [left_name, this_name]
    assert len(page.branch_rows) == len(debrief_page.BRANCH_FIGURES) + 5
    assert page.pred_header[2:] == [tr("role.investor")]  # only the team that answered
    assert page.notes == ["Investor: “rien”"]
    assert any(label == tr("brief.price") for label, _ in page.terms)


def test_no_fork_no_branches():
    i18n.set_language("en")
    s = Session("default", seed=1)
    s.start()
    while not s.finished:
        s.run_turn()
    assert s.left_branch() is None
    page = debrief_page.content(s.base, s.result(), s.predictions, [])
    assert page.branch_rows == [] and page.pred_rows == []

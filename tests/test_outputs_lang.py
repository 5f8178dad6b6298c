"""Decision-grade outputs (issue 11): the CLI in French and English with Babel numbers, a
French compare of three named designs with intervals on the paired differences, the seeds a
precision needs, and the one-page report (PDF text checked with pypdf)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cislab import indicators, lang
from cislab.cli import app

DESIGNS = [
    "Orientation publique=contract.selection=public_referral",
    "Audit complet=contract.audit_rate=1.0",
    "Essai randomisé=contract.evaluation=rct",
]
METRICS = ["creaming_index", "net_public_benefit"]


@pytest.fixture(autouse=True)
def _english_after():
    yield
    lang.set_language("en")


def test_both_catalogues_have_the_same_keys():
    assert set(lang.table("fr")) == set(lang.table("en"))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "fr_CA", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({}, "en"),
    ],
)
def test_language_follows_the_locale(env, expected):
    assert lang.from_environment(env) == expected


def test_numbers_follow_the_language_through_babel():
    lang.set_language("fr")
    assert lang.money(1234567.4, "EUR") == "1\u202f234\u202f567\u00a0€"
    assert lang.number(-0.1234) == "−0,123"
    assert lang.percent(0.05, 1) == "5,0\u00a0%"
    assert indicators.label("net_public_benefit", "EUR") == "Bénéfice public net (€)"
    lang.set_language("en")
    assert lang.money(1234567.4, "GBP") == "£1,234,567"
    assert lang.money(-455000, "EUR", signed=True) == "−€455,000"
    assert indicators.direction("creaming_index") == "lower is better"


def test_bad_lang_is_one_line_and_exit_2(tmp_path):
    done = CliRunner().invoke(app, ["run", "--lang", "de", "--out", str(tmp_path / "x")])
    assert done.exit_code == 2
    assert "--lang = 'de': allowed: fr, en" in done.output
    assert not (tmp_path / "x").exists()


def test_seeds_needed_scales_as_expected():
    from cislab.experiments.stats import bootstrap_ci, seeds_needed

    rng = np.random.default_rng(1)
    values = rng.normal(100.0, 20.0, 400)
    # mean: (1.96 · 20 / (0.05 · 100))² ≈ 61
    assert 45 <= seeds_needed(values, 0.05, "mean") <= 80
    assert 45 <= seeds_needed(values, 0.05, "median") <= 160  # the median is less efficient
    assert np.isnan(seeds_needed(np.array([0, 0, 0, 0, 0, 1, -1, 0, 0, 0]), 0.05))  # median 0
    lo, hi = bootstrap_ci(values, "median")
    assert lo < np.median(values) < hi
    assert bootstrap_ci(values, "median") == (lo, hi)  # seeded: the same interval again


@pytest.fixture(scope="module")
def french_compare(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "fr"
    args = ["compare", *DESIGNS, "--seeds", "12", "--workers", "1", "--lang", "fr"]
    args += ["--out", str(out), "--report", "--set", "contract.max_payment=3000000"]
    for m in METRICS:
        args += ["--metric", m]
    from cislab.terminal import console

    width = console.width
    console.width = 260  # wide enough that no cell wraps: the test reads whole labels
    try:
        done = CliRunner().invoke(app, args)
    finally:
        console.width = width
    assert done.exit_code == 0, done.output
    return out, done.output


def test_french_compare_of_three_named_designs_has_intervals_on_differences(french_compare):
    out, text = french_compare
    for name in ("Orientation publique", "Audit complet", "Essai randomisé"):
        assert name in text
    assert "Référence :" in text and "3000000)" in text  # the baseline names its --set
    assert "Indice d'écrémage (points de risque)" in text and "plus bas = mieux" in text
    assert "Bénéfice public net (€)" in text and "Graines nécessaires pour ±5" in text
    assert text.count("Δ ") >= 6 and "[" in text and " ; " in text
    table = pd.read_csv(out / "compare.csv")
    assert set(table["design"]) == {
        "baseline",
        "Orientation publique",
        "Audit complet",
        "Essai randomisé",
    }  # stable identifiers, as given
    deltas = table[table["design"] != "baseline"]
    assert deltas[["delta_lo", "delta_hi"]].notna().all().all()
    assert (deltas["delta_lo"] <= deltas["delta_median"]).all()
    assert (deltas["delta_median"] <= deltas["delta_hi"]).all()
    # public referral serves the hardest first: a real fall in creaming, its interval below 0
    creaming = deltas[
        (deltas["design"] == "Orientation publique") & (deltas["output"] == "creaming_index")
    ].iloc[0]
    assert creaming["delta_hi"] < 0
    precision = pd.read_csv(out / "precision.csv")
    assert {"seeds_for_median", "seeds_for_mean"} <= set(precision.columns)
    for png in ("compare.png", "compare-differences.png"):
        assert (out / png).stat().st_size > 10_000


def test_the_french_report_is_one_page_with_the_right_text(french_compare):
    pypdf = pytest.importorskip("pypdf")
    out, _ = french_compare
    reader = pypdf.PdfReader(out / "report.fr.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for words in (
        "Comparaison",
        "Les termes du contrat",
        "Prix par résultat",
        "15 000 €",
        "Résultats sur 12 graines",
        "En clair",
        "Audit complet",
        "Essai randomisé",
        "Bénéfice public net",
    ):
        assert " ".join(words.split()) in text.replace("\u202f", " ").replace("\xa0", " ")
    html = (out / "report.fr.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "data:image/png;base64," in html


def test_run_report_in_english_is_one_page(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "run"
    args = ["run", "--lang", "en", "--report", "--report-seeds", "4", "--out", str(out)]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "Net public benefit (€)" in done.output
    reader = pypdf.PdfReader(out / "report.en.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for words in (
        "Decision report",
        "The contract's terms",
        "Results over 4 seeds",
        "In plain words",
        "higher is better",
    ):
        assert words in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 0  # the run written is the one asked for


def test_unnamed_designs_are_shown_whole(tmp_path):
    from cislab.experiments.compare import compare_plan, display_labels

    long = "contract.selection=public_referral,contract.audit_rate=1.0,contract.threshold=0.05"
    plan = compare_plan([long, "peterborough"], seeds=2)
    lang.set_language("en")
    labels = display_labels(plan)
    assert labels[long] == long  # never truncated
    assert labels["peterborough"].startswith("Peterborough")
    assert labels["baseline"].startswith("Baseline: ")

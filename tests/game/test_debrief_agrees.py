"""The debrief agrees with the model (issue 10): an incident is flagged with the statistic the
final figure uses, only once it rests on enough people, says when it had faded by the end, and
an early end is listed with its cause."""

from __future__ import annotations

import pytest
from cislab.game import debrief
from cislab.model.api import run


@pytest.mark.parametrize("seed", range(10))
def test_creaming_is_never_flagged_on_a_handful_of_people(seed):
    """Seen before: "Month 0: creaming (0.112)" with two people enrolled."""
    result = run("default", seed=seed)
    ts = result.timeseries.set_index("month")
    for inc in debrief.incidents(result):
        if inc.kind == "creaming":
            assert ts.loc[inc.month, "enrolled_total"] >= debrief.MIN_ENROLLED
            assert inc.value == pytest.approx(ts.loc[inc.month, "creaming_index"])
            assert inc.final == pytest.approx(result.summary["creaming_index"])


@pytest.mark.parametrize("seed", range(10))
def test_an_incident_and_the_prediction_answer_never_contradict_silently(seed):
    """The prediction "creaming?" is judged on the final index; an incident flagged during the run
    whose final index is under the threshold is marked as faded, so the two lines agree."""
    result = run("default", seed=seed)
    answer = debrief.actual_answers(result)["creaming"]
    for inc in debrief.incidents(result):
        if inc.kind == "creaming":
            assert inc.faded == (answer == "no")


def test_an_early_end_is_in_the_debrief_with_its_cause():
    result = run("peterborough", seed=0)
    stopped = [inc for inc in debrief.incidents(result) if inc.kind == "stopped"]
    assert [(inc.month, inc.cause) for inc in stopped] == [(43, "policy_change")]
    assert not [inc for inc in debrief.incidents(run("default", seed=0)) if inc.kind == "stopped"]


def test_creaming_is_found_where_it_happens_and_not_under_random_referral():
    """Operator selection creams in every seed (final index 0.08–0.12, seeds 0–9); random
    referral gives no creaming incident."""
    selected = [run("default", seed=s) for s in range(10)]
    assert all(any(i.kind == "creaming" for i in debrief.incidents(r)) for r in selected)
    referred = [
        run("default", seed=s, overrides={"contract.selection": "random_referral"})
        for s in range(10)
    ]
    assert not any(i.kind == "creaming" for r in referred for i in debrief.incidents(r))


def test_a_faded_incident_says_so():
    assert debrief.Incident("creaming", 3, 0.11, final=0.016).faded
    assert not debrief.Incident("creaming", 3, 0.11, final=0.09).faded
    assert not debrief.Incident("bias", 3, 0.11).faded

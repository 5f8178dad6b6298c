"""After the contract (the model's years of adoption, scale-up or stop across territories) and
the debrief (scores, perverse incentives and when, predictions against results, export)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pygame
import pygame_gui
from cislab.game import (
    debrief,
    debrief_page,
    fmt,
    headlines,
    palette,
    payer,
    predictions,
    worker,
)
from cislab.game.debrief_page import answer_text, incident_text, quote_note, team_name
from cislab.game.i18n import tr
from cislab.game.scenes.base import Rect, Scene
from cislab.game.scenes.registry import make
from cislab.game.widgets import charts, territory_map, text
from cislab.model.api import RunResult
from cislab.model.safe_output import OutputError, new_folder

AUTO_YEAR_SECONDS = 0.6
AFTER_COLUMNS = (
    "territories_adopted",
    "territories_reached",
    "next_contracts",
    "people_covered",
    "operator_capacity",
    "investor_reinvestment",
    "philanthropy_grants",
    "public_spending_after",
)
ADOPTION_COLOURS = ((46, 175, 120), (90, 170, 235), (240, 170, 60), (200, 120, 240))
EFFECT_COLOURS = ((90, 220, 255), (240, 170, 60))
INDEX_COLOURS = ((240, 120, 90), (200, 120, 240), (240, 210, 80))
MONEY_COLOURS = ((120, 200, 120), (127, 178, 229), (240, 170, 60))


class AfterScene(Scene):
    """Years after the contract, played one at a time (or all at once): the model's States
    adopt, contract, drop or wait; the map, the curves and the figures show what it reports.

    Why turns of a year: a workshop can stop at the year the first neighbour adopts and ask why,
    and see the lag of budget cycles and contract structuring; "all years" animates the rest
    for a short session, and the debrief plays whatever remains so it always has the full run.
    """

    name = "after"
    toast_bottom = 644

    def __init__(self, app) -> None:
        super().__init__(app)
        self.session = app.session
        self.model = self.session.model
        self.auto = False
        self.clock = 0.0
        self.leaving = False

    def startup(self) -> None:
        worker.settle_memory()  # no full collection of the model's objects mid-year
        super().startup()

    # ------------------------------------------------------------------ state
    @property
    def result(self) -> RunResult:
        """The run so far (the session caches it until the model steps again)."""
        return self.session.result()

    @property
    def horizon(self) -> int:
        """Years after the contract this run plays (0 for an unsigned contract: nothing to run)."""
        if self.model.after is None or not self.model.signed:
            return 0
        return int(self.model.config.after.horizon_years)

    @property
    def years_left(self) -> bool:
        return self.horizon > 0 and not self.session.finished

    @property
    def currency(self) -> str:
        return self.session.base.meta.currency

    def year_of(self, month: int | None) -> int | None:
        """Calendar year of a model month (the case's start year is month 0)."""
        return None if month is None else self.session.base.meta.start_year + int(month) // 12

    # ------------------------------------------------------------------ widgets
    def build_ui(self) -> None:
        self.header(tr("after.title"), tr("after.subtitle"))
        # Without years to play, the evidence stands beside the message, at full height.
        evidence = Rect(648, 500, 616, 138) if self.horizon > 0 else Rect(648, 88, 616, 550)
        self.textbox("evidence", evidence, self._evidence_html())
        if self.horizon > 0:
            self.button("year", Rect(16, 650, 250, 48), tr("after.next_year"), tip=tr("tip.year"))
            label = tr("after.pause") if self.auto else tr("after.all_years")
            self.button("all", Rect(278, 650, 250, 48), label, tip=tr("tip.all_years"))
            self.label("status", Rect(540, 656, 456, 36), self._status(), "@muted")
            if not self.years_left:
                self.ui["year"].disable()
                self.ui["all"].disable()
        self.button("next", Rect(1008, 650, 256, 48), tr("after.to_debrief"), cls="@primary")

    def _status(self) -> str:
        m = self.model
        return tr(
            "after.status",
            year=self.year_of(m.month - 1 if m.month else 0),
            n=self.session.years_after,
            total=self.horizon,
        )

    def refresh(self) -> None:
        if "status" in self.ui:
            self.ui["status"].set_text(self._status())
        if "evidence" in self.ui:
            self.ui["evidence"].set_text(self._evidence_html())

    def figures(self) -> list[tuple[str, str]]:
        """(label, value) rows of what the model reports after the contract, for the table."""
        s, cur = self.result.summary, self.currency
        total = s["territories"]
        decided, inflated = s["scale_up_decisions"], s["scale_ups_on_inflated_evidence"]
        rows = [
            (
                tr("after.fig.adopted"),
                tr("after.of", n=s["adopted"], total=total, ever=s["adopted_ever"]),
            ),
            (
                tr("after.fig.reached"),
                tr("after.of_total", n=s["territories_reached"], total=total),
            ),
            (tr("after.fig.people"), fmt.num(s["people_covered"], 0)),
            (
                tr("after.fig.contracts"),
                tr(
                    "after.contracts",
                    n=s["next_contracts"],
                    national=s["next_contracts_national"],
                    paid=s["next_contracts_paid"],
                ),
            ),
            (tr("after.fig.reinvested"), fmt.money(s["investor_reinvestment"], cur)),
            (tr("after.fig.grants"), fmt.money(s["philanthropy_grants"], cur)),
            (
                tr("after.fig.operator"),
                tr(
                    "after.places",
                    now=fmt.num(s["operator_capacity_end"], 0),
                    peak=fmt.num(s["operator_capacity_peak"], 0),
                ),
            ),
            (
                tr("after.fig.inflated"),
                tr("after.inflated", n=inflated, total=decided, share=fmt.pct(inflated / decided))
                if decided
                else tr("after.no_decision"),
            ),
        ]
        stopped = s["programme_stopped_month"]
        if stopped is not None:
            state = tr("after.stopped", year=self.year_of(stopped))
        elif s["adopted"] or self._running_contracts():
            state = tr("after.running")
        else:
            state = tr("after.not_funded")
        rows.append((tr("after.fig.programme"), state))
        return rows

    def _running_contracts(self) -> int:
        view = self.model.after.territory_map()
        return sum(stage in ("structuring", "contract") for stage in view.stage)

    def _evidence_html(self) -> str:
        s, cur = self.result.summary, self.currency
        lines = [f"<b>{tr('after.evidence')}</b>"]
        if not s.get("contract_signed"):
            lines.append(tr("after.not_signed"))
            return "<br>".join(lines)
        if s.get("terminated"):
            reason = s["terminated"]
            lines.append(
                tr(
                    "after.terminated",
                    reason=headlines.cause(str(reason), self.session.base),  # never a raw code
                    month=s.get("termination_month"),
                )
            )
        method = self.model.config.contract.evaluation
        lines.append(
            tr(
                "after.measured",
                measured=fmt.num(s.get("measured_effect"), 3),
                true=fmt.num(s.get("true_effect"), 3),
                method=tr(f"opt.{method}"),
            )
        )
        lines.append(
            tr(
                "after.cost",
                cost=fmt.money(s.get("public_cost"), cur),
                savings=fmt.money(s.get("public_savings"), cur),
            )
        )
        if self.horizon > 0:
            credibility = getattr(self.model.config.after, f"credibility_{method}")
            lines.append(tr("after.credibility", share=fmt.pct(credibility)))
        return "<br>".join(lines)

    # ------------------------------------------------------------------ actions
    def play_year(self) -> None:
        """One more year, run by game.worker (a year is up to 12 × 170 ms of model)."""
        if self.years_left and not self.app.worker.busy:
            guard, session = self.app.worker.guard, self.session

            def year() -> None:
                session.run_year(guard)
                with guard():
                    session.result()  # what the screen reads next, made here, not in a frame

            self.app.worker.start(year, self._year_done)

    def _year_done(self) -> None:
        self.refresh()
        if not self.years_left:
            self.auto = False
            self.rebuild()

    def to_debrief(self) -> None:
        """The debrief scores the whole run: the years left are played first (by the worker,
        with the results the debrief reads), then the debrief opens."""
        if self.app.worker.busy:
            return
        guard, session = self.app.worker.guard, self.session

        ready: dict = {}

        def finish() -> None:
            if self.horizon > 0:
                session.run_after(guard)
            with guard():
                ready.update(DebriefScene.figures_of(session))

        self.leaving = True
        if "next" in self.ui:
            self.ui["next"].disable()
        self.app.worker.start(
            finish, lambda: self.app.stack.replace(make("debrief", self.app, ready))
        )

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name == "next":
            self.to_debrief()
        elif name == "year":
            self.auto = False
            self.play_year()
            self.rebuild()
        elif name == "all":
            self.auto = not self.auto
            self.clock = 0.0
            self.rebuild()

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key in (pygame.K_RETURN, pygame.K_SPACE):
            self.play_year() if self.years_left else self.to_debrief()
            return True
        if event.key == pygame.K_a and self.years_left:
            self.auto = not self.auto
            self.rebuild()
            return True
        return False

    def update(self, dt: float) -> None:
        super().update(dt)
        if not self.auto:
            return
        self.clock += dt
        if self.clock >= AUTO_YEAR_SECONDS or self.app.speed == float("inf"):
            self.clock = 0.0
            self.play_year()

    def autoplay(self) -> None:
        """Demo: one year per step, a screenshot of the last year, then the debrief."""
        if self.years_left:
            self.play_year()
            if not self.years_left:
                self.app.shoot_after_draw("after_end")
        else:
            self.to_debrief()

    # ------------------------------------------------------------------ drawing
    def draw(self, surface: pygame.Surface) -> None:
        if self.horizon == 0:
            self._draw_no_horizon(surface)
            return
        self._draw_map(surface, Rect(16, 88, 616, 318))
        self._draw_figures(surface, Rect(16, 414, 616, 224))
        self.draw_curves(surface, Rect(648, 88, 616, 150))  # people, money: in the figures
        self._draw_contracts(surface, Rect(648, 244, 616, 250))

    def contract_rows(self) -> list[dict]:
        """The later contracts the model simulated (model.after's `next_contracts` table), the
        latest first: where, what kind, which operator, how many enrolled, creaming, measured
        against true effect. Kept per month: the table is built once, not every frame."""
        month = self.model.month
        if getattr(self, "_rows_month", None) != month:
            table = self.model.after.tables()["next_contracts"]
            rows = (  # no contract yet: a table without columns
                table.sort_values(["start", "contract"], ascending=False).to_dict("records")
                if len(table)
                else []
            )
            self._rows, self._rows_month = rows, month
        return self._rows

    def _draw_contracts(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """Each later contract in a row, so the room sees creaming or inflated evidence come
        back (or not) in another territory: flagged in the warning colour as in the debrief."""
        rows = self.contract_rows()
        inner = charts.panel(surface, rect, tr("after.contracts_title", n=len(rows)))
        cols = (
            ("territory", 90),
            ("kind", 118),
            ("operator", 112),
            ("enrolled", 72),
            ("creaming", 88),
            ("measured", 66),
            ("true", 54),
        )
        x = inner.left
        for key, w in cols:
            text.draw(
                surface, tr(f"after.col.{key}"), (x, inner.top), 16, bold=True, max_width=w - 6
            )
            x += w
        if not rows:
            note = Rect(inner.left, inner.top + 26, inner.width, inner.height - 26)
            text.draw_wrapped(surface, tr("after.no_contract_yet"), note, 16, text.MUTED)
            return
        step = 22
        note = tr(
            "after.flag_note",
            creaming=fmt.num(debrief.CREAMING_SIGN, 2),
            gap=fmt.pct(debrief.BIAS_SIGN),
        )
        text.draw(
            surface, note, (inner.left, inner.bottom - 21), 16, text.WARN, max_width=inner.width
        )
        fit = (inner.height - 24 - 22) // step
        shown = rows[: fit - 1] if len(rows) > fit else rows
        y = inner.top + 24
        for row in shown:
            cream = row.get("creaming_index")
            measured, true = row.get("measured_effect"), row.get("true_effect")
            inflated = (
                measured is not None
                and true is not None
                and abs(measured - true) > debrief.BIAS_SIGN * max(abs(true), 0.02)
            )
            cells = [
                (tr("after.territory", n=row["territory"]), None),
                (tr(f"after.kind.{row['kind']}"), None),
                (tr(f"after.operator.{row['operator']}"), None),
                (fmt.num(row.get("enrolled"), 0), None),
                (
                    fmt.num(cream, 3, signed=True),
                    text.WARN if cream is not None and cream > debrief.CREAMING_SIGN else None,
                ),
                (fmt.num(measured, 3), text.WARN if inflated else None),
                (fmt.num(true, 3), None),
            ]
            x = inner.left
            for (value, colour), (_key, w) in zip(cells, cols, strict=True):
                text.draw(surface, value, (x, y), 16, colour, max_width=w - 6)
                x += w
            y += step
        if len(shown) < len(rows):
            more = tr("after.more_contracts", n=len(rows) - len(shown))
            text.draw(surface, more, (inner.left, y), 16, text.MUTED, max_width=inner.width)

    def _draw_no_horizon(self, surface: pygame.Surface) -> None:
        inner = charts.panel(surface, Rect(16, 88, 616, 550), tr("after.reported"))
        key = "after.not_signed_after" if not self.model.signed else "after.no_horizon"
        text.draw_wrapped(surface, tr(key), inner, 17)

    def _draw_map(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        view = self.model.after.territory_map()
        n = len(view.stage)
        title = tr("after.map", n=n, year=self.year_of(max(self.model.month - 1, 0)))
        inner = charts.panel(surface, rect, title)
        legend = [
            ("none", tr("map.none")),
            ("contract", tr("map.contract")),
            ("adopted", tr("map.adopted")),
            ("waiting", tr("map.waiting")),
            ("reached", tr("map.reached")),
            ("dropped", tr("map.dropped")),
            ("home", tr("map.home")),
        ]
        count = territory_map.counts(view)
        rows: list[list[tuple[str, str, int]]] = [[]]
        x = 0
        for cat, label in legend:
            shown = label if cat == "home" else f"{label} ({count[cat]})"
            w = 22 + text.font(13).size(shown)[0] + 14
            if x + w > inner.width and rows[-1]:
                rows.append([])
                x = 0
            rows[-1].append((cat, shown, x))
            x += w
        legend_h = 20 * len(rows)
        area = Rect(inner.left, inner.top + 4, inner.width, inner.height - legend_h - 8)
        if n == 1:
            note = Rect(area.left, area.bottom - 40, area.width, 40)
            text.draw_wrapped(surface, tr("after.one_territory"), note, 14, text.MUTED)
            area.height -= 44
        territory_map.draw(surface, area, view)
        y = inner.bottom - legend_h
        for row in rows:
            for cat, shown, dx in row:
                territory_map.legend_icon(surface, cat, (inner.left + dx + 7, y + 10))
                text.draw(surface, shown, (inner.left + dx + 20, y + 2), 13, text.MUTED)
            y += 20

    def _draw_figures(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        inner = charts.panel(surface, rect, tr("after.reported"))
        rows = self.figures()
        step = min(22, inner.height // max(len(rows), 1))
        value_w = 230
        for i, (label, value) in enumerate(rows):
            y = inner.top + 2 + i * step
            text.draw(
                surface, label, (inner.left, y), 15, text.MUTED, max_width=inner.width - value_w
            )
            text.draw(
                surface,
                value,
                (inner.right, y),
                15,
                bold=True,
                anchor="topright",
                max_width=value_w,
            )

    def curves(self) -> dict[str, np.ndarray]:
        """The adoption curve and what goes with it, month by month, as the model recorded it."""
        ts = self.result.timeseries
        return {c: ts[c].to_numpy(dtype=float) for c in AFTER_COLUMNS if c in ts}

    def draw_curves(self, surface, r1, r2=None, r3=None) -> None:
        """The adoption curve in `r1`; people and places in `r2`, money after in `r3` (each
        skipped when None)."""
        col = self.curves()
        cur = self.currency
        n = int(self.model.run_months)
        start = self.session.base.meta.start_year
        ends = (str(start), str(start + (n - 1) // 12))  # the year of the last month
        end = self.model.config.contract_months

        def count(v: float) -> str:
            return fmt.num(v, 0)

        charts.line_chart(
            surface,
            r1,
            tr("chart.adoption"),
            [
                (tr("chart.adopted"), col["territories_adopted"], ADOPTION_COLOURS[0]),
                (tr("chart.reached"), col["territories_reached"], ADOPTION_COLOURS[1]),
                (tr("chart.next_contracts"), col["next_contracts"], ADOPTION_COLOURS[2]),
            ],
            n,
            count,
            tr("chart.contract_end"),
            marker_x=end,
            x_ends=ends,
        )
        if r2 is None or r3 is None:
            return
        charts.line_chart(
            surface,
            r2,
            tr("chart.people"),
            [
                (tr("chart.covered"), col["people_covered"], ADOPTION_COLOURS[1]),
                (tr("chart.capacity"), col["operator_capacity"], ADOPTION_COLOURS[3]),
            ],
            n,
            count,
            marker_x=end,
            x_ends=ends,
        )
        charts.line_chart(
            surface,
            r3,
            tr("chart.after_money"),
            [
                (tr("chart.reinvested"), col["investor_reinvestment"], MONEY_COLOURS[1]),
                (tr("chart.grants"), col["philanthropy_grants"], MONEY_COLOURS[0]),
                (tr("chart.public_after"), col["public_spending_after"], MONEY_COLOURS[2]),
            ],
            n,
            lambda v: fmt.money(v, cur),
            marker_x=end,
            x_ends=ends,
        )


def export_stem(case: str, when: datetime | None = None) -> str:
    """The name of an export folder: local time to the minute, then the case's name."""
    when = when or datetime.now()
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", case).strip("-")[:40] or "session"
    return f"{when:%Y-%m-%d_%H%M}-{safe}"


class DebriefScene(Scene):
    name = "debrief"
    toast_bottom = 644  # above the buttons' row (650–698), never over them

    def __init__(self, app, ready: dict | None = None) -> None:
        super().__init__(app)
        self.session = app.session
        figures = ready or self.figures_of(self.session)  # made by the worker when it can
        self.result = figures["result"]
        self.scores = figures["scores"]
        self.incidents = figures["incidents"]
        self.teams = figures["teams"]
        self._left = figures["left"]
        self.exported: Path | None = None
        self._branches: list[tuple[str, RunResult]] | None = None

    @staticmethod
    def figures_of(session) -> dict:
        """What the debrief shows, read from the run (game.worker makes it off the frames)."""
        result = session.result()
        return {
            "result": result,
            "scores": debrief.scores(result),
            "incidents": debrief.incidents(result),
            "teams": predictions.team_scores(session.predictions, result),
            "left": session.left_branch(),  # the fork's other branch, played on (or None)
        }

    def build_ui(self) -> None:
        self.header(tr("debrief.title"), tr("debrief.subtitle"))
        self.textbox("incidents", Rect(24, 336, 400, 300), self._incidents_html())
        self.textbox("predictions", Rect(440, 336, 400, 300), self._predictions_html())
        self.button(
            "export",
            Rect(24, 650, 260, 48),
            tr("debrief.export"),
            tip=tr("tip.export"),
            cls="@primary",
        )
        self.button("explore", Rect(296, 650, 176, 48), tr("play.explore"))
        self.button("again", Rect(484, 650, 200, 48), tr("debrief.again"))
        self.button("quit", Rect(696, 650, 144, 48), tr("title.quit"))

    def _incidents_html(self) -> str:
        lines = [f"<b>{tr('debrief.incidents')}</b>"]
        base = self.session.base
        for inc in self.incidents:
            lines.append(incident_text(inc, self.result, base))
        if len(lines) == 1:
            lines.append(tr("debrief.no_incident"))
        lines.append(f"<i>{tr('debrief.index_meanings')}</i>")
        return "<br>".join(lines)

    def team_name(self, team: str) -> str:
        return team_name(team, self.session.base)

    def _predictions_html(self) -> str:
        """Each question's result, then what each team said and whether it was right; then the
        teams side by side (right answers out of those given) and their notes."""
        lines = [f"<b>{tr('debrief.predictions')}</b>"]
        if not self.teams:
            lines.append(tr("debrief.no_prediction"))
            return "<br>".join(lines)
        for i, key in enumerate(predictions.QUESTIONS):
            actual = answer_text(key, self.teams[0]["rows"][i]["actual"])
            said = []
            for t in self.teams:
                row = t["rows"][i]
                if row["right"] is None:
                    verdict = tr("debrief.blank")
                else:
                    mark = tr("debrief.right") if row["right"] else tr("debrief.wrong")
                    verdict = tr(
                        "debrief.team_said", said=answer_text(key, row["predicted"]), mark=mark
                    )
                said.append(tr("debrief.team_answer", team=self.team_name(t["team"]), said=verdict))
            lines.append(
                tr("debrief.question_result", q=tr(f"predict.short.{key}"), actual=actual)
                + " "
                + " · ".join(said)
            )
        lines.append(f"<b>{tr('debrief.team_scores')}</b> " + self._team_ranking())
        for t in self.teams:
            if t["note"]:
                note = html.escape(t["note"])  # typed by the room: never markup
                lines.append(f"<i>{quote_note(self.team_name(t['team']), note)}</i>")
        return "<br>".join(lines)

    def _team_ranking(self) -> str:
        """ "Investor 3/4 (closest), Operator 2/3, State 1/4": right answers of those given."""
        parts = []
        for t in sorted(self.teams, key=lambda t: (-t["right"], t["answered"])):
            part = tr(
                "debrief.team_score",
                team=self.team_name(t["team"]),
                right=t["right"],
                answered=t["answered"],
            )
            if t["best"]:
                part += " " + tr("debrief.closest")
            parts.append(part)
        return ", ".join(parts)

    def draw(self, surface: pygame.Surface) -> None:
        rows = [(tr(f"score.{d}"), self.scores[d], self._no_score(d)) for d in debrief.DIMENSIONS]
        charts.score_bars(surface, Rect(24, 92, 816, 236), tr("debrief.scores"), rows)
        self.draw_charts(
            surface, Rect(856, 92, 408, 190), Rect(856, 290, 408, 190), Rect(856, 488, 408, 196)
        )
        if self.exported:
            text.draw(
                surface,
                tr("debrief.exported", path=str(self.exported)),
                (856, 690),
                13,
                text.MUTED,
                max_width=408,
            )

    def _no_score(self, dimension: str) -> str:
        """Why a dimension has no score: no years after the contract, or nothing to score."""
        if dimension == "adoption" and self.result.model.after is None:
            return tr("score.no_horizon")
        return tr("score.none")

    def draw_charts(self, surface, r1, r2, r3) -> None:
        """The contract's months (the years after it have their own charts, exported too)."""
        n = int(self.result.model.config.contract_months)
        ts = self.result.timeseries.iloc[:n]
        cur = self.session.base.meta.currency
        paid_label = tr("chart.paid_by", payer=payer.in_sentence(self.session.base))

        def col(name):
            return ts[name].to_numpy(dtype=float) if name in ts else np.zeros(0)

        charts.line_chart(
            surface,
            r1,
            tr("chart.effects"),
            [
                (tr("chart.measured"), col("measured_effect"), EFFECT_COLOURS[0]),
                (tr("chart.true"), col("true_effect"), EFFECT_COLOURS[1]),
            ],
            n,
            lambda v: fmt.num(v, 2),
            tr("chart.months"),
            no_data=tr("chart.no_data"),
        )
        charts.line_chart(
            surface,
            r2,
            tr("chart.indices"),
            [
                (tr("chart.creaming"), col("creaming_index"), INDEX_COLOURS[0]),
                (tr("chart.parking"), col("parking_index"), INDEX_COLOURS[1]),
                (tr("chart.gaming"), col("gaming_index"), INDEX_COLOURS[2]),
            ],
            n,
            lambda v: fmt.num(v, 2),
            tr("chart.months"),
        )
        charts.line_chart(
            surface,
            r3,
            tr("chart.money"),
            [
                (tr("chart.operator_cash"), col("operator_cash"), MONEY_COLOURS[0]),
                (tr("chart.investor_cash"), col("investor_cash"), MONEY_COLOURS[1]),
                (paid_label, col("outcome_payments_cum"), MONEY_COLOURS[2]),
            ],
            n,
            lambda v: fmt.money(v, cur),
            tr("chart.months"),
        )

    def export(self, out: Path | None = None) -> Path:
        """CSV tables and PNG charts (and this screen) for the workshop's wrap-up.

        Each export is a new folder inside `out` (default `cislab-debrief/`), named by the time
        and the case (`2026-12-03_0412-peterborough`, `-2` … if taken): a second export, or a
        second group's, never overwrites the first. Returns that folder.
        """
        base = Path(out or self.app.export_dir)
        final = new_folder(base, export_stem(self.session.base.meta.name), "debrief", self._fill)
        self.exported = final
        self.app.notify(tr("toast.exported", path=str(final)), 5.0)
        return final

    def _fill(self, out: Path) -> None:
        """Write the export's files into `out` (a temporary folder, renamed once complete): the
        one-page debrief (PDF and PNG), the wrap-up tables with headers in the session's language
        (their twins with stable column ids and the model's tables in `data/`), the charts."""
        s = self.session
        debrief.export_tables(
            out, self.result, s.predictions, s.log, header=lambda c: tr(f"csv.{c}")
        )
        page = debrief_page.content(
            s.base, self.result, s.predictions, self.branches(), seed=s.seed
        )
        debrief_page.write_pdf(page, out / "debrief.pdf")
        debrief_page.write_png(page, out / "debrief.png")
        (out / "README.txt").write_text(tr("export.readme") + "\n", encoding="utf-8")
        size = (900, 420)
        for name, index in (("effects", 0), ("indices", 1), ("money", 2)):
            surf = pygame.Surface(size)
            surf.fill(palette.current().background)
            rects = [Rect(-2000, 0, 10, 10)] * 3
            rects[index] = Rect(10, 10, size[0] - 20, size[1] - 20)
            self.draw_charts(surf, *rects)
            pygame.image.save(surf, str(out / f"chart_{name}.png"))
        after = AfterScene(self.app)
        if after.horizon > 0:
            surf = pygame.Surface(size)
            surf.fill(palette.current().background)
            after.draw_curves(surf, Rect(10, 10, size[0] - 20, size[1] - 20))
            pygame.image.save(surf, str(out / "chart_adoption.png"))

    def branches(self) -> list[tuple[str, RunResult]]:
        """The fork's two branches, when the room returned to a fork: the one it left (played on
        to its end) and this session's; else none (the page then has no comparison)."""
        if self._branches is None:
            left = self._left  # played on by game.worker before the debrief opened
            self._branches = []
            if left is not None:
                month, other = left
                fork = self.session.forks[-1][0] if self.session.forks else 0
                self._branches = [
                    (tr("page.branch_left", month=month, fork=fork), other),
                    (tr("page.branch_this", fork=fork), self.result),
                ]
        return self._branches

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name == "export":
            self._export_or_say()
        elif name == "explore":
            self._explore()
        elif name == "again":
            self.again()
        elif name == "quit":
            self.app.quit()

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_x:
            self._export_or_say()
            return True
        if event.key == pygame.K_e:  # as on the play screen
            self._explore()
            return True
        return False

    def again(self) -> None:
        """A new game; in a workshop of two cases, the second case's briefing comes next."""
        app = self.app
        app.session = None
        if app.workshop_minutes and app.case_index + 1 < len(app.cases):
            app.case_index += 1
            app.scenario = app.cases[app.case_index]
            app.stack.replace(make("scenario", app))
            return
        app.stack.replace(make("title", app))

    def _explore(self) -> None:
        """Explore mode on the design this debrief is about."""
        self.app.stack.push(make("explore", self.app, self.session.base, self.session.terms))

    def _export_or_say(self) -> None:
        """Export; a folder that cannot be written is a message on screen, the game goes on."""
        try:
            self.export()
        except (OSError, OutputError) as exc:
            self.app.notify(tr("toast.save_failed", error=str(exc)), 5.0)

    def autoplay(self) -> None:
        if self.exported is None:
            self.export()
        else:
            self.app.quit()

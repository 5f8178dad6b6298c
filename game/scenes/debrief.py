"""After the contract (what the model reports about adoption, scale-up or stop) and the debrief
(scores, perverse incentives and when, predictions against results, export)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pygame_gui

from game import debrief, fmt
from game.i18n import has, tr
from game.scenes.base import Rect, Scene
from game.widgets import charts, text

EFFECT_COLOURS = ((90, 220, 255), (240, 170, 60))
INDEX_COLOURS = ((240, 120, 90), (200, 120, 240), (240, 210, 80))
MONEY_COLOURS = ((120, 200, 120), (127, 178, 229), (240, 170, 60))


class AfterScene(Scene):
    name = "after"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.session = app.session
        self.result = self.session.result()

    def build_ui(self) -> None:
        self.header(tr("after.title"), tr("after.subtitle"))
        self.textbox("reported", Rect(24, 100, 600, 530), self._reported_html())
        self.textbox("evidence", Rect(648, 100, 608, 530), self._evidence_html())
        self.button("next", Rect(1000, 650, 256, 48), tr("after.to_debrief"), cls="@primary")

    def _reported_html(self) -> str:
        s = self.result.summary
        lines = [f"<b>{tr('after.reported')}</b>"]
        if not s.get("contract_signed"):
            lines.append(tr("after.not_signed"))
        if s.get("terminated"):
            lines.append(
                tr(
                    "after.terminated",
                    reason=tr(f"reason.{s['terminated']}")
                    if has(f"reason.{s['terminated']}")
                    else str(s["terminated"]),
                    month=s.get("termination_month"),
                )
            )
        post = debrief.post_contract(self.result)
        if post:
            for key, value in post.items():
                lines.append(f"• {key}: <b>{_plain(value)}</b>")
        else:
            lines.append(tr("after.not_modelled"))
        ts = self.result.timeseries
        extra = [c for c in ts.columns if any(w in c for w in debrief.ADOPTION_KEYS)]
        if extra:
            last = ts.iloc[-1]
            lines += [f"• {c}: <b>{_plain(last[c])}</b>" for c in extra]
        return "<br>".join(lines)

    def _evidence_html(self) -> str:
        s, cur = self.result.summary, self.session.base.meta.currency
        lines = [f"<b>{tr('after.evidence')}</b>"]
        for row in self.result.cohorts.itertuples():
            lines.append(
                tr(
                    "after.cohort",
                    n=row.cohort + 1,
                    measured=fmt.num(row.measured_effect, 3),
                    true=fmt.num(row.true_effect, 3),
                    verdict=tr("ui.paid") if row.paid > 0 else tr("ui.not_paid"),
                )
            )
        lines.append("")
        lines.append(
            tr(
                "after.cost",
                cost=fmt.money(s.get("public_cost"), cur),
                savings=fmt.money(s.get("public_savings"), cur),
            )
        )
        lines.append(
            tr(
                "after.per_outcome",
                value=fmt.money(s.get("cost_per_avoided_event"), cur),
                saving=fmt.money(self.session.base.state.cost_per_event, cur),
            )
        )
        lines.append(
            tr("after.method", method=tr(f"opt.{self.session.model.config.contract.evaluation}"))
        )
        return "<br>".join(lines)

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if name == "next" and event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.app.stack.replace(DebriefScene(self.app))

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key in (pygame.K_RETURN, pygame.K_SPACE):
            self.app.stack.replace(DebriefScene(self.app))
            return True
        return False

    def autoplay(self) -> None:
        self.app.stack.replace(DebriefScene(self.app))


def _plain(value) -> str:
    if isinstance(value, bool):
        return tr("ui.yes") if value else tr("ui.no")
    if isinstance(value, float):
        return fmt.num(value, 2)
    return str(value)


class DebriefScene(Scene):
    name = "debrief"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.session = app.session
        self.result = self.session.result()
        self.scores = debrief.scores(self.result)
        self.incidents = debrief.incidents(self.result)
        self.predictions = debrief.compare_predictions(self.session.predictions, self.result)
        self.exported: Path | None = None

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
        for inc in self.incidents:
            lines.append(
                tr(
                    f"incident.{inc.kind}",
                    month=inc.month,
                    value=fmt.num(inc.value, 3),
                    money=fmt.money(inc.value, self.session.base.meta.currency),
                )
            )
        if len(lines) == 1:
            lines.append(tr("debrief.no_incident"))
        return "<br>".join(lines)

    def _predictions_html(self) -> str:
        lines = [f"<b>{tr('debrief.predictions')}</b>"]
        if not self.session.predictions:
            lines.append(tr("debrief.no_prediction"))
            return "<br>".join(lines)
        for row in self.predictions:
            key = row["question"]
            if key == "payments_share":
                guess = fmt.pct(row["predicted"]) if row["predicted"] is not None else "—"
                actual = fmt.pct(row["actual"])
            else:
                guess, actual = tr(f"ui.{row['predicted']}"), tr(f"ui.{row['actual']}")
            mark = tr("debrief.right") if row["right"] else tr("debrief.wrong")
            lines.append(
                tr(
                    "debrief.prediction_row",
                    q=tr(f"predict.short.{key}"),
                    guess=guess,
                    actual=actual,
                    mark=mark,
                )
            )
        note = self.session.predictions.get("note")
        if note:
            lines.append(f"<i>« {note} »</i>" if self.app.lang == "fr" else f"<i>“{note}”</i>")
        return "<br>".join(lines)

    def draw(self, surface: pygame.Surface) -> None:
        rows = [
            (tr(f"score.{d}"), self.scores[d], tr("score.not_modelled")) for d in debrief.DIMENSIONS
        ]
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

    def draw_charts(self, surface, r1, r2, r3) -> None:
        ts = self.result.timeseries
        n = int(self.result.model.run_months)
        cur = self.session.base.meta.currency

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
                (tr("chart.paid"), col("outcome_payments_cum"), MONEY_COLOURS[2]),
            ],
            n,
            lambda v: fmt.money(v, cur),
            tr("chart.months"),
        )

    def export(self, out: Path | None = None) -> Path:
        """CSV tables and PNG charts (and this screen) for the workshop's wrap-up."""
        out = Path(out or self.app.export_dir)
        debrief.export_tables(out, self.result, self.session.predictions, self.session.log)
        pygame.image.save(self.app.canvas, str(out / "debrief.png"))
        size = (900, 420)
        for name, index in (("effects", 0), ("indices", 1), ("money", 2)):
            surf = pygame.Surface(size)
            surf.fill((20, 30, 42))
            rects = [Rect(-2000, 0, 10, 10)] * 3
            rects[index] = Rect(10, 10, size[0] - 20, size[1] - 20)
            self.draw_charts(surf, *rects)
            pygame.image.save(surf, str(out / f"chart_{name}.png"))
        self.exported = out
        self.app.notify(tr("toast.exported", path=str(out)), 5.0)
        return out

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name == "export":
            try:
                self.export()
            except OSError as exc:
                self.app.notify(tr("toast.save_failed", error=str(exc)), 5.0)
        elif name == "explore":
            from game.scenes.overlays import ExploreScene

            self.app.stack.push(ExploreScene(self.app, self.session.scenario, self.session.terms))
        elif name == "again":
            from game.scenes.title import TitleScene

            self.app.session = None
            self.app.stack.replace(TitleScene(self.app))
        elif name == "quit":
            self.app.quit()

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_x:
            self.export()
            return True
        return False

    def autoplay(self) -> None:
        if self.exported is None:
            self.export()
        else:
            self.app.quit()

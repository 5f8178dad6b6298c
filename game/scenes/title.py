"""The first three scenes: title (language), scenario library with briefings, roles."""

from __future__ import annotations

import numpy as np
import pygame
import pygame_gui
from cislab.game import fmt, payer, workshop
from cislab.game.decisions import ROLES
from cislab.game.i18n import tr
from cislab.game.scenes.base import Rect, Scene
from cislab.game.scenes.registry import make
from cislab.game.session import Session
from cislab.game.widgets import text
from cislab.game.widgets.field import risk_colour
from cislab.model.scenarios import ScenarioError, load_scenario, scenario_names

WORKSHOP_LENGTHS = (None, 60, 90, 120, 180)  # minutes; None: free play


class TitleScene(Scene):
    name = "title"
    clock_slot = None

    def build_ui(self) -> None:
        w, _ = self.app.size
        self.label("title", Rect(80, 90, 700, 60), "CIS Lab", "@title")
        self.label("subtitle", Rect(82, 150, 900, 30), tr("title.subtitle"), "@muted")
        self.textbox("intro", Rect(80, 200, 620, 190), tr("title.intro"))
        self.label("choose_lang", Rect(80, 410, 400, 28), tr("title.language"), "@h2")
        self.button(
            "fr", Rect(80, 445, 190, 46), "Français", cls="@on" if self.app.lang == "fr" else None
        )
        self.button(
            "en", Rect(280, 445, 190, 46), "English", cls="@on" if self.app.lang == "en" else None
        )
        theme = "title.theme_dark" if self.app.theme == "light" else "title.theme_light"
        self.button("theme", Rect(480, 445, 220, 46), tr(theme), tip=tr("tip.theme"))
        self.button("play", Rect(80, 520, 300, 54), tr("title.play"), cls="@primary")
        self.button("explore", Rect(395, 520, 305, 54), tr("title.explore"), tip=tr("tip.explore"))
        self.button("load", Rect(80, 590, 200, 44), tr("title.load"), tip=tr("tip.load"))
        minutes = self.app.workshop_minutes
        label = tr("title.workshop", minutes=minutes) if minutes else tr("title.workshop_off")
        self.button(
            "workshop",
            Rect(290, 590, 250, 44),
            label,
            tip=tr("tip.workshop"),
            cls="@on" if minutes else None,
        )
        self.button("quit", Rect(550, 590, 150, 44), tr("title.quit"))
        self.label("keys", Rect(80, 670, w - 160, 26), tr("title.keys"), "@muted")

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name in ("fr", "en"):
            self.app.set_language(name)
        elif name == "theme":
            self.app.toggle_theme()
        elif name == "workshop":
            self.cycle_workshop()
        elif name == "play":
            self.app.stack.replace(ScenarioScene(self.app))
        elif name == "explore":
            self.app.stack.push(make("explore", self.app, self.app.scenario or "default"))
        elif name == "load":
            self.app.open_saves("load")
        elif name == "quit":
            self.app.quit()

    def cycle_workshop(self) -> None:
        """Free play → 60 → 90 → 120 → 180 minutes → free play (a length given on the command
        line stays among the choices)."""
        choices = list(WORKSHOP_LENGTHS)
        if self.app.workshop_minutes not in choices:
            choices.insert(1, self.app.workshop_minutes)
        i = choices.index(self.app.workshop_minutes)
        self.app.set_workshop(choices[(i + 1) % len(choices)])
        self.rebuild()

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key in (pygame.K_RETURN, pygame.K_SPACE):
            self.app.stack.replace(ScenarioScene(self.app))
            return True
        if event.key == pygame.K_w:
            self.cycle_workshop()
            return True
        if event.key == pygame.K_e:
            self.app.stack.push(make("explore", self.app, self.app.scenario or "default"))
            return True
        if event.key == pygame.K_ESCAPE:
            self.app.quit()
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        """A decorative field: people coloured by risk, a few of them served."""
        rng = np.random.default_rng(7)
        risk = np.sort(rng.beta(2.4, 1.6, 420))
        colours = risk_colour(risk)
        for i, (r, c) in enumerate(zip(risk, colours, strict=True)):
            x = 790 + (i // 20) * 21
            y = 110 + (i % 20) * 25
            served = (i * 37) % 11 == 0 and r < 0.7
            pygame.draw.circle(
                surface, c if served else (c * 0.45 + 12).astype(int), (x, y), 8 if served else 5
            )
            if served:
                pygame.draw.circle(surface, (255, 255, 255), (x, y), 8, 2)
        text.draw(surface, tr("field.lower_risk"), (782, 620), 14, text.MUTED)
        text.draw(surface, tr("field.higher_risk"), (1218, 620), 14, text.MUTED, anchor="topright")

    def autoplay(self) -> None:
        self.app.stack.replace(ScenarioScene(self.app))


class ScenarioScene(Scene):
    name = "scenario"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.names = scenario_names()
        wanted = app.scenario or "default"
        self.selected = wanted if wanted in self.names else self.names[0]
        self.error = ""
        if app.scenario and app.scenario not in self.names:
            self.names.append(app.scenario)  # a scenario file given on the command line
            self.selected = app.scenario

    def build_ui(self) -> None:
        self.header(tr("scenario.title"), tr("scenario.subtitle"))
        step = min(58, 540 // max(len(self.names), 1))
        for i, name in enumerate(self.names):
            try:
                # without its "(country, years)": the briefing beside gives the full title
                title = text.fit(_title(load_scenario(name), self.app.lang).split(" (")[0], 16, 372)
            except ScenarioError:
                title = name
            cls = "@on" if name == self.selected else None
            self.button(f"sc:{name}", Rect(24, 100 + i * step, 400, step - 8), title, cls=cls)
        self.textbox("briefing", Rect(450, 100, 806, 520), self._briefing())
        self.button("back", Rect(24, 650, 180, 46), tr("ui.back"))
        self.button("next", Rect(1056, 650, 200, 46), tr("ui.next"), cls="@primary")

    def _briefing(self) -> str:
        try:
            sc = load_scenario(self.selected)
        except ScenarioError as exc:
            self.error = str(exc)
            return f"<b>{tr('scenario.invalid')}</b><br>{exc}"
        self.error = ""
        lang = self.app.lang
        c, cur = sc.contract, sc.meta.currency
        facts = [
            (tr("brief.payer"), payer.with_kind(sc)),
            (tr("brief.population"), f"{sc.population.size:,}".replace(",", "\u202f")),
            (tr("brief.baseline"), fmt.pct(sc.population.baseline_rate)),
            (tr("brief.selection"), tr(f"opt.{c.selection}")),
            (tr("brief.evaluation"), tr(f"opt.{c.evaluation}")),
            (tr("brief.metric"), tr(f"opt.{c.metric}")),
            (tr("brief.price"), fmt.money(c.price_per_outcome, cur, compact=False)),
            (tr("brief.max_payment"), fmt.money(c.max_payment, cur)),
            (tr("brief.capital"), fmt.money(sc.investor.capital, cur)),
            (tr("brief.cohorts"), tr("brief.cohorts_value", n=c.cohorts, months=c.cohort_months)),
            (tr("brief.length"), tr("brief.months", n=sc.contract_months)),
            (tr("brief.duration"), self._duration(sc)),
        ]
        rows = "<br>".join(
            f"• {k} : <b>{v}</b>" if lang == "fr" else f"• {k}: <b>{v}</b>" for k, v in facts
        )
        desc = getattr(sc.meta.description, lang) or sc.meta.description.en
        return f"<b>{_title(sc, lang)}</b><br><br>{desc}<br><br>{rows}<br><br>{tr('brief.hint')}"

    def _duration(self, sc) -> str:
        """How long the case takes: in quarters and in years with three teams, and how the
        workshop's length would cut it (the case library's answer to "does it fit?")."""
        said = tr(
            "brief.duration_value",
            quarters=f"{workshop.case_minutes(sc, 3):.0f}",
            years=f"{workshop.case_minutes(sc, 12):.0f}",
        )
        minutes = self.app.workshop_minutes
        if minutes:
            try:
                p = workshop.plan([sc], minutes).cases[0]
                said += " · " + tr(
                    "brief.workshop_fit",
                    minutes=minutes,
                    turns=p.turns,
                    months=p.turn_months,
                    play=f"{p.minutes['play']:.0f}",
                )
            except workshop.PlanError:
                said += " · " + tr("brief.workshop_no_fit", minutes=minutes)
        return said

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name.startswith("sc:"):
            self.selected = name[3:]
            self.rebuild()
        elif name == "back":
            self.app.stack.replace(TitleScene(self.app))
        elif name == "next":
            self.go_next()

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_ESCAPE:
            self.app.stack.replace(TitleScene(self.app))
        elif event.key == pygame.K_RETURN:
            self.go_next()
        elif event.key in (pygame.K_DOWN, pygame.K_UP):
            i = self.names.index(self.selected) + (1 if event.key == pygame.K_DOWN else -1)
            self.selected = self.names[i % len(self.names)]
            self.rebuild()
        else:
            return False
        return True

    def go_next(self) -> None:
        if self.error:
            self.app.notify(self.error, 5.0)
            return
        self.app.session = Session(self.selected, seed=self.app.seed, lang=self.app.lang)
        self.app.stack.replace(RolesScene(self.app))

    def autoplay(self) -> None:
        self.go_next()


def _title(sc, lang: str) -> str:
    return getattr(sc.meta.title, lang) or sc.meta.title.en or sc.meta.name


class RolesScene(Scene):
    name = "roles"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.humans: set[str] = set(app.session.humans) if app.session else set()
        self.turn = "quarter"

    def build_ui(self) -> None:
        self.header(tr("roles.title"), tr("roles.subtitle"))
        case = self.app.session.base if self.app.session else None
        for i, role in enumerate(ROLES):
            x = 24 + i * 414
            name = text.fit(payer.role_name(role, case), 22, 390, bold=True)
            self.label(f"name:{role}", Rect(x, 100, 396, 36), name, "@h2")
            desc = tr(f"roles.desc.{role}")
            if role == "state" and payer.briefing(case):  # who pays for outcomes in this case
                desc = f"<b>{payer.briefing(case)}</b><br><br>{desc}"
            self.textbox(f"desc:{role}", Rect(x, 140, 396, 300), desc)
            human = role in self.humans
            self.button(
                f"toggle:{role}",
                Rect(x, 452, 396, 50),
                tr("roles.human") if human else tr("roles.model"),
                tip=tr("tip.role_toggle"),
                cls="@on" if human else None,
            )
        self.label("turn_label", Rect(24, 530, 300, 36), tr("roles.turn_length"))
        plan = self.plan()
        if plan is not None:  # workshop mode: the plan sets the turn; the room sees its phases
            case = plan.for_case(self.app.session.scenario) or plan.cases[0]
            said = tr("roles.workshop_turn", months=case.turn_months, turns=case.turns)
            self.label("turn", Rect(330, 530, 920, 36), said, "@h2")
            self.label("plan", Rect(24, 612, 1230, 30), phase_line(plan), "@muted")
        else:
            self.dropdown(
                "turn",
                Rect(330, 530, 260, 36),
                {"quarter": tr("roles.quarter"), "year": tr("roles.year")},
                self.turn,
            )
        n = len(self.humans)
        # "›", not "→": Noto Sans has no arrow, which showed as an empty box
        order = " › ".join(payer.role_name(r, case) for r in ROLES if r in self.humans)
        key = "roles.hotseat_one" if n == 1 else "roles.hotseat"
        summary = tr(key, n=n, order=order) if n else tr("roles.all_model")
        self.label("summary", Rect(24, 580, 1230, 30), summary, "@muted")
        self.button("back", Rect(24, 650, 180, 46), tr("ui.back"))
        self.button("next", Rect(976, 650, 280, 46), tr("roles.to_contract"), cls="@primary")

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and name == "turn":
            self.turn = self.choice_value(name, event)
            return
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name.startswith("toggle:"):
            self.humans ^= {name.split(":")[1]}
            self.rebuild()
        elif name == "back":
            self.app.stack.replace(ScenarioScene(self.app))
        elif name == "next":
            self.go_next()

    def on_key(self, event: pygame.event.Event) -> bool:
        keys = {pygame.K_1: "state", pygame.K_2: "investor", pygame.K_3: "operator"}
        if event.key in keys:
            self.humans ^= {keys[event.key]}
            self.rebuild()
        elif event.key == pygame.K_RETURN:
            self.go_next()
        elif event.key == pygame.K_ESCAPE:
            self.app.stack.replace(ScenarioScene(self.app))
        else:
            return False
        return True

    def plan(self) -> workshop.WorkshopPlan | None:
        """The workshop plan with the human teams chosen so far (three while none is)."""
        session = self.app.session
        if session is None:
            return None
        humans, session.humans = session.humans, [r for r in ROLES if r in self.humans]
        try:
            return self.app.workshop_plan(session)
        finally:
            session.humans = humans

    def go_next(self) -> None:
        session = self.app.session
        plan = self.plan()
        if plan is not None:
            case = plan.for_case(session.scenario) or plan.cases[0]
            self.turn = case.turn_name
        session.set_roles(sorted(self.humans), self.turn)
        session.begin_negotiation()
        self.app.stack.replace(make("contract", self.app))

    def autoplay(self) -> None:
        self.go_next()


def phase_line(plan: workshop.WorkshopPlan) -> str:
    """The session's phases in order, with their minutes: "Briefing 10 · Predictions 5 · …"."""
    parts = []
    for case, phase, minutes in plan.phases():
        name = tr(f"workshop.phase.{phase}")
        if len(plan.cases) > 1 and case:
            name += f" ({case_index(plan, case)})"
        parts.append(f"{name} {minutes:.0f}")
    return tr("workshop.plan", minutes=plan.session_minutes, phases=" · ".join(parts))


def case_index(plan: workshop.WorkshopPlan, case: str) -> int:
    return next(i for i, c in enumerate(plan.cases, 1) if c.case == case)

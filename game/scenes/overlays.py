"""Scenes pushed over others: the facilitator's pause menu, the keys help, explore mode."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pygame
import pygame_gui
from cislab.game import fmt, palette, saves
from cislab.game.i18n import tr
from cislab.game.levers import ASSUMPTIONS, BY_PATH, levers_for, overrides, values_from
from cislab.game.scenes import lever_rows
from cislab.game.scenes.base import Rect, Scene
from cislab.game.scenes.registry import make
from cislab.game.whatif import OUTPUTS, WhatIf
from cislab.game.widgets import charts, text
from cislab.model.scenarios import ScenarioError, load_scenario
from cislab.model.schema import Scenario

DIM = (0, 0, 0, 170)


def dim(surface: pygame.Surface) -> None:
    veil = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    veil.fill(DIM)
    surface.blit(veil, (0, 0))


class PauseScene(Scene):
    """The facilitator's menu: speed, undo, fork, save/load, language, full screen, quit."""

    name = "pause"
    overlay = True

    def build_ui(self) -> None:
        x, w = 440, 400
        self.label("title", Rect(x, 70, w, 44), tr("pause.title"), "@h1")
        self.label("speed", Rect(x, 122, w, 30), tr("pause.speed", speed=self.app.speed_label()))
        self.button("slower", Rect(x, 156, 195, 42), tr("pause.slower"))
        self.button("faster", Rect(x + 205, 156, 195, 42), tr("pause.faster"))
        items = [
            ("resume", "pause.resume"),
            ("undo", "play.undo"),
            ("fork", "play.fork"),
            ("return", "pause.return_fork"),
            ("save", "pause.save"),
            ("load", "pause.load"),
            ("explore", "play.explore"),
            ("lang", "ui.switch_language"),
            ("fullscreen", "pause.fullscreen"),
            ("title_screen", "pause.quit_title"),
        ]
        for i, (name, key) in enumerate(items):
            col, row = i % 2, i // 2
            self.button(
                name,
                Rect(x + col * 205, 212 + row * 54, 195, 46),
                tr(key),
                cls="@primary" if name == "resume" else None,
            )
        session = self.app.session
        if session is None or not session.can_undo:
            self.ui["undo"].disable()
        if session is None or not session.forks:
            self.ui["return"].disable()
        self.label("keys", Rect(300, 500, 680, 120), "")
        self.ui["keys"].hide()

    def draw(self, surface: pygame.Surface) -> None:
        dim(surface)
        box = Rect(420, 56, 440, 500)
        pygame.draw.rect(surface, palette.current().panel, box, border_radius=10)
        pygame.draw.rect(surface, palette.current().accent, box, 1, border_radius=10)
        text.draw_wrapped(surface, tr("pause.keys"), Rect(440, 488, 400, 64), 16, text.MUTED)

    def _play(self):
        below = self.app.stack.scenes[-2] if len(self.app.stack.scenes) > 1 else None
        return below

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        play = self._play()
        if name == "resume":
            self.app.stack.pop()
        elif name in ("slower", "faster"):
            self.app.change_speed(1 if name == "faster" else -1)
            self.ui["speed"].set_text(tr("pause.speed", speed=self.app.speed_label()))
        elif name in ("undo", "fork", "return") and play is not None and hasattr(play, "undo"):
            self.app.stack.pop()
            {"undo": play.undo, "fork": play.fork, "return": play.return_to_fork}[name]()
        elif name in ("save", "load"):
            self.app.open_saves(name)
        elif name == "explore":
            self.app.stack.pop()
            if play is not None and hasattr(play, "open_explore"):
                play.open_explore()
        elif name == "fullscreen":
            self.app.toggle_fullscreen()
        elif name == "title_screen":
            self.app.session = None
            self.app.stack.replace(make("title", self.app))

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key in (pygame.K_ESCAPE, pygame.K_p, pygame.K_SPACE):
            self.app.stack.pop()
            return True
        return False

    def autoplay(self) -> None:
        self.app.stack.pop()


class SavesScene(Scene):
    """The save slots with the date, case and month of each. Loading replays a slot; saving
    fills an empty slot, and replaces a used one only after a second, explicit click."""

    name = "saves"
    overlay = True

    def __init__(self, app, mode: str) -> None:
        super().__init__(app)
        self.mode = mode  # "save" or "load"
        self.confirm: int | None = None  # the used slot whose overwrite awaits confirmation
        self.slots: list[saves.SlotInfo] = []
        self.folder_line = ""
        self.notice = ""  # old pickle saves found, or every slot used

    def build_ui(self) -> None:
        folder = self.app.saves_dir
        self.slots = saves.list_slots(folder)
        x, w = 240, 800
        self.label("title", Rect(x, 62, w, 40), tr(f"saves.title_{self.mode}"), "@h1")
        for i, info in enumerate(self.slots):
            y = 136 + i * 50
            line = text.fit(self._describe(info), 16, 540)
            self.label(f"info:{info.slot}", Rect(x, y, 560, 42), line)
            button = self.button(f"slot:{info.slot}", Rect(x + 570, y, 230, 42), self._verb(info))
            if self.mode == "load" and not info.used:
                button.disable()
        self.folder_line = tr("saves.folder", path=_tilde(folder))
        old = saves.old_saves(folder)
        self.notice = ""
        if old:
            self.notice = tr("saves.old_pickle", name=_tilde(old[0]))
        elif self.mode == "save" and all(s.used for s in self.slots):
            self.notice = tr("saves.full")
        self.button("close", Rect(540, 612, 200, 44), tr("ui.close"), cls="@primary")

    def _describe(self, info: saves.SlotInfo) -> str:
        if not info.used:
            return tr("saves.empty", slot=info.slot)
        if info.saved_at is None:
            return tr("saves.unreadable", slot=info.slot)
        date = info.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return tr("saves.slot", slot=info.slot, date=date, case=info.case, month=info.month)

    def _verb(self, info: saves.SlotInfo) -> str:
        if self.mode == "load":
            return tr("saves.load")
        if not info.used:
            return tr("saves.save_here")
        return tr("saves.confirm") if self.confirm == info.slot else tr("saves.overwrite")

    def draw(self, surface: pygame.Surface) -> None:
        dim(surface)
        box = Rect(220, 50, 840, 620)
        pygame.draw.rect(surface, palette.current().panel, box, border_radius=10)
        pygame.draw.rect(surface, palette.current().accent, box, 1, border_radius=10)
        text.draw_wrapped(surface, self.folder_line, Rect(240, 106, 800, 24), 14, text.MUTED)
        text.draw_wrapped(surface, self.notice, Rect(240, 538, 800, 40), 15, (255, 200, 110))
        keys = "saves.keys" if self.mode == "save" else "saves.keys_load"
        text.draw_wrapped(surface, tr(keys), Rect(240, 584, 800, 22), 14, text.MUTED)

    def choose(self, slot: int) -> None:
        info = self.slots[slot - 1]
        if self.mode == "load":
            if not self.app.load_slot(slot):
                self.rebuild()  # the message is on screen; the menu stays for another slot
            return
        if info.used and self.confirm != slot:
            self.confirm = slot  # a used slot: the next click on it confirms
            self.rebuild()
            return
        if self.app.save_to_slot(slot, overwrite=info.used):
            self.app.stack.pop()
        else:
            self.confirm = None
            self.rebuild()

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name == "close":
            self.app.stack.pop()
        elif name.startswith("slot:"):
            self.choose(int(name.partition(":")[2]))

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key in (pygame.K_ESCAPE, pygame.K_p):
            self.app.stack.pop()
        elif event.key == pygame.K_RETURN:
            self._default()
        else:
            return False
        return True

    def _default(self) -> None:
        """Enter: save into the first free slot, or load the latest readable save."""
        if self.mode == "save":
            free = next((s.slot for s in self.slots if not s.used), None)
            if free is None:
                self.app.notify(tr("saves.full"))
            else:
                self.choose(free)
            return
        readable = [s for s in self.slots if s.readable and s.saved_at is not None]
        if readable:
            self.choose(max(readable, key=lambda s: (s.saved_at, s.slot)).slot)

    def autoplay(self) -> None:
        self.app.stack.pop()


def _tilde(path: Path) -> str:
    """A path as a player reads it: under the home folder, from `~`."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


HELP_KEYS = 17  # help.key1 … help.key17 in the translation files


class HelpScene(Scene):
    name = "help"
    overlay = True

    def build_ui(self) -> None:
        self.button("close", Rect(540, 620, 200, 44), tr("ui.close"), cls="@primary")

    def draw(self, surface: pygame.Surface) -> None:
        dim(surface)
        box = Rect(200, 60, 880, 620)
        pygame.draw.rect(surface, palette.current().panel, box, border_radius=10)
        pygame.draw.rect(surface, palette.current().accent, box, 1, border_radius=10)
        text.draw(surface, tr("help.title"), (230, 80), 28, bold=True)
        y = 126
        for i in range(1, HELP_KEYS + 1):  # 17 rows of 28 px end above the close button
            keys, _, what = tr(f"help.key{i}").partition("|")
            text.draw(surface, keys, (230, y), 17, text.ACCENT, bold=True, max_width=230)
            text.draw(surface, what, (470, y), 17, max_width=590)
            y += 28

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if name == "close" and event.type == pygame_gui.UI_BUTTON_PRESSED:
            self.app.stack.pop()

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key in (pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_SPACE):
            self.app.stack.pop()
            return True
        return False

    def autoplay(self) -> None:
        self.app.stack.pop()


EXPLORE_LEVERS = (
    "contract.selection",
    "contract.evaluation",
    "contract.price_tiers",
    "contract.representative_cohort",
    "contract.cap_at_savings",
    "contract.price_per_outcome",
    "contract.max_payment",  # the cap that hides what weak evaluation costs, until it is raised
    "contract.threshold",
    "contract.audit_rate",
)
ROW = 36  # px per lever row: 9 levers and 5 assumptions fit above the buttons
RERUN_DELAY = 0.15
BASE_COLOUR = (130, 145, 165)
CURRENT_COLOUR = (40, 180, 170)


class ExploreScene(Scene):
    """Levers and key assumptions beside the results; every change re-runs several seeds and
    redraws, with the baseline design always shown beside the current one."""

    name = "explore"
    overlay = False

    def __init__(self, app, scenario: str | Scenario, terms: dict[str, Any] | None = None) -> None:
        super().__init__(app)
        try:
            self.config = load_scenario(scenario)
        except ScenarioError:
            scenario, self.config = "default", load_scenario("default")
        self.scenario = scenario
        self.whatif = WhatIf(scenario)
        levers = tuple(BY_PATH[p] for p in EXPLORE_LEVERS) + ASSUMPTIONS
        own = levers_for(self.config, levers)  # the case's ranges: its values never clipped
        levers = tuple(own[lv.path] for lv in levers)
        self.levers = levers
        base = values_from(self.config, levers)
        if terms:
            base.update({p: v for p, v in terms.items() if p in base})
        self.base_values = dict(base)
        self.values = dict(base)
        self.baseline = self.whatif.evaluate(overrides(self.base_values))
        self.current = self.baseline
        self.dirty_at: float | None = None
        self.last_seconds = 0.0
        self.error = ""
        self.status = ""  # where the design was saved, or why it could not be
        self.hover: str | None = None  # an output to explain without a mouse (tests, demo)
        self.chart_rects: dict[str, Rect] = {}

    @property
    def currency(self) -> str:
        return self.config.meta.currency

    def build_ui(self) -> None:
        title = getattr(self.config.meta.title, self.app.lang) or self.config.meta.title.en
        # the header's subtitle label is the canvas width less 460 px, less its padding
        blank = text.font(16).size(tr("explore.subtitle", scenario=""))[0]
        room = self.app.size[0] - 460 - 16 - blank
        subtitle = tr("explore.subtitle", scenario=text.fit(title, 16, room))
        self.header(tr("explore.title"), subtitle)
        y = 92
        self.label("levers", Rect(24, y, 480, 32), tr("explore.levers"), "@h2")
        y += 32
        for i, lv in enumerate(self.levers):
            if i == len(EXPLORE_LEVERS):
                self.label("assumptions", Rect(24, y, 480, 32), tr("explore.assumptions"), "@h2")
                y += 32
            lever_rows.add_row(
                self, lv, 24, y, 480, self.values[lv.path], self.currency, label_share=0.47
            )
            y += ROW
        self.button("reset", Rect(24, 670, 150, 40), tr("explore.reset"))
        self.button("save", Rect(184, 670, 150, 40), tr("explore.save"))
        self.button("back", Rect(344, 670, 160, 40), tr("ui.back"), cls="@primary")

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        if lever_rows.handle(self, name, event, self.values, self.currency):
            self.dirty_at = self.app.time
            return
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if name == "reset":
            self.values = dict(self.base_values)
            self.current = self.baseline
            self.rebuild()
        elif name == "save":
            self.save()
        elif name == "back":
            self.leave()

    def changes(self) -> dict[str, Any]:
        """The explored levers and assumptions that differ from the scenario's own values."""
        own = overrides(values_from(self.config, self.levers))
        return {p: v for p, v in overrides(self.values).items() if own.get(p) != v}

    def save(self, folder: Path | None = None) -> Path | None:
        """Write the design as a scenario TOML (a new file, never over one); say where."""
        from cislab.game.design_export import save_design
        from cislab.model.safe_output import OutputError

        try:
            path = save_design(self.config, self.changes(), folder)
        except (OutputError, ScenarioError, OSError) as exc:
            self.status = tr("explore.save_failed", reason=str(exc))
            return None
        self.status = tr("explore.saved", path=str(path))
        return path

    def leave(self) -> None:
        if len(self.app.stack.scenes) > 1:
            self.app.stack.pop()
        else:
            self.app.stack.replace(make("title", self.app))

    def on_key(self, event: pygame.event.Event) -> bool:
        if event.key in (pygame.K_ESCAPE, pygame.K_e):
            self.leave()
            return True
        return False

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.dirty_at is not None and self.app.time - self.dirty_at >= RERUN_DELAY:
            self.dirty_at = None
            self.rerun()

    def rerun(self) -> None:
        start = time.perf_counter()
        try:
            self.current = self.whatif.evaluate(overrides(self.values))
            self.error = ""
        except ScenarioError as exc:
            self.error = str(exc)
        self.last_seconds = time.perf_counter() - start

    def draw(self, surface: pygame.Surface) -> None:
        area = Rect(524, 92, 740, 578)
        text.draw(
            surface, tr("explore.results", n=len(self.whatif.seeds)), area.topleft, 20, bold=True
        )
        lx = area.left
        for colour, key in ((BASE_COLOUR, "explore.baseline"), (CURRENT_COLOUR, "explore.current")):
            pygame.draw.rect(surface, colour, Rect(lx, area.top + 34, 18, 14), border_radius=3)
            r = text.draw(surface, tr(key), (lx + 24, area.top + 30), 15)
            lx = r.right + 20
        note = self.error or tr("explore.timing", seconds=fmt.num(self.last_seconds, 2))
        text.draw(surface, note, (area.right, area.top + 30), 14, text.MUTED, anchor="topright")
        below = self.status or tr("explore.hover")
        text.draw(surface, below, (area.left, 684), 13, text.MUTED, max_width=area.width)
        w, h = (area.width - 12) // 2, 124
        for i, key in enumerate(OUTPUTS):
            col, row = i % 2, i // 2
            rect = Rect(area.left + col * (w + 12), area.top + 60 + row * (h + 8), w, h)
            self.chart_rects[key] = rect
            charts.paired_bars(
                surface,
                rect,
                tr(f"out.{key}"),
                self.baseline[key],
                self.current[key],
                self._fmt(key),
                (BASE_COLOUR, CURRENT_COLOUR),
            )

        self._explain(surface)

    def _explain(self, surface: pygame.Surface) -> None:
        """What the result under the pointer means: which way is better, how its sign reads —
        the words `cislab compare` and the reports use (one catalogue, `cislab.lang`)."""
        key = self.hover
        if key is None and pygame.mouse.get_focused():
            pos = self.app.to_canvas(pygame.mouse.get_pos())
            key = next((k for k, r in self.chart_rects.items() if r.collidepoint(pos)), None)
        if key is None or key not in self.chart_rects:
            return
        from cislab import indicators, lang

        lang.set_language(self.app.lang)
        lines = [indicators.direction(key), *text.wrap(indicators.note(key), 14, 420)]
        rect = self.chart_rects[key]
        box = Rect(0, 0, 440, 30 + 19 * len(lines))
        box.topleft = (rect.left, rect.bottom - 4)
        box.clamp_ip(Rect(0, 0, *self.app.size))
        pygame.draw.rect(surface, (20, 28, 38), box, border_radius=6)
        pygame.draw.rect(surface, CURRENT_COLOUR, box, 1, border_radius=6)
        text.draw(surface, tr(f"out.{key}"), (box.left + 10, box.top + 6), 15, bold=True)
        for i, line in enumerate(lines):
            colour = CURRENT_COLOUR if i == 0 else text.TEXT
            text.draw(surface, line, (box.left + 10, box.top + 28 + 19 * i), 14, colour)

    def _fmt(self, key: str):
        if key in ("outcome_payments", "public_savings"):
            return lambda v: fmt.money(v, self.currency)
        if key == "investor_irr":
            return lambda v: fmt.pct(v, 1)
        return lambda v: fmt.num(v, 3, signed=key.endswith("index"))

    def autoplay(self) -> None:
        """Demo: move one lever (random referral) so the two designs differ, then leave."""
        if self.values["contract.selection"] != "random_referral":
            self.values["contract.selection"] = "random_referral"
            self.rerun()
            self.rebuild()
            self.app.shoot_after_draw("explore_changed")
        else:
            self.leave()

"""The game's window, loop and global keys.

Everything is drawn on a fixed 1280×720 canvas that is scaled to the window (any size, full
screen on a projector), so layouts never reflow; the UI manager maps mouse positions back to the
canvas. Global keys work on every screen: F1 keys, F2 language, F3 light/dark theme, F11 full
screen, F12 screenshot, Ctrl+S save, Ctrl+O load (the save slots menu), Ctrl+Q quit.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame
import pygame_gui
from cislab.game import i18n, palette, replay, saves, workshop
from cislab.game.i18n import tr
from cislab.game.savefile import SaveError
from cislab.game.scenes.registry import make
from cislab.game.session import Session
from cislab.game.stack import SceneStack
from cislab.game.worker import Worker
from cislab.model.scenarios import ScenarioError, load_scenario

CANVAS = (1280, 720)
THEME = Path(__file__).resolve().parent / "theme.json"
BACKGROUND = (20, 30, 42)
SPEEDS = (1.0, 3.0, 6.0, 12.0, float("inf"))  # months per second; the last is "as fast as it can"
AUTOPLAY_SHOT_FRAME = 3
AUTOPLAY_ACT_EVERY = 4
MIN_WINDOW = (320, 180)
FONTS = [
    {"name": "noto_sans", "point_size": size, "style": style, "antialiased": "1"}
    for size in (14, 15, 16, 18, 20, 22, 28, 40)
    for style in ("regular", "bold", "italic")
]


class ScaledUIManager(pygame_gui.UIManager):
    """A UI manager whose mouse positions come from a scaled, letter-boxed canvas."""

    offset = (0, 0)
    scale = 1.0

    def calculate_scaled_mouse_position(self, position: tuple[int, int]) -> tuple[int, int]:
        return (
            int((position[0] - self.offset[0]) / self.scale),
            int((position[1] - self.offset[1]) / self.scale),
        )


class App:
    def __init__(
        self,
        lang: str = "en",
        scenario: str | None = None,
        window: tuple[int, int] = CANVAS,
        fullscreen: bool = False,
        autoplay: bool = False,
        screenshots: Path | None = None,
        save_dir: Path | None = None,
        export_dir: Path | None = None,
        seed: int = 0,
        workshop: int | None = None,
        second_case: str | None = None,
        theme: str = "dark",
        threaded: bool | None = None,
    ) -> None:
        pygame.init()
        from cislab.game.widgets import text

        text.reset()
        i18n.set_language(lang)
        pygame.display.set_caption("CIS Lab")
        flags = pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
        self.window = pygame.display.set_mode(window, flags)
        self.fullscreen = fullscreen
        self.size = CANVAS
        self.canvas = pygame.Surface(CANVAS)
        self.theme = palette.use(theme).name
        self.manager = ScaledUIManager(
            CANVAS, theme_path=str(palette.theme_file(self.theme)), starting_language=lang
        )
        with warnings.catch_warnings():  # "already loaded" for the theme's own fonts: harmless
            warnings.simplefilter("ignore", UserWarning)
            self.manager.preload_fonts(FONTS)
        self.clock = pygame.time.Clock()
        self.stack = SceneStack()
        self.running = True
        self.scenario = scenario
        self.seed = seed
        self.session: Session | None = None
        self.speed_index = 1
        self.fps_limit = 60  # 0: as fast as possible (tests, benchmark)
        self.autoplay = autoplay
        self.screenshots = Path(screenshots) if screenshots else None
        self.shot_count = 0
        self.shot_names: list[str] = []
        self.save_dir = Path(save_dir) if save_dir else None  # None: ~/.cislab/saves, read late
        self.export_dir = Path(export_dir) if export_dir else Path("cislab-debrief")
        self.toast: tuple[str, float] | None = None
        self.time = 0.0
        self._shot_scene: int | None = None
        self._pending_shots: list[str] = []
        # Workshop mode: the session length in minutes (None: free play), the cases in the order
        # the session plays them, the one under way, and the seconds spent in each phase.
        self.workshop_minutes = workshop
        self.cases = [c for c in (scenario, second_case) if c]
        self.case_index = 0
        self.phase_seconds: dict[tuple[int, str], float] = {}
        self.session_seconds = 0.0
        # The model runs beside the frames (game.worker); autoplay counts frames: at once.
        self.worker = Worker(threaded=not autoplay if threaded is None else threaded)
        self._scene_layer: pygame.Surface | None = None
        self.stack.push(make("title", self))

    # ------------------------------------------------------------------ facilities for scenes
    @property
    def lang(self) -> str:
        return i18n.language()

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    def change_speed(self, delta: int) -> None:
        self.speed_index = min(max(self.speed_index + delta, 0), len(SPEEDS) - 1)
        self.notify(tr("toast.speed", speed=self.speed_label()))

    def speed_label(self) -> str:
        return tr("ui.speed_max") if self.speed == float("inf") else f"×{self.speed:g}"

    def notify(self, message: str, seconds: float = 3.0) -> None:
        self.toast = (message, self.time + seconds)

    def set_language(self, lang: str) -> None:
        i18n.set_language(lang)
        self.manager.set_locale(lang)
        if self.session is not None:
            self.session.lang = lang
        for scene in self.stack.scenes:
            if scene.root is not None:
                scene.rebuild()

    def toggle_language(self) -> None:
        self.set_language("en" if self.lang == "fr" else "fr")

    def set_theme(self, name: str) -> None:
        """Dark or light high-contrast: drawn colours switch at once, widgets are rebuilt on
        the new pygame_gui theme (T on any screen, or the title screen's button)."""
        self.theme = palette.use(name).name
        self.manager.get_theme().load_theme(str(palette.theme_file(self.theme)))
        for scene in self.stack.scenes:
            if scene.root is not None:
                scene.rebuild()

    def toggle_theme(self) -> None:
        self.set_theme("light" if self.theme == "dark" else "dark")

    def toggle_fullscreen(self) -> None:
        self.fullscreen = not self.fullscreen
        try:
            if self.fullscreen:
                self.window = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
            else:
                self.window = pygame.display.set_mode(CANVAS, pygame.RESIZABLE)
        except pygame.error:
            self.fullscreen = False

    def to_canvas(self, pos: tuple[int, int]) -> tuple[int, int]:
        return self.manager.calculate_scaled_mouse_position(pos)

    def shoot(self, name: str) -> Path | None:
        """Save the canvas as `NN_name.png` in the screenshot folder (if one was given).

        Never over an existing file: a second session in the same folder (its count starts at 1
        again) writes `NN_name-2.png`, keeping the first session's pictures.
        """
        if self.screenshots is None:
            return None
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self.shot_count += 1
        path = self.screenshots / f"{self.shot_count:02d}_{name}.png"
        copy = 2
        while path.exists() or path.is_symlink():
            path = self.screenshots / f"{self.shot_count:02d}_{name}-{copy}.png"
            copy += 1
        pygame.image.save(self.canvas, str(path))
        self.shot_names.append(name)
        return path

    def shoot_after_draw(self, name: str) -> None:
        """Take a screenshot once the next frame is drawn (state just changed)."""
        self._pending_shots.append(name)

    @property
    def saves_dir(self) -> Path:
        """The slots' folder; `Path.home()` is read when needed, so HOME can change (tests)."""
        return self.save_dir if self.save_dir is not None else saves.default_dir()

    def has_session(self) -> bool:
        return self.session is not None and self.session.model is not None

    def open_saves(self, mode: str) -> None:
        """The save slots menu, to `save` into a slot or `load` one (Ctrl+S / Ctrl+O)."""
        if mode == "save" and not self.has_session():
            self.notify(tr("toast.nothing_to_save"))
            return
        top = self.stack.top
        if top is not None and top.name == "saves":
            if top.mode == mode:
                return
            self.stack.pop()
        self.stack.push(make("saves", self, mode))

    def save_to_slot(self, slot: int, overwrite: bool = False) -> bool:
        """Save into a slot; a used slot only with `overwrite` (the menu asks first)."""
        if not self.has_session():
            self.notify(tr("toast.nothing_to_save"))
            return False
        try:
            replay.save(self.session, saves.slot_path(self.saves_dir, slot), overwrite=overwrite)
        except SaveError as exc:
            self.notify(exc.message(), 5.0)
            return False
        self.notify(tr("toast.saved_slot", slot=slot))
        return True

    def load_slot(self, slot: int) -> bool:
        return self.load_file(saves.slot_path(self.saves_dir, slot))

    def load_file(self, path: Path) -> bool:
        """Replay a saved session; any bad file is one line on screen and the game goes on.
        The session keeps the game's current language (a save never overrides --lang)."""
        try:
            session = replay.load(path, lang=self.lang)
        except SaveError as exc:
            self.notify(exc.message(), 5.0)
            return False
        self.session = session
        self.goto_session_scene()
        self.notify(tr("toast.loaded"))
        return True

    def goto_session_scene(self) -> None:
        """The scene a (loaded or restored) session belongs in."""
        s = self.session
        if s is None or s.model is None:
            return
        self.stack.replace(make("play" if s.live else "after", self))

    # ------------------------------------------------------------------ loop
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.VIDEORESIZE and not self.fullscreen:
            w = max(int(getattr(event, "w", CANVAS[0])), MIN_WINDOW[0])
            h = max(int(getattr(event, "h", CANVAS[1])), MIN_WINDOW[1])
            if (w, h) != self.window.get_size():
                self.window = pygame.display.set_mode((w, h), pygame.RESIZABLE)
            return
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            self.worker.wait()  # a move waits for the month under way (a job is a few months)
        if event.type == pygame.KEYDOWN and self._global_key(event):
            return
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION) and (
            not hasattr(event, "pos")
        ):
            return
        consumed = self.manager.process_events(event)
        if event.type == pygame.KEYDOWN and self._typing() and not self._ctrl(event):
            return  # BackSpace, Delete, arrows… edit the focused field, never a scene shortcut
        top = self.stack.top
        if top is not None and not (consumed and event.type == pygame.MOUSEBUTTONDOWN):
            top.handle_event(event)

    def _typing(self) -> bool:
        """Is a text field focused (its keys are its own)?"""
        focused = self.manager.get_focus_set()
        return any(isinstance(el, pygame_gui.elements.UITextEntryLine) for el in (focused or ()))

    @staticmethod
    def _ctrl(event: pygame.event.Event) -> bool:
        return bool(getattr(event, "mod", 0) & pygame.KMOD_CTRL)

    def _global_key(self, event: pygame.event.Event) -> bool:
        key, mods = event.key, getattr(event, "mod", 0)
        ctrl = bool(mods & pygame.KMOD_CTRL)
        if key == pygame.K_F1:
            if self.stack.top is None or self.stack.top.name != "help":
                self.stack.push(make("help", self))
            return True
        if key == pygame.K_F2 or (ctrl and key == pygame.K_l):
            self.toggle_language()
            return True
        if key == pygame.K_F3:
            self.toggle_theme()
            return True
        if key == pygame.K_F11:
            self.toggle_fullscreen()
            return True
        if key == pygame.K_F12:
            path = self.shoot(type(self.stack.top).__name__.lower())
            if path is None:
                self.screenshots = Path("screenshots")
                path = self.shoot("screen")
            self.notify(tr("toast.screenshot", path=str(path)))
            return True
        if ctrl and key == pygame.K_s:
            self.open_saves("save")
            return True
        if ctrl and key == pygame.K_o:
            self.open_saves("load")
            return True
        if ctrl and key == pygame.K_q:
            self.running = False
            return True
        return False  # a text field's keys go to it (see `handle`)

    def frame(
        self, events: list[pygame.event.Event] | None = None, dt: float | None = None
    ) -> None:
        """One frame: events, update, draw, present. Tests call it with their own events."""
        elapsed = self.clock.tick(0 if self.autoplay else self.fps_limit) / 1000.0
        dt = elapsed if dt is None else dt
        self.time += dt
        for event in [*pygame.event.get(), *(events or [])]:
            self.handle(event)
            if not self.running:
                return
        top = self.stack.top
        if top is None:
            self.running = False
            return
        self._tick_clock(top, dt)
        self.worker.poll()
        top = self.stack.top
        if top is None:
            self.running = False
            return
        self.manager.update(dt)
        top.update(dt)
        self.draw()
        while self._pending_shots:
            self.shoot(self._pending_shots.pop(0))
        self._autoplay_tick(top)

    def draw(self) -> None:
        """Scenes, then widgets, clock and toast. While the model is in the middle of a month
        (game.worker), the scenes are shown as last drawn: never half a month, never a wait."""
        if self.worker.lock.acquire(blocking=False):
            try:
                self.canvas.fill(palette.current().background)
                for scene in self.stack.visible():
                    scene.draw(self.canvas)
                if self.worker.threaded:
                    self._scene_layer = self.canvas.copy()
            finally:
                self.worker.lock.release()
        elif self._scene_layer is not None:
            self.canvas.blit(self._scene_layer, (0, 0))
        self.manager.draw_ui(self.canvas)
        self._draw_clock()
        self._draw_toast()
        self.present()

    def present(self) -> None:
        ww, wh = self.window.get_size()
        scale = min(ww / CANVAS[0], wh / CANVAS[1])
        size = (max(1, int(CANVAS[0] * scale)), max(1, int(CANVAS[1] * scale)))
        offset = ((ww - size[0]) // 2, (wh - size[1]) // 2)
        self.manager.scale, self.manager.offset = scale, offset
        if size == CANVAS:
            self.window.blit(self.canvas, offset)
        else:
            self.window.fill((0, 0, 0))
            self.window.blit(pygame.transform.smoothscale(self.canvas, size), offset)
        pygame.display.flip()

    # ------------------------------------------------------------------ workshop mode
    def workshop_plan(self, session: Session | None = None) -> workshop.WorkshopPlan | None:
        """The session's plan for the case(s) under way, with this session's human teams (three
        while none is chosen yet); None in free play or when the case(s) cannot fit."""
        if not self.workshop_minutes:
            return None
        session = session or self.session
        names = list(self.cases) or ([session.scenario] if session else [])
        if session is not None:
            if self.case_index < len(names):
                names[self.case_index] = session.scenario
            else:
                names = [session.scenario]
        if not names:
            return None
        seats = len(session.humans) if session is not None and session.humans else 3
        try:
            scs = [
                session.base if session and n == session.scenario else load_scenario(n)
                for n in names
            ]
            return workshop.plan(scs, self.workshop_minutes, seats)
        except (workshop.PlanError, ScenarioError):
            return None

    def set_workshop(self, minutes: int | None) -> None:
        self.workshop_minutes = minutes
        self.phase_seconds.clear()
        self.session_seconds = 0.0

    def _tick_clock(self, top, dt: float) -> None:
        if not self.workshop_minutes or top.name == "title":
            return  # the clock starts when the trainer leaves the title screen
        self.session_seconds += dt
        key = (self.case_index, workshop.phase_of(top.name))
        self.phase_seconds[key] = self.phase_seconds.get(key, 0.0) + dt

    def clock_text(self, scene_name: str) -> tuple[str, bool] | None:
        """The workshop clock: this phase's time against its plan, and the session's; True when
        the phase has run over its planned minutes (drawn in the warning colour)."""
        plan = self.workshop_plan()
        if plan is None:
            return None
        phase = workshop.phase_of(scene_name)
        case = plan.cases[min(self.case_index, len(plan.cases) - 1)]
        spent = self.phase_seconds.get((self.case_index, phase), 0.0)
        planned = case.minutes[phase]
        said = tr(
            "workshop.clock",
            phase=tr(f"workshop.phase.{phase}"),
            spent=workshop.clock(spent),
            planned=f"{planned:.0f}",
            total=workshop.clock(self.session_seconds),
            session=plan.session_minutes,
        )
        return said, spent > planned * 60

    def _draw_clock(self) -> None:
        top = self.stack.top
        slot = None if top is None or top.overlay else top.clock_slot
        said = self.clock_text(top.name) if slot is not None else None
        if said is None:
            return
        from cislab.game.widgets import text

        message, late = said
        box = pygame.Rect(slot)
        pygame.draw.rect(self.canvas, text.PANEL_BG, box, border_radius=6)
        pygame.draw.rect(self.canvas, text.WARN if late else text.ACCENT, box, 2, border_radius=6)
        text.draw(
            self.canvas,
            message,
            box.center,
            16,
            text.WARN if late else text.TEXT,
            anchor="center",
            max_width=box.width - 12,
        )

    def _draw_toast(self) -> None:
        if self.toast is None:
            return
        message, until = self.toast
        if self.time > until:
            self.toast = None
            return
        from cislab.game.widgets import text

        img_rect = text.font(16).size(message)
        w = min(img_rect[0] + 32, CANVAS[0] - 40)
        box = pygame.Rect(0, 0, w, 40)
        top = self.stack.top
        # Above a scene's bottom row of buttons, never over them (`toast_bottom` of the scene).
        box.midbottom = (CANVAS[0] // 2, getattr(top, "toast_bottom", CANVAS[1] - 16))
        pygame.draw.rect(self.canvas, text.PANEL_BG, box, border_radius=8)
        pygame.draw.rect(self.canvas, text.ACCENT, box, 1, border_radius=8)
        text.draw(self.canvas, message, box.center, 16, anchor="center", max_width=w - 16)

    def _autoplay_tick(self, top) -> None:
        shoot = self.screenshots is not None and self.autoplay
        if shoot and id(top) != self._shot_scene and top.frames >= AUTOPLAY_SHOT_FRAME:
            self._shot_scene = id(top)
            self.shoot(top.name)
        act = top.frames >= AUTOPLAY_SHOT_FRAME + 1 and top.frames % AUTOPLAY_ACT_EVERY == 0
        if self.autoplay and act:
            top.autoplay()

    def run(self, max_frames: int | None = None) -> None:
        frames = 0
        while self.running and (max_frames is None or frames < max_frames):
            self.frame()
            frames += 1

    def quit(self) -> None:
        self.running = False

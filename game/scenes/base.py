"""Scene base class: lifecycle, a root container for its widgets, small widget helpers.

Why rebuild on language change: texts are looked up when widgets are made, so switching language
rebuilds the current scene's widgets from its (unchanged) state — the same code path as entering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui
from cislab.game.i18n import tr
from cislab.game.widgets import text
from pygame_gui.core import ObjectID, UIContainer
from pygame_gui.elements import (
    UIButton,
    UIDropDownMenu,
    UIHorizontalSlider,
    UILabel,
    UITextBox,
    UITextEntryLine,
)

if TYPE_CHECKING:
    from cislab.game.app import App

Rect = pygame.Rect


class Scene:
    name = "scene"
    overlay = False
    # Workshop mode: where the clock is drawn (free beside every header's title); None: nowhere.
    clock_slot: tuple[int, int, int, int] | None = (850, 54, 406, 30)
    toast_bottom = 704  # the toast's bottom edge; scenes with a bottom button row raise it

    def __init__(self, app: App) -> None:
        self.app = app
        self.ui: dict[str, Any] = {}
        self._names: dict[int, str] = {}
        self._choices: dict[str, dict[str, str]] = {}
        self.root: UIContainer | None = None
        self.frames = 0

    # ------------------------------------------------------------------ lifecycle
    def startup(self) -> None:
        self.build()

    def shutdown(self) -> None:
        self.clear()

    def pause(self) -> None:
        if self.root is not None:
            self.root.hide()

    def resume(self) -> None:
        if self.root is not None:
            self.root.show()
        self.refresh()

    def build(self) -> None:
        self.root = UIContainer(Rect((0, 0), self.app.size), self.app.manager)
        self.ui, self._names, self._choices = {}, {}, {}
        self.build_ui()
        self.refresh()

    def clear(self) -> None:
        if self.root is not None:
            self.root.kill()
            self.root = None
        self.ui, self._names = {}, {}

    def rebuild(self) -> None:
        """Rebuild widgets from state — unless the scene has already left the stack."""
        if self not in self.app.stack.scenes:
            return
        self.clear()
        self.build()
        if self is not self.app.stack.top:
            self.pause()

    # ------------------------------------------------------------------ to override
    def build_ui(self) -> None:
        """Create widgets (texts from `tr`)."""

    def refresh(self) -> None:
        """Bring widgets in line with state (called after build and on resume)."""

    def on_ui(self, name: str, event: pygame.event.Event) -> None:
        """A widget named `name` produced `event` (button, slider, dropdown, text)."""

    def on_key(self, event: pygame.event.Event) -> bool:
        """A key the scene handles; True if used."""
        return False

    def on_mouse(self, event: pygame.event.Event, pos: tuple[int, int]) -> None:
        """A click not taken by a widget, at canvas coordinates."""

    def update(self, dt: float) -> None:
        self.frames += 1

    def draw(self, surface: pygame.Surface) -> None:
        """Draw under the widgets."""

    def autoplay(self) -> None:
        """Take this scene's default action (autoplay and demo mode)."""

    # ------------------------------------------------------------------ events
    def handle_event(self, event: pygame.event.Event) -> None:
        element = getattr(event, "ui_element", None)
        if element is not None and event.type in UI_EVENTS:
            name = self._names.get(id(element))
            if name == "lang" and event.type == pygame_gui.UI_BUTTON_PRESSED:
                self.app.toggle_language()
            elif name == "help" and event.type == pygame_gui.UI_BUTTON_PRESSED:
                self.app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F1, mod=0))
            elif name is not None:
                self.on_ui(name, event)
            return
        if event.type == pygame.KEYDOWN:
            self.on_key(event)
        elif event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 0) == 1:
            self.on_mouse(event, self.app.to_canvas(event.pos))

    def widget_name(self, element: Any) -> str | None:
        return self._names.get(id(element))

    def choice_value(self, name: str, event: pygame.event.Event) -> str:
        """The value behind a dropdown's selected text."""
        return self._choices[name].get(event.text, event.text)

    # ------------------------------------------------------------------ widget helpers
    def _keep(self, name: str, element: Any) -> Any:
        self.ui[name] = element
        self._names[id(element)] = name
        return element

    def label(self, name: str, rect: Rect, text: str, cls: str | None = None) -> UILabel:
        return self._keep(
            name,
            UILabel(rect, text, self.app.manager, container=self.root, object_id=_oid(cls, name)),
        )

    def button(
        self, name: str, rect: Rect, text: str, tip: str | None = None, cls: str | None = None
    ) -> UIButton:
        return self._keep(
            name,
            UIButton(
                rect,
                text,
                self.app.manager,
                container=self.root,
                tool_tip_text=tip,
                object_id=_oid(cls, name),
            ),
        )

    def dropdown(
        self, name: str, rect: Rect, options: dict[str, str], value: str
    ) -> UIDropDownMenu:
        """`options` maps values to shown texts; events give back the value (`choice_value`)."""
        self._choices[name] = {text: val for val, text in options.items()}
        texts = list(options.values())
        return self._keep(
            name,
            UIDropDownMenu(
                texts,
                options.get(value, texts[0]),
                rect,
                self.app.manager,
                container=self.root,
                object_id=_oid(None, name),
                expansion_height_limit=260,
            ),
        )

    def slider(
        self, name: str, rect: Rect, value: float, low: float, high: float, step: float
    ) -> UIHorizontalSlider:
        return self._keep(
            name,
            UIHorizontalSlider(
                rect,
                value,
                (low, high),
                self.app.manager,
                container=self.root,
                click_increment=step,
                object_id=_oid(None, name),
            ),
        )

    def textbox(self, name: str, rect: Rect, html: str) -> UITextBox:
        return self._keep(
            name,
            UITextBox(
                html, rect, self.app.manager, container=self.root, object_id=_oid(None, name)
            ),
        )

    def entry(self, name: str, rect: Rect, value: str = "") -> UITextEntryLine:
        el = UITextEntryLine(
            rect, self.app.manager, container=self.root, object_id=_oid(None, name)
        )
        el.set_text(value)
        return self._keep(name, el)

    def header(self, title: str, subtitle: str = "") -> None:
        """The scene's title line, and the language and full-screen buttons every scene has."""
        w = self.app.size[0]
        # never wider than their labels (a case's long payer name): cut with an ellipsis
        title = text.fit(title, 28, w - 360 - 12, bold=True)
        self.label("title", Rect(24, 10, w - 360, 44), title, "@h1")
        if subtitle:
            subtitle = text.fit(subtitle, 16, w - 460 - 12)
            self.label("subtitle", Rect(26, 52, w - 460, 26), subtitle, "@muted")
        self.button(
            "lang",
            Rect(w - 300, 14, 150, 36),
            tr("ui.switch_language"),
            tip=tr("tip.switch_language"),
        )
        self.button("help", Rect(w - 140, 14, 116, 36), tr("ui.keys"), tip=tr("tip.keys"))


UI_EVENTS = {
    pygame_gui.UI_BUTTON_PRESSED,
    pygame_gui.UI_HORIZONTAL_SLIDER_MOVED,
    pygame_gui.UI_DROP_DOWN_MENU_CHANGED,
    pygame_gui.UI_TEXT_ENTRY_FINISHED,
    pygame_gui.UI_TEXT_ENTRY_CHANGED,
}


def _oid(cls: str | None, name: str) -> ObjectID:
    return ObjectID(class_id=cls, object_id=f"#{name}")

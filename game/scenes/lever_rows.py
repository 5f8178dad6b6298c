"""One row per lever: a label whose tooltip explains it in plain words, its widget, its value.

Shared by the contract design and explore screens so a lever looks and behaves the same in both.
"""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
from cislab.game import fmt
from cislab.game.i18n import tr
from cislab.game.levers import BY_PATH, Lever
from cislab.game.scenes.base import Rect, Scene

ROW_H = 42


def show(lever: Lever, value: Any, currency: str) -> str:
    if lever.kind == "toggle":
        return tr("ui.on") if value else tr("ui.off")
    if lever.kind == "choice":
        return tr(f"opt.{value}")
    if lever.unit == "money":
        return fmt.money(value, currency, exact=True)
    if lever.unit == "pct":
        return fmt.pct(value, fmt.decimals_for(float(value) * 100, 2))
    if lever.unit == "int":
        return str(int(value))
    if lever.unit == "years":
        n = int(value)
        return tr("unit.none") if n == 0 else tr("unit.year" if n == 1 else "unit.years", n=n)
    return fmt.num(value, 2)


def add_row(
    scene: Scene,
    lever: Lever,
    x: int,
    y: int,
    width: int,
    value: Any,
    currency: str,
    enabled: bool = True,
    label_share: float = 0.44,
) -> None:
    """Label (with tooltip), then the widget; sliders get their value on the right."""
    label_w = int(width * label_share)
    widget_w = width - label_w - 8
    scene.button(
        f"lbl:{lever.path}",
        Rect(x, y, label_w, 34),
        tr(lever.label_key),
        tip=tr(lever.tip_key),
        cls="@lever",
    )
    wx = x + label_w + 8
    name = f"lv:{lever.path}"
    if lever.kind == "choice":
        options = {opt: tr(f"opt.{opt}") for opt in lever.options}
        el = scene.dropdown(name, Rect(wx, y, widget_w, 34), options, value)
    elif lever.kind == "toggle":
        el = scene.button(
            name,
            Rect(wx, y, widget_w, 34),
            show(lever, value, currency),
            cls="@on" if value else None,
        )
    else:
        value_w = 96
        el = scene.slider(
            name,
            Rect(wx, y + 2, widget_w - value_w - 6, 30),
            float(value),
            lever.low,
            lever.high,
            lever.step,
        )
        scene.label(
            f"val:{lever.path}",
            Rect(x + width - value_w, y, value_w, 34),
            show(lever, value, currency),
        )
    if not enabled:
        el.disable()


def handle(
    scene: Scene, name: str, event: pygame.event.Event, values: dict[str, Any], currency: str
) -> str | None:
    """Update `values` from a lever widget's event; returns the lever path changed, if any."""
    if not name.startswith("lv:"):
        return None
    path = name[3:]
    own = {lv.path: lv for lv in getattr(scene, "levers", ())}  # the scene's case's levers
    lever = own.get(path) or BY_PATH[path]
    if lever.kind == "choice" and event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
        values[path] = lever.clamp(scene.choice_value(name, event))
    elif lever.kind == "toggle" and event.type == pygame_gui.UI_BUTTON_PRESSED:
        values[path] = not values[path]
        button = scene.ui[name]
        button.set_text(show(lever, values[path], currency))
        button.change_object_id(
            pygame_gui.core.ObjectID(class_id="@on" if values[path] else None, object_id=f"#{name}")
        )
    elif lever.kind == "slider" and event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
        values[path] = lever.clamp(event.value)
        label = scene.ui.get(f"val:{path}")
        if label is not None:
            label.set_text(show(lever, values[path], currency))
    else:
        return None
    return path

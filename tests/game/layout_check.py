"""Checks of one rendered screen: every string drawn (straight onto the canvas via
`game.widgets.text`, or by a widget) is at least 16 px, fully inside its space, not on top of
another text, and made only of glyphs the font has (a missing glyph is an empty box on a
projector: "État ▯ Investisseur").

Why the font's character map: pygame draws a missing glyph as the font's .notdef box with
ordinary-looking metrics, so comparing metrics misses some; the cmap of the TTF file is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pygame
from fontTools.ttLib import TTFont
from pygame_gui.elements import (
    UIButton,
    UIDropDownMenu,
    UILabel,
    UITextBox,
    UITextEntryLine,
)

MIN_PX = 16
FONTS = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf")
SLACK = 2  # pixels two texts' boxes may share (antialiased edges, line spacing)


@cache
def cmap(name: str) -> frozenset[int]:
    path = resources.files("pygame_gui.data").joinpath(name)
    return frozenset(TTFont(str(path)).getBestCmap())


def missing_glyphs(s: str) -> set[str]:
    """Characters of `s` (markup removed) that a Noto Sans face the game uses lacks."""
    plain = re.sub(r"<[^>]+>", "", s)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return {c for c in plain if c not in "\n\t" and any(ord(c) not in cmap(f) for f in FONTS)}


@dataclass
class Problem:
    screen: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.screen}] {self.kind}: {self.detail}"


def tooltips(scene) -> list[str]:
    """The tooltips of the scene's widgets (they wrap in a box of their own: glyphs only)."""
    return [el.tool_tip_text for el in scene.ui.values() if getattr(el, "tool_tip_text", None)]


def widget_texts(scene) -> list[tuple[str, object]]:
    """(text, element) of the scene's named, visible widgets."""
    out = []
    for el in scene.ui.values():
        if not getattr(el, "visible", True):
            continue
        if isinstance(el, UIDropDownMenu):
            for option in el.options_list:
                out.append((option[0], el))
        elif isinstance(el, UITextBox):
            out.append((el.html_text, el))
        elif isinstance(el, UITextEntryLine):
            out.append((el.get_text(), el))
        elif isinstance(el, UILabel | UIButton):
            out.append((el.text, el))
    return out


def check_screen(screen: str, scene, drawn: list, canvas: pygame.Surface) -> tuple[list, int]:
    """Problems of one screen, and the smallest text size in it (px)."""
    problems: list[Problem] = []
    bounds = canvas.get_rect()
    sizes: list[int] = []
    on_canvas = [d for d in drawn if d[4] == canvas.get_size()]
    for s, size, _bold, rect, _surf in on_canvas:
        sizes.append(size)
        if size < MIN_PX:
            problems.append(Problem(screen, "small text", f"{s!r} at {size} px"))
        if not bounds.contains(rect):
            problems.append(Problem(screen, "off the screen", f"{s!r} at {tuple(rect)}"))
        if bad := missing_glyphs(s):
            problems.append(Problem(screen, "missing glyph", f"{sorted(bad)} in {s!r}"))
    for i, a in enumerate(on_canvas):
        ra = a[3].inflate(-SLACK, -SLACK)
        for b in on_canvas[i + 1 :]:
            if a[0].strip() and b[0].strip() and ra.colliderect(b[3].inflate(-SLACK, -SLACK)):
                problems.append(Problem(screen, "texts overlap", f"{a[0]!r} and {b[0]!r}"))
    for tip in tooltips(scene):
        if bad := missing_glyphs(tip):
            problems.append(Problem(screen, "missing glyph", f"{sorted(bad)} in tip {tip[:80]!r}"))
    for s, el in widget_texts(scene):
        if bad := missing_glyphs(s):
            problems.append(Problem(screen, "missing glyph", f"{sorted(bad)} in {s[:80]!r}"))
        font = getattr(el, "font", None)
        if font is not None and isinstance(el, UILabel | UIButton | UIDropDownMenu):
            sizes.append(int(font.point_size))
            if font.point_size < MIN_PX:
                problems.append(Problem(screen, "small widget text", f"{s!r} at {font.point_size}"))
            room = el.rect.width - (44 if isinstance(el, UIDropDownMenu) else 8)
            width = font.size(s)[0] if s else 0
            if width > room:
                problems.append(
                    Problem(screen, "clipped widget text", f"{s!r}: {width} px in {room} px")
                )
    elements = {id(el): el for _, el in widget_texts(scene)}
    boxes = [(_name(el), el.rect) for el in elements.values()]
    for s, _size, _bold, rect, _surf in on_canvas:
        for ws, wrect in boxes:
            if rect.inflate(-SLACK, -SLACK).colliderect(wrect.inflate(-SLACK, -SLACK)):
                problems.append(Problem(screen, "text under a widget", f"{s!r} under {ws!r}"))
    for i, (sa, ra) in enumerate(boxes):
        for sb, rb in boxes[i + 1 :]:
            if ra.inflate(-SLACK, -SLACK).colliderect(rb.inflate(-SLACK, -SLACK)):
                problems.append(Problem(screen, "widgets overlap", f"{sa!r} and {sb!r}"))
    return problems, min(sizes) if sizes else 0


def _name(el) -> str:
    if isinstance(el, UILabel | UIButton):
        return el.text[:40]
    if isinstance(el, UIDropDownMenu):
        return f"menu {el.selected_option[0][:30]}"
    return type(el).__name__


__all__ = ["check_screen", "missing_glyphs"]

"""Start the game (what `cislab play` and `python -m cislab.game` call)."""

from __future__ import annotations

import os
from pathlib import Path


def play(
    scenario: str | None = None,
    lang: str = "en",
    autoplay: bool = False,
    screenshots: Path | None = None,
    fullscreen: bool = False,
    export_dir: Path | None = None,
    seed: int = 0,
    max_frames: int | None = None,
    workshop: int | None = None,
    second_case: str | None = None,
    theme: str = "dark",
) -> list[str]:
    """Run the game until it quits; returns the names of the screenshots taken.

    Autoplay: the model's agents take every role at full speed and each scene's default action
    is taken for the player, from the title to the debrief (a demo for a projector, and what the
    headless checks use). Without a display (`SDL_VIDEODRIVER=dummy`) it runs just the same.
    """
    if autoplay and screenshots is not None and not os.environ.get("DISPLAY"):
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from cislab.game.app import SPEEDS, App

    app = App(
        lang=lang,
        scenario=scenario,
        fullscreen=fullscreen,
        autoplay=autoplay,
        screenshots=screenshots,
        export_dir=export_dir or (Path(screenshots) / "debrief" if screenshots else None),
        seed=seed,
        workshop=workshop,
        second_case=second_case,
        theme=theme,
    )
    if autoplay:
        app.speed_index = len(SPEEDS) - 1
    try:
        app.run(max_frames=max_frames)
    finally:
        import pygame

        pygame.quit()
    return app.shot_names

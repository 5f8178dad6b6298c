"""The scene stack (after Tuxemon's state manager): the top scene gets input; pushing a scene
pauses the one below, popping resumes it. Overlays (pause, explore) draw over the scene below."""

from __future__ import annotations

from typing import Protocol


class SceneLike(Protocol):
    name: str
    overlay: bool

    def startup(self) -> None: ...
    def shutdown(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...


class SceneStack:
    def __init__(self) -> None:
        self.scenes: list[SceneLike] = []

    @property
    def top(self) -> SceneLike | None:
        return self.scenes[-1] if self.scenes else None

    def push(self, scene: SceneLike) -> None:
        if self.top is not None:
            self.top.pause()
        self.scenes.append(scene)
        scene.startup()

    def pop(self) -> SceneLike:
        if not self.scenes:
            raise IndexError("pop from an empty scene stack")
        scene = self.scenes.pop()
        scene.shutdown()
        if self.top is not None:
            self.top.resume()
        return scene

    def replace(self, scene: SceneLike) -> None:
        """Leave every scene for `scene` (moving on along the journey)."""
        while self.scenes:
            self.scenes.pop().shutdown()
        self.push(scene)

    def visible(self) -> list[SceneLike]:
        """Scenes to draw, bottom to top: the top one and the overlays' scenes below it."""
        out: list[SceneLike] = []
        for scene in reversed(self.scenes):
            out.append(scene)
            if not scene.overlay:
                break
        return list(reversed(out))

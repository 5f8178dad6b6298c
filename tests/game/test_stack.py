"""The scene stack, with mock scenes and no display (as Tuxemon tests its state manager)."""

from unittest.mock import MagicMock

import pytest
from cislab.game.stack import SceneStack


def scene(name: str, overlay: bool = False) -> MagicMock:
    s = MagicMock()
    s.name, s.overlay = name, overlay
    return s


def test_push_pauses_and_pop_resumes():
    stack = SceneStack()
    a, b = scene("a"), scene("b", overlay=True)
    stack.push(a)
    a.startup.assert_called_once()
    stack.push(b)
    a.pause.assert_called_once()
    assert stack.top is b and stack.visible() == [a, b]
    assert stack.pop() is b
    b.shutdown.assert_called_once()
    a.resume.assert_called_once()


def test_replace_shuts_everything_and_pop_empty_raises():
    stack = SceneStack()
    a, b, c = scene("a"), scene("b"), scene("c")
    stack.push(a)
    stack.push(b)
    stack.replace(c)
    a.shutdown.assert_called_once()
    b.shutdown.assert_called_once()
    assert stack.scenes == [c] and stack.visible() == [c]
    stack.pop()
    with pytest.raises(IndexError):
        stack.pop()

"""The networked workshop (`cislab host`): each team plays its role from its own browser while
the facilitator's pygame screen stays the projector.

Layers, each usable without the one above: `protocol` (what a client may send, validated),
`hub` (who holds which role, tokens, what each team submitted; no model, no network), `views`
(what each role may see, read from the model), `conductor` (the hub and a `Session` together:
lobby, turns, results; no pygame), `server` (the ASGI app and its thread), `projector` (the
pygame scenes, hooked into the game by name). The model stays the only authority: a client sends
decisions and predictions, never state.
"""

"""The ASGI app (Starlette) that serves the browser client and its websocket, and the thread
that runs it under uvicorn beside the pygame loop.

Why a websocket per device and views pushed to it: a phone must see its team's state change the
moment the projector does (a teammate's submission, a new turn), without polling. Each
connection has one sender task; a change in the hub marks every connection "dirty" and the sender
sends that device its current view once (changes that come faster than the network coalesce).
Replies to a message go first, on the same sender, so nothing is sent twice at once.

The app only ever calls the hub; it never touches the session or the model.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import threading
from pathlib import Path
from typing import Any

from cislab.game.net.hub import Hub
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

STATIC = Path(__file__).resolve().parent / "static"
REPLACED = 4001  # close code: the same device opened the session elsewhere
VIEW = object()  # the sender's marker: send the current view


def dumps(obj: Any) -> str:
    """Strict JSON (numpy numbers become plain ones; no NaN ever reaches a browser)."""
    return json.dumps(obj, default=_plain, allow_nan=False, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value} is not JSON")
        return value
    raise TypeError(f"{type(value).__name__} is not JSON")


class Connection:
    def __init__(self, conn: int, websocket: WebSocket) -> None:
        self.conn = conn
        self.websocket = websocket
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.dirty = False
        self.sent_version = -1
        self.token: str | None = None

    def mark(self) -> None:
        if not self.dirty:
            self.dirty = True
            self.queue.put_nowait(VIEW)


class Broadcaster:
    """The open connections, and the bridge from the hub's threads to the server's loop."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.connections: dict[int, Connection] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._ids = itertools.count(1)
        hub.subscribe(self.changed)

    def changed(self) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (shutting down)
            loop.call_soon_threadsafe(self._mark_all)

    def _mark_all(self) -> None:
        for connection in list(self.connections.values()):
            connection.mark()

    async def serve(self, websocket: WebSocket) -> None:
        self.loop = asyncio.get_running_loop()
        await websocket.accept()
        connection = Connection(next(self._ids), websocket)
        self.connections[connection.conn] = connection
        sender = asyncio.create_task(self._send(connection))
        try:
            while True:
                raw = await websocket.receive_text()
                for reply in self.hub.handle(connection.conn, raw):
                    connection.queue.put_nowait(reply)
                    if reply["type"] == "welcome":
                        connection.token = reply["token"]
                        self._close_replaced(connection)
                        connection.mark()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            sender.cancel()
            self.connections.pop(connection.conn, None)
            self.hub.gone(connection.conn)

    def _close_replaced(self, connection: Connection) -> None:
        """Older connections of the same device (another tab): tell them, then close them."""
        for other in list(self.connections.values()):
            if other is not connection and other.token == connection.token:
                other.token = None
                other.queue.put_nowait({"type": "replaced"})
                other.queue.put_nowait(None)

    async def _send(self, connection: Connection) -> None:
        ws = connection.websocket
        try:
            while True:
                item = await connection.queue.get()
                if item is None:
                    await ws.close(code=REPLACED)
                    return
                if item is VIEW:
                    connection.dirty = False
                    token = self.hub.token_of(connection.conn)
                    if token is None:
                        continue
                    view = self.hub.view(token)
                    if view["v"] == connection.sent_version:
                        continue
                    connection.sent_version = view["v"]
                    item = view
                try:
                    text = dumps(item)
                except (TypeError, ValueError) as exc:  # a bug of ours: say so, keep serving
                    text = dumps({"type": "error", "code": "server", "message": str(exc)[:200]})
                await ws.send_text(text)
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            return


def create_app(hub: Hub) -> Starlette:
    """The whole web side: the client's files, its translations and the websocket."""
    broadcaster = Broadcaster(hub)

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def info(request: Request) -> Response:
        return JSONResponse({"code_length": len(hub.code), "free": hub.free_roles()})

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/info", info),
            WebSocketRoute("/ws", broadcaster.serve),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]
    )
    app.state.hub = hub
    app.state.broadcaster = broadcaster
    return app


class ServerThread:
    """uvicorn in a background thread (its own event loop), so pygame keeps the main thread.

    `port=0` takes any free port (tests); `port` then tells the one taken."""

    def __init__(self, hub: Hub, host: str = "127.0.0.1", port: int = 8765) -> None:
        import uvicorn

        self.app = create_app(hub)
        self.config = uvicorn.Config(
            self.app,
            host=host,
            port=port,
            log_level="warning",
            ws="websockets-sansio",
            lifespan="off",
            access_log=False,
        )
        self.server = uvicorn.Server(self.config)
        self.thread = threading.Thread(target=self.server.run, name="cislab-host", daemon=True)
        self.host = host
        self.port = port

    def start(self, timeout: float = 10.0) -> ServerThread:
        self.thread.start()
        waited = 0.0
        while not self.server.started:
            if not self.thread.is_alive():
                raise OSError(f"the server could not listen on {self.host}:{self.port}")
            if waited > timeout:
                raise TimeoutError(f"the server did not start within {timeout:g} s")
            threading.Event().wait(0.02)
            waited += 0.02
        sockets = [s for server in self.server.servers for s in server.sockets]
        if sockets:
            self.port = sockets[0].getsockname()[1]
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)

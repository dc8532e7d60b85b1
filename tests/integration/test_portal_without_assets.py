"""The portal works before its front end is built (no npm, no `make install` yet): pages render, and an
asset that is not there is a 404, not a 500 from the static files server."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette

from hub.bootstrap import Hub
from hub.portal.routes import portal_mount


def test_pages_render_and_missing_assets_are_not_found(hub: Hub, tmp_path: Path) -> None:
    app = Starlette(routes=[portal_mount(hub, assets=tmp_path / "never-built")])
    listener = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=lambda: server.run(sockets=[listener]), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with httpx.Client(base_url=url, timeout=30) as client:
            page = client.get("/portal/sign-in")
            assert page.status_code == 200 and "/portal/assets/portal.css" in page.text
            for asset in ("/portal/assets/portal.css", "/portal/assets/portal.js"):
                response = client.get(asset)
                assert response.status_code == 404, (asset, response.status_code)
    finally:
        server.should_exit = True
        thread.join(timeout=10)

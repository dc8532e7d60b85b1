"""The portal's built assets (CSS, JavaScript), served by Starlette's StaticFiles when they are there.

Before the front end is built (``make install`` runs npm ci and the build) the directory does not exist,
and StaticFiles answers every request with a 500 from its configuration check. The pages themselves need
nothing from it to render (they work without JavaScript, and a missing stylesheet leaves them plain), so
an asset that is not there is simply not found.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send


class PortalAssets(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, check_dir=False)
        self.built = directory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.built.is_dir():
            response = PlainTextResponse("The portal's assets are not built here (make install).", 404)
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

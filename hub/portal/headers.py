"""Security headers for the portal's pages: a strict CSP (no inline script or style, no framing, forms only
to the hub itself), and HSTS when served over HTTPS. The app-wide ``SecurityHeaders`` adds the rest
(nosniff, no referrer, no-store) without overriding these."""

from __future__ import annotations

from typing import Any

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'"
)
PAGE_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class PortalSecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = PAGE_HEADERS + ([HSTS] if scope.get("scheme") == "https" else [])

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    header for header in extra if header[0] not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

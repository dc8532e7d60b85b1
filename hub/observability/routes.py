"""Requests named by route, in a bounded set: what metrics label them with and access logs say of them.
A raw path can hold whatever a caller typed (a child's name where an id belongs), so it is never used."""

from __future__ import annotations

# The portal's sections (the first segment after /portal/); anything else is "portal other".
_PORTAL = frozenset({"sign-in", "sign-out", "sign-out-everywhere", "signed-out", "exit", "account", "inbox",
                     "pupils", "children", "requests", "audit", "assets"})
_NAMED = {"/graphql": "graphql", "/oauth/token": "oauth_token", "/healthz": "healthz", "/readyz": "readyz"}


def operation(path: str) -> str:
    """A bounded label for the route: never an id from the path."""
    if path in _NAMED:
        return _NAMED[path]
    if path == "/portal" or path.startswith("/portal/"):
        parts = [p for p in path.split("/")[2:] if p]
        if not parts:
            return "portal start"
        return f"portal {parts[0]}" if parts[0] in _PORTAL else "portal other"
    return "other"

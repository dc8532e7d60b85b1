"""Structured logs: one JSON object a line, with the request id, and no personal data.

What could carry personal data is kept out by construction, not by scrubbing names: an exception is logged
by its type only (a driver's message quotes SQL parameters; a traceback quotes values in some frames), and
an access log line names the route, not the path (a caller can put a child's name in a path or a query).
Identifiers (hub ids, request ids) are not personal data on their own and stay.
"""

from __future__ import annotations

import json
import logging
import logging.config
import time
from contextvars import ContextVar
from typing import Any

from hub.observability.routes import operation

REQUEST_ID: ContextVar[str | None] = ContextVar("hub_request_id", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": _message(record),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            document["request_id"] = request_id
        if record.exc_info and record.exc_info[1] is not None:
            document["error"] = _chain(record.exc_info[1])
        return json.dumps(document, ensure_ascii=False)


def _message(record: logging.LogRecord) -> str:
    if record.name.startswith("strawberry"):  # a resolver's error message may quote what the caller sent
        return "a GraphQL operation raised an error"
    if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
        _client, method, path, _version, status = record.args  # the client's address identifies a person
        return f"{method} {operation(str(path).split('?', 1)[0])} {status}"
    return record.getMessage()


def _chain(error: BaseException) -> str:
    names: list[str] = []
    current: BaseException | None = error
    while current is not None and len(names) < 4:
        names.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " <- ".join(names)


def configure(level: str = "INFO") -> dict[str, Any]:
    """JSON logging for the hub and uvicorn; returns the config (for ``uvicorn.run(log_config=...)``)."""
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {name: {"handlers": ["stderr"], "level": level, "propagate": False}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }
    logging.config.dictConfig(config)
    return config

"""Where one audited read's time goes: the read of ``bench/graphql_read.py`` timed phase by phase, beside the
time its SQL spends in the database driver, in the same process and run.

The phases are the hub's own functions, wrapped with a timer for these requests only (each wrapper adds well
under a microsecond). The driver's time is the time between SQLAlchemy's ``before_cursor_execute`` and
``after_cursor_execute`` events, plus the DBAPI commit: what the same SQL would cost with no Python around it.
The gap between a phase and its SQL is what the ratio target is up against.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import strawberry
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

import hub.access.request as request_scope
from hub.audit import ledger
from hub.services import children, records
from hub.web.graphql import GraphQLEndpoint

# (where the function lives, its name, what the phase is); nested phases are indented under their parents.
PHASES: list[tuple[Any, str, str]] = [
    (GraphQLEndpoint, "execute", "the endpoint's work in its worker thread"),
    (request_scope, "authenticate", "  who is calling (token, actor)"),
    (strawberry.Schema, "execute_sync", "  the GraphQL execution, resolvers included"),
    (children, "load_child", "    the child and the actor's relationships"),
    (records, "list_records", "    the records page (the child is loaded above)"),
    (records, "release_rows", "      redaction, audit entries, owner alerts"),
    (ledger, "append", "  the hash-chained audit append"),
    (Session, "commit", "  the commit"),
]


@contextlib.contextmanager
def _timed(spent: dict[str, float]) -> Iterator[None]:
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in PHASES]
    for (owner, name, label), (_, _, original) in zip(PHASES, originals, strict=True):
        setattr(owner, name, _timer(original, label, spent))
    try:
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def _timer(function: Callable[..., Any], label: str, spent: dict[str, float]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    return timed


@contextlib.contextmanager
def _driver_time(engine: Engine, spent: dict[str, float]) -> Iterator[None]:
    started: dict[int, float] = {}

    def before(_conn: Any, cursor: Any, *_: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(_conn: Any, cursor: Any, *_: Any) -> None:
        spent["SQL at the driver (statements)"] += time.perf_counter() - started.pop(id(cursor), time.perf_counter())

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    dialect = engine.dialect
    do_commit = dialect.do_commit

    def timed_commit(dbapi_connection: Any) -> None:
        begun = time.perf_counter()
        try:
            do_commit(dbapi_connection)
        finally:
            spent["SQL at the driver (commit)"] += time.perf_counter() - begun

    dialect.do_commit = timed_commit  # type: ignore[method-assign]
    try:
        yield
    finally:
        dialect.do_commit = do_commit  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def run(app: Any, engine: Engine, query: str, variables: dict[str, str], headers: dict[str, str],
        reads: int = 300) -> None:
    """Print the table: milliseconds per read of each phase, and of the driver."""
    spent: dict[str, float] = defaultdict(float)

    async def read_many() -> float:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for _ in range(20):  # warm
                await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
            with _timed(spent), _driver_time(engine, spent):
                started = time.perf_counter()
                for _ in range(reads):
                    response = await client.post("/graphql", json={"query": query, "variables": variables},
                                                 headers=headers)
                    assert response.status_code == 200 and "errors" not in response.json(), response.text
                return time.perf_counter() - started

    whole = asyncio.run(read_many())
    print(f"where one read's time goes (ms per read, mean of {reads}; phases include the SQL they run):")
    print(f"  {'the whole request (in-process ASGI client)':<52} {whole / reads * 1000:6.2f}")
    for _, _, label in PHASES:
        print(f"  {label:<52} {spent[label] / reads * 1000:6.2f}")
    for label in ("SQL at the driver (statements)", "SQL at the driver (commit)"):
        print(f"  {label:<52} {spent[label] / reads * 1000:6.2f}")

"""The bare side of the concurrency benchmark (``bench/read_concurrency.py``): a Starlette endpoint that runs,
in one transaction, the SQL statements an audited read of the hub ran (captured from the hub itself) and one
audit insert, and answers with the rows as JSON. No token, no policy, no GraphQL, no hash chain, no lock.

Served by uvicorn as a factory: ``uvicorn --factory bench.bare_read_app:create_app``; reads
``HUB_DATABASE_URL`` and ``BENCH_BARE_SQL`` (a pickle of ``[(statement, parameters), ...]``).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

AUDIT_TABLE = "bare_audit_events"
_INSERT = text(f"INSERT INTO {AUDIT_TABLE} (occurred_at, request_id, action, resource_type, resource_id, "
               "decision, payload) VALUES (:at, :rid, 'read', 'child_records', :rid, 'ALLOW', :payload)")


def create_app() -> Starlette:
    engine = create_engine(os.environ["HUB_DATABASE_URL"], pool_pre_ping=True, pool_size=10, max_overflow=10)
    statements: list[tuple[str, Any]] = pickle.loads(Path(os.environ["BENCH_BARE_SQL"]).read_bytes())  # noqa: S301

    def read(rid: str) -> list[list[str]]:
        with engine.begin() as connection:
            rows = [[str(value) for value in row]
                    for statement, parameters in statements
                    for row in connection.exec_driver_sql(statement, parameters)]
            connection.execute(_INSERT, {"at": datetime.now(UTC), "rid": rid, "payload": str(len(rows))})
        return rows

    async def endpoint(request: Request) -> JSONResponse:
        await request.body()
        rid = request.headers.get("x-request-id", "bare")
        return JSONResponse({"data": await run_in_threadpool(read, rid)})

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"]), Route("/healthz", healthz)],
                     lifespan=lifespan)


CREATE_AUDIT_TABLE = f"""CREATE TABLE IF NOT EXISTS {AUDIT_TABLE} (
    seq BIGSERIAL PRIMARY KEY, occurred_at TIMESTAMPTZ NOT NULL, request_id VARCHAR(64), action VARCHAR(40),
    resource_type VARCHAR(40), resource_id VARCHAR(64), decision VARCHAR(8), payload TEXT)"""

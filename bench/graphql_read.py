"""Throughput of an authorised, audited `child { records }` read through the hub's real ASGI app, against a
bare strawberry schema serving the same shape from memory, in the same run.

Both sides get parser and validation caches and the same HTTP path (httpx over ASGI, in process). The hub's
side pays for everything a real read pays for: token verification, the actor lookup, the purpose registry,
policy decisions, SQL filtering, redaction and the hash-chained audit append with a durable commit.

Each lever that makes the read cheap is measured in the same rounds by running the hub with it off:
- owner alerts remembered per process (``hub.services.owner_alerts``): off, every read of a record a partner
  owns looks up the owner's recipient and tries the alert's insert again;
- statements built once (``hub.storage.statements``): off, every request rebuilds its SQL expressions;
- verified tokens remembered until their expiry (``hub.tokens``): off, every request checks the EdDSA
  signature again (the practitioner's actor lookup runs either way);
- the answer encoded with orjson (``hub.web.graphql``): off, Starlette's JSONResponse (the standard library);
- statement shapes remembered (``hub.access.accounting``): off, the door's accounting walks every statement's
  expression at each execution to tell which tables of child data it reads and which columns carry a child's
  id (the gate's guard does the same before a door is entered).
Each line gives the ratio and the SQL statements one read runs (through SQLAlchemy; the chain head is read
under the chain's lock through the driver, one round trip more). One more lever, group commit of audit
appends, acts only under concurrency on PostgreSQL: ``bench/read_concurrency.py`` measures it, run at the end
(``--no-concurrency`` skips it).

A third side marks the floor: the same bare strawberry schema whose resolver also runs the SQL statements the
hub's read ran (captured from the hub itself) and one audit insert, in one durable transaction on the same
SQLite file, on the event loop with no thread hop. No implementation that does that SQL and makes its audit
event durable can beat it, so its ratio is the ceiling the ratio target is up against, and the hub's ratio to
the floor is what the door itself costs.

After the rounds it prints where one read's time goes, phase by phase, beside the SQL at the driver
(``bench/read_phases.py``).

Run: `.venv/bin/python bench/graphql_read.py [--requests N]`. The last line is `ratio=<hub/baseline>`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import strawberry
from sqlalchemy import Engine, event
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import read_concurrency, read_phases
from hub.access.accounting import SHAPES
from hub.app import create_app
from hub.bootstrap import bootstrap
from hub.demo import seed
from hub.migrate import upgrade
from hub.services.owner_alerts import alerts_seen
from hub.settings import Settings
from hub.storage import queries
from hub.storage.statements import BUILDING
from hub.storage.unit_of_work import UnitOfWork
from hub.web.graphql import RESPONSE_ENCODING

FLOOR = "floor: bare strawberry with the hub's SQL"

QUERY = """query ChildRecords($id: ID!) { child(id: $id) { givenName familyName records(first: 20) {
  totalCount edges { node { id category tier summary detail owner { name officeHoursPhone } } } } } }"""


@strawberry.type
class Owner:
    name: str
    office_hours_phone: str


@strawberry.type
class Record:
    id: strawberry.ID
    category: str
    tier: str
    summary: str | None
    detail: str | None
    owner: Owner


@strawberry.type
class Edge:
    node: Record


@strawberry.type
class Connection:
    total_count: int
    edges: list[Edge]


@strawberry.type
class Child:
    given_name: str
    family_name: str

    @strawberry.field
    def records(self, first: int = 20) -> Connection:
        nodes = [Record(id=strawberry.ID(f"r{i}"), category="CHILD_PROTECTION_PLAN", tier="FLAG",
                        summary="Child protection plan.", detail=None,
                        owner=Owner(name="Northbridge Council", office_hours_phone="01632 960100"))
                 for i in range(5)]
        return Connection(total_count=len(nodes), edges=[Edge(node=n) for n in nodes[:first]])


@strawberry.type
class Query:
    @strawberry.field
    def child(self, id: strawberry.ID) -> Child | None:
        return Child(given_name="Amelia", family_name="Hart")


def baseline_app() -> GraphQL:
    schema = strawberry.Schema(query=Query, extensions=[ParserCache, ValidationCache])
    return GraphQL(schema, graphql_ide=None)


FLOOR_AUDIT_TABLE = "floor_audit_events"


def floor_app(engine: Engine, statements: list[tuple[str, Any]]) -> GraphQL:
    """The baseline's schema, its ``child`` resolver first running ``statements`` and one audit insert in one
    transaction, committed (durably, as the hub's engine commits) before the answer is built."""
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {FLOOR_AUDIT_TABLE} (seq INTEGER PRIMARY KEY, "
                                   "occurred_at TEXT, request_id TEXT, decision TEXT, payload TEXT)")
    insert = f"INSERT INTO {FLOOR_AUDIT_TABLE} (occurred_at, request_id, decision, payload) VALUES (?, ?, 'ALLOW', ?)"

    @strawberry.type
    class FloorQuery:
        @strawberry.field
        def child(self, id: strawberry.ID) -> Child | None:
            with engine.begin() as connection:
                rows = [row for statement, parameters in statements
                        for row in connection.exec_driver_sql(statement, parameters)]
                connection.exec_driver_sql(insert, (datetime.now(UTC).isoformat(), id, str(len(rows))))
            return Child(given_name="Amelia", family_name="Hart")

    schema = strawberry.Schema(query=FloorQuery, extensions=[ParserCache, ValidationCache])
    return GraphQL(schema, graphql_ide=None)


@dataclass(frozen=True)
class Side:
    name: str
    app: Any
    headers: dict[str, str]
    variables: dict[str, str]
    configure: Callable[[], None] = lambda: None


async def throughputs(sides: list[Side], requests: int, chunk: int = 10) -> tuple[dict[str, float], dict[str, int]]:
    """Requests per second of each side, the sides taking turns ``chunk`` requests at a time (so a noisy
    neighbour slows every side alike), and the SQL statements one request of each runs (through SQLAlchemy,
    transaction control aside)."""
    elapsed = {side.name: 0.0 for side in sides}
    statements: dict[str, int] = {}
    async with contextlib.AsyncExitStack() as stack:
        clients = {side.name: await stack.enter_async_context(httpx.AsyncClient(
            transport=httpx.ASGITransport(app=side.app), base_url="http://bench")) for side in sides}

        async def post(side: Side) -> httpx.Response:
            body = {"query": QUERY, "variables": side.variables}
            return await clients[side.name].post("/graphql", json=body, headers=side.headers)

        for side in sides:
            side.configure()
            for _ in range(20):  # warm caches and connections
                response = await post(side)
                assert response.status_code == 200 and "errors" not in response.json(), response.text
            hub = getattr(getattr(side.app, "state", None), "hub", None)
            if hub is not None:
                statements[side.name] = await _statements_of_one(lambda side=side: post(side), hub.engine)
        for _ in range(max(1, requests // chunk)):
            for side in sides:
                side.configure()
                started = time.perf_counter()
                for _ in range(chunk):
                    await post(side)
                elapsed[side.name] += time.perf_counter() - started
    return {name: max(1, requests // chunk) * chunk / spent for name, spent in elapsed.items()}, statements


async def _statements_of_one(post: Callable[[], Awaitable[httpx.Response]], engine: Any) -> int:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        await post()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    # Five rounds, the median taken: now and then one side runs at half speed for a whole round on this shared
    # machine, and a median of three would take such a round's ratio when two of them fell in one run.
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-concurrency", action="store_true", help="skip the uvicorn/PostgreSQL figure")
    read_concurrency.add_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        upgrade(url)
        settings = replace(Settings.from_env({}), database_url=url, key_dir=Path(directory) / "keys")
        hub = bootstrap(settings)
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session)
            uow.commit()
        with UnitOfWork(hub.session_factory) as uow:
            dsl = queries.practitioner_by_email(uow.session, "dee.dsl@primary.northbridge.example")
            assert dsl is not None
            amelia = uow.session.execute(
                queries.select_child_id_by_name("Amelia", "Hart")).scalar_one()
            token = hub.tokens.issue("practitioner", dsl.id, dsl.agency_id, datetime.now(UTC))
        headers = {"Authorization": f"Bearer {token}", "Hub-Purpose": "EDUCATION_SAFEGUARDING",
                   "Hub-Case-Reference": "BENCH-1"}
        hub_app, bare_app = create_app(hub), baseline_app()
        hub_read = read_concurrency.Side("hub", "hub.app:create_app", headers,
                                         {"query": QUERY, "variables": {"id": amelia}})
        floor_sql = read_concurrency.capture_read_sql(settings, hub_read)
        floor = floor_app(hub.engine, floor_sql)
        alerts = alerts_seen(hub.engine)

        def set_levers(*, alerts_remembered: bool = True, statements_built_once: bool = True,
                       tokens_remembered: bool = True, orjson: bool = True, shapes_remembered: bool = True) -> None:
            alerts.enabled = alerts_remembered
            BUILDING.cached = statements_built_once
            hub.tokens.remember_verified = tokens_remembered
            RESPONSE_ENCODING.fast = orjson
            SHAPES.remembered = shapes_remembered

        sides = [
            Side("bare strawberry", bare_app, {}, {"id": "x"}),
            Side(FLOOR, floor, {}, {"id": "x"}),
            Side("hub", hub_app, headers, {"id": amelia}, lambda: set_levers()),
            Side("without owner alerts remembered", hub_app, headers, {"id": amelia},
                 lambda: set_levers(alerts_remembered=False)),
            Side("without statements built once", hub_app, headers, {"id": amelia},
                 lambda: set_levers(statements_built_once=False)),
            Side("without tokens remembered", hub_app, headers, {"id": amelia},
                 lambda: set_levers(tokens_remembered=False)),
            Side("without orjson answers", hub_app, headers, {"id": amelia},
                 lambda: set_levers(orjson=False)),
            Side("without statement shapes remembered", hub_app, headers, {"id": amelia},
                 lambda: set_levers(shapes_remembered=False)),
            Side("without any", hub_app, headers, {"id": amelia},
                 lambda: set_levers(alerts_remembered=False, statements_built_once=False,
                                    tokens_remembered=False, orjson=False, shapes_remembered=False)),
        ]
        configurations = [side.name for side in sides[1:] if side.name != FLOOR]
        ratios: dict[str, list[float]] = {name: [] for name in configurations}
        floors: list[float] = []
        against_floor: list[float] = []
        for round_number in range(1, args.rounds + 1):
            rates, statements = asyncio.run(throughputs(sides, args.requests))
            set_levers()
            bare = rates["bare strawberry"]
            floors.append(rates[FLOOR] / bare)
            against_floor.append(rates["hub"] / rates[FLOOR])
            line = [f"round {round_number}: bare strawberry {bare:,.0f} req/s",
                    f"{FLOOR} {rates[FLOOR]:,.0f} req/s (ratio {floors[-1]:.2f})"]
            for name in configurations:
                ratios[name].append(rates[name] / bare)
                line.append(f"{name} {rates[name]:,.0f} req/s (ratio {rates[name] / bare:.2f})")
            print("; ".join(line))
        # After the rounds: its event loop and timers must not touch what the rounds measure.
        read_phases.run(hub_app, hub.engine, QUERY, {"id": amelia}, headers)
        hub.dispose()
    print("levers (median ratio; SQL statements per read):")
    for name in configurations:
        print(f"  {name:<38} ratio {statistics.median(ratios[name]):.2f}; {statements[name]} statements")
    print(f"floor (the hub's {len(floor_sql)} read statements and one audit insert, durably committed, behind "
          f"bare strawberry): ratio {statistics.median(floors):.2f}; the hub against the floor: "
          f"{statistics.median(against_floor):.2f}")
    if not args.no_concurrency:
        concurrent = read_concurrency.run(args, QUERY)
        if concurrent is not None:
            print(f"concurrent_ratio={concurrent:.2f}")
    print(f"ratio={statistics.median(ratios['hub']):.2f}")


if __name__ == "__main__":
    main()

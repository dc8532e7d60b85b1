"""Throughput of an authorised, audited `child { records }` read through the hub's real ASGI app, against a
bare strawberry schema serving the same shape from memory, in the same run.

Both sides get parser and validation caches and the same HTTP path (httpx over ASGI, in process). The hub's
side pays for everything a real read pays for: token verification, the actor lookup, the purpose registry,
policy decisions, SQL filtering, redaction and the hash-chained audit append with a durable commit.

Run: `.venv/bin/python bench/graphql_read.py [--requests N]`. The last line is `ratio=<hub/baseline>`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import strawberry
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

from hub.app import create_app
from hub.bootstrap import bootstrap
from hub.demo import seed
from hub.migrate import upgrade
from hub.settings import Settings
from hub.storage import queries
from hub.storage.unit_of_work import UnitOfWork

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


async def throughput(app, headers: dict[str, str], variables: dict[str, str], requests: int) -> float:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        body = {"query": QUERY, "variables": variables}
        for _ in range(20):  # warm caches and connections
            response = await client.post("/graphql", json=body, headers=headers)
            assert response.status_code == 200 and "errors" not in response.json(), response.text
        started = time.perf_counter()
        for _ in range(requests):
            await client.post("/graphql", json=body, headers=headers)
        return requests / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
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
        ratios = []
        for round_number in range(1, args.rounds + 1):
            # Interleaved rounds, so a noisy neighbour slows both sides alike.
            bare = asyncio.run(throughput(bare_app, {}, {"id": "x"}, args.requests))
            ours = asyncio.run(throughput(hub_app, headers, {"id": amelia}, args.requests))
            ratios.append(ours / bare)
            print(f"round {round_number}: hub {ours:,.0f} req/s, bare strawberry {bare:,.0f} req/s, "
                  f"ratio {ours / bare:.2f}")
        hub.dispose()
    print(f"ratio={statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()

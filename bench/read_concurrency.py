"""Audited reads under concurrency, through real uvicorn on PostgreSQL, against a bare endpoint in the same run.

The hub is served as in production (``uvicorn --factory hub.app:create_app``, 1 and then 2 worker processes)
and 16 clients post the `child { records }` read of ``bench/graphql_read.py`` as fast as it answers. The bare
side (``bench/bare_read_app.py``) is a Starlette + SQLAlchemy endpoint under the same uvicorn that runs the
same SQL statements (captured from the hub's own read) and one audit insert in one transaction: what a read
costs with no token, policy, GraphQL, redaction or hash chain. Sides take turns a second at a
time, so a noisy neighbour slows them alike.

Run: .venv/bin/python bench/read_concurrency.py [--clients 16] [--seconds 6] [--workers 1 2] (or through
``bench/graphql_read.py``, which runs it after the in-process figures). Needs a
PostgreSQL server (HUB_TEST_POSTGRES_URL or 127.0.0.1:5432); without one it says so and prints no ratio.
The last line is ``concurrent_ratio=<the lower of the per-workers medians>``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pickle
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, text
from starlette.applications import Starlette

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bare_read_app import CREATE_AUDIT_TABLE  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.audit import ledger  # noqa: E402
from hub.bootstrap import bootstrap  # noqa: E402
from hub.demo import seed  # noqa: E402
from hub.migrate import upgrade  # noqa: E402
from hub.settings import Settings  # noqa: E402
from hub.storage import queries  # noqa: E402
from hub.storage.unit_of_work import UnitOfWork  # noqa: E402
from tests.databases import fresh_postgres_database, postgres_server_url  # noqa: E402


@dataclass(frozen=True)
class Side:
    name: str
    factory: str
    headers: dict[str, str]
    body: dict[str, Any]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``uvicorn --factory`` in a child process, on a free loopback port."""

    def __init__(self, factory: str, workers: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not answer in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def interleaved(urls: dict[str, str], sides: list[Side], clients: int, seconds: float,
                      slice_seconds: float = 1.0) -> dict[str, float]:
    """Requests per second of each side, its ``clients`` posting back to back, the sides taking turns a
    ``slice_seconds`` at a time for ``seconds`` each: a noisy neighbour slows every side alike."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    done = dict.fromkeys(urls, 0)
    spent = dict.fromkeys(urls, 0.0)
    async with contextlib.AsyncExitStack() as stack:
        http = {side.name: await stack.enter_async_context(
            httpx.AsyncClient(base_url=urls[side.name], limits=limits, timeout=60)) for side in sides}

        async def one(side: Side) -> None:
            response = await http[side.name].post("/graphql", json=side.body, headers=side.headers)
            assert response.status_code == 200 and "errors" not in response.json(), response.text

        for side in sides:  # warm every worker and connection
            await asyncio.gather(*(one(side) for _ in range(clients * 3)))
        for _ in range(max(1, round(seconds / slice_seconds))):
            for side in sides:
                stop_at = time.perf_counter() + slice_seconds

                async def client_loop(side: Side = side, stop_at: float = stop_at) -> None:
                    while time.perf_counter() < stop_at:
                        await one(side)
                        done[side.name] += 1

                started = time.perf_counter()
                await asyncio.gather(*(client_loop() for _ in range(clients)))
                spent[side.name] += time.perf_counter() - started
    return {name: done[name] / spent[name] for name in urls}


def measure(sides: list[Side], workers: int, env: dict[str, str], clients: int, seconds: float
            ) -> dict[str, float]:
    servers = {side.name: Server(side.factory, workers, env) for side in sides}
    try:
        for server in servers.values():
            server.wait_ready()
        return asyncio.run(interleaved({name: server.url for name, server in servers.items()}, sides, clients,
                                       seconds))
    finally:
        for server in servers.values():
            server.stop()


def hub_without_group_commit() -> Starlette:
    """The hub as ``hub.app:create_app`` serves it, with the audit's group commit off: every read appends and
    commits its own events under the chain's lock (what the lever saves)."""
    app = create_app()
    ledger.group_commit(app.state.hub.engine).enabled = False
    return app


def capture_read_sql(settings: Settings, side: Side) -> list[tuple[str, Any]]:
    """The statements one (warm) hub read runs through SQLAlchemy, with their parameters: the bare side's SQL.
    The audit append (the chain head under the lock, the insert) is left out: the bare side has its own."""
    hub = bootstrap(settings)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    async def read_twice() -> None:
        transport = httpx.ASGITransport(app=create_app(hub))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await client.post("/graphql", json=side.body, headers=side.headers)  # the day's owner alert
            event.listen(hub.engine, "before_cursor_execute", capture)
            response = await client.post("/graphql", json=side.body, headers=side.headers)
            assert response.status_code == 200 and "errors" not in response.json(), response.text

    asyncio.run(read_twice())
    hub.dispose()
    return captured


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency-rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])


def run(args: argparse.Namespace, query: str) -> float | None:
    """Print the figures; the lower of the per-workers median ratios, or None without PostgreSQL."""
    server_url = postgres_server_url()
    if server_url is None:
        print("concurrency: no PostgreSQL server answers (HUB_TEST_POSTGRES_URL or 127.0.0.1:5432); skipped")
        return None
    with tempfile.TemporaryDirectory() as directory, fresh_postgres_database(server_url) as url:
        upgrade(url)
        settings = replace(Settings.from_env({}), database_url=url, key_dir=Path(directory) / "keys")
        hub = bootstrap(settings)
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session)
            uow.session.execute(text(CREATE_AUDIT_TABLE))
            uow.commit()
        with UnitOfWork(hub.session_factory) as uow:
            dsl = queries.practitioner_by_email(uow.session, "dee.dsl@primary.northbridge.example")
            assert dsl is not None
            amelia = uow.session.execute(queries.select_child_id_by_name("Amelia", "Hart")).scalar_one()
            # Long enough for the whole run.
            token = hub.tokens.issue("practitioner", dsl.id, dsl.agency_id, datetime.now(UTC))
        hub.dispose()
        headers = {"Authorization": f"Bearer {token}", "Hub-Purpose": "EDUCATION_SAFEGUARDING",
                   "Hub-Case-Reference": "BENCH-1"}
        ours = Side("hub", "hub.app:create_app", headers, {"query": query, "variables": {"id": amelia}})
        sql = Path(directory) / "bare.pickle"
        sql.write_bytes(pickle.dumps(capture_read_sql(settings, ours)))
        bare = Side("bare", "bench.bare_read_app:create_app", {}, ours.body)
        ungrouped = replace(ours, name="hub without group commit",
                            factory="bench.read_concurrency:hub_without_group_commit")
        env = {"HUB_DATABASE_URL": url, "HUB_KEY_DIR": str(settings.key_dir), "BENCH_BARE_SQL": str(sql)}
        print(f"concurrency: {args.clients} clients, uvicorn on PostgreSQL, the bare side runs the hub's "
              f"{len(pickle.loads(sql.read_bytes()))} read statements and one audit insert")  # noqa: S301
        medians = []
        for workers in args.workers:
            ratios, without = [], []
            for round_number in range(1, args.concurrency_rounds + 1):
                rates = measure([bare, ours, ungrouped], workers, env, args.clients, args.seconds)
                theirs, mine, alone = rates[bare.name], rates[ours.name], rates[ungrouped.name]
                ratios.append(mine / theirs)
                without.append(alone / theirs)
                print(f"  {workers} worker(s), round {round_number}: hub {mine:,.0f} req/s, bare {theirs:,.0f} "
                      f"req/s, ratio {mine / theirs:.2f}; without group commit {alone:,.0f} req/s, "
                      f"ratio {alone / theirs:.2f}")
            medians.append(statistics.median(ratios))
            print(f"  {workers} worker(s): ratio {medians[-1]:.2f} "
                  f"(without group commit {statistics.median(without):.2f})")
    return min(medians)


def main() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    from bench.graphql_read import QUERY

    ratio = run(parser.parse_args(), QUERY)
    if ratio is not None:
        print(f"concurrent_ratio={ratio:.2f}")


if __name__ == "__main__":
    main()

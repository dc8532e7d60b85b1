"""The cost curve on PostgreSQL: the hub's reads and audit appends at 10k / 100k / 1M children, each beside
the same query in bare SQL, measured in the same run.

For each size a database ``hub_scale_<size>`` is built once with ``hub demo --children``'s builder (about ten
records a child; a rerun finds it there and only measures). Then, one client at a time through the real app
under uvicorn on loopback:

- NHS-number lookup   ``findChildByNhsNumber``                          (Sam, S47 enquiry)
- DSL's pupil list    the portal's /portal/pupils page                  (Dee, signed in)
- FIND                ``findChildren`` by names and date of birth        (Sam)
- a child's records   ``child { records }``                             (Sam)
- MASH worklist       ``records(filter: {tiers: [FLAG]})``              (Mia, MASH triage)
- audit appends       ``hub.audit.ledger.append`` from two processes at once (two replicas), one event a
                      transaction, beside two processes inserting one plain row a transaction

Each line gives throughput and p95 for the hub and for bare SQL (psycopg, the query the hub's answer needs,
one round trip), and their ratio; then the p95 of the same SQL behind a bare endpoint (Starlette under the same
uvicorn, the SQL and one plain audit insert in one transaction, answered as JSON) and the hub's ratio to it,
which is the hub's own cost with HTTP and a durable transaction counted on both sides. The closing table is
the cost curve: the hub/bare p95 ratio at every size, and each p95's growth from the smallest size to the
largest; then the hub/endpoint ratio at every size. Targets: reads within 3x of bare SQL; no read's
p95 growing more than 2x from 10k to 1M.

Run: ``make bench-scale`` (sizes from ``BENCH_SCALE_SIZES``, default 10000,100000), or
``.venv/bin/python bench/scale.py --sizes 10000,100000,1000000`` for the full run (building 1M children takes
about twenty minutes here; see the README). ``--keep`` leaves the databases for the next run (the default);
``--drop`` removes them afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import pickle
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pyotp
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the bench package

from bench.read_concurrency import Server
from hub import region
from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.bootstrap import Hub, bootstrap
from hub.demo import demo_password, demo_totp_secret, seed
from hub.migrate import upgrade
from hub.settings import PROJECT_ROOT, Settings
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork

SERVER = os.environ.get("HUB_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SAM, MIA, DEE = ("sam.social@council.northbridge.example", "mia.mash@council.northbridge.example",
                 "dee.dsl@primary.northbridge.example")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
READS = ["NHS-number lookup", "DSL pupil list", "FIND", "child's records", "MASH worklist"]


@dataclass(frozen=True)
class Measure:
    per_second: float
    p95_ms: float


@dataclass(frozen=True)
class Line:
    name: str
    hub: Measure
    bare: Measure
    endpoint: Measure | None = None  # the same SQL behind a bare HTTP endpoint, with one audit insert

    @property
    def ratio(self) -> float:
        return self.hub.p95_ms / self.bare.p95_ms if self.bare.p95_ms else float("inf")

    @property
    def endpoint_ratio(self) -> float | None:
        return self.hub.p95_ms / self.endpoint.p95_ms if self.endpoint and self.endpoint.p95_ms else None


def timed(call: Callable[[], Any], requests: int, warmup: int = 10) -> Measure:
    for _ in range(warmup):
        call()
    took = []
    started = time.perf_counter()
    for _ in range(requests):
        begun = time.perf_counter()
        call()
        took.append(time.perf_counter() - begun)
    elapsed = time.perf_counter() - started
    return Measure(requests / elapsed, statistics.quantiles(took, n=20)[18] * 1000)


# -- the databases ------------------------------------------------------------------------------------------
def database_url(size: int) -> str:
    return make_url(SERVER).set(database=f"hub_scale_{size}").render_as_string(hide_password=False)


def prepare(size: int, key_dir: Path) -> Hub:
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": f"hub_scale_{size}"}) is None:
            connection.execute(text(f'CREATE DATABASE "hub_scale_{size}"'))
    admin.dispose()
    url = database_url(size)
    upgrade(url)
    settings = replace(Settings.from_env({}), database_url=url, key_dir=key_dir)
    hub = bootstrap(settings)
    with UnitOfWork(hub.session_factory) as uow:
        seed(uow.session, children=0)
        uow.commit()
    started = time.perf_counter()
    done = [0]

    def progress(count: int) -> None:
        done[0] += count
        if done[0] % 50_000 < count or done[0] == size:
            rate = done[0] / (time.perf_counter() - started)
            print(f"  building {size:,}: {done[0]:,} children ({rate:,.0f}/s)", file=sys.stderr, flush=True)

    built = region.build(hub.engine, hub.keys, size, progress=progress)
    if built.children:
        elapsed = time.perf_counter() - started
        print(f"  built {built.children:,} children and {built.records:,} records in {elapsed:,.0f} s "
              f"({built.children / elapsed:,.0f} children/s)", file=sys.stderr)
    return hub


# -- the hub over HTTP ---------------------------------------------------------------------------------------
# Both servers are processes of their own under uvicorn, as in production: a server in a thread of this
# process would share the interpreter's lock with the measuring client, and their contention, not the work,
# would set the latency (it tripled the hub's p95 here).
def token(hub: Hub, email: str) -> str:
    with UnitOfWork(hub.session_factory) as uow:
        row = queries.practitioner_by_email(uow.session, email)
        assert row is not None
        return hub.tokens.issue("practitioner", row.id, row.agency_id, datetime.now(UTC))


def graphql(client: httpx.Client, bearer: str, purpose: str, query: str,
            variables: dict[str, Any]) -> Callable[[], Any]:
    headers = {"Authorization": f"Bearer {bearer}", "Hub-Purpose": purpose, "Hub-Case-Reference": "BENCH-1"}

    def call() -> Any:
        response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{query[:40]}: {response.status_code} {body.get('errors')}")
        return body

    return call


def portal_session(client: httpx.Client, email: str) -> None:
    form = CSRF.search(client.get("/portal/sign-in").text)
    assert form
    client.post("/portal/sign-in", data={"email": email, "password": demo_password(email),
                                         "csrf_token": form.group(1)})
    page = CSRF.search(client.get("/portal/sign-in/code").text)
    assert page
    response = client.post("/portal/sign-in/code", data={"code": pyotp.TOTP(demo_totp_secret(email)).now(),
                                                          "csrf_token": page.group(1)})
    if "/portal/sign-in" in str(response.url):
        raise RuntimeError(f"could not sign in to the portal as {email} (a code is accepted once: rerun)")


# -- bare SQL: the query each answer needs, one round trip ------------------------------------------------------
@dataclass(frozen=True)
class BareSQL:
    sql: str
    parameters: Any


def bare(connection: psycopg.Connection[Any], query: BareSQL) -> Callable[[], Any]:
    def call() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(query.sql, query.parameters, prepare=True)
            rows = cursor.fetchall()
        connection.commit()
        return rows

    return call


# -- the same SQL behind a bare HTTP endpoint ------------------------------------------------------------------
def bare_endpoint(url: str, queries_by_name: dict[str, BareSQL]) -> Starlette:
    """``POST /bare/<read>``: the read's bare SQL and one plain audit insert in one transaction, answered as
    JSON, under the same uvicorn and loopback HTTP as the hub. No token, policy, GraphQL or hash chain: what is
    left between it and the hub is the hub's own work."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    local = threading.local()

    def run(name: str) -> list[list[str]]:
        if not hasattr(local, "connection"):
            local.connection = psycopg.connect(libpq)
        connection, query = local.connection, queries_by_name[name]
        with connection.cursor() as cursor:
            cursor.execute(query.sql, query.parameters, prepare=True)
            rows = [[str(value) for value in row] for row in cursor.fetchall()]
            cursor.execute("INSERT INTO bench_plain_appends (occurred_at, request_id, reason) VALUES (now(), %s, %s)",
                           ("bench-endpoint", name), prepare=True)
        connection.commit()
        return rows

    async def endpoint(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"data": await run_in_threadpool(run, request.path_params["name"])})

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/bare/{name}", endpoint, methods=["POST"]), Route("/healthz", healthz)])


def bare_endpoint_from_environment() -> Starlette:
    """The uvicorn factory: ``HUB_DATABASE_URL``, and ``BENCH_BARE_SQL`` (a pickle of the reads' bare SQL)."""
    pairs = pickle.loads(Path(os.environ["BENCH_BARE_SQL"]).read_bytes())  # noqa: S301  (our own file)
    return bare_endpoint(os.environ["HUB_DATABASE_URL"], {name: BareSQL(*pair) for name, pair in pairs.items()})


def _endpoint_call(client: httpx.Client, name: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.post(f"/bare/{name}", json={})
        if response.status_code != 200:
            raise RuntimeError(f"bare endpoint {name}: {response.status_code}")
        return response.json()

    return call


def create_plain_appends(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS bench_plain_appends (seq bigserial PRIMARY KEY, "
                                "occurred_at timestamptz, request_id varchar(64), reason text)"))
    engine.dispose()


CURRENT = ("NOT EXISTS (SELECT 1 FROM record_versions newer WHERE newer.record_key = r.record_key "
           "AND newer.version > r.version)")


def measure_reads(hub: Hub, requests: int) -> list[Line]:
    with UnitOfWork(hub.session_factory) as uow:
        probe = uow.session.execute(
            select(t.Child.id, t.Child.nhs_number, t.Child.given_name, t.Child.family_name, t.Child.date_of_birth)
            .where(t.Child.id == region.child_id(0))).one()
        primary = uow.session.scalar(select(t.Agency.id).where(t.Agency.official_code == "190001"))
    keys_of = sorted(_lookup_keys(probe.given_name, probe.family_name, probe.date_of_birth))
    bare_sql = {
        "NHS-number lookup": BareSQL(
            "SELECT c.id, a.name, a.office_hours_phone FROM children c JOIN agency_record_links l "
            "ON l.child_id = c.id JOIN agencies a ON a.id = l.agency_id WHERE c.nhs_number = %s",
            (probe.nhs_number,)),
        "DSL pupil list": BareSQL(
            "SELECT c.id, c.given_name, c.family_name, l.local_id, "
            "(SELECT array_agg(r.summary) FROM record_versions r WHERE r.child_id = c.id AND r.tier = 'FLAG' "
            f"AND r.status = 'ACTIVE' AND {CURRENT}) FROM agency_record_links l JOIN children c "
            "ON c.id = l.child_id WHERE l.agency_id = %s AND l.kind = 'ROLL' AND l.closed_on IS NULL "
            "ORDER BY c.family_name, c.given_name, c.id LIMIT 25", (primary,)),
        "FIND": BareSQL(
            "SELECT c.id, c.given_name, c.family_name, c.date_of_birth, c.sex, c.postcode "
            "FROM children c WHERE c.id IN (SELECT child_id FROM identity_keys WHERE key = ANY(%s))", (keys_of,)),
        "child's records": BareSQL(
            f"SELECT r.*, count(*) OVER () FROM record_versions r WHERE r.child_id = %s "
            f"AND {CURRENT} ORDER BY r.start_date DESC, r.record_key LIMIT 20", (probe.id,)),
        "MASH worklist": BareSQL(
            f"SELECT r.* FROM record_versions r WHERE r.tier = 'FLAG' AND r.status = 'ACTIVE' "
            f"AND {CURRENT} ORDER BY r.start_date DESC, r.record_key LIMIT 21", ()),
    }
    lines = []
    url = hub.settings.database_url
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    create_plain_appends(url)
    with contextlib.ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        # Plain pairs: the script runs as __main__, so its classes would not unpickle in the server.
        (directory / "bare.pickle").write_bytes(pickle.dumps({name: (query.sql, query.parameters)
                                                             for name, query in bare_sql.items()}))
        env = {"HUB_DATABASE_URL": url, "HUB_KEY_DIR": str(hub.settings.key_dir),
               "BENCH_BARE_SQL": str(directory / "bare.pickle")}
        servers = [Server("hub.app:create_app", 1, env), Server("bench.scale:bare_endpoint_from_environment", 1, env)]
        for server in servers:
            stack.callback(server.stop)
        for server in servers:
            server.wait_ready()
        client = stack.enter_context(httpx.Client(base_url=servers[0].url, timeout=60, follow_redirects=True))
        plain = stack.enter_context(httpx.Client(base_url=servers[1].url, timeout=60))
        connection = stack.enter_context(psycopg.connect(libpq))
        sam, mia = token(hub, SAM), token(hub, MIA)
        hub_calls: dict[str, Callable[[], Any]] = {
            "NHS-number lookup":
                graphql(client, sam, "S47_ENQUIRY", "query($n: String!) { findChildByNhsNumber(nhsNumber: $n) "
                        "{ childId involvedAgencies { name officeHoursPhone } } }", {"n": probe.nhs_number}),
            "DSL pupil list": lambda: _page(client, "/portal/pupils"),
            "FIND":
                graphql(client, sam, "S47_ENQUIRY", "query($i: FindChildrenInput!) { findChildren(input: $i) "
                        "{ childId confidence } }", {"i": {"givenName": probe.given_name,
                                                           "familyName": probe.family_name,
                                                           "dateOfBirth": probe.date_of_birth.isoformat()}}),
            "child's records":
                graphql(client, sam, "S47_ENQUIRY", "query($id: ID!) { child(id: $id) { givenName records(first: 20) "
                        "{ totalCount edges { node { category tier summary detail owner { name } } } } } }",
                        {"id": probe.id}),
            "MASH worklist":
                graphql(client, mia, "MASH_TRIAGE", "{ records(filter: {tiers: [FLAG]}, first: 20) "
                        "{ edges { node { category summary owner { name } } } } }", {}),
        }
        portal_session(client, DEE)
        for name in READS:
            lines.append(Line(name, timed(hub_calls[name], requests), timed(bare(connection, bare_sql[name]), requests),
                              timed(_endpoint_call(plain, name), requests)))
    return lines


def _page(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")


def _lookup_keys(given: str, family: str, born: Any) -> set[str]:
    from hub.identity.demographics import Demographics
    from hub.identity.keys import lookup_keys

    return lookup_keys(Demographics(given, family, born).normalised())


# -- audit appends from two replicas --------------------------------------------------------------------------
def _append_worker(url: str, key_dir: str, seconds: float, kind: str, out: Any) -> None:
    took: list[float] = []
    if kind == "hub":
        hub = bootstrap(replace(Settings.from_env({}), database_url=url, key_dir=Path(key_dir)))
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            begun = time.perf_counter()
            with UnitOfWork(hub.session_factory) as uow:
                ledger.append(uow.session, [AuditEntry(
                    occurred_at=datetime.now(UTC), request_id=f"bench-{os.getpid()}", action="read",
                    resource_type="record", resource_id=None, decision=Verdict.ALLOW, reason="bench-scale")])
                uow.commit()
            took.append(time.perf_counter() - begun)
        hub.dispose()
    else:
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(libpq) as connection:
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                begun = time.perf_counter()
                connection.execute("INSERT INTO bench_plain_appends (occurred_at, request_id, reason) "
                                   "VALUES (now(), %s, 'bench-scale')", (f"bench-{os.getpid()}",), prepare=True)
                connection.commit()
                took.append(time.perf_counter() - begun)
    out.put(took)


def measure_appends(url: str, key_dir: Path, seconds: float) -> Line:
    create_plain_appends(url)
    measures = {}
    context = multiprocessing.get_context("spawn")
    for kind in ("hub", "bare"):
        queue = context.Queue()
        workers = [context.Process(target=_append_worker, args=(url, str(key_dir), seconds, kind, queue))
                   for _ in range(2)]
        for worker in workers:
            worker.start()
        took = [value for _ in workers for value in queue.get()]
        for worker in workers:
            worker.join()
        measures[kind] = Measure(len(took) / seconds, statistics.quantiles(took, n=20)[18] * 1000)
    return Line("audit appends (2 replicas)", measures["hub"], measures["bare"])


# -- the report ----------------------------------------------------------------------------------------------
def print_size(size: int, lines: list[Line]) -> None:
    print(f"\n{size:,} children (bare: the SQL alone; endpoint: the same SQL and one audit insert behind HTTP)")
    print(f"  {'':28} {'hub/s':>9} {'hub p95':>9} {'bare/s':>9} {'bare p95':>9} {'p95 ratio':>9} "
          f"{'endpoint p95':>12} {'ratio':>7}")
    for line in lines:
        endpoint = (f"{line.endpoint.p95_ms:10.2f}ms {line.endpoint_ratio:6.1f}x"
                    if line.endpoint and line.endpoint_ratio is not None else "")
        print(f"  {line.name:28} {line.hub.per_second:9.1f} {line.hub.p95_ms:7.2f}ms {line.bare.per_second:9.1f} "
              f"{line.bare.p95_ms:7.2f}ms {line.ratio:8.1f}x {endpoint}")
    sys.stdout.flush()


def print_curve(results: dict[int, list[Line]]) -> None:
    sizes = sorted(results)
    smallest, largest = sizes[0], sizes[-1]
    print("\ncost curve: hub p95 / bare SQL p95 at each size; growth of the hub's p95 from "
          f"{smallest:,} to {largest:,} children")
    print(f"  {'':28} " + " ".join(f"{size:>10,}" for size in sizes) + f" {'growth':>8}  targets")
    for index, line in enumerate(results[smallest]):
        ratios = " ".join(f"{results[size][index].ratio:9.1f}x" for size in sizes)
        growth = results[largest][index].hub.p95_ms / line.hub.p95_ms
        read = line.name in READS
        verdict = ""
        if read:
            within = all(results[size][index].ratio <= 3 for size in sizes)
            verdict = f"ratio {'ok' if within else 'OVER 3x'}, growth {'ok' if growth <= 2 else 'OVER 2x'}"
        print(f"  {line.name:28} {ratios} {growth:7.2f}x  {verdict}")
    print("hub p95 / bare endpoint p95 (the same SQL and one audit insert behind HTTP) at each size")
    for index, line in enumerate(results[smallest]):
        if line.endpoint is not None:
            ratios = " ".join(f"{results[size][index].endpoint_ratio or 0:9.1f}x" for size in sizes)
            print(f"  {line.name:28} {ratios}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SCALE_SIZES", "10000,100000"),
                        help="children per database, comma-separated (1000000 for the full run)")
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_SCALE_REQUESTS", "200")))
    parser.add_argument("--append-seconds", type=float, default=5.0)
    parser.add_argument("--drop", action="store_true", help="drop the databases afterwards")
    arguments = parser.parse_args()
    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    key_dir = PROJECT_ROOT / "var" / "bench-scale-keys"  # the databases' sealed values open with these keys
    results: dict[int, list[Line]] = {}
    for size in sizes:
        hub = prepare(size, key_dir)
        try:
            lines = measure_reads(hub, arguments.requests)
        finally:
            hub.dispose()
        lines.append(measure_appends(database_url(size), key_dir, arguments.append_seconds))
        results[size] = lines
        print_size(size, lines)
    print_curve(results)
    if arguments.drop:
        admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for size in sizes:
                connection.execute(text(f'DROP DATABASE IF EXISTS "hub_scale_{size}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()

"""Time of a refused `child(id)` (a Northbridge child asked for by Southvale's social worker) against a
missing id, through the hub's real ASGI app, in the same run. Both must do the same work (the same SQL and
policy decisions: tests/integration/test_leaks_closed.py counts them), so the ratio should sit near 1.00.

Run: `.venv/bin/python bench/child_refusal.py [--requests N]`. The last line is `ratio=<refused/missing>`.
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

from hub.app import create_app
from hub.bootstrap import bootstrap
from hub.demo import seed
from hub.migrate import upgrade
from hub.settings import Settings
from hub.storage import queries
from hub.storage.unit_of_work import UnitOfWork

QUERY = "query($id: ID!) { child(id: $id) { givenName familyName } }"
MISSING = "00000000-0000-0000-0000-000000000000"


async def per_request(app, headers: dict[str, str], child_id: str, requests: int) -> float:
    """Median seconds per request."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        body = {"query": QUERY, "variables": {"id": child_id}}
        for _ in range(20):
            response = await client.post("/graphql", json=body, headers=headers)
            assert response.json() == {"data": {"child": None}}, response.text
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            await client.post("/graphql", json=body, headers=headers)
            times.append(time.perf_counter() - started)
        return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        upgrade(url)
        hub = bootstrap(replace(Settings.from_env({}), database_url=url, key_dir=Path(directory) / "keys"))
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session)
            uow.commit()
        with UnitOfWork(hub.session_factory) as uow:
            sue = queries.practitioner_by_email(uow.session, "sue.social@council.southvale.example")
            assert sue is not None
            amelia = uow.session.execute(queries.select_child_id_by_name("Amelia", "Hart")).scalar_one()
            token = hub.tokens.issue("practitioner", sue.id, sue.agency_id, datetime.now(UTC))
        headers = {"Authorization": f"Bearer {token}", "Hub-Purpose": "S47_ENQUIRY", "Hub-Case-Reference": "BENCH-1"}
        app = create_app(hub)
        ratios = []
        for round_number in range(1, args.rounds + 1):
            # Interleaved rounds, so a noisy neighbour slows both sides alike.
            missing = asyncio.run(per_request(app, headers, MISSING, args.requests))
            refused = asyncio.run(per_request(app, headers, amelia, args.requests))
            ratios.append(refused / missing)
            print(f"round {round_number}: refused {refused * 1000:.2f} ms, missing {missing * 1000:.2f} ms, "
                  f"ratio {refused / missing:.2f}")
        hub.dispose()
    print(f"ratio={statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()

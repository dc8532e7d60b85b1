"""`hub adapters ...` as an operator runs it, against a fresh database and a live simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from adapters.police.simulator import PoliceSimulator

HUB = [str(Path(sys.executable).parent / "hub")]  # the installed console script


def hub(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HUB, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_sync_summarises_and_a_bad_record_is_listed_shown_fixed_and_replayed(tmp_path: Path) -> None:
    simulator = PoliceSimulator(cohort_size=10)
    bad = {**simulator.feed.get("NB-20260912-0077"), "occurrenceRef": "NB-BAD-1", "type": "BURGLARY"}
    simulator.put(bad)
    with simulator:
        env = {
            **os.environ,
            "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
            "HUB_KEY_DIR": str(tmp_path / "keys"),
            "HUB_ADAPTER_POLICE_URL": simulator.url,
        }
        assert hub(env, "migrate").returncode == 0
        assert hub(env, "demo", "--reference-only").returncode == 0
        synced = hub(env, "adapters", "sync", "police")
        assert synced.returncode == 0, synced.stderr
        assert "1 quarantined" in synced.stdout and "new" in synced.stdout
        listed = hub(env, "adapters", "quarantine", "list")
        assert "NB-BAD-1" in listed.stdout
        from sqlalchemy import create_engine, text

        engine = create_engine(env["HUB_DATABASE_URL"])
        with engine.connect() as connection:
            item_id = connection.execute(
                text("SELECT id FROM adapter_quarantine WHERE source_id = 'NB-BAD-1'")
            ).scalar()
        engine.dispose()
        shown = hub(env, "adapters", "quarantine", "show", item_id)
        assert "unknown occurrence type 'BURGLARY'" in shown.stdout
        payload = json.loads(shown.stdout.split("\n", 1)[1])
        still = hub(env, "adapters", "quarantine", "replay", item_id)
        assert still.returncode == 1 and "still quarantined" in still.stderr
        fixed = tmp_path / "fixed.json"
        fixed.write_text(json.dumps({**payload, "type": "MISSING_PERSON"}))
        replayed = hub(env, "adapters", "quarantine", "replay", item_id, "--payload", str(fixed))
        assert replayed.returncode == 0 and "replayed: new" in replayed.stdout
        assert "NB-BAD-1" not in hub(env, "adapters", "quarantine", "list").stdout

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


def audit_of(url: str, resource_id: str) -> list[dict[str, str | None]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT action, decision, rule, policy_version, client_id, actor_practitioner_id FROM audit_events "
            "WHERE resource_id = :id ORDER BY seq"), {"id": resource_id}).mappings().all()
    engine.dispose()
    return [dict(row) for row in rows]


def test_quarantined_payloads_are_sealed_and_reading_one_is_decided_and_audited(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from hub.policy import Policy
    from hub.settings import PROJECT_ROOT

    simulator = PoliceSimulator(cohort_size=10)
    bad = {**simulator.feed.get("NB-20260912-0077"), "occurrenceRef": "NB-BAD-2", "type": "BURGLARY"}
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
        assert hub(env, "adapters", "sync", "police").returncode == 0
    engine = create_engine(env["HUB_DATABASE_URL"])
    with engine.connect() as connection:
        item_id, stored = connection.execute(
            text("SELECT id, payload FROM adapter_quarantine WHERE source_id = 'NB-BAD-2'")).one()
    engine.dispose()
    # At rest the payload is a sealed document: nothing of what the agency sent is readable from the database.
    assert "BURGLARY" not in stored and bad["subject"]["surname"] not in stored
    assert json.loads(stored)["sealed"].startswith("kek:")
    # Reading it is an operator's decided, audited action: a real rule and the policy version, before it shows.
    shown = hub(env, "adapters", "quarantine", "show", item_id)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout.split("\n", 1)[1])["type"] == "BURGLARY"
    version = Policy(PROJECT_ROOT / "policies").version
    [read] = [row for row in audit_of(env["HUB_DATABASE_URL"], item_id) if row["action"] == "read"]
    assert (read["decision"], read["rule"], read["policy_version"]) == (
        "ALLOW", "operator_reads_quarantined_item", version)
    assert read["actor_practitioner_id"] is None and str(read["client_id"]).startswith("hub-operator:")
    # A policy without the operators' rules refuses the read: no payload shown, the refusal on the ledger.
    strict = tmp_path / "policies"
    strict.mkdir()
    for path in (PROJECT_ROOT / "policies").glob("*.polar"):
        if path.name != "system.polar":
            (strict / path.name).write_text(path.read_text())
    refused = hub({**env, "HUB_POLICY_DIR": str(strict)}, "adapters", "quarantine", "show", item_id)
    assert refused.returncode == 3 and "BURGLARY" not in refused.stdout + refused.stderr
    assert [row["decision"] for row in audit_of(env["HUB_DATABASE_URL"], item_id) if row["action"] == "read"] == [
        "ALLOW", "DENY"]


def test_operator_commands_act_as_the_system_under_real_rules(tmp_path: Path) -> None:
    """`hub token` as an operator runs it: the audit event names a rule in policies/ and the policy version."""
    from hub.policy import Policy
    from hub.settings import PROJECT_ROOT

    env = {**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
           "HUB_KEY_DIR": str(tmp_path / "keys")}
    assert hub(env, "migrate").returncode == 0
    assert hub(env, "demo", "--reference-only").returncode == 0
    issued = hub(env, "token", "--practitioner", "sam.social@council.northbridge.example")
    assert issued.returncode == 0, issued.stderr
    from sqlalchemy import create_engine, text

    engine = create_engine(env["HUB_DATABASE_URL"])
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT rule, policy_version, client_id, actor_practitioner_id FROM audit_events "
            "WHERE action = 'token' ORDER BY seq DESC LIMIT 1")).mappings().one()
    engine.dispose()
    assert row["rule"] == "operator_issues_practitioner_tokens"
    assert row["rule"] in (PROJECT_ROOT / "policies" / "system.polar").read_text()
    assert row["policy_version"] == Policy(PROJECT_ROOT / "policies").version
    assert row["actor_practitioner_id"] is None and row["client_id"].startswith("hub-operator:")


def test_a_person_the_policy_may_not_queue_is_quarantined_and_nothing_is_written(tmp_path: Path) -> None:
    """Identity resolution decides before it writes, and honours the decision: with the queueing rule gone,
    Jade's police record (her birthday transposed, so no confident match) is quarantined with the reason, no
    resolution item is written, and the refusal is audited."""
    from sqlalchemy import create_engine, text

    from hub.settings import PROJECT_ROOT

    strict = tmp_path / "policies"
    strict.mkdir()
    for path in (PROJECT_ROOT / "policies").glob("*.polar"):
        source = path.read_text()
        if path.name == "adapters.polar":
            source = source.replace('"adapter_queues_an_unclear_identity") if\n    adapter_syncing(actor);', "") \
                .replace('permit(actor: Practitioner, "queue_for_resolution", _child: Child,', "")
        (strict / path.name).write_text(source)
    assert "queue_for_resolution" not in (strict / "adapters.polar").read_text()
    with PoliceSimulator(cohort_size=10) as simulator:
        env = {**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
               "HUB_KEY_DIR": str(tmp_path / "keys"), "HUB_ADAPTER_POLICE_URL": simulator.url,
               "HUB_POLICY_DIR": str(strict)}
        assert hub(env, "migrate").returncode == 0
        assert hub(env, "demo", "--children", "5").returncode == 0
        synced = hub(env, "adapters", "sync", "police")
        assert synced.returncode == 0, synced.stderr
    engine = create_engine(env["HUB_DATABASE_URL"])
    with engine.connect() as connection:
        queued = connection.execute(text("SELECT count(*) FROM identity_resolutions")).scalar_one()
        held = connection.execute(text(
            "SELECT status, reason FROM adapter_quarantine WHERE source_id IN "
            "(SELECT source_id FROM adapter_quarantine WHERE reason LIKE '%identity resolution%')")).all()
        refusals = connection.execute(text(
            "SELECT decision, rule FROM audit_events WHERE action = 'queue_for_resolution'")).all()
    engine.dispose()
    assert queued == 0
    assert held and all(status == "QUARANTINED" for status, _ in held)
    assert refusals and all(tuple(row) == ("DENY", "default_deny") for row in refusals)


def test_hub_migrate_seals_payloads_stored_before_sealing(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    env = {**os.environ, "HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
           "HUB_KEY_DIR": str(tmp_path / "keys")}
    assert hub(env, "migrate").returncode == 0
    engine = create_engine(env["HUB_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO adapter_quarantine (id, adapter, source_id, payload, reason, status, created_at, updated_at) "
            "VALUES ('q-old', 'police', 'NB-OLD-1', :payload, 'old', 'QUARANTINED', '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')"), {"payload": json.dumps({"subject": {"surname": "OLDNAME"}})})
    migrated = hub(env, "migrate")
    assert migrated.returncode == 0 and "1 stored documents sealed" in migrated.stdout, migrated.stderr
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT payload FROM adapter_quarantine WHERE id = 'q-old'")).scalar_one()
    engine.dispose()
    assert "OLDNAME" not in stored
    shown = hub(env, "adapters", "quarantine", "show", "q-old")
    assert shown.returncode == 0 and "OLDNAME" in shown.stdout

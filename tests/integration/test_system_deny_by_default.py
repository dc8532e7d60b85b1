"""Deny by default for the hub's own actors: under policies without the system rules (policies/system.polar),
every operator command that acts on something is refused, says so, changes nothing, and leaves a refusal on
the audit ledger with the rule that decided it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from hub.cli import app
from hub.settings import PROJECT_ROOT
from hub.storage import tables as t

COMMANDS = [
    (["token", "--practitioner", "sam.social@council.northbridge.example"], "token"),
    (["portal", "code", "--practitioner", "dee.dsl@primary.northbridge.example"], "print_second_factor_code"),
    (["keys", "rotate"], "rotate"),
    (["keys", "shred", "--child", "no-such-child", "--reason", "walk", "--yes"], "shred"),
    (["notifications", "endpoints", "add", "--agency-code", "NB01", "--url", "https://police.example/hook"],
     "add_webhook_endpoint"),
    (["notifications", "deadletters", "replay", "no-such-job"], "replay_delivery"),
    (["notifications", "deadletters", "list"], "list_dead_letters"),
]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("system")
    strict = root / "policies"
    strict.mkdir()
    for path in (PROJECT_ROOT / "policies").glob("*.polar"):
        if path.name != "system.polar":
            (strict / path.name).write_text(path.read_text())
    env = {"HUB_DATABASE_URL": f"sqlite:///{root / 'hub.sqlite3'}", "HUB_KEY_DIR": str(root / "keys")}
    runner = CliRunner()
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    assert runner.invoke(app, ["demo", "--reference-only"], env=env).exit_code == 0
    return {**env, "HUB_POLICY_DIR": str(strict)}


def state(url: str) -> tuple[int, ...]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counted = tuple(connection.execute(select(func.count()).select_from(table)).scalar_one()
                        for table in (t.WebhookEndpoint.__table__, t.ChildDataKey.__table__, t.Job.__table__))
    engine.dispose()
    return counted


@pytest.mark.parametrize(("args", "action"), COMMANDS, ids=[" ".join(args[:2]) for args, _ in COMMANDS])
def test_every_operator_command_is_refused_without_its_rule(env: dict[str, str], args: list[str],
                                                            action: str) -> None:
    keys_before = sorted(p.name for p in Path(env["HUB_KEY_DIR"]).iterdir())
    before = state(env["HUB_DATABASE_URL"])
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code != 0, result.output
    assert state(env["HUB_DATABASE_URL"]) == before
    assert sorted(p.name for p in Path(env["HUB_KEY_DIR"]).iterdir()) == keys_before
    engine = create_engine(env["HUB_DATABASE_URL"])
    with engine.connect() as connection:
        decided = connection.execute(text(
            "SELECT decision, rule, policy_version FROM audit_events WHERE action = :action ORDER BY seq DESC"),
            {"action": action}).first()
    engine.dispose()
    assert decided is not None and tuple(decided)[:2] == ("DENY", "default_deny"), (args, decided)
    assert decided[2]

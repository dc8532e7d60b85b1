"""``hub webhooks list|remove``: an operator sees which agency systems take notifications and takes one out
of use; each command is an administrative action on the audit ledger, and a removed endpoint gets nothing
more."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from hub.bootstrap import Hub
from hub.cli import app
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork

URL = "https://records.police.example/hub-webhooks"


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_an_operator_lists_and_removes_a_webhook_endpoint(hub: Hub, database_url: str, key_dir: Path) -> None:
    env = {"HUB_DATABASE_URL": database_url, "HUB_KEY_DIR": str(key_dir)}
    code, output = run(env, "notifications", "endpoints", "add", "--agency-code", "NB01", "--url", URL)
    assert code == 0, output
    endpoint_id = output.split()[1]

    code, output = run(env, "webhooks", "list")
    assert code == 0 and endpoint_id in output and URL in output and "Northbridge Police" in output
    assert "in use" in output

    code, output = run(env, "webhooks", "remove", endpoint_id)
    assert code == 0 and "removed" in output and URL in output
    code, output = run(env, "webhooks", "list")
    assert endpoint_id not in output  # only endpoints in use, unless asked
    code, output = run(env, "webhooks", "list", "--all")
    assert endpoint_id in output and "removed" in output

    # Removing it again, or an id that is no endpoint, says so and fails: nothing changes.
    code, output = run(env, "webhooks", "remove", endpoint_id)
    assert code == 2 and "removed already" in output
    code, output = run(env, "webhooks", "remove", "not-an-endpoint")
    assert code == 2 and "No webhook endpoint" in output

    with UnitOfWork(hub.session_factory) as uow:
        assert uow.session.get(t.WebhookEndpoint, endpoint_id).active is False  # type: ignore[union-attr]
        events = uow.session.execute(select(t.AuditEvent.action, t.AuditEvent.client_id, t.AuditEvent.reason,
                                            t.AuditEvent.rule)
                                     .where(t.AuditEvent.resource_type == "webhook_endpoint")
                                     .order_by(t.AuditEvent.seq)).all()
    actions = [action for action, _, _, _ in events]
    assert actions.count("remove_webhook_endpoint") == 1
    assert "list_webhook_endpoints" in actions
    removal = next(row for row in events if row[0] == "remove_webhook_endpoint")
    # The operator acts as a system actor, under a rule of policies/system.polar.
    assert removal[1].startswith("hub-operator:") and URL in removal[2]
    assert removal[3] == "operator_retires_agency_endpoints"


def test_reading_the_dead_letter_list_is_decided_and_audited(hub: Hub, database_url: str, key_dir: Path) -> None:
    """The list names agencies' systems and what the hub sent them: an operator's read under a rule."""
    env = {"HUB_DATABASE_URL": database_url, "HUB_KEY_DIR": str(key_dir)}
    code, output = run(env, "notifications", "deadletters", "list")
    assert code == 0, output
    with UnitOfWork(hub.session_factory) as uow:
        event = uow.session.execute(select(t.AuditEvent.decision, t.AuditEvent.rule, t.AuditEvent.policy_version,
                                           t.AuditEvent.client_id, t.AuditEvent.reason)
                                    .where(t.AuditEvent.action == "list_dead_letters")
                                    .order_by(t.AuditEvent.seq.desc())).first()
    assert event is not None, "the read left no audit event"
    decision, rule, version, client_id, reason = event
    assert (decision, rule) == ("ALLOW", "operator_lists_dead_letters") and version
    assert client_id.startswith("hub-operator:") and "dead letters" in reason

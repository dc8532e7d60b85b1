"""Who runs an operator command, for its audit event. The login name comes from the password database, not
the environment (only hub.settings reads the environment)."""

from __future__ import annotations

import os
import pwd
import uuid
from datetime import UTC, datetime

from hub.audit.entry import AuditEntry, Verdict

CLIENT = "hub-cli"


def operator_name() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


def operator_entry(action: str, resource_type: str, reason: str, *, child_id: str | None = None,
                   resource_id: str | None = None) -> AuditEntry:
    """An administrative action taken at the command line, for the audit chain."""
    return AuditEntry(
        occurred_at=datetime.now(UTC), request_id=f"cli-{uuid.uuid4().hex}", action=action,
        resource_type=resource_type, resource_id=resource_id, child_id=child_id, decision=Verdict.ALLOW,
        client_id=CLIENT, operation=f"hub {resource_type} {action}",
        reason=f"operator {operator_name()}: {reason}",
    )

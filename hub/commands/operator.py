"""An operator's command as one request: the hub's storage opened as the server opens it, the operator as
the system actor (``policies/system.polar`` decides each action), and the audit committed with the change.

The login name comes from the password database, not the environment (only hub.settings reads the
environment)."""

from __future__ import annotations

import os
import pwd
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer

from hub.access.request import Gateway, RequestScope, open_request
from hub.access.system import OPERATOR, System, SystemDoor
from hub.keys import KeyStore
from hub.settings import Settings


def operator_name() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


@dataclass(frozen=True)
class OperatorRequest:
    request: RequestScope
    door: SystemDoor
    keys: KeyStore

    def commit(self) -> None:
        self.request.commit()


@contextmanager
def operator_request(command: str, settings: Settings | None = None) -> Iterator[OperatorRequest]:
    """``command`` names the operation on the audit record, e.g. "keys rotate"."""
    from hub.bootstrap import open_storage
    from hub.policy import Policy
    from hub.reference import ReferenceData

    settings = settings or Settings.from_env()
    engine, factory, keys = open_storage(settings)
    gateway = Gateway(factory, Policy(settings.policy_dir), ReferenceData())
    try:
        with open_request(gateway, request_id=f"cli-{uuid.uuid4().hex}", operation=f"hub {command}") as request:
            system = System(OPERATOR, operator_name())
            yield OperatorRequest(request, request.as_system(system), keys)
    finally:
        engine.dispose()


def refused(what: str) -> typer.Exit:
    """The policy refused the operator: say so (the refusal is on the audit record) and fail."""
    typer.echo(f"The hub's policy does not let an operator {what}; the refusal is recorded.", err=True)
    return typer.Exit(code=3)

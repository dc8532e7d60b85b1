"""``hub webhooks list|remove``: the agency systems that take notifications as signed webhooks.

``hub notifications endpoints add`` registers one; these show them and take one out of use. Removing keeps
the row (deliveries already queued and dead letters name it) but marks it inactive: nothing more is sent
there, and a queued delivery to it fails as "removed". Both are administrative actions on the audit ledger.
"""

from __future__ import annotations

from datetime import datetime

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.system import SystemDoor
from hub.commands.operator import operator_request, refused
from hub.domain.access import HubResource
from hub.door import Subject
from hub.storage import tables as t

webhooks_app = typer.Typer(help="Agency systems that take notifications as signed webhooks: list, remove.",
                           no_args_is_help=True)
ENDPOINT = HubResource("webhook_endpoint")


def endpoints(session: Session, *, include_removed: bool) -> list[tuple[t.WebhookEndpoint, t.Agency]]:
    query = (select(t.WebhookEndpoint, t.Agency).join(t.Agency, t.Agency.id == t.WebhookEndpoint.agency_id)
             .order_by(t.Agency.name, t.WebhookEndpoint.created_at, t.WebhookEndpoint.id))
    if not include_removed:
        query = query.where(t.WebhookEndpoint.active.is_(True))
    return [(endpoint, agency) for endpoint, agency in session.execute(query).all()]


def remove_endpoint(door: SystemDoor, endpoint_id: str) -> tuple[t.WebhookEndpoint, t.Agency] | None:
    """Take an endpoint out of use; None when the policy refuses (recorded). LookupError when there is none
    with this id; ValueError when it was removed already (nothing changes, and nothing is recorded twice)."""
    endpoint = door.get(t.WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise LookupError(f"No webhook endpoint has the id {endpoint_id!r}: `hub webhooks list --all` shows them.")
    agency = door.get(t.Agency, endpoint.agency_id)
    assert agency is not None  # a foreign key
    if not endpoint.active:
        raise ValueError(f"Webhook endpoint {endpoint_id} ({agency.name}: {endpoint.url}) was removed already.")
    subject = Subject("webhook_endpoint", endpoint.id, None, agency.id)
    if not door.decide("remove_webhook_endpoint", ENDPOINT, subject, f"{agency.name}: {endpoint.url}").allowed:
        return None
    endpoint.active = False
    return endpoint, agency


@webhooks_app.command("list")
def list_endpoints(
    all_: bool = typer.Option(False, "--all", help="Include endpoints that were removed."),
) -> None:
    """Each endpoint: its id, the agency, where notifications go, and since when."""
    with operator_request("webhooks list") as op:
        if not op.door.decide("list_webhook_endpoints", ENDPOINT, Subject("webhook_endpoint"),
                              f"endpoints listed{' including removed ones' if all_ else ''}").allowed:
            op.commit()
            raise refused("list webhook endpoints")
        rows = op.door.query(endpoints, include_removed=all_)
        op.door.explain(f"{len(rows)} endpoint(s){' including removed ones' if all_ else ''}")
        lines = [_line(endpoint, agency) for endpoint, agency in rows]
        op.commit()
    if not lines:
        typer.echo("no webhook endpoints" + ("" if all_ else " in use (`--all` shows removed ones)"))
    for line in lines:
        typer.echo(line)


@webhooks_app.command("remove")
def remove(endpoint_id: str = typer.Argument(..., help="The endpoint's id, from `hub webhooks list`.")) -> None:
    """Stop delivering notifications to this endpoint (deliveries already queued to it fail as removed)."""
    with operator_request("webhooks remove") as op:
        try:
            removed = remove_endpoint(op.door, endpoint_id.strip())
        except (LookupError, ValueError) as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(code=2) from None
        op.commit()
    if removed is None:
        raise refused("remove webhook endpoints")
    endpoint, agency = removed
    typer.echo(f"endpoint {endpoint.id} removed: {agency.name} is no longer sent notifications at {endpoint.url}")


def _line(endpoint: t.WebhookEndpoint, agency: t.Agency) -> str:
    state = "in use" if endpoint.active else "removed"
    return (f"{endpoint.id}  {agency.official_code}  {agency.name}  {endpoint.url}  {state}  "
            f"since {_iso(endpoint.created_at)}")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")

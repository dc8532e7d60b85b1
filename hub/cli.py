"""The ``hub`` command line for operators."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from hub.settings import PROJECT_ROOT, Settings

app = typer.Typer(help="The safeguarding information-sharing hub.", no_args_is_help=True)
schema_app = typer.Typer(help="The published GraphQL contract (schema/schema.graphql).", no_args_is_help=True)
app.add_typer(schema_app, name="schema")
SCHEMA_FILE = PROJECT_ROOT / "schema" / "schema.graphql"



@app.command()
def serve(
    host: str = typer.Option(None, help="Defaults to HUB_HOST (127.0.0.1)."),
    port: int = typer.Option(None, help="Defaults to HUB_PORT (8000)."),
    with_simulators: bool = typer.Option(False, "--with-simulators",
                                         help="Start the agency simulators and sync them first (the demo)."),
) -> None:
    """Serve the hub (GraphQL at /graphql)."""
    import uvicorn

    from hub.app import create_app

    settings = Settings.from_env()
    if with_simulators:
        from hub.adapters.cli import start_simulators, sync_all
        from hub.bootstrap import bootstrap

        settings, _ = start_simulators(settings)  # free ports, unless HUB_ADAPTER_<SYSTEM>_URL names one
        syncing = bootstrap(settings)
        sync_all(syncing, _adapter_names())
        _acknowledge_demo_history(settings)
        syncing.dispose()
    from hub.observability import logs, tracing

    tracing.configure(settings.otel_exporter)
    log_config = logs.configure() if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG
    uvicorn.run(create_app(settings=settings), host=host or settings.host, port=port or settings.port,
                log_level="info", server_header=False, proxy_headers=True,
                forwarded_allow_ips=settings.forwarded_allow_ips, log_config=log_config)


def _acknowledge_demo_history(settings: Settings) -> None:
    from hub.commands.operator import operator_request
    from hub.demo_history import acknowledge_past_encompass
    from hub.door import utc_now

    with operator_request("demo history", settings) as op:
        acknowledge_past_encompass(op.door, utc_now())
        op.commit()


@app.command()
def migrate() -> None:
    """Bring the database up to the newest schema (idempotent)."""
    from hub.commands.operator import operator_request
    from hub.identity import resolution
    from hub.ingest import quarantine
    from hub.migrate import upgrade

    settings = Settings.from_env()
    upgrade(settings.database_url)
    # What an agency sent about people not yet matched to a child is sealed at rest; rows stored before that
    # are sealed here, once.
    with operator_request("migrate", settings) as op:
        sealed = op.door.query(quarantine.seal_stored) + op.door.query(resolution.seal_stored)
        op.commit()
    typer.echo("database is up to date" + (f"; {sealed} stored documents sealed" if sealed else ""))


SMALL_DEMO = 200  # hub.demo.seed builds up to this many children one by one; hub.region the rest


@app.command()
def demo(
    if_empty: bool = typer.Option(False, "--if-empty", help="Seed only when no demo data is there yet."),
    children: int = typer.Option(SMALL_DEMO, min=0, help="How many synthetic Northbridge children besides the "
                                 "named ones; past 200, the rest in bulk with about ten records each (1000000 "
                                 "builds a region; reruns add only what is missing)."),
    reference_only: bool = typer.Option(False, "--reference-only",
                                        help="Partnerships, agencies, practitioners and clients only: "
                                        "Northbridge's children then come from the agency simulators."),
) -> None:
    """Seed the demo partnerships, Northbridge and Southvale (idempotent: a second run changes nothing)."""
    import time
    import uuid

    from hub import region
    from hub.access.request import Gateway, open_request
    from hub.bootstrap import open_storage
    from hub.demo import seed
    from hub.policy import Policy
    from hub.reference import ReferenceData

    settings = Settings.from_env()
    engine, session_factory, keys = open_storage(settings)  # the demo's sensitive fields are sealed
    gateway = Gateway(session_factory, Policy(settings.policy_dir), ReferenceData())
    # The first children are the demo's own (the numbering the agency simulators share); past them, a region
    # written in bulk.
    small = min(children, SMALL_DEMO)
    with open_request(gateway, request_id=f"cli-demo-{uuid.uuid4().hex}", operation="hub demo") as request:
        seeded = request.seed_synthetic(seed, children=small, records=not reference_only)
        request.commit()
    if seeded:
        typer.echo("seeded the demo partnerships: Northbridge and Southvale")
    if not reference_only and children > small and (seeded or not if_empty):
        started = time.perf_counter()
        with typer.progressbar(length=children - small, label="children", show_pos=True) as bar:
            built = region.build(engine, keys, children - small, progress=bar.update)
        elapsed = time.perf_counter() - started
        rate = built.children / elapsed if elapsed else 0.0
        typer.echo(f"{built.children} children and {built.records} records added, {built.skipped} already there "
                   f"({elapsed:.1f} s, {rate:,.0f} children/s)")
    elif not seeded:
        typer.echo("the demo is already seeded; nothing changed" + ("" if if_empty else " (idempotent)"))
    engine.dispose()


@app.command()
def token(practitioner: str = typer.Option(..., help="The practitioner's e-mail address."),
          lifetime_seconds: int | None = typer.Option(
              None, help="How long the token lives; at most HUB_TOKEN_MAX_LIFETIME_SECONDS.")) -> None:
    """Print an access token for a practitioner (for operators; it expires after HUB_TOKEN_TTL_SECONDS, or the
    lifetime asked for: never more than HUB_TOKEN_MAX_LIFETIME_SECONDS)."""
    from hub.commands.operator import operator_request, refused
    from hub.domain.access import HubResource
    from hub.door import Subject, utc_now
    from hub.errors import ValidationError
    from hub.storage import queries
    from hub.tokens import TokenIssuer

    settings = Settings.from_env()
    with operator_request("token", settings) as op:  # its audit event may fall due for a checkpoint
        issuer = TokenIssuer(op.keys, settings.token_issuer, settings.token_ttl_seconds,
                             max_lifetime_seconds=settings.token_max_lifetime_seconds)
        try:
            lifetime = issuer.lifetime(lifetime_seconds)
        except ValidationError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(code=2) from None
        row = op.door.query(queries.practitioner_by_email, practitioner)
        if row is None or not row.active:
            typer.echo(f"No active practitioner with the e-mail address {practitioner!r}.", err=True)
            raise typer.Exit(code=2)
        subject = Subject("practitioner", row.id, None, row.agency_id)
        if not op.door.decide("token", HubResource("practitioner"), subject,
                              f"operator issued a token for {row.email} with `hub token` ({lifetime} s)").allowed:
            op.commit()
            raise refused("issue tokens")
        issued = issuer.issue("practitioner", row.id, row.agency_id, utc_now(), lifetime)
        op.commit()
    typer.echo(issued)


@schema_app.command("export")
def schema_export(output: Path = typer.Option(None, help="Write here instead of standard output.")) -> None:
    """Print the GraphQL SDL (the published contract)."""
    from schema.build import printed_schema

    text = printed_schema()
    if output:
        output.write_text(text)
    else:
        sys.stdout.write(text)


@schema_app.command("check")
def schema_check() -> None:
    """Fail when schema/schema.graphql differs from the schema the code serves."""
    from schema.build import printed_schema

    if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text() != printed_schema():
        typer.echo(
            "schema/schema.graphql differs from the served schema. If the change is deliberate, run "
            "`hub schema export --output schema/schema.graphql` and note any breaking change.",
            err=True,
        )
        raise typer.Exit(code=1)
    typer.echo("schema/schema.graphql matches the served schema")


def _adapter_names() -> list[str]:
    from hub.adapters.registry import NAMES

    return list(NAMES)


from hub.adapters.cli import adapters_app  # noqa: E402 - the adapters' commands, kept in their own module

app.add_typer(adapters_app, name="adapters")

# -- the audit ledger and the keys ----------------------------------------------------------------
from hub.commands.audit import audit_app  # noqa: E402 - sub-command groups join the app defined above
from hub.commands.keys import keys_app  # noqa: E402
from hub.commands.webhooks import webhooks_app  # noqa: E402

app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(webhooks_app, name="webhooks")

# -- the worker, and notification delivery --------------------------------------------------------------
notifications_app = typer.Typer(help="Notification delivery to agency systems (signed webhooks).",
                                no_args_is_help=True)
deadletters_app = typer.Typer(help="Deliveries that kept failing, kept for an operator to replay.",
                              no_args_is_help=True)
endpoints_app = typer.Typer(help="Agency systems that take notifications as signed webhooks.", no_args_is_help=True)
app.add_typer(notifications_app, name="notifications")
notifications_app.add_typer(deadletters_app, name="deadletters")
notifications_app.add_typer(endpoints_app, name="endpoints")


@app.command()
def worker(
    once: bool = typer.Option(False, "--once", help="Do the due jobs once and stop (e.g. from cron)."),
    owner: str = typer.Option(None, help="This worker's lease name; defaults to host and process id."),
) -> None:
    """Fire due timers (due soon, overdue, unacknowledged Encompass notices) and deliver webhooks. Run as many
    as you like, on as many replicas: leases keep any job from being done twice."""
    import os
    import signal
    import socket
    import threading

    from hub.bootstrap import bootstrap
    from hub.worker.runner import Worker

    hub = bootstrap(Settings.from_env())
    runner = Worker(hub.session_factory, hub.keys, hub.workflow, hub.settings.workflow,
                    owner or f"{socket.gethostname()}-{os.getpid()}", policy=hub.policy)
    try:
        if once:
            typer.echo(f"{runner.run_until_idle()} jobs done")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        typer.echo(f"worker {runner.owner} started")
        runner.run_forever(stop)
    finally:
        runner.close()
        hub.dispose()


@deadletters_app.command("list")
def deadletters_list() -> None:
    """Every delivery on the dead-letter list, oldest failure first."""
    from hub.commands.operator import operator_request, refused
    from hub.worker.operations import dead_letters

    with operator_request("notifications deadletters list") as op:
        try:
            letters = dead_letters(op.door)
        except PermissionError:
            op.commit()
            raise refused("read the dead-letter list") from None
        op.commit()
    if not letters:
        typer.echo("the dead-letter list is empty")
    for letter in letters:
        failed = letter.failed_at.isoformat() if letter.failed_at else "-"
        typer.echo(f"{letter.job_id}  {letter.kind or '-'}  notification {letter.notification_id}  to {letter.url}  "
                   f"after {letter.attempts} attempts  ({letter.last_error})  {failed}")


@deadletters_app.command("replay")
def deadletters_replay(
    job_ids: list[str] = typer.Argument(None, help="Dead letters to replay (ids from `list`)."),
    all_: bool = typer.Option(False, "--all", help="Replay every dead letter."),
) -> None:
    """Queue dead letters for delivery again, now; a running worker sends them."""
    from hub.commands.operator import operator_request, refused
    from hub.door import utc_now
    from hub.worker.operations import dead_letters, replay

    with operator_request("notifications deadletters replay") as op:
        try:
            wanted = [letter.job_id for letter in dead_letters(op.door)] if all_ else list(job_ids or [])
        except PermissionError:
            op.commit()
            raise refused("read the dead-letter list") from None
        replayed = replay(op.door, wanted, utc_now())
        op.commit()
    for job_id in wanted:
        typer.echo(f"{job_id}: {'queued again' if job_id in replayed else 'not on the dead-letter list'}")
    if len(replayed) < len(wanted):
        raise typer.Exit(code=1)


@endpoints_app.command("add")
def endpoints_add(
    agency_code: str = typer.Option(..., help="The agency's official code (LA code, force code, ODS, URN)."),
    url: str = typer.Option(..., help="Where to POST its notifications (https)."),
) -> None:
    """Deliver an agency's notifications to its system as signed webhooks."""
    from hub.commands.operator import operator_request, refused
    from hub.door import utc_now
    from hub.worker.operations import add_endpoint

    with operator_request("notifications endpoints add") as op:
        try:
            endpoint_id = add_endpoint(op.door, agency_code, url, utc_now())
        except (LookupError, ValueError) as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(code=2) from None
        except PermissionError:
            op.commit()
            raise refused("register webhook endpoints") from None
        op.commit()
    typer.echo(f"endpoint {endpoint_id} added")


portal_app = typer.Typer(help="The web portal for school DSLs and IG officers (/portal).", no_args_is_help=True)
app.add_typer(portal_app, name="portal")


@portal_app.command("code")
def portal_code(practitioner: str = typer.Option(..., help="The practitioner's e-mail address.")) -> None:
    """Print a practitioner's current portal sign-in code (their TOTP second factor), for operators and the
    demo. The use is recorded on the audit ledger."""
    from hub.commands.operator import operator_request, refused
    from hub.domain.access import HubResource
    from hub.door import Subject, utc_now
    from hub.services.portal_sign_in import current_code, totp_secret
    from hub.storage import queries
    from hub.storage.portal_tables import PortalAccount

    with operator_request("portal code") as op:  # its audit event may fall due for a checkpoint
        row = op.door.query(queries.practitioner_by_email, practitioner)
        account = op.door.get(PortalAccount, row.id) if row is not None and row.active else None
        if row is None or account is None or account.totp_secret is None or account.totp_confirmed_at is None:
            typer.echo(f"{practitioner!r} has no portal second factor (no account, or not enrolled yet: the "
                       "first sign-in shows a QR code to enrol).", err=True)
            raise typer.Exit(code=2)
        now = utc_now()
        subject = Subject("portal_account", row.id, None, row.agency_id)
        if not op.door.decide("print_second_factor_code", HubResource("portal_account"), subject,
                              "operator printed a portal sign-in code with `hub portal code`").allowed:
            op.commit()
            raise refused("print portal sign-in codes")
        op.commit()
        secret = op.door.query(totp_secret, account)
        assert secret is not None
        code = current_code(secret, now)
    typer.echo(code)

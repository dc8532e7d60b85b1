"""``hub audit verify`` and ``hub audit export``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from hub.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from hub.audit.chain import Report
    from hub.audit.export import ExportFilter

audit_app = typer.Typer(help="The tamper-evident audit ledger.", no_args_is_help=True)

DATES = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]

EXPORT_HELP = """Export audit events (JSON Lines or CSV), with what it takes to verify them offline.

The export is itself audited, and a checkpoint is signed over the chain including it first, so every
exported event is covered by a signature in the file. Verify it with
`hub audit verify --export FILE --public-key KEYS.pem` (`hub keys public` writes the keys).

A filtered JSON Lines export CAN prove that each exported event is, byte for byte, the event recorded at
its sequence number in the signed chain, and how many events were recorded between them: the others are
carried as digests only, never their content. It CANNOT prove that the filter chose every event it should
have: an omitted event's content cannot be checked against the filter. Only an unfiltered export proves
completeness (up to the newest checkpoint).

CSV is for reading: it cannot tell an empty value from a missing one, so its rows cannot be re-hashed; it
holds each event's seq, prev_hash and hash, to match rows against a verified JSON Lines export.
"""


def load_public_keys(paths: list[Path]) -> list[Ed25519PublicKey]:
    """Every Ed25519 public key in the PEM files (a file may hold several, as `hub keys public` writes)."""
    keys: list[Ed25519PublicKey] = []
    end = "-----END PUBLIC KEY-----"
    for path in paths:
        text = path.read_text()
        for block in text.split(end)[:-1]:
            pem = block[block.index("-----BEGIN PUBLIC KEY-----"):] + end + "\n"
            key = serialization.load_pem_public_key(pem.encode())
            if not isinstance(key, Ed25519PublicKey):
                raise typer.BadParameter(f"{path} holds a key that is not Ed25519", param_hint="--public-key")
            keys.append(key)
    if paths and not keys:
        raise typer.BadParameter("no PEM public key in the files given", param_hint="--public-key")
    return keys


def verify_live(settings: Settings, engine: Engine, trusted: Iterable[Ed25519PublicKey],
                kept: list[tuple[str, str]], stale_after: int | None = None) -> Report:
    """The database's chain, held to the settings' signing interval and the checkpoints kept outside it."""
    from hub.audit.coverage import Coverage
    from hub.audit.verify import verify_database
    from hub.audit.witness import published

    return verify_database(
        engine, trusted, settings.audit_origin,
        stale_after=timedelta(seconds=settings.checkpoint_stale_seconds if stale_after is None else stale_after),
        coverage=Coverage(settings.checkpoint_every_events, settings.checkpoint_every_seconds),
        vouched=kept + published(settings.checkpoint_publish_dir))


@audit_app.command("verify")
def verify(
    export: Path = typer.Option(None, "--export", exists=True, dir_okay=False,
                                help="Verify this JSON Lines export offline, instead of the live database."),
    public_key: list[Path] = typer.Option(
        [], "--public-key", exists=True, dir_okay=False,
        help="PEM file of the Ed25519 public keys to trust (repeatable). Needed with --export; with the "
        "database it replaces the key directory's keys."),
    stale_after: int = typer.Option(None, help="Warn when the newest checkpoint covers nothing newer than "
                                    "this many seconds (default HUB_CHECKPOINT_STALE_SECONDS)."),
    trusted_checkpoint: list[Path] = typer.Option(
        [], "--trusted-checkpoint", exists=True, dir_okay=False,
        help="A signed checkpoint kept outside the database (repeatable): the log must still hold it. "
        "The newest one published to HUB_CHECKPOINT_PUBLISH_DIR is checked too."),
) -> None:
    """Check the hash chain and every checkpoint signature. Exit 0 when intact; 1 and the first bad
    sequence number when an event was edited, deleted, inserted or reordered, a checkpoint forged or
    deleted, or the log no longer holds a checkpoint kept outside it; 2 when it cannot be checked."""
    from hub.audit.export_format import ExportFormatError
    from hub.audit.verify import verify_export
    from hub.audit.witness import TrustedCheckpointError

    settings = Settings.from_env()
    trusted = load_public_keys(public_key)
    try:
        if export is not None:
            if not trusted:
                raise typer.BadParameter("offline verification needs the public key",
                                         param_hint="--public-key")
            report = verify_export(export, trusted)
        else:
            from hub.keys import KeyStore
            from hub.storage.database import make_engine

            engine = make_engine(settings.database_url)
            try:
                kept = [(str(path), path.read_text()) for path in trusted_checkpoint]
                report = verify_live(settings, engine, trusted or KeyStore(settings.key_dir).public_keys().values(),
                                     kept, stale_after)
            finally:
                engine.dispose()
    except (ExportFormatError, TrustedCheckpointError, UnicodeDecodeError) as error:
        typer.echo(f"cannot verify: {error}", err=True)
        raise typer.Exit(code=2) from None
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if not report.intact:
        typer.echo(f"TAMPERED: first bad sequence number {report.first_bad}\n{report.problem}")
        raise typer.Exit(code=1)
    omitted = f" and {report.omitted} omitted as digests" if report.omitted else ""
    shown = f"{report.events} events{omitted}"
    newest = f", newest at size {report.newest_checkpoint}" if report.newest_checkpoint else ""
    typer.echo(f"intact: {shown}, {report.checkpoints} signed checkpoints{newest}")


@audit_app.command("export", help=EXPORT_HELP)
def export(
    output: Path = typer.Option(..., "--output", "-o", dir_okay=False, help="The file to write."),
    file_format: str = typer.Option("jsonl", "--format", help="jsonl (verifiable) or csv (for reading)."),
    since: datetime = typer.Option(None, formats=DATES, help="Events at or after this moment (UTC)."),
    until: datetime = typer.Option(None, formats=DATES, help="Events before this moment (UTC)."),
    agency: str = typer.Option(None, help="An agency id or official code: events where it acted or owns."),
    practitioner: str = typer.Option(None, help="A practitioner id or e-mail address: events they made."),
    child: str = typer.Option(None, help="A child's hub id: every access to their information."),
) -> None:
    from hub.audit.export import ExportFilter, write_export
    from hub.bootstrap import open_storage

    if file_format not in ("jsonl", "csv"):
        raise typer.BadParameter("jsonl or csv", param_hint="--format")
    settings = Settings.from_env()
    filters = ExportFilter(since, until, agency, practitioner, child)
    engine, factory, keys = open_storage(settings)
    try:
        through = _decide_export(settings, factory, filters, file_format)
        columns = (TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True) as progress, output.open("wb") as out:
            task = progress.add_task("export", total=None)
            result = write_export(engine, out, file_format, filters, origin=settings.audit_origin,  # type: ignore[arg-type]
                                  through=through, started=lambda n: progress.update(task, total=n),
                                  advance=lambda n: progress.advance(task, n))
        # An export of a broken ledger must not pass for a good one: the file is written (it may be needed),
        # and the operator is told, with a non-zero exit, that it does not verify.
        report = verify_live(settings, engine, keys.public_keys().values(), [])
    finally:
        engine.dispose()
    omitted = f" ({result.omitted} others as digests)" if result.omitted else ""
    typer.echo(f"exported {result.matched} events{omitted} through event {result.through_seq}, "
               f"{result.checkpoints} checkpoints, to {output}")
    if not report.intact:
        typer.echo(f"warning: the ledger does not verify: first bad sequence number {report.first_bad}\n"
                   f"{report.problem}", err=True)
        raise typer.Exit(code=1)


def _decide_export(settings: Settings, factory: sessionmaker[Session], filters: ExportFilter,
                   file_format: str) -> int:
    """The export as the operator's action, decided by ``policies/system.polar`` and audited; then a checkpoint
    signed over the chain including that audit entry, so the file covers its own export. The size signed."""
    import uuid

    import orjson

    from hub.access.request import Gateway, open_request
    from hub.access.system import OPERATOR, System
    from hub.commands.operator import operator_name, refused
    from hub.domain.access import HubResource
    from hub.door import Subject
    from hub.policy import Policy
    from hub.reference import ReferenceData

    gateway = Gateway(factory, Policy(settings.policy_dir), ReferenceData())
    with open_request(gateway, request_id=f"cli-{uuid.uuid4().hex}", operation="hub audit export") as request:
        door = request.as_system(System(OPERATOR, operator_name()))
        allowed = door.decide("export", HubResource("audit_events"), Subject("audit_events", child_id=filters.child_id),
                              f"exported {file_format}: {orjson.dumps(filters.describe()).decode()}").allowed
        request.commit()  # the export's own entry first: the checkpoint below covers it
        if not allowed:
            raise refused("export the audit ledger")
        through = request.sign_checkpoint()
        request.commit()
    return through

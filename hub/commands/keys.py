"""``hub keys list|rotate|public|shred``: the key directory and children's data keys."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from cryptography.hazmat.primitives import serialization
from rich.console import Console
from rich.table import Table

from hub.settings import Settings

keys_app = typer.Typer(help="Signing keys, key-encryption keys and children's data keys.",
                       no_args_is_help=True)


@keys_app.command("list")
def list_keys() -> None:
    """The keys in the key directory (never their secrets)."""
    from hub.keys import KeyStore

    table = Table("kind", "id", "current", "created")
    for info in KeyStore(Settings.from_env().key_dir).list():
        table.add_row(info.kind, info.key_id, "yes" if info.current else "", info.created_at.isoformat())
    Console().print(table)


@keys_app.command("rotate")
def rotate() -> None:
    """A new signing key and a new key-encryption key, then every child's data key re-wrapped under it.

    Old keys stay: checkpoints and tokens they signed still verify, and a data key not yet re-wrapped (if
    this stops half-way, or a running hub made one under the old key meanwhile) stays readable; the next
    rotation re-wraps it."""
    from hub.commands.operator import operator_request, refused
    from hub.domain.access import HubResource
    from hub.door import Subject
    from hub.storage import sealing

    with operator_request("keys rotate") as op:
        if not op.door.decide("rotate", HubResource("keys"), Subject("keys"), "rotate the keys").allowed:
            op.commit()
            raise refused("rotate the keys")
        signing_id, kek_id = op.keys.rotate()
        rewrapped = op.door.query(sealing.rewrap_all, op.keys)
        op.door.explain(f"new signing key {signing_id}, new key-encryption key {kek_id}; "
                        f"{rewrapped} data keys re-wrapped")
        op.commit()
    typer.echo(f"signing key {signing_id} and key-encryption key {kek_id} are current; "
               f"{rewrapped} data keys re-wrapped")


@keys_app.command("public")
def public(output: Path = typer.Option(None, "--output", "-o", help="Write here instead of standard output.")
           ) -> None:
    """The Ed25519 public keys, old and current, as PEM: what `hub audit verify --export` needs."""
    from hub.keys import KeyStore

    blocks = []
    for kid, key in KeyStore(Settings.from_env().key_dir).public_keys().items():
        pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        blocks.append(f"# {kid}\n{pem.decode()}")
    text = "".join(blocks)
    if output:
        output.write_text(text)
    else:
        typer.echo(text, nl=False)


@keys_app.command("shred")
def shred(
    child: str = typer.Option(..., "--child", help="The child's hub id."),
    reason: str = typer.Option(..., help="Why, for the audit record (the erasure decision's reference)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete a child's data keys: their sealed fields (record detail, RESTRICTED content, a withheld
    address) become unreadable for good and read as "[shredded]". The audit chain still verifies: it
    hashes what is stored, and audit events hold no sealed content. Backups taken before the shred still
    hold the wrapped keys: shredding is complete once those backups expire."""
    from hub.commands.operator import operator_request, refused
    from hub.domain.access import HubResource
    from hub.door import Subject
    from hub.storage import sealing

    if not yes:
        typer.confirm(f"Shred every sealed field of child {child}? This cannot be undone.", abort=True)
    with operator_request("keys shred") as op:
        subject = Subject("child_data_keys", None, child)
        if not op.door.decide("shred", HubResource("child_data_keys"), subject, reason.strip()).allowed:
            op.commit()
            raise refused("shred a child's data keys")
        shredded = op.door.query(sealing.shred_child, child, datetime.now(UTC))
        op.door.explain(f"{reason.strip()} ({shredded} data keys)")
        op.commit()
    if not shredded:
        typer.echo(f"child {child} has no live data key: nothing sealed to shred (recorded anyway)")
        return
    typer.echo(f"shredded {shredded} data key(s) of child {child}")

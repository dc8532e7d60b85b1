"""Checkpoints kept outside the database, so that a log cut back or rolled back as a whole still shows.

A checkpoint stored beside the events it signs can be deleted with them: the log then looks whole, only
shorter (the verifier can only warn that the newest checkpoint is old). So every checkpoint, once its
transaction has committed, is also written to a directory the database cannot reach
(``HUB_CHECKPOINT_PUBLISH_DIR``: another volume, a synced bucket, a witness's inbox), and ``hub audit
verify`` holds the log to it, as it does to a note the operator kept (``--trusted-checkpoint FILE``).

The directory holds ``checkpoint``, the newest signed note (the name C2SP tlog-tiles gives a log's newest
checkpoint). Publishing happens after commit: a checkpoint whose transaction rolled back never existed,
and publishing it would make an honest log look cut. A note is only ever replaced by a larger one.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from hub.audit import note

LATEST = "checkpoint"
# Where a session keeps the notes it signed until its transaction commits, when they are published.
PENDING_KEY = "hub.audit.unpublished"
PUBLISHING_KEY = "hub.audit.publishing"

log = logging.getLogger("hub.audit.witness")


class TrustedCheckpointError(ValueError):
    """A note given to vouch for the log cannot be read or was not signed by a trusted key."""


def hold(session: Session, signed: str) -> None:
    """Keep a freshly signed note until the session's transaction commits (see ``attach``)."""
    if session.info.get(PUBLISHING_KEY):
        session.info.setdefault(PENDING_KEY, []).append(signed)


def attach(factory: sessionmaker[Session], directory: Path) -> None:
    """Publish the notes each session signed to ``directory`` once its transaction commits."""
    directory.mkdir(parents=True, exist_ok=True)
    factory.configure(info={**factory.kw.get("info", {}), PUBLISHING_KEY: True})

    def after_commit(session: Session) -> None:
        pending: list[str] = session.info.pop(PENDING_KEY, [])
        for signed in pending:
            try:
                publish(directory, signed)
            except OSError:  # the checkpoint is committed; the next one will be published in its place
                log.exception("could not publish an audit checkpoint to %s", directory)

    def forget(session: Session, *_: Any) -> None:
        session.info.pop(PENDING_KEY, None)

    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", forget)


def publish(directory: Path, signed: str) -> None:
    """Write ``signed`` as the newest checkpoint unless a larger one is there already (replicas race)."""
    size = _size(signed)
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        latest = directory / LATEST
        if latest.exists() and _size(latest.read_text()) >= size:
            return
        temporary = directory / f".{LATEST}.{os.getpid()}"
        temporary.write_text(signed)
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        temporary.replace(latest)


def published(directory: Path | None) -> list[tuple[str, str]]:
    """(where, note) of the newest published checkpoint, if any."""
    if directory is None or not (directory / LATEST).exists():
        return []
    return [(str(directory / LATEST), (directory / LATEST).read_text())]


def vouched_roots(notes: Iterable[tuple[str, str]], trusted: Iterable[Ed25519PublicKey],
                  origin: str) -> dict[int, str]:
    """size -> root of each note, all of which must be checkpoints of this log signed by a trusted key."""
    keys = list(trusted)
    roots: dict[int, str] = {}
    for where, text in notes:
        try:
            checkpoint = note.open_note(text, keys)
        except note.NoteError as error:
            raise TrustedCheckpointError(f"{where} cannot vouch for the log: {error}") from None
        if checkpoint.origin != origin:
            raise TrustedCheckpointError(f"{where} is a checkpoint of {checkpoint.origin}, not of {origin}")
        if roots.get(checkpoint.size, checkpoint.root_hash) != checkpoint.root_hash:
            raise TrustedCheckpointError(f"{where} signs another root for size {checkpoint.size}: the log "
                                         "was forked")
        roots[checkpoint.size] = checkpoint.root_hash
    return roots


def _size(signed: str) -> int:
    lines = signed.split("\n")
    return int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else -1

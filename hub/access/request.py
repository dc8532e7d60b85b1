"""One request scope for every way in: ``open_request``.

A request is one unit of work. It identifies who is calling (a token, a portal session, an adapter's
service account, or the hub itself), opens the door for them, lets the caller's work run through it, and
then commits the work together with its audit entries, or nothing at all. Refusals made before anyone is
identified (a bad token, an expired portal session) are audited in the same transaction.

    with open_request(hub.gateway, request_id=rid, operation="graphql") as request:
        actor = request.authenticate(hub.tokens, authorization, on_behalf_of)   # refusal audited
        door = request.enter(actor, purpose=purpose, case_reference=case)
        ...                                                                     # the work, through the door
        request.commit()                                                        # audit + work, or neither

Leaving the block without ``commit`` rolls everything back: the unit of work, and the audit entries with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from hub.access import accounting, core_reads, guard  # noqa: F401  (core_reads: listeners only)
from hub.access.system import System, SystemDoor
from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.authentication import authenticate
from hub.domain.actor import Actor
from hub.door import Clock, Door, utc_now
from hub.errors import AuthenticationError
from hub.policy import Policy
from hub.reference import ReferenceData
from hub.storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from hub.services.fetch_on_demand import DetailFetcher
    from hub.tokens import TokenIssuer

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class Gateway:
    """What opening a request needs: the database, the policy, reference data and the clock."""

    session_factory: sessionmaker[Session]
    policy: Policy
    reference: ReferenceData
    clock: Clock = utc_now
    detail_fetcher: DetailFetcher | None = None


class RequestScope:
    """One request's unit of work: whom it serves, its door, and the audit entries it owes."""

    def __init__(self, gateway: Gateway, uow: UnitOfWork, request_id: str, operation: str | None) -> None:
        self._gateway = gateway
        self._uow = uow
        self.request_id = request_id
        self.operation = operation
        self._door: Door | None = None
        self._system: SystemDoor | None = None
        self._owed: list[AuditEntry] = []  # refusals and notes made before (or instead of) a door

    # -- before anyone is identified -------------------------------------------------------------------
    def authenticate(self, tokens: TokenIssuer, authorization: str | None, on_behalf_of: str | None, *,
                     resource_type: str = "graphql") -> Actor:
        """The caller, from a bearer token; a refusal is audited with this request before it is raised."""
        try:
            return authenticate(self._uow.session, tokens, authorization, on_behalf_of)
        except AuthenticationError as error:
            self.refuse("authenticate", resource_type, error.message, client_id=error.client_id)
            raise

    def identify(self, step: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run an identification step (a portal session's lookup, a sign-in check) in this unit of work:
        ``request.identify(check_password, email, password, ctx)`` calls it with the session first.

        Only sign-in and session services belong here: child data is reached through the door."""
        return step(self._uow.session, *args, **kwargs)

    def refuse(self, action: str, resource_type: str, reason: str, *, client_id: str | None = None) -> None:
        """Audit a refusal made before any actor was established."""
        self._owed.append(AuditEntry(
            occurred_at=self._gateway.clock(), request_id=self.request_id, operation=self.operation,
            action=action, resource_type=resource_type, decision=Verdict.DENY,
            client_id=client_id[:100] if client_id else None, reason=reason[:500],
        ))

    def note(self, entry: AuditEntry) -> None:
        """Record what identifying the caller came to, when no door follows (a client's credentials
        accepted at /oauth/token)."""
        self._owed.append(entry)

    # -- the door ----------------------------------------------------------------------------------------
    def enter(self, actor: Actor, *, purpose: str | None, case_reference: str | None,
              operation: str | None = None) -> Door:
        """The door for ``actor``, declaring ``purpose`` and ``case_reference``; one per request."""
        if self._door is not None or self._system is not None:
            raise RuntimeError("A request opens one door.")
        gateway = self._gateway
        door = Door(self._uow, gateway.policy, gateway.reference, actor, request_id=self.request_id,
                    purpose_code=purpose, case_reference=case_reference, clock=gateway.clock,
                    detail_fetcher=gateway.detail_fetcher)
        door.operation = operation or self.operation
        self._door = door
        guard.open_(self._uow.session)
        return door

    def as_system(self, system: System) -> SystemDoor:
        """The door for the hub acting on its own (the worker, an operator's command)."""
        if self._door is not None or self._system is not None:
            raise RuntimeError("A request opens one door.")
        self._system = SystemDoor(self._uow.session, self._gateway.policy, system, self.request_id,
                                  self.operation, self._gateway.clock)
        guard.open_(self._uow.session)
        return self._system

    # -- work that needs no door ---------------------------------------------------------------------------
    def seed_synthetic(self, step: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Write the demo's synthetic children and reference data (``hub demo``), before the hub serves anyone.

        The one step that reaches child tables with no door: there is no caller to decide for and no real
        child to protect, so nothing is decided; any audit the step owes is its own. Nothing else belongs here."""
        if self._door is not None or self._system is not None:
            raise RuntimeError("Seeding is a request of its own, before any door.")
        guard.open_(self._uow.session)
        return step(self._uow.session, *args, **kwargs)

    def sign_checkpoint(self) -> int:
        """Sign a checkpoint over the whole audit chain now; the size signed. An export does this after its
        own audit entry is committed, so the file carries a signature covering it. It reads no child data."""
        return ledger.checkpoint_now(self._uow.session)

    # -- the end -----------------------------------------------------------------------------------------
    def commit(self) -> list[int]:
        """Append every audit entry this request owes and commit its work: together, or neither. A request
        that read a child's rows without asking the policy about the child commits only its refusal, and
        raises (``hub.access.accounting``)."""
        if self._door is not None:
            self._door.settle_undecided(owed=self._owed)
        entries = [*self._owed, *(self._door.pending_entries if self._door else ()),
                   *(self._system.entries if self._system else ())]
        # The unit of work's commit, with the events; a read that wrote nothing joins the group commit.
        seqs = ledger.append_and_commit(self._uow.session, entries)
        self._owed = []
        if self._door is not None:
            self._door.forget_pending()
        if self._system is not None:
            self._system.entries.clear()
        return seqs


@contextmanager
def open_request(gateway: Gateway, *, request_id: str, operation: str | None = None) -> Iterator[RequestScope]:
    """A request's scope; rolled back (work and audit) unless ``commit`` is called."""
    with UnitOfWork(gateway.session_factory) as uow:
        guard.close(uow.session)  # child data only through a door (hub.access.guard)
        try:
            yield RequestScope(gateway, uow, request_id, operation)
        finally:
            guard.forget(uow.session)
            accounting.forget(uow.session)

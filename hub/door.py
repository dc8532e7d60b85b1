"""The one door to child data.

Every read or write of child data goes through a request-scoped ``Door``: it (1) asks the policy, (2) lets
the service fetch, (3) the service redacts what the decision withholds, (4) each decision becomes an audit
entry buffered here, and (5) ``commit`` appends the entries to the ledger in the same transaction as any
write. The API returns data only after ``commit`` succeeds; if the audit append fails, nothing is returned
and any write is rolled back.

A door is opened by the request scope (``hub.access.request.open_request``), never by a service. It has no
public session: rows are reached through it (``Rows``), and ``change`` decides, writes and records in one
call. A door with no actor, or whose purpose is missing or unknown, permits nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, TypeVarTuple, overload

from sqlalchemy import Executable, Result, ScalarResult
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TypedReturnsRows

from hub.access import accounting
from hub.access.accounting import UndecidedReadError
from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.domain.access import PolicyActor
from hub.domain.actor import AccessContext, Actor, Purpose
from hub.domain.record import AgencyContact
from hub.errors import (
    CaseReferenceRequiredError,
    ForbiddenError,
    NotFoundError,
    PurposeRequiredError,
    UnknownPurposeError,
)
from hub.policy import Decision, Policy, Resource
from hub.reference import ReferenceData
from hub.storage.relationships import Viewer
from hub.storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from hub.services.fetch_on_demand import DetailFetcher

Clock = Callable[[], datetime]
T = TypeVar("T")
P = ParamSpec("P")
Ts = TypeVarTuple("Ts")
Params = Mapping[str, Any] | None


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Subject:
    """What an audit entry is about."""

    resource_type: str
    resource_id: str | None = None
    child_id: str | None = None
    owner_agency_id: str | None = None


class Rows:
    """How a door's holder reaches rows: through the door, never a session of its own.

    Every read and write of a request goes through these, so the door is the one place that sees them (and
    the gate's guard, ``hub.access.guard``, refuses child data before a door was entered). Storage helpers
    that take a session first are called through ``query``: ``door.query(queries.child, child_id)``.
    """

    _session: Session

    def get(self, entity: type[T], ident: Any) -> T | None:
        return self._session.get(entity, ident)

    @overload
    def scalar(self, statement: TypedReturnsRows[T], params: Params = None) -> T | None: ...
    @overload
    def scalar(self, statement: Executable, params: Params = None) -> Any: ...
    def scalar(self, statement: Executable, params: Params = None) -> Any:
        return self._session.scalar(statement, params)

    @overload
    def scalars(self, statement: TypedReturnsRows[T]) -> ScalarResult[T]: ...
    @overload
    def scalars(self, statement: Executable) -> ScalarResult[Any]: ...
    def scalars(self, statement: Executable) -> ScalarResult[Any]:
        return self._session.scalars(statement)

    @overload
    def execute(self, statement: TypedReturnsRows[*Ts], params: Params = None) -> Result[*Ts]: ...
    @overload
    def execute(self, statement: Executable, params: Params = None) -> Result[*tuple[Any, ...]]: ...
    def execute(self, statement: Executable, params: Params = None) -> Result[*tuple[Any, ...]]:
        """``params``: values for a statement built once with bound parameters (hub.storage.statements)."""
        return self._session.execute(statement, params)

    def add(self, row: object) -> None:
        self._session.add(row)

    def add_all(self, rows: Iterable[object]) -> None:
        self._session.add_all(rows)

    def flush(self) -> None:
        self._session.flush()

    def refresh(self, row: object) -> None:
        self._session.refresh(row)

    def expire_all(self) -> None:
        """Forget loaded rows (after a conditional UPDATE the identity map did not see)."""
        self._session.expire_all()

    def in_savepoint(self) -> bool:
        """Inside ``atomic()``: the transaction cannot be committed yet (so no call may leave the hub)."""
        return self._session.in_nested_transaction()

    def query(self, step: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Call a storage helper that takes the session first, in this request's unit of work."""
        return step(self._session, *args, **kwargs)


class Door(Rows):
    def __init__(
        self,
        uow: UnitOfWork,
        policy: Policy,
        reference: ReferenceData,
        actor: Actor,
        *,
        request_id: str,
        purpose_code: str | None,
        case_reference: str | None,
        clock: Clock = utc_now,
        detail_fetcher: DetailFetcher | None = None,
    ) -> None:
        self._uow = uow
        # Which children's rows were loaded, and which the policy was asked about (hub.access.accounting).
        self._accounting = accounting.watch(uow.session)
        self._policy = policy
        self._reference = reference
        self.actor = actor
        self.request_id = request_id
        self.operation: str | None = None
        self._purpose_code = purpose_code
        self._case_reference = case_reference
        self._access: AccessContext | None = None
        self._clock = clock
        self._entries: list[AuditEntry] = []
        self._memo: dict[Hashable, Any] = {}
        # FETCH on demand: detail the hub does not hold, from the owning agency (None: fetch nothing).
        self.detail_fetcher = detail_fetcher

    # -- for services ----------------------------------------------------------------------------------
    @property
    def _session(self) -> Session:  # type: ignore[override]
        return self._uow.session

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Writes inside either all happen or none do (a savepoint); audit entries are kept either way."""
        with self._session.begin_nested():
            yield

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Compute once per request (facts about the actor do not change within a request)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    @property
    def viewer(self) -> Viewer:
        """The actor as SQL sees it, with one "now" for the whole request (grants expire mid-request, not
        mid-query)."""
        return self.memo("viewer", lambda: Viewer(
            practitioner_id=self.actor.practitioner_id,
            agency_id=self.actor.agency_id,
            partnership_ids=self.actor.partnership_ids,
            now=self.now(),
            today=self.today(),
        ))

    def contacts(self, agency_ids: Iterable[str]) -> dict[str, AgencyContact]:
        return self._reference.contacts(self._session, agency_ids)

    def purposes(self) -> list[Purpose]:
        return self._reference.purposes(self._session)

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().date()

    def access(self, subject: Subject, action: str) -> AccessContext:
        """The declared purpose and case reference, checked against the registry; refusals are audited."""
        if self._access is not None:
            return self._access
        code = (self._purpose_code or "").strip()
        case_reference = (self._case_reference or "").strip()
        error: Exception | None = None
        if not code:
            error = PurposeRequiredError(
                "Every access to child data must declare its purpose.",
                "Send the Hub-Purpose header with a code from the purpose registry, e.g. S47_ENQUIRY.",
            )
        elif (registered := self._reference.purpose(self._session, code)) is None:
            error = UnknownPurposeError(
                f"{code!r} is not in the purpose registry.", "Query `purposes` for the registered codes."
            )
        elif not case_reference:
            error = CaseReferenceRequiredError(
                "Every access to child data must name the case it serves.",
                "Send the Hub-Case-Reference header with your case or incident reference.",
            )
        elif len(case_reference) > 100:
            error = CaseReferenceRequiredError("A case reference has at most 100 characters.")
        if error is not None:
            self._record(subject, action, Verdict.DENY, rule=None, reason=str(error))
            raise error
        self._access = AccessContext(registered, case_reference)  # type: ignore[arg-type]
        return self._access

    def decide(
        self,
        action: str,
        facts: Resource,
        subject: Subject,
        *,
        fields: tuple[str, ...] = (),
        audit: bool = True,
    ) -> Decision:
        """Ask the policy; record the decision unless the caller records a combined one (``audit=False``)."""
        access = self.access(subject, action)
        actor = self.memo("policy_actor", lambda: self.policy_actor(access))
        decision = self._policy.decide(actor, action, facts)
        if subject.child_id is not None:
            self._accounting.note(subject.child_id, subject.resource_type, action)
        if audit:
            self.record(subject, action, decision, fields=fields if decision.allowed else ())
        return decision

    def change(self, action: str, facts: Resource, subject: Subject, write: Callable[[], T], *,
               fields: tuple[str, ...] | Callable[[T], tuple[str, ...]] = (),
               reason: str | Callable[[T], str | None] | None = None,
               recorded_as: Callable[[T], Subject | Iterable[Subject]] | None = None,
               missing: str | None = None,
               refused: Callable[[], Exception] | None = None,
               audit_action: str | None = None) -> T:
        """Decide, write, record: in that order, in one call (a template method, so the check cannot be
        skipped). The write runs only when the policy allows it and the target exists (``missing`` says what
        is not there: refused like the policy's no), in a savepoint; a refusal is recorded and raised
        (``refused()``, a ForbiddenError by default) with nothing written. A refusal found while writing (bad
        input) is the write's to record (``refuse``) and raise.

        What is recorded may depend on what was written: ``fields`` and ``reason`` may be functions of the
        write's result, and ``recorded_as`` gives the entries' subjects (the new row's id; one entry each). A
        reason given as text is recorded with a refusal too; one computed from the result only with the write.
        ``audit_action`` names the entries when the policy decides a broader action (ending a record is
        amending it)."""
        decision = self.decide(action, facts, subject, audit=False)
        recorded_action = audit_action or action
        if missing is not None or not decision.allowed:
            self.record(subject, recorded_action, decision, reason=missing if missing is not None
                        else reason if isinstance(reason, str) else None)
            raise refused() if refused else ForbiddenError("The policy does not allow this.")
        with self.atomic():
            result = write()
        subjects = recorded_as(result) if recorded_as else subject
        for recorded in [subjects] if isinstance(subjects, Subject) else subjects:
            self.record(recorded, recorded_action, decision, fields=fields(result) if callable(fields) else fields,
                        reason=reason(result) if callable(reason) else reason)
        return result

    def refusal(self, action: str, facts: Resource, subject: Subject, *, forbidden: str,
                missing: str) -> Callable[[], Exception]:
        """How ``action`` is refused: FORBIDDEN (``forbidden`` says why) for someone who may read the resource,
        NOT_FOUND (``missing``, the answer for no such resource) for anyone else, so a refusal tells nobody
        that the resource exists."""
        def refused() -> Exception:
            if action != "read" and self.decide("read", facts, subject, audit=False).allowed:
                return ForbiddenError(forbidden)
            return NotFoundError(missing)
        return refused

    def require(self, action: str, facts: Resource, subject: Subject, refused: Callable[[], Exception]) -> Decision:
        """Decide ``action`` for work ``change`` does not wrap (a read); a refusal is recorded and raised."""
        decision = self.decide(action, facts, subject, audit=False)
        if not decision.allowed:
            self.record(subject, action, decision)
            raise refused()
        return decision

    def derive(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Memoise, across requests, something computed only from the actor's policy facts and decisions."""
        actor = self.memo("policy_actor", lambda: self.policy_actor(self.access(Subject("policy"), "decide")))
        return self._policy.derive((actor, key), compute)

    def policy_actor(self, access: AccessContext) -> PolicyActor:
        return PolicyActor(
            roles=frozenset(str(r) for r in self.actor.roles),
            agency_kind=str(self.actor.agency_kind),
            purpose=access.purpose.code,
        )

    def record(
        self,
        subject: Subject,
        action: str,
        decision: Decision,
        *,
        fields: tuple[str, ...] = (),
        reason: str | None = None,
    ) -> None:
        verdict = Verdict.ALLOW if decision.allowed else Verdict.DENY
        self._record(subject, action, verdict, rule=decision.rule, fields=fields, reason=reason)

    def refuse(self, subject: Subject, action: str, reason: str) -> None:
        """Audit a refusal that happened before the policy was asked (bad input, unknown resource)."""
        self._record(subject, action, Verdict.DENY, rule=None, reason=reason)

    # -- for the request's end -------------------------------------------------------------------------
    def commit(self) -> list[int]:
        """Append the buffered audit entries and commit the request's work, together or not at all."""
        self.settle_undecided()
        seqs = ledger.append_and_commit(self._session, self._entries)  # the unit of work's commit, with the events
        self._entries = []
        return seqs

    def settle_undecided(self, owed: Iterable[AuditEntry] = ()) -> None:
        """Fail closed if the request loaded a child's rows and never asked the policy about that child: roll
        the work back, record the refusal (with ``owed``, the request's entries from before the door) instead
        of the reads, and raise. Nothing of the request reaches its caller."""
        undecided, refused = self._accounting.unaccounted(), self._accounting.refused
        if not undecided and not refused:
            return
        self._session.rollback()
        self._entries = []
        reason = "loaded without a decision, so nothing was returned: a path that forgot to ask the policy"
        for child_id in sorted(undecided):
            self._record(Subject("child", child_id, child_id), "read", Verdict.DENY, rule=None, reason=reason)
        for tables in refused:
            self._record(Subject("statement", tables), "read", Verdict.DENY, rule=None,
                         reason="columns of child data read without the child's id, so nothing was returned")
        ledger.append_and_commit(self._session, [*owed, *self._entries])
        self._entries = []
        raise UndecidedReadError(f"{len(undecided)} child(ren) read without a decision and {len(refused)} "
                                 f"statement(s) refused in {self.operation!r}")

    @property
    def pending_entries(self) -> tuple[AuditEntry, ...]:
        return tuple(self._entries)

    def forget_pending(self) -> None:
        """The request scope appended the entries (hub.access.request): they are on the ledger now."""
        self._entries = []

    def _record(
        self,
        subject: Subject,
        action: str,
        verdict: Verdict,
        *,
        rule: str | None,
        fields: tuple[str, ...] = (),
        reason: str | None = None,
    ) -> None:
        access = self._access
        if subject.child_id is not None:
            self._accounting.note(subject.child_id, subject.resource_type, action)
        self._entries.append(
            AuditEntry(
                occurred_at=self.now(),
                request_id=self.request_id,
                operation=self.operation,
                actor_practitioner_id=self.actor.practitioner_id,
                actor_email=self.actor.email,
                client_id=self.actor.client_id,
                actor_agency_id=self.actor.agency_id,
                action=action,
                resource_type=subject.resource_type,
                resource_id=subject.resource_id,
                child_id=subject.child_id,
                owner_agency_id=subject.owner_agency_id,
                fields=fields,
                purpose=access.purpose.code if access else self._purpose_code,
                lawful_basis=access.purpose.lawful_basis if access else None,
                case_reference=access.case_reference if access else self._case_reference,
                decision=verdict,
                rule=rule,
                policy_version=self._policy.version,
                reason=reason,
            )
        )

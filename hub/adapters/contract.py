"""The adapter contract: the only part of the hub an adapter may import (checked by import-linter).

An adapter connects the hub to one agency's system. It declares what it is (its agency's official code,
the record kinds it carries, and its capabilities as a set, not as hooks to override), checks its
connection, and, as its capabilities allow, pulls changes since a cursor, fetches one record's detail on
demand, and delivers notifications. Its mapping from the agency's format to ``SourceRecord`` is pure.

Errors come in three kinds, and the hub treats each differently (as Singer and Airbyte connectors do):

- ``AdapterConfigurationError``: fatal; retrying cannot help (a bad URL, an undeclared capability).
- ``AgencyUnavailableError``: the agency's system did not answer well; ``AgencyClient`` has already
  retried with backoff when it raises this, and the hub stops the run without writing half of it.
- ``BadRecordError``: one record cannot be mapped; it is quarantined with the reason, never dropped.

Every call to an agency system carries a ``CallContext`` (request id, acting user, purpose) as headers, as
X-Road does, so both sides can log who asked and why.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from hub.adapters.errors import (
    AdapterConfigurationError,
    AdapterError,
    AgencyUnavailableError,
    BadRecordError,
    CapabilityNotDeclaredError,
    SourceNotFoundError,
)
from hub.adapters.http import AgencyClient, ClientSettings
from hub.domain.nhs_number import InvalidNhsNumberError, is_valid_nhs_number, normalise_nhs_number
from hub.domain.record import Category, Tier

__all__ = [
    "Adapter",
    "AdapterConfig",
    "AdapterConfigurationError",
    "AdapterError",
    "AgencyClient",
    "AgencyUnavailableError",
    "BadRecordError",
    "CallContext",
    "Capability",
    "CapabilityNotDeclaredError",
    "Category",
    "ClientSettings",
    "Detail",
    "InvalidNhsNumberError",
    "Involvement",
    "LinkKind",
    "Notification",
    "Person",
    "PullBatch",
    "RawItem",
    "RecordContent",
    "SourceNotFoundError",
    "SourceRecord",
    "Tier",
    "is_valid_nhs_number",
    "normalise_nhs_number",
]


class Capability(StrEnum):
    PULL = "PULL"  # the hub pulls changes since a cursor
    FETCH = "FETCH"  # the hub fetches one record's detail on demand; the detail is not held by the hub
    DELIVER = "DELIVER"  # the hub delivers notifications to the agency's system


class LinkKind(StrEnum):
    INVOLVEMENT = "INVOLVEMENT"
    ROLL = "ROLL"  # a school's roll: establishes ON_ROLL


@dataclass(frozen=True)
class CallContext:
    """Who asked and why, passed on to the agency with every call."""

    request_id: str
    user: str
    purpose: str
    # time.monotonic() by which the caller needs an answer (None: the client's own timeouts and retries).
    deadline: float | None = None

    def headers(self) -> dict[str, str]:
        return {"X-Request-Id": self.request_id, "X-Hub-User": self.user, "X-Hub-Purpose": self.purpose}


@dataclass(frozen=True)
class Person:
    """A person as one agency knows them, under that agency's own id (``local_id``).

    An unborn child has no date of birth and names its ``mother``; when the agency records the birth, the
    same ``local_id`` arrives with a date of birth (a birth event).
    """

    local_id: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str | None = None  # "female", "male", or None when not recorded
    postcode: str | None = None
    nhs_number: str | None = None  # valid (Modulus 11) when present; mappings reject invalid ones
    mother: Person | None = None
    address_withheld: bool = False  # refuge or adoption: the agency asks that the address is hidden

    @property
    def unborn(self) -> bool:
        return self.date_of_birth is None and self.mother is not None


@dataclass(frozen=True)
class Involvement:
    """The agency's link with the child: an open or closed involvement, or a place on a school's roll."""

    kind: LinkKind
    opened_on: date
    closed_on: date | None = None
    allocated_worker: str | None = None


@dataclass(frozen=True)
class RecordContent:
    """What the agency shares about the child. ``detail`` None with ``detail_on_request`` means: FETCH it."""

    category: Category
    tier: Tier
    summary: str
    start_date: date
    end_date: date | None = None
    detail: str | None = None
    detail_on_request: bool = False


@dataclass(frozen=True)
class SourceRecord:
    """One item of an agency's system, mapped: the person, their link, and the record, if any.

    ``version`` orders the versions of one ``source_id``: the hub applies a version only over an older one.
    """

    source_id: str
    version: int
    person: Person
    involvement: Involvement | None = None
    record: RecordContent | None = None


@dataclass(frozen=True)
class RawItem:
    """One item as the agency's system sent it: kept whole so a bad one can be quarantined and fixed."""

    source_id: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class PullBatch:
    items: tuple[RawItem, ...]
    next_cursor: str | None  # where the next pull starts; None when the agency gave no position
    has_more: bool = False


@dataclass(frozen=True)
class Detail:
    source_id: str
    text: str


@dataclass(frozen=True)
class Notification:
    """A message for an agency's system, e.g. that one of its records was read."""

    kind: str
    subject_local_id: str | None
    message: str
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AdapterConfig:
    """How to reach one agency system. Each adapter's ``config.py`` gives its defaults; the hub's settings
    (``HUB_ADAPTER_<NAME>_URL``, ``..._CACHE_SECONDS``) override them."""

    base_url: str
    agency_code: str  # the agency's official code: LA code, police force code, ODS code or school URN
    page_size: int = 100
    detail_cache_seconds: int = 0  # how long the hub may keep detail fetched on demand; 0: not at all
    timeout_seconds: float = 5.0
    max_attempts: int = 4
    backoff_base_seconds: float = 0.2
    max_response_bytes: int = 5 * 1024 * 1024
    circuit_failure_threshold: int = 5
    circuit_reset_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not self.agency_code.strip():
            raise AdapterConfigurationError("An adapter needs its agency's official code.")
        if not 0 < self.page_size <= 1000:
            raise AdapterConfigurationError("An adapter's page size must be between 1 and 1000.")
        if self.detail_cache_seconds < 0:
            raise AdapterConfigurationError("A detail cache time cannot be negative.")

    def client_settings(self) -> ClientSettings:
        return ClientSettings(
            base_url=self.base_url,
            timeout_seconds=self.timeout_seconds,
            max_attempts=self.max_attempts,
            backoff_base_seconds=self.backoff_base_seconds,
            max_response_bytes=self.max_response_bytes,
            circuit_failure_threshold=self.circuit_failure_threshold,
            circuit_reset_seconds=self.circuit_reset_seconds,
        )


class Adapter(ABC):
    """One agency system. Subclasses declare the class attributes and implement what they declare.

    The public methods check the declared capabilities and then call the ``_``-prefixed implementation
    (a template method), so an undeclared capability can never be reached by accident.
    """

    name: ClassVar[str]  # the registry name, e.g. "social_care"
    system: ClassVar[str]  # what kind of system, e.g. "LA children's social care case system"
    record_kinds: ClassVar[frozenset[Category]]
    capabilities: ClassVar[frozenset[Capability]]

    def __init__(self, config: AdapterConfig, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.agency_code = config.agency_code
        self.client = AgencyClient(
            config.client_settings(), agency=f"{self.system} ({config.agency_code})", sleep=sleep
        )

    def close(self) -> None:
        self.client.close()

    @abstractmethod
    def check(self, context: CallContext) -> None:
        """Raise ``AgencyUnavailableError`` or ``AdapterConfigurationError`` unless the system answers."""

    @abstractmethod
    def map(self, item: RawItem) -> SourceRecord:
        """Pure: the agency's item as a ``SourceRecord``, or ``BadRecordError`` with the reason."""

    def pull(self, cursor: str | None, context: CallContext) -> PullBatch:
        self._require(Capability.PULL)
        return self._pull(cursor, context)

    def fetch(self, source_id: str, context: CallContext) -> Detail:
        self._require(Capability.FETCH)
        return self._fetch(source_id, context)

    def deliver(self, notification: Notification, context: CallContext) -> None:
        self._require(Capability.DELIVER)
        self._deliver(notification, context)

    def _pull(self, cursor: str | None, context: CallContext) -> PullBatch:
        raise NotImplementedError

    def _fetch(self, source_id: str, context: CallContext) -> Detail:
        raise NotImplementedError

    def _deliver(self, notification: Notification, context: CallContext) -> None:
        raise NotImplementedError

    def _require(self, capability: Capability) -> None:
        if capability not in self.capabilities:
            raise CapabilityNotDeclaredError(f"{self.name} does not declare {capability}.")

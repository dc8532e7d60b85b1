"""The three kinds of adapter error: configuration (fatal), unavailable (retriable), bad data (quarantine)."""

from __future__ import annotations


class AdapterError(Exception):
    """Base of everything an adapter raises on purpose."""


class AdapterConfigurationError(AdapterError):
    """Fatal: the adapter is set up wrongly (URL, credentials, capability); retrying cannot help."""


class CapabilityNotDeclaredError(AdapterConfigurationError):
    """The hub asked an adapter for something it does not declare it can do."""


class AgencyUnavailableError(AdapterError):
    """The agency's system did not answer usably after the retries: try again later."""


class SourceNotFoundError(AdapterError):
    """The agency's system answered that it holds no such record."""


class BadRecordError(AdapterError):
    """One record cannot be mapped to the hub's form: it is quarantined with this reason, never dropped."""

    def __init__(self, reason: str, source_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.source_id = source_id

"""Expected failures. Each carries a stable code that the API shows; anything else is masked."""

from __future__ import annotations


class HubError(Exception):
    code = "HUB_ERROR"

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


class PurposeRequiredError(HubError):
    code = "PURPOSE_REQUIRED"


class UnknownPurposeError(HubError):
    code = "UNKNOWN_PURPOSE"


class CaseReferenceRequiredError(HubError):
    code = "CASE_REFERENCE_REQUIRED"


class NotFoundError(HubError):
    """Absent, or present but not visible to the actor: the two are indistinguishable by design."""

    code = "NOT_FOUND"


class ForbiddenError(HubError):
    code = "FORBIDDEN"


class ValidationError(HubError):
    code = "INVALID_INPUT"

    def __init__(self, message: str, field: str | None = None, suggestion: str | None = None) -> None:
        super().__init__(message, suggestion)
        self.field = field


class ConflictError(HubError):
    code = "CONFLICT"


class AuthenticationError(HubError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str, suggestion: str | None = None, *, client_id: str | None = None) -> None:
        super().__init__(message, suggestion)
        self.client_id = client_id  # the verified API client, when it was refused for whom it named

"""Typed errors for expected failures of mutations, returned in payloads rather than raised."""

from __future__ import annotations

from enum import Enum

import strawberry

from hub.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError

EXPECTED = (NotFoundError, ForbiddenError, ValidationError, ConflictError)
Expected = NotFoundError | ForbiddenError | ValidationError | ConflictError


@strawberry.enum
class RecordErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_INPUT = "INVALID_INPUT"
    CONFLICT = "CONFLICT"


@strawberry.type
class RecordError:
    code: RecordErrorCode
    message: str
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    suggestion: str | None = None

    @classmethod
    def from_error(cls, error: NotFoundError | ForbiddenError | ValidationError | ConflictError) -> RecordError:
        code = RecordErrorCode.INVALID_INPUT if isinstance(error, ValidationError) else RecordErrorCode(error.code)
        return cls(
            code=code,
            message=error.message,
            field=error.field if isinstance(error, ValidationError) else None,
            suggestion=error.suggestion,
        )


@strawberry.enum
class WorkflowErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_INPUT = "INVALID_INPUT"
    CONFLICT = "CONFLICT"


@strawberry.type(description="An expected failure of an information request, sharing decision or notification.")
class WorkflowError:
    code: WorkflowErrorCode
    message: str
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    suggestion: str | None = None

    @classmethod
    def from_error(cls, error: Expected) -> WorkflowError:
        record = RecordError.from_error(error)
        return cls(code=WorkflowErrorCode(record.code.value), message=record.message, field=record.field,
                   suggestion=record.suggestion)

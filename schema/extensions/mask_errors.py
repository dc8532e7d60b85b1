"""Mask unexpected errors: the caller gets a code and the request id, never exception text."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import InvalidOperationTypeError

from hub.errors import HubError

log = logging.getLogger("hub.graphql")


def is_unexpected(error: GraphQLError) -> bool:
    """Let the hub's coded errors and GraphQL's own (syntax, validation, an operation type the transport does
    not serve) through; mask everything else."""
    original = error.original_error
    return original is not None and not isinstance(original, HubError | InvalidOperationTypeError)


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        # The type names the fault for operators; the text may hold child data, so it is not logged.
        log.error("unexpected %s at %s", type(error.original_error).__name__, error.path)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_ERROR"}
        return masked

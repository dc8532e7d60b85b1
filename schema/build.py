"""The schema, with its limits and error masking, built per configuration."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as query_depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from schema.extensions.cost_limit import cost_rule
from schema.extensions.mask_errors import MaskUnexpectedErrors
from schema.extensions.operation_limit import operation_count_rule
from schema.extensions.operation_name import RecordOperationName
from schema.mutations import Mutation
from schema.notifications.subscriptions import Subscription
from schema.queries import Query

log = logging.getLogger("hub.graphql")


@dataclass(frozen=True)
class SchemaLimits:
    production: bool = False
    max_query_depth: int = 8
    max_aliases: int = 15
    max_tokens: int = 2000
    max_operations: int = 1
    max_cost: int = 5000


class HubSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log errors without their text or the query: either may hold child data (names, NHS numbers)."""
        for error in errors:
            code = (error.extensions or {}).get("code") or type(error.original_error).__name__
            log.info("graphql error %s at %s", code, error.path)


class SubscriptionsOnlySchema(HubSchema):
    """The schema as the websocket serves it: subscriptions only. Queries and mutations go to POST /graphql,
    where each has a transaction and an audit of its own."""

    async def stream(self, query: str | None, *args: Any, **kwargs: Any) -> Any:
        kwargs["allowed_operation_types"] = (OperationType.SUBSCRIPTION,)
        return await super().stream(query, *args, **kwargs)


def build_schema(limits: SchemaLimits | None = None, *, subscriptions_only: bool = False) -> strawberry.Schema:
    limits = limits or SchemaLimits()
    # The limits' validation rules are built once: the validation cache is keyed by the rule classes, and
    # limiter extensions that built fresh classes per request would never hit it.
    rules = [
        query_depth_rule(limits.max_query_depth, should_ignore=None),
        aliases_rule(limits.max_aliases),
        operation_count_rule(limits.max_operations),
        cost_rule(limits.max_cost),
    ]
    if limits.production:
        rules.append(NoSchemaIntrospectionCustomRule)
    # Factories, never shared instances: an extension holds per-request state (MaskErrors would race).
    extensions = [
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        partial(ParserCache, maxsize=256),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=256),
        MaskUnexpectedErrors,
        RecordOperationName,
    ]
    return (SubscriptionsOnlySchema if subscriptions_only else HubSchema)(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=limits.production),
    )


def printed_schema() -> str:
    return build_schema().as_str() + "\n"

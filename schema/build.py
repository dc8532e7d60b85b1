"""The schema, with its limits and error masking, built per configuration."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from schema.extensions.cost_limit import CostLimiter
from schema.extensions.mask_errors import MaskUnexpectedErrors
from schema.extensions.operation_limit import OperationCountLimiter
from schema.extensions.operation_name import RecordOperationName
from schema.mutations import Mutation
from schema.queries import Query


@dataclass(frozen=True)
class SchemaLimits:
    production: bool = False
    max_query_depth: int = 8
    max_aliases: int = 15
    max_tokens: int = 2000
    max_operations: int = 1
    max_cost: int = 5000


def build_schema(limits: SchemaLimits | None = None) -> strawberry.Schema:
    limits = limits or SchemaLimits()
    # Factories, never shared instances: an extension holds per-request state (MaskErrors would race).
    extensions = [
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        partial(QueryDepthLimiter, max_depth=limits.max_query_depth),
        partial(MaxAliasesLimiter, max_alias_count=limits.max_aliases),
        partial(OperationCountLimiter, max_operations=limits.max_operations),
        partial(CostLimiter, max_cost=limits.max_cost),
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
        MaskUnexpectedErrors,
        RecordOperationName,
    ]
    if limits.production:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=limits.production),
    )


def printed_schema() -> str:
    return build_schema().as_str() + "\n"
